"""The Article: what every input format is turned into and what the index stores."""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import ClassVar

# Between the names of bodies that issue one document together: 內政部;銓敘部, 发改委、商务部.
_SOURCE_SEPARATORS = re.compile(r"\s*[;；、，,]\s*")


def split_sources(source: str | None) -> list[str]:
    """The publishing bodies one by one, in order, each once (docs/interfaces.md, "The article": `sources`)."""
    if not source:
        return []
    return list(dict.fromkeys(part for part in _SOURCE_SEPARATORS.split(source.strip()) if part))


@dataclass
class Article:
    """One article, with the fields of docs/interfaces.md "The article"."""

    id: str
    title: str = ""
    date: str | None = None  # YYYY-MM-DD
    source: str | None = None
    authors: list[str] = field(default_factory=list)
    url: str | None = None
    column: str | None = None
    keywords: list[str] = field(default_factory=list)
    body: str = ""
    # the line of its file a record was read from (JSON Lines), for reports; not an article field
    line: ClassVar[int | None] = None
    # a record with a title but no text under a known name: its own field that holds the most
    # text (`article`), for the report's hint of the --field-map that reads it; not a field
    unread_text: ClassVar[str | None] = None

    @property
    def sources(self) -> list[str]:
        """The publishing bodies one by one: `source` split where several issue together."""
        return split_sources(self.source)

    def to_dict(self) -> dict:
        return {**asdict(self), "sources": self.sources}


@dataclass
class Skipped:
    """A file, or one record in a file, that could not become an article, and why."""

    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"
