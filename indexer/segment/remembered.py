"""What a search computed from a segment's files and the next search may ask again, kept within
a memory budget: a segment's files never change once written, so what was read from them stays
true while they exist.

Keys start with the segment's identity (`file_identity` of its exact-layer file: device, inode,
size and modification time), so a reopened or hard-linked segment finds what was kept for it and
a new file never finds another's. Deleted articles are not part of what is kept: each search
leaves them out itself. Shared by every thread of the process.
"""
from __future__ import annotations

import os
import threading
from collections import OrderedDict
from typing import Any


def file_identity(fileno: int) -> tuple[int, int, int, int]:
    st = os.fstat(fileno)
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)


ENTRY_BYTES = 640  # what an entry costs beside its arrays' data and key strings (measured with
# tracemalloc: the key and value tuples, two array headers, the map's node)


class Remembered:
    """A least-recently-used map holding at most `budget` bytes of values (NumPy arrays, or
    tuples of them; each entry counted with its key's strings and ENTRY_BYTES more), safe to
    share between threads. Values are made read-only when kept."""

    def __init__(self, budget: int) -> None:
        self.budget = budget
        self.held = 0
        self._items: OrderedDict[tuple, tuple[Any, int]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple) -> Any:
        with self._lock:
            found = self._items.get(key)
            if found is None:
                return None
            self._items.move_to_end(key)
            return found[0]

    def put(self, key: tuple, value: Any) -> None:
        arrays = value if isinstance(value, tuple) else (value,)
        size = ENTRY_BYTES + sum(a.nbytes for a in arrays) + sum(len(k) for k in key if isinstance(k, (str, bytes))) * 4
        if size > self.budget:
            return
        for a in arrays:
            a.flags.writeable = False
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self.held -= old[1]
            self._items[key] = (value, size)
            self.held += size
            while self.held > self.budget:
                _key, (_value, dropped) = self._items.popitem(last=False)
                self.held -= dropped

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self.held = 0

    def __len__(self) -> int:
        return len(self._items)
