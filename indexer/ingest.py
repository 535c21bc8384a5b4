"""Ingest and rebuild: files and folders in, a new live index generation out.

`run_ingest` works in four steps:

1. *Which sources*: the paths given (each becomes a recorded source of the index, with the
   options it is read with: `indexer.sources`), or for a rebuild without paths every recorded
   source, each with its own options. A recorded source missing as a whole stops a rebuild
   (`SourceMissing`) unless `drop_missing` says to forget it.
2. *Read*: walk the sources, read and extract each file (in worker processes for large runs);
   an incremental ingest skips files whose content hash and options are unchanged.
3. *Catalogue*: decide which articles are stored and under which id (`indexer.catalogue`: ids
   are identity, so identical content under two ids is two articles, counted as kept reposts
   and collapsed at search time; an id repeated within one source is reported; colliding ids
   from another source prefixed), and count what was added, updated, unchanged
   and removed against the live generation, so the counts always add up to what it holds.
4. *Write*: a new generation (see `indexer.store`), from scratch for a rebuild or from hard
   links to the live one for an ingest, with its manifest, sources and build report; then the
   atomic switch. An ingest that changes nothing writes no generation.

Bad files are reported with their path (relative to the path given) and reason and never stop
the run; `NothingToIngest` is raised, and the live index kept, when no article could be read.
"""
from __future__ import annotations

import errno
import hashlib
import multiprocessing
import os
import stat
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from indexer import paths as paths_mod
from indexer import processes, store, stories
from indexer.article import Skipped
from indexer.catalogue import Catalogue
from indexer.extract import SUPPORTED_SUFFIXES, extract_file
from indexer.extract.encoding import decode
from indexer.extract.records import extract_records
from indexer.segment.schema import document_fields
from indexer.sources import ReadOptions, Source, read_sources, write_sources
from indexer.writer import NewGeneration

JSON_SUFFIXES = frozenset({".json", ".jsonl"})
DEFAULT_MAX_PAGE_MB = ReadOptions.max_page_mb
DEFAULT_MAX_DATA_MB = ReadOptions.max_data_mb
DEFAULT_MAX_BODY_CHARS = ReadOptions.max_body_chars
PARALLEL_MIN_FILES = 64  # below this (and PARALLEL_MIN_BYTES), worker processes cost more than they save
PARALLEL_MIN_BYTES = 16 * 1024 * 1024


class NothingToIngest(RuntimeError):
    """No article could be read from the given paths; the live index is left as it was."""

    def __init__(self, message: str, skipped: list[Skipped]) -> None:
        super().__init__(message)
        self.skipped = skipped


class SourceMissing(RuntimeError):
    """A recorded source is gone as a whole (unmounted, moved); the live index is left as it was."""

    def __init__(self, missing: list[str]) -> None:
        super().__init__(
            "recorded source" + ("s" if len(missing) > 1 else "") + " missing: " + ", ".join(missing)
            + "; the live index is kept. Mount or restore it, or run `rebuild --drop-missing` to forget it")
        self.missing = missing


class UnknownSources(RuntimeError):
    """A rebuild without paths of an index that does not record where its articles came from."""


@dataclass
class SourceFile:
    path: Path  # as found (absolute)
    relpath: str  # relative to the folder given, POSIX separators: the article id of pages
    root: str = ""  # the source (path given) it was found under, absolute

    @property
    def key(self) -> str:
        return str(self.path)


@dataclass
class IngestOptions:
    source_name: str | None = None
    field_map: dict[str, str] | None = None
    max_page_mb: float = DEFAULT_MAX_PAGE_MB
    max_data_mb: float = DEFAULT_MAX_DATA_MB
    max_body_chars: int = DEFAULT_MAX_BODY_CHARS
    prune: bool = False
    drop_missing: bool = False  # rebuild without paths: forget recorded sources that are gone
    procs: int | None = None  # None: decide from the amount of work

    def read_options(self) -> ReadOptions:
        return ReadOptions(source_name=self.source_name, field_map=dict(self.field_map) if self.field_map else None,
                           max_page_mb=self.max_page_mb, max_data_mb=self.max_data_mb,
                           max_body_chars=self.max_body_chars)

    def fingerprint(self) -> str:
        """Options that change what a file yields; a changed fingerprint re-reads every file."""
        return self.read_options().fingerprint()


@dataclass
class Removed:
    """An article that was in the index before the run and is not after it."""

    id: str
    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.id} ({self.path}): {self.reason}"


@dataclass
class IngestReport:
    mode: str
    generation: str = ""
    changed: bool = True  # False: nothing changed, the live generation stays as it was
    files: int = 0  # files found (read or skipped)
    files_skipped: int = 0  # files (and paths given) that gave no article
    records_skipped: int = 0  # bad records in JSON and JSON Lines files
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    reposts: int = 0  # articles stored whose title and text equal an earlier article's
    skipped: list[Skipped] = field(default_factory=list)
    cut: list[Skipped] = field(default_factory=list)  # articles whose body was longer than the bound
    duplicates: list[Skipped] = field(default_factory=list)
    renamed: list[Skipped] = field(default_factory=list)
    removed_articles: list[Removed] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)  # the sources read in this run
    dropped_sources: list[str] = field(default_factory=list)
    articles: int = 0  # in the index after the run
    previous_articles: int = 0  # in the index before it
    started: float = 0.0
    seconds: float = 0.0

    def summary(self) -> str:
        records = (f", {self.records_skipped} bad record{'s' if self.records_skipped != 1 else ''}"
                   if self.records_skipped else "")
        renamed = f", {len(self.renamed)} renamed" if self.renamed else ""
        renamed += f", {self.reposts} kept as reposts" if self.reposts else ""
        head = (f"{self.mode}: {self.articles} articles in {self.generation}" if self.changed else
                f"{self.mode}: nothing changed, {self.articles} articles in {self.generation} stay live")
        return (f"{head} ({self.added} added, {self.updated} updated, {self.unchanged} unchanged, "
                f"{self.removed} removed, {len(self.duplicates)} duplicates{renamed}) "
                f"from {self.files} file{'s' if self.files != 1 else ''}, {self.files_skipped} skipped{records} "
                f"in {self.seconds:.1f}s")

    def to_dict(self) -> dict:
        return {
            "mode": self.mode, "generation": self.generation, "changed": self.changed, "files": self.files,
            "files_skipped": self.files_skipped, "records_skipped": self.records_skipped,
            "added": self.added, "updated": self.updated, "unchanged": self.unchanged,
            "removed": self.removed, "reposts": self.reposts, "articles": self.articles, "previous_articles": self.previous_articles,
            "duplicates": [str(s) for s in self.duplicates],
            "renamed": [{"path": s.path, "reason": s.reason} for s in self.renamed],
            "removed_articles": [{"id": r.id, "path": r.path, "reason": r.reason} for r in self.removed_articles],
            "skipped": [{"path": s.path, "reason": s.reason, **({"source": s.source} if getattr(s, "source", "") else {})}
                        for s in self.skipped],
            "cut": [{"path": s.path, "reason": s.reason} for s in self.cut],
            "sources": self.sources, "dropped_sources": self.dropped_sources,
            "started": self.started, "seconds": round(self.seconds, 3),
        }


@dataclass
class Cut(Skipped):
    """Not a skip: an article kept, whose body was cut to the bound (`--max-body-chars`)."""


def _bounded(items: list, limit: int) -> list:
    """The items with every article's body cut to `limit` characters (at a line end where one is
    near), each cut followed by a Cut naming it. Runs where the articles are extracted, so a
    record of 70 million characters never travels to the writers whole: memory and the article
    page stay bounded by the limit, not by the largest record."""
    out = []
    for item in items:
        out.append(item)
        if isinstance(item, Skipped) or len(item.body) <= limit:
            continue
        full = len(item.body)
        end = item.body.rfind("\n", limit - limit // 10, limit)
        item.body = item.body[:end if end > 0 else limit]
        out.append(Cut(item.id, f"body of {full:,} characters indexed and shown up to {len(item.body):,} "
                                f"(raise it with --max-body-chars)"))
    return out


@dataclass
class SkippedFile(Skipped):
    """A Skipped that also names the source (path given) it was found under."""

    source: str = ""


# ------------------------------------------------------------------------------ walking


def iter_source_files(paths: Iterable[Path | str]) -> Iterator[SourceFile | Skipped]:
    """Every article file under `paths` (recursively, following symlinks but never looping).

    Paths in SourceFile and Skipped are relative to the path given (a path given that cannot be
    read is named as given); a file reached twice (through two paths given) is yielded once."""
    seen_dirs: set[tuple[int, int]] = set()
    seen_files: set[str] = set()
    for given in paths:
        p = Path(os.path.normpath(Path(given).absolute()))
        root = str(p)
        try:
            st = p.stat()
        except OSError as exc:
            yield SkippedFile(str(given), _os_reason(exc), root)  # named as given
            continue
        if stat.S_ISDIR(st.st_mode):
            for item in _walk(p, p, seen_dirs):
                if isinstance(item, SourceFile):
                    if item.key in seen_files:
                        continue
                    seen_files.add(item.key)
                yield item
        elif p.suffix.lower() in SUPPORTED_SUFFIXES:
            if root not in seen_files:
                seen_files.add(root)
                yield SourceFile(p, p.name, root)
        else:
            yield SkippedFile(str(given), f"not an article file (supported: {', '.join(sorted(SUPPORTED_SUFFIXES))})",
                              root)


def _walk(root: Path, folder: Path, seen: set[tuple[int, int]]) -> Iterator[SourceFile | Skipped]:
    rel = folder.relative_to(root).as_posix()
    try:
        st = folder.stat()
    except OSError as exc:
        yield SkippedFile(rel, _os_reason(exc), str(root))
        return
    if (st.st_dev, st.st_ino) in seen:
        yield SkippedFile(rel, "symlink loop: this folder was already read", str(root))
        return
    seen.add((st.st_dev, st.st_ino))
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as exc:
        yield SkippedFile(rel, _os_reason(exc), str(root))
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        path = Path(entry.path)
        relpath = path.relative_to(root).as_posix()
        try:
            is_dir = entry.is_dir()  # follows symlinks
        except OSError as exc:
            yield SkippedFile(relpath, _os_reason(exc), str(root))
            continue
        if is_dir:
            yield from _walk(root, path, seen)
        elif path.suffix.lower() in SUPPORTED_SUFFIXES:
            if entry.is_symlink() and not path.exists():
                yield SkippedFile(relpath, "broken symlink", str(root))
                continue
            yield SourceFile(path, relpath, str(root))


def _os_reason(exc: OSError) -> str:
    if isinstance(exc, PermissionError):
        return "cannot read: permission denied"
    if isinstance(exc, FileNotFoundError):
        return "no such file or folder"
    if exc.errno == errno.ELOOP:
        return "symlink loop"
    return f"cannot read: {exc.strerror or exc}"


def read_source(path: Path, relpath: str, limit_mb: float, flag: str = "--max-file-mb") -> bytes | Skipped:
    """The bytes of a regular file of at most `limit_mb`; anything else is Skipped with a reason
    (naming `flag`, the option that raises the limit).

    FIFOs and devices are refused (reading them could block forever or never end), and at most
    one byte past the limit is ever read, whatever size the file claims.
    """
    limit = int(limit_mb * 1024 * 1024)
    too_big = f"over the {limit_mb:g} MB limit (raise it with {flag})"
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as exc:
        return Skipped(relpath, _os_reason(exc))
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            return Skipped(relpath, "not a regular file (a device, FIFO or socket)")
        if st.st_size > limit:
            return Skipped(relpath, f"file is {st.st_size / 1048576:.1f} MB, {too_big}")
        with os.fdopen(fd, "rb", closefd=False) as f:
            data = f.read(limit + 1)
        if len(data) > limit:
            return Skipped(relpath, f"file grew while read, {too_big}")
        return data
    except OSError as exc:
        return Skipped(relpath, _os_reason(exc))
    finally:
        os.close(fd)


# ---------------------------------------------------------------------------- extracting

_UNCHANGED = "unchanged"


def _read_and_extract(job: tuple) -> tuple[str | None, str | Skipped | list]:
    """Read one file, hash it, and extract it unless its hash is the one already indexed.

    Runs in worker processes for large runs, so it takes and returns plain picklable values.
    """
    path, relpath, previous_hash, limit_mb, flag, field_map, max_body = job
    data = read_source(path, relpath, limit_mb, flag)
    if isinstance(data, Skipped):
        return None, data
    digest = hashlib.blake2b(data, digest_size=16).hexdigest()
    if digest == previous_hash:
        return digest, _UNCHANGED
    try:
        return digest, _bounded(extract_file(data, relpath, field_map=field_map), max_body)
    except Exception as exc:  # a bug on one odd file must not stop the run: report it
        return digest, Skipped(relpath, f"could not be read: {type(exc).__name__}: {exc}")


def _job(sf: SourceFile, opts: ReadOptions, previous_hash: str | None) -> tuple:
    if sf.path.suffix.lower() in JSON_SUFFIXES:
        limit, flag = opts.max_data_mb, "--max-data-mb"
    else:
        limit, flag = opts.max_page_mb, "--max-file-mb"
    return sf.path, sf.relpath, previous_hash, limit, flag, opts.field_map, opts.max_body_chars


# ------------------------------------------------------------ large JSON Lines files in parts

PART_BYTES = 4 * 1024 * 1024  # a JSON Lines file over twice this is read in parts of about this size
_WIDE_BOMS = (b"\xff\xfe", b"\xfe\xff")  # UTF-16/32: a `\n` byte is not a line end there


@dataclass
class _Parts:
    """A large JSON Lines file cut at line ends into byte ranges that workers read and extract
    on their own: (start, end, first line number, first record number) each."""

    digest: str
    ranges: list[tuple[int, int, int, int]]


def _in_parts(path: Path, relpath: str, limit_mb: float, flag: str) -> _Parts | Skipped | None:
    """The parts of a JSON Lines file large enough to be read in parallel (None: read it whole).

    One pass over the file, PART_BYTES at a time: its content hash (the same as a whole read's,
    so an unchanged file is recognised either way), and for each part its first line and
    record number (records are the lines that are not blank, as `extract_records` counts them)."""
    try:
        size = path.stat().st_size
    except OSError:
        return None  # read_source reports it
    if path.suffix.lower() != ".jsonl" or size <= 2 * PART_BYTES or size > limit_mb * 1024 * 1024:
        return None
    h = hashlib.blake2b(digest_size=16)
    ranges: list[tuple[int, int, int, int]] = []
    try:
        with open(path, "rb") as f:
            if f.read(4).startswith(_WIDE_BOMS):
                return None
            f.seek(0)
            start, line, record, carry = 0, 1, 1, b""
            while True:
                block = f.read(PART_BYTES)
                h.update(block)
                data = carry + block
                if not data:
                    break
                cut = data.rfind(b"\n") + 1 if block else len(data)
                if cut == 0:  # one line longer than a part: keep reading
                    carry = data
                    continue
                piece, carry = data[:cut], data[cut:]
                if piece:
                    ranges.append((start, start + len(piece), line, record))
                    lines = piece.split(b"\n")
                    if piece.endswith(b"\n"):
                        lines.pop()
                    line += piece.count(b"\n")
                    record += sum(1 for x in lines if x.strip())
                    start += len(piece)
                if not block:
                    break
    except OSError as exc:
        return Skipped(relpath, _os_reason(exc))
    if start > limit_mb * 1024 * 1024:
        return Skipped(relpath, f"file grew while read, over the {limit_mb:g} MB limit (raise it with {flag})")
    return _Parts(h.hexdigest(), ranges)


def _extract_part(job: tuple) -> list:
    """Read and extract one part of a large JSON Lines file (in a worker process)."""
    path, relpath, (start, end, first_line, first_record), field_map, max_body = job
    try:
        with open(path, "rb") as f:
            data = os.pread(f.fileno(), end - start, start)
    except OSError as exc:
        return [Skipped(f"{relpath}:{first_line}", _os_reason(exc))]
    text = decode(data)
    if text is None:
        last = first_line + data.count(b"\n") - (1 if data.endswith(b"\n") else 0)
        return [Skipped(f"{relpath}:{first_line}-{last}", "not text (binary or undecodable bytes)")]
    del data  # a part that is one huge record: hold its text once, not its bytes too
    try:
        if "\x00" in text:
            text = text.replace("\x00", "")
        return _bounded(extract_records(text, relpath, json_array=False, field_map=field_map,
                                        first_line=first_line, first_record=first_record), max_body)
    except Exception as exc:  # a bug on one odd record must not stop the run: report it
        return [Skipped(f"{relpath}:{first_line}", f"could not be read: {type(exc).__name__}: {exc}")]


def _worth_parallel(files: list[SourceFile]) -> bool:
    """Many files, or much text however few files hold it (one export per source)."""
    if len(files) >= PARALLEL_MIN_FILES:
        return True
    total = 0
    for sf in files:
        try:
            total += sf.path.stat().st_size
        except OSError:
            continue
        if total >= PARALLEL_MIN_BYTES:
            return True
    return False


def _plan(sf: SourceFile, job: tuple) -> tuple:
    """What reading one file takes: ("whole", job), ("parts", digest, [part jobs]) or a result
    known without a worker: ("done", digest, unchanged | Skipped)."""
    path, relpath, previous_hash, limit, flag, field_map, max_body = job
    parts = _in_parts(path, relpath, limit, flag)
    if parts is None:
        return ("whole", job)
    if isinstance(parts, Skipped):
        return ("done", None, parts)
    if parts.digest == previous_hash:
        return ("done", parts.digest, _UNCHANGED)
    return ("parts", parts.digest, [(path, relpath, r, field_map, max_body) for r in parts.ranges])


def _extracted(files: list[SourceFile], jobs: list[tuple], procs: int):
    """(SourceFile, digest, unchanged | Skipped | items) for each file, in order.

    Files are read and extracted in `procs` worker processes, a large JSON Lines file in parts
    spread over all of them, so one export of 100,000 records is read on every core like a
    folder of many small files. Only a few jobs are in flight ahead of the writer (Pool.imap
    would read everything while the slower indexing runs, holding all the articles here), and a
    large file's articles arrive part by part: memory does not grow with the largest file."""
    if procs <= 1:
        for sf, job in zip(files, jobs):
            plan = _plan(sf, job)
            if plan[0] == "whole":
                yield (sf, *_read_and_extract(job))
            elif plan[0] == "done":
                yield (sf, plan[1], plan[2])
            else:
                yield (sf, plan[1], (item for part in plan[2] for item in _extract_part(part)))
        return
    with multiprocessing.get_context("fork").Pool(procs, initializer=processes.die_with_parent) as pool:
        window = 2 * procs
        pending: deque = deque()  # (kind, async result) in the order they are to be handed out

        def submit():
            for sf, job in zip(files, jobs):
                plan = _plan(sf, job)
                if plan[0] == "whole":
                    yield sf, "whole", pool.apply_async(_read_and_extract, (job,)), None
                elif plan[0] == "done":
                    yield sf, "done", plan, None
                else:
                    for k, part in enumerate(plan[2]):
                        yield sf, "part", pool.apply_async(_extract_part, (part,)), (plan[1], k, len(plan[2]))

        def results():
            """(sf, kind, value, part info) in order, at most `window` jobs ahead."""
            for item in submit():
                pending.append(item)
                while len(pending) > window:
                    yield _resolve(pending.popleft())
            while pending:
                yield _resolve(pending.popleft())

        stream = results()
        for sf, kind, value, info in stream:
            if kind == "whole":
                yield (sf, *value)
            elif kind == "done":
                yield (sf, value[1], value[2])
            else:
                digest, k, n = info
                parts = _PartItems(value, stream, n - 1)
                yield (sf, digest, parts)
                if not parts.done:
                    raise RuntimeError("a file's items must be consumed before the next file is asked for")


def _resolve(item: tuple) -> tuple:
    sf, kind, value, info = item
    return (sf, kind, value.get() if kind in ("whole", "part") else value, info)


class _PartItems:
    """The items of a file read in parts: the first part's, then the next `more` parts' taken
    from `stream`, which they share with the files after it: iterate it to the end before
    asking for the next file."""

    def __init__(self, first: list, stream, more: int) -> None:
        self._first, self._stream, self._more = first, stream, more
        self.done = False

    def __iter__(self):
        yield from self._first
        self._first = []
        while self._more:
            self._more -= 1
            _, kind, items, _info = next(self._stream)
            assert kind == "part"
            yield from items
        self.done = True


# ----------------------------------------------------------------------------- sources


def _same_path(a: str, b: str) -> bool:
    return os.path.normpath(a) == os.path.normpath(b)


def _plan_sources(live: Path | None, paths: list[Path | str] | None, rebuild: bool,
                  opts: IngestOptions) -> tuple[list[Source], list[Source], bool]:
    """(sources to read now, the index's recorded sources after the run, whether the sources
    read now are recorded ones, to be checked for being missing)."""
    recorded = read_sources(live) or []
    if paths:
        now: list[Source] = []
        for p in paths:  # one record per path, however it was spelled
            s = Source(os.path.normpath(Path(p).absolute()), opts.read_options())
            if not any(_same_path(s.path, o.path) for o in now):
                now.append(s)
        if rebuild:
            return now, now, False
        # a path read again keeps its place: the order decides which source keeps a contested id
        merged = [next((s for s in now if _same_path(s.path, o.path)), o) for o in recorded]
        merged += [s for s in now if not any(_same_path(s.path, o.path) for o in recorded)]
        return now, merged, False
    if not rebuild:
        raise ValueError("ingest needs at least one path")
    if recorded:
        return recorded, recorded, True
    demo = [Source(os.path.normpath(paths_mod.default_articles_dir().absolute()), ReadOptions())]
    old_files = store.read_json(live / store.MANIFEST, {}).get("files", {}) if live else {}
    if any(not _same_path(os.path.commonpath([k, demo[0].path]), demo[0].path) for k in old_files):
        # an index built before sources were recorded, from other paths: do not guess them
        raise UnknownSources("this index was built before its sources were recorded, not from "
                             f"{demo[0].path}; run `rebuild PATH...` once with its article folders")
    return demo, demo, False  # a new index (or an old one built from the demo folder)


def _missing_sources(sources: list[Source], found: dict[str, int]) -> list[Source]:
    """Recorded sources gone as a whole: the path is not there, or a folder that gave articles
    before holds no article file now (an unmounted disk leaves an empty mount point)."""
    missing = []
    for s in sources:
        if not os.path.exists(s.path):
            missing.append(s)
        elif os.path.isdir(s.path) and not found.get(s.path) and s.articles > 0:
            missing.append(s)
    return missing


# ----------------------------------------------------------------------------- ingesting


def run_ingest(index_dir: Path, paths: list[Path | str] | None, *, rebuild: bool = False,
               options: IngestOptions | None = None,
               progress: Callable[[int, int], None] | None = None,
               status: Callable[[str], None] | None = None) -> IngestReport:
    """Read `paths` (for a rebuild, None or []: the recorded sources) into a new live generation.

    Raises store.IndexBusy, NothingToIngest or SourceMissing; in each case the live index is
    left as it was. `progress(done, total)` follows the reading of files; `status(message)`
    names the later phases (writing the index), which have no per-file steps.
    """
    opts = options or IngestOptions()
    report = IngestReport(mode="rebuild" if rebuild else "ingest", started=time.time())
    t0 = time.monotonic()
    index_dir = Path(index_dir)
    with store.WriteLock(index_dir):
        store.remove_stale_generations(index_dir)
        live_before = store.current_generation(index_dir)
        old_manifest = store.read_json(live_before / store.MANIFEST, {}) if live_before else {}
        old = Catalogue(old_manifest.get("files", {}), old_manifest.get("options"))
        before_ids = old.ids()
        report.previous_articles = len(before_ids)

        # 1. which sources
        reading, recorded_after, check_missing = _plan_sources(live_before, paths, rebuild, opts)
        by_root = {s.path: s for s in reading}
        files: list[SourceFile] = []
        found: dict[str, int] = {}
        for item in iter_source_files(list(paths) if paths else [s.path for s in reading]):
            if isinstance(item, Skipped):
                report.skipped.append(item)
            else:
                files.append(item)
                found[item.root] = found.get(item.root, 0) + 1
        if check_missing:
            missing = _missing_sources(reading, found)
            if missing and not opts.drop_missing:
                raise SourceMissing([s.path for s in missing])
            gone = {s.path for s in missing}
            report.dropped_sources = [s.path for s in missing]
            reading = [s for s in reading if s.path not in gone]
            recorded_after = [s for s in recorded_after if s.path not in gone]
            report.skipped = [s for s in report.skipped if getattr(s, "source", "") not in gone]
        report.files_skipped = len(report.skipped)
        # a path given that is not there is reported as skipped, and not recorded
        absent = {s.path for s in reading if not os.path.exists(s.path)}
        recorded_after = [s for s in recorded_after if s.path not in absent]
        report.sources = [s.path for s in reading if s.path not in absent]
        report.files = len(files) + report.files_skipped
        if not files:
            raise NothingToIngest("no article files found in the given paths; the live index is kept",
                                  report.skipped)
        store.check_space(index_dir, live_before, files, rebuild)  # refuse what cannot fit (NotEnoughSpace)
        procs = opts.procs or (min(2, os.cpu_count() or 1) if _worth_parallel(files) else 1)

        # 2. read
        catalogue = Catalogue({} if rebuild else old_manifest.get("files", {}), old_manifest.get("options"))
        jobs = []
        for sf in files:
            ro = by_root[sf.root].options
            prev = old.files.get(sf.key)
            same = not rebuild and prev is not None and prev.get("opts") == ro.fingerprint()
            jobs.append(_job(sf, ro, prev["hash"] if same else None))

        # 3. catalogue
        deletions: list[str] = []
        # articles stream into the new generation as they are read (created with the first one)
        out = NewGeneration(index_dir, None if rebuild else live_before, procs)
        try:
            if procs > 1:  # the writers are forked before the reading pool and its threads exist
                out.start()
            unchanged_ids: set[str] = set()  # read again, and found as they were
            updated_ids: set[str] = set()  # read again, from a changed file (or with changed options)
            readable = False
            for n, (sf, digest, result) in enumerate(_extracted(files, jobs, procs), 1):
                if progress:
                    progress(n, len(files))
                if isinstance(result, Skipped):
                    report.skipped.append(SkippedFile(result.path, result.reason, sf.root))
                    report.files_skipped += 1
                    continue
                if result == _UNCHANGED:
                    readable = True
                    unchanged_ids.update(catalogue.ids_of(sf.key))
                    continue
                source = by_root[sf.root]
                deletions += catalogue.drop(sf.key)
                catalogue.start_file(sf.key, digest, source.options.fingerprint(), source.path)
                prev = old.files.get(sf.key)
                same_file = prev is not None and prev.get("hash") == digest and prev.get("opts") == source.options.fingerprint()
                articles = bad_records = 0
                for item in result:  # streamed: a large file's articles are never all held at once
                    if isinstance(item, Cut):
                        report.cut.append(Cut(f"{sf.relpath} ({item.path})", item.reason))
                        continue
                    if isinstance(item, Skipped):
                        report.skipped.append(SkippedFile(item.path, item.reason, sf.root))
                        bad_records += item.path != sf.relpath  # a record, not the file as a whole
                        continue
                    articles += 1
                    if not item.source and source.options.source_name:
                        item.source = source.options.source_name
                    stored, note = catalogue.admit(sf.key, source.name, item)
                    if not stored:
                        report.duplicates.append(Skipped(sf.relpath, note or "duplicate"))
                        continue
                    if note:
                        report.renamed.append(Skipped(sf.relpath, note))
                    if catalogue.repost_of(item.id):
                        report.reposts += 1
                    if item.id in before_ids:
                        (unchanged_ids if same_file else updated_ids).add(item.id)
                    out.add(document_fields(item))
                report.records_skipped += bad_records
                if not articles:  # the file gave nothing: one skipped file (with its bad records listed)
                    report.files_skipped += 1
                    del catalogue.files[sf.key]
                    continue
                readable = True
            if opts.prune and not rebuild:
                for key in [k for k in catalogue.files if not os.path.exists(k)]:
                    deletions += catalogue.drop(key)
            if not readable:
                raise NothingToIngest("no article could be read; the live index is kept", report.skipped)

            # the counts, against what the live generation held
            after_ids = catalogue.ids()
            report.articles = len(after_ids)
            report.added = len(after_ids - before_ids)
            report.unchanged = len(unchanged_ids & after_ids)
            report.updated = len(updated_ids & after_ids)  # articles of files not read now are neither
            gone_ids = before_ids - after_ids
            report.removed = len(gone_ids)
            report.removed_articles = _why_removed(gone_ids, old, catalogue, report, rebuild)
            now = time.time()
            for s in recorded_after:
                if s.path in report.sources:
                    s.last_read = now
            counts = catalogue.per_source()
            for s in recorded_after:
                s.articles = counts.get(s.path, 0)

            if not rebuild and not out.count and not deletions:
                # nothing changed: the live generation stays; only its record of sources is refreshed
                out.cancel()  # the writers started for a large read, and their empty generation
                report.changed = False
                report.generation = live_before.name if live_before else ""
                report.seconds = time.monotonic() - t0
                if live_before is not None:
                    write_sources(live_before, recorded_after)
                return report
        except BaseException:  # nothing goes live: the half-written generation goes
            out.cancel()
            raise

        # 4. write the generation
        if status:
            status(f"writing the index of {out.count} articles into a new generation")
        try:
            gen = out.commit(deletions)
            held = store.open_generation(gen).doc_count()
            if held != report.articles:
                raise RuntimeError(f"the new generation holds {held} articles, the catalogue {report.articles}")
            if status:
                status("finding near-duplicate reposts")
            _cluster_generation(gen)
            report.generation = gen.name
            report.seconds = time.monotonic() - t0
            store.write_json(gen / store.MANIFEST, catalogue.to_manifest())
            write_sources(gen, recorded_after)
            store.write_json(gen / store.BUILD_INFO, {**report.to_dict(), "finished": time.time(),
                                                      "previous": live_before.name if live_before else None})
        except BaseException:
            out.cancel()
            raise
        store.switch_to(index_dir, gen)
        store.remove_stale_generations(index_dir)
    return report


def _why_removed(gone: set[str], old: Catalogue, new: Catalogue, report: IngestReport, rebuild: bool) -> list[Removed]:
    """Each article that left the index, with the file it came from and why."""
    dropped = set(report.dropped_sources)
    skipped = {(getattr(s, "source", ""), s.path.split(":", 1)[0]): s.reason for s in report.skipped}
    out = []
    for aid in sorted(gone):
        key = old.id_owner.get(aid, "")
        rec = old.files.get(key, {})
        root = rec.get("source") or ""
        rel = os.path.relpath(key, root) if root and key.startswith(root.rstrip("/") + "/") else key
        if root in dropped:
            reason = "its source was forgotten (--drop-missing)"
        elif not os.path.exists(key):
            reason = "its file is gone"
        elif key not in new.files and (root, rel) in skipped:
            reason = f"its file was skipped: {skipped[(root, rel)]}"
        elif rebuild and root and root not in report.sources:
            reason = "its source is no longer read (rebuild with other paths)"
        else:
            reason = "no longer in its file"
        out.append(Removed(aid, rel, reason))
    return out


def _cluster_generation(generation: Path) -> None:
    """Detect the stories of a written generation (`indexer.stories`) and store them beside it."""
    ix = store.open_generation(generation)
    with ix.searcher() as searcher:
        ids = stories.cluster_index(searcher, cache_dir=generation)
    stories.write_clusters(generation, ids)
