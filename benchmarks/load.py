"""Load benchmark: concurrent clients against `cli.py serve` on loopback, for the JSON API and
for the search page.

    python -m benchmarks.load [--index DIR] [--clients 4] [--duration 30] [--threads 8] [--heavy 8]

Starts `python cli.py --index DIR serve` on a free 127.0.0.1 port (the production waitress
server, in its own process so the clients do not share its interpreter), waits for /healthz,
then runs each target in turn: N client threads with keep-alive connections send a typical
query mix for the given duration. The mix is built from the index itself: two-character
words, quoted phrases, source / author / year filters from the facets, later pages and the
date sorts. Prints requests per second, p50 / p95 / max latency and errors for each target.
With `--heavy N`, N further clients send worst-case requests the whole time (about 330 frequent
two-character words joined by OR with 300 results a page, as many as the cost budget allows,
and their CSV export): the plain
clients' latency is then what users see while eight such queries are always outstanding (a
refused one is sent again after the Retry-After the server asks for), and each heavy request's
status and time show whether any ran past the deadline. Only loopback traffic.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from indexer import paths

REPO = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
WORDS = ["环境", "生态", "法规", "公告", "修正", "委员", "管理", "工程", "规定", "条例", "經濟", "農業",
         "金融", "建设", "保护", "教育", "办法", "劳工", "交通", "文化"]
PHRASES = ['"委員會令"', '"生态环境"', "“修正条文”", '"公共工程"', '"管理办法"', "「監督管理」"]


@dataclass
class Stats:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, seconds: float, ok: bool) -> None:
        with self.lock:
            self.latencies.append(seconds)
            if not ok:
                self.errors += 1


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def get(conn: http.client.HTTPConnection, path: str) -> tuple[int, bytes]:
    conn.request("GET", path)
    response = conn.getresponse()
    return response.status, response.read()


def start_server(index: Path, port: int, threads: int) -> subprocess.Popen:
    cmd = [sys.executable, str(REPO / "cli.py"), "--index", str(index), "serve", "--host", HOST,
           "--port", str(port), "--threads", str(threads)]
    # The server's stderr goes to a file: waitress logs a warning whenever its task queue is
    # not empty, and an unread pipe fills up under load and stops the server mid-run.
    log = tempfile.TemporaryFile()
    proc = subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.DEVNULL, stderr=log)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            log.seek(0)
            raise SystemExit(f"server exited: {log.read().decode(errors='replace')}")
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=5)
            status, body = get(conn, "/healthz")
            conn.close()
            if status == 200:
                print(f"server: {json.loads(body)['articles']} articles at http://{HOST}:{port}/", flush=True)
                return proc
            raise SystemExit(f"/healthz answered {status}: {body[:200]!r}")
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("server did not start within 60 s")


def query_mix(port: int, seed: int = 7) -> list[dict[str, str]]:
    """Parameter sets for a typical mix, with filter values taken from the index's facets."""
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    _, body = get(conn, "/api/search?per_page=1")
    conn.close()
    facets = json.loads(body)["facets"]
    sources = [v["value"] for v in facets["source"][:8]]
    authors = [v["value"] for v in facets["author"][:8]]
    years = [v["value"] for v in facets["year"][:6]]
    rnd = random.Random(seed)
    mix: list[dict[str, str]] = []
    for word in WORDS:
        mix.append({"q": word})
        mix.append({"q": word, "page": "2"})
    for phrase in PHRASES:
        mix.append({"q": phrase})
    for _ in range(12):
        mix.append({"q": rnd.choice(WORDS), "source": rnd.choice(sources)} if sources else {"q": rnd.choice(WORDS)})
    for _ in range(6):
        if authors:
            mix.append({"author": rnd.choice(authors)})
    for _ in range(6):
        if years:
            y = rnd.choice(years)
            mix.append({"q": rnd.choice(WORDS), "from": y, "to": y})
    mix += [{"sort": "newest"}, {"q": "公告", "sort": "oldest", "page": "3"}, {"q": f"{WORDS[0]} {WORDS[1]}"},
            {"q": "-公告 修正"}, {"q": "title:条例"}]
    return mix


def heavy_mix(port: int, words: int = 330) -> list[tuple[str, dict[str, str]]]:
    """Worst-case requests: the index's most frequent two-character words (counted in the
    titles and snippets of its first results) joined by OR, 300 results a page, and the
    same query's CSV export."""
    conn = http.client.HTTPConnection(HOST, port, timeout=60)
    counts: dict[str, int] = {}
    for q in ("的", "年", "发展", "中国"):
        _, body = get(conn, "/api/search?" + urlencode({"q": q, "per_page": 100}))
        for hit in json.loads(body)["hits"]:
            text = "".join(ch for ch in (hit.get("title", "") + hit.get("snippet", "")) if "\u4e00" <= ch <= "\u9fff")
            for a, b in zip(text, text[1:]):
                counts[a + b] = counts.get(a + b, 0) + 1
    conn.close()
    chosen, query = sorted(counts, key=counts.get, reverse=True), ""
    for w in chosen[:words]:
        if len(query) + len(w) + 4 > 1990:  # the query cap is 2,000 characters
            break
        query = f"{query} OR {w}" if query else w
    return [("/api/search", {"q": query, "per_page": "300"}), ("/api/search.csv", {"q": query})]


def run_target(port: int, path: str, mix: list[dict[str, str]], clients: int, duration: float,
               heavy: list[tuple[str, dict[str, str]]] | None = None, heavy_clients: int = 0,
               heavy_stats: dict | None = None) -> tuple[Stats, float]:
    stats = Stats()
    stop_at = time.monotonic() + duration

    def client(n: int) -> None:
        rnd = random.Random(n)
        conn = http.client.HTTPConnection(HOST, port, timeout=30)
        while time.monotonic() < stop_at:
            url = path + "?" + urlencode(rnd.choice(mix))
            t0 = time.perf_counter()
            try:
                status, _ = get(conn, url)
                ok = status == 200
            except (OSError, http.client.HTTPException):
                ok = False
                conn.close()
                conn = http.client.HTTPConnection(HOST, port, timeout=30)
            stats.add(time.perf_counter() - t0, ok)
        conn.close()

    def hammer(n: int) -> None:  # answered (200, possibly partial) or refused (503, 429): both fine
        conn = http.client.HTTPConnection(HOST, port, timeout=120)
        while time.monotonic() < stop_at:
            where, params = heavy[n % len(heavy)]
            t0 = time.perf_counter()
            retry = 0
            try:
                conn.request("GET", where + "?" + urlencode(params))
                response = conn.getresponse()
                response.read()
                status, retry = response.status, int(response.getheader("Retry-After") or 0)
            except (OSError, http.client.HTTPException):
                status = "dropped"
                conn.close()
                conn = http.client.HTTPConnection(HOST, port, timeout=120)
            with stats.lock:
                heavy_stats.setdefault(status, []).append(time.perf_counter() - t0)
            time.sleep(min(retry, max(0.0, stop_at - time.monotonic())))  # as asked, like a browser or curl --retry
        conn.close()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    threads += [threading.Thread(target=hammer, args=(n,)) for n in range(heavy_clients if heavy else 0)]
    t0 = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return stats, time.monotonic() - t0


def report(name: str, stats: Stats, elapsed: float) -> str:
    lat = sorted(stats.latencies)
    if not lat:
        return f"{name:<12} no requests"
    p95 = lat[min(len(lat) - 1, int(len(lat) * 0.95))]
    return (f"{name:<12} {len(lat):>6} requests  {len(lat) / elapsed:7.1f} req/s  "
            f"p50 {statistics.median(lat) * 1000:6.1f} ms  p95 {p95 * 1000:6.1f} ms  "
            f"max {lat[-1] * 1000:6.1f} ms  errors {stats.errors}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", type=Path,
                        default=paths.default_index_dir())
    parser.add_argument("--clients", type=int, default=4, help="concurrent client threads (default 4)")
    parser.add_argument("--duration", type=float, default=30.0, help="seconds per target (default 30)")
    parser.add_argument("--threads", type=int, default=8, help="waitress threads (cli.py serve's default)")
    parser.add_argument("--heavy", type=int, default=0, help="further clients sending worst-case requests")
    args = parser.parse_args(argv)

    proc = start_server(args.index.resolve(), free_port(), args.threads)
    try:
        port = int(proc.args[proc.args.index("--port") + 1])
        mix = query_mix(port)
        print(f"{args.clients} clients, {args.duration:g} s per target, {len(mix)} queries in the mix, "
              f"{os.cpu_count()} CPUs", flush=True)
        heavy = heavy_mix(port) if args.heavy else None
        if heavy:
            print(f"{args.heavy} heavy clients: {heavy[0][1]['q'].count(' OR ') + 1} words joined by OR, "
                  f"{len(heavy[0][1]['q'])} characters, per_page 300, and its CSV export", flush=True)
        errors = 0
        for name, path in (("/api/search", "/api/search"), ("/ (page)", "/")):
            heavy_stats: dict = {}
            stats, elapsed = run_target(port, path, mix, args.clients, args.duration, heavy, args.heavy, heavy_stats)
            print(report(name, stats, elapsed), flush=True)
            for status, times in sorted(heavy_stats.items(), key=str):
                print(f"  heavy: {len(times)} answered {status}, max {max(times) * 1000:.0f} ms", flush=True)
            errors += stats.errors
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
