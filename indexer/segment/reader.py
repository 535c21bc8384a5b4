"""Reading a segment's exact layer: which of its articles hold a phrase.

A `.wx` file (`indexer.segment.wxfile`) is memory-mapped and its arrays are views. A phrase's
key lists are intersected rarest first (a key stored as a bitmap tests the candidates' bits);
where the keys do not decide it, each candidate's unit stream is searched for the phrase's,
by NumPy's string `find` over the mapped file, in C and split between threads when there are
many candidates.

A phrase whose check read many candidates is remembered (`ANSWERS`, see
`indexer.segment.remembered`): the next page of the same search, a facet or a filter clicked on
it, another order, or another reader asking for the same phrase gets the segment's answer
without reading a stream.
"""
from __future__ import annotations

import mmap
from pathlib import Path

import numpy as np

from indexer import processes
from indexer.analysis import VALUE_MARK
from indexer.segment.keys import Plan
from indexer.segment.remembered import Remembered, file_identity
from indexer.segment.sortedsets import EMPTY, difference, intersect, union
from indexer.segment.wxfile import BLOCK, BLOCKS, FIELDS, GRAM, OVERLAP, TAG_MASK, TAG_UNI, read_header

PHRASE_CACHE_BYTES = 64 << 20  # the answers of checked phrases kept, for every segment of the process
CACHE_FROM = 256  # candidates checked from which a phrase's answer is kept (a cheaper one is recomputed)


ANSWERS = Remembered(PHRASE_CACHE_BYTES)  # (segment, field, phrase) → sorted local numbers

POPCOUNT = np.unpackbits(np.arange(256, dtype=np.uint8)[:, None], axis=1).sum(axis=1).astype(np.int64)  # bits set in each byte


class Segment:
    """One segment's `.wx` file, memory-mapped; answers in local article numbers."""

    def __init__(self, path: Path) -> None:
        with open(path, "rb") as f:
            self._mm = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
            self.identity = file_identity(f.fileno())  # the segment's, for what is remembered of it
        mm = self._mm
        meta, base = read_header(mm, path)
        self.n_docs: int = meta["docs"]
        self.block, self.overlap = meta.get("block", BLOCK), meta.get("overlap", OVERLAP)  # as written
        self._arrays = {}
        self._text_base = {}
        for name, (off, dtype, count) in meta["arrays"].items():
            self._arrays[name] = np.frombuffer(mm, dtype=dtype, count=count, offset=base + off)
            if name.endswith(".text"):
                self._text_base[name[:-5]] = base + off
        # the whole file as one NumPy bytes string (a view, for the phrase check), which NumPy
        # reads without its trailing NULs: where that string ends
        self._string = np.frombuffer(mm, dtype=f"S{len(mm)}", count=1)
        self._string_end = int(np.strings.str_len(self._string)[0])

    def close(self) -> None:
        self._arrays = {}
        try:
            self._mm.close()
        except BufferError:  # arrays handed out still point into it; the GC closes it
            pass

    def streams(self, doc: int) -> dict[str, str]:
        """field → unit stream of one article (to carry it into a merged segment)."""
        out = {}
        for f in FIELDS:
            offs = self._arrays[f"{f}.toffs"]
            base = self._text_base[f]
            out[f] = self._mm[base + int(offs[doc]):base + int(offs[doc + 1])].decode("utf-16-le")
        return out

    def stream(self, field: str, doc: int) -> str:
        """One article's unit stream of one field (for the proximity check)."""
        offs = self._arrays[f"{field}.toffs"]
        base = self._text_base[field]
        return self._mm[base + int(offs[doc]):base + int(offs[doc + 1])].decode("utf-16-le")

    def stream_codes(self, field: str, docs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(UTF-16 code units, starts): the unit streams of the articles `docs` (local numbers)
        one after the other, each followed by a VALUE_MARK, gathered in bulk from the mapped
        file; starts[i] is where article docs[i]'s stream begins."""
        units = self._arrays[f"{field}.text"].view("<u2")
        offs = self._arrays[f"{field}.toffs"]
        docs = docs.astype(np.int64, copy=False)
        begin = offs[docs] // 2
        end = offs[docs + 1] // 2
        lengths = end - begin
        if not len(docs):
            return np.empty(0, np.uint16), np.empty(0, np.int64)
        mark = np.full(1, ord(VALUE_MARK), dtype=np.uint16)
        pieces = []
        for b, e in zip(begin.tolist(), end.tolist()):  # views, copied once by the concatenation
            pieces += (units[b:e], mark)
        return np.concatenate(pieces), np.cumsum(lengths + 1) - (lengths + 1)

    def _lookup(self, field: str, key: int) -> np.ndarray | int | None:
        """A key's sorted article list, or the index of its bitmap (see _bitmaps), or None."""
        keys = self._arrays[f"{field}.keys"]
        i = int(keys.searchsorted(np.uint64(key)))  # a Python int would convert all the keys
        if i == len(keys) or int(keys[i]) != key:
            return None
        offs = self._arrays[f"{field}.offs"]
        start, end = offs[i], offs[i + 1]
        if start == end:  # stored as a bitmap
            dense = self._arrays.get(f"{field}.dense", EMPTY)
            j = int(dense.searchsorted(i))
            return j if j < len(dense) and dense[j] == i else None
        return self._arrays[f"{field}.docs"][start:end]

    def _bitmap(self, field: str, j: int) -> np.ndarray:
        width = (self.n_docs + 7) // 8
        return self._arrays[f"{field}.bits"][j * width:(j + 1) * width]

    def _bitmap_docs(self, field: str, j: int) -> np.ndarray:
        """The local numbers (sorted) of the articles set in bitmap `j`."""
        return np.flatnonzero(np.unpackbits(self._bitmap(field, j))[:self.n_docs])

    def _in_bitmap(self, field: str, j: int, docs: np.ndarray) -> np.ndarray:
        """The `docs` whose bit is set in bitmap `j`: a test per article, no unpacking."""
        bits = self._bitmap(field, j)
        d = docs.astype(np.int64, copy=False)
        return docs[(bits[d >> 3] >> (7 - (d & 7)).astype(np.uint8)) & 1 == 1]

    def count(self, field: str, key: int) -> int:
        """How many articles hold `key` (deleted ones included)."""
        found = self._lookup(field, key)
        if found is None:
            return 0
        if isinstance(found, int):
            return int(POPCOUNT[self._bitmap(field, found)].sum())
        return len(found)

    def docs(self, field: str, key: int) -> np.ndarray:
        found = self._lookup(field, key)
        return EMPTY if found is None else self._found_docs(field, found)

    def _found_docs(self, field: str, found: np.ndarray | int, within: np.ndarray | None = None) -> np.ndarray:
        """The articles of what `_lookup` found (a list, or a bitmap's index), only those among
        `within` (sorted) when given."""
        if within is not None:
            return self._in_bitmap(field, found, within) if isinstance(found, int) else intersect(within, found)
        return self._bitmap_docs(field, found) if isinstance(found, int) else found

    def known(self, field: str, plan: Plan, within: np.ndarray | None = None) -> np.ndarray | None:
        """The remembered answer of a phrase that was costly to check (only the articles among
        `within`, sorted local numbers, when given), or None."""
        if not plan.confirm:
            return None
        found = ANSWERS.get((self.identity, field, plan.pattern))
        if found is None or within is None:
            return found
        return intersect(within, found)

    def phrase(self, field: str, plan: Plan, within: np.ndarray | None = None,
               sure: np.ndarray | None = None) -> np.ndarray:
        """Local numbers (sorted) of the articles whose `field` holds the phrase (only those
        among `within`, sorted local numbers, when given: fewer candidates to confirm).

        The lists are intersected shortest first; a key stored as a bitmap tests the
        candidates' bits instead (it is unpacked only when every key is a bitmap). `sure`
        (sorted local numbers) are articles known to hold the phrase: candidates among them
        need no check of their unit stream."""
        if plan.gram is not None and f"{field}#{GRAM}.keys" in self._arrays:
            found = self._lookup(f"{field}#{GRAM}", plan.gram)
            if found is not None:  # a frequent string: its own list decides, nothing to check
                return self._found_docs(f"{field}#{GRAM}", found, within)
        lists, bitmaps = [], []
        for k in plan.keys:
            found = self._lookup(field, k)
            if found is None or not isinstance(found, int) and not len(found):
                return EMPTY
            (bitmaps if isinstance(found, int) else lists).append(found)
        if within is not None:
            lists.append(within)
        if not lists:
            if not bitmaps:
                return EMPTY
            lists.append(self._bitmap_docs(field, bitmaps.pop()))
        lists.sort(key=len)
        found = lists[0]
        for other in lists[1:]:
            found = intersect(found, other)
            if not len(found):
                return EMPTY
        for j in bitmaps:
            found = self._in_bitmap(field, j, found)
            if not len(found):
                return EMPTY
        if plan.confirm:
            checked = found
            if sure is not None and len(sure):
                certain = intersect(found, sure)
                checked = difference(found, certain)
                found = union(certain, self._confirm(field, checked, plan)) if len(checked) else certain
            else:
                found = self._confirm(field, found, plan)
            if within is None and len(checked) >= CACHE_FROM:
                ANSWERS.put((self.identity, field, plan.pattern), found.astype(np.uint32))
        return found

    def _confirm(self, field: str, docs: np.ndarray, plan: Plan) -> np.ndarray:
        """The `docs` whose unit stream holds the phrase. A long article (one with block lists)
        is searched only in its blocks that hold every key of the phrase, when the phrase is
        short enough to lie within one block's stretch: a few kilobytes, not its whole text."""
        first = self._arrays.get(f"{field}{BLOCKS}.first")
        units = len(plan.pattern) // 2
        if first is None or units > self.overlap + 1 or not len(docs) \
                or all(k & TAG_MASK == TAG_UNI for k in plan.keys):
            return self._holding(field, docs, plan.pattern)
        d = docs.astype(np.int64)
        counts = first[d + 1].astype(np.int64) - first[d]
        is_long = counts > 0
        if not is_long.any():
            return self._holding(field, docs, plan.pattern)
        short = self._holding(field, docs[~is_long], plan.pattern)
        long, counts = d[is_long], counts[is_long]
        blocks = np.repeat(first[long].astype(np.int64) - (np.cumsum(counts) - counts), counts) + np.arange(counts.sum())
        lists = []
        for k in plan.keys:
            if k & TAG_MASK == TAG_UNI:  # not in block lists
                continue
            found = self._lookup(f"{field}{BLOCKS}", k)
            if found is None or not len(found):
                return short
            lists.append(found)
        for other in sorted(lists, key=len):
            blocks = intersect(blocks, other)
            if not len(blocks):
                return short
        owner = np.searchsorted(first, blocks, side="right") - 1
        offs = self._arrays[f"{field}.toffs"]
        base = self._text_base[field]
        starts = base + offs[owner] + 2 * self.block * (blocks - first[owner].astype(np.int64))
        ends = np.minimum(base + offs[owner + 1], starts + 2 * (self.block + units - 1))
        held = np.unique(owner[self._finds(plan.pattern, starts, ends)])
        return union(short, held)

    def _holding(self, field: str, docs: np.ndarray, pattern: bytes) -> np.ndarray:
        """The `docs` whose whole unit stream holds `pattern`."""
        offs = self._arrays[f"{field}.toffs"]
        base = self._text_base[field]
        docs = docs.astype(np.int64)
        return docs[self._finds(pattern, offs[docs] + base, offs[docs + 1] + base)]

    def _finds(self, pattern: bytes, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
        """Whether `pattern` is in each stretch [start, end) of the file (byte offsets of UTF-16
        code units): one search per stretch, all run by one NumPy string `find` over the mapped
        file (in C, without the GIL: many stretches are split between threads, one per core); a
        hit at an odd byte offset (inside a UTF-16 code unit), or one NumPy found for the pattern
        less its trailing NULs, is looked at again from there."""
        found = find_all(self._string, pattern, starts, ends)
        # NumPy reads a bytes string without its trailing NULs: a stream ending the file there
        for i in np.flatnonzero(ends > self._string_end).tolist():
            found[i] = self._mm.find(pattern, int(starts[i]), int(ends[i]))
        keep = found >= 0
        suspect = keep & ((found - starts) & 1 == 1)
        if pattern.endswith(b"\0"):
            # ... and the pattern without its trailing NULs (a phrase ending in a Latin word ends in
            # its mark's 01 00): `西 xi` found in `西 xiā` (ā is 01 01). A hit whose NULs are not
            # there, or that would reach past its stretch, is looked at again
            size = len(pattern)
            tail = size - len(pattern.rstrip(b"\0"))
            at = np.flatnonzero(keep & ~suspect)
            if len(at):
                end = found[at] + size
                whole = end <= ends[at]
                ok = whole.copy()
                data = np.frombuffer(self._mm, dtype=np.uint8)
                for k in range(1, tail + 1):
                    ok[whole] &= data[end[whole] - k] == 0
                suspect[at[~ok]] = True
        for i in np.flatnonzero(suspect).tolist():  # the whole pattern, at an even offset
            start, e = int(starts[i]), int(ends[i])
            p = self._mm.find(pattern, int(found[i]), e)
            while p != -1 and (p - start) & 1:
                p = self._mm.find(pattern, p + 1, e)
            keep[i] = p != -1
        return keep


PARALLEL_FROM = 512  # candidates from which a check is split between threads


def find_all(whole: np.ndarray, pattern: bytes, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """`whole.find(pattern, start, end)` for each start and end (-1 where absent)."""
    needle = np.array(pattern, dtype=f"S{len(pattern)}")
    workers = processes.WORKERS
    if len(starts) < PARALLEL_FROM or workers == 1:
        return np.strings.find(whole, needle, starts, ends)
    bounds = np.linspace(0, len(starts), workers + 1).astype(np.int64)
    parts = processes.thread_pool().map(lambda lo, hi: np.strings.find(whole, needle, starts[lo:hi], ends[lo:hi]),
                      bounds[:-1].tolist(), bounds[1:].tolist())
    return np.concatenate(list(parts))

