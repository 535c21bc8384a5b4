"""One rebuild at a time per cluster index, and a lock a killed rebuild does not leave behind.

The lock of alias NAME is the document NAME in the index `wensou-locks`, created with
`_create` (only one contender can): it names its holder (host, pid) and a heartbeat the holder
renews every HEARTBEAT seconds. A lock is stale when its holder ran on this host and its process
is gone (kill -9, the OOM killer: the next rebuild goes ahead at once), or when its heartbeat is
older than STALE seconds (a holder on another machine that died). A stale lock is taken over with
a compare-and-set on the document's sequence number, so of two rebuilds that find it stale only
one gets it. A holder whose heartbeat finds the lock taken over stops before switching the alias.
"""
from __future__ import annotations

import os
import socket
import threading
import time

from indexer import store

LOCKS = "wensou-locks"
HEARTBEAT = 5.0
STALE = 60.0


class LockLost(RuntimeError):
    """The rebuild's lock was taken over (its heartbeat stopped for longer than STALE)."""


class RebuildLock:
    def __init__(self, client, name: str) -> None:
        self.client, self.name = client, name
        self._seq: tuple[int, int] | None = None  # (seq_no, primary_term) of our last write
        self._stop = threading.Event()
        self._beat: threading.Thread | None = None
        self.lost = False

    def _holder(self) -> dict:
        return {"host": socket.gethostname(), "pid": os.getpid(), "beat": time.time()}

    def _path(self) -> str:
        return f"/{LOCKS}/_doc/{self.name}"

    def __enter__(self) -> RebuildLock:
        self._ensure_index()
        got = self.client.request("PUT", f"/{LOCKS}/_create/{self.name}", self._holder(),
                                  params={"refresh": "false"}, ok=(409,))
        if got is None:  # held: stale, or busy
            current = self.client.request("GET", self._path(), ok404=True)
            if current is None or not current.get("found"):
                return self.__enter__()  # released meanwhile
            if not _stale(current.get("_source") or {}):
                src = current.get("_source") or {}
                raise store.IndexBusy(f"another rebuild of {self.name!r} is running "
                                      f"(pid {src.get('pid')} on {src.get('host')})")
            got = self.client.request("PUT", self._path(), self._holder(), ok=(409,),
                                      params={"if_seq_no": current["_seq_no"],
                                              "if_primary_term": current["_primary_term"]})
            if got is None:
                raise store.IndexBusy(f"another rebuild of {self.name!r} took over its stale lock first")
        self._seq = (got["_seq_no"], got["_primary_term"])
        self._beat = threading.Thread(target=self._heartbeat, name="wensou-lock", daemon=True)
        self._beat.start()
        return self

    def _ensure_index(self) -> None:
        if self.client.request("GET", f"/{LOCKS}", ok404=True) is None:  # 400 below: made meanwhile
            self.client.request("PUT", f"/{LOCKS}", {"settings": {
                "number_of_shards": 1, "auto_expand_replicas": "0-1"}}, ok=(400,))

    def _heartbeat(self) -> None:
        while not self._stop.wait(HEARTBEAT):
            seq_no, term = self._seq
            try:
                got = self.client.request("PUT", self._path(), self._holder(), ok=(409,),
                                          params={"if_seq_no": seq_no, "if_primary_term": term})
            except Exception:  # noqa: BLE001 - a node away for a moment: the next beat retries
                continue
            if got is None:
                self.lost = True
                return
            self._seq = (got["_seq_no"], got["_primary_term"])

    def check(self) -> None:
        """Raise LockLost when another rebuild took the lock over (call before the switch)."""
        if self.lost:
            raise LockLost(f"the rebuild lock of {self.name!r} was taken over; this rebuild stops")

    def __exit__(self, *exc) -> None:
        self._stop.set()
        if self._beat is not None:
            self._beat.join()
        if not self.lost and self._seq is not None:
            seq_no, term = self._seq
            self.client.request("DELETE", self._path(), ok404=True, ok=(409,),
                                params={"if_seq_no": seq_no, "if_primary_term": term})


def _stale(holder: dict) -> bool:
    beat = holder.get("beat")
    if not isinstance(beat, (int, float)) or time.time() - beat > STALE:
        return True
    if holder.get("host") == socket.gethostname() and isinstance(holder.get("pid"), int):
        try:
            os.kill(holder["pid"], 0)
        except ProcessLookupError:
            return True
        except OSError:
            return False
    return False
