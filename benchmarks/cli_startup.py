"""Wall time of one `cli.py search` from a shell: start-up, the search, the output.

    python -m benchmarks.cli_startup [--index DIR] [--runs 5] [QUERY ...]

Each query runs `python cli.py search QUERY --format json` RUNS times in a child process (one
warm-up run first, not counted); prints min / median / max wall seconds and the child's peak RSS
(from `os.wait4`). The index defaults to the demo index. Whether Python may write its bytecode
cache (`PYTHONDONTWRITEBYTECODE`) is printed too: without a cache every run compiles wensou's
modules again (run `python -m compileall -q indexer search_web` once, as README's set-up does).
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
QUERIES = ("生态环境", "行政院", "高质量发展", "发展", "经济 发展", "年", '"一带一路"', "台湾 选举")


def run_once(args: list[str]) -> tuple[float, int, int]:
    """(wall seconds, peak RSS bytes, exit status) of one child run."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(args, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise SystemExit(f"{' '.join(args)} failed: {proc.stderr.read().decode()[-500:]}")
    proc.stderr.close()
    return wall, usage.ru_maxrss * 1024, proc.returncode


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("queries", nargs="*", default=list(QUERIES))
    parser.add_argument("--index", type=Path, help="index folder (default: the demo index)")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    base = [sys.executable, str(REPO / "cli.py")] + (["--index", str(args.index)] if args.index else [])
    print(f"python {sys.version.split()[0]}, PYTHONDONTWRITEBYTECODE={os.environ.get('PYTHONDONTWRITEBYTECODE', '')!r}, "
          f"load {os.getloadavg()[0]:.2f}")
    print(f"{'query':<14} {'min s':>6} {'median':>7} {'max s':>6} {'peak MB':>8}")
    for query in args.queries:
        command = base + ["search", query, "--format", "json"]
        run_once(command)
        runs = [run_once(command) for _ in range(args.runs)]
        walls = [w for w, _, _ in runs]
        peak = max(p for _, p, _ in runs)
        print(f"{query:<14} {min(walls):6.2f} {statistics.median(walls):7.2f} {max(walls):6.2f} {peak / 2**20:8.0f}")


if __name__ == "__main__":
    main()
