"""How long Python's full cycle collection stops a server's search: the app over an index as
`cli.py serve` builds it (warmed up, then `search_web.server.settle_loaded` unless `--no-settle`),
the 46-query mix and the title queries asked through the app, and then full collections timed.

    python -m benchmarks.gc_pause --input FOLDER INDEX [--no-settle] [--passes 4]

Prints the objects the collector tracks, each full collection that fell among the searches (how
long it stopped them), and the median of five full collections forced afterwards: what one
search in several hundred waits for when the collector's turn comes.
"""
from __future__ import annotations

import argparse
import gc
import json
import statistics
import time
from pathlib import Path

from benchmarks.compare import QUERY_MIX
from benchmarks.user_path import title_queries


def measure(folder: Path, index: Path, settle: bool, passes: int) -> dict:
    from search_web import create_app

    app = create_app({"INDEX_DIR": index})
    if settle:
        from search_web.server import settle_loaded

        settle_loaded()
    client = app.test_client()
    full: list[float] = []
    started = [0.0]

    def timed(phase: str, info: dict) -> None:
        if info["generation"] == 2:
            if phase == "start":
                started[0] = time.perf_counter()
            else:
                full.append((time.perf_counter() - started[0]) * 1000)

    queries = [q for q, _ in QUERY_MIX] + title_queries(folder, 200)
    gc.callbacks.append(timed)
    try:
        for _ in range(passes):
            for q in queries:
                client.get("/api/search", query_string={"q": q})
        among = list(full)
        forced = []
        for _ in range(5):
            t = time.perf_counter()
            gc.collect()
            forced.append((time.perf_counter() - t) * 1000)
    finally:
        gc.callbacks.remove(timed)
    return {"index": index.name, "settled": settle, "searches": passes * len(queries),
            "tracked_objects": len(gc.get_objects()),
            "full_collections_among_searches_ms": [round(ms, 1) for ms in among],
            "forced_full_collection_median_ms": round(statistics.median(forced), 1)}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--input", type=Path, required=True, help="the archive's folder (for the title queries)")
    parser.add_argument("index", type=Path)
    parser.add_argument("--no-settle", action="store_true", help="as a server without `settle_loaded`")
    parser.add_argument("--passes", type=int, default=4)
    args = parser.parse_args(argv)
    print(json.dumps(measure(args.input, args.index, not args.no_settle, args.passes), ensure_ascii=False))


if __name__ == "__main__":
    main()
