"""Ingest and rebuild: files and folders in, a new live index generation out.

`run_ingest` walks the given paths, extracts articles from each readable file, and writes a
new generation (see `indexer.store`): from scratch for a rebuild, or from the live one for an
incremental ingest, where files whose content hash is unchanged are skipped, changed files
replace their articles, and (with `prune`) articles whose files are gone are dropped. Bad files
are reported with their reason and never stop the run; the same article twice (same id or
same URL) is stored once and reported.
"""
from __future__ import annotations

import hashlib
import multiprocessing
import os
import stat
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from indexer import store
from indexer.article import Article, Skipped
from indexer.extract import SUPPORTED_SUFFIXES, extract_file
from indexer.schema import document_fields
from indexer.writer import NewGeneration

JSON_SUFFIXES = frozenset({".json", ".jsonl"})
DEFAULT_MAX_PAGE_MB = 16.0  # one HTML or text page; larger files are reported, not read
DEFAULT_MAX_DATA_MB = 1024.0  # one JSON / JSON Lines export
PARALLEL_MIN_FILES = 64  # below this, starting worker processes costs more than it saves


class NothingToIngest(RuntimeError):
    """No article could be read from the given paths; the live index is left as it was."""

    def __init__(self, message: str, skipped: list[Skipped]) -> None:
        super().__init__(message)
        self.skipped = skipped


@dataclass
class SourceFile:
    path: Path  # as found (absolute)
    relpath: str  # relative to the folder given, POSIX separators: the article id of pages

    @property
    def key(self) -> str:
        return str(self.path)


@dataclass
class IngestOptions:
    source_name: str | None = None
    field_map: dict[str, str] | None = None
    max_page_mb: float = DEFAULT_MAX_PAGE_MB
    max_data_mb: float = DEFAULT_MAX_DATA_MB
    prune: bool = False
    procs: int | None = None  # None: decide from the amount of work

    def fingerprint(self) -> str:
        """Options that change what a file yields; a changed fingerprint re-reads every file."""
        fm = ",".join(f"{k}={v}" for k, v in sorted((self.field_map or {}).items()))
        return f"source={self.source_name or ''};map={fm}"


@dataclass
class IngestReport:
    mode: str
    generation: str = ""
    files: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    duplicates: list[Skipped] = field(default_factory=list)
    articles: int = 0  # in the index after the run
    started: float = 0.0
    seconds: float = 0.0

    def summary(self) -> str:
        return (f"{self.mode}: {self.articles} articles in {self.generation} "
                f"({self.added} added, {self.updated} updated, {self.unchanged} unchanged, "
                f"{self.removed} removed, {len(self.duplicates)} duplicates, "
                f"{len(self.skipped)} skipped) from {self.files} files in {self.seconds:.1f}s")

    def to_dict(self) -> dict:
        return {
            "mode": self.mode, "generation": self.generation, "files": self.files,
            "added": self.added, "updated": self.updated, "unchanged": self.unchanged,
            "removed": self.removed, "articles": self.articles,
            "duplicates": [str(s) for s in self.duplicates],
            "skipped": [{"path": s.path, "reason": s.reason} for s in self.skipped],
            "started": self.started, "seconds": round(self.seconds, 3),
        }


# ------------------------------------------------------------------------------ walking


def iter_source_files(paths: Iterable[Path | str]) -> Iterator[SourceFile | Skipped]:
    """Every article file under `paths` (recursively, following symlinks but never looping)."""
    seen_dirs: set[tuple[int, int]] = set()
    for given in paths:
        p = Path(given)
        try:
            st = p.stat()
        except OSError as exc:
            yield Skipped(str(given), _os_reason(exc))
            continue
        if stat.S_ISDIR(st.st_mode):
            yield from _walk(p.absolute(), p.absolute(), seen_dirs)
        elif p.suffix.lower() in SUPPORTED_SUFFIXES:
            yield SourceFile(p.absolute(), p.name)
        else:
            yield Skipped(str(given), f"not an article file (supported: {', '.join(sorted(SUPPORTED_SUFFIXES))})")


def _walk(root: Path, folder: Path, seen: set[tuple[int, int]]) -> Iterator[SourceFile | Skipped]:
    try:
        st = folder.stat()
    except OSError as exc:
        yield Skipped(str(folder), _os_reason(exc))
        return
    if (st.st_dev, st.st_ino) in seen:
        yield Skipped(str(folder), "symlink loop: this folder was already read")
        return
    seen.add((st.st_dev, st.st_ino))
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as exc:
        yield Skipped(str(folder), _os_reason(exc))
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        path = Path(entry.path)
        try:
            is_dir = entry.is_dir()  # follows symlinks
        except OSError as exc:
            yield Skipped(str(path), _os_reason(exc))
            continue
        if is_dir:
            yield from _walk(root, path, seen)
        elif path.suffix.lower() in SUPPORTED_SUFFIXES:
            if entry.is_symlink() and not path.exists():
                yield Skipped(str(path), "broken symlink")
                continue
            yield SourceFile(path, path.relative_to(root).as_posix())


def _os_reason(exc: OSError) -> str:
    if isinstance(exc, PermissionError):
        return "cannot read: permission denied"
    if isinstance(exc, FileNotFoundError):
        return "no such file or folder"
    if exc.errno == 40:  # ELOOP
        return "symlink loop"
    return f"cannot read: {exc.strerror or exc}"


def read_source(path: Path, relpath: str, limit_mb: float) -> bytes | Skipped:
    """The bytes of a regular file of at most `limit_mb`; anything else is Skipped with a reason.

    FIFOs and devices are refused (reading them could block forever or never end), and at most
    one byte past the limit is ever read, whatever size the file claims.
    """
    limit = int(limit_mb * 1024 * 1024)
    too_big = f"over the {limit_mb:g} MB limit (raise it with --max-file-mb)"
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
    path, relpath, previous_hash, limit_mb, field_map = job
    data = read_source(path, relpath, limit_mb)
    if isinstance(data, Skipped):
        return None, data
    digest = hashlib.blake2b(data, digest_size=16).hexdigest()
    if digest == previous_hash:
        return digest, _UNCHANGED
    try:
        return digest, list(extract_file(data, relpath, field_map=field_map))
    except Exception as exc:  # a bug on one odd file must not stop the run: report it
        return digest, Skipped(relpath, f"could not be read: {type(exc).__name__}: {exc}")


def _extracted(sources: list[SourceFile], opts: IngestOptions, old_files: dict, procs: int):
    """(SourceFile, digest, unchanged | Skipped | items) for each source, in order."""
    jobs = [(sf.path, sf.relpath, (old_files.get(sf.key) or {}).get("hash"),
             opts.max_data_mb if sf.path.suffix.lower() in JSON_SUFFIXES else opts.max_page_mb,
             opts.field_map) for sf in sources]
    if procs <= 1:
        for sf, job in zip(sources, jobs):
            yield (sf, *_read_and_extract(job))
        return
    with multiprocessing.get_context("fork").Pool(procs, initializer=store.die_with_parent) as pool:
        # At most a few files ahead of the writer: Pool.imap would read every file while the
        # (slower) indexing runs, holding all the articles in this process.
        window = 2 * procs
        pending: deque = deque()
        for sf, job in zip(sources, jobs):
            pending.append((sf, pool.apply_async(_read_and_extract, (job,))))
            if len(pending) > window:
                done, result = pending.popleft()
                yield (done, *result.get())
        while pending:
            done, result = pending.popleft()
            yield (done, *result.get())


# ----------------------------------------------------------------------------- ingesting


class _Catalogue:
    """Which file holds which articles: the manifest of a generation, kept consistent."""

    def __init__(self, files: dict) -> None:
        self.files = files
        self.id_owner = {aid: key for key, rec in files.items() for aid, _ in rec["articles"]}
        self.url_owner = {url: aid for rec in files.values() for aid, url in rec["articles"] if url}

    def drop(self, key: str) -> list[str]:
        """Forget the file's articles; returns their ids (to delete from the index)."""
        rec = self.files.pop(key, None)
        if not rec:
            return []
        for aid, url in rec["articles"]:
            self.id_owner.pop(aid, None)
            if url and self.url_owner.get(url) == aid:
                self.url_owner.pop(url, None)
        return [aid for aid, _ in rec["articles"]]

    def duplicate_of(self, article: Article) -> str | None:
        if article.id in self.id_owner:
            return f"duplicate of article {article.id!r} (same id)"
        if article.url and article.url in self.url_owner:
            return f"article {article.id!r} duplicates {self.url_owner[article.url]!r} (same URL)"
        return None

    def add(self, key: str, article: Article) -> None:
        self.id_owner[article.id] = key
        if article.url:
            self.url_owner[article.url] = article.id
        self.files.setdefault(key, {"hash": "", "articles": []})["articles"].append([article.id, article.url])

    def article_count(self) -> int:
        return sum(len(rec["articles"]) for rec in self.files.values())


def run_ingest(index_dir: Path, paths: list[Path | str], *, rebuild: bool = False,
               options: IngestOptions | None = None,
               progress: Callable[[int, int], None] | None = None,
               status: Callable[[str], None] | None = None) -> IngestReport:
    """Build a new generation from `paths` and make it live. Raises store.IndexBusy.

    `progress(done, total)` follows the reading of files; `status(message)` names the later
    phases (writing the index), which have no per-file steps.
    """
    opts = options or IngestOptions()
    report = IngestReport(mode="rebuild" if rebuild else "ingest", started=time.time())
    t0 = time.monotonic()
    index_dir = Path(index_dir)
    with store.WriteLock(index_dir):
        store.remove_stale_generations(index_dir)
        live_before = store.current_generation(index_dir)
        live = None if rebuild else live_before
        old_manifest = store.read_json(live / store.MANIFEST, {}) if live else {}
        same_options = old_manifest.get("options") == opts.fingerprint()
        old_files: dict = old_manifest.get("files", {}) if same_options else {}
        sources: list[SourceFile] = []
        for item in iter_source_files(paths):
            if isinstance(item, Skipped):
                report.skipped.append(item)
            else:
                sources.append(item)
        report.files = len(sources)
        if not sources:
            raise NothingToIngest("no article files found in the given paths", report.skipped)
        procs = opts.procs or (min(2, os.cpu_count() or 1) if len(sources) >= PARALLEL_MIN_FILES else 1)

        catalogue = _Catalogue({k: dict(v) for k, v in old_manifest.get("files", {}).items()})
        deletions: list[str] = []
        if not same_options:  # options changed: every file is read again, its old articles go
            for key in list(catalogue.files):
                deletions += catalogue.drop(key)
        out = NewGeneration(index_dir, live, procs)  # articles stream into it as they are read
        for n, (sf, digest, result) in enumerate(_extracted(sources, opts, old_files, procs), 1):
            if progress:
                progress(n, len(sources))
            if isinstance(result, Skipped):
                report.skipped.append(result)
                continue
            if result == _UNCHANGED:
                report.unchanged += len(old_files[sf.key]["articles"])
                continue
            replaced = catalogue.drop(sf.key)
            deletions += replaced
            catalogue.files[sf.key] = {"hash": digest, "articles": []}
            kept = 0
            for item in result:
                if isinstance(item, Skipped):
                    report.skipped.append(item)
                    continue
                if not item.source and opts.source_name:
                    item.source = opts.source_name
                why = catalogue.duplicate_of(item)
                if why:
                    report.duplicates.append(Skipped(sf.relpath, why))
                    continue
                catalogue.add(sf.key, item)
                out.add(document_fields(item))
                kept += 1
            n_updated = min(len(replaced), kept)
            report.updated += n_updated
            report.added += kept - n_updated
            report.removed += max(0, len(replaced) - kept)
        if opts.prune and live:
            for key in [k for k in catalogue.files if not os.path.exists(k)]:
                gone = catalogue.drop(key)
                deletions += gone
                report.removed += len(gone)
        if rebuild and not out.count:
            raise NothingToIngest("no article could be read; the live index is kept", report.skipped)

        if status:
            status(f"writing the index of {out.count} articles into a new generation")
        try:
            gen = out.commit(deletions)
            report.articles = catalogue.article_count()
            report.generation = gen.name
            report.seconds = time.monotonic() - t0
            store.write_json(gen / store.MANIFEST, {"options": opts.fingerprint(), "files": catalogue.files})
            store.write_json(gen / store.BUILD_INFO, {**report.to_dict(), "finished": time.time(),
                                                      "previous": live_before.name if live_before else None})
        except BaseException:
            out.cancel()
            raise
        store.switch_to(index_dir, gen)
        store.remove_stale_generations(index_dir)
    return report
