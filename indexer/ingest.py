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
import os
import shutil
import stat
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

from indexer import store
from indexer.article import Article, Skipped
from indexer.extract import SUPPORTED_SUFFIXES, extract_file
from indexer.schema import document_fields

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


def read_source(sf: SourceFile, opts: IngestOptions) -> bytes | Skipped:
    limit_mb = opts.max_data_mb if sf.path.suffix.lower() in JSON_SUFFIXES else opts.max_page_mb
    try:
        size = sf.path.stat().st_size
        if size > limit_mb * 1024 * 1024:
            return Skipped(sf.relpath, f"file is {size / 1048576:.1f} MB, over the {limit_mb:g} MB limit "
                                       "(raise it with --max-file-mb)")
        with open(sf.path, "rb") as f:
            return f.read()
    except OSError as exc:
        return Skipped(sf.relpath, _os_reason(exc))


# ----------------------------------------------------------------------------- ingesting


def run_ingest(index_dir: Path, paths: list[Path | str], *, rebuild: bool = False,
               options: IngestOptions | None = None,
               progress: Callable[[int, int], None] | None = None) -> IngestReport:
    """Build a new generation from `paths` and make it live. Raises store.IndexBusy."""
    opts = options or IngestOptions()
    report = IngestReport(mode="rebuild" if rebuild else "ingest", started=time.time())
    t0 = time.monotonic()
    index_dir = Path(index_dir)
    with store.WriteLock(index_dir):
        store.remove_stale_generations(index_dir)
        live = None if rebuild else store.current_generation(index_dir)
        old_manifest = store.read_json(live / store.MANIFEST, {}) if live else {}
        old_files: dict = old_manifest.get("files", {}) if old_manifest.get("options") == opts.fingerprint() else {}
        if live and not old_files and old_manifest.get("files"):
            # options changed: every file is read again, so its old articles must go
            old_files_to_replace = old_manifest["files"]
        else:
            old_files_to_replace = {}
        sources: list[SourceFile] = []
        for item in iter_source_files(paths):
            if isinstance(item, Skipped):
                report.skipped.append(item)
            else:
                sources.append(item)
        report.files = len(sources)
        if not sources:
            raise NothingToIngest("no article files found in the given paths", report.skipped)

        gen, ix = store.new_generation(index_dir, live)
        procs = opts.procs or (min(2, os.cpu_count() or 1) if rebuild and len(sources) >= PARALLEL_MIN_FILES else 1)
        w = store.writer(ix, procs=procs)
        try:
            files = dict(old_manifest.get("files", {})) if live else {}
            id_owner = {aid: key for key, rec in files.items() for aid, _ in rec["articles"]}
            url_owner = {url: aid for rec in files.values() for aid, url in rec["articles"] if url}
            for key in list(old_files_to_replace):
                _drop_file(w, files, key, id_owner, url_owner)
            for n, sf in enumerate(sources, 1):
                _ingest_one(w, sf, opts, files, old_files, id_owner, url_owner, report)
                if progress:
                    progress(n, len(sources))
            if opts.prune and live:
                for key in [k for k in files if not os.path.exists(k)]:
                    report.removed += _drop_file(w, files, key, id_owner, url_owner)
            if rebuild and not report.added:
                raise NothingToIngest("no article could be read; the live index is kept", report.skipped)
            w.commit()
        except BaseException:
            w.cancel()
            shutil.rmtree(gen, ignore_errors=True)
            raise
        report.articles = sum(len(rec["articles"]) for rec in files.values())
        report.generation = gen.name
        report.seconds = time.monotonic() - t0
        store.write_json(gen / store.MANIFEST, {"options": opts.fingerprint(), "files": files})
        store.write_json(gen / store.BUILD_INFO, {**report.to_dict(), "finished": time.time()})
        store.switch_to(index_dir, gen)
        store.remove_stale_generations(index_dir)
    return report


def _drop_file(w, files: dict, key: str, id_owner: dict, url_owner: dict) -> int:
    rec = files.pop(key, None)
    if not rec:
        return 0
    for aid, url in rec["articles"]:
        w.delete_by_term("id", aid)
        id_owner.pop(aid, None)
        if url and url_owner.get(url) == aid:
            url_owner.pop(url, None)
    return len(rec["articles"])


def _ingest_one(w, sf: SourceFile, opts: IngestOptions, files: dict, old_files: dict,
                id_owner: dict, url_owner: dict, report: IngestReport) -> None:
    data = read_source(sf, opts)
    if isinstance(data, Skipped):
        report.skipped.append(data)
        return
    digest = hashlib.blake2b(data, digest_size=16).hexdigest()
    previous = old_files.get(sf.key)
    if previous and previous["hash"] == digest:
        report.unchanged += len(previous["articles"])
        return
    replaced = _drop_file(w, files, sf.key, id_owner, url_owner) if sf.key in files else 0
    kept: list[list] = []
    for item in extract_file(data, sf.relpath, field_map=opts.field_map):
        if isinstance(item, Skipped):
            report.skipped.append(item)
            continue
        article: Article = item
        if not article.source and opts.source_name:
            article.source = opts.source_name
        owner = id_owner.get(article.id)
        if owner is not None:
            report.duplicates.append(Skipped(sf.relpath, f"duplicate of article {article.id!r} (same id)"))
            continue
        if article.url and article.url in url_owner:
            report.duplicates.append(Skipped(
                sf.relpath, f"article {article.id!r} duplicates {url_owner[article.url]!r} (same URL)"))
            continue
        w.add_document(**document_fields(article))
        id_owner[article.id] = sf.key
        if article.url:
            url_owner[article.url] = article.id
        kept.append([article.id, article.url])
    files[sf.key] = {"hash": digest, "articles": kept}
    n_updated = min(replaced, len(kept))
    report.updated += n_updated
    report.added += len(kept) - n_updated
    report.removed += max(0, replaced - len(kept))
