"""Facet counting: how many of the matching articles have each source, author, year and month.

Counts are over every matching article, not just the page shown. Source and author lists are
ordered by count and cut at `FACET_LIMIT` values (a selected value is always listed); each
facet says whether its list was cut (`truncated`, as Datasette does). Years and months are
listed whole, newest first.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from indexer.result import FacetValue

FACET_LIMIT = 30
FACETS = ("source", "author", "year", "month")


def by_count(counter: Counter, selected: Sequence[str], limit: int = FACET_LIMIT) -> tuple[list[FacetValue], bool]:
    """The `limit` most frequent values (ties by value), then any selected value not among
    them; and whether values were left out."""
    top = sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
    shown = {v for v, _ in top}
    values = [FacetValue(v, c, v in selected) for v, c in top]
    values += [FacetValue(v, counter.get(v, 0), True) for v in selected if v not in shown]
    return values, len(counter) > limit


def by_value(counter: Counter) -> list[FacetValue]:
    """Every value, newest (largest) first."""
    return [FacetValue(v, c) for v, c in sorted(counter.items(), reverse=True)]


def count_facets(gen, docnums: Sequence[int], sources: Sequence[str] = (), authors: Sequence[str] = (),
                 limit: int = FACET_LIMIT) -> tuple[dict[str, list[FacetValue]], dict[str, bool]]:
    """(facets, truncated) over the articles `docnums` of the generation `gen`."""
    src = Counter(s for s in map(gen.sources.__getitem__, docnums) if s)
    auth = Counter(a for d in docnums for a in gen.authors[d])
    months = Counter(m for m in (gen.dates[d][:7] for d in docnums) if m)
    years: Counter = Counter()
    for m, c in months.items():
        years[m[:4]] += c
    source_values, source_cut = by_count(src, sources, limit)
    author_values, author_cut = by_count(auth, authors, limit)
    facets = {"source": source_values, "author": author_values, "year": by_value(years), "month": by_value(months)}
    truncated = {"source": source_cut, "author": author_cut, "year": False, "month": False}
    return facets, truncated
