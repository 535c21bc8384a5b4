"""Exact matching over one searcher: the articles (global docnums) whose fields hold a phrase.

Each segment's exact layer (`indexer.segment`) answers in local article numbers; here they are
shifted by the segment's offset, deleted articles are left out, and the segments' answers are
joined into one sorted NumPy array.
"""
from __future__ import annotations

import numpy as np

from indexer.analysis import Unit
from indexer.segment.keys import Plan
from indexer.segment.sortedsets import intersect
from indexer.segment.words import exact_leaves, word_postings

# exact field → the word field indexed from the same text (indexer.segment.schema.document_fields)
_WORD_FIELD = {"title_x": "title", "body_x": "body"}


class ExactPostings:
    """Phrase lookups over one searcher's segments, in global docnums, deleted articles left out.

    A phrase of three or more characters is first narrowed by its character pairs, then each
    candidate's unit stream is checked (~1.5 µs an article). Where jieba kept the whole phrase
    as one word (改革开放, 中华人民共和国), the articles whose word postings hold that word are
    sure matches: only the other candidates are checked.
    """

    def __init__(self, searcher) -> None:
        self._leaves = exact_leaves(searcher)
        self._readers = [leaf for leaf, _offset in searcher.reader().leaf_readers()]
        self.doc_count = searcher.doc_count_all()
        # one search asks for the same phrase more than once (matching, then the title bonus
        # and the pair scores of ranking): each answer is kept while this object lives (a search)
        self._answers: dict[tuple, np.ndarray] = {}
        # called before each segment's lookup when set (a search's deadline: it raises to stop)
        self.check = None

    def phrase(self, fieldname: str, seq: list[Unit], within: np.ndarray | None = None) -> np.ndarray:
        """Sorted docnums of the articles whose `fieldname` holds the units of `seq` consecutively
        (only those among `within`, sorted docnums, when given)."""
        key = (fieldname, tuple((u.text, u.cjk) for u in seq))
        known = self._answers.get(key)
        if known is not None:
            return known if within is None else intersect(known, within)
        found = self._phrase(fieldname, seq, within)
        if within is None:
            self._answers[key] = found
        return found

    def _phrase(self, fieldname: str, seq: list[Unit], within: np.ndarray | None) -> np.ndarray:
        plan = Plan(seq)
        word_field = _WORD_FIELD.get(fieldname) if plan.confirm and plan.text else None
        parts = []
        for (seg, offset, live), leaf in zip(self._leaves, self._readers):
            if self.check is not None:
                self.check()
            subset = None
            if within is not None:
                lo, hi = np.searchsorted(within, (offset, offset + seg.n_docs))
                if lo == hi:
                    continue
                subset = within[lo:hi] - offset
            local = seg.known(fieldname, plan, subset)
            if local is None:
                sure = word_postings(leaf, word_field, plan.text, subset)[0] if word_field else None
                local = seg.phrase(fieldname, plan, subset, sure)
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

    def unit_streams(self, fieldname: str, docs: np.ndarray) -> list[str]:
        """The unit streams (`indexer.analysis.unit_stream`) of `fieldname` of the articles
        `docs` (sorted docnums), in that order."""
        out: list[str] = []
        for seg, offset, _live in self._leaves:
            lo, hi = np.searchsorted(docs, (offset, offset + seg.n_docs))
            out += [seg.stream(fieldname, d - offset) for d in docs[lo:hi].tolist()]
        return out

    def stream_codes(self, fieldname: str, docs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(UTF-16 code units, starts) of the unit streams of `docs` (sorted docnums), each
        followed by a VALUE_MARK (`indexer.segment.reader.Segment.stream_codes`), in that order."""
        parts, starts, at = [], [], 0
        for seg, offset, _live in self._leaves:
            lo, hi = np.searchsorted(docs, (offset, offset + seg.n_docs))
            if lo == hi:
                continue
            codes, begin = seg.stream_codes(fieldname, docs[lo:hi] - offset)
            parts.append(codes)
            starts.append(begin + at)
            at += len(codes)
        if not parts:
            return np.empty(0, np.uint16), np.empty(0, np.int64)
        return np.concatenate(parts), np.concatenate(starts)

    def all_docs(self) -> np.ndarray:
        """Sorted docnums of every live article."""
        parts = []
        for seg, offset, live in self._leaves:
            local = np.arange(seg.n_docs, dtype=np.int64) if live is None else np.flatnonzero(live)
            parts.append(local + offset)
        return np.concatenate(parts) if parts else np.empty(0, np.int64)
