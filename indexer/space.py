"""Disk space: how much a write will need (from what the live generation measured), how much
is free, and a full disk reported as one line naming where, never as a traceback."""
from __future__ import annotations

import errno
import os
import sqlite3
from pathlib import Path

from indexer import integrity


class NotEnoughSpace(OSError):
    """Not enough free disk space for a write (estimated before it starts, or ENOSPC during it)."""

    def __init__(self, message: str) -> None:
        super().__init__(errno.ENOSPC, message)
        self.message = message

    def __str__(self) -> str:
        return self.message


NO_SPACE_ERRNOS = (errno.ENOSPC, errno.EDQUOT)
# index bytes per byte of input files when no generation has measured it: plain text and JSON
# give about 2.7 (docs/benchmarks.md), HTML pages much less (their markup is not indexed)
DEFAULT_INDEX_PER_INPUT_BYTE = 3.0
HEADROOM = 1.25  # Whoosh merges small segments at commit: their copies exist for a moment
MIN_FREE = 16 << 20


def is_no_space(exc: BaseException) -> bool:
    """ENOSPC or a quota, or SQLite's "database or disk is full" (a catalogue being written)."""
    if isinstance(exc, sqlite3.OperationalError):
        return getattr(exc, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL
    return isinstance(exc, OSError) and exc.errno in NO_SPACE_ERRNOS


def no_space(exc: OSError | sqlite3.OperationalError, where: Path) -> NotEnoughSpace:
    """ENOSPC while writing, as one line naming where; the caller removes what it wrote."""
    if isinstance(exc, NotEnoughSpace):
        return exc
    name = getattr(exc, "filename", None) or where
    return NotEnoughSpace(f"no space left on the device while writing {name} ({free_bytes(Path(where)) >> 20} MB "
                          "free); the unfinished generation was removed and the live index is kept")


def free_bytes(path: Path) -> int:
    """Bytes an unprivileged writer may still use on the file system holding `path`."""
    p = Path(path)
    while not p.exists() and p != p.parent:
        p = p.parent
    st = os.statvfs(p)
    return st.f_bavail * st.f_frsize


def generation_bytes(gen: Path) -> int:
    return sum(f.stat().st_size for f in gen.iterdir() if f.is_file())


def estimate_bytes(index_dir: Path, live: Path | None, input_bytes: int, rebuild: bool,
                   new_input_bytes: int | None = None) -> int:
    """The disk space a rebuild (a whole new generation) or an ingest (new segments, the live
    one's files being hard links) of `input_bytes` of files needs, from what the live
    generation measured (its size per byte of the files it was read from), else the default."""
    ratio = DEFAULT_INDEX_PER_INPUT_BYTE
    if live is not None:
        try:
            measured = (integrity.load(live) or {}).get("index_per_input_byte")
        except (integrity.FormatError, ValueError, OSError):
            measured = None
        if isinstance(measured, (int, float)) and measured > 0:
            ratio = max(0.5, float(measured))
    todo = input_bytes if rebuild or new_input_bytes is None else new_input_bytes
    return int(todo * ratio * HEADROOM) + MIN_FREE


def mb(n: int) -> str:
    return f"{n / 1048576:,.0f} MB" if n >= 10 << 20 else f"{n / 1048576:.1f} MB"
