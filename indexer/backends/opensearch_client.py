"""HTTP to an OpenSearch cluster through the standard library: keep-alive connections per host
and thread, the hosts of the URL tried in turn (a search survives a node going down), errors
as one `OpenSearchError`."""
from __future__ import annotations

import http.client
import json
import threading
import time
import urllib.parse
import weakref

from indexer import store

TIMEOUT = 60.0
# A node that has just gone (killed, restarted) makes the node that coordinates a request
# answer 500 with one of these: the cluster has not yet noticed, a moment later it has.
GONE_NODE = ("node_not_connected_exception", "node_disconnected_exception",
             "node_closed_exception", "connect_transport_exception",
             "send_request_transport_exception")
GONE_NODE_PAUSE = 0.5  # seconds before the next host is asked after such an answer


class OpenSearchError(store.NoIndex):
    """The cluster answered with an error, or no host of the URL answered: like a missing
    index, nothing can be searched (the CLI exits 1 with the message, the web answers 503)."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class Client:
    """JSON over HTTP to the first host of the list that answers (then that one first), on
    connections kept open per thread and host (a new TCP connection per request cost about
    3 ms of a 20 ms search)."""

    def __init__(self, hosts: list[str], timeout: float = TIMEOUT) -> None:
        self.hosts = list(hosts)
        self.timeout = timeout
        self._first = 0
        self._lock = threading.Lock()
        self._local = threading.local()
        self._open: list[http.client.HTTPConnection] = []  # every thread's, closed by close()
        self._finalizer = weakref.finalize(self, _close_connections, self._open, self._lock)

    def close(self) -> None:
        """Close every connection of every thread (they reopen when needed)."""
        _close_connections(self._open, self._lock)

    def request(self, method: str, path: str, body=None, *, params: dict | None = None,
                ndjson: str | None = None, ok404: bool = False, ok: tuple[int, ...] = ()):
        """The answer's JSON; None for a 404 with `ok404`, and for a status in `ok` (409: a
        version conflict; 400: the index exists already)."""
        if params:
            path += "?" + urllib.parse.urlencode(params)
        data, ctype = None, "application/json"
        if ndjson is not None:
            data, ctype = ndjson.encode("utf-8"), "application/x-ndjson"
        elif body is not None:
            data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        errors = []
        n = len(self.hosts)
        start = self._first
        for k in range(n):
            i = (start + k) % n
            try:
                status, raw = self._send(i, method, path, data, ctype)
            except (OSError, http.client.HTTPException) as exc:
                errors.append(f"{self.hosts[i]}: {exc or type(exc).__name__}")
                continue
            if status >= 400:
                text = raw.decode("utf-8", "replace")
                if (status == 404 and ok404) or status in ok:
                    return None
                if status in (502, 503) and k + 1 < n:  # that node cannot serve now: the next
                    errors.append(f"{self.hosts[i]}: {status}")
                    continue
                if status == 500 and k + 1 < n and any(kind in text for kind in GONE_NODE):
                    errors.append(f"{self.hosts[i]}: {status}")
                    time.sleep(GONE_NODE_PAUSE)  # the cluster notices the node has gone
                    continue
                raise OpenSearchError(f"{method} {path}: {status} {text[:2000]}", status)
            with self._lock:
                self._first = i
            return json.loads(raw) if raw else None
        raise OpenSearchError("no node of the cluster answered (" + "; ".join(errors) + ")")

    def _send(self, i: int, method: str, path: str, data: bytes | None, ctype: str) -> tuple[int, bytes]:
        """(status, body) of one request to host i, on this thread's open connection to it. A
        kept connection the node has closed meanwhile fails before the request is read: that
        one is sent once more, on a new connection."""
        conns = self._local.__dict__.setdefault("conns", {})
        for attempt in range(2):
            conn = conns.get(i)
            reused = conn is not None
            if conn is None:
                conn = conns[i] = http.client.HTTPConnection(self.hosts[i], timeout=self.timeout)
                with self._lock:
                    self._open.append(conn)
            try:
                conn.request(method, path, body=data, headers={"Content-Type": ctype})
                response = conn.getresponse()
                return response.status, response.read()
            except (OSError, http.client.HTTPException) as exc:
                conn.close()
                conns.pop(i, None)
                with self._lock:
                    if conn in self._open:
                        self._open.remove(conn)
                stale = isinstance(exc, (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError))
                if not (reused and stale) or attempt:
                    raise
        raise AssertionError("unreachable")


def _close_connections(conns: list, lock: threading.Lock) -> None:
    with lock:
        for conn in conns:
            conn.close()
        conns.clear()
