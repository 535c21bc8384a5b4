"""`cli.py serve` as operators and scripts meet it: a taken port is one line and exit 1, and a
request with raw UTF-8 bytes in its URL (as curl sends `?q=行政院`) is answered exactly like
the same request percent-encoded."""
from __future__ import annotations

import json
import socket
import subprocess
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from helpers import REPO, cli, cli_args, get_json, ok, served, write_jsonl

from search_web.server import percent_encode_request_line

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def index(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("serve")
    write_jsonl(folder / "articles" / "ey.jsonl", [
        {"id": "行政院/公報 1", "title": "行政院會議通過預算案", "date": "2008-05-20", "source": "行政院",
         "body": "行政院今日召開院會，通過明年度總預算案。"},
        {"id": "r2", "title": "內政部公告", "date": "2008-06-01", "source": "內政部", "body": "內政部公告戶政事項。"},
    ])
    index = folder / "index"
    ok(index, "rebuild", folder / "articles")
    return index


def raw_get(base: str, target: bytes) -> tuple[int, bytes]:
    """GET `target` with its bytes sent exactly as given (no client-side quoting)."""
    host = urlsplit(base)
    with socket.create_connection((host.hostname, host.port), timeout=30) as s:
        s.sendall(b"GET " + target + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), body


def without_timing(body: bytes) -> dict:
    data = json.loads(body)
    data.pop("took_ms", None)
    return data


def test_raw_utf8_in_the_query_string_and_path_is_answered_like_percent_encoding(index, tmp_path):
    with served(index, tmp_path / "serve.log") as base:
        status, raw = raw_get(base, "/api/search?q=行政院&source=行政院".encode())
        assert status == 200, raw[:300]
        status2, encoded = raw_get(base, f"/api/search?q={quote('行政院')}&source={quote('行政院')}".encode())
        assert status2 == 200
        assert without_timing(raw) == without_timing(encoded)
        assert without_timing(raw)["total"] == 1 and without_timing(raw)["query"] == "行政院"

        status, raw = raw_get(base, "/api/articles/行政院/公報 1".replace(" ", "%20").encode())
        assert status == 200, raw[:300]
        assert json.loads(raw)["title"] == "行政院會議通過預算案"
        assert get_json(f"{base}/healthz")[1]["articles"] == 2


def test_only_the_request_line_is_rewritten():
    block = "GET /?q=行政院 HTTP/1.1\r\nX-Name: 行政院".encode()
    out = percent_encode_request_line(block)
    assert out.startswith(b"GET /?q=%E8%A1%8C%E6%94%BF%E9%99%A2 HTTP/1.1\r\n")
    assert out.endswith("X-Name: 行政院".encode())
    assert percent_encode_request_line(b"GET /?q=a HTTP/1.1\r\nHost: x") == b"GET /?q=a HTTP/1.1\r\nHost: x"


def test_a_taken_port_is_one_line_and_exit_1(index):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        proc = subprocess.run(cli_args(index, "serve", "--host", "127.0.0.1", "--port", str(port)),
                              capture_output=True, text=True, timeout=60, cwd=REPO)
    assert proc.returncode == 1
    assert proc.stdout == ""
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("错误：无法在 127.0.0.1:") and lines[0].endswith("地址已被占用")


def test_feed_links_and_redirects_come_from_the_base_url_never_the_host_header(index, tmp_path):
    def raw(base: str, target: bytes) -> tuple[bytes, bytes]:
        host = urlsplit(base)
        with socket.create_connection((host.hostname, host.port), timeout=30) as s:
            s.sendall(b"GET " + target + b" HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n")
            data = b""
            while chunk := s.recv(65536):
                data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        return head, body

    with served(index, tmp_path / "serve.log") as base:
        head, body = raw(base, b"/feeds/search.atom?q=" + quote("行政院").encode())
        assert b"evil" not in body and f"{base}/articles/".encode() in body  # the address it serves on
        head, _ = raw(base, b"/api//search?q=x")
        assert b"\r\nLocation: /api/search?q=x\r\n" in head  # relative
    with served(index, tmp_path / "serve2.log", "--base-url", "https://news.example.org/wensou") as base:
        head, body = raw(base, b"/feeds/search.atom?q=" + quote("行政院").encode())
        assert b"evil" not in body and b"https://news.example.org/wensou/articles/" in body
        head, _ = raw(base, b"/api//search?q=x")
        assert b"\r\nLocation: https://news.example.org/wensou/api/search?q=x\r\n" in head


def test_serve_takes_a_deadline_and_refuses_a_meaningless_one(index, tmp_path):
    assert cli(index, "serve", "--deadline", "0").returncode == 2
    assert cli(index, "serve", "--base-url", "javascript:alert(1)").returncode == 2
    with served(index, tmp_path / "serve.log", "--deadline", "30") as base:
        assert get_json(f"{base}/api/search?q={quote('行政院')}")[1]["total"] == 1


def test_a_server_holding_over_a_thousand_files_open_still_answers(index):
    """A large index holds many files open (a million articles: about 700); the server's own
    sockets are then numbered past 1024, where select() fails and stopped the server."""
    import os
    import resource
    import threading
    import urllib.request

    from search_web import create_app
    from search_web.server import make_server

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = 2048  # room for the 1,100 held here and the test session's own
    if hard != resource.RLIM_INFINITY and hard < wanted:
        pytest.skip(f"this machine allows a process {hard} open files: fewer than the 1,100 this needs")
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, wanted), hard))
    held: list[int] = []
    try:
        while len(held) < 1100:
            held.append(os.open(os.devnull, os.O_RDONLY))
        server = make_server(create_app({"INDEX_DIR": index, "WARM_UP": False}), host="127.0.0.1", port=0)
        assert server.socket.fileno() >= 1024
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{server.effective_port}/healthz", timeout=10) as r:
                assert r.status == 200 and json.load(r)["articles"] == 2
            assert thread.is_alive()
        finally:
            server.task_dispatcher.shutdown()
            server.close()
            thread.join(timeout=10)
        assert not thread.is_alive()
    finally:
        for fd in held:
            os.close(fd)
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def test_a_command_raises_its_open_file_limit_for_a_large_index(index, tmp_path):
    """A million articles hold about 700 files open, twice while a rebuilt generation replaces
    the live one: past the 1,024 open files many systems allow a process by default. Every
    command (serve among them) raises its soft limit toward the hard one; started with a soft
    limit of 256, a command runs with more."""
    import resource
    import sys

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard <= 256:
        pytest.skip(f"the hard limit of open files here is {hard}: nothing to raise it to")
    probe = ("import resource, sys; sys.argv = ['cli.py', '--index', sys.argv[1], 'stats']; "
             "import cli; "
             "resource.setrlimit(resource.RLIMIT_NOFILE, (256, resource.getrlimit(resource.RLIMIT_NOFILE)[1])); "
             "import atexit; atexit.register(lambda: print('SOFT', resource.getrlimit(resource.RLIMIT_NOFILE)[0])); "
             "cli.cli()")
    done = subprocess.run([sys.executable, "-c", probe, str(index)], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-500:]
    raised = int(done.stdout.split("SOFT")[-1])
    assert raised > 256 and raised >= min(2048, hard if hard != resource.RLIM_INFINITY else 2048)


def _run_tasks(dispatcher, tasks) -> None:
    for task in tasks:
        dispatcher.add_task(task)


class _Task:
    """A waitress task recording the thread that serviced it; `gate` (a barrier) holds it until
    as many tasks as the barrier's parties run at once."""

    def __init__(self, gate=None) -> None:
        import threading

        self.gate, self.thread, self.done = gate, None, threading.Event()

    def service(self) -> None:
        import threading

        if self.gate is not None:
            self.gate.wait(10)  # (BrokenBarrierError when the tasks were not run side by side)
        self.thread = threading.current_thread().name
        self.done.set()

    def cancel(self) -> None:
        self.done.set()


def _idle(dispatcher, threads: int) -> bool:
    """Wait until every thread of the pool waits for work again."""
    import time

    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with dispatcher.lock:
            if dispatcher.active_count == 0 and len(dispatcher.queue_cv._idle) == threads:
                return True
        time.sleep(0.001)
    return False


def test_one_client_after_another_is_served_by_the_same_warm_thread_and_overlapping_ones_by_many():
    """Requests one after another go to the thread that went idle last, so one client's searches
    run on a thread whose searcher and caches are warm (waitress's own order hands them round
    every thread); requests that overlap still get threads of their own, and shutdown stops all."""
    import threading

    from search_web.server import LastIdleFirstDispatcher

    dispatcher = LastIdleFirstDispatcher()
    dispatcher.set_thread_count(4)
    try:
        assert _idle(dispatcher, 4)
        serviced = []
        for _ in range(12):
            task = _Task()
            dispatcher.add_task(task)
            assert task.done.wait(10)
            serviced.append(task.thread)
            assert _idle(dispatcher, 4)
        assert len(set(serviced)) == 1

        gate = threading.Barrier(4)
        overlapping = [_Task(gate) for _ in range(4)]
        _run_tasks(dispatcher, overlapping)
        assert all(t.done.wait(10) for t in overlapping)
        assert len({t.thread for t in overlapping}) == 4
    finally:
        dispatcher.shutdown(timeout=10)
    assert not dispatcher.threads


def test_the_server_serves_one_clients_requests_on_few_threads_and_leaves_none_when_it_cannot_listen():
    """`make_server` runs on that dispatcher: twenty requests one after another on a kept-alive
    connection, each sent once the one before has left its thread idle, are all served by one
    of its eight threads (waitress's own order used all eight; without the wait, a thread still
    finishing its task when the next request comes lets another take it, by the machine's
    timing); and a port it cannot bind leaves no worker thread, socket or pipe behind."""
    import gc
    import http.client
    import threading

    from search_web.server import CannotListen, make_server

    def app(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [threading.current_thread().name.encode()]

    server = make_server(app, host="127.0.0.1", port=0, threads=8)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        conn = http.client.HTTPConnection("127.0.0.1", server.effective_port, timeout=10)
        served = set()
        for _ in range(20):
            assert _idle(server.task_dispatcher, 8)
            conn.request("GET", "/")
            served.add(conn.getresponse().read().decode())
        conn.close()
        assert len(served) == 1, served
        before = {t for t in threading.enumerate() if t.name.startswith("waitress-")}
        with pytest.raises(CannotListen):
            make_server(app, host="127.0.0.1", port=server.effective_port, threads=8)
        assert {t for t in threading.enumerate() if t.name.startswith("waitress-")} <= before
        gc.collect()  # a socket or pipe the failed start left open would warn now, in this test
    finally:
        server.task_dispatcher.shutdown()
        server.close()
        thread.join(timeout=10)


def test_what_the_server_loaded_at_start_is_left_out_of_later_cycle_collections(index, monkeypatch):
    """A full collection walked everything a server had loaded (about 50,000 objects; at 100,000
    articles, 20-35 ms) in whichever search it fell in. `serve` freezes it once the app is warm."""
    import gc

    from click.testing import CliRunner

    import search_web.server
    from cli import cli as command

    frozen_when_serving = []

    class Server:
        effective_port = 8123

        def run(self):
            frozen_when_serving.append(gc.get_freeze_count())

    monkeypatch.setattr(search_web.server, "make_server", lambda app, **kw: Server())
    gc.unfreeze()
    try:
        result = CliRunner().invoke(command, ["--index", str(index), "serve"], catch_exceptions=False)
    finally:
        gc.unfreeze()  # (this test process's objects back to the collector)
    assert result.exit_code == 0, result.output
    assert frozen_when_serving and frozen_when_serving[0] > 10_000
