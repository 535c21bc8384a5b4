"""Helpers for the operations tests (test_ops.py, test_generations.py); holds no tests itself.

Everything goes through the real command line, `python cli.py ...` in a child process, because
that is what cron, systemd and operators run: kills, locks and restarts are process matters.
Corpora are generated here, so the tests need nothing outside the repository.
"""
from __future__ import annotations

import contextlib
import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

REPO = Path(__file__).resolve().parent.parent
CLI = REPO / "cli.py"
FILLER = "会议指出，要坚持稳中求进工作总基调，统筹推进各项工作，切实抓好落实，确保取得实效。相关部门将继续跟进。"
WORDS = "经济 发展 改革 开放 创新 城市 乡村 教育 科技 文化 环境 生态 交通 医疗 就业 农业 工业 金融 贸易 人才".split()


def write_corpus(folder: Path, n: int, tag: str, *, start: int = 0, body_words: int = 40) -> Path:
    """`n` short text articles `a00000.txt`...; every one contains 文库 and the marker 记号<tag>."""
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(start, start + n):
        body = "，".join(WORDS[(i * 7 + k * 3) % len(WORDS)] for k in range(body_words))
        write_article(folder / f"a{i:05d}.txt", f"文库测试文章第{i}号", f"{body}。本篇记号{tag}。", day=i % 28 + 1)
    return folder


def write_article(path: Path, title: str, body: str, *, day: int = 1) -> Path:
    """A plain-text article page; a filler paragraph keeps short bodies long enough to count."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"{title}\n\n2024-03-{day:02d} 来源：测试通讯社\n\n{body}\n\n{FILLER}\n", encoding="utf-8")
    return path


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def cli_args(index: Path, *args: str) -> list[str]:
    return [sys.executable, str(CLI), "--index", str(index), *map(str, args)]


def cli(index: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(cli_args(index, *args), capture_output=True, text=True, timeout=timeout, cwd=REPO)


def ok(index: Path, *args: str) -> subprocess.CompletedProcess:
    """Run a command that must succeed; show its stderr when it does not."""
    proc = cli(index, *args)
    assert proc.returncode == 0, f"{args} exited {proc.returncode}:\n{proc.stderr}"
    return proc


def stats(index: Path) -> dict:
    return json.loads(ok(index, "stats", "--format", "json").stdout)


def total(index: Path, query: str) -> int:
    return json.loads(ok(index, "search", query, "--format", "json", "--per-page", "1").stdout)["total"]


def live_generation(index: Path) -> str:
    return (index / "CURRENT").read_text(encoding="utf-8").strip()


def generations(index: Path) -> list[str]:
    return sorted(p.name for p in index.iterdir() if p.is_dir() and p.name.startswith("gen-"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get_json(url: str, timeout: float = 30) -> tuple[int, dict]:
    with urllib.request.urlopen(url, timeout=timeout) as r:
        return r.status, json.loads(r.read())


def search_url(base: str, query: str, **params) -> str:
    extra = "".join(f"&{k}={quote(str(v))}" for k, v in params.items())
    return f"{base}/api/search?q={quote(query)}{extra}"


@contextlib.contextmanager
def served(index: Path, log: Path):
    """`cli.py serve` on a free port, until /healthz answers; yields the base URL; stops it after."""
    port = free_port()
    with open(log, "wb") as out:
        proc = subprocess.Popen(cli_args(index, "serve", "--host", "127.0.0.1", "--port", str(port)),
                                stdout=out, stderr=subprocess.STDOUT, cwd=REPO)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if get_json(f"{base}/healthz", timeout=5)[0] == 200:
                    break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            assert proc.poll() is None, f"serve exited {proc.returncode}:\n{log.read_text(errors='replace')}"
            assert time.monotonic() < deadline, f"serve did not answer /healthz:\n{log.read_text(errors='replace')}"
            time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def children_of(pid: int) -> list[int]:
    """Live child processes of `pid` (e.g. forked index workers), from /proc."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def wait_gone(pids: list[int], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not any(Path(f"/proc/{p}").exists() and "Z" not in _state(p) for p in pids):
            return
        time.sleep(0.05)


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "Z"

