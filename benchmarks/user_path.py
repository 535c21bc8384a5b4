"""The user's path, measured end to end: an archive's folder through `cli.py rebuild`, the
search mix through the HTTP API of `cli.py serve`, a nightly `cli.py ingest`, and `cli.py check`.

    python -m benchmarks.user_path --input FOLDER --index DIR [--nightly FILE] [--reps 3]
                                   [--title-queries 200] [--searches-only]

`FOLDER` is the archive as a user brings it (for instance `input-<size>-sources/`, one JSON Lines
export per source, written by `benchmarks.compare --shapes sources`). Prints one JSON object:
- `build`: wall seconds, articles/s and the peak PSS of the rebuild's whole process tree;
- `http`: p50 / p95 / max ms of the 46-query mix (`benchmarks.compare.QUERY_MIX`, top 10 with
  facets, reposts collapsed: what the search page asks for) over `--reps` timed passes after a
  warm-up pass, on a server started for it on a free loopback port; per-query medians, and the
  queries with fewer than 100 matches; `first_pass`: the warm-up pass's own figures, each query
  asked for the first time of a fresh server (only the words and phrases it shares with the
  queries before it, or with the server's start-up search, are remembered); `title_queries`:
  four characters of a title drawn at random, as a reader looks an article up again, each asked
  once after the mix (`first_ask`: the times of those matching fewer than 100 articles, the
  target for such queries: a new query reads its words' lists, which later ones find kept),
  then those timed over `--reps` passes of their own;
- `nightly`: wall seconds of `cli.py ingest FILE` into the built index;
- `check`: wall seconds of `cli.py check` (every byte of the live generation verified).
"""
from __future__ import annotations

import argparse
import http.client
import json
import random
import re
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

from benchmarks.compare import QUERY_MIX, _pct
from benchmarks.rebuild import REPO, run_measured


def _cli(index: Path, *args: str) -> list[str]:
    return [sys.executable, str(REPO / "cli.py"), "--index", str(index), *args]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def title_queries(folder: Path, n: int, seed: int = 7, per_file: int = 20_000) -> list[str]:
    """`n` queries a reader would type to find one article again: four characters of Chinese
    taken from the title of a record drawn at random (the first `per_file` records of each
    JSON Lines export of `folder`); most match a few articles. [] for an archive of pages."""
    titles: list[str] = []
    files = [] if n <= 0 else [folder] if folder.is_file() else sorted(folder.rglob("*.jsonl"))
    for path in files:
        with open(path, "rb") as f:
            for k, line in enumerate(f):  # records end at b"\n" alone
                if k >= per_file:
                    break
                try:
                    title = json.loads(line).get("title")
                except (ValueError, AttributeError):  # not JSON, or not an object
                    continue
                if isinstance(title, str):
                    titles.append(title)
    rnd = random.Random(seed)
    runs = [run for t in titles for run in _CJK_RUN.findall(t)]
    queries: list[str] = []
    for _ in range(50 * n if runs else 0):  # fewer when the titles hold fewer distinct ones
        if len(queries) == n:
            break
        run = rnd.choice(runs)
        at = rnd.randrange(len(run) - 3)
        if run[at:at + 4] not in queries:
            queries.append(run[at:at + 4])
    return queries


_CJK_RUN = re.compile("[\u4e00-\u9fff]{4,}")


def http_mix(index: Path, reps: int, rare: list[str] = ()) -> dict:
    port = _free_port()
    server = subprocess.Popen(_cli(index, "serve", "--port", str(port)), cwd=REPO,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        conn = None
        for _ in range(600):
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                conn.request("GET", "/healthz")
                conn.getresponse().read()
                break
            except OSError:
                time.sleep(0.1)
        assert conn is not None

        def ask(query: str) -> tuple[float, int]:
            t = time.perf_counter()
            conn.request("GET", "/api/search?" + urlencode({"q": query}))
            response = conn.getresponse()
            body = response.read()
            ms = (time.perf_counter() - t) * 1000
            if response.status != 200:
                raise RuntimeError(f"{query}: HTTP {response.status} {body[:200]!r}")
            return ms, json.loads(body)["total"]

        first = {q: ask(q) for q, _ in QUERY_MIX}  # the warm-up pass: each query's first time
        totals = {q: n for q, (_ms, n) in first.items()}
        cold = [ms for ms, _n in first.values()]
        samples: dict[str, list[float]] = {q: [] for q, _ in QUERY_MIX}
        for _ in range(reps):
            for q, _ in QUERY_MIX:
                samples[q].append(ask(q)[0])
        every = [ms for values in samples.values() for ms in values]
        few = [ms for q, values in samples.items() if totals[q] < 100 for ms in values]
        rare_first = {q: ask(q) for q in rare}  # each one's first time: what a reader's new query costs
        rare_few = [q for q, (_ms, n) in rare_first.items() if n < 100]
        first_ms = [rare_first[q][0] for q in rare_few]
        rare_ms = [ask(q)[0] for _ in range(reps) for q in rare_few]
        return {"p50": _pct(every, 50), "p95": _pct(every, 95), "max": max(every), "n": len(every),
                "first_pass": {"p50": _pct(cold, 50), "p95": _pct(cold, 95), "max": max(cold)},
                "few_matches_max": max(few) if few else None,
                "title_queries": {"asked": len(rare), "under_100_matches": len(rare_few),
                                  **({"p50": _pct(rare_ms, 50), "p95": _pct(rare_ms, 95), "max": max(rare_ms),
                                      "first_ask": {"p50": _pct(first_ms, 50), "p95": _pct(first_ms, 95),
                                                    "max": max(first_ms)}}
                                     if rare_ms else {})},
                "per_query_median_ms": {q: round(statistics.median(v), 1) for q, v in samples.items()},
                "totals": totals}
    finally:
        server.terminate()
        server.wait(timeout=30)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--input", type=Path, required=True, help="the archive's folder (or file) as the user has it")
    ap.add_argument("--index", type=Path, required=True, help="where to build (replaced)")
    ap.add_argument("--nightly", type=Path, help="a JSON Lines file of new articles to ingest afterwards")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--title-queries", type=int, default=200,
                    help="also ask this many four-character queries drawn from the archive's titles (timed: "
                         "those with fewer than 100 matches)")
    ap.add_argument("--searches-only", action="store_true", help="search the index already built (no rebuild, no ingest)")
    args = ap.parse_args(argv)
    import shutil

    out: dict = {"input": args.input.name}
    if not args.searches_only:
        shutil.rmtree(args.index, ignore_errors=True)
        wall, peak, res = run_measured(_cli(args.index, "rebuild", str(args.input), "--format", "json"), pss=True)
        if res.returncode:
            raise SystemExit(f"rebuild failed: {res.stderr[-2000:]}")
        report = json.loads(res.stdout)
        out["build"] = {"seconds": round(wall, 1), "articles": report["articles"],
                        "articles_per_s": round(report["articles"] / wall), "tree_peak_pss_mb": round(peak / 2**20)}
        print(json.dumps(out, ensure_ascii=False), flush=True)
        subprocess.run(["sync"], check=False)
    out["http"] = http_mix(args.index, args.reps, title_queries(args.input, args.title_queries))
    if args.searches_only:
        print(json.dumps(out, ensure_ascii=False), flush=True)
        return
    t = time.perf_counter()
    res = subprocess.run(_cli(args.index, "check"), cwd=REPO, capture_output=True, text=True)
    out["check"] = {"seconds": round(time.perf_counter() - t, 2), "exit": res.returncode}
    if args.nightly:
        wall, peak, res = run_measured(_cli(args.index, "ingest", str(args.nightly), "--format", "json"), pss=True)
        out["nightly"] = {"seconds": round(wall, 2), "exit": res.returncode, "tree_peak_pss_mb": round(peak / 2**20),
                          "added": json.loads(res.stdout)["added"] if res.returncode == 0 else None}
    print(json.dumps(out, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
