"""The live index generation as the search engine sees it, and the searchers open on it.

`LiveIndex` follows an index directory's CURRENT generation: a cheap stat of the pointer on each
call, and a reopen only when it changed. Each thread gets its own Whoosh searcher (they are not
thread-safe); the searchers of a generation two switches old are closed even in threads that went
idle, so the files the writer deleted do not keep their disk space. `Generation` holds one
opened generation with its per-article values (`indexer.search.docvalues`) for filters, facets and
sorting; a new generation reads only the segments the previous one did not have.

A generation is verified whenever it is opened (`indexer.integrity`: sizes, the first and last
bytes, and every byte of a file written to since). A damaged live generation is refused: the
engine keeps serving the generation it had open, or the previous one on disk when it is
intact, and says so (`LiveIndex.degraded`); with neither, every search fails with
`store.IndexDamaged`, one line, never with results read from damaged files.
"""
from __future__ import annotations

import errno
import logging
import mmap
import threading
import time
import weakref
from pathlib import Path

from indexer import store
from indexer.article import Article
from indexer.search.docvalues import DocValues, SegmentCache
from indexer.segment.words import forget_exact


class Generation:
    """One opened index generation, with its per-article values (`indexer.search.docvalues`)."""

    def __init__(self, path: Path, segments: SegmentCache) -> None:
        self.path = path
        self.name = path.name
        store.verify_generation(path)  # raises store.IndexDamaged
        try:
            self._open(segments)
        except Exception as exc:  # verified files that still cannot be read (format 1: unverified)
            raise store.IndexDamaged(f"index generation {path.name} cannot be read ({type(exc).__name__}: "
                                     f"{exc}); `wensou check` verifies it, `wensou rebuild` writes it again",
                                     path.name) from exc
        self.size_bytes = sum(f.stat().st_size for f in path.iterdir() if f.is_file())

    def _open(self, segments: SegmentCache) -> None:
        path = self.path
        self.ix = store.open_generation(path)
        self.info = store.read_json(path / store.BUILD_INFO, {})
        reader = self.ix.reader()
        try:
            parts = []
            self.segment_ids = []
            for leaf, offset in reader.leaf_readers():
                deleted = leaf.deleted_docs_set if leaf.has_deletions() else ()
                parts.append((segments.get(leaf), offset, tuple(deleted)))
                self.segment_ids.append(leaf.segment().segment_id())
            self.docvalues = DocValues(parts)
            if self.docvalues.count != reader.doc_count_all():
                raise ValueError(f"{self.docvalues.count} articles in the doc values, {reader.doc_count_all()} in the index")
        finally:
            reader.close()


_log = logging.getLogger("wensou")
RECHECK_SECONDS = 10.0
PREFETCH_SHARE = 0.5  # of the memory available: how much of an index prefetch may read
_MADV_POPULATE_READ = getattr(mmap, "MADV_POPULATE_READ", 22)  # Linux 5.14 and later
_PREFETCH_STEP = 2 << 20  # bytes a call reads: the lock Python holds meanwhile is short


def prefetch(path: Path, budget: int | None = None) -> int:
    """Have the kernel read a generation's files into the page cache, smallest first, as many
    as fit in `budget` bytes (default: PREFETCH_SHARE of the memory available now); returns
    the bytes asked for. On a machine just started, searches otherwise read the index from
    disk page by page: at a million articles (11 GB) first asks of long phrases took 2 s and
    more (503 at the deadline) where the same asks take 0.3-0.7 s once read. The kernel fills
    the pages itself (MADV_POPULATE_READ: 10.9 GB in 8 s, 1.7 s of processor); an older kernel
    is only told they will be needed (MADV_WILLNEED)."""
    if budget is None:
        budget = int(_available_memory() * PREFETCH_SHARE)
    try:
        files = sorted((f.stat().st_size, f) for f in path.iterdir() if f.is_file())
    except OSError:  # the generation removed meanwhile (a newer one's clean-up): nothing to read
        return 0
    advice, asked = _MADV_POPULATE_READ, 0
    for size, f in files:
        if asked + size > budget:
            break
        if size == 0:
            continue
        try:
            with open(f, "rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as m:
                for start in range(0, size, _PREFETCH_STEP):
                    try:
                        m.madvise(advice, start, min(_PREFETCH_STEP, size - start))
                    except OSError as exc:  # EINVAL: a kernel without MADV_POPULATE_READ
                        if advice == mmap.MADV_WILLNEED or exc.errno != errno.EINVAL:
                            raise
                        advice = mmap.MADV_WILLNEED
                        m.madvise(advice, start, min(_PREFETCH_STEP, size - start))
        except (OSError, ValueError):  # removed by a newer generation's clean-up: nothing to read
            continue
        asked += size
    return asked


def _available_memory() -> int:
    """MemAvailable of /proc/meminfo in bytes (0 where there is none: nothing is prefetched)."""
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def stored_article(f: dict) -> Article:
    """The Article from an index document's stored fields."""
    return Article(id=f["id"], title=f.get("title", ""), date=f.get("date"), source=f.get("source"),
                   authors=list(f.get("authors") or []), url=f.get("url"), column=f.get("column"),
                   keywords=list(f.get("keywords") or []), body=f.get("body", ""))


class LiveIndex:
    """The live generation of an index directory and one searcher per thread on it; safe to
    share between threads. Searchers keep Whoosh's default weighting: its idf is the one
    ranking reads (`indexer.search.ranking`); they never score a search themselves."""

    def __init__(self, index_dir: Path | str) -> None:
        self.index_dir = Path(index_dir)
        self._lock = threading.Lock()
        self._gen: Generation | None = None
        self._stamp = None
        # Each thread's searcher, by thread: (generation, searcher) — every searcher opened here
        # (each holds open files), closed by close() or, at the latest, when this object is
        # garbage collected. Kept here rather than in a thread-local so that a searcher two
        # switches old is let go of even while the thread that opened it sits idle (a server's
        # pooled threads): nothing else holds it then.
        self._by_thread: dict[int, tuple] = {}
        self._previous: Generation | None = None
        self._segments = SegmentCache()
        self._recheck_at = 0.0  # when the generation open is next verified again
        self._finalizer = weakref.finalize(self, _close_all, self._by_thread, self._lock)

    def generation(self) -> Generation:
        """The live generation, reopened if CURRENT changed; raises store.NoIndex (and
        store.IndexDamaged). The generation open is verified again every RECHECK_SECONDS
        (cheaply: `indexer.integrity.verify_open`), so a file written to under a running server
        is refused within seconds."""
        stamp = store.pointer_stamp(self.index_dir)
        gen = self._gen
        if gen is not None and stamp == self._stamp and time.monotonic() < self._recheck_at:
            return gen
        with self._lock:
            if self._gen is None or stamp != self._stamp:
                path = store.current_generation(self.index_dir)
                if path is None:
                    raise store.NoIndex(f"no index at {self.index_dir}: run `cli.py rebuild` first")
                if self._gen is None or self._gen.path != path or self.degraded:
                    try:
                        new = Generation(path, self._segments)
                        self.degraded = None
                    except store.IndexDamaged as exc:
                        new = self._fallback(path, exc)
                    self._serve(new)
                self._stamp = stamp
            elif time.monotonic() >= self._recheck_at and not self.degraded:
                try:
                    store.verify_generation(self._gen.path)
                except store.IndexDamaged as exc:
                    self._serve(self._fallback(self._gen.path, exc))
            self._recheck_at = time.monotonic() + RECHECK_SECONDS
            return self._gen

    def _serve(self, new: Generation) -> None:
        """Make `new` the generation searched (called with the lock held)."""
        if new is self._gen:
            return
        retired, self._previous = self._previous, self._gen
        self._gen = new
        if retired is not None:
            self._close_searchers_of(retired)
        self._segments.keep_only(
            [*self._gen.segment_ids, *(self._previous.segment_ids if self._previous else ())])

    def _fallback(self, damaged: Path, exc: store.IndexDamaged) -> Generation:
        """The generation to serve instead of the damaged live one: the one that was live before
        it (named in its build.json), else the newest intact finished one older than it; the
        one already open stands for itself when it is one of those and still on disk (an idle
        server's open generation may be two switches old, and removed since: never served
        then). Raises `exc` when none is. Never a newer one: a rebuild stopped before its
        switch leaves a finished generation that never went live."""
        previous = store.read_json(damaged / store.BUILD_INFO, {}) or {}
        named = previous.get("previous") if isinstance(previous, dict) else None
        candidates = sorted((g for g in self.index_dir.iterdir()
                             if g.name.startswith(store.GEN_PREFIX) and g.name < damaged.name
                             and g.name != named and (g / store.BUILD_INFO).exists()), reverse=True)
        if named and (self.index_dir / named / store.BUILD_INFO).exists():
            candidates.insert(0, self.index_dir / named)  # (whatever its name's order: names
            # of one second, or of two machines' clocks, need not sort by time)
        found = None
        for g in candidates[:store.KEEP_GENERATIONS]:
            if self._gen is not None and self._gen.path == g:
                found = self._gen
                break
            try:
                found = Generation(g, self._segments)
                break
            except store.IndexDamaged:
                continue
        if found is None:
            self.degraded = None
            raise exc
        self.degraded = f"{exc}; serving the previous generation {found.name}"
        _log.warning("%s", self.degraded)  # (the command line says it in its language: cli.py)
        return found

    @property
    def degraded(self) -> str | None:
        return _degraded.get(str(self.index_dir.absolute()))

    @degraded.setter
    def degraded(self, reason: str | None) -> None:
        key = str(self.index_dir.absolute())
        if reason:
            _degraded[key] = reason
        else:
            _degraded.pop(key, None)

    def searcher(self):
        """(generation, this thread's searcher on it)."""
        gen = self.generation()
        me = threading.get_ident()
        held = self._by_thread.get(me)
        if held is None or held[0] is not gen:
            searcher = gen.ix.searcher()
            with self._lock:
                alive = {t.ident for t in threading.enumerate()}
                for tid in [t for t in self._by_thread if t == me or t not in alive]:  # this thread's
                    _let_go(self._by_thread.pop(tid)[1])  # old one, and those of threads gone
                held = self._by_thread[me] = (gen, searcher)
        return held

    def release_thread(self) -> None:
        """Close this thread's searcher and forget it: a thread that will not search again (the
        server's warm-up in its main thread) need hold no generation open."""
        with self._lock:
            held = self._by_thread.pop(threading.get_ident(), None)
            if held is not None:
                _let_go(held[1])

    def open_generations(self) -> set[str]:
        """The names of the generations some thread still has a searcher open on."""
        with self._lock:
            return {gen.name for gen, _ in self._by_thread.values()}

    def _close_searchers_of(self, gen: Generation) -> None:
        """Close the searchers still open on a generation two switches old (called with the lock
        held). A thread that searched on it and has been idle since would otherwise keep its
        files, deleted by the writer, open and their disk space taken."""
        for tid in [t for t, (g, _) in self._by_thread.items() if g is gen]:
            _let_go(self._by_thread.pop(tid)[1])  # an idle thread's reference too: the files go with it

    def close(self) -> None:
        """Close every searcher (and so every index file) opened here; usable again afterwards."""
        _close_all(self._by_thread, self._lock)


def _let_go(searcher) -> None:
    """Close a searcher, and drop the exact-layer segments its readers keep: an idle thread may
    still hold the searcher (its thread-local one, until it searches again), and through it the
    memory-mapped files of a generation the writer has deleted. A search still running on it
    keeps its own references to them; the files are unmapped when the last one goes."""
    if searcher.is_closed:
        return
    forget_exact(searcher)
    searcher.close()


def _close_all(by_thread: dict, lock: threading.Lock) -> None:
    with lock:
        for _gen, searcher in by_thread.values():
            _let_go(searcher)
        by_thread.clear()


_degraded: dict[str, str] = {}  # index folder -> why the generation served there is not the live one


def degraded(index_dir: Path | str) -> str | None:
    """Why this process serves another generation than the live one of `index_dir` (the live
    one is damaged: `LiveIndex`), or None. For health checks."""
    return _degraded.get(str(Path(index_dir).absolute()))
