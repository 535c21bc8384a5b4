"""What a search returns: `SearchResult` with its `Hit`s and facets, and `to_dict()`, the JSON
object of the public contract ("Search result"). The CLI and the web layer only render these."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

from indexer.request import SearchRequest


@dataclass
class Hit:
    id: str
    title: str
    date: str | None
    source: str | None
    authors: list[str]
    url: str | None
    column: str | None
    score: float | None
    snippet: str
    title_html: str


@dataclass
class FacetValue:
    value: str
    count: int
    selected: bool = False


@dataclass
class SearchResult:
    query: str
    total: int
    page: int
    per_page: int
    took_ms: float
    hits: list[Hit]
    facets: dict[str, list[FacetValue]]
    request: SearchRequest = field(repr=False, default_factory=SearchRequest)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    def to_dict(self) -> dict:
        """The contract's JSON object."""
        return {
            "query": self.query, "total": self.total, "page": self.page,
            "per_page": self.per_page, "took_ms": self.took_ms,
            "hits": [asdict(h) for h in self.hits],
            "facets": {name: [asdict(v) for v in values] for name, values in self.facets.items()},
        }
