"""What an ingest is asked (`IngestOptions`) and what it tells (`IngestReport`): counts that add
up to what the index holds, every file or record skipped with its path and reason, every
article removed with why; and the errors that stop a run with the live index kept."""
from __future__ import annotations

from dataclasses import dataclass, field, replace

from indexer.article import Skipped
from indexer.ingest.sources import ReadOptions

DEFAULT_MAX_PAGE_MB = ReadOptions.max_page_mb
DEFAULT_MAX_DATA_MB = ReadOptions.max_data_mb
DEFAULT_MAX_BODY_CHARS = ReadOptions.max_body_chars


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


class PartsUnreadable(SourceMissing):
    """Folders or files inside a source that may not be read now and held articles of the live
    index: a rebuild would drop them (an ingest keeps them); the live index is left as it was."""

    def __init__(self, unreadable: list[str]) -> None:
        RuntimeError.__init__(
            self, "cannot be read, and their articles are in the live index: " + ", ".join(unreadable)
            + "; the live index is kept. Let this user read them, or take them out of the source "
            "to drop their articles")
        self.missing = unreadable


class SourceUnreadable(SourceMissing):
    """A recorded source that is there but may not be read (a folder above it without read
    permission): never forgotten, not even with --drop-missing; the live index is left as it was."""

    def __init__(self, unreadable: list[str]) -> None:
        RuntimeError.__init__(
            self, "recorded source" + ("s" if len(unreadable) > 1 else "") + " cannot be read: "
            + ", ".join(unreadable) + "; the live index is kept. Let this user read it, or run "
            "`rebuild PATH...` with the sources to keep")
        self.missing = unreadable


class UnknownSources(RuntimeError):
    """A rebuild without paths of an index that does not record where its articles came from."""


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
    # the reading options (ReadOptions' fields) not given: a path already recorded keeps its
    # recorded values of these (`ingest PATH` from a cron job keeps the --source-name it was
    # first read with; `ingest PATH --source-name X` keeps its --field-map; so does `rebuild
    # PATH`, whose paths replace the recorded sources). Empty: the options are all as here.
    recorded_fill: frozenset[str] = frozenset()

    def read_options(self) -> ReadOptions:
        return ReadOptions(source_name=self.source_name, field_map=dict(self.field_map) if self.field_map else None,
                           max_page_mb=self.max_page_mb, max_data_mb=self.max_data_mb,
                           max_body_chars=self.max_body_chars)

    def for_recorded(self, recorded: ReadOptions) -> ReadOptions:
        """The options of a path recorded with `recorded`: those given here, the rest as recorded."""
        given = self.read_options()
        return replace(given, **{name: getattr(recorded, name) for name in self.recorded_fill})

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
    other_files: dict[str, int] = field(default_factory=dict)  # files of other kinds in the folders read, by suffix
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    reposts: int = 0  # articles stored whose title and text equal an earlier article's
    skipped: list[Skipped] = field(default_factory=list)
    cut: list[Skipped] = field(default_factory=list)  # articles whose body was longer than the bound
    # files whose records became articles with a title and no text (the text under a name
    # not read: a hint of the --field-map that reads it)
    notes: list[Skipped] = field(default_factory=list)
    duplicates: list[Skipped] = field(default_factory=list)
    renamed: list[Skipped] = field(default_factory=list)
    removed_articles: list[Removed] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)  # the sources read in this run
    dropped_sources: list[str] = field(default_factory=list)
    restored: str | None = None  # the generation CURRENT was pointed at again, found missing (`store.restore_pointer`)
    articles: int = 0  # in the index after the run
    previous_articles: int = 0  # in the index before it
    started: float = 0.0
    seconds: float = 0.0

    def skipped_rows(self, limit: int | None = None) -> list[dict]:
        """The skipped files and records as the report and `stats` show them: path, reason, and the
        source folder they were read from where known."""
        return [{"path": s.path, "reason": s.reason, **({"source": s.source} if getattr(s, "source", "") else {})}
                for s in self.skipped[:limit]]

    def to_dict(self) -> dict:
        return {
            "mode": self.mode, "generation": self.generation, "changed": self.changed, "files": self.files,
            "files_skipped": self.files_skipped, "records_skipped": self.records_skipped,
            "other_files": dict(sorted(self.other_files.items(), key=lambda kv: (-kv[1], kv[0]))),
            "added": self.added, "updated": self.updated, "unchanged": self.unchanged,
            "removed": self.removed, "reposts": self.reposts, "articles": self.articles, "previous_articles": self.previous_articles,
            "duplicates": [str(s) for s in self.duplicates],
            "renamed": [{"path": s.path, "reason": s.reason} for s in self.renamed],
            "removed_articles": [{"id": r.id, "path": r.path, "reason": r.reason} for r in self.removed_articles],
            "skipped": self.skipped_rows(),
            "cut": [{"path": s.path, "reason": s.reason} for s in self.cut],
            "notes": [{"path": s.path, "reason": s.reason} for s in self.notes],
            "sources": self.sources, "dropped_sources": self.dropped_sources,
            **({"restored": self.restored} if self.restored else {}),
            "started": self.started, "seconds": round(self.seconds, 3),
        }


def untexted_note(count: int, field: str | None) -> str:
    """The report's hint for `count` records of a file that became articles with a title and
    no text; `field`: their field that holds text, under a name not read as the text."""
    said = f"{count} record{'' if count == 1 else 's'} with a title and no text"
    return said + (f": field {field!r} holds text (--field-map {field}=body reads it)" if field else "")


@dataclass
class Cut(Skipped):
    """Not a skip: an article kept, whose body was cut to the bound (`--max-body-chars`)."""


@dataclass
class SkippedFile(Skipped):
    """A Skipped that also names the source (path given) it was found under."""

    source: str = ""
