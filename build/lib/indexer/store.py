"""Index generations on disk: one writer at a time, atomic switches, readers never interrupted.

Layout of an index directory::

    index/
      CURRENT          name of the live generation (replaced atomically with os.replace)
      write.lock       flock()ed by the one process that writes (released by the kernel if it dies)
      gen-<stamp>/     a complete Whoosh index + build.json (how it was built) + manifest.json
                       (which file gave which articles) + sources.json (the paths it was read from)

A writer builds a new generation beside the live one (a full rebuild starts empty; an
incremental ingest starts from hard links to the live generation's files, which Whoosh never
modifies in place), then switches CURRENT to it. A generation that was being written when the
process died is never named by CURRENT, so it is simply removed by the next writer. Old
generations are removed once superseded, keeping the previous good one (named in the live
one's build.json) for readers that are still finishing on it.
"""
from __future__ import annotations

import errno
import fcntl
import json
import os
import shutil
import signal
import time
from dataclasses import dataclass
from pathlib import Path

from whoosh import index as whoosh_index

from indexer.schema import build_schema

CURRENT = "CURRENT"
LOCK = "write.lock"
BUILD_INFO = "build.json"
MANIFEST = "manifest.json"
SOURCES = "sources.json"  # see indexer.sources
GEN_PREFIX = "gen-"
KEEP_GENERATIONS = 2  # the live one and the one live before it (see remove_stale_generations)


class IndexBusy(RuntimeError):
    """Another rebuild or ingest holds the write lock."""


class NoIndex(RuntimeError):
    """There is no built index at this location yet."""


def current_generation(index_dir: Path) -> Path | None:
    """The live generation's directory, or None when nothing has been built."""
    try:
        name = (index_dir / CURRENT).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    gen = index_dir / name
    return gen if name.startswith(GEN_PREFIX) and gen.is_dir() else None


def pointer_stamp(index_dir: Path) -> tuple[int, int] | None:
    """A cheap fingerprint of CURRENT (inode, mtime): changes whenever a new generation goes live."""
    try:
        st = os.stat(index_dir / CURRENT)
    except FileNotFoundError:
        return None
    return st.st_ino, st.st_mtime_ns


def open_generation(gen: Path):
    return whoosh_index.open_dir(str(gen))


def read_json(path: Path, default):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return default


def write_json(path: Path, data) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(data, f, ensure_ascii=False)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


_held_lock_fds: set[int] = set()


def _close_held_locks_in_child() -> None:
    # A forked worker must not keep the writer's flock alive after the writer dies: the lock
    # belongs to the open file description, which fork() shares.
    for fd in list(_held_lock_fds):
        try:
            os.close(fd)
        except OSError:
            pass
    _held_lock_fds.clear()


os.register_at_fork(after_in_child=_close_held_locks_in_child)


def die_with_parent() -> None:
    """Ask the kernel to kill this (worker) process when its parent dies (Linux)."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGKILL)
    except (OSError, AttributeError):
        return
    if os.getppid() == 1:  # the parent died before the request took effect
        os._exit(1)


def malloc_trim() -> None:
    """Give freed heap pages back to the system (glibc keeps them otherwise, also free pages
    between blocks in use): a segment writer's RSS then follows what it holds."""
    try:
        import ctypes

        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):  # not glibc
        pass


@dataclass
class WriteLock:
    """An exclusive, non-blocking flock on index/write.lock.

    The kernel releases a flock when its process dies, however it dies, so a lock left by a
    killed rebuild is free again at once: there is no stale-pid guessing to get wrong.
    """

    index_dir: Path
    _fd: int | None = None

    def __enter__(self) -> WriteLock:
        self.index_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.index_dir / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            holder = os.pread(fd, 64, 0).decode("ascii", "replace").strip()
            os.close(fd)
            if exc.errno in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                who = f" (pid {holder})" if holder else ""
                raise IndexBusy(f"another rebuild or ingest is writing {self.index_dir}{who}") from None
            raise
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode("ascii"), 0)
        self._fd = fd
        _held_lock_fds.add(fd)
        return self

    def __exit__(self, *exc) -> None:
        if self._fd is not None:
            _held_lock_fds.discard(self._fd)
            os.ftruncate(self._fd, 0)
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


def new_generation(index_dir: Path, base: Path | None):
    """Create a new generation directory (empty, or hard-linked from `base`); return (dir, index)."""
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
    gen = index_dir / f"{GEN_PREFIX}{stamp}-{os.getpid()}-{time.monotonic_ns() % 1_000_000:06d}"
    if base is None:
        gen.mkdir(parents=True)
        ix = whoosh_index.create_in(str(gen), build_schema())
    else:
        gen.mkdir(parents=True)
        for item in base.iterdir():  # Whoosh's files only: build.json marks a finished generation
            if item.is_file() and item.name not in (BUILD_INFO, MANIFEST, SOURCES) and "LOCK" not in item.name.upper() \
                    and not item.name.endswith(".tmp"):
                os.link(item, gen / item.name)
        # today's schema: the new segments get fields added since `base` was written (its own
        # segments keep theirs; readers check which columns a segment has)
        ix = whoosh_index.open_dir(str(gen), schema=build_schema())
    return gen, ix


def switch_to(index_dir: Path, gen: Path) -> None:
    """Make `gen` live, atomically; readers opening CURRENT see either the old or the new one."""
    for f in gen.iterdir():  # everything the generation holds reaches the disk before it goes live
        if f.is_file():
            fd = os.open(f, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
    tmp = index_dir / (CURRENT + ".tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(gen.name + "\n")
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, index_dir / CURRENT)
    dfd = os.open(index_dir, os.O_RDONLY)
    try:
        os.fsync(dfd)
    finally:
        os.close(dfd)


def remove_stale_generations(index_dir: Path) -> None:
    """Remove every generation but the live one and the one that was live before it.

    Only called while holding the write lock, so no generation here is being written: one
    without build.json was left by a writer that died, and goes too.
    """
    live = current_generation(index_dir)
    keep = set()
    if live is not None:
        keep.add(live.name)
        previous = read_json(live / BUILD_INFO, {}).get("previous")
        if previous:
            keep.add(previous)
    for g in index_dir.iterdir():
        if g.is_dir() and g.name.startswith(GEN_PREFIX) and g.name not in keep:
            shutil.rmtree(g, ignore_errors=True)
