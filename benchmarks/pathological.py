"""Pathological queries: how long the parser and a search take on them (the unit tests only check
that they parse and search without failing; times belong here, not in a timed test).

    python -m benchmarks.pathological INDEX_DIR [--reps 3]

Prints one line per query: its shape, the parse time and the search time (best of --reps, ms),
and the search's total.
"""
from __future__ import annotations

import argparse
import time

from indexer.search.engine import SearchEngine
from indexer.search.query import parse_query
from indexer.search.request import SearchRequest, SearchTooCostly

QUERIES = ['"' * 2000, "「" * 2000, "-" * 2000, "OR " * 666, "title:" * 333, "-「" * 1000,
           "a " * 1000, "的 " * 1000, "委員會 " * 500, '"a' * 1000, "a OR " * 400, "\x00" * 2000,
           "的 " * 400, "委員會 " * 300, "-的 " * 600]


def best_ms(fn, reps: int) -> float:
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return min(times)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("index")
    ap.add_argument("--reps", type=int, default=3)
    args = ap.parse_args(argv)
    with SearchEngine(args.index) as engine:
        engine.search(SearchRequest.create(""))  # warm
        print(f"{'query':24} {'parse ms':>9} {'search ms':>10} {'total':>7}")
        for q in QUERIES:
            parse = best_ms(lambda q=q: parse_query(q), args.reps)
            found: list = []

            def search(q=q, found=found):
                try:
                    found.append(engine.search(SearchRequest.create(q)).total)
                except SearchTooCostly:
                    found.append("refused")

            searched = best_ms(search, args.reps)
            print(f"{repr(q[:8]) + f'x{len(q)}':24} {parse:9.1f} {searched:10.1f} {found[-1]!s:>7}")


if __name__ == "__main__":
    main()
