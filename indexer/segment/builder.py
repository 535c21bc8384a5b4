"""Writing a segment's exact layer: the unit streams of its articles, in article order, become
the document lists of `indexer.segment.wxfile`.

Keys are computed a batch of about a million characters at a time and the (key, article)
pairs of each batch kept as one sorted run (about 5 bytes a pair); the streams themselves wait
in a temporary file, not in memory. At the end the runs are merged one key range at a time,
dense lists become bitmaps, and the file is written from the arrays' own memory.
"""
from __future__ import annotations

import os
import tempfile
import weakref
from array import array
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from indexer.analysis import VALUE_MARK
from indexer.segment.keys import code_points, grams, stream_keys
from indexer.segment.wxfile import (
    BLOCK,
    BLOCKS,
    FIELDS,
    GRAM,
    GRAM_FIELDS,
    LONG,
    OVERLAP,
    TAG_MASK,
    TAG_UNI,
    as_bitmaps,
    write_arrays,
)

_DOC_BITS = 24  # a segment holds fewer than 2^24 articles: (key << 24 | article) fits 64 bits
_FLUSH_CHARS = 1 << 20  # unit-stream characters per batch turned into keys (a run of pairs)
_KEY_CHARS = 1 << 17  # characters given to stream_keys at a time


@dataclass(frozen=True)
class Settings:
    """How a segment's lists are laid out; the defaults are what an index is written with
    (tests write tiny segments with tiny blocks to reach every edge)."""

    block: int = BLOCK
    overlap: int = OVERLAP
    long: int = LONG
    gram_sample_units: int = 1 << 21  # stream characters sampled (evenly over the articles) to choose them
    gram_min_share: float = 1 / 100  # chosen when found at least this often per sampled article...
    gram_min_count: int = 8  # ...and at least this many times in the sample
    gram_max: int = 4096  # at most this many per field and segment (the most frequent)
    gram_chunk_units: int = 1 << 20  # stream characters turned into strings at a time


class _Run:
    """The (key, article) pairs of one keyed batch of articles as document-level lists: its
    unique keys (sorted), their offsets, and the articles counted from `first` (16 bits when
    the batch allows): about 5 bytes a pair, not 8 as uint64 pairs."""

    __slots__ = ("first", "keys", "offs", "docs")

    def __init__(self, first: int, pairs: np.ndarray, n_docs: int) -> None:
        """`pairs`: the batch's sorted unique (key << _DOC_BITS | article - first), n_docs
        articles; taken over (changed in place)."""
        self.first = first
        keys = pairs >> np.uint64(_DOC_BITS)
        starts = np.flatnonzero(keys[1:] != keys[:-1]) + 1
        self.keys = keys[np.concatenate(([0], starts))]
        del keys
        self.offs = np.concatenate(([0], starts, [len(pairs)])).astype(np.uint32)
        pairs &= np.uint64((1 << _DOC_BITS) - 1)
        self.docs = pairs.astype(np.uint16 if n_docs <= 1 << 16 else np.uint32)

    def __len__(self) -> int:
        return len(self.docs)

    def sample(self, step: int) -> np.ndarray:
        """The keys of every `step`-th pair."""
        at = np.arange(0, len(self.docs), step)
        return self.keys[np.searchsorted(self.offs, at, side="right") - 1]

    def pairs(self, lo: np.uint64 | None, hi: np.uint64 | None) -> np.ndarray:
        """The pairs (key << _DOC_BITS | article) of the keys in [lo, hi) (None: unbounded)."""
        a = 0 if lo is None else int(self.keys.searchsorted(lo))
        b = len(self.keys) if hi is None else int(self.keys.searchsorted(hi))
        if a == b:
            return np.empty(0, np.uint64)
        offs = self.offs[a:b + 1].astype(np.int64)
        out = np.repeat(self.keys[a:b], np.diff(offs))
        out <<= np.uint64(_DOC_BITS)
        out |= self.docs[offs[0]:offs[-1]] + np.uint64(self.first)
        return out


_PART_PAIRS = 1 << 18  # about this many pairs sorted at a time when a field's lists are written
_SAMPLE_STEP = 1 << 12  # pairs of a run between two keys sampled to cut the key range into parts


class _Spill:
    """Bytes appended to an unnamed temporary file (in the page cache, not in the writer's
    memory), copied into the segment's file when it is written; closed when dropped."""

    dtype = np.dtype(np.uint8)

    def __init__(self) -> None:
        fd, name = tempfile.mkstemp(prefix="wensou-", suffix=".tmp")
        os.unlink(name)
        self._fd = fd
        self.close = weakref.finalize(self, os.close, fd)
        self.nbytes = 0

    def __len__(self) -> int:
        return self.nbytes

    def append(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            view = view[os.write(self._fd, view):]
        self.nbytes += len(data)

    def write_to(self, out, chunk: int = 1 << 20) -> None:
        pos = 0
        while pos < self.nbytes:
            data = os.pread(self._fd, min(chunk, self.nbytes - pos), pos)
            if not data:
                raise OSError("a temporary file of the exact layer was cut short")
            out.write(data)
            pos += len(data)


def _hash16(keys: np.ndarray) -> np.ndarray:
    """A 16-bit multiplicative hash of each uint64 string key (its high bits after multiplying
    by an odd constant: every bit of the key counts)."""
    with np.errstate(over="ignore"):
        return ((keys * np.uint64(0x9E3779B97F4A7C15)) >> np.uint64(48)).astype(np.intp)


class _FieldBuilder:
    """One exact field of a segment being built: the unit streams already keyed (UTF-16 with
    offsets, as the file holds them, in a temporary file), those not yet keyed, and the pairs,
    one run a batch."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.text: _Spill | None = None
        self.toffs = array("q", (0,))
        self.pending: list[str] = []
        self.pending_chars = 0
        self.runs: list[_Run] = []
        # blocks of the long articles: the first block of every article (n_docs + 1 entries
        # when written), and the (key, block) lists one run a batch, as for articles
        self.bfirst = array("q", (0,))
        self.block_runs: list[_Run] = []
        self._pending_blocks: list = []
        self._run_block = 0  # the first block of the batch being keyed

    def key(self) -> int:
        """Key the pending streams into one run; returns the number of pairs added."""
        batch, self.pending, self.pending_chars = self.pending, [], 0
        first = len(self.toffs) - 1
        if self.text is None:
            self.text = _Spill()
        text, toffs = self.text, self.toffs
        size = toffs[-1]
        pieces = []
        i = 0
        while i < len(batch):  # stream_keys holds ~80 bytes a character: a few articles at a time
            j, chars = i, 0
            while j < len(batch) and chars < _KEY_CHARS:
                chars += len(batch[j]) + 1
                j += 1
            part = batch[i:j]
            encoded = [s.encode("utf-16-le") for s in part]
            units = np.array([len(b) // 2 for b in encoded], dtype=np.int64)
            for b in encoded:
                size += len(b)
                toffs.append(size)
            text.append(b"".join(encoded))
            del encoded
            ends = np.cumsum([len(s) + 1 for s in part])
            cps = code_points(VALUE_MARK.join(part) + VALUE_MARK)
            keys, pos = stream_keys(cps)
            del part
            docs = np.searchsorted(ends, pos, side="right").astype(np.uint64)
            self._block_pairs(cps, ends, units, keys, pos, docs)
            del pos, cps
            docs += np.uint64(i)
            keys <<= np.uint64(_DOC_BITS)
            keys |= docs
            del docs
            keys.sort()  # np.unique hashes: 10x slower
            if len(keys):
                pieces.append(keys[np.concatenate(([True], keys[1:] != keys[:-1]))])
            del keys
            i = j
        blocks = self._block_run()
        if not pieces:
            return blocks
        pairs = pieces[0] if len(pieces) == 1 else np.concatenate(pieces)
        del pieces
        pairs.sort()  # the pieces hold different articles: the pairs are unique
        self.runs.append(_Run(first, pairs, len(batch)))
        return len(self.runs[-1]) + blocks

    def _block_pairs(self, cps: np.ndarray, ends: np.ndarray, units: np.ndarray, keys: np.ndarray,
                     pos: np.ndarray, docs: np.ndarray) -> None:
        """Note the (key, block) pairs of the long articles among a few keyed ones: `cps` their
        streams joined (code points), `ends` where each ends there, `units` each one's length in
        UTF-16 units, `keys`/`pos` their keys and positions, `docs` the article (0-based) of each.

        Block b of an article covers its UTF-16 units [b*block, (b+1)*block + overlap): a key
        is listed for the block it starts in and, within the first `overlap` units of a block,
        for the one before too."""
        s = self.settings
        long = units > s.long
        counts = np.where(long, -(-units // s.block), 0)
        firsts = self.bfirst[-1] + np.cumsum(counts) - counts
        self.bfirst.extend((firsts + counts).tolist())
        if not long.any():
            return
        d = docs.astype(np.int64)
        sel = np.flatnonzero(long[d] & (keys & np.uint64(TAG_MASK) != np.uint64(TAG_UNI)))
        if not len(sel):
            return
        d = d[sel]
        astral = cps > 0xFFFF  # two UTF-16 units each: positions counted in units
        before = np.cumsum(astral) - astral if astral.any() else None
        p = pos[sel]
        start = np.append(0, ends[:-1])  # each stream's first code point
        if before is not None:
            p = p + before[p]
            start = start + before[start]
        rel = p - start[d]
        block = firsts[d] + rel // s.block
        k = keys[sel]
        prev = np.flatnonzero((rel % s.block < s.overlap) & (rel >= s.block))
        k = np.concatenate((k, k[prev]))
        block = np.concatenate((block, block[prev] - 1))
        self._pending_blocks.append((k, block))

    def _block_run(self) -> int:
        """Turn the block pairs noted since the last batch into one run; returns its pairs."""
        pending, self._pending_blocks = self._pending_blocks, []
        first = self._run_block
        self._run_block = self.bfirst[-1]
        if not pending:
            return 0
        keys = np.concatenate([k for k, _ in pending])
        blocks = np.concatenate([b for _, b in pending]).astype(np.uint64)
        del pending
        keys <<= np.uint64(_DOC_BITS)
        keys |= blocks - np.uint64(first)
        del blocks
        keys.sort()
        pairs = keys[np.concatenate(([True], keys[1:] != keys[:-1]))]
        self.block_runs.append(_Run(first, pairs, self.bfirst[-1] - first))
        return len(pairs)

    def lists(self, doc_type: type, blocks: bool = False) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(unique keys, offsets, articles) of the whole field, as `write` stores them (of its
        blocks when `blocks`: then the numbers are blocks'). Runs hold disjoint article ranges,
        so their pairs are unique together; they are merged one key range at a time (never all
        of them as uint64 at once) and freed at the end."""
        if blocks:
            runs, self.block_runs = self.block_runs, []
        else:
            runs, self.runs = self.runs, []
        total = sum(len(r) for r in runs)
        docs = np.empty(total, dtype=doc_type)
        parts = -(-total // _PART_PAIRS)
        if parts > 1:
            samples = np.sort(np.concatenate([r.sample(_SAMPLE_STEP) for r in runs]))
            cuts = np.unique(samples[np.linspace(0, len(samples), parts, endpoint=False).astype(np.int64)[1:]])
            bounds = [None, *cuts, None]
        else:
            bounds = [None, None]
        key_parts, start_parts = [], []
        done = 0
        for lo, hi in zip(bounds[:-1], bounds[1:]):
            pieces = [r.pairs(lo, hi) for r in runs]
            pairs = np.concatenate(pieces) if pieces else np.empty(0, np.uint64)
            del pieces
            pairs.sort()
            n = len(pairs)
            keys = pairs >> np.uint64(_DOC_BITS)
            pairs &= np.uint64((1 << _DOC_BITS) - 1)
            docs[done:done + n] = pairs
            del pairs
            if n:
                starts = np.flatnonzero(keys[1:] != keys[:-1]) + 1
                starts = np.concatenate(([0], starts))
                key_parts.append(keys[starts])
                start_parts.append(starts + done)
            del keys
            done += n
        del runs
        if key_parts:
            ukeys = np.concatenate(key_parts)
            starts = np.concatenate(start_parts)
        else:
            ukeys, starts = np.empty(0, np.uint64), np.empty(0, np.int64)
        offs = np.append(starts, total).astype(np.uint32 if total < 1 << 32 else np.int64)
        return ukeys, offs, docs


    def _units(self, lo: int, hi: int) -> tuple[np.ndarray, np.ndarray]:
        """(UTF-16 code units, article of each) of articles lo..hi-1, read back from the file."""
        toffs = np.frombuffer(self.toffs, dtype=np.int64)
        start, end = int(toffs[lo]), int(toffs[hi])
        data = os.pread(self.text._fd, end - start, start) if end > start else b""
        units = np.frombuffer(data, dtype="<u2")
        lengths = np.diff(toffs[lo:hi + 1]) // 2
        return units, np.repeat(np.arange(lo, hi, dtype=np.int32), lengths)

    def gram_lists(self, n_docs: int, doc_type: type) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(keys, offsets, articles) of the field's frequent four-character strings: those found
        at least `gram_min_share` times per article in an even sample of the articles (and
        `gram_min_count` times), the `gram_max` most frequent; then every article holding them."""
        s = self.settings
        empty = (np.empty(0, np.uint64), np.zeros(1, np.uint32), np.empty(0, doc_type))
        if self.text is None or not n_docs:
            return empty
        toffs = np.frombuffer(self.toffs, dtype=np.int64)
        # the sample: every article, or the first articles of each of 16 even stretches
        lo_hi = [(0, n_docs)]
        if int(toffs[-1]) // 2 > s.gram_sample_units:
            lo_hi = []
            for k in range(16):
                lo, hi = n_docs * k // 16, n_docs * (k + 1) // 16
                if lo < hi:
                    budget = int(toffs[lo]) + 2 * (s.gram_sample_units // 16)  # bytes: 2 a unit
                    end = max(lo + 1, int(np.searchsorted(toffs, budget, side="right")) - 1)
                    lo_hi.append((lo, min(hi, end)))
        picks = sum(hi - lo for lo, hi in lo_hi)
        seen, times = [], []  # each stretch's strings counted apart: little memory at a time
        for lo, hi in lo_hi:
            k, c = np.unique(self._grams_of(lo, hi)[0], return_counts=True)
            seen.append(k)
            times.append(c)
        keys, where = np.unique(np.concatenate(seen), return_inverse=True)
        counts = np.bincount(where, weights=np.concatenate(times), minlength=len(keys))
        del seen, times, where
        if not len(keys):
            return empty
        frequent = counts >= max(s.gram_min_count, s.gram_min_share * picks)
        keys, counts = keys[frequent], counts[frequent]
        if len(keys) > s.gram_max:
            keys = np.sort(keys[np.argsort(-counts, kind="stable")[:s.gram_max]])
        if not len(keys):
            return empty
        # every article holding each chosen string, a stretch of articles at a time; a string
        # is looked for among the chosen only when a 16-bit hash of it is one of theirs (most
        # strings are not chosen, and the binary search was most of a segment's exact layer)
        chosen_hash = np.zeros(1 << 16, dtype=bool)
        chosen_hash[_hash16(keys)] = True
        pairs = []
        lo = 0
        while lo < n_docs:
            hi = max(lo + 1, int(np.searchsorted(toffs, int(toffs[lo]) + 2 * s.gram_chunk_units, side="right")) - 1)
            hi = min(hi, n_docs)
            grams, docs = self._grams_of(lo, hi)
            maybe = chosen_hash[_hash16(grams)]
            grams, docs = grams[maybe], docs[maybe]
            idx = np.searchsorted(keys, grams)
            idx[idx == len(keys)] = 0
            hit = keys[idx] == grams
            found = (idx[hit].astype(np.uint64) << np.uint64(_DOC_BITS)) | docs[hit].astype(np.uint64)
            found.sort()
            if len(found):
                pairs.append(found[np.concatenate(([True], found[1:] != found[:-1]))])
            lo = hi
        found = np.concatenate(pairs) if pairs else np.empty(0, np.uint64)
        found.sort()  # stretches hold different articles: unique already
        which = (found >> np.uint64(_DOC_BITS)).astype(np.int64)
        docs = (found & np.uint64((1 << _DOC_BITS) - 1)).astype(doc_type)
        counts = np.bincount(which, minlength=len(keys))
        offs = np.zeros(len(keys) + 1, dtype=np.uint32)
        np.cumsum(counts, out=offs[1:])
        return keys, offs, docs

    def _grams_of(self, lo: int, hi: int) -> tuple[np.ndarray, np.ndarray]:
        units, docs = self._units(lo, hi)
        return grams(units, docs)


class Builder:
    """Collects the unit streams of a segment's articles, in article order, and writes `.wx`."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or Settings()
        self.n_docs = 0
        self._fields = {f: _FieldBuilder(self.settings) for f in FIELDS}
        self.pairs = 0  # (key, article) pairs held: bounds the size of a segment
        self.batches = 0  # batches keyed (each leaves freed memory behind: see writer)

    def add(self, streams: dict[str, str]) -> None:
        """One article: field → unit stream (missing fields are empty)."""
        for f, fb in self._fields.items():
            s = streams.get(f, "")
            fb.pending.append(s)
            fb.pending_chars += len(s) + 1
            if fb.pending_chars >= _FLUSH_CHARS:
                self.pairs += fb.key()
                self.batches += 1
        self.n_docs += 1

    def write(self, path: Path) -> None:
        s = self.settings
        doc_type = np.uint16 if self.n_docs <= 1 << 16 else np.uint32
        arrays: list[tuple[str, np.ndarray | _Spill]] = []
        for f, fb in self._fields.items():
            fb.key()
            ukeys, offs, docs = fb.lists(doc_type)
            offs, docs, dense, bits = as_bitmaps(offs, docs, self.n_docs)
            text_offs = np.frombuffer(fb.toffs, dtype=np.int64)
            text = fb.text if fb.text is not None else np.empty(0, np.uint8)
            arrays += [(f"{f}.keys", ukeys), (f"{f}.offs", offs), (f"{f}.docs", docs),
                       (f"{f}.dense", dense), (f"{f}.bits", bits),
                       (f"{f}.toffs", text_offs), (f"{f}.text", text)]
            bfirst = np.frombuffer(fb.bfirst, dtype=np.int64)
            if bfirst[-1]:  # the segment has long articles: their block lists
                block_type = np.uint16 if bfirst[-1] <= 1 << 16 else np.uint32
                bkeys, boffs, bdocs = fb.lists(block_type, blocks=True)
                arrays += [(f"{f}{BLOCKS}.first", bfirst.astype(np.uint32)), (f"{f}{BLOCKS}.keys", bkeys),
                           (f"{f}{BLOCKS}.offs", boffs), (f"{f}{BLOCKS}.docs", bdocs)]
            if f in GRAM_FIELDS:
                g = f"{f}#{GRAM}"
                gkeys, goffs, gdocs = fb.gram_lists(self.n_docs, doc_type)
                goffs, gdocs, gdense, gbits = as_bitmaps(goffs, gdocs, self.n_docs)
                arrays += [(f"{g}.keys", gkeys), (f"{g}.offs", goffs), (f"{g}.docs", gdocs),
                           (f"{g}.dense", gdense), (f"{g}.bits", gbits)]
        try:
            write_arrays(path, {"docs": self.n_docs, "block": s.block, "overlap": s.overlap}, arrays)
        finally:
            self.close()

    def close(self) -> None:
        """Remove the temporary files (also done when the builder is dropped)."""
        for fb in self._fields.values():
            if fb.text is not None:
                fb.text.close()
