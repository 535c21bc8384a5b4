"""The files of an index's desk (saved searches, alert marks, its own variant pairs): kept beside
the index's generations, read and written whole.

Every file is written to a temporary file and renamed over the old one, so a reader never sees
half a file; a read-modify-write holds an flock on `saved.lock` in the folder, so two writers at
once both land (`indexer.saved`, `indexer.search.variants`).
"""
from __future__ import annotations

import contextlib
import fcntl
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

LOCK = "saved.lock"


@contextlib.contextmanager
def locked(index_dir: Path, name: str = LOCK) -> Iterator[None]:
    """An exclusive flock on `index_dir/name` for a read-modify-write of the files here (the
    kernel releases it when the process dies)."""
    index_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(index_dir / name, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def write_atomic(path: Path, data: bytes, *, durable: bool = True) -> None:
    """Replace `path` with `data` at once: readers see the old file or the new one, never a part."""
    fd, tmp = tempfile.mkstemp(prefix="." + path.name + ".", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, 0o644)  # readable by a server running as another user, like the index
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            if durable:
                f.flush()
                os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def read_json(path: Path, default):
    """A JSON file's data; `default` when it is missing or not JSON (a file damaged by hand is
    not trusted, and is replaced by the next write)."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError, UnicodeDecodeError):
        return default


def write_json(path: Path, data, *, durable: bool = True) -> None:
    write_atomic(path, (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8"), durable=durable)
