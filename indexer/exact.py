"""The exact layer: which articles hold a phrase, decided in bulk with NumPy.

One file per index segment (`<segment>.wx`, beside Whoosh's files, memory-mapped when read)
holds, for each exact field (title, body, source, authors):

- the *unit stream* of every article (`indexer.analysis.unit_stream`: folded text, punctuation
  and whitespace removed, Latin units marked), UTF-16, one after the other, with offsets;
- document-level lists: for every key, the sorted local numbers of the articles holding it.
  Keys are integers computed over the UTF-32 code points of a whole batch of articles at
  once: every CJK character (unigram), every two consecutive CJK units (bigram), and a hash
  of every Latin unit. The lists are built by sorting (key, article) pairs of the whole batch.

A query phrase is answered the Zoekt / Code Search way: the lists of its keys are intersected,
rarest first, and where the keys alone do not decide it (more than two units, or a Latin unit,
whose key is a hash), each candidate is confirmed by finding the phrase's own unit stream in
the article's. One CJK character or two CJK characters are answered by one list.
"""
from __future__ import annotations

import json
import mmap
import struct
from itertools import repeat
from pathlib import Path

import numpy as np

from indexer.analysis import _CJK_RANGES, LATIN_MARK, VALUE_MARK, Unit, units_stream

EXT = ".wx"
MAGIC = b"WENSOUX2"  # 2: the longest lists as bitmaps
FIELDS = ("title_x", "body_x", "source_x", "author_x")
_DOC_BITS = 24
_TAG_SHIFT = 38
TAG_UNI, TAG_BI, TAG_LATIN = 1 << _TAG_SHIFT, 2 << _TAG_SHIFT, 3 << _TAG_SHIFT
_PAYLOAD = (1 << _TAG_SHIFT) - 1
_CP_BITS = 18  # every CJK code point is below 0x40000
_FLUSH_CHARS = 1 << 20  # unit-stream characters per batch turned into keys


def _cjk_bounds() -> np.ndarray:
    bounds = []
    i = 0
    r = _CJK_RANGES
    while i < len(r):
        lo = ord(r[i])
        if i + 2 < len(r) and r[i + 1] == "-":
            bounds.append((lo, ord(r[i + 2])))
            i += 3
        else:
            bounds.append((lo, lo))
            i += 1
    return np.array(bounds, dtype=np.uint32)


_CJK = _cjk_bounds()
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


# ------------------------------------------------------------------------------- queries


class Plan:
    """How one phrase (a unit sequence) is looked up: its keys, and whether candidates need
    their unit stream checked."""

    __slots__ = ("keys", "confirm", "pattern")

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


# -------------------------------------------------------------------------------- writing


class Builder:
    """Collects the unit streams of a segment's articles, in article order, and writes `.wx`."""

    def __init__(self) -> None:
        self.n_docs = 0
        self._streams: dict[str, list[str]] = {f: [] for f in FIELDS}
        self._pending: dict[str, int] = dict.fromkeys(FIELDS, 0)  # streams not yet keyed
        self._pending_chars: dict[str, int] = dict.fromkeys(FIELDS, 0)
        self._pairs: dict[str, list[np.ndarray]] = {f: [] for f in FIELDS}
        self.pairs = 0  # (key, article) pairs held: bounds the size of a segment

    def add(self, streams: dict[str, str]) -> None:
        """One article: field → unit stream (missing fields are empty)."""
        for f in FIELDS:
            s = streams.get(f, "")
            self._streams[f].append(s)
            self._pending_chars[f] += len(s) + 1
            if self._pending_chars[f] >= _FLUSH_CHARS:
                self._key(f)
        self.n_docs += 1

    def _key(self, f: str) -> None:
        first = self._pending[f]
        batch = self._streams[f][first:]
        self._pending[f] = len(self._streams[f])
        self._pending_chars[f] = 0
        if not batch:
            return
        joined = VALUE_MARK.join(batch) + VALUE_MARK
        cps = _code_points(joined)
        keys, pos = stream_keys(cps)
        ends = np.cumsum([len(s) + 1 for s in batch])
        docs = np.searchsorted(ends, pos, side="right").astype(np.uint64) + np.uint64(first)
        pairs = np.sort((keys << np.uint64(_DOC_BITS)) | docs)  # np.unique hashes: 10x slower
        if len(pairs) > 1:
            pairs = pairs[np.concatenate(([True], pairs[1:] != pairs[:-1]))]
        self._pairs[f].append(pairs)
        self.pairs += len(pairs)

    def write(self, path: Path) -> None:
        doc_type = np.uint16 if self.n_docs <= 1 << 16 else np.uint32
        arrays: list[tuple[str, np.ndarray]] = []
        for f in FIELDS:
            self._key(f)
            pairs = np.concatenate(self._pairs[f]) if self._pairs[f] else np.empty(0, np.uint64)
            self._pairs[f] = []
            pairs.sort()  # batches hold disjoint article ranges, so pairs are already unique
            docs = (pairs & np.uint64((1 << _DOC_BITS) - 1)).astype(doc_type)
            pairs >>= np.uint64(_DOC_BITS)  # in place: the keys (memory is the limit here)
            keys = pairs
            if len(keys):
                starts = np.flatnonzero(keys[1:] != keys[:-1]) + 1
                starts = np.concatenate(([0], starts))
            else:
                starts = np.empty(0, np.int64)
            ukeys = keys[starts]
            offs = np.append(starts, len(keys)).astype(np.uint32 if len(keys) < 1 << 32 else np.int64)
            del keys, pairs, starts
            encoded = [s.encode("utf-16-le") for s in self._streams[f]]
            text_offs = np.zeros(len(encoded) + 1, dtype=np.int64)
            np.cumsum([len(b) for b in encoded], out=text_offs[1:])
            text = np.frombuffer(b"".join(encoded), dtype=np.uint8)
            offs, docs, dense, bits = _bitmaps(offs, docs, self.n_docs)
            arrays += [(f"{f}.keys", ukeys), (f"{f}.offs", offs), (f"{f}.docs", docs),
                       (f"{f}.dense", dense), (f"{f}.bits", bits),
                       (f"{f}.toffs", text_offs), (f"{f}.text", text)]
        _write_arrays(path, {"docs": self.n_docs}, arrays)


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


def _write_arrays(path: Path, meta: dict, arrays: list[tuple[str, np.ndarray]]) -> None:
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
        self._arrays = {}
        self._text_base = {}
        for name, (off, dtype, count) in meta["arrays"].items():
            self._arrays[name] = np.frombuffer(mm, dtype=dtype, count=count, offset=base + off)
            if name.endswith(".text"):
                self._text_base[name[:-5]] = base + off

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

    def docs(self, field: str, key: int) -> np.ndarray:
        keys = self._arrays[f"{field}.keys"]
        i = int(keys.searchsorted(np.uint64(key)))  # a Python int would convert all the keys
        if i == len(keys) or int(keys[i]) != key:
            return _EMPTY
        offs = self._arrays[f"{field}.offs"]
        start, end = offs[i], offs[i + 1]
        if start == end:  # stored as a bitmap (see _bitmaps)
            dense = self._arrays.get(f"{field}.dense", _EMPTY)
            j = int(dense.searchsorted(i))
            if j == len(dense) or dense[j] != i:
                return _EMPTY
            width = (self.n_docs + 7) // 8
            flags = np.unpackbits(self._arrays[f"{field}.bits"][j * width:(j + 1) * width])
            return np.flatnonzero(flags[:self.n_docs])
        return self._arrays[f"{field}.docs"][start:end]

    def phrase(self, field: str, plan: Plan, within: np.ndarray | None = None) -> np.ndarray:
        """Local numbers (sorted) of the articles whose `field` holds the phrase (only those
        among `within`, sorted local numbers, when given: fewer candidates to confirm)."""
        lists = [self.docs(field, k) for k in plan.keys]
        if not lists or any(len(x) == 0 for x in lists):
            return _EMPTY
        if within is not None:
            lists.append(within)
        lists.sort(key=len)
        found = lists[0]
        for other in lists[1:]:
            found = intersect(found, other)
            if not len(found):
                return _EMPTY
        if plan.confirm:
            found = self._confirm(field, found, plan.pattern)
        return found

    def _confirm(self, field: str, docs: np.ndarray, pattern: bytes) -> np.ndarray:
        """The `docs` whose unit stream holds `pattern`: one `find` per candidate, run by `map`
        in C (no Python step per candidate); a hit at an odd byte offset (inside a UTF-16 code
        unit) is looked at again from there."""
        offs = self._arrays[f"{field}.toffs"]
        base = self._text_base[field]
        docs = docs.astype(np.int64)
        starts = offs[docs] + base
        ends = offs[docs + 1] + base
        found = np.fromiter(map(self._mm.find, repeat(pattern), starts.tolist(), ends.tolist()),
                            dtype=np.int64, count=len(docs))
        keep = found >= 0
        for i in np.flatnonzero(keep & ((found - starts) & 1 == 1)).tolist():
            p, e = int(found[i]), int(ends[i])
            while p != -1 and (p - int(starts[i])) & 1:
                p = self._mm.find(pattern, p + 1, e)
            keep[i] = p != -1
        return docs[keep]


_EMPTY = np.empty(0, dtype=np.int64)


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
