"""How much of a search's time is the number of segments: the same archive's indexes searched
in one process, one after the other in turn, after a warm-up pass each.

    python -m benchmarks.segments --input FOLDER INDEX [INDEX ...] [--reps 3] [--title-queries 200]
    python -m benchmarks.segments --input FOLDER --build DIR --held N

The first form prints, for each index, its segments, the 46-query mix's p50 / p95 (top 10 with
facets: `benchmarks.compare.QUERY_MIX`, each query's median over `--reps` passes) and the p50 /
p95 / max of the title queries with fewer than 100 matches (`benchmarks.user_path.title_queries`).
The indexes are searched in turn, pass by pass, so a machine's drift falls on each alike.

The second builds an experiment, not the product: `cli.py rebuild FOLDER`'s build with each
writer closing its segment at N postings and exact pairs instead of `MAX_SEGMENT_HELD` (and no
early close for memory), so fewer, larger segments from the same articles; its memory is not
bounded as the product's is.
"""
from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from benchmarks.compare import QUERY_MIX, _pct
from benchmarks.user_path import title_queries


def _timed(engine, request) -> float:
    t = time.perf_counter()
    engine.search(request)
    return (time.perf_counter() - t) * 1000


def compare(folder: Path, indexes: list[Path], reps: int, n_titles: int) -> list[dict]:
    from indexer.search.engine import SearchEngine
    from indexer.search.request import SearchRequest
    from indexer.store import current_generation

    engines = [SearchEngine(ix) for ix in indexes]
    mix = [SearchRequest.create(q) for q, _ in QUERY_MIX]
    titles = [SearchRequest.create(q) for q in title_queries(folder, n_titles)]
    few = [r for r in titles if engines[0].search(r).total < 100]
    for engine in engines:  # warm-up: what a search reads is remembered, as in a server
        for request in mix + few:
            engine.search(request)
    mix_ms = [[[] for _ in mix] for _ in engines]
    few_ms: list[list[float]] = [[] for _ in engines]
    for _ in range(reps):
        for k, engine in enumerate(engines):
            for i, request in enumerate(mix):
                mix_ms[k][i].append(_timed(engine, request))
            few_ms[k] += [_timed(engine, request) for request in few]
    out = []
    for k, (ix, engine) in enumerate(zip(indexes, engines)):
        medians = [statistics.median(v) for v in mix_ms[k]]
        out.append({"index": str(ix), "segments": len(list(current_generation(ix).glob("*.trm"))),
                    "articles": engine.article_count(),
                    "mix_p50_ms": round(statistics.median(medians), 2), "mix_p95_ms": round(_pct(medians, 95), 2),
                    "few": len(few), "few_p50_ms": round(statistics.median(few_ms[k]), 2),
                    "few_p95_ms": round(_pct(few_ms[k], 95), 2), "few_max_ms": round(max(few_ms[k]), 2)})
    return out


def build(folder: Path, index: Path, held: int) -> dict:
    from indexer.ingest import writer
    from indexer.ingest.run import run_ingest

    writer.MAX_SEGMENT_HELD = held
    writer.SEGMENT_RESIDENT = 1 << 60  # no early close for memory: the experiment's whole point
    t = time.monotonic()
    report = run_ingest(index, [folder], rebuild=True)
    return {"articles": report.articles, "seconds": round(time.monotonic() - t, 1), "held": held}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--input", type=Path, required=True, help="the archive's folder (JSON Lines exports)")
    ap.add_argument("indexes", type=Path, nargs="*")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--title-queries", type=int, default=200)
    ap.add_argument("--build", type=Path, help="build an experimental index here instead")
    ap.add_argument("--held", type=int, default=400_000_000, help="postings and pairs a segment holds (--build)")
    args = ap.parse_args(argv)
    if args.build:
        print(json.dumps(build(args.input, args.build, args.held)))
        return
    if not args.indexes:
        ap.error("give the indexes to compare (or --build)")
    for row in compare(args.input, args.indexes, args.reps, args.title_queries):
        print(json.dumps(row, ensure_ascii=False))


if __name__ == "__main__":
    main()
