"""Rebuild and incremental-ingest timing on a real corpus, through the real command line.

    python -m benchmarks.rebuild --corpus FOLDER [--changed 10] [--keep DIR]

1. `cli.py rebuild CORPUS` into a fresh index: wall time, articles/s, index size, and the peak
   RSS of the child process tree (sampled with psutil; worker processes counted).
2. The corpus copied to a temp dir, `N` files changed (a sentence appended), then
   `cli.py ingest COPY` on top of the rebuilt index: wall time (target: under 5 s).
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parent.parent
INGEST_TARGET_S = 5.0


def run_measured(args: list[str], pss: bool = False) -> tuple[float, int, subprocess.CompletedProcess]:
    """Run a command; return (wall seconds, peak summed memory of it and its children, result).

    The memory is RSS, or with `pss` the proportional set size (each shared page divided among
    the processes that map it: forked workers' shared pages are not counted twice). PSS is read
    from /proc/<pid>/smaps_rollup, slower to sample than RSS, so it is sampled every 0.2 s."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(args, stdout=out, stderr=err, cwd=REPO)
        ps = psutil.Process(proc.pid)
        peak = 0
        while proc.poll() is None:
            try:
                procs = [ps, *ps.children(recursive=True)]
                used = 0
                for p in procs:
                    try:
                        used += p.memory_full_info().pss if pss else p.memory_info().rss
                    except psutil.Error:
                        pass
                peak = max(peak, used)
            except psutil.Error:
                pass
            time.sleep(0.2 if pss else 0.02)
        wall = time.perf_counter() - t0
        out.seek(0)
        err.seek(0)
        result = subprocess.CompletedProcess(args, proc.returncode, out.read().decode(), err.read().decode())
    return wall, peak, result


def dir_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def change_files(root: Path, n: int) -> list[Path]:
    files = sorted(p for p in root.rglob("*") if p.is_file() and p.suffix.lower() in {".txt", ".html", ".htm"})
    step = max(1, len(files) // n)
    chosen = files[::step][:n]
    for i, path in enumerate(chosen):
        with open(path, "a", encoding="utf-8") as f:
            f.write(f"\n\n基准测试修改第{i}处：本段文字为增量索引测试而追加，用于检验变更文件的重新索引。\n")
    return chosen


def cli(index: Path, *args: str) -> list[str]:
    return [sys.executable, str(REPO / "cli.py"), "--index", str(index), *args]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", required=True, type=Path, help="folder of article files (one article a file, e.g. People's Daily text dumps)")
    ap.add_argument("--changed", type=int, default=10, help="files to change for the incremental ingest")
    ap.add_argument("--keep", type=Path, default=None, help="work here and keep it (default: a temp dir)")
    args = ap.parse_args(argv)
    corpus = args.corpus.resolve()
    if not corpus.is_dir():
        ap.error(f"no such folder: {corpus}")
    work = args.keep or Path(tempfile.mkdtemp(prefix="wensou-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    index = work / "index"
    shutil.rmtree(index, ignore_errors=True)
    n_files = sum(1 for p in corpus.rglob("*") if p.is_file())
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, "
          f"{psutil.virtual_memory().total / 2**30:.1f} GiB RAM, Python {platform.python_version()}")
    print(f"corpus: {corpus} ({n_files} files, {dir_size(corpus) / 2**20:.1f} MB)")
    try:
        wall, peak, res = run_measured(cli(index, "rebuild", str(corpus), "--format", "json"))
        if res.returncode != 0:
            print(f"rebuild failed (exit {res.returncode}):\n{res.stderr}", file=sys.stderr)
            return 1
        report = json.loads(res.stdout)
        live = index / (index / "CURRENT").read_text().strip()
        print(f"full rebuild: {report['articles']} articles from {report['files']} files in {wall:.1f} s "
              f"({report['articles'] / wall:.0f} articles/s; {len(report['skipped'])} skipped, "
              f"{len(report['duplicates'])} duplicates); index {dir_size(live) / 2**20:.1f} MB; "
              f"peak RSS {peak / 2**20:.0f} MB (process and workers)")

        copy = work / "corpus"
        shutil.rmtree(copy, ignore_errors=True)
        shutil.copytree(corpus, copy)
        # the copy is a different folder: index it once so the ingest below is truly incremental
        wall0, _, res = run_measured(cli(index, "rebuild", str(copy), "--format", "json"))
        if res.returncode != 0:
            print(f"rebuild of the copy failed:\n{res.stderr}", file=sys.stderr)
            return 1
        changed = change_files(copy, args.changed)
        wall, peak, res = run_measured(cli(index, "ingest", str(copy), "--format", "json"))
        if res.returncode != 0:
            print(f"ingest failed (exit {res.returncode}):\n{res.stderr}", file=sys.stderr)
            return 1
        r = json.loads(res.stdout)
        verdict = "OK" if wall < INGEST_TARGET_S else "OVER TARGET"
        print(f"incremental ingest of {len(changed)} changed files: {wall:.2f} s "
              f"(target < {INGEST_TARGET_S:g} s: {verdict}); {r['updated']} updated, {r['added']} added, "
              f"{r['unchanged']} unchanged, {r['articles']} articles; peak RSS {peak / 2**20:.0f} MB")
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
