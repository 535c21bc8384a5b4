"""Exact matching over one searcher: the articles (global docnums) whose fields hold a phrase.

Each segment's exact layer (`indexer.exact`) answers in local article numbers; here they are
shifted by the segment's offset, deleted articles are left out, and the segments' answers are
joined into one sorted NumPy array.
"""
from __future__ import annotations

import numpy as np

from indexer.analysis import Unit
from indexer.exact import Plan
from indexer.whoosh_internals import exact_leaves


class ExactPostings:
    """Phrase lookups over one searcher's segments, in global docnums, deleted articles left out."""

    def __init__(self, searcher) -> None:
        self._leaves = exact_leaves(searcher)
        self.doc_count = searcher.doc_count_all()

    def phrase(self, fieldname: str, seq: list[Unit], within: np.ndarray | None = None) -> np.ndarray:
        """Sorted docnums of the articles whose `fieldname` holds the units of `seq` consecutively
        (only those among `within`, sorted docnums, when given)."""
        plan = Plan(seq)
        parts = []
        for seg, offset, live in self._leaves:
            subset = None
            if within is not None:
                lo, hi = np.searchsorted(within, (offset, offset + seg.n_docs))
                if lo == hi:
                    continue
                subset = within[lo:hi] - offset
            local = seg.phrase(fieldname, plan, subset)
            if not len(local):
                continue
            local = local.astype(np.int64)
            if live is not None:
                local = local[live[local]]
            parts.append(local + offset if offset else local)
        return np.concatenate(parts) if parts else np.empty(0, np.int64)

    def count(self, fieldname: str, seq: list[Unit]) -> int:
        """How many live articles' `fieldname` holds the units of `seq` consecutively (the
        length of `phrase`, counted from the lists' sizes where that is exact: a phrase one key
        decides, in a segment without deletions)."""
        plan = Plan(seq)
        if plan.confirm or len(plan.keys) != 1:
            return len(self.phrase(fieldname, seq))
        total = 0
        for seg, _offset, live in self._leaves:
            if live is None:
                total += seg.count(fieldname, plan.keys[0])
            else:
                local = seg.phrase(fieldname, plan)
                total += int(live[local.astype(np.int64)].sum())
        return total

    def all_docs(self) -> np.ndarray:
        """Sorted docnums of every live article."""
        parts = []
        for seg, offset, live in self._leaves:
            local = np.arange(seg.n_docs, dtype=np.int64) if live is None else np.flatnonzero(live)
            parts.append(local + offset)
        return np.concatenate(parts) if parts else np.empty(0, np.int64)
