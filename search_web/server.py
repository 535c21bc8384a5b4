"""The production server for `cli.py serve`: waitress, with two adaptations.

- Raw UTF-8 in the request line. curl and many scripts send `GET /api/search?q=行政院` with the
  UTF-8 bytes as they are; waitress's parser hands the request target to `urllib.parse.urlsplit`,
  which refuses non-ASCII bytes, and the client got a plain-text `400 Bad URI`. Our parser
  percent-encodes the bytes above 0x7F in the request line before waitress reads it, which is
  exactly what the same request percent-encoded would have been: both are answered alike.
- A port that cannot be bound is `CannotListen` with a one-line reason, not a traceback.

And it waits on its sockets with poll(), not waitress's default select(): select() cannot watch
a descriptor numbered 1024 or more, and a large index holds that many files open (a million
articles: 702 files in 65 segments), so the first connection numbered past it stopped the
server with `ValueError: filedescriptor out of range in select()`.

What the server loaded at start (the modules, jieba's dictionary, the index's values) is frozen
out of Python's cycle collector (`settle_loaded`): a full collection walked all of it (about 57,000
objects; at 100,000 articles 30 ms, `benchmarks.gc_pause`) in whichever search it fell in, one
search in several hundred.

A request goes to the worker thread that went idle last, not (waitress's own order) to the one
idle longest: one client's searches one after another run on the same warm thread, and the others
stay asleep until requests overlap. Handed round all eight threads, each search of a few matches
took 2–3 ms more through HTTP (its thread's searcher and caches gone cold since its last turn).
"""
from __future__ import annotations

import gc
import re
import threading

from waitress.channel import HTTPChannel
from waitress.parser import HTTPRequestParser
from waitress.server import BaseWSGIServer, create_server
from waitress.task import ThreadedTaskDispatcher

_NON_ASCII = re.compile(rb"[\x80-\xff]")


class CannotListen(RuntimeError):
    """The host/port cannot be bound (taken, not allowed, not an address of this machine)."""


def percent_encode_request_line(header_plus: bytes) -> bytes:
    """The request's header block with the non-ASCII bytes of its first line percent-encoded."""
    end = header_plus.find(b"\r\n")
    first, rest = (header_plus, b"") if end < 0 else (header_plus[:end], header_plus[end:])
    if not _NON_ASCII.search(first):
        return header_plus
    return _NON_ASCII.sub(lambda m: b"%%%02X" % m.group()[0], first) + rest


class Utf8RequestParser(HTTPRequestParser):
    def parse_header(self, header_plus: bytes) -> None:
        super().parse_header(percent_encode_request_line(header_plus))


class Utf8Channel(HTTPChannel):
    parser_class = Utf8RequestParser


class _LastIdleFirst:
    """The task queue's condition of waitress's dispatcher (on its lock), waking the waiting
    thread that began to wait last: each waiter waits on a condition of its own, kept in a stack."""

    def __init__(self, lock: threading.Lock) -> None:
        self._lock = lock
        self._idle: list[threading.Condition] = []  # the thread idle longest first

    def wait(self, timeout: float | None = None) -> bool:
        mine = threading.Condition(self._lock)
        self._idle.append(mine)
        try:
            return mine.wait(timeout)
        finally:
            if mine in self._idle:  # (a timeout: nobody took it off the stack)
                self._idle.remove(mine)

    def notify(self, n: int = 1) -> None:
        for _ in range(min(n, len(self._idle))):
            self._idle.pop().notify()

    def notify_all(self) -> None:
        self.notify(len(self._idle))


class LastIdleFirstDispatcher(ThreadedTaskDispatcher):
    """waitress's thread pool, each task given to the thread that went idle last."""

    def __init__(self) -> None:
        super().__init__()
        self.queue_cv = _LastIdleFirst(self.lock)


def settle_loaded() -> None:
    """Leave what is loaded now out of every later cycle collection (`gc.freeze`), after one last
    collection of what is garbage already. Called once, after the app's warm-up: the objects
    frozen are still freed when nothing refers to them; only a cycle among them would stay."""
    gc.collect()
    gc.freeze()


def make_server(app, *, host: str, port: int, threads: int = 8, ident: str = "wensou"):
    """A waitress server for `app` on host:port (bound now; call `.run()` to serve)."""
    dispatcher = LastIdleFirstDispatcher()
    dispatcher.set_thread_count(threads)
    sockets: dict = {}  # waitress's socket map: what a failed start leaves open is closed from it
    try:
        server = create_server(app, map=sockets, host=host, port=port, threads=threads, ident=ident,
                               asyncore_use_poll=True, _dispatcher=dispatcher)
    except (OSError, ValueError) as exc:  # ValueError: a host that resolves to nothing usable
        for channel in list(sockets.values()):
            channel.close()
        dispatcher.shutdown()
        reason = exc.strerror or exc if isinstance(exc, OSError) else exc
        raise CannotListen(f"cannot listen on {host}:{port}: {reason}") from None
    listeners = [server] if isinstance(server, BaseWSGIServer) else list(server.map.values())
    for listener in listeners:
        if isinstance(listener, BaseWSGIServer):
            listener.channel_class = Utf8Channel
    return server
