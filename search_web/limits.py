"""Fair service: costly requests cannot take every server thread from cheap ones.

Every search runs under the engine's deadline (`serve --deadline`, 2 s by default): past it the
engine stops and the client gets a 503 saying so (`SearchTooCostly`). On top of that, work that
is heavy by nature runs only in a few *heavy slots* (`HEAVY_SLOTS`, by default a quarter of the
server's threads and at most half the cores, at least 1; heavy searches computed by threads of
lower priority, their client answered at the deadline): CSV exports, the concordance and its exports, any search heavy by
its shape (more than 32 words, or words × page size over 2,000), and any search whose query
already ran out of time once (remembered, a bounded list). A heavy request that finds
every slot taken is answered at once with a 503 and `Retry-After` instead of waiting in a thread,
so the other threads stay free for ordinary searches.
"""
from __future__ import annotations

import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from flask import current_app

from indexer.search.budget import is_heavy
from indexer.search.request import SearchTooCostly

LIMITS_KEY = "wensou.limits"
REMEMBERED = 1000  # costly queries remembered
RETRY_AFTER = 5  # seconds a client is asked to wait when every heavy slot is taken
HEAVY_NICE = 10  # how much lower the priority of the threads running heavy searches is


class Busy(Exception):
    """Every heavy slot is taken: try again shortly."""

    message = "服务器正忙于其他耗时的请求（导出、语境索引或代价很高的查询），请稍后再试。"


def _lower_priority() -> None:
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), os.getpriority(os.PRIO_PROCESS, 0) + HEAVY_NICE)
    except (AttributeError, OSError):  # not Linux (a thread is not its own scheduling unit there)
        pass


class Limits:
    def __init__(self, slots: int) -> None:
        self.slots = max(1, int(slots))
        self._free = threading.BoundedSemaphore(self.slots)
        self._costly: OrderedDict = OrderedDict()
        self._lock = threading.Lock()
        self._pool: ThreadPoolExecutor | None = None

    def take(self) -> Callable[[], None]:
        """Take a heavy slot now or raise Busy; returns the function that gives it back."""
        if not self._free.acquire(blocking=False):
            raise Busy()
        released = threading.Event()

        def release() -> None:
            if not released.is_set():
                released.set()
                self._free.release()

        return release

    def background(self, release: Callable[[], None], seconds: float | None, fn, *args):
        """`fn(*args)` run by one of the slots' own threads, whose scheduling priority is
        lowered (nice +10): a heavy search gets the cores ordinary searches leave idle. The
        caller waits at most `seconds` (then `TimeoutError`); the slot is given back (`release`)
        only when the work itself has stopped, so waiting less never lets more run at once."""
        with self._lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(self.slots, thread_name_prefix="wensou-heavy",
                                                initializer=_lower_priority)
        future = self._pool.submit(fn, *args)
        future.add_done_callback(lambda _: release())
        return future.result(timeout=seconds)

    def is_costly(self, key) -> bool:
        with self._lock:
            return key in self._costly

    def remember_costly(self, key) -> None:
        with self._lock:
            self._costly[key] = True
            self._costly.move_to_end(key)
            while len(self._costly) > REMEMBERED:
                self._costly.popitem(last=False)

    def forget_costly(self, key) -> None:
        with self._lock:
            self._costly.pop(key, None)


def get_limits() -> Limits:
    return current_app.extensions[LIMITS_KEY]


def query_key(request) -> tuple:
    """What makes one search costly: its query and within-queries (a SearchRequest)."""
    return (request.query, tuple(getattr(request, "within", ()) or ()))


def run_search(engine, request):
    """`engine.search(request)`, in a heavy slot when its shape makes it heavy (hundreds of
    words, many words on a long page: `indexer.search.is_heavy`) or this query ran out of time
    before; a query that runs out of time now is remembered as costly."""
    limits = get_limits()
    key = query_key(request)
    if not (limits.is_costly(key) or is_heavy(request)):
        try:
            return engine.search(request)
        except SearchTooCostly:
            limits.remember_costly(key)
            raise
    release = limits.take()  # computed by a thread of lower priority: ordinary searches come first
    seconds = request.deadline or getattr(engine, "deadline", None)
    started = time.perf_counter()
    try:
        result = limits.background(release, seconds, engine.search, request)
        if seconds is not None and time.perf_counter() - started < seconds / 2:
            limits.forget_costly(key)
        return result
    except SearchTooCostly:
        limits.remember_costly(key)
        raise
    except TimeoutError:  # the client is answered at the deadline; the search stops at its next check
        limits.remember_costly(key)
        raise SearchTooCostly(request.query, f"超过了 {seconds:g} 秒的时限") from None
