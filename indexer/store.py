"""Index generations on disk: one writer at a time, atomic switches, readers never interrupted.

Layout of an index directory::

    index/
      CURRENT          name of the live generation (replaced atomically with os.replace)
      write.lock       flock()ed by the one process that writes (released by the kernel if it dies)
      gen-<stamp>/     a complete Whoosh index + build.json (how it was built) + catalogue.sqlite
                       (which file gave which articles) + sources.json (the paths it was read from)

A writer builds a new generation beside the live one (a full rebuild starts empty; an
incremental ingest starts from hard links to the live generation's files, which Whoosh never
modifies in place), then records every file's checksum (`indexer.integrity`), verifies the
generation and switches CURRENT to it. A generation that was being written when the process
died is never named by CURRENT, so it is simply removed by the next writer. Old generations
are removed once superseded, keeping the previous good one (named in the live one's
build.json) for readers that are still finishing on it.

The write lock is an flock on the index folder itself (and, for older wensou versions, on
write.lock): deleting write.lock cannot let a second writer in. A writer also holds an flock on
the generation it is writing, so cleanup never removes a generation a live writer is writing.
"""
from __future__ import annotations

import errno
import fcntl
import json
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from whoosh import index as whoosh_index

from indexer import integrity, space
from indexer.segment.schema import build_schema
from indexer.space import NotEnoughSpace, estimate_bytes, generation_bytes, is_no_space, mb, no_space

CURRENT = "CURRENT"
LOCK = "write.lock"
BUILD_INFO = "build.json"
MANIFEST = "manifest.json"  # which file gave which article, in indexes written before CATALOGUE
CATALOGUE = "catalogue.sqlite"  # see indexer.ingest.catalogue (written by the ingest, never rewritten)
SOURCES = "sources.json"  # see indexer.ingest.sources
GEN_PREFIX = "gen-"
KEEP_GENERATIONS = 2  # the live one and the one live before it (see remove_stale_generations)
ORPHANED_LOCK_WAIT = 3.0  # seconds a lock whose writer is dead may still be held by its dying children


class IndexBusy(RuntimeError):
    """Another rebuild or ingest holds the write lock."""


class NoIndex(RuntimeError):
    """There is no built index at this location yet."""


class IndexDamaged(NoIndex):
    """A generation's files are not as written (or it is in a format this code does not read);
    the message is one line naming the generation, the files and the fix."""

    def __init__(self, message: str, generation: str = "", damaged: list | None = None) -> None:
        super().__init__(message)
        self.generation = generation
        self.damaged = damaged or []


def verify_generation(gen: Path, full: bool = False) -> integrity.Report:
    """Verify `gen` (`indexer.integrity`: cheap at open, every byte with `full`); raises
    IndexDamaged with one line when a file is damaged or the format is not this code's."""
    try:
        report = integrity.verify_full(gen) if full else integrity.verify_open(gen)
    except integrity.FormatError as exc:
        raise IndexDamaged(str(exc), gen.name) from None
    if report.damaged:
        shown = ", ".join(map(str, report.damaged[:3]))
        more = f" and {len(report.damaged) - 3} more" if len(report.damaged) > 3 else ""
        raise IndexDamaged(f"index generation {gen.name} is damaged: {shown}{more}; "
                           "`wensou check` lists what it holds, `wensou rebuild` writes it again",
                           gen.name, report.damaged)
    return report


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
    """A JSON file's data; `default` when it is missing, not JSON, or (in a generation with
    checksums) not as written: damaged metadata is never trusted."""
    try:
        raw = integrity.verified_bytes(path)
        return default if raw is None else json.loads(raw.decode("utf-8"))
    except (FileNotFoundError, ValueError):
        return default


def write_json(path: Path, data) -> None:
    """Write atomically; in a finished generation (one with checksums), record the new content."""
    tmp = path.with_name(path.name + ".tmp")
    try:
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(json.dumps(data, ensure_ascii=False))  # dumps runs in C; dump to a file does not
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        _remove_quietly(tmp)
        if is_no_space(exc):
            raise no_space(exc, path) from exc
        raise
    if (path.parent / integrity.CHECKSUMS).exists():
        integrity.update(path.parent, path.name)


def _remove_quietly(path: Path) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


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
    _writing.clear()  # their descriptors were among those closed


os.register_at_fork(after_in_child=_close_held_locks_in_child)


@dataclass
class WriteLock:
    """An exclusive, non-blocking flock on the index folder itself, and on index/write.lock.

    The kernel releases a flock when its process dies, however it dies, so a lock left by a
    killed rebuild is free again at once: there is no stale-pid guessing to get wrong. The
    folder's lock is the one that excludes: deleting write.lock (which holds the writer's pid,
    for messages, and is locked too for wensou versions that lock only it) lets nobody in.
    """

    index_dir: Path
    _fd: int | None = None
    _dir_fd: int | None = None

    def __enter__(self) -> WriteLock:
        # A writer killed (kill -9, the OOM killer) while it forked a worker leaves that child
        # holding a copy of the lock for the moment before its fork hook closes it (and before
        # it dies with its parent): when the pid in write.lock is gone, wait that moment out.
        give_up = time.monotonic() + ORPHANED_LOCK_WAIT
        while True:
            try:
                return self._take()
            except IndexBusy:
                if self._holder_alive() or time.monotonic() > give_up:
                    raise
                time.sleep(0.01)

    def _holder_alive(self) -> bool:
        """False only when write.lock names a process that no longer exists (on this machine)."""
        try:
            holder = (self.index_dir / LOCK).read_text(encoding="ascii", errors="replace").strip()
        except OSError:
            return True
        if not holder.isdigit():
            return True
        try:
            os.kill(int(holder), 0)
        except ProcessLookupError:
            return False
        except OSError:  # it exists but is not ours to signal
            return True
        return True

    def _take(self) -> WriteLock:
        self.index_dir.mkdir(parents=True, exist_ok=True)
        dir_fd = os.open(self.index_dir, os.O_RDONLY | os.O_DIRECTORY)
        if not _try_flock(dir_fd):
            os.close(dir_fd)
            raise self._busy()
        fd = os.open(self.index_dir / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
        if not _try_flock(fd):  # an older wensou, which locks only write.lock, is writing
            os.close(fd)
            os.close(dir_fd)
            raise self._busy()
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode("ascii"), 0)
        self._fd, self._dir_fd = fd, dir_fd
        _held_lock_fds.update((fd, dir_fd))
        return self

    def _busy(self) -> IndexBusy:
        try:
            holder = (self.index_dir / LOCK).read_text(encoding="ascii", errors="replace").strip()
        except OSError:
            holder = ""
        who = f" (pid {holder})" if holder.isdigit() else ""
        return IndexBusy(f"another rebuild or ingest is writing {self.index_dir}{who}")

    def __exit__(self, *exc) -> None:
        if self._fd is not None:
            _held_lock_fds.discard(self._fd)
            os.ftruncate(self._fd, 0)
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None
        if self._dir_fd is not None:
            _held_lock_fds.discard(self._dir_fd)
            fcntl.flock(self._dir_fd, fcntl.LOCK_UN)
            os.close(self._dir_fd)
            self._dir_fd = None


def _try_flock(fd: int) -> bool:
    """Take an exclusive flock without waiting; False when another open file holds it."""
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        if exc.errno in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
            return False
        raise
    return True


# --------------------------------------------------------------------- generations being written

_writing: dict[str, int] = {}  # generation path -> fd of its folder, flock()ed while this process writes it


def _hold_generation(gen: Path) -> None:
    fd = os.open(gen, os.O_RDONLY | os.O_DIRECTORY)
    fcntl.flock(fd, fcntl.LOCK_EX)  # just created by this process: nobody else holds it
    _writing[str(gen)] = fd
    _held_lock_fds.add(fd)


def release_generation(gen: Path) -> None:
    """This process no longer writes `gen` (it went live, or was removed)."""
    fd = _writing.pop(str(gen), None)
    if fd is not None:
        _held_lock_fds.discard(fd)
        os.close(fd)


def being_written(gen: Path) -> bool:
    """Whether a live process (this one or another) holds `gen` as the generation it writes."""
    if str(gen) in _writing:
        return True
    try:
        fd = os.open(gen, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return False
    try:
        return not _try_flock(fd)
    finally:
        os.close(fd)  # closing drops the flock this test may have taken


def checkpoint(name: str) -> None:
    """A named moment of a writer's work where tests can hold it: with WENSOU_PAUSE_AT=name and
    WENSOU_PAUSE_FILE=path, the writer creates `path` (holding its pid) and waits until the
    test removes it. Nothing happens without both variables."""
    if os.environ.get("WENSOU_PAUSE_AT") != name or not os.environ.get("WENSOU_PAUSE_FILE"):
        return
    flag = Path(os.environ["WENSOU_PAUSE_FILE"])
    flag.write_text(str(os.getpid()), encoding="ascii")
    while flag.exists():
        time.sleep(0.01)


def new_generation(index_dir: Path, base: Path | None):
    """Create a new generation directory (empty, or hard-linked from `base`); return (dir, index).

    `base` is verified first (IndexDamaged): an ingest never builds on damaged files."""
    if base is not None:
        verify_generation(base)
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
    gen = index_dir / f"{GEN_PREFIX}{stamp}-{os.getpid()}-{time.monotonic_ns() % 1_000_000:06d}"
    gen.mkdir(parents=True)
    _hold_generation(gen)
    try:
        if base is None:
            ix = whoosh_index.create_in(str(gen), build_schema())
        else:
            for item in base.iterdir():  # Whoosh's files only: build.json marks a finished generation
                if item.is_file() and item.name not in (BUILD_INFO, MANIFEST, CATALOGUE, SOURCES, integrity.CHECKSUMS) \
                        and "LOCK" not in item.name.upper() and not item.name.endswith(".tmp"):
                    os.link(item, gen / item.name)
            # today's schema: the new segments get fields added since `base` was written (its own
            # segments keep theirs; readers check which columns a segment has)
            ix = whoosh_index.open_dir(str(gen), schema=build_schema())
    except BaseException as exc:
        release_generation(gen)
        shutil.rmtree(gen, ignore_errors=True)
        if isinstance(exc, OSError) and is_no_space(exc):
            raise no_space(exc, gen) from exc
        raise
    checkpoint("new-generation")
    return gen, ix


def switch_to(index_dir: Path, gen: Path) -> None:
    """Record `gen`'s checksums, verify it, and make it live, atomically; readers opening
    CURRENT see either the old or the new one. A generation that fails is removed (raises
    IndexDamaged, or NotEnoughSpace when the disk filled up), and the live one stays."""
    try:
        info = read_json(gen / BUILD_INFO, {})
        previous = info.get("previous")
        measured = {}
        input_bytes = _last_input_bytes.pop(str(index_dir), None)
        if info.get("mode") == "rebuild" and input_bytes:  # for the next estimate of the space needed
            measured["index_per_input_byte"] = round(generation_bytes(gen) / input_bytes, 4)
        integrity.record(gen, index_dir / previous if previous else None, measured)
        checkpoint("before-switch")
        verify_generation(gen)  # what goes live is what was written
        for f in gen.iterdir():  # everything the generation holds reaches the disk before it goes live
            # (a hard link to the live generation's file reached it when that one went live: an
            # ingest of 500 articles into 100,000 spent 4 s syncing the 100 files it had not written)
            if f.is_file() and f.stat().st_nlink == 1:
                fd = os.open(f, os.O_RDONLY)
                try:
                    os.fsync(fd)
                finally:
                    os.close(fd)
        tmp = _pointer_written(index_dir, gen.name)
    except BaseException as exc:
        release_generation(gen)
        shutil.rmtree(gen, ignore_errors=True)
        if isinstance(exc, OSError) and not isinstance(exc, NotEnoughSpace) and is_no_space(exc):
            raise no_space(exc, gen) from exc
        raise
    _point_at(index_dir, tmp)
    release_generation(gen)


def _pointer_written(index_dir: Path, name: str) -> Path:
    """CURRENT's next content (`name`), written beside it and on disk; `_point_at` makes it live."""
    tmp = index_dir / (CURRENT + ".tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(name + "\n")
        f.flush()
        os.fsync(f.fileno())
    return tmp


def _point_at(index_dir: Path, tmp: Path) -> None:
    """Replace CURRENT by `tmp` (`_pointer_written`) atomically, and the switch reaches the disk."""
    os.replace(tmp, index_dir / CURRENT)
    dfd = os.open(index_dir, os.O_RDONLY)
    try:
        os.fsync(dfd)
    finally:
        os.close(dfd)


def restore_pointer(index_dir: Path) -> str | None:
    """When CURRENT is missing or names no generation (manual damage: docs/operations.md
    "Recovery") while finished generations are still there, point it at the newest of them
    that is intact, as its recovery says to, and return its name; None when CURRENT is
    fine or there is nothing to restore. Called by a writer under the write lock, before it
    removes stale generations: without it every generation looked stale, and an ingest or
    rebuild deleted the archive's index and began again from the paths given."""
    index_dir = Path(index_dir)
    if current_generation(index_dir) is not None or not index_dir.is_dir():
        return None

    def finished(g: Path) -> float:
        info = read_json(g / BUILD_INFO, None)
        return info.get("finished", 0.0) if isinstance(info, dict) else -1.0

    candidates = [g for g in index_dir.iterdir() if g.is_dir() and g.name.startswith(GEN_PREFIX)
                  and (g / BUILD_INFO).exists() and (g / integrity.CHECKSUMS).exists() and not being_written(g)]
    for gen in sorted(candidates, key=lambda g: (finished(g), g.name), reverse=True):
        try:
            verify_generation(gen)
        except IndexDamaged:
            continue
        _point_at(index_dir, _pointer_written(index_dir, gen.name))
        return gen.name
    return None


def remove_stale_generations(index_dir: Path) -> None:
    """Remove every generation but the live one and the one that was live before it.

    Called while holding the write lock. A generation without build.json was left by a writer
    that died, and goes too, unless a live process holds it as the one it is writing (an
    flock the kernel drops when that process dies): that one is never touched.
    """
    live = current_generation(index_dir)
    keep = set()
    if live is not None:
        keep.add(live.name)
        if (live / BUILD_INFO).exists() and read_json(live / BUILD_INFO, None) is None:
            # the live build.json is damaged: which generation was live before is unknown, so
            # every finished one stays
            keep.update(g.name for g in index_dir.iterdir() if (g / BUILD_INFO).exists())
        previous = read_json(live / BUILD_INFO, {}).get("previous")
        if previous:
            keep.add(previous)
    for g in index_dir.iterdir():
        if g.is_dir() and g.name.startswith(GEN_PREFIX) and g.name not in keep and not being_written(g):
            shutil.rmtree(g, ignore_errors=True)


def check_space(index_dir: Path, live: Path | None, files: list, rebuild: bool,
                known: set[str] = frozenset()) -> int:
    """Refuse to start a write that cannot fit (NotEnoughSpace, one line: needed, free,
    where); returns the input bytes. `files`: the SourceFiles to be read (`.path`); `known`:
    the files the live generation was read from (an ingest's headroom counts the others)."""
    sizes = {}
    for f in files:
        try:
            sizes[str(f.path)] = os.stat(f.path).st_size
        except OSError:
            pass
    total = sum(sizes.values())
    new = None
    if not rebuild and live is not None:
        new = sum(n for k, n in sizes.items() if k not in known)  # changed files: in the headroom
    need = estimate_bytes(index_dir, live, total, rebuild, new)
    free = space.free_bytes(index_dir)
    if free < need:
        verb = "rebuild" if rebuild else "ingest"
        kept = "the live index is kept" if live is not None else "nothing was written"  # (a first build)
        raise NotEnoughSpace(f"not enough disk space to {verb}: about {mb(need)} needed, {mb(free)} free "
                             f"in {Path(index_dir).absolute()}; {kept}")
    _last_input_bytes[str(index_dir)] = total
    return total


_last_input_bytes: dict[str, int] = {}
