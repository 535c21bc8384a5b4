"""The Article: what every input format is turned into and what the index stores."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass
class Article:
    """One article, with the fields of CONTRACT.md "Article"."""

    id: str
    title: str = ""
    date: str | None = None  # YYYY-MM-DD
    source: str | None = None
    authors: list[str] = field(default_factory=list)
    url: str | None = None
    column: str | None = None
    keywords: list[str] = field(default_factory=list)
    body: str = ""

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Skipped:
    """A file, or one record in a file, that could not become an article, and why."""

    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"
