"""The OpenSearch backend against the embedded index on the same articles: build rate and query
latency, and whether both find the same number of articles for every query.

    python cli.py cluster start --nodes 3            # prints the URL prefix
    python -m benchmarks.cluster CORPUS --url opensearch://127.0.0.1:9200,127.0.0.1:9201,127.0.0.1:9202

CORPUS is a folder of articles (any format `rebuild` reads; e.g. one written by
`python -m benchmarks.corpus`). The embedded index is built in a scratch folder (skip it with
--no-embedded). Queries are drawn from the corpus's own titles (deterministic for a seed): words,
quoted phrases, a word with a date filter, and the newest articles; each runs --repeat times
after a warm-up pass, one at a time. With --mix, also the 46-query mix of `benchmarks.compare`: its
latency, and for every query whether the cluster matches exactly the articles the embedded index
matches (which is exact against the oracle). With --stop-node DATA, last, one node of the cluster
is stopped while two threads search the mix without pause: failed requests and wrong totals while
it goes down and after the cluster settles. Prints one JSON object.
"""
from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

from indexer.backends import open_engine
from indexer.ingest.run import run_ingest
from indexer.search.engine import SearchEngine
from indexer.search.request import SearchRequest

_CJK_RUN = re.compile(r"[\u4e00-\u9fff]{4,}")


def query_mix(engine, n: int, seed: int) -> list[dict]:
    """`n` search parameter sets drawn from the titles of the index's articles."""
    rng = random.Random(seed)
    result = engine.search(SearchRequest.create("", per_page=1000, sort="oldest", collapse=False))
    runs = [r for h in result.hits for r in _CJK_RUN.findall(h.title)]
    out: list[dict] = []
    while len(out) < n and runs:
        run = rng.choice(runs)
        kind = len(out) % 5
        if kind == 0:
            out.append({"query": run[:2]})
        elif kind == 1:
            out.append({"query": f'"{run[:4]}"'})
        elif kind == 2:
            other = rng.choice(runs)
            out.append({"query": f"{run[:2]} {other[:2]}"})
        elif kind == 3:
            out.append({"query": run[:2], "date_from": "2019-10"})
        else:
            out.append({"query": "", "sort": "newest"})
    return out


def timed(engine, params: list[dict], repeat: int) -> tuple[list[float], list[int]]:
    for p in params:  # warm-up
        engine.search(SearchRequest.create(**p))
    times, totals = [], []
    for _ in range(repeat):
        for p in params:
            t0 = time.perf_counter()
            r = engine.search(SearchRequest.create(**p))
            times.append((time.perf_counter() - t0) * 1000)
            totals.append(r.total)
    return times, totals


def matched_ids(engine, query: str) -> set[str]:
    """The ids of every article a query matches (the request a user makes: top 10 with facets,
    variants on), through the engine's matching: docnums → stored ids (embedded) or the
    cluster's ids in order (`ClusterMatching`)."""
    m = engine.matching(SearchRequest.create(query))
    if hasattr(m, "gen"):  # the embedded Matching
        return {m.searcher.stored_fields(int(d))["id"] for d in m.everything}
    m.order(len(m.everything))
    return set(m.searcher.ids)


def mix_check(remote, embedded, repeat: int) -> dict:
    """The 46-query mix of `benchmarks.compare` on the cluster: latency (one query at a time, top
    10 with facets, after a warm-up pass) and, beside the embedded index, whether every query
    matches exactly the same articles (the embedded index is exact against the oracle)."""
    from benchmarks.compare import QUERY_MIX

    params = [{"query": q} for q, _ in QUERY_MIX]
    times, _ = timed(remote, params, repeat)
    out = {"queries": len(params), **percentiles(times)}
    if embedded is not None:
        differ = [q for q, _ in QUERY_MIX if matched_ids(remote, q) != matched_ids(embedded, q)]
        out["same_articles"] = len(params) - len(differ)
        out["differ"] = differ
    return out


def node_stop_check(remote, data: Path, seconds_before: float = 5.0, settle: float = 30.0,
                    after: float = 30.0) -> dict:
    """The 46-query mix searched without pause by two threads while the cluster's last node (of
    the cluster started from `data`) is stopped: failed requests and wrong totals (against the
    totals before) while it goes down and the cluster settles (`settle` seconds), and after."""
    import threading

    from benchmarks.compare import QUERY_MIX
    from indexer import cluster

    queries = [q for q, _ in QUERY_MIX]
    expected = {q: remote.search(SearchRequest.create(q)).total for q in queries}
    lock = threading.Lock()
    log: list[tuple[float, str, float]] = []  # (time, "ok" | "wrong" | "failed: …", ms)
    done = threading.Event()

    def search(offset: int) -> None:
        n = offset
        while not done.is_set():
            q = queries[n % len(queries)]
            n += 1
            t = time.perf_counter()
            try:
                outcome = "ok" if remote.search(SearchRequest.create(q)).total == expected[q] else "wrong"
            except Exception as exc:  # noqa: BLE001 - every failure is counted and reported
                outcome = f"failed: {exc!r}"[:300]
            with lock:
                log.append((t, outcome, (time.perf_counter() - t) * 1000))

    threads = [threading.Thread(target=search, args=(i * 23,)) for i in range(2)]
    for th in threads:
        th.start()
    time.sleep(seconds_before)
    victim = cluster.status(data)["nodes"][-1]
    stopped_at = time.perf_counter()
    cluster.stop_node(victim["pid"])
    down = time.perf_counter() - stopped_at
    time.sleep(settle + after)
    done.set()
    for th in threads:
        th.join()
    settled = stopped_at + settle

    def part(rows):
        failed = [o for _, o, _ in rows if o.startswith("failed")]
        return {"requests": len(rows), "failed": len(failed), "wrong_totals": sum(o == "wrong" for _, o, _ in rows),
                "first_failures": failed[:3], **(percentiles([ms for *_, ms in rows]) if len(rows) > 1 else {})}

    return {"node_stopped": victim["name"], "stop_seconds": round(down, 1),
            "before": part([r for r in log if r[0] < stopped_at]),
            "while_settling": part([r for r in log if stopped_at <= r[0] < settled]),
            "after_settling": part([r for r in log if r[0] >= settled]),
            "health_after": cluster.status(data)["health"]}


def percentiles(times: list[float]) -> dict:
    q = statistics.quantiles(times, n=20)
    return {"p50_ms": round(statistics.median(times), 1), "p95_ms": round(q[18], 1), "n": len(times)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--url", required=True, help="opensearch://HOST:PORT,... (the index name is added)")
    ap.add_argument("--name", default="bench")
    ap.add_argument("--queries", type=int, default=40)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--no-embedded", action="store_true")
    ap.add_argument("--mix", action="store_true",
                    help="also run the 46-query mix of benchmarks.compare: latency, and the matched articles "
                         "compared with the embedded index's, query by query")
    ap.add_argument("--no-build", action="store_true",
                    help="query the index NAME already on the cluster (built by an earlier run) instead of rebuilding")
    ap.add_argument("--stop-node", type=Path, metavar="DATA",
                    help="last: search the mix without pause while the last node of the cluster started from "
                         "DATA (`cluster start --data DATA`) is stopped; failed requests and wrong totals")
    args = ap.parse_args(argv)

    out: dict = {"corpus": str(args.corpus), "url": args.url}
    remote = open_engine(f"{args.url.rstrip('/')}/{args.name}")
    health = remote.client.request("GET", "/_cluster/health")
    out["nodes"] = health["number_of_nodes"]
    with tempfile.TemporaryDirectory(prefix="wensou-bench-") as tmp:
        embedded = None
        if not args.no_embedded:
            t0 = time.perf_counter()
            report = run_ingest(Path(tmp) / "index", [args.corpus], rebuild=True)
            seconds = time.perf_counter() - t0
            out["embedded_build"] = {"articles": report.articles, "seconds": round(seconds, 1),
                                     "articles_per_s": round(report.articles / seconds, 1)}
            embedded = SearchEngine(Path(tmp) / "index")
        if not args.no_build:
            t0 = time.perf_counter()
            report = remote.rebuild([args.corpus])
            seconds = time.perf_counter() - t0
            load = remote._meta(report.generation).get("last_build", {}).get("load_seconds")
            out["opensearch_build"] = {"articles": report.articles, "seconds": round(seconds, 1),
                                       "articles_per_s": round(report.articles / seconds, 1),
                                       "load_seconds": load,
                                       "load_articles_per_s": round(report.articles / load, 1) if load else None}
        params = query_mix(embedded or remote, args.queries, args.seed)
        times, totals = timed(remote, params, args.repeat)
        out["opensearch_query"] = percentiles(times)
        if embedded is not None:
            e_times, e_totals = timed(embedded, params, args.repeat)
            out["embedded_query"] = percentiles(e_times)
            out["queries_with_different_totals"] = sum(a != b for a, b in zip(totals, e_totals)) // args.repeat
        if args.mix:
            out["mix"] = mix_check(remote, embedded, args.repeat)
        if embedded is not None:
            embedded.close()
        if args.stop_node:
            out["node_stop"] = node_stop_check(remote, args.stop_node)
    json.dump(out, sys.stdout, ensure_ascii=False, indent=2)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
