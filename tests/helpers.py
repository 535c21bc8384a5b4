"""Plain helpers shared by the test modules; they hold no tests (conftest.py files hold only
fixtures: there are two of them, and importing one by name picks whichever pytest loaded first).

- the repository's demo and fixture folders, and small writers of article files;
- the operations helpers: everything through the real command line, `python cli.py ...` in a
  child process, because that is what cron, systemd and operators run (kills, locks and
  restarts are process matters); corpora are generated here, so nothing outside the
  repository is needed;
- the web fixtures: a small index with known articles, and a live waitress server over it.
  The articles are chosen so every page feature has something to show: 23 articles mention 环境
  (three pages of ten), two sources and several authors to narrow by, three years and several
  months, an id with slashes and characters that need quoting, and a hostile article whose
  title, source, authors, url and body try to run script.
"""
from __future__ import annotations

import contextlib
import json
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import waitress
from flask import Flask

from indexer.ingest.run import run_ingest

REPO = Path(__file__).resolve().parent.parent
DEMO_ARTICLES = REPO / "index_data" / "articles"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


# ------------------------------------------------------------------------------ operations

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
def served(index: Path, log: Path, *options: str):
    """`cli.py serve` on a free port (with more `options`), until /healthz answers; yields the base
    URL; stops it after."""
    port = free_port()
    with open(log, "wb") as out:
        proc = subprocess.Popen(cli_args(index, "serve", "--host", "127.0.0.1", "--port", str(port), *options),
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


# ------------------------------------------------------------------------------ web

HOSTILE_ID = "hostile-1"
HOSTILE_TITLE = "<script>alert(1)</script>环境警报<img src=x onerror=alert(4)>"
SLASH_ID = "news/2024/环境 报告?v=1#top"


def records() -> list[dict]:
    out: list[dict] = []
    for i in range(12):
        out.append({
            "id": f"mee-{i:02d}", "title": f"生态环境部通报第{i + 1}期空气质量",
            "date": f"2024-{(i % 6) + 1:02d}-{(i % 27) + 1:02d}", "source": "生态环境部",
            "author": "孙金龙" if i % 2 == 0 else "黄润秋",
            "url": f"https://www.mee.gov.cn/xxgk/{i}.html",
            "body": f"第{i + 1}期通报：全国生态环境质量总体改善。\n空气质量优良天数比例上升。\n水环境持续向好。",
        })
    for i in range(10):
        out.append({
            "id": f"xinhua-{i:02d}", "title": f"新华社：各地推进环境治理（{i + 1}）",
            "date": f"{2022 + (i % 2)}-{(i % 12) + 1:02d}-15", "source": "新华社", "author": "李明",
            "url": f"http://www.news.cn/{i}.htm", "body": "记者从有关部门获悉，各地加快推进环境治理工作。",
        })
    out.append({
        "id": SLASH_ID, "title": "环境报告全文", "date": "2023-03-01", "source": "新华社",
        "author": "王芳", "body": "这是一份关于环境与发展的报告。\n第二段讲水。",
    })
    out.append({
        "id": HOSTILE_ID, "title": HOSTILE_TITLE, "date": "2021-05-05",
        "source": "<b onmouseover=alert(5)>恶意来源</b>", "author": "<i>张三</i>",
        "url": "javascript:alert(1)", "column": "<script>alert(6)</script>",
        "body": "<script>alert(2)</script> 环境 <a href=\"javascript:alert(3)\">点我</a> \"'&lt;",
    })
    out.append({"id": "plain-no-date", "title": "没有日期的公告", "body": "一则没有日期也没有来源的公告。"})
    return out


def index_of(folder: Path, name: str, recs: list[dict]) -> Path:
    """Write `recs` as `folder`/articles/`name` (JSON Lines) and build an index beside them."""
    write_jsonl(folder / "articles" / name, recs)
    index = folder / "index"
    run_ingest(index, [folder / "articles"], rebuild=True)
    return index


def build_index(folder: Path) -> Path:
    """The web fixture's records, built into an index in `folder`."""
    return index_of(folder, "test.jsonl", records())


@contextmanager
def live_server(app: Flask, threads: int = 4) -> Iterator[str]:
    """Serve `app` with waitress on a free loopback port in a thread; yields the base URL."""
    server = waitress.create_server(app, host="127.0.0.1", port=0, threads=threads, ident="wensou-test")
    stop = threading.Event()

    def run() -> None:  # waitress's loop, a step at a time, so it can stop and close in its own thread
        while not stop.is_set():
            server.asyncore.loop(timeout=0.1, map=server._map, count=1)
        for channel in list(server._map.values()):
            channel.close()
        server.task_dispatcher.shutdown()

    thread = threading.Thread(target=run, name="waitress", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}"
    finally:
        stop.set()
        thread.join(timeout=10)


# ------------------------------------------------------------------ web: long lists and charts
# A second web fixture for the search page's long lists and time charts (the first is
# `helpers.records`): 45 articles that all mention 报告, from 15 sources and 40 authors (more
# than a facet lists before "更多…" and more than the engine lists by default), in three
# columns (栏目), published in 2004, 2010 and 2024 only (years between have none), with titles
# a spreadsheet would run as formulas, a title with a control character, and one article in
# Traditional Chinese with a web URL.

SOURCES = 15
AUTHORS = 40
YEARS = {2004: 5, 2010: 10, 2024: 30}
COLUMNS = ("法规", "公告", "通知")
SURNAMES, GIVEN = "赵钱孙李周吴郑王冯陈", ("建国", "晓明", "丽华", "志强")
NAMES = [s + g for g in GIVEN for s in SURNAMES]  # 40 distinct names
FORMULA_TITLES = ['=HYPERLINK("http://evil.example","点我")报告', "+1+1报告", "-2-2报告", "@SUM(A1)报告"]
CONTROL_TITLE = "控制\u0001字符报告"
TRADITIONAL_ID = "gazette-trad"
TRADITIONAL_TITLE = "行政院公共工程委員會令：修正環境影響評估報告審議規則"
TRADITIONAL_BODY = ("修正「環境影響評估報告審議規則」第二條條文。\n主任委員 郭瑤琪\n"
                    "本會為維護環境品質，經濟發展與環境保護應兼籌並顧，特訂定本規則。\n"
                    "環境影響評估報告書應於期限內送達，逾期者不予受理。")


def facet_records() -> list[dict]:
    out: list[dict] = []
    years = [y for y, n in YEARS.items() for _ in range(n)]
    for i, year in enumerate(years):
        title = f"第{i}号测试报告"
        if i < len(FORMULA_TITLES):
            title = FORMULA_TITLES[i]
        elif i == len(FORMULA_TITLES):
            title = CONTROL_TITLE
        out.append({
            "id": f"f-{i:02d}", "title": title, "date": f"{year}-{(i % 12) + 1:02d}-{(i % 27) + 1:02d}",
            "source": f"测试局{i % SOURCES:02d}", "author": NAMES[i % AUTHORS],
            "column": COLUMNS[i % len(COLUMNS)], "url": f"https://example.gov.cn/{i}.html",
            "body": f"这是第{i}号报告。内容涉及城市管理。\n第二段继续说明报告的要点。",
        })
    out[-1] = {"id": TRADITIONAL_ID, "title": TRADITIONAL_TITLE, "date": "2024-12-20", "source": "公共工程委員會",
               "author": "郭瑤琪", "column": "法规", "url": "http://gazette.nat.gov.tw/eg/1.htm",
               "body": TRADITIONAL_BODY}
    return out


def build_facet_index(folder: Path) -> Path:
    """The long-lists fixture's records, built into an index in `folder`."""
    return index_of(folder, "facets.jsonl", facet_records())
