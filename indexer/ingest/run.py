"""Ingest and rebuild: files and folders in, a new live index generation out.

`run_ingest` works in four steps, each a method of `_Ingest`:

1. *Which sources* (`which_files`): the paths given (each becomes a recorded source of the
   index, with the options it is read with: `indexer.ingest.sources`), or for a rebuild
   without paths every recorded source, each with its own options. A recorded source missing
   as a whole stops a rebuild (`SourceMissing`) unless `drop_missing` says to forget it.
2. *Read* (`read`): the segment writers are started (forked before any reading process or
   thread exists), then the files are read and extracted (`indexer.ingest.reading`, in worker
   processes for large runs); an incremental ingest skips files whose content hash and
   options are unchanged.
3. *Catalogue* (`admit`, `count`): decide which articles are stored and under which id
   (`indexer.ingest.catalogue`: ids are identity, so identical content under two ids is two
   articles, counted as kept reposts and collapsed at search time; an id repeated within one
   source is reported; colliding ids from another source prefixed), stream them to the
   writers, and count what was added, updated, unchanged and removed against the live
   generation, so the counts always add up to what it holds. Pages read from HTML files pass
   through their site's learned boilerplate on the way (`indexer.extract.sites.SiteCleaner`:
   lines that open or close many of a site's pages leave its bodies); what was learned is
   kept in the generation (`SITES`), so a later ingest cleans a known site's new pages at once
   and a rebuild learns again from every page; pages written before their site had pages
   enough to learn from are read again by the ingest in which it has.
4. *Write* (`write`): the new generation (from scratch for a rebuild, from hard links to the
   live one for an ingest) committed and checked, its stories, manifest, sources and build
   report written; then the atomic switch (`indexer.store`). An ingest that changes nothing
   writes no generation.

`read_into` runs steps 1 to 3 into another sink (`indexer.ingest.writer.ArticleSink`) instead of
a new generation: a cluster's loader, which analyses and stores the articles itself.

Bad files are reported with their path (relative to the path given) and reason and never stop
the run; `NothingToIngest` is raised, and the live index kept, when no article could be read.
"""
from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

from indexer import paths as paths_mod
from indexer import store, stories
from indexer.article import Article, Skipped
from indexer.extract import HTML_SUFFIXES
from indexer.extract.encoding import decode
from indexer.extract.records import extract_records
from indexer.extract.sites import SiteCleaner, SiteLearner, file_tag, site_of
from indexer.ingest.catalogue import (
    FOUND_UNCHANGED,
    FOUND_UPDATED,
    NEITHER,
    Catalogue,
    CatalogueBuilder,
    compare_ids,
    record_hash,
    renamed_before,
)
from indexer.ingest.files import DENIED, OtherFile, SourceFile, iter_source_files, read_source, readable_name
from indexer.ingest.reading import UNCHANGED, extracted, file_bytes, job_for, unreadable_now, worth_parallel
from indexer.ingest.report import (
    Cut,
    IngestOptions,
    IngestReport,
    NothingToIngest,
    PartsUnreadable,
    Removed,
    SkippedFile,
    SourceMissing,
    SourceUnreadable,
    UnknownSources,
    untexted_note,
)
from indexer.ingest.sources import ReadOptions, Source, read_sources, write_sources
from indexer.ingest.writer import ArticleSink, NewGeneration

SITES = "sites.json"  # a generation's learned site boilerplate (`SiteLearner.state`)


def _same_path(a: str, b: str) -> bool:
    return os.path.normpath(a) == os.path.normpath(b)


LINES_READ_MB = 64  # a displaced record's line is looked up in JSON Lines files up to this size


def _plan_sources(live: Path | None, old: Catalogue, paths: list[Path | str] | None, rebuild: bool,
                  opts: IngestOptions, elsewhere: list[Source] | None = None) -> tuple[list[Source], list[Source], bool]:
    """(sources to read now, the index's recorded sources after the run, whether the sources
    read now are recorded ones, to be checked for being missing). `elsewhere`: the sources
    recorded with an index kept elsewhere (`read_into`), when there is no live generation here."""
    recorded = read_sources(live) or elsewhere or []
    if paths:
        now: list[Source] = []
        for p in paths:  # one record per path, however it was spelled
            s = Source(os.path.normpath(Path(p).absolute()), opts.read_options())
            # a recorded path keeps the recorded values of the reading options not given
            s = next((Source(s.path, opts.for_recorded(o.options)) for o in recorded if _same_path(s.path, o.path)), s)
            if not any(_same_path(s.path, o.path) for o in now):
                now.append(s)
        if rebuild:
            # ... and a folder recorded on its own inside one (`ingest ARCHIVE/wire --source-name
            # 通讯社`) keeps its own, as an ingest keeps it: `rebuild ARCHIVE` must not strip its
            # articles' source
            now += [o for o in recorded if not any(_same_path(o.path, s.path) for s in now)
                    and any(_inside(o.path, s.path) for s in now)]
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
    if any(not _same_path(os.path.commonpath([k, demo[0].path]), demo[0].path) for k in old.file_keys()):
        # an index built before sources were recorded, from other paths: do not guess them
        raise UnknownSources("this index was built before its sources were recorded, not from "
                             f"{demo[0].path}; run `rebuild PATH...` once with its article folders")
    return demo, demo, False  # a new index (or an old one built from the demo folder)


class _Owners:
    """Whose options a file is read with and which recorded source it counts for: the deepest
    source that holds it, among those read now and the recorded sources inside them. A folder
    recorded on its own inside another (`ingest archive/xinhua --source-name 新华社` after
    `ingest archive`) keeps its options whichever of the two is read, and is not missing when
    the outer one's walk reached its files first; the walk, and so the ids, are unchanged."""

    def __init__(self, reading: list[Source], recorded: list[Source]) -> None:
        held = {s.path for s in reading}
        inner = [s for s in recorded if s.path not in held and any(_inside(s.path, r.path) for r in reading)]
        self.sources = list(reading) + inner
        # deepest first; a file's owner is the first that holds it
        self._deepest = sorted(self.sources, key=lambda s: -len(s.path))

    def of(self, path: str) -> Source:
        """The owner of a file (or folder) found under a source read now."""
        if len(self._deepest) > 1:
            for s in self._deepest:
                if _inside(path, s.path):
                    return s
        return self._deepest[0]

    def of_skipped(self, s) -> str:
        """The owner's path of a file or folder the listing skipped (named relative to its source)."""
        where = os.path.normpath(os.path.join(s.source, s.path)) if getattr(s, "source", "") else ""
        return self.of(where).path if any(_inside(where, o.path) for o in self.sources) else getattr(s, "source", "")


def _ids_from_first_source(files: list[SourceFile], recorded: list[str]) -> None:
    """A page's id is its path relative to the first recorded source that holds it, whichever
    path was given now: a rebuild walks the recorded sources in their order, the first reaching
    a file reads it, so `ingest archive/xinhua` after `ingest archive` must name a new page
    `xinhua/1.html` as the next rebuild will (not `1.html`, changed back by that rebuild)."""
    if len(recorded) < 2:
        return
    for sf in files:
        first = next((r for r in recorded if _inside(str(sf.path), r)), None)
        if first is not None and first != sf.root:
            # (a file recorded as a source of its own is named by its name, as when it is given)
            sf.relpath = readable_name(sf.path.name if first == str(sf.path)
                                       else Path(os.path.relpath(sf.path, first)).as_posix())


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def _missing_sources(owners: _Owners, found: dict[str, int], skipped: list) -> list[Source]:
    """Recorded sources gone as a whole: the path is not there, or a folder that gave articles
    before holds no article file now (an unmounted disk leaves an empty mount point). Raises
    SourceUnreadable for one that is there but may not be read (not gone: never forgotten),
    itself or every folder of it that held files (`skipped`: what the listing could not read).
    `found`: article files per owner (`_Owners`)."""
    denied = {owners.of_skipped(s) for s in skipped if s.reason == DENIED}
    missing, unreadable = [], []
    for s in owners.sources:
        if _gone(s.path):
            missing.append(s)
        elif not os.access(s.path, os.R_OK) or not os.path.exists(s.path):
            unreadable.append(s.path)
        elif os.path.isdir(s.path) and not found.get(s.path) and s.articles > 0:
            if s.path in denied:  # its folders are there, closed
                unreadable.append(s.path)
            else:
                missing.append(s)
    if unreadable:
        raise SourceUnreadable(unreadable)
    return missing


# ----------------------------------------------------------------------------- ingesting


def run_ingest(index_dir: Path, paths: list[Path | str] | None, *, rebuild: bool = False,
               options: IngestOptions | None = None,
               progress: Callable[[int, int], None] | None = None,
               status: Callable[[str], None] | None = None) -> IngestReport:
    """Read `paths` (for a rebuild, None or []: the recorded sources) into a new live generation.

    Raises store.IndexBusy, NothingToIngest or SourceMissing; in each case the live index is
    left as it was. `progress(done, total)` follows the reading of files, in bytes (one large
    export moves it part by part); `status(message)` names the later phases (writing the
    index), which have no per-file steps.
    """
    run = _Ingest(Path(index_dir), paths, rebuild, options or IngestOptions(), progress, status)
    with store.WriteLock(run.index_dir):
        run.report.restored = store.restore_pointer(run.index_dir)  # (before any generation looks stale)
        store.remove_stale_generations(run.index_dir)
        run.open_live()
        try:
            files = run.which_files()
            store.check_space(run.index_dir, run.live, files, rebuild, set(run.old.file_keys()))  # refuse what cannot fit
            procs = run.reading_procs(files)
            # articles stream into the new generation as they are read
            out = NewGeneration(run.index_dir, None if rebuild else run.live, procs)
            try:
                if procs > 1:  # the writers are forked before the reading pool and its threads exist
                    out.start()
                run.read(files, procs, out)
                run.count()
                if not rebuild and not out.count and not run.deletions:
                    out.cancel()  # the writers started for a large read, and their empty generation
                    return run.unchanged()
                gen = run.write(out)
            except BaseException:  # nothing goes live: the half-written generation goes
                out.cancel()
                raise
            store.switch_to(run.index_dir, gen)
            store.remove_stale_generations(run.index_dir)
        finally:
            run.close()
    return run.report


def read_into(sink: ArticleSink, work_dir: Path, paths: list[Path | str], *, options: IngestOptions | None = None,
              progress: Callable[[int, int], None] | None = None,
              status: Callable[[str], None] | None = None,
              recorded: list[Source] | None = None) -> tuple[IngestReport, list[Source]]:
    """Read `paths` as a rebuild reads them (the same files, ids, reports and site cleaning) into
    `sink` instead of a new generation: for an index kept elsewhere (a cluster), which analyses
    and stores the articles itself. `work_dir` (an empty folder, created if missing) holds the
    catalogue while reading. Returns the report, whose counts are the articles read (there is no
    previous index here to compare with), and the sources as they would be recorded.

    `recorded`: the sources recorded with that index. Without `paths` they are read as a
    rebuild without paths reads an index's recorded sources: each with its own options, and
    one missing as a whole (not there, or an empty mount point where articles were) refused
    with SourceMissing unless the options say to drop it.

    The sink is started before any reading process or thread exists, fed every article in
    order, then committed, or cancelled if reading fails."""
    Path(work_dir).mkdir(parents=True, exist_ok=True)
    run = _Ingest(Path(work_dir), paths, True, options or IngestOptions(), progress, status, elsewhere=recorded)
    run.open_live()
    try:
        files = run.which_files()
        procs = run.reading_procs(files)
        sink.start()
        try:
            run.read(files, procs, sink)
            run.count()
            sink.commit()
        except BaseException:
            sink.cancel()
            raise
    finally:
        run.close()
    run.report.seconds = time.monotonic() - run.t0
    return run.report, run.recorded_after


class _Ingest:
    """One run of `run_ingest`: what it reads, what the live generation held, what it found."""

    def __init__(self, index_dir: Path, paths, rebuild: bool, opts: IngestOptions,
                 progress: Callable[[int, int], None] | None, status: Callable[[str], None] | None,
                 elsewhere: list[Source] | None = None) -> None:
        self.index_dir, self.paths, self.rebuild, self.opts = index_dir, paths, rebuild, opts
        self.progress, self.status = progress, status
        self.recorded_elsewhere = elsewhere  # the sources of an index kept elsewhere (`read_into`)
        self.report = IngestReport(mode="rebuild" if rebuild else "ingest", started=time.time())
        self.t0 = time.monotonic()
        self.deletions: list[str] = []  # ids to delete from the segments the generation starts with
        self._renamed_in: dict[str, set[str]] = {}  # source name → keys of its files holding ids renamed for it
        self._lines_of: dict[str, dict[str, int]] = {}  # JSON Lines file → its records' lines (`_line_of`)

    def open_live(self) -> None:
        """What the live generation holds: its catalogue of files and the ids it stores."""
        self.live = store.current_generation(self.index_dir)
        CatalogueBuilder.remove_stale(self.index_dir)
        self.old = Catalogue.of_generation(self.live)
        self.catalogue = CatalogueBuilder(self.index_dir, None if self.rebuild else self.old)
        self.report.previous_articles = self.old.article_count()
        learned = None if self.rebuild or self.live is None else store.read_json(self.live / SITES, None)
        self.pages = SiteCleaner(SiteLearner.from_state(learned))
        self.unlearned_before = self.pages.learner.unlearned()  # sites with pages written before they were learned

    def close(self) -> None:
        """Close the catalogues (the new one is thrown away unless `write` moved it into the
        new generation)."""
        self.old.close()
        self.catalogue.discard()

    def which_files(self) -> list[SourceFile]:
        """Step 1: the sources read now and the index's recorded sources after the run; the
        article files found under them (NothingToIngest when there are none)."""
        report, opts = self.report, self.opts
        reading, self.recorded_after, check_missing = _plan_sources(self.live, self.old, self.paths, self.rebuild, opts,
                                                                    self.recorded_elsewhere)
        self.owners = _Owners(reading, self.recorded_after)
        files: list[SourceFile] = []
        found: dict[str, int] = {}
        walked: dict[str, int] = {}  # article files per walk (a source's own and its inner sources')
        for item in iter_source_files(list(self.paths) if self.paths else [s.path for s in reading]):
            if isinstance(item, OtherFile):
                report.other_files[item.suffix] = report.other_files.get(item.suffix, 0) + 1
            elif isinstance(item, Skipped):
                report.skipped.append(item)
            else:
                files.append(item)
                owner = self.owners.of(str(item.path)).path
                found[owner] = found.get(owner, 0) + 1
                walked[item.root] = walked.get(item.root, 0) + 1
        if check_missing:
            # a file or folder recorded on its own inside a recorded folder that is there (its walk
            # found article files: not an empty mount point), deleted since: files gone from a
            # present source (removed and counted), not an unmounted disk
            inner_gone = [s for s in self.owners.sources if _gone(s.path) and any(
                o is not s and _inside(s.path, o.path) and walked.get(o.path) for o in self.owners.sources)]
            missing = [s for s in _missing_sources(self.owners, found, report.skipped) if s not in inner_gone]
            if missing and not opts.drop_missing:
                raise SourceMissing([s.path for s in missing])
            gone = {s.path for s in missing} | {s.path for s in inner_gone}
            report.dropped_sources = [s.path for s in missing]
            reading = [s for s in reading if s.path not in gone]
            self.owners = _Owners(reading, [s for s in self.recorded_after if s.path not in gone])
            self.recorded_after = [s for s in self.recorded_after if s.path not in gone]
            report.skipped = [s for s in report.skipped if getattr(s, "source", "") not in gone]
        report.files_skipped = len(report.skipped)
        # a path given that is not there is reported as skipped, and not recorded
        absent = {s.path for s in reading if not os.path.exists(s.path)}
        self.recorded_after = [s for s in self.recorded_after if s.path not in absent]
        report.sources = [s.path for s in reading if s.path not in absent]
        if self.opts.prune and not self.rebuild:
            # a source recorded inside a folder pruned now, deleted since: its articles go as
            # files gone from a present source, and it is forgotten, as a rebuild forgets it
            self.recorded_after = [s for s in self.recorded_after if not (_gone(s.path) and any(
                p != s.path and _inside(s.path, p) for p in report.sources))]
        _ids_from_first_source(files, [s.path for s in self.recorded_after])
        report.files = len(files) + report.files_skipped
        if not files:
            raise NothingToIngest(("no article files found in the given paths" if self.paths else
                                   "no article files found in the recorded sources") + "; the live index is kept",
                                  report.skipped)
        return files

    def reading_procs(self, files: list[SourceFile]) -> int:
        """Processes that read the files: as the options say, else two when there is much to read."""
        return self.opts.procs or (min(2, os.cpu_count() or 1) if worth_parallel(files) else 1)

    def read(self, files: list[SourceFile], procs: int, out: ArticleSink) -> None:
        """Steps 2 and 3: read every file (unchanged ones only hashed) and admit its articles
        into the catalogue and the writers, file by file as the readers return them."""
        if self.opts.prune and not self.rebuild:
            # the files gone, first: a record moved from one into a new file of the source is
            # the same article (its id free again), not a repeat of an id still held. Only the
            # files of the sources read now: `ingest OTHER --prune` must not empty a recorded
            # source it did not look at (its disk unmounted: every file "gone")
            for key in [k for k in self.catalogue.file_keys({o.path for o in self.owners.sources}) if _gone(k)]:
                self.deletions += self.catalogue.drop(key)
        jobs = []
        for sf in files:
            ro = self.owners.of(sf.key).options
            prev = self.old.file(sf.key)
            same = not self.rebuild and prev is not None and prev.get("opts") == ro.fingerprint()
            jobs.append(job_for(sf, ro, prev["hash"] if same else None))
        readable = False
        kept_as_they_were: dict[str, SourceFile] = {}
        for sf, digest, result in extracted(files, jobs, procs, self._progress_in_bytes(files)):
            result = unreadable_now(result, sf.relpath) or result
            if isinstance(result, Skipped):
                self.report.skipped.append(SkippedFile(result.path, result.reason, sf.root))
                self.report.files_skipped += 1
            elif result == UNCHANGED:
                readable = True
                self.catalogue.mark_file(sf.key, FOUND_UNCHANGED)
                kept_as_they_were[sf.key] = sf
            else:
                readable = self.admit(sf, digest, result, out) or readable
        # pages written by an earlier run before their site was learned, whose site has grown in
        # this one: read again, so that they are cleaned with the site's pages as a rebuild cleans them
        tags = self.pages.learner.to_read_again(self.unlearned_before)
        again = [sf for key, sf in sorted(kept_as_they_were.items()) if file_tag(key) in tags] if tags else []
        if again:
            jobs = [job_for(sf, self.owners.of(sf.key).options, None) for sf in again]
            for sf, digest, result in extracted(again, jobs, 1):
                if not isinstance(result, Skipped) and result != UNCHANGED and not unreadable_now(result, sf.relpath):
                    self.admit(sf, digest, result, out, cleaned_again=True)
        for article in self.pages.flush():  # the sites with fewer pages than a sample
            out.add(article)
        self.pages.learner.settle()
        # an article no file read now gives again, that another source's file holds too, stays
        self.deletions = self.catalogue.keep_copies(self.deletions, self.old.record_hash_of)
        if not readable:
            raise NothingToIngest("no article could be read; the live index is kept", self.report.skipped)

    def _progress_in_bytes(self, files: list[SourceFile]) -> Callable[[int], None] | None:
        """`progress(done, total)` in bytes of the files read: three exports of a hundred
        megabytes move it part by part, as twenty thousand pages move it page by page."""
        if not self.progress:
            return None
        total, done = sum(file_bytes(sf) for sf in files), 0

        def advanced(n: int) -> None:
            nonlocal done
            done = min(done + n, total)
            self.progress(done, total)
        return advanced

    def admit(self, sf: SourceFile, digest: str, result, out: ArticleSink, cleaned_again: bool = False) -> bool:
        """One file's articles (streamed: a large file's are never all held at once) into the
        catalogue and the writers; False when the file gave none (one skipped file).
        `cleaned_again`: an unchanged file read again because its site was learned since: its
        articles count as updated (their text loses the site's template lines)."""
        report, catalogue = self.report, self.catalogue
        source = self.owners.of(sf.key)
        self.deletions += catalogue.drop(sf.key)
        catalogue.start_file(sf.key, digest, source.options.fingerprint(), source.path)
        prev = self.old.file(sf.key)
        same_file = prev is not None and prev.get("hash") == digest and prev.get("opts") == source.options.fingerprint()
        articles = bad_records = untexted = 0
        unread: dict[str, int] = {}  # the field holding the text of records without one, how often
        page = sf.path.suffix.lower() in HTML_SUFFIXES
        # the ids this file's articles were given instead of their own last time: kept, so that
        # a rebuild gives the same ids (an id freed since by another file is not handed over)
        if source.name not in self._renamed_in:  # (one look per source and run, not a read of every file's ids)
            self._renamed_in[source.name] = self.old.files_holding_ids_under(source.name)
        earlier = renamed_before(self.old.ids_of(sf.key), source.name) if sf.key in self._renamed_in[source.name] else {}
        for item in result:
            if isinstance(item, Cut):
                report.cut.append(Cut(f"{sf.relpath} ({item.path})", item.reason))
                continue
            if isinstance(item, Skipped):
                report.skipped.append(SkippedFile(item.path, item.reason, sf.root))
                bad_records += item.path != sf.relpath  # a record, not the file as a whole
                continue
            articles += 1
            if not item.body:
                untexted += 1
                if item.unread_text:
                    unread[item.unread_text] = unread.get(item.unread_text, 0) + 1
            if not item.source and source.options.source_name:
                item.source = source.options.source_name
            rhash = record_hash(item)

            def state_of(aid: str, rhash: bytes = rhash) -> int:  # against the live index's article `aid`
                if not self.old.has(aid):
                    return NEITHER
                if cleaned_again:
                    return FOUND_UPDATED
                # an article of a changed file that is as it was is unchanged too
                return FOUND_UNCHANGED if same_file or self.old.record_hash_of(aid) == rhash else FOUND_UPDATED

            stored, note = catalogue.admit(sf.key, source.name, item, state_of, rhash, earlier.get(item.id))
            where = sf.relpath if item.line is None else f"{sf.relpath}:{item.line}"  # a record's line
            if not stored:
                report.duplicates.append(Skipped(where, note or "duplicate"))
                continue
            if note:
                report.renamed.append(Skipped(where, note))
            if page:
                for article in self.pages.add(item, site_of(item, source.name), sf.key):
                    out.add(article)
            else:
                out.add(item)
        for aid, later in catalogue.displaced:  # the old record's document goes; the new one is written
            self.deletions.append(aid)
            # ... and the later file's record is a duplicate now, named as the rebuild names it
            where = os.path.relpath(later, source.path) if _inside(later, source.path) else later
            line = self._line_of(later, aid, source.options.field_map)
            report.duplicates.append(Skipped(f"{where}:{line}" if line else where, f"duplicate of article {aid!r} (same id)"))
        catalogue.displaced.clear()
        report.records_skipped += bad_records
        if untexted:
            report.notes.append(Skipped(sf.relpath, untexted_note(untexted, max(unread, key=unread.get) if unread else None)))
        if not articles:  # the file gave nothing: one skipped file (with its bad records listed)
            report.files_skipped += 1
            catalogue.drop(sf.key)
        return bool(articles)

    def _line_of(self, key: str, aid: str, field_map) -> int | None:
        """The line of JSON Lines file `key` that holds the record `aid` (read once per file and
        run, for the report: files up to LINES_READ_MB only), or None."""
        lines = self._lines_of.get(key)
        if lines is None:
            lines = {}
            data = read_source(Path(key), key, LINES_READ_MB) if key.lower().endswith(".jsonl") else None
            if isinstance(data, bytes):  # (not a Skipped: too large, or no longer readable)
                for item in extract_records(decode(data) or "", key, json_array=False, field_map=field_map):
                    if isinstance(item, Article) and item.line is not None:
                        lines.setdefault(item.id, item.line)
            self._lines_of[key] = lines
        return lines.get(aid)

    def count(self) -> None:
        """The report's counts, against what the live generation held, and each recorded
        source's article count and time of reading."""
        report = self.report
        report.articles = self.catalogue.article_count()
        report.reposts = self.catalogue.reposts()
        report.added, gone_ids = compare_ids(self.old, self.catalogue)
        states = self.catalogue.states()
        report.unchanged = states[FOUND_UNCHANGED]
        report.updated = states[FOUND_UPDATED]  # articles of files not read now are neither
        report.removed = len(gone_ids)
        report.removed_articles = _why_removed(gone_ids, self.old, self.catalogue, report, self.rebuild)
        if any(r.reason.endswith(" skipped: " + DENIED) for r in report.removed_articles):
            # a folder or file this user may not read now (a permission slip in a sync): a
            # rebuild must not drop what it holds, as an ingest keeps it; nothing goes live
            raise PartsUnreadable(sorted(path for path, why in _skipped_at(report).items() if why == DENIED))
        now = time.time()
        counts = self.catalogue.per_source()
        read_now = {o.path for o in self.owners.sources}
        for s in self.recorded_after:
            if s.path in read_now and os.path.exists(s.path):
                s.last_read = now
            s.articles = counts.get(s.path, 0)

    def unchanged(self) -> IngestReport:
        """Nothing changed: the live generation stays; only its record of sources is refreshed.
        It is verified first, as a generation an ingest builds on is (IndexDamaged): a nightly
        ingest with nothing new must not report success over an index that no longer answers."""
        if self.live is not None:
            store.verify_generation(self.live)
        self.report.changed = False
        self.report.generation = self.live.name if self.live else ""
        self.report.seconds = time.monotonic() - self.t0
        if self.live is not None:
            write_sources(self.live, self.recorded_after)
        return self.report

    def write(self, out: NewGeneration) -> Path:
        """Step 4: commit the new generation, check it holds what the catalogue says, find its
        stories and write its manifest, sources and build report (not yet live)."""
        report, status = self.report, self.status
        if status:
            status(f"writing the index of {out.count} articles into a new generation")
        gen = out.commit(self.deletions)
        held = store.open_generation(gen).doc_count()
        if held != report.articles:
            raise RuntimeError(f"the new generation holds {held} articles, the catalogue {report.articles}")
        if status:
            status("finding near-duplicate reposts")
        _cluster_generation(gen)
        report.generation = gen.name
        report.seconds = time.monotonic() - self.t0
        self.catalogue.commit(gen)
        store.write_json(gen / SITES, self.pages.learner.state())
        write_sources(gen, self.recorded_after)
        store.write_json(gen / store.BUILD_INFO, {**report.to_dict(), "finished": time.time(),
                                                  "previous": self.live.name if self.live else None})
        return gen


def _skipped_at(report: IngestReport) -> dict[str, str]:
    """What was skipped, by absolute path (a source inside another is walked from the outer
    one), with why."""
    return {os.path.normpath(os.path.join(s.source, s.path.split(":", 1)[0])): s.reason
            for s in report.skipped if getattr(s, "source", "")}


def _why_removed(gone: list[str], old: Catalogue, new: Catalogue, report: IngestReport, rebuild: bool) -> list[Removed]:
    """Each article that left the index, with the file it came from and why."""
    dropped = set(report.dropped_sources)
    skipped = _skipped_at(report)
    out = []
    for aid in sorted(gone):
        key, root = old.file_of(aid)
        root = root or ""
        rel = os.path.relpath(key, root) if root and key.startswith(root.rstrip("/") + "/") else key
        folder = next((f for f in (os.path.join(root, f) for f in _folders(rel)) if f in skipped), None)
        if root in dropped:
            reason = "its source was forgotten (--drop-missing)"
        elif folder is not None:  # (its file may be there: the folder could not be read)
            reason = f"its folder was skipped: {skipped[folder]}"
        elif _gone(key):
            reason = "its file is gone"
        elif new.file(key) is None and key in skipped:
            reason = f"its file was skipped: {skipped[key]}"
        elif rebuild and root and root not in report.sources:
            reason = "its source is no longer read (rebuild with other paths)"
        else:
            reason = "no longer in its file"
        out.append(Removed(aid, rel, reason))
    return out


def _gone(path: str) -> bool:
    """Whether the file is known to be gone: not there, as against not to be looked at (a
    folder that may not be read hides a file that is there: `os.path.exists` says False)."""
    try:
        os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return True
    except OSError:
        return False
    return False


def _folders(rel: str) -> list[str]:
    """The folders a relative path lies in, outermost first (`a/b/c.html` → `a`, `a/b`)."""
    parts = rel.split("/")[:-1]
    return ["/".join(parts[:i]) for i in range(1, len(parts) + 1)]


def _cluster_generation(generation: Path) -> None:
    """Detect the stories of a written generation (`indexer.stories`) and store them beside it."""
    ix = store.open_generation(generation)
    with ix.searcher() as searcher:
        ids = stories.cluster_index(searcher, cache_dir=generation)
    stories.write_clusters(generation, ids)
