"""Facet counting: how many of the matching articles have each source, author, column (栏目),
year and month.

Counts are over every matching article, not just the page shown, and are computed in bulk
(`np.bincount` over the generation's per-article values, `indexer.search.docvalues`). Sources count each publishing
body of a joint document (`內政部;銓敘部` counts for both). Source, author and column lists are
ordered by count (ties by the value folded, as the cluster orders them) and cut at the request's `facet_size`; a selected value is
always listed, and each facet says whether its list was cut (`truncated`, as Datasette does).
Spellings a filter takes for one value (生态环境部 / 生態環境部, folded alike) are one entry,
under the spelling most of the matching articles use, counting each article once.
Decades (`2020s`: 2020-2029), years and months are listed whole, newest first.
"""
from __future__ import annotations

import weakref
from collections.abc import Iterable, Sequence

import numpy as np

from indexer.analysis import fold
from indexer.search.docvalues import DocValues, Labels
from indexer.search.result import FacetValue

VALUE_FACETS = ("source", "author", "column")  # listed by count, cut at facet_size
MAX_HINTS = 10  # values offered for a filter value that names none
_FOLDED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # Labels → folded name → names
_SPELLINGS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # Labels → value ids folded alike
_RANKS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # Labels → each value id's folded place


def fold_key(value: str) -> str:
    """A filter value or facet value as filters compare them (folded like a query)."""
    return fold(value).strip()


def fold_names(names: Iterable[str]) -> dict[str, list[str]]:
    """Each folded name → the names that fold to it (in the order given)."""
    found: dict[str, list[str]] = {}
    for name in names:
        found.setdefault(fold_key(name), []).append(name)
    return found


def _folded_names(labels: Labels) -> dict[str, list[str]]:
    found = _FOLDED.get(labels)
    if found is None:
        found = _FOLDED[labels] = fold_names(labels.names)
    return found


def resolve(labels: Labels, values: Iterable[str]) -> tuple[list[str], list[str]]:
    """(the index's values each of `values` names, the `values` that name none). A filter value
    names every value equal to it once folded like a query (Traditional/Simplified, width,
    case): 生态环境部 names 生態環境部. Whole values only: 央视 does not name 央视网."""
    return named(_folded_names(labels), values)


def named(folded: dict[str, list[str]], values: Iterable[str]) -> tuple[list[str], list[str]]:
    """(the names of `folded` (`fold_names`) that `values` name, the values that name none)."""
    chosen: list[str] = []
    unknown: list[str] = []
    for v in values:
        found = folded.get(fold_key(v))
        if found:
            chosen += [v, *(x for x in found if x != v)] if v in found else found  # the spelling typed first
        else:
            unknown.append(v)
    return list(dict.fromkeys(chosen)), unknown


def names(value: str, name: str) -> bool:
    """Whether filter value `value` names the index's value `name` (as `resolve` decides)."""
    return fold_key(value) == fold_key(name)


def containing(labels: Labels, value: str, docs: np.ndarray, limit: int = MAX_HINTS) -> list[FacetValue]:
    """The values that contain `value` (folded), with their counts among `docs`, most frequent
    first: what a filter value that names no value may have meant (央视 → 央视网)."""
    key = fold_key(value)
    if not key:
        return []
    ids = [i for i, name in enumerate(labels.names) if key in fold(name)]
    if not ids:
        return []
    counts = labels.counts(docs)
    order = sorted(ids, key=lambda i: (-int(counts[i]), labels.names[i]))
    return [FacetValue(labels.names[i], int(counts[i])) for i in order[:limit]]
PERIOD_FACETS = ("decade", "year", "month")  # listed whole, newest first


def _folded_rank(labels: Labels) -> np.ndarray:
    """Each value id's place among the values folded (`fold_key`), ties by the value itself."""
    found = _RANKS.get(labels)
    if found is None:
        keys = [fold_key(n) for n in labels.names]
        order = sorted(range(len(keys)), key=lambda i: (keys[i], labels.names[i]))
        found = _RANKS[labels] = np.empty(len(keys), dtype=np.int64)
        found[order] = np.arange(len(keys))
    return found


def top_values(names: Sequence[str], counts: np.ndarray, selected: Sequence[str],
               limit: int, rank: np.ndarray | None = None) -> tuple[list[FacetValue], bool]:
    """The `limit` most frequent values (ties by `rank`, a place for each value id: by the value
    folded, as the cluster backend's aggregations order them; else by value), then any selected
    value not among them; and whether values were left out."""
    present = np.flatnonzero(counts)
    # names are sorted, so a value's id orders ties by value
    order = present[np.lexsort((present if rank is None else rank[present], -counts[present]))]
    top = order[:limit]
    values = [FacetValue(names[i], int(counts[i]), names[i] in selected) for i in top.tolist()]
    shown = {v.value for v in values}
    index = {names[i]: i for i in order[limit:].tolist()} if len(order) > limit else {}
    values += [FacetValue(v, int(counts[index[v]]) if v in index else 0, True) for v in selected if v not in shown]
    return values, len(order) > limit


def _spellings(labels: Labels) -> list[list[int]]:
    """The value ids of each group of values that are one value to a filter (folded alike:
    生态环境部 / 生態環境部), for the groups of more than one."""
    found = _SPELLINGS.get(labels)
    if found is None:
        found = _SPELLINGS[labels] = [[labels.index[n] for n in group]
                                      for group in _folded_names(labels).values() if len(group) > 1]
    return found


def value_facet(labels: Labels, docs: np.ndarray, selected: Sequence[str], limit: int, *, folded_ties: bool = True):
    """A value facet whose spellings of one value (folded alike, as a filter names them) are
    one entry: its most frequent spelling among `docs`, counting every article holding any of
    them once, so that clicking it finds as many articles as it says. Ties in count go by the
    value folded (`folded_ties`, as the cluster's facets break them), else by the value (as the
    cluster's `stats` does)."""
    counts, names = labels.counts(docs), labels.names
    spelled: dict[str, str] = {}  # a spelling → the one listed for its group
    several = None  # the docs holding more than one value, found when first needed
    for ids in _spellings(labels):
        present = [i for i in ids if counts[i]]
        if not present:  # a chosen value none of `docs` holds: one entry, the spelling chosen first
            first = next((v for v in selected if labels.index.get(v) in ids), None)
            if first is not None:
                spelled.update((names[i], first) for i in ids)
            continue
        shown = max(present, key=lambda i: (int(counts[i]), -i))
        if len(present) > 1:
            several = labels.several(docs) if several is None else several
            total = int(counts[present].sum()) - labels.repeats(several, present)
            counts[present] = 0
            counts[shown] = total
        spelled.update((names[i], names[shown]) for i in ids)
    if spelled:
        selected = list(dict.fromkeys(spelled.get(v, v) for v in selected))
    return top_values(names, counts, selected, limit, _folded_rank(labels) if folded_ties else None)


def count_facets(docvalues: DocValues, docs: np.ndarray, *, sources: Sequence[str] = (),
                 authors: Sequence[str] = (), column_values: Sequence[str] = (),
                 limit: int = 30) -> tuple[dict[str, list[FacetValue]], dict[str, bool]]:
    """(facets, truncated) over the articles `docs` (global document numbers, NumPy ints)."""
    facets: dict[str, list[FacetValue]] = {}
    truncated: dict[str, bool] = {}
    for name, labels, selected in (("source", docvalues.sources, sources), ("author", docvalues.authors, authors),
                                   ("column", docvalues.column, column_values)):
        facets[name], truncated[name] = value_facet(labels, docs, selected, limit)
    month_counts = docvalues.month_counts(docs)
    months: list[tuple[str, int]] = [(docvalues.month_names[i], int(month_counts[i]))
                                     for i in np.flatnonzero(month_counts).tolist()]
    facets.update(date_facets(months))
    truncated["decade"] = truncated["year"] = truncated["month"] = False
    return facets, truncated


def date_facets(months: Iterable[tuple[str, int]]) -> dict[str, list[FacetValue]]:
    """The decade, year and month facets (newest first) from (YYYY-MM, count) pairs."""
    months = list(months)
    years: dict[str, int] = {}
    for m, c in months:
        years[m[:4]] = years.get(m[:4], 0) + c
    decades: dict[str, int] = {}
    for y, c in years.items():
        decades[y[:3] + "0s"] = decades.get(y[:3] + "0s", 0) + c
    return {"decade": [FacetValue(d, c) for d, c in sorted(decades.items(), reverse=True)],
            "year": [FacetValue(y, c) for y, c in sorted(years.items(), reverse=True)],
            "month": [FacetValue(m, c) for m, c in sorted(months, reverse=True)]}
