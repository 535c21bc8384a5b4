"""Fair service: costly requests cannot take every server thread from cheap ones.

Every search runs under the engine's deadline (`serve --deadline`, 2 s by default): past it the
engine stops and the client gets a 503 saying so (`SearchTooCostly`). On top of that, work that
is heavy by nature runs only in a few *heavy slots* (`HEAVY_SLOTS`, by default a quarter of the
server's threads, at least 1): CSV exports, the concordance and its exports, any search heavy by
its shape (more than 32 words, or words × page size over 2,000), and any search whose query
already ran out of time once (remembered, a bounded list). A heavy request that finds
every slot taken is answered at once with a 503 and `Retry-After` instead of waiting in a thread,
so the other threads stay free for ordinary searches.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable

from flask import current_app

from indexer.search import SearchTooCostly, is_heavy

LIMITS_KEY = "wensou.limits"
REMEMBERED = 1000  # costly queries remembered
RETRY_AFTER = 5  # seconds a client is asked to wait when every heavy slot is taken


class Busy(Exception):
    """Every heavy slot is taken: try again shortly."""

    message = "服务器正忙于其他耗时的请求（导出、语境索引或代价很高的查询），请稍后再试。"


class Limits:
    def __init__(self, slots: int) -> None:
        self.slots = max(1, int(slots))
        self._free = threading.BoundedSemaphore(self.slots)
        self._costly: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

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

    def is_costly(self, key) -> bool:
        with self._lock:
            return key in self._costly

    def remember_costly(self, key) -> None:
        with self._lock:
            self._costly[key] = True
            self._costly.move_to_end(key)
            while len(self._costly) > REMEMBERED:
                self._costly.popitem(last=False)


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
    release = limits.take() if limits.is_costly(key) or is_heavy(request) else None
    try:
        return engine.search(request)
    except SearchTooCostly:
        limits.remember_costly(key)
        raise
    finally:
        if release:
            release()
