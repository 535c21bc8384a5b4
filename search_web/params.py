"""URL parameters → `SearchRequest.create` arguments, and the search state links are built from.

Validation (lengths, ranges, dates, sorts, per_page, facet_size) lives in `SearchRequest.create`
alone; this module only picks the values out of the query string (the same parameters on `/`,
`/api/search`, `/api/search.csv` and `/feeds/search.atom`, docs/interfaces.md "Web routes"). Repeatable filters
(`source`, `author`, `column`) are read with getlist; for the single-valued ones the first wins.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from werkzeug.datastructures import MultiDict

from indexer.search.request import MAX_QUERY_CHARS, SearchRequest

PER_PAGE_CHOICES = (10, 20, 50, 100)
DEFAULT_PER_PAGE = 10
DATE_CHARS = 40  # a date bound shown again after an error: no date is longer


def search_request(args: MultiDict[str, str], **overrides: Any) -> SearchRequest:
    """Build and validate the request from URL parameters; raises indexer.search.BadRequest.

    `overrides` replace parsed values (the CSV export pages through results, the feed asks for
    the newest 50)."""
    kwargs: dict[str, Any] = dict(
        query=args.get("q"),
        sources=args.getlist("source"),
        authors=args.getlist("author"),
        columns=args.getlist("column"),
        date_from=args.get("from"),
        date_to=args.get("to"),
        sort=args.get("sort"),
        page=args.get("page"),
        per_page=args.get("per_page"),
        facet_size=args.get("facet_size"),
        collapse=args.get("collapse"),
        variants=args.get("variants"),
        story=(args.get("story") or "").strip() or None,
        within=args.getlist("within"),
    )
    kwargs.update(overrides)
    return SearchRequest.create(**kwargs)


def _int(value: Any, default: int | None) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return default


@dataclass(frozen=True)
class SearchState:
    """What the user asked for, as they wrote it (dates like '2005年6月' stay so in links)."""

    q: str = ""
    sources: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()
    columns: tuple[str, ...] = ()
    date_from: str = ""
    date_to: str = ""
    sort: str = "relevance"
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE
    facet_size: int | None = None
    collapse: bool = True
    variants: bool = True
    story: str = ""
    within: tuple[str, ...] = ()  # search within results: queries the results must also match
    q_cut: bool = False  # the query as typed was longer than a query may be (only its start is kept)

    @classmethod
    def of(cls, args: MultiDict[str, str], request: SearchRequest) -> SearchState:
        """The state of a valid request: values as the engine read them, dates as written."""
        return cls(q=request.query, sources=request.sources, authors=request.authors,
                   columns=tuple(getattr(request, "columns", ()) or ()),
                   date_from=(args.get("from") or "").strip(), date_to=(args.get("to") or "").strip(),
                   sort=request.sort, page=request.page, per_page=request.per_page,
                   facet_size=(getattr(request, "facet_size", None) or _int(args.get("facet_size"), None))
                   if (args.get("facet_size") or "").strip() else None,
                   collapse=getattr(request, "collapse", True) is not False,
                   variants=getattr(request, "variants", True) is not False,
                   story=getattr(request, "story", None) or "",
                   within=tuple(getattr(request, "within", ()) or ()))

    @classmethod
    def raw(cls, args: MultiDict[str, str]) -> SearchState:
        """The state of a request the engine refused: everything kept as typed, so the page can
        show it again (bad numbers fall back to their defaults). Texts longer than a query may be
        are cut to that length, so a page answering a huge request stays small."""
        def values(name: str) -> tuple[str, ...]:
            return tuple(dict.fromkeys(v.strip()[:MAX_QUERY_CHARS] for v in args.getlist(name)[:50] if v.strip()))

        sort = (args.get("sort") or "relevance").strip()
        q = args.get("q") or ""
        return cls(q=q[:MAX_QUERY_CHARS], q_cut=len(q) > MAX_QUERY_CHARS, sources=values("source"), authors=values("author"),
                   columns=values("column"), date_from=(args.get("from") or "").strip()[:DATE_CHARS],
                   date_to=(args.get("to") or "").strip()[:DATE_CHARS],
                   sort=sort if sort in ("relevance", "newest", "oldest") else "relevance",
                   page=1, per_page=_int(args.get("per_page"), None) or DEFAULT_PER_PAGE,
                   collapse=(args.get("collapse") or "").strip() != "0",
                   variants=(args.get("variants") or "").strip() != "0",
                   story=(args.get("story") or "").strip()[:MAX_QUERY_CHARS], within=values("within"))

    def with_(self, **changes: Any) -> SearchState:
        """A copy with changes; any change other than the page or facet_size goes back to page 1."""
        if "page" not in changes and "facet_size" not in changes:
            changes["page"] = 1
        return replace(self, **changes)

    def query_args(self, *, paging: bool = True, sort: bool = True) -> dict[str, str | list[str]]:
        """URL parameters for this state, leaving out defaults so links stay short; without
        `paging`, no page, per_page or facet_size (exports), without `sort` no sort (the feed)."""
        args: dict[str, str | list[str]] = {}
        if self.q:
            args["q"] = self.q
        if self.sources:
            args["source"] = list(self.sources)
        if self.authors:
            args["author"] = list(self.authors)
        if self.columns:
            args["column"] = list(self.columns)
        if self.date_from:
            args["from"] = self.date_from
        if self.date_to:
            args["to"] = self.date_to
        if sort and self.sort != "relevance":
            args["sort"] = self.sort
        if not self.collapse:
            args["collapse"] = "0"
        if not self.variants:
            args["variants"] = "0"
        if self.story:
            args["story"] = self.story
        if self.within:
            args["within"] = list(self.within)
        if paging:
            if self.page != 1:
                args["page"] = str(self.page)
            if self.per_page != DEFAULT_PER_PAGE:
                args["per_page"] = str(self.per_page)
            if self.facet_size is not None:
                args["facet_size"] = str(self.facet_size)
        return args

    def hidden_fields(self, *skip: str) -> list[tuple[str, str]]:
        """(name, value) pairs for a form's hidden inputs carrying this state (page excluded; a
        query cut for being too long is left to the box alone)."""
        out: list[tuple[str, str]] = []
        for name, value in self.query_args().items():
            if name in skip or name == "page" or (name == "q" and self.q_cut):
                continue
            out.extend((name, v) for v in (value if isinstance(value, list) else [value]))
        return out
