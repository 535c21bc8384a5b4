"""Proximity: which articles hold a query's parts near each other (`A NEAR/N B`, `"A B"~N`).

Distances are counted as phrases count them (docs/interfaces.md "Query syntax"): in the unit
stream, where whitespace and punctuation are gone and a Latin word or number counts its letters.
Every occurrence of a part is a (start, length) in those coordinates.

- `A NEAR/N B`: an occurrence of A and one of B with at most N characters between them, in
  either order. Occurrences may overlap (nothing stands between them); for A NEAR A they must be
  two different occurrences.
- `"A B C"~N`: occurrences of A, B and C in that order, none overlapping the next, with at most
  N characters between them in all (N = 0 is the exact phrase).

`near_mask` decides this for many articles at once over NumPy arrays of occurrences: for each
occurrence of the first part, the nearest occurrence of the other part on each side (NEAR), or
the earliest possible chain of the following parts (~N, where the earliest chain is also the
shortest). `near_docnums` applies it to the candidates of the exact layer, gathering their unit
streams (UTF-16, straight from the mapped file) a batch at a time.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from indexer.analysis import LATIN_MARK, VALUE_MARK, Unit, units_stream
from indexer.search.postings import ExactPostings

BATCH_DOCS = 2048  # candidates whose streams are read and checked at a time


def near_mask(docs: Sequence[np.ndarray], starts: Sequence[np.ndarray], lengths: Sequence[int],
              distance: int, ordered: bool) -> np.ndarray:
    """Which occurrences of the first part begin a match.

    Part i occurs at `starts[i]` (sorted, increasing; in one coordinate space for all the
    articles, article after article) in the articles `docs[i]` (same length), each occurrence
    `lengths[i]` characters long. Unordered (NEAR) takes exactly two parts."""
    d0, s0 = docs[0], starts[0]
    if not len(s0):
        return np.zeros(0, dtype=bool)
    if ordered:
        valid = np.ones(len(s0), dtype=bool)
        end = s0 + lengths[0]
        for d, s, length in zip(docs[1:], starts[1:], lengths[1:]):
            if not len(s):
                return np.zeros(len(s0), dtype=bool)
            idx = np.searchsorted(s, end, side="left")  # the earliest occurrence not overlapping
            found = idx < len(s)
            idx = np.minimum(idx, len(s) - 1)
            valid &= found & (d[idx] == d0)
            end = s[idx] + length
        between = (end - s0) - sum(lengths)  # characters between the parts, in all
        return valid & (between <= distance)
    d1, s1 = docs[1], starts[1]
    len0, len1 = lengths[0], lengths[1]
    if not len(s1):
        return np.zeros(len(s0), dtype=bool)
    if len(s0) == len(s1) and np.array_equal(s0, s1) and len0 == len1:  # A NEAR A: two occurrences
        close = (d0[1:] == d0[:-1]) & (s0[1:] - s0[:-1] <= distance + len0)
        valid = np.zeros(len(s0), dtype=bool)
        valid[:-1] |= close
        valid[1:] |= close
        return valid
    # B at or after A's start: at most `distance` characters after A's end (or overlapping it)
    after = np.searchsorted(s1, s0, side="left")
    ok_after = after < len(s1)
    after = np.minimum(after, len(s1) - 1)
    ok_after &= (d1[after] == d0) & (s1[after] - s0 <= distance + len0)
    # B before A's start
    before = np.searchsorted(s1, s0, side="right") - 1
    ok_before = before >= 0
    before = np.maximum(before, 0)
    ok_before &= (d1[before] == d0) & (s0 - s1[before] <= distance + len1)
    return ok_after | ok_before


def uncounted(codes: np.ndarray) -> np.ndarray:
    """Where in `codes` (UTF-16 code units) the units stand that are no character of the text:
    the marks (LATIN_MARK, VALUE_MARK) and the second halves of surrogate pairs. Compared in
    place, not looked up in a table of all 65,536 code units: a gather over every unit of a batch
    was most of a proximity check's time."""
    marks = (codes - np.uint16(ord(LATIN_MARK))) <= ord(VALUE_MARK) - ord(LATIN_MARK)  # (wraps below LATIN_MARK)
    low = codes >= 0xDC00
    if low.any():  # rare in Chinese text: only characters beyond the BMP
        low &= codes < 0xE000
        marks |= low
    return np.flatnonzero(marks)


def _utf16(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-16-le", "surrogatepass"), dtype=np.uint16)


def find_all(cps: np.ndarray, pattern: np.ndarray) -> np.ndarray:
    """Every start (overlapping ones too) of `pattern` in `cps` (both arrays of code units)."""
    m = len(pattern)
    if not m or m > len(cps):
        return np.empty(0, dtype=np.int64)
    at = np.flatnonzero(cps[:len(cps) - m + 1] == pattern[0])
    for j in range(1, m):
        if not len(at):
            break
        at = at[cps[at + j] == pattern[j]]
    return at.astype(np.int64)


def code_matches(codes: np.ndarray, starts: np.ndarray, seqs: Sequence[list[Unit]], distance: int,
                 ordered: bool) -> np.ndarray:
    """Indices (sorted) of the unit streams where the parts `seqs` stand near each other. The
    streams are `codes` (UTF-16 code units), each followed by a VALUE_MARK, stream i beginning
    at starts[i]. Marks and the second halves of surrogate pairs are not counted: distances are
    in characters."""
    if not len(starts):
        return np.empty(0, dtype=np.int64)
    skipped = uncounted(codes)
    docs, positions, lengths = [], [], []
    for seq in seqs:
        pattern = units_stream(seq)
        at = find_all(codes, _utf16(pattern))
        docs.append(np.searchsorted(starts, at, side="right") - 1)
        positions.append(at - np.searchsorted(skipped, at, side="left"))
        lengths.append(len(pattern) - pattern.count(LATIN_MARK))
    mask = near_mask(docs, positions, lengths, distance, ordered)
    return np.unique(docs[0][mask])


def stream_matches(streams: list[str], seqs: Sequence[list[Unit]], distance: int, ordered: bool) -> np.ndarray:
    """Indices (sorted) of the `streams` (unit streams, as strings) where the parts `seqs` stand
    near each other (`code_matches`)."""
    if not streams:
        return np.empty(0, dtype=np.int64)
    encoded = [_utf16(s + VALUE_MARK) for s in streams]
    starts = np.cumsum([0] + [len(e) for e in encoded[:-1]])
    return code_matches(np.concatenate(encoded), starts, seqs, distance, ordered)


def near_docnums(exact: ExactPostings, fieldname: str, seqs: Sequence[list[Unit]], distance: int,
                 ordered: bool, check: Callable[[], None] | None = None) -> np.ndarray:
    """Sorted docnums of the articles whose `fieldname` holds the parts `seqs` near each other:
    the articles holding every part (the exact layer's lists) are the candidates, and their unit
    streams are checked `BATCH_DOCS` at a time (`check`, when given, is called before each
    batch: the search's deadline)."""
    candidates = None
    for seq in sorted({tuple(s): s for s in seqs}.values(), key=len, reverse=True):
        candidates = exact.phrase(fieldname, seq, candidates)
        if not len(candidates):
            return candidates
    assert candidates is not None
    found = []
    for lo in range(0, len(candidates), BATCH_DOCS):
        if check is not None:
            check()
        batch = candidates[lo:lo + BATCH_DOCS]
        codes, starts = exact.stream_codes(fieldname, batch)
        found.append(batch[code_matches(codes, starts, seqs, distance, ordered)])
    return np.concatenate(found) if found else candidates[:0]
