"""What a search returns: `SearchResult` with its `Hit`s, facets and suggestions, and
`to_dict()`, the JSON object of the public contract ("Search result"). The CLI and the web
layer only render these."""
from __future__ import annotations

from dataclasses import dataclass, field

from indexer.search.request import SearchRequest

FACET_NAMES = ("source", "author", "column", "decade", "year", "month")


@dataclass
class Hit:
    id: str
    title: str
    date: str | None
    source: str | None
    sources: list[str]  # `source` split into the publishing bodies one by one
    authors: list[str]
    url: str | None
    column: str | None
    score: float | None  # None when sorted by date
    snippet: str  # HTML
    title_html: str  # HTML
    duplicates: int = 0  # other matching articles (near-duplicate reposts) this hit stands for


@dataclass
class FacetValue:
    value: str
    count: int
    selected: bool = False


@dataclass
class Suggestion:
    """A query that would find more: `kind` is "variant", "drop_term" or "unquoted"."""

    query: str
    total: int
    kind: str


@dataclass
class SearchResult:
    query: str
    total: int  # every matching article
    page: int
    per_page: int
    took_ms: float
    hits: list[Hit]
    facets: dict[str, list[FacetValue]]  # FACET_NAMES → values
    sort: str = "relevance"  # the sort applied (an only-excluding query is never by relevance)
    stories: int | None = None  # distinct stories among `total`; None → total (nothing collapsed)
    variants: list[str] = field(default_factory=list)  # other wordings unquoted terms found
    suggestions: list[Suggestion] = field(default_factory=list)
    facets_truncated: dict[str, bool] = field(default_factory=dict)  # was a facet's list cut?
    request: SearchRequest = field(repr=False, default_factory=SearchRequest)
    notice: str | None = None  # why nothing was searched (a query of punctuation only), in Chinese
    # facet name → index values containing a filter value that names none (央视 → 央视网)
    filter_hints: dict[str, list[FacetValue]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.stories is None:
            self.stories = self.total

    @property
    def pages(self) -> int:
        """Pages of hits: reposts collapsed, a page lists stories, so stories are counted; none
        of them empty (no results: no page)."""
        return -(-self.stories // self.per_page)

    def to_dict(self) -> dict:
        """The contract's JSON object."""
        return {
            "query": self.query, "total": self.total, "page": self.page,
            "per_page": self.per_page, "took_ms": self.took_ms, "sort": self.sort,
            "stories": self.stories,
            "hits": [_plain(h) for h in self.hits],
            "facets": {name: [dict(vars(v)) for v in values] for name, values in self.facets.items()},  # scalars only
            "facets_truncated": dict(self.facets_truncated),
            "variants": list(self.variants),
            "suggestions": [_plain(s) for s in self.suggestions],
            "within": list(self.request.within),
            "pages": self.pages,
            "notice": self.notice,
            "filter_hints": {name: [_plain(v) for v in values] for name, values in self.filter_hints.items()},
        }


def _plain(item) -> dict:
    """A flat dataclass (a hit, a facet value, a suggestion) as a dict, its lists copied:
    `dataclasses.asdict` deep-copies every value and took a third of a JSON search's time (the
    date facets of a 70-year archive hold hundreds of values)."""
    return {k: (list(v) if type(v) is list else v) for k, v in vars(item).items()}  # fields in order
