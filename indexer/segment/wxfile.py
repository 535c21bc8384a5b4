"""The exact layer's file: `<segment>.wx`, one per Whoosh segment, beside Whoosh's own files.

Byte layout (every integer little-endian; opened with mmap, arrays are views, nothing is
copied on open):

    offset 0        8 bytes   magic: b"WENSOUX2" (version 2); b"WENSOUX1" (version 1: no
                              bitmaps, so no `.dense`/`.bits` arrays) is still read
    offset 8        8 bytes   H, the header's length in bytes (uint64)
    offset 16       H bytes   header: a UTF-8 JSON object, padded with spaces to a multiple
                              of 8 bytes:
                              {"docs": N, "block": B, "overlap": V,
                               "arrays": {NAME: [OFFSET, DTYPE, COUNT], ...}}
                              OFFSET is counted from the data area and is a multiple of 8;
                              DTYPE is NumPy's name of the element type ("uint64", "uint16")
    offset 16+H'    the data area (H' = H rounded up to 8): the arrays one after the other,
                    each zero-padded to a multiple of 8 bytes

N is the segment's article count (local numbers 0..N-1, Whoosh's docnums minus the
segment's offset); B and V are the block length and overlap the block lists were written
with (absent in files written before block lists: 4096 and 64).

The arrays, for each exact field F of FIELDS (title_x, body_x, source_x, author_x):

    F.keys   uint64[K]       the field's keys, ascending
    F.offs   uint32[K+1]     (int64 if the field has 2^32 pairs or more) the list of keys[i]
                             is docs[offs[i]:offs[i+1]]; an empty range means it is a bitmap
    F.docs   uint16[P]       (uint32 when N > 65,536) local article numbers, ascending
                             within each list
    F.dense  uint32[D]       ascending indices i of the keys whose list is a bitmap
    F.bits   uint8[D*W]      those bitmaps, W = ceil(N / 8) bytes each; article a is bit
                             (7 - a % 8) of byte a // 8 (np.packbits order)
    F.toffs  int64[N+1]      byte offsets in F.text of each article's unit stream
    F.text   uint8[...]      the unit streams, UTF-16-LE, one after the other

for a field whose segment holds articles of more than LONG UTF-16 units (block lists):

    F@.first uint32[N+1]     the first block number of each article (first[a] == first[a+1]:
                             article a has no blocks); block b of article a covers its
                             stream's units [(b - first[a]) * B, (b - first[a] + 1) * B + V)
    F@.keys, F@.offs, F@.docs   as above, listing block numbers (no bitmaps, no single
                             characters: pairs and Latin units only)

and for title_x and body_x (GRAM_FIELDS), the segment's frequent four-character strings:

    F#4.keys, F#4.offs, F#4.docs, F#4.dense, F#4.bits   as F's, keyed by the string's four
                             UTF-16 code units, 16 bits each, the first most significant

A key (uint64) is a two-bit tag above a 38-bit payload (`indexer.segment.keys`):

    TAG_UNI   = 1 << 38 | code point                  one CJK character
    TAG_BI    = 2 << 38 | cp1 << 18 | cp2             two consecutive CJK units
    TAG_LATIN = 3 << 38 | hash & (2^38 - 1)           one Latin unit (a run of letters or
                             digits): a polynomial hash of its code points, its length mixed in

A unit stream is `indexer.analysis.unit_stream` of the folded field: punctuation and
whitespace removed, each Latin unit between two LATIN_MARKs (U+0001), the values of a
multi-valued field (authors) separated by VALUE_MARK (U+0002), so no phrase spans two.

Why these choices are in docs/design.md ("Characters decide matching").
"""
from __future__ import annotations

import json
import struct
from pathlib import Path

import numpy as np

EXT = ".wx"
MAGIC = b"WENSOUX2"  # 2: the longest lists as bitmaps
READABLE = (MAGIC, b"WENSOUX1")  # 1: no bitmaps
FIELDS = ("title_x", "body_x", "source_x", "author_x")
GRAM = 4  # characters of the frequent strings given lists of their own
GRAM_FIELDS = ("title_x", "body_x")
BLOCKS = "@"  # suffix of a field's block arrays
BLOCK = 4096  # UTF-16 units of a long article's stream a block list entry stands for...
OVERLAP = 64  # ...plus this many of the next block's: a phrase of up to OVERLAP + 1 units lies in one
LONG = 2 * BLOCK  # articles whose stream is longer than this get block lists

TAG_SHIFT = 38
TAG_UNI, TAG_BI, TAG_LATIN = 1 << TAG_SHIFT, 2 << TAG_SHIFT, 3 << TAG_SHIFT
TAG_MASK = 3 << TAG_SHIFT
PAYLOAD = (1 << TAG_SHIFT) - 1
CP_BITS = 18  # every CJK code point is below 0x40000
_LENGTH = struct.Struct("<Q")


def exact_path(storage, segment) -> Path:
    """Where a Whoosh segment's exact-layer file is: beside its own files."""
    return Path(storage.folder) / segment.make_filename(EXT)


def write_arrays(path: Path, meta: dict, arrays: list) -> None:
    """Write a `.wx` file: `meta` (the header's keys besides "arrays") and the named arrays,
    each a NumPy array or a spilled byte buffer (anything with `nbytes`, `dtype` and
    `write_to(file)`), written from their own memory without a copy."""
    table = {}
    offset = 0
    for name, arr in arrays:
        table[name] = [offset, str(arr.dtype), len(arr)]
        offset += -(-arr.nbytes // 8) * 8
    header = json.dumps({**meta, "arrays": table}).encode("utf-8")
    padded = -(-len(header) // 8) * 8
    with open(path, "wb") as out:
        out.write(MAGIC + _LENGTH.pack(len(header)) + header.ljust(padded, b" "))
        for _name, arr in arrays:
            if isinstance(arr, np.ndarray):
                out.write(memoryview(np.ascontiguousarray(arr)).cast("B"))
            else:
                arr.write_to(out)
            out.write(b"\0" * (-arr.nbytes % 8))
        out.flush()


def read_header(data, path: Path) -> tuple[dict, int]:
    """(header, where the data area starts) of a `.wx` file's bytes (a memory map)."""
    if bytes(data[:len(MAGIC)]) not in READABLE:
        raise ValueError(f"{path} is not an exact-layer file")
    (length,) = _LENGTH.unpack_from(data, len(MAGIC))
    start = len(MAGIC) + _LENGTH.size
    return json.loads(data[start:start + length]), start + -(-length // 8) * 8


def as_bitmaps(offs: np.ndarray, docs: np.ndarray, n_docs: int
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
