"""URL parameters → `SearchRequest.create` arguments, and the search state links are built from.

Validation (lengths, ranges, dates, sorts, per_page) lives in `SearchRequest.create` alone; this
module only picks the values out of the query string. Repeatable filters (`source`, `author`)
are read with getlist; for the single-valued ones the first value wins.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

from werkzeug.datastructures import MultiDict

from indexer.search import SearchRequest

PAGE_PER_PAGE = 10  # the search page shows this many; the API takes per_page


def search_request(args: MultiDict[str, str], *, with_per_page: bool) -> SearchRequest:
    """Build and validate the request; raises indexer.search.BadRequest."""
    return SearchRequest.create(
        query=args.get("q"),
        sources=args.getlist("source"),
        authors=args.getlist("author"),
        date_from=args.get("from"),
        date_to=args.get("to"),
        sort=args.get("sort"),
        page=args.get("page"),
        per_page=args.get("per_page") if with_per_page else PAGE_PER_PAGE,
    )


@dataclass(frozen=True)
class SearchState:
    """What the user asked for, as they wrote it (dates like '2024' stay '2024' in links)."""

    q: str = ""
    sources: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()
    date_from: str = ""
    date_to: str = ""
    sort: str = "relevance"
    page: int = 1

    @classmethod
    def of(cls, args: MultiDict[str, str], request: SearchRequest) -> SearchState:
        return cls(q=request.query, sources=request.sources, authors=request.authors,
                   date_from=(args.get("from") or "").strip(), date_to=(args.get("to") or "").strip(),
                   sort=request.sort, page=request.page)

    def with_(self, **changes) -> SearchState:
        """A copy with changes; any change other than the page goes back to page 1."""
        if "page" not in changes:
            changes["page"] = 1
        return replace(self, **changes)

    def query_args(self) -> dict[str, str | list[str]]:
        """URL parameters for this state, leaving out defaults so links stay short."""
        args: dict[str, str | list[str]] = {}
        if self.q:
            args["q"] = self.q
        if self.sources:
            args["source"] = list(self.sources)
        if self.authors:
            args["author"] = list(self.authors)
        if self.date_from:
            args["from"] = self.date_from
        if self.date_to:
            args["to"] = self.date_to
        if self.sort != "relevance":
            args["sort"] = self.sort
        if self.page != 1:
            args["page"] = str(self.page)
        return args
