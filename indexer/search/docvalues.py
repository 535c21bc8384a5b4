"""Per-article values (doc values: dates, sources, authors, 栏目) of one index generation as
NumPy arrays, for work in bulk on the query path: filters are boolean masks over the matching
document numbers, facets `np.bincount` over them, date sorts `argpartition`/`argsort`. Nothing
here loops over matching articles in Python, and the work is in proportion to the matches, not
to the index.

The values come from the generation's Whoosh columns (`date`, `source`, `authors_col`,
`column_col`; for segments written before `column_col` existed, the column comes from the stored
fields, which costs reading every stored article at open). They are read
segment by segment; segments are immutable and shared between generations (an ingest hard-links
them), so `SegmentCache` keeps each segment's values and a new generation reads only its new
segments. Deletions are per generation and applied at open.
"""
from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from indexer.article import split_sources
from indexer.dates import day_number

AUTHOR_SEPARATOR = "\x1f"  # between the names in the `authors_col` column (indexer.segment.schema)


@dataclass(frozen=True)
class SegmentValues:
    """One segment's raw values, by segment-local document number (deleted ones included).

    Tuples of strings, never lists: Python's cycle collector stops looking at a tuple that holds
    only strings (or such tuples) once it has seen it, while it walks every item of a list on
    every full collection (at 100,000 articles such lists made each one a 20-35 ms pause in the
    search it fell in)."""

    dates: tuple[str, ...]
    sources: tuple[str, ...]
    authors: tuple[tuple[str, ...], ...]
    columns: tuple[str, ...]


def _has_column(leaf, name: str) -> bool:
    return name in leaf.schema and bool(leaf.has_column(name))  # segments written before a column existed


def _column(leaf, name: str, count: int) -> tuple[str, ...]:
    if not _has_column(leaf, name):
        return ("",) * count
    return tuple(v if isinstance(v, str) else (v.decode("utf-8") if v else "") for v in leaf.column_reader(name))


def _stored_column(leaf, name: str, count: int) -> tuple[str, ...]:
    values = (leaf.stored_fields(i).get(name) for i in range(count))  # deleted ones too
    return tuple(v if isinstance(v, str) else "" for v in values)


def read_segment(leaf) -> SegmentValues:
    count = leaf.doc_count_all()
    authors = tuple(tuple(a.split(AUTHOR_SEPARATOR)) if a else () for a in _column(leaf, "authors_col", count))
    return SegmentValues(dates=_column(leaf, "date", count), sources=_column(leaf, "source", count),
                         authors=authors,
                         columns=_column(leaf, "column_col", count) if _has_column(leaf, "column_col")
                         else _stored_column(leaf, "column", count))


class SegmentCache:
    """Segment id → SegmentValues, kept for the segments of the generations still open."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._values: dict[str, SegmentValues] = {}

    def get(self, leaf) -> SegmentValues:
        key = leaf.segment().segment_id()
        with self._lock:
            found = self._values.get(key)
        if found is None:
            found = read_segment(leaf)
            with self._lock:
                self._values[key] = found
        return found

    def keep_only(self, segment_ids: Iterable[str]) -> None:
        keep = set(segment_ids)
        with self._lock:
            for key in [k for k in self._values if k not in keep]:
                del self._values[key]


class Labels:
    """A text column with any number of values per article (sources, authors, column), as value
    ids in compressed-row form: article d holds `ids[ptr[d]:ptr[d+1]]`; `names` is sorted, so
    value-id order is value order."""

    def __init__(self, per_doc: Sequence[Sequence[str]]) -> None:
        n = len(per_doc)
        self.names: tuple[str, ...] = tuple(sorted({v for vs in per_doc for v in vs}))  # (a tuple: see SegmentValues)
        self.index = {v: i for i, v in enumerate(self.names)}
        lengths = np.fromiter((len(vs) for vs in per_doc), dtype=np.int64, count=n)
        self.ptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(lengths, out=self.ptr[1:])
        index = self.index
        self.ids = np.fromiter((index[v] for vs in per_doc for v in vs), dtype=np.int32, count=int(self.ptr[-1]))
        # most articles hold one value (a source, a column): each article's first value (-1:
        # none), and the further values of the articles holding more (each with its article),
        # counted apart
        self._first = np.full(n, -1, dtype=np.int32)
        held = lengths > 0
        self._first[held] = self.ids[self.ptr[:-1][held]]
        further = np.ones(len(self.ids), dtype=bool)
        further[self.ptr[:-1][held]] = False
        self._further_docs = np.repeat(np.arange(n, dtype=np.int64), lengths)[further]
        self._further_ids = self.ids[further]

    def _entries(self, docs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(the positions in `ids` of every entry of `docs`, concatenated; each doc's count)."""
        starts = self.ptr[docs]
        lengths = self.ptr[docs + 1] - starts
        total = int(lengths.sum())
        # each doc's start repeated once per entry, plus 0, 1, 2... within the doc
        within = np.arange(total) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        return np.repeat(starts, lengths) + within, lengths

    def counts(self, docs: np.ndarray) -> np.ndarray:
        """How many of `docs` (sorted, unique) hold each value (indexed by value id)."""
        first = self._first[docs]
        counts = np.bincount(first[first >= 0], minlength=len(self.names))
        if len(self._further_docs) and len(docs):
            if len(docs) * 256 >= len(self._first):  # not few: a mask over every article
                chosen = np.zeros(len(self._first), dtype=bool)
                chosen[docs] = True
                further = self._further_ids[chosen[self._further_docs]]
            else:  # few: each doc's run of further values (`_further_docs` is sorted)
                lo = np.searchsorted(self._further_docs, docs, "left")
                runs = np.searchsorted(self._further_docs, docs, "right") - lo
                total = int(runs.sum())
                further = self._further_ids[np.repeat(lo - (np.cumsum(runs) - runs), runs) + np.arange(total)]
            counts += np.bincount(further, minlength=len(self.names))
        return counts

    def several(self, docs: np.ndarray) -> np.ndarray:
        """Those of `docs` holding more than one value (few: joint documents)."""
        return docs[self.ptr[docs + 1] - self.ptr[docs] > 1]

    def repeats(self, several: np.ndarray, ids: Sequence[int]) -> int:
        """How many entries among the value ids `ids` the articles `several` (`several(docs)`)
        hold after their first one: what summing those values' counts over docs counts twice."""
        if not len(several):
            return 0
        entries, lengths = self._entries(several)
        inside = np.isin(self.ids[entries], np.asarray(ids, dtype=self.ids.dtype))
        per_doc = np.bincount(np.repeat(np.arange(len(several)), lengths)[inside], minlength=len(several))
        return int(np.maximum(per_doc - 1, 0).sum())

    def holds(self, docs: np.ndarray, values: Iterable[str]) -> np.ndarray:
        """A boolean mask over `docs`: which hold any of `values`."""
        wanted = np.zeros(len(self.names), dtype=bool)
        for v in values:
            i = self.index.get(v)
            if i is not None:
                wanted[i] = True
        entries, lengths = self._entries(docs)
        mask = np.zeros(len(docs), dtype=bool)
        some = lengths > 0
        if entries.size:
            first = (np.cumsum(lengths) - lengths)[some]  # where each non-empty doc's entries begin
            mask[some] = np.logical_or.reduceat(wanted[self.ids[entries]], first)
        return mask


class DocValues:
    """Every per-article column of one generation, indexed by global document number."""

    def __init__(self, segments: Sequence[tuple[SegmentValues, int, Iterable[int]]]) -> None:
        """`segments`: (values, docnum offset, deleted local docnums), in docnum order."""
        dates = tuple(d for values, _, _ in segments for d in values.dates)  # (tuples: see SegmentValues)
        n = len(dates)
        self.count = n
        self.dates = dates
        self.live = np.ones(n, dtype=bool)
        for _values, offset, deleted in segments:
            for d in deleted:
                self.live[offset + d] = False
        self.live_docs = np.flatnonzero(self.live)
        self.days = np.fromiter((day_number(d) for d in dates), dtype=np.int64, count=n)  # 0: none
        months = [d[:7] for d in dates]
        self.month_names = sorted(set(months) - {""})
        index = {m: i for i, m in enumerate(self.month_names)}
        self.months = np.fromiter((index.get(m, -1) for m in months), dtype=np.int64, count=n)  # -1: none
        self.source_strings = tuple(s for values, _, _ in segments for s in values.sources)
        self.sources = Labels([split_sources(s) for s in self.source_strings])
        self.authors = Labels([a for values, _, _ in segments for a in values.authors])
        self.column = Labels([(c.strip(),) if c and c.strip() else () for values, _, _ in segments
                              for c in values.columns])  # 栏目 / document type

    def dated_within(self, docs: np.ndarray, date_from: str | None, date_to: str | None) -> np.ndarray:
        """A boolean mask over `docs`: dated within [date_from, date_to] (YYYY-MM-DD, inclusive);
        undated articles never are."""
        days = self.days[docs]
        mask = days > 0
        if date_from:
            mask &= days >= dt.date.fromisoformat(date_from).toordinal()
        if date_to:
            mask &= days <= dt.date.fromisoformat(date_to).toordinal()
        return mask

    def month_counts(self, docs: np.ndarray) -> np.ndarray:
        months = self.months[docs]
        return np.bincount(months[months >= 0], minlength=len(self.month_names))
