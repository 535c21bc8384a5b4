"""Shared by the web tests and the browser tests: a small index with known articles, and a
live waitress server over it.

The articles are chosen so every page feature has something to show: 23 articles mention 环境
(three pages of ten), two sources and several authors to narrow by, three years and several
months, an id with slashes and characters that need quoting, and a hostile article whose
title, source, authors, url and body try to run script.
"""
from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import waitress
from flask import Flask

from indexer.ingest import run_ingest

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


def build_index(folder: Path) -> Path:
    """Write the records as JSON Lines into `folder` and build an index beside them."""
    folder.mkdir(parents=True, exist_ok=True)
    articles = folder / "articles"
    articles.mkdir(exist_ok=True)
    (articles / "test.jsonl").write_text(
        "\n".join(json.dumps(r, ensure_ascii=False) for r in records()) + "\n", encoding="utf-8")
    index = folder / "index"
    run_ingest(index, [articles], rebuild=True)
    return index


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
