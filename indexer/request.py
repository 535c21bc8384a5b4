"""What a search asks for: `SearchRequest.create` validates raw parameters (from the CLI or a
URL) in one place and raises `BadRequest` with a message saying which parameter and why."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

SORTS = ("relevance", "newest", "oldest")
MAX_QUERY_CHARS = 2000
MAX_PER_PAGE = 1000
MAX_FILTER_VALUES = 50


class BadRequest(ValueError):
    """A search parameter that cannot be used; the message says which and why."""


_DATE_RE = re.compile(r"^\s*(\d{4})(?:[-/.](\d{1,2})(?:[-/.](\d{1,2}))?)?\s*$")


def parse_date_bound(value: str | None, *, end: bool, name: str) -> str | None:
    """'2024', '2024-02' or '2024-02-05' → a YYYY-MM-DD bound (start or end of the period)."""
    if value is None or str(value).strip() == "":
        return None
    m = _DATE_RE.match(str(value))
    if not m:
        raise BadRequest(f"{name} must be a date like 2024-02-05, 2024-02 or 2024, not {value!r}")
    year, month, day = int(m.group(1)), m.group(2), m.group(3)
    try:
        if month is None:
            d = dt.date(year, 12, 31) if end else dt.date(year, 1, 1)
        elif day is None:
            first = dt.date(year, int(month), 1)
            d = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1) if end else first
        else:
            d = dt.date(year, int(month), int(day))
    except ValueError:
        raise BadRequest(f"{name} is not a valid date: {value!r}") from None
    return d.isoformat()


def _int_param(value, name: str, default: int, lo: int, hi: int | None) -> int:
    if value is None or (isinstance(value, str) and value.strip() == ""):
        return default
    if isinstance(value, bool):
        raise BadRequest(f"{name} must be a whole number")
    try:
        n = int(str(value).strip()) if not isinstance(value, int) else value
    except ValueError:
        raise BadRequest(f"{name} must be a whole number, not {value!r}") from None
    if n < lo or (hi is not None and n > hi):
        raise BadRequest(f"{name} must be between {lo} and {hi}" if hi else f"{name} must be at least {lo}")
    return n


def _values(given, name: str) -> tuple[str, ...]:
    """A repeatable filter's values: stripped, empty ones dropped, each once, in order."""
    if given is not None and not isinstance(given, (str, list, tuple, set, frozenset)):
        raise BadRequest(f"{name} must be text or a list of text")
    given = [given] if isinstance(given, str) else list(given or ())
    if len(given) > MAX_FILTER_VALUES:
        raise BadRequest(f"at most {MAX_FILTER_VALUES} {name} filters")
    if any(not isinstance(v, str) for v in given):
        raise BadRequest(f"{name} must be text")
    return tuple(dict.fromkeys(v.strip() for v in given if v.strip()))


@dataclass(frozen=True)
class SearchRequest:
    query: str = ""
    sources: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()
    date_from: str | None = None
    date_to: str | None = None
    sort: str = "relevance"
    page: int = 1
    per_page: int = 10

    @classmethod
    def create(cls, query=None, sources=(), authors=(), date_from=None, date_to=None,
               sort=None, page=None, per_page=None) -> SearchRequest:
        """Validate raw parameters (from the CLI or a URL); raises BadRequest."""
        q = "" if query is None else query
        if not isinstance(q, str):
            raise BadRequest("q must be text")
        if len(q) > MAX_QUERY_CHARS:
            raise BadRequest(f"the query is {len(q)} characters long; the limit is {MAX_QUERY_CHARS}")
        sort = (sort or "relevance").strip() if isinstance(sort, str) or sort is None else sort
        if sort not in SORTS:
            raise BadRequest(f"sort must be one of {', '.join(SORTS)}, not {sort!r}")
        d_from = parse_date_bound(date_from, end=False, name="from")
        d_to = parse_date_bound(date_to, end=True, name="to")
        if d_from and d_to and d_from > d_to:
            raise BadRequest(f"from ({d_from}) is after to ({d_to})")
        return cls(query=q, sources=_values(sources, "source"), authors=_values(authors, "author"),
                   date_from=d_from, date_to=d_to, sort=sort,
                   page=_int_param(page, "page", 1, 1, 1_000_000),
                   per_page=_int_param(per_page, "per_page", 10, 1, MAX_PER_PAGE))
