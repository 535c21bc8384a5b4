"""What a search may cost: refused before it starts when its size alone is too much, run apart
when heavy by its shape, stopped at its deadline."""
from __future__ import annotations

import time

from indexer.search.query import ParsedQuery, clause_key, parse_query
from indexer.search.request import (
    SearchRequest,
    SearchTooCostly,
)

MAX_CLAUSES_BY_PAGE = 100_000  # distinct positive clauses × page size a search may ask for
HEAVY_CLAUSES = 32  # a search with more clauses than this, or...
DEEP_HITS = 10_000  # a page reaching past this many hits is heavy too
HEAVY_CLAUSES_BY_PAGE = 2_000  # ...more clauses × page size, is heavy by nature (see is_heavy)


def clause_count(request: SearchRequest, parsed: ParsedQuery | None = None) -> int:
    """The distinct positive clauses a search looks for (its within-queries' included)."""
    parsed = parsed or parse_query(request.query)
    within = sum(len(parse_query(w).positive) for w in request.within)
    return len({clause_key(c) for c in parsed.positive}) + within


def is_heavy(request: SearchRequest) -> bool:
    """Whether a search is costly by its shape alone (hundreds of words, or many words on a
    long page), before it runs: servers run such searches apart from ordinary ones."""
    words = sum(1 for w in request.query.split() if w not in ("OR", "AND", "NOT"))
    if words > 4 * HEAVY_CLAUSES:  # told without parsing (refusing it must cost little)
        return True
    if request.page * request.per_page > DEEP_HITS:  # every hit before the page is ranked (and, on a cluster, sorted)
        return True
    clauses = clause_count(request)
    return clauses > HEAVY_CLAUSES or clauses * request.per_page > HEAVY_CLAUSES_BY_PAGE


def check_budget(request: SearchRequest, clauses: int) -> None:
    """Refuse before starting a search whose size alone makes it too costly: each of its
    clauses is looked for in every article of its page (matching, ranking, marking)."""
    if clauses * request.per_page > MAX_CLAUSES_BY_PAGE:
        raise SearchTooCostly(request.query, f"{clauses} 个词语 × 每页 {request.per_page} 条超过了 "
                                             f"{MAX_CLAUSES_BY_PAGE:,} 的上限")


class Deadline:
    """How long a search may run: `check` raises `SearchTooCostly` once `seconds` have passed on
    the wall clock since it began (None: no limit) — what the person waiting sees. (Counting the
    thread's processor time instead let a search on a busy machine run for many times its
    deadline: 21 s under eight worst-case clients; and reading it cost up to 2 ms a call.)
    Called in the loops whose work grows with the query and the index."""

    def __init__(self, query: str, seconds: float | None) -> None:
        self.query, self.seconds = query, seconds
        self.at = None if seconds is None else time.perf_counter() + seconds

    def passed(self) -> bool:
        return self.at is not None and time.perf_counter() > self.at

    def check(self) -> None:
        if self.passed():
            raise SearchTooCostly(self.query, f"超过了 {self.seconds:g} 秒的时限")
