"""Writing articles into an index generation as they are read, on one core or several.

`GenerationWriter` takes articles one at a time (never a list of all of them) and writes them
as new segments: in this process, or in `procs` forked worker processes that each pull
batches of articles as they are ready. A segment is closed whenever it holds
MAX_SEGMENT_HELD postings and exact-layer pairs, so memory stays bounded however large the
corpus. At `commit`, deletions are applied to the generation's existing segments (an
incremental ingest starts from the live generation's files), Whoosh merges small segments,
and the table of contents names every segment.

The Whoosh-specific parts (segment writer, codec, table of contents) are in
`indexer.segment.segment_writer`.
"""
from __future__ import annotations

import errno
import gc
import multiprocessing
import os
import shutil
import traceback
from collections.abc import Iterable
from contextlib import contextmanager
from multiprocessing.connection import wait
from pathlib import Path
from typing import Protocol

from indexer import space, store
from indexer.article import Article
from indexer.processes import die_with_parent, malloc_trim
from indexer.segment.schema import document_fields
from indexer.segment.segment_writer import FastSegmentWriter, commit_existing

# word postings (6 bytes) + exact (key, article) pairs (~4.5 bytes) held: with the vocabulary,
# offsets and Python's overheads a writer holds ~9 bytes each for news articles (~320 MB over its
# base at this limit), ~12 for a gazette's long volumes, and ~60 MB more while it writes the
# segment. Two writers close their segments half a segment apart (`first_share`), and once
# together they take one and a half ordinary segments' memory the one holding most closes its
# segment (`_most_of_too_much`), never while the other writes its own.
MAX_SEGMENT_HELD = 36_000_000
SEGMENT_RESIDENT = 420 << 20  # a writer holding a full segment of news articles, resident, its base included
BATCH = 64  # articles handed to a worker at a time
BATCH_CHARS = 1_000_000  # or fewer, once their bodies hold this many characters (a gazette's
# 500,000-character volumes: 64 of them were ~100 MB pickled, and as much again unpickled, in
# the sender and in the worker at once)


_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
_WRITING = 1 << 62  # what a writer "holds" while it writes its segment (see _SegmentBuilder._close)


def segment_writer(ix) -> FastSegmentWriter:
    """A writer for one new segment of `ix` (the caller holds the index's lock)."""
    return FastSegmentWriter(ix, _lk=False)


def _return_freed_memory() -> None:
    """Give the memory of a finished segment back to the system (a long rebuild's writers
    would grow with every segment otherwise)."""
    gc.collect()
    malloc_trim()


class _SegmentBuilder:
    """Adds articles to new segments of `ix`, closing one whenever it holds enough.

    `first_share`: the first segment closes at this share of MAX_SEGMENT_HELD. Workers fed
    alternately fill their segments at the same pace; offset by half a segment, they never
    hold full segments, or write them (their peak), at the same time."""

    def __init__(self, ix, first_share: float = 1.0, shared=None, slot: int = 0) -> None:
        self.ix = ix
        self.segments: list = []
        self._w = None
        self._share = first_share
        # n writers' resident memory, then what each holds (`_most_of_too_much`); None: the only writer
        self._shared, self._slot = shared, slot
        self._measured_at = 0  # what this writer held when it last read its memory

    def add(self, doc: dict, chars: int = 0) -> None:
        """Add one article's fields (`chars`: its body's length, as BatchWorkers takes it)."""
        if self._w is None:
            self._w = segment_writer(self.ix)
        batches = self._w.exact.batches
        self._w.add_document(**doc)
        held = self._w.held
        if held >= MAX_SEGMENT_HELD * self._share or self._shared is not None and self._most_of_too_much(held):
            self._close()
        elif self._w.exact.batches != batches:  # keying a batch freed tens of MB, in pieces
            malloc_trim()

    def _close(self) -> None:
        shared = self._shared
        if shared is not None:  # while it writes, no other writer holds "most" and closes too
            shared[len(shared) // 2 + self._slot] = _WRITING
        self.segments.append(self._w.finish_segment())
        self._w = None
        self._share = 1.0
        self._measured_at = 0
        _return_freed_memory()
        if shared is not None:
            shared[self._slot] = self._resident()
            shared[len(shared) // 2 + self._slot] = 0

    def _most_of_too_much(self, held: int) -> bool:
        """Record this writer's resident memory and what it holds; True when the n writers
        together take (n + 1) / 2 segments' memory (SEGMENT_RESIDENT: n writers closing in turn,
        evenly apart, take at most that) and this one holds the most, at least a quarter of a
        segment, and no other is writing its segment. Writers fed unevenly (long articles in
        some batches) drift together, and would otherwise fill and write their segments at the
        same time; long articles take more memory for what they hold. The memory is read again
        once the writer holds 1/256 of a segment more (a read costs ~15 µs)."""
        shared, n = self._shared, len(self._shared) // 2
        shared[n + self._slot] = held
        if held - self._measured_at >= MAX_SEGMENT_HELD // 256:
            shared[self._slot] = self._resident()
            self._measured_at = held
        return (held >= MAX_SEGMENT_HELD // 4 and sum(shared[:n]) >= SEGMENT_RESIDENT * (n + 1) / 2
                and held >= max(shared[n:]))

    def _resident(self) -> int:
        """This process's resident memory in bytes (where /proc cannot tell: estimated from
        what the segment holds)."""
        try:
            with open("/proc/self/statm", "rb") as f:
                return int(f.read().split()[1]) * _PAGE
        except (OSError, ValueError, IndexError):
            return (60 << 20) + 12 * (self._w.held if self._w is not None else 0)

    def finish(self) -> list:
        if self._w is not None:
            self.segments.append(self._w.finish_segment())
            self._w = None
        return self.segments

    def cancel(self) -> None:
        if self._w is not None:
            self._w.discard_segment()
            self._w = None


def _worker(conn, ix, first_share: float, shared, slot: int) -> None:
    """Worker process: ask for batches, build segments from them, send the segments back
    (`shared`: every worker's resident memory and what it holds, for the others to see)."""
    die_with_parent()
    builder = _SegmentBuilder(ix, first_share, shared, slot)
    try:
        while True:
            conn.send(("ready", None))
            batch = conn.recv()
            if batch is None:
                break
            for doc in batch:
                builder.add(doc)
        conn.send(("ok", builder.finish()))
    except BaseException as exc:  # report any failure to the parent, which cancels the build
        try:
            builder.cancel()
        except Exception:  # noqa: BLE001 - cancelling can fail as the work did (a full disk): the parent removes it all
            pass
        try:
            if space.is_no_space(exc):  # the disk is full: one line, not a traceback
                conn.send(("nospace", f"{exc.strerror}: {exc.filename or ix.storage.folder}"))
            else:
                conn.send(("error", traceback.format_exc()))
        except OSError:
            pass
    finally:
        conn.close()


class BatchWorkers:
    """`procs` forked processes fed batches of items as each asks for more: each runs
    `target(conn, *args(i))`, which sends ("ready", None) for a batch, gets a list or None (no
    more), and ends by sending ("ok", its result), or ("error", a traceback) or ("nospace",
    what filled up). `finish` returns the results; a failure raises, naming `folder` for a
    full disk. Segment writers here, a cluster's document builders elsewhere."""

    def __init__(self, procs: int, target, args, folder, what: str = "building a segment") -> None:
        ctx = multiprocessing.get_context("fork")
        self._folder, self._what = folder, what
        self._workers = []
        for i in range(procs):
            parent_end, child_end = ctx.Pipe(duplex=True)
            p = ctx.Process(target=target, args=(child_end, *args(i)), daemon=True)
            p.start()
            child_end.close()
            self._workers.append((p, parent_end))
        self._ready: list = []
        self._batch: list[dict] = []
        self._chars = 0

    def _next_ready(self):
        while not self._ready:
            conns = [c for _, c in self._workers]
            for conn in wait(conns):
                try:
                    status, payload = conn.recv()
                except EOFError:
                    raise RuntimeError(f"a worker process died ({self._what})") from None
                if status == "nospace":
                    raise space.no_space(OSError(errno.ENOSPC, str(payload)), Path(self._folder))
                if status != "ready":
                    raise RuntimeError(f"{self._what} failed:\n" + str(payload))
                self._ready.append(conn)
        return self._ready.pop()

    def add(self, item, chars: int = 0) -> None:
        """Queue `item` (`chars`: the characters of text it holds) for the next worker ready."""
        self._batch.append(item)
        self._chars += chars
        if len(self._batch) >= BATCH or self._chars >= BATCH_CHARS:
            self._next_ready().send(self._batch)
            self._batch = []
            self._chars = 0

    def finish(self) -> list:
        if self._batch:
            self._next_ready().send(self._batch)
            self._batch = []
        results, errors = [], []
        nospace = None
        finishing = []
        for p, conn in self._workers:  # every worker is told to finish first: they finish at once
            if conn not in self._ready:
                try:
                    status, payload = conn.recv()  # its "ready" for more
                except EOFError:
                    status, payload = "error", f"worker {p.pid} died (exit code {p.exitcode})"
                if status in ("error", "nospace"):
                    if status == "nospace":
                        nospace = payload
                    else:
                        errors.append(payload)
                    continue
            try:
                conn.send(None)
                finishing.append((p, conn))
            except OSError:
                errors.append(f"worker {p.pid} died (exit code {p.exitcode})")
        for p, conn in finishing:
            try:
                status, payload = conn.recv()
            except (EOFError, OSError):
                status, payload = "error", f"worker {p.pid} died (exit code {p.exitcode})"
            if status == "ok":
                results.append(payload)
            elif status == "nospace":
                nospace = payload
            else:
                errors.append(payload)
        self._ready = []
        self.close()
        if nospace is not None:
            raise space.no_space(OSError(errno.ENOSPC, str(nospace)), Path(self._folder))
        if errors:
            raise RuntimeError(f"{self._what} failed:\n" + "\n".join(map(str, errors)))
        return results

    def close(self) -> None:
        for p, conn in self._workers:
            conn.close()
            if p.is_alive():
                p.kill()
            p.join()
        self._workers = []


class GenerationWriter:
    """Streams articles into the index `ix` of a new generation; see the module docstring."""

    def __init__(self, ix, procs: int = 1) -> None:
        self.ix = ix
        self.count = 0
        self._lock = ix.lock("WRITELOCK")
        if not self._lock.acquire():
            raise RuntimeError("the new generation is locked by another writer")
        if procs > 1:  # each worker's resident memory and what it holds, in memory they share
            shared = multiprocessing.get_context("fork").Array("q", 2 * procs, lock=False)
            self._out = BatchWorkers(procs, _worker, lambda i: (ix, (i + 1) / procs, shared, i), ix.storage.folder)
        else:
            self._out = _SegmentBuilder(ix)
        self._done = False

    def add(self, doc: dict) -> None:
        self._out.add(doc, len(doc["body"]))
        self.count += 1

    def commit(self, deletions: Iterable[str] = ()) -> None:
        """Delete the articles with these ids from the existing segments, add the new
        segments, and write the table of contents."""
        self._done = True
        try:
            if isinstance(self._out, BatchWorkers):
                segments = [s for part in self._out.finish() for s in part]
            else:
                segments = self._out.finish()
            commit_existing(self.ix, segments, deletions)
        except BaseException:
            self._discard()  # the segment being written keeps files open otherwise
            raise
        finally:
            self._lock.release()

    def cancel(self) -> None:
        if self._done:
            return
        self._done = True
        try:
            self._discard()
        finally:
            self._lock.release()

    def _discard(self) -> None:
        try:
            if isinstance(self._out, BatchWorkers):
                self._out.close()
            else:
                self._out.cancel()
        except OSError:  # a full disk fails the cleanup of a segment too: the generation goes anyway
            pass


def write_all(ix, docs: Iterable[dict], procs: int = 1) -> None:
    """Write `docs` into the index `ix` in one go (tests and benchmarks)."""
    w = GenerationWriter(ix, procs)
    try:
        for doc in docs:
            w.add(doc)
    except BaseException:
        w.cancel()
        raise
    w.commit()


class ArticleSink(Protocol):
    """Where an ingest's reading puts the articles it admits (`indexer.ingest.run`): a new
    generation of the embedded index (`NewGeneration`), or a cluster's loader."""

    @property
    def count(self) -> int: ...
    def start(self) -> None: ...
    def add(self, article: Article) -> None: ...
    def commit(self) -> object: ...
    def cancel(self) -> None: ...


class HeldArticles:
    """An `ArticleSink` that keeps the articles in memory, in order: for a batch that is
    small by nature (a cluster's nightly ingest), never a whole archive."""

    def __init__(self) -> None:
        self.articles: list[Article] = []

    @property
    def count(self) -> int:
        return len(self.articles)

    def start(self) -> None:
        pass

    def add(self, article: Article) -> None:
        self.articles.append(article)

    def commit(self) -> None:
        pass

    def cancel(self) -> None:
        pass


class NewGeneration:
    """The generation an ingest writes: created (empty for a rebuild, else hard-linked from
    `base`) by `start`, or when the first article arrives, or at `commit` when none did."""

    def __init__(self, index_dir: Path, base: Path | None, procs: int) -> None:
        self.index_dir, self.base, self.procs = index_dir, base, procs
        self.path: Path | None = None
        self._writer: GenerationWriter | None = None

    @property
    def count(self) -> int:
        return self._writer.count if self._writer else 0

    def start(self) -> None:
        """Create the generation and fork its segment writers now, before the caller starts any
        reading pool or thread: forking a process whose threads are alive can deadlock the child
        (a lock held by a thread that does not exist there), which Python 3.12 warns about."""
        with self._full_disk_named():
            if self._writer is None:
                self._start()

    def _start(self) -> GenerationWriter:
        self.path, ix = store.new_generation(self.index_dir, self.base)
        self._writer = GenerationWriter(ix, self.procs)
        return self._writer

    @contextmanager
    def _full_disk_named(self):
        """A full disk while writing becomes store's one-line error naming where it happened."""
        try:
            yield
        except OSError as exc:
            if space.is_no_space(exc):
                raise space.no_space(exc, self.path or self.index_dir) from exc
            raise

    def add(self, article: Article) -> None:
        with self._full_disk_named():
            (self._writer or self._start()).add(document_fields(article))

    def commit(self, deletions: Iterable[str] = ()) -> Path:
        """Finish writing; returns the generation's directory (not yet live)."""
        with self._full_disk_named():
            (self._writer or self._start()).commit(deletions)
        assert self.path is not None
        return self.path

    def cancel(self) -> None:
        """Stop the workers and remove the generation's directory."""
        try:
            if self._writer is not None:
                self._writer.cancel()
        finally:
            if self.path is not None:
                store.release_generation(self.path)
                shutil.rmtree(self.path, ignore_errors=True)
