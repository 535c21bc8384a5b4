"""The exact layer: which articles hold a phrase, decided in bulk with NumPy.

One file per index segment (`<segment>.wx`, beside Whoosh's files, memory-mapped when read)
holds, for each exact field (title, body, source, authors):

- the *unit stream* of every article (`indexer.analysis.unit_stream`: folded text, punctuation
  and whitespace removed, Latin units marked), UTF-16, one after the other, with offsets;
- document-level lists: for every key, the sorted local numbers of the articles holding it.
  Keys are integers computed over the UTF-32 code points of a whole batch of articles at
  once: every CJK character (unigram), every two consecutive CJK units (bigram), and a hash
  of every Latin unit. The lists are built by sorting (key, article) pairs of the whole batch.

- lists for the segment's frequent four-character strings (title and body): every run of
  four CJK characters that occurs often in the segment (一带一路, 脱贫攻坚, 乡村振兴), chosen from
  an even sample of its articles when the segment is written, gets its own exact list.

A query phrase is answered the Zoekt / Code Search way: the lists of its keys are intersected,
rarest first, and where the keys alone do not decide it (more than two units, or a Latin unit,
whose key is a hash), each candidate is confirmed by finding the phrase's own unit stream in
the article's. One CJK character or two CJK characters are answered by one list, and so are
four CJK characters that have a list of their own: the phrases that check the most articles
otherwise (a frequent phrase has many candidates, nearly all of them true).
"""
from __future__ import annotations

import json
import mmap
import os
import struct
import tempfile
import weakref
from array import array
from pathlib import Path

import numpy as np

from indexer import processes
from indexer.analysis import LATIN_MARK, VALUE_MARK, Unit, units_stream
from indexer.cjk import UNIT_BOUNDS

EXT = ".wx"
MAGIC = b"WENSOUX2"  # 2: the longest lists as bitmaps
FIELDS = ("title_x", "body_x", "source_x", "author_x")
_DOC_BITS = 24
_TAG_SHIFT = 38
TAG_UNI, TAG_BI, TAG_LATIN = 1 << _TAG_SHIFT, 2 << _TAG_SHIFT, 3 << _TAG_SHIFT
_TAG_MASK = 3 << _TAG_SHIFT
_PAYLOAD = (1 << _TAG_SHIFT) - 1
_CP_BITS = 18  # every CJK code point is below 0x40000
_FLUSH_CHARS = 1 << 20  # unit-stream characters per batch turned into keys (a run of pairs)
GRAM = 4  # characters of the frequent strings given lists of their own
GRAM_FIELDS = ("title_x", "body_x")
_GRAM_SAMPLE_UNITS = 1 << 21  # stream characters sampled (evenly over the articles) to choose them
_GRAM_MIN_SHARE = 1 / 100  # chosen when found at least this often per sampled article...
_GRAM_MIN_COUNT = 8  # ...and at least this many times in the sample
_GRAM_MAX = 4096  # at most this many per field and segment (the most frequent)
_GRAM_CHUNK_UNITS = 1 << 20  # stream characters turned into strings at a time
_KEY_CHARS = 1 << 17  # characters given to stream_keys at a time
BLOCK = 4096  # UTF-16 units of a long article's stream a block list entry stands for...
OVERLAP = 64  # ...plus this many of the next block's: a phrase of up to OVERLAP + 1 units lies in one
LONG = 2 * BLOCK  # articles whose stream is longer than this get block lists too (of pairs and
# Latin units: single characters would add a third to them and narrow little)
BLOCKS = "@"  # suffix of a field's block arrays in the file


_CJK = np.array(UNIT_BOUNDS, dtype=np.uint32)  # (first, last) code point of each range of units
assert int(_CJK[:, 1].max()) < 1 << _CP_BITS


def _latin_hash(h: np.ndarray, length: np.ndarray) -> np.ndarray:
    """Mix a polynomial hash of a Latin unit's code points (and its length) into a key."""
    with np.errstate(over="ignore"):
        h = h + length.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)
        h ^= h >> np.uint64(31)
        h *= np.uint64(0xBF58476D1CE4E5B9)
        h ^= h >> np.uint64(29)
    return (h & np.uint64(_PAYLOAD)) | np.uint64(TAG_LATIN)


_POLY = np.uint64(0x100000001B3)


def stream_keys(cps: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(keys, positions) of a unit stream given as UTF-32 code points (several streams may be
    joined by VALUE_MARK). The position of a key is that of its first character."""
    latin_mark = cps == ord(LATIN_MARK)
    parity = np.cumsum(latin_mark, dtype=np.int64)
    in_latin = (parity & 1).astype(bool) & ~latin_mark
    cjk = ~latin_mark & ~in_latin & (cps != ord(VALUE_MARK))
    cp64 = cps.astype(np.uint64)
    uni_pos = np.flatnonzero(cjk)
    uni = cp64[uni_pos] | np.uint64(TAG_UNI)
    pair = cjk[:-1] & cjk[1:]
    bi_pos = np.flatnonzero(pair)
    bi = (cp64[bi_pos] << np.uint64(_CP_BITS)) | cp64[bi_pos + 1] | np.uint64(TAG_BI)
    lat_pos = np.flatnonzero(in_latin)
    if len(lat_pos):
        opens = np.flatnonzero(latin_mark & (parity & 1).astype(bool))  # a unit's opening mark
        run = parity[lat_pos] >> 1  # which unit each Latin character belongs to
        rel = lat_pos - opens[run] - 1
        powers = np.cumprod(np.full(int(rel.max()) + 1, _POLY, dtype=np.uint64))
        with np.errstate(over="ignore"):
            vals = cp64[lat_pos] * powers[rel]
        starts = np.flatnonzero(rel == 0)
        h = np.add.reduceat(vals, starts)
        lengths = np.diff(np.append(starts, len(lat_pos)))
        lat = _latin_hash(h, lengths)
        lat_at = opens[run[starts]]
    else:
        lat = np.empty(0, np.uint64)
        lat_at = np.empty(0, np.int64)
    return (np.concatenate([uni, bi, lat]), np.concatenate([uni_pos, bi_pos, lat_at]))


def _code_points(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)


def _gram_key(text: str) -> int | None:
    """The key of a four-character CJK string: its UTF-16 code units, 16 bits each."""
    if any(ord(c) > 0xFFFF for c in text):
        return None
    key = 0
    for c in text:
        key = key << 16 | ord(c)
    return key


def _cjk_units() -> np.ndarray:
    """Which UTF-16 code units are CJK characters (a unit stream holds nothing else there)."""
    table = np.zeros(1 << 16, dtype=bool)
    for lo, hi in _CJK.tolist():
        if lo <= 0xFFFF:
            table[lo:min(hi, 0xFFFF) + 1] = True
    table[0xD800:0xE000] = False  # surrogates: halves of characters beyond the BMP
    return table


_CJK_UNITS = _cjk_units()


def _grams(units: np.ndarray, docs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(keys, article) of every four consecutive CJK code units within one article's stream;
    `units` is several streams one after the other, `docs` the article of each unit."""
    if len(units) < GRAM:
        return np.empty(0, np.uint64), np.empty(0, docs.dtype)
    ok = _CJK_UNITS[units]
    n = len(units) - GRAM + 1
    start = ok[:n] & ok[1:n + 1] & ok[2:n + 2] & ok[3:n + 3] & (docs[:n] == docs[GRAM - 1:])
    at = np.flatnonzero(start)
    u = units.astype(np.uint64)
    keys = u[at] << np.uint64(48)
    keys |= u[at + 1] << np.uint64(32)
    keys |= u[at + 2] << np.uint64(16)
    keys |= u[at + 3]
    return keys, docs[at]


# ------------------------------------------------------------------------------- queries


class Plan:
    """How one phrase (a unit sequence) is looked up: its keys, and whether candidates need
    their unit stream checked."""

    __slots__ = ("keys", "confirm", "pattern", "text", "gram")

    def __init__(self, seq: list[Unit]) -> None:
        stream = units_stream(seq)
        keys: list[int] = []
        last = len(seq) - 1
        for i, u in enumerate(seq):
            if not u.cjk:
                continue
            if i < last and seq[i + 1].cjk:
                keys.append(TAG_BI | ord(u.text) << _CP_BITS | ord(seq[i + 1].text))
            elif i == 0 or not seq[i - 1].cjk:  # a CJK unit in no bigram of the phrase
                keys.append(TAG_UNI | ord(u.text))
        latin = [u for u in seq if not u.cjk]
        if latin:
            lat_keys, _ = stream_keys(_code_points(units_stream(latin)))
            keys += lat_keys.tolist()
        self.keys = list(dict.fromkeys(keys))
        self.confirm = not (all(u.cjk for u in seq) and len(seq) <= 2)
        self.pattern = stream.encode("utf-16-le")
        # the phrase as one word (CJK only): an article whose words hold it holds the phrase
        self.text = "".join(u.text for u in seq) if all(u.cjk for u in seq) else None
        # four CJK characters of the Basic Multilingual Plane: maybe a frequent string's key
        self.gram = _gram_key(self.text) if self.text and len(self.text) == GRAM else None


# -------------------------------------------------------------------------------- writing


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


class _FieldBuilder:
    """One exact field of a segment being built: the unit streams already keyed (UTF-16 with
    offsets, as the file holds them, in a temporary file), those not yet keyed, and the pairs,
    one run a batch."""

    def __init__(self) -> None:
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
            cps = _code_points(VALUE_MARK.join(part) + VALUE_MARK)
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

        Block b of an article covers its UTF-16 units [b*BLOCK, (b+1)*BLOCK + OVERLAP): a key
        is listed for the block it starts in and, within the first OVERLAP units of a block,
        for the one before too."""
        long = units > LONG
        counts = np.where(long, -(-units // BLOCK), 0)
        firsts = self.bfirst[-1] + np.cumsum(counts) - counts
        self.bfirst.extend((firsts + counts).tolist())
        if not long.any():
            return
        d = docs.astype(np.int64)
        sel = np.flatnonzero(long[d] & (keys & np.uint64(_TAG_MASK) != np.uint64(TAG_UNI)))
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
        block = firsts[d] + rel // BLOCK
        k = keys[sel]
        prev = np.flatnonzero((rel % BLOCK < OVERLAP) & (rel >= BLOCK))
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
        at least _GRAM_MIN_SHARE times per article in an even sample of the articles (and
        _GRAM_MIN_COUNT times), the _GRAM_MAX most frequent; then every article holding them."""
        empty = (np.empty(0, np.uint64), np.zeros(1, np.uint32), np.empty(0, doc_type))
        if self.text is None or not n_docs:
            return empty
        toffs = np.frombuffer(self.toffs, dtype=np.int64)
        # the sample: every article, or the first articles of each of 16 even stretches
        lo_hi = [(0, n_docs)]
        if int(toffs[-1]) // 2 > _GRAM_SAMPLE_UNITS:
            lo_hi = []
            for k in range(16):
                lo, hi = n_docs * k // 16, n_docs * (k + 1) // 16
                if lo < hi:
                    budget = int(toffs[lo]) + 2 * (_GRAM_SAMPLE_UNITS // 16)  # bytes: 2 a unit
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
        frequent = counts >= max(_GRAM_MIN_COUNT, _GRAM_MIN_SHARE * picks)
        keys, counts = keys[frequent], counts[frequent]
        if len(keys) > _GRAM_MAX:
            keys = np.sort(keys[np.argsort(-counts, kind="stable")[:_GRAM_MAX]])
        if not len(keys):
            return empty
        # every article holding each chosen string, a stretch of articles at a time
        pairs = []
        lo = 0
        while lo < n_docs:
            hi = max(lo + 1, int(np.searchsorted(toffs, int(toffs[lo]) + 2 * _GRAM_CHUNK_UNITS, side="right")) - 1)
            hi = min(hi, n_docs)
            grams, docs = self._grams_of(lo, hi)
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
        return _grams(units, docs)


class Builder:
    """Collects the unit streams of a segment's articles, in article order, and writes `.wx`."""

    def __init__(self) -> None:
        self.n_docs = 0
        self._fields = {f: _FieldBuilder() for f in FIELDS}
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
        doc_type = np.uint16 if self.n_docs <= 1 << 16 else np.uint32
        arrays: list[tuple[str, np.ndarray | _Spill]] = []
        for f, fb in self._fields.items():
            fb.key()
            ukeys, offs, docs = fb.lists(doc_type)
            offs, docs, dense, bits = _bitmaps(offs, docs, self.n_docs)
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
                goffs, gdocs, gdense, gbits = _bitmaps(goffs, gdocs, self.n_docs)
                arrays += [(f"{g}.keys", gkeys), (f"{g}.offs", goffs), (f"{g}.docs", gdocs),
                           (f"{g}.dense", gdense), (f"{g}.bits", gbits)]
        try:
            _write_arrays(path, {"docs": self.n_docs, "block": BLOCK, "overlap": OVERLAP}, arrays)
        finally:
            self.close()

    def close(self) -> None:
        """Remove the temporary files (also done when the builder is dropped)."""
        for fb in self._fields.values():
            if fb.text is not None:
                fb.text.close()


def _bitmaps(offs: np.ndarray, docs: np.ndarray, n_docs: int
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Store each list that takes more bytes than a bitmap of the segment's articles as that
    bitmap: (offs, docs) without those lists (their offsets repeat: empty), the sorted indices
    of the keys so stored, and their bitmaps one after the other. A common character or
    pair (的, 发展) is in most articles; its list would take 2 bytes an article, its bitmap
    one bit (a quarter of the exact layer's lists at 100,000 articles)."""
    width = (n_docs + 7) // 8
    lengths = np.diff(offs.astype(np.int64))
    is_dense = lengths * docs.itemsize > width
    dense = np.flatnonzero(is_dense)
    if not len(dense):
        return offs, docs, dense.astype(np.uint32), np.empty(0, np.uint8)
    bits = np.empty(len(dense) * width, dtype=np.uint8)
    for lo in range(0, len(dense), _BITMAP_ROWS):  # a few rows at a time: bounded memory
        rows = dense[lo:lo + _BITMAP_ROWS]
        flags = np.zeros((len(rows), width * 8), dtype=bool)
        starts, ends = offs[rows].astype(np.int64), offs[rows + 1].astype(np.int64)
        row_of = np.repeat(np.arange(len(rows)), ends - starts)
        at = np.concatenate([docs[a:b] for a, b in zip(starts.tolist(), ends.tolist())])
        flags[row_of, at] = True
        bits[lo * width:(lo + len(rows)) * width] = np.packbits(flags, axis=1).ravel()
    kept = np.where(is_dense, 0, lengths)
    new_offs = np.zeros(len(offs), dtype=offs.dtype)
    np.cumsum(kept, out=new_offs[1:], dtype=offs.dtype)
    return new_offs, docs[~np.repeat(is_dense, lengths)], dense.astype(np.uint32), bits


_BITMAP_ROWS = 256


def _write_arrays(path: Path, meta: dict, arrays: list[tuple[str, np.ndarray | _Spill]]) -> None:
    table = {}
    offset = 0
    for name, arr in arrays:
        table[name] = [offset, str(arr.dtype), len(arr)]
        offset += -(-arr.nbytes // 8) * 8
    header = json.dumps({**meta, "arrays": table}).encode("utf-8")
    head_len = len(MAGIC) + 8 + -(-len(header) // 8) * 8
    with open(path, "wb") as out:
        out.write(MAGIC + struct.pack("<Q", len(header)) + header.ljust(head_len - len(MAGIC) - 8, b" "))
        for _name, arr in arrays:  # written from the arrays' memory: no copy of each
            if isinstance(arr, _Spill):
                arr.write_to(out)
            else:
                out.write(memoryview(np.ascontiguousarray(arr)).cast("B"))
            out.write(b"\0" * (-arr.nbytes % 8))
        out.flush()


# -------------------------------------------------------------------------------- reading


class Segment:
    """One segment's `.wx` file, memory-mapped; answers in local article numbers."""

    def __init__(self, path: Path) -> None:
        with open(path, "rb") as f:
            self._mm = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        mm = self._mm
        if mm[:len(MAGIC)] not in (MAGIC, b"WENSOUX1"):  # 1: no bitmaps
            raise ValueError(f"{path} is not an exact-layer file")
        (hlen,) = struct.unpack_from("<Q", mm, len(MAGIC))
        meta = json.loads(mm[len(MAGIC) + 8:len(MAGIC) + 8 + hlen])
        base = len(MAGIC) + 8 + -(-hlen // 8) * 8
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
        lengths = offs[docs + 1] // 2 - begin
        out_starts = np.cumsum(lengths + 1) - (lengths + 1)
        codes = np.full(int((lengths + 1).sum()), ord(VALUE_MARK), dtype=np.uint16)
        for o, b, n in zip(out_starts.tolist(), begin.tolist(), lengths.tolist()):  # a copy each
            codes[o:o + n] = units[b:b + n]
        return codes, out_starts

    def _lookup(self, field: str, key: int) -> np.ndarray | int | None:
        """A key's sorted article list, or the index of its bitmap (see _bitmaps), or None."""
        keys = self._arrays[f"{field}.keys"]
        i = int(keys.searchsorted(np.uint64(key)))  # a Python int would convert all the keys
        if i == len(keys) or int(keys[i]) != key:
            return None
        offs = self._arrays[f"{field}.offs"]
        start, end = offs[i], offs[i + 1]
        if start == end:  # stored as a bitmap
            dense = self._arrays.get(f"{field}.dense", _EMPTY)
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
            return int(_POPCOUNT[self._bitmap(field, found)].sum())
        return len(found)

    def docs(self, field: str, key: int) -> np.ndarray:
        found = self._lookup(field, key)
        return _EMPTY if found is None else self._found_docs(field, found)

    def _found_docs(self, field: str, found: np.ndarray | int, within: np.ndarray | None = None) -> np.ndarray:
        """The articles of what `_lookup` found (a list, or a bitmap's index), only those among
        `within` (sorted) when given."""
        if within is not None:
            return self._in_bitmap(field, found, within) if isinstance(found, int) else intersect(within, found)
        return self._bitmap_docs(field, found) if isinstance(found, int) else found

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
                return _EMPTY
            (bitmaps if isinstance(found, int) else lists).append(found)
        if within is not None:
            lists.append(within)
        if not lists:
            if not bitmaps:
                return _EMPTY
            lists.append(self._bitmap_docs(field, bitmaps.pop()))
        lists.sort(key=len)
        found = lists[0]
        for other in lists[1:]:
            found = intersect(found, other)
            if not len(found):
                return _EMPTY
        for j in bitmaps:
            found = self._in_bitmap(field, j, found)
            if not len(found):
                return _EMPTY
        if plan.confirm:
            if sure is not None and len(sure):
                certain = intersect(found, sure)
                rest = difference(found, certain)
                return union(certain, self._confirm(field, rest, plan)) if len(rest) else certain
            found = self._confirm(field, found, plan)
        return found

    def _confirm(self, field: str, docs: np.ndarray, plan: Plan) -> np.ndarray:
        """The `docs` whose unit stream holds the phrase. A long article (one with block lists)
        is searched only in its blocks that hold every key of the phrase, when the phrase is
        short enough to lie within one block's stretch: a few kilobytes, not its whole text."""
        first = self._arrays.get(f"{field}{BLOCKS}.first")
        units = len(plan.pattern) // 2
        if first is None or units > self.overlap + 1 or not len(docs) \
                or all(k & _TAG_MASK == TAG_UNI for k in plan.keys):
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
            if k & _TAG_MASK == TAG_UNI:  # not in block lists
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
        hit at an odd byte offset (inside a UTF-16 code unit) is looked at again from there."""
        found = _find(self._string, pattern, starts, ends)
        # NumPy reads a bytes string without its trailing NULs: a stream ending the file there
        for i in np.flatnonzero(ends > self._string_end).tolist():
            found[i] = self._mm.find(pattern, int(starts[i]), int(ends[i]))
        keep = found >= 0
        for i in np.flatnonzero(keep & ((found - starts) & 1 == 1)).tolist():
            p, e = int(found[i]), int(ends[i])
            while p != -1 and (p - int(starts[i])) & 1:
                p = self._mm.find(pattern, p + 1, e)
            keep[i] = p != -1
        return keep


PARALLEL_FROM = 512  # candidates from which a check is split between threads


def _find(whole: np.ndarray, pattern: bytes, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """`whole.find(pattern, start, end)` for each start and end (-1 where absent)."""
    needle = np.array(pattern, dtype=f"S{len(pattern)}")
    workers = processes.WORKERS
    if len(starts) < PARALLEL_FROM or workers == 1:
        return np.strings.find(whole, needle, starts, ends)
    bounds = np.linspace(0, len(starts), workers + 1).astype(np.int64)
    parts = processes.thread_pool().map(lambda lo, hi: np.strings.find(whole, needle, starts[lo:hi], ends[lo:hi]),
                      bounds[:-1].tolist(), bounds[1:].tolist())
    return np.concatenate(list(parts))


_EMPTY = np.empty(0, dtype=np.int64)
_POPCOUNT = np.unpackbits(np.arange(256, dtype=np.uint8)[:, None], axis=1).sum(axis=1).astype(np.int64)


def union(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Sorted unique arrays → their sorted union (np.union1d hashes: slower here)."""
    if not len(a):
        return b
    if not len(b):
        return a
    both = np.concatenate((a, b))
    both.sort(kind="stable")
    return both[np.concatenate(([True], both[1:] != both[:-1]))]


def difference(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Sorted unique arrays → the elements of `a` not in `b`."""
    if not len(a) or not len(b):
        return a
    idx = np.searchsorted(b, a)
    idx[idx == len(b)] = 0
    return a[b[idx] != a]


def intersect(small: np.ndarray, large: np.ndarray) -> np.ndarray:
    """Sorted unique arrays → their intersection; binary search of the smaller in the larger."""
    if len(small) > len(large):
        small, large = large, small
    if not len(small):
        return small
    idx = np.searchsorted(large, small)
    idx[idx == len(large)] = 0
    return small[large[idx] == small]
