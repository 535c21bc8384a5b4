"""The sources an index was built from: every path given to `ingest` or `rebuild`, with its options.

Each generation holds its own record, `sources.json`, written with the generation before it
goes live; a writer reads the live generation's record, changes it and writes it into the
new generation. So a rebuild killed at any point leaves the live generation and its record
as they were, and `rebuild` without paths can always read the whole index again from where
its articles came from (docs/interfaces.md "Command line": rebuild, ingest, sources).
"""
from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from indexer import store

SOURCES = store.SOURCES


@dataclass
class ReadOptions:
    """How a source's files are read; recorded with the source and used again by `rebuild`."""

    source_name: str | None = None
    field_map: dict[str, str] | None = None
    max_page_mb: float = 16.0  # one HTML or text page; larger files are reported, not read
    max_data_mb: float = 1024.0  # one JSON / JSON Lines export
    max_body_chars: int = 500_000  # an article's body is indexed and shown up to this many characters

    def fingerprint(self) -> str:
        """What changes the articles a file yields; files read with another are read again."""
        fm = ",".join(f"{k}={v}" for k, v in sorted((self.field_map or {}).items()))
        bound = "" if self.max_body_chars == ReadOptions.max_body_chars else f";body={self.max_body_chars}"
        return f"source={self.source_name or ''};map={fm}{bound}"

    def describe(self) -> str:
        parts = []
        if self.source_name:
            parts.append(f"--source-name {self.source_name}")
        if self.field_map:
            parts.append("--field-map " + ",".join(f"{k}={v}" for k, v in self.field_map.items()))
        parts.append(f"--max-file-mb {self.max_page_mb:g}")
        parts.append(f"--max-data-mb {self.max_data_mb:g}")
        if self.max_body_chars != ReadOptions.max_body_chars:
            parts.append(f"--max-body-chars {self.max_body_chars}")
        return " ".join(parts)


@dataclass
class Source:
    """One recorded source: an absolute path, how it is read, and what it gave last time."""

    path: str
    options: ReadOptions = field(default_factory=ReadOptions)
    articles: int = 0
    last_read: float | None = None

    @property
    def name(self) -> str:
        """The folder name used to tell its articles apart from another source's (`site-b`)."""
        p = Path(self.path)
        return (p.name if p.is_dir() or not p.suffix else p.parent.name) or "source"

    def to_dict(self) -> dict:
        return {"path": self.path, "options": asdict(self.options), "articles": self.articles,
                "last_read": self.last_read}

    @classmethod
    def from_dict(cls, data: dict) -> Source:
        opts = data.get("options") or {}
        known = {k: opts[k] for k in ReadOptions.__dataclass_fields__ if k in opts}
        return cls(path=str(data["path"]), options=ReadOptions(**known), articles=int(data.get("articles") or 0),
                   last_read=data.get("last_read"))


def read_sources(gen: Path | None) -> list[Source] | None:
    """The sources recorded in generation `gen`; None when it has no record (or there is none)."""
    if gen is None:
        return None
    data = store.read_json(gen / SOURCES, None)
    if not isinstance(data, dict) or not isinstance(data.get("sources"), list):
        return None
    return [Source.from_dict(s) for s in data["sources"] if isinstance(s, dict) and s.get("path")]


def write_sources(gen: Path, sources: list[Source]) -> None:
    store.write_json(gen / SOURCES, {"sources": [s.to_dict() for s in sources], "written": time.time()})
