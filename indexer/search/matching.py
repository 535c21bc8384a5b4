"""The articles one request matches, and their order: the interface the engine, the concordance
and the exports share (`indexer.backends.opensearch_reading.ClusterMatching` has the same one
for a cluster)."""
from __future__ import annotations

import numpy as np

from indexer.search.budget import Deadline
from indexer.search.filters import chosen_values, notice
from indexer.search.postings import ExactPostings
from indexer.search.query import ParsedQuery
from indexer.search.ranking import by_date, rank
from indexer.search.request import (
    SearchRequest,
)
from indexer.segment.sortedsets import union


class Matching:
    """The articles one request matches (`SearchEngine.matching`): `docs` as typed, `extra` only
    through the other strait's wording (`added`, in the `expanded` query), both sorted docnums."""

    def __init__(self, gen, searcher, exact: ExactPostings, stories, request: SearchRequest,
                 parsed: ParsedQuery, docs: np.ndarray, extra: np.ndarray, expanded: ParsedQuery,
                 added: list[str], within: np.ndarray | None = None, deadline: Deadline | None = None,
                 unsearchable: str | None = None) -> None:
        self.gen, self.searcher, self.exact, self.stories = gen, searcher, exact, stories
        self.unsearchable = unsearchable  # the query or within-query with nothing searchable in it (it finds nothing)
        self.within = within  # the articles the within-queries match (None: no narrowing)
        self.deadline = deadline or Deadline(request.query, None)
        self.request, self.parsed, self.docs, self.extra = request, parsed, docs, extra
        self.expanded, self.added = expanded, added
        self.everything = union(docs, extra)
        self.sort = applied_sort(request, parsed)

    @property
    def marking(self) -> ParsedQuery:
        """The query whose phrases mark the results (with the wordings added, if any)."""
        return self.expanded if self.added else self.parsed

    def notice(self) -> str | None:
        """What the search's result would say of this request (`filters.notice`): nothing
        searchable, an operator read as text, a filter value naming none."""
        return notice(self.unsearchable, self.parsed, chosen_values(self.gen.docvalues, self.request)[1])

    def order(self, n: int) -> list[tuple[int, float | None]]:
        """The first `n` matching articles in the applied sort, each with its score (None when
        sorted by date)."""
        days = self.gen.docvalues.days
        if self.sort != "relevance":
            return [(d, None) for d in date_order(self.everything, days, n, newest=self.sort == "newest").tolist()]
        self.deadline.check()
        first = rank(self.searcher, self.parsed, self.exact, self.docs, days, n) if len(self.docs) else []
        if len(first) < n and len(self.extra):
            self.deadline.check()
            first += rank(self.searcher, self.expanded, self.exact, self.extra, days, n - len(first))
        self.deadline.check()
        return first


def date_order(docs: np.ndarray, days, n: int, *, newest: bool) -> np.ndarray:
    """The first `n` of `docs` (sorted docnums) by date, newest or oldest first; undated
    articles last either way (later docnums first with `newest`, earlier with oldest)."""
    dated = np.asarray(days)[docs] > 0
    first = by_date(docs[dated], days, n, newest=newest)
    if len(first) < n:
        undated = docs[~dated]
        first = np.concatenate((first, (undated[::-1] if newest else undated)[:n - len(first)]))
    return first


def dated_representatives(kept: list[int], ordered: list[tuple[int, float | None]], everything: np.ndarray,
                          stories: np.ndarray, days) -> list[tuple[int, int]]:
    """(shown, kept) for each story kept for a page: the story's best-ranked article, or, when
    that one is undated, its best-ranked dated matching copy (else any dated one, the newest)."""
    days = np.asarray(days)
    out = []
    rank_of = None
    for d in kept:
        if days[d] > 0:
            out.append((d, d))
            continue
        members = everything[stories[everything] == stories[d]]
        dated = members[days[members] > 0]
        if not len(dated):
            out.append((d, d))
            continue
        if rank_of is None:
            rank_of = {doc: i for i, (doc, _) in enumerate(ordered)}
        best = min(dated.tolist(), key=lambda m: (rank_of.get(m, len(rank_of)), -int(days[m]), m))
        out.append((best, d))
    return out


def as_docnums(matched, everything: np.ndarray) -> np.ndarray:
    """`match_docnums`' answer (a set, a sorted array, or None for "no constraint") as a
    sorted NumPy array of document numbers."""
    if matched is None:
        return everything
    if isinstance(matched, np.ndarray):
        return matched.astype(np.int64, copy=False)
    return np.sort(np.fromiter(matched, dtype=np.int64, count=len(matched)))


def applied_sort(request: SearchRequest, parsed: ParsedQuery) -> str:
    """The sort a search applies: relevance needs positive terms to rank by; without them
    (an empty or only-excluding query) the newest come first unless the oldest were asked."""
    if request.sort == "relevance" and not parsed.groups:
        return "newest"
    return request.sort
