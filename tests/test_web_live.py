"""The app on waitress, as `cli.py serve` runs it: concurrent requests on several threads share
one engine, and a rebuilt index is served without a restart."""
from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import quote

import pytest
from helpers import build_index, live_server, records

from indexer.ingest.run import run_ingest
from search_web import create_app

pytestmark = pytest.mark.slow  # a real waitress server in threads, rebuilds while it serves


def fetch(url: str) -> tuple[int, dict]:
    with urllib.request.urlopen(url, timeout=30) as r:
        return r.status, json.loads(r.read())


@pytest.fixture
def served(tmp_path):
    index = build_index(tmp_path)
    with live_server(create_app({"INDEX_DIR": index}), threads=4) as url:
        yield url, index, tmp_path


def test_concurrent_requests_agree(served):
    url, _, _ = served
    queries = ["环境", "空气质量", '"环境治理"', "生态 -新华社", "报告"]
    expected = {q: fetch(f"{url}/api/search?q={quote(q)}")[1]["total"] for q in queries}

    def one(n: int) -> tuple[str, int, int]:
        q = queries[n % len(queries)]
        status, data = fetch(f"{url}/api/search?q={quote(q)}&page={1 + n % 3}")
        return q, status, data["total"]

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(one, range(80)))
    assert all(status == 200 for _, status, _ in results)
    assert all(total == expected[q] for q, _, total in results)


def test_a_rebuilt_index_is_served_without_restart(served):
    url, index, folder = served
    assert fetch(f"{url}/healthz")[1]["articles"] == len(records())
    extra = folder / "articles" / "extra.jsonl"
    extra.write_text(json.dumps({"id": "extra-1", "title": "新增文章：湿地保护", "date": "2024-09-09",
                                 "body": "湿地保护条例正式施行。"}, ensure_ascii=False) + "\n", encoding="utf-8")
    errors: list[BaseException] = []
    stop = threading.Event()

    def keep_searching() -> None:  # searching goes on while the new generation goes live
        while not stop.is_set():
            try:
                fetch(f"{url}/api/search?q={quote('环境')}")
            except BaseException as exc:  # noqa: BLE001 - collected and asserted below
                errors.append(exc)

    t = threading.Thread(target=keep_searching)
    t.start()
    try:
        run_ingest(index, [folder / "articles"], rebuild=True)
    finally:
        stop.set()
        t.join()
    assert errors == []
    assert fetch(f"{url}/healthz")[1]["articles"] == len(records()) + 1
    assert fetch(f"{url}/api/search?q={quote('湿地')}")[1]["total"] == 1


def test_csv_and_feed_stream_over_the_real_server(served):
    url, _, _ = served
    with urllib.request.urlopen(f"{url}/api/search.csv?q={quote('环境')}", timeout=30) as r:
        assert r.status == 200 and r.headers["Content-Type"] == "text/csv; charset=utf-8"
        body = r.read()
    assert body.startswith(b"\xef\xbb\xbf") and body.decode("utf-8-sig").count("\r\n") == 24 + 1
    feed_url = f"{url}/feeds/search.atom?q={quote('环境')}"
    with urllib.request.urlopen(urllib.request.Request(feed_url, headers={"Host": "evil.example"}), timeout=30) as r:
        assert r.headers["Content-Type"].startswith("application/atom+xml")
        feed = r.read()
    assert feed.count(b"<entry>") == 24 and b"http://localhost/articles/" in feed and b"evil" not in feed


def test_csv_streams_every_article_past_ten_thousand(tmp_path):
    n = 10_050
    folder = tmp_path / "articles"
    folder.mkdir()
    with (folder / "many.jsonl").open("w", encoding="utf-8") as f:
        for i in range(n):
            f.write(json.dumps({"id": f"n{i}", "title": f"通知{i}", "date": "2024-01-01", "body": f"公告第{i}号"},
                               ensure_ascii=False) + "\n")
    index = tmp_path / "index"
    run_ingest(index, [folder], rebuild=True)
    with live_server(create_app({"INDEX_DIR": index}), threads=2) as url:
        with urllib.request.urlopen(f"{url}/api/search.csv?q={quote('公告')}", timeout=120) as r:
            rows = r.read().decode("utf-8-sig").split("\r\n")
    assert rows[0].startswith("id,title") and rows[-1] == ""
    assert len(rows) - 2 == n and len({row.split(",")[0] for row in rows[1:-1]}) == n


def test_cheap_searches_are_answered_while_heavy_exports_run(tmp_path, monkeypatch):
    """Fair service (search_web.limits): with one heavy slot, one slow export streams, the other
    exports are told at once to come back later, and ordinary searches are all answered while
    the export is still streaming. Ordering, not timing, is asserted: the exports here sleep."""
    import time

    import search_web.api

    real_rows = search_web.api._article_rows

    def slow_rows(searcher, ordered):
        for row in real_rows(searcher, ordered):
            time.sleep(0.4)  # 24 rows: about ten seconds of a thread held, no CPU used
            yield row

    monkeypatch.setattr(search_web.api, "_article_rows", slow_rows)
    app = create_app({"INDEX_DIR": build_index(tmp_path), "HEAVY_SLOTS": 1})
    heavy: list[tuple[int, float, str]] = []

    def export() -> None:
        try:
            with urllib.request.urlopen(f"{url}/api/search.csv?q={quote('环境')}", timeout=120) as r:
                body = r.read()
                heavy.append((r.status, time.monotonic(), body.decode("utf-8-sig")))
        except urllib.error.HTTPError as exc:
            heavy.append((exc.code, time.monotonic(), exc.headers.get("Retry-After") or ""))

    with live_server(app, threads=4) as url:
        exports = [threading.Thread(target=export) for _ in range(5)]
        for t in exports:
            t.start()
        time.sleep(1.5)  # the exports have arrived: one streams, the others were refused
        with ThreadPoolExecutor(max_workers=3) as pool:
            light = list(pool.map(lambda q: fetch(f"{url}/api/search?q={quote(q)}")[0], ["环境", "空气质量", "报告"] * 5))
        light_done = time.monotonic()
        for t in exports:
            t.join(timeout=120)
    assert light == [200] * 15
    done = [(when, body) for status, when, body in heavy if status == 200]
    refused = [retry for status, _, retry in heavy if status == 503]
    assert len(done) >= 1 and len(refused) >= 1 and len(done) + len(refused) == 5
    assert all(retry.isdigit() for retry in refused)  # Retry-After: come back shortly
    assert all(body.count("\r\n") == 24 + 1 for _, body in done)  # the export that ran is whole
    assert light_done < min(when for when, _ in done)  # every cheap search answered while it streamed
