"""Reading a segment's words and exact layer for matching and ranking: the exact layer and
the live articles of each segment of a searcher, a word's postings as arrays (ranking computes
BM25F for every matched article at once) and the field lengths, from Whoosh's W3 files without
a matcher per document."""
from __future__ import annotations

import mmap
import struct
from array import array

import numpy as np
from whoosh.codec import whoosh3
from whoosh.reading import TermNotFound
from whoosh.system import pack_ushort
from whoosh.util.numeric import byte_to_length

from indexer.segment.codec import ARRAY_DTYPE
from indexer.segment.reader import Segment
from indexer.segment.remembered import Remembered
from indexer.segment.wxfile import exact_path

_KEY_VALUE_LENGTHS = struct.Struct("!ii")  # whoosh.filedb.filetables._lengths
POSTINGS_KEPT_BYTES = 128 << 20  # decoded word postings kept for the process (8 bytes a posting)
POSTINGS = Remembered(POSTINGS_KEPT_BYTES)  # (segment, field, word) → (local docnums, weights)
_NONE = (np.empty(0, np.int32), np.empty(0, np.float32))  # an absent word's
for _a in _NONE:
    _a.flags.writeable = False


def exact_leaves(searcher) -> list[tuple[Segment, int, np.ndarray | None]]:
    """(exact layer, docnum offset, live mask or None) of each segment of a searcher; opened
    once per segment reader."""
    out = []
    for leaf, offset in searcher.reader().leaf_readers():
        seg, live = _exact_of(leaf)
        out.append((seg, offset, live))
    return out


def forget_exact(searcher) -> None:
    """Drop the exact layers `_exact_of` keeps on a searcher's segment readers."""
    for leaf, _offset in searcher.reader().leaf_readers():
        leaf.__dict__.pop("_wensou_exact", None)


def deleted_docnums(leaf) -> np.ndarray:
    """The deleted local docnums of one segment reader, sorted (the old versions of articles an
    ingest updated or removed, left in their segment), read once and kept on it."""
    gone = getattr(leaf, "_wensou_deleted", None)
    if gone is None:
        gone = np.array(sorted(leaf.deleted_docs_set) if leaf.has_deletions() else (), dtype=np.int64)
        leaf._wensou_deleted = gone
    return gone


def _exact_of(leaf) -> tuple[Segment, np.ndarray | None]:
    """(exact layer, live mask or None) of one segment reader, opened on first use and kept on it."""
    cached = getattr(leaf, "_wensou_exact", None)
    if cached is None:
        seg = Segment(exact_path(leaf.storage(), leaf.segment()))
        live = None
        gone = deleted_docnums(leaf)
        if len(gone):
            live = np.ones(leaf.doc_count_all(), dtype=bool)
            live[gone] = False
        cached = leaf._wensou_exact = (seg, live)
    return cached


_POINTER = struct.Struct("!Iq")  # whoosh.filedb.filetables._pointer: (key hash, item position)


def _term_info(terms, fieldname: str, tbytes: bytes):
    """W3TermsReader.term_info without its layers of generators (HashReader.ranges_for_key,
    the same probing of the same on-disk hash table): a query looks a word up once per segment
    and field, so this is paid (segments × fields × words) times per query. None: absent."""
    fnum = terms._fieldmap.get(fieldname)
    if fnum is None:
        return None
    key = pack_ushort(fnum) + tbytes
    table = terms._tindex
    keyhash = table.hashfn(key)
    tablestart, numslots = table.tables[keyhash & 255]
    if not numslots:
        return None
    if table.startoffset:  # a term table inside a compound file: Whoosh's own lookup
        try:
            return terms.term_info(fieldname, tbytes)
        except TermNotFound:
            return None
    mm = getattr(terms, "_wensou_map", None)
    if mm is None:  # the term file mapped once per segment: a lookup slices it, no seek + read
        mm = terms._wensou_map = mmap.mmap(table.dbfile.file.fileno(), 0, access=mmap.ACCESS_READ)
    end = tablestart + numslots * 12
    slotpos = tablestart + ((keyhash >> 8) % numslots) * 12
    unpack_ptr, unpack_lens = _POINTER.unpack, _KEY_VALUE_LENGTHS.unpack
    n_key = len(key)
    for _ in range(numslots):
        slothash, itempos = unpack_ptr(mm[slotpos:slotpos + 12])
        if not itempos:
            return None
        if slothash == keyhash:
            keylen, datalen = unpack_lens(mm[itempos:itempos + 8])
            start = itempos + 8
            if keylen == n_key and mm[start:start + keylen] == key:
                return whoosh3.W3TermInfo.from_bytes(mm[start + keylen:start + keylen + datalen])
        slotpos += 12
        if slotpos == end:
            slotpos = tablestart
    return None


def doc_frequency(leaf, fieldname: str, term: str) -> int:
    """In how many articles of one segment a word occurs, deleted ones included (Whoosh's
    `doc_frequency`), from the term table mapped once (`_term_info`): Whoosh's own lookup reads
    and seeks its file several times, and a query asks it once per segment, field and word."""
    ti = _term_info(leaf._terms, fieldname, term.encode("utf-8"))
    return 0 if ti is None else ti.doc_frequency()


def _as_array(values, dtype) -> np.ndarray:
    if isinstance(values, array):  # written by _BlockWriter: no Python number per posting
        return np.frombuffer(values, dtype=ARRAY_DTYPE[values.typecode]).astype(dtype)
    return np.asarray(values, dtype=dtype)  # tuples: blocks written by Whoosh's own writer


def word_postings(leaf, fieldname: str, term: str, within: np.ndarray | None = None
                  ) -> tuple[np.ndarray, np.ndarray]:
    """(local docnums, weights) of a word in one segment, deleted articles included, read
    block by block from the W3 postings without a matcher per document.

    A word's list is read whole once and remembered (`POSTINGS`, least recently used out):
    the words of a search recur in later ones (common words in most), and looking a word up
    and reading its list (blocks decompressed, docnums summed from gaps) were a third of
    ranking's time, most of it spent again on the same lists. Only when a list is too large to
    be kept, with `within` (sorted local docnums), blocks that hold none of them are skipped
    unread (each block's header gives its last docnum). The result may hold docnums outside
    `within`."""
    key = (_exact_of(leaf)[0].identity, fieldname, term)
    kept = POSTINGS.get(key)
    if kept is not None:
        return kept
    terms = leaf._terms
    ti = _term_info(terms, fieldname, term.encode("utf-8"))
    if ti is None:  # not kept: a typo or a phrase asked as a word would fill the map
        return _NONE
    if 8 * ti.doc_frequency() > POSTINGS.budget:
        return _read_postings(leaf, terms, ti, fieldname, within)
    ids, weights = _read_postings(leaf, terms, ti, fieldname, None)
    kept = (ids.astype(np.int32), weights)
    POSTINGS.put(key, kept)
    return kept


def _read_postings(leaf, terms, ti, fieldname: str, within: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    if ti.is_inlined():
        ids, weights, _values = ti.inlined_postings()
        return np.asarray(ids, dtype=np.int64), np.asarray(weights, dtype=np.float32)
    m = terms._codec.postings_reader(terms._postfile, ti, leaf.schema[fieldname].format)
    ids_parts, weight_parts = [], []
    first = 0  # the smallest docnum the current block can hold
    while m.is_active():
        last = m._maxid
        if within is not None:
            i = int(np.searchsorted(within, first))
            if i == len(within):
                break
            if within[i] > last:  # none of `within` in this block
                first = last + 1
                m._next_block()
                continue
        first = last + 1
        if m._data is None:
            m._read_data()
        raw_ids, raw_weights = m._data[0], m._data[1]
        n = m._blocklength
        # W3 stores a block's ids as deltas (decoded by a Python generator in Whoosh)
        ids = _as_array(raw_ids, np.int64)
        ids_parts.append(ids if m._byteids else np.cumsum(ids))
        if raw_weights is None:
            weight_parts.append(np.ones(n, dtype=np.float32))
        elif isinstance(raw_weights, float):
            weight_parts.append(np.full(n, raw_weights, dtype=np.float32))
        else:
            weight_parts.append(_as_array(raw_weights, np.float32))
        m._next_block()
    if not ids_parts:
        return np.empty(0, np.int64), np.empty(0, np.float32)
    return np.concatenate(ids_parts), np.concatenate(weight_parts)


_LENGTH_OF_BYTE = np.array([1] + [byte_to_length(b) for b in range(1, 256)], dtype=np.float64)


def field_lengths(leaf, fieldname: str) -> np.ndarray:
    """The length of `fieldname` of every article of a segment, as Whoosh's scorers see it
    (byte-quantised; 1 where none was stored), read from the lengths column in one go."""
    cached = getattr(leaf, "_wensou_lengths", None)
    if cached is None:
        cached = leaf._wensou_lengths = {}
    found = cached.get(fieldname)
    if found is None:
        n = leaf.doc_count_all()
        raw = np.zeros(n, dtype=np.uint8)
        col = leaf._perdoc._cached_reader(whoosh3._lenfield(fieldname), whoosh3.LENGTHS_COLUMN)
        if col is not None:
            count = min(col._count, n)
            raw[:count] = np.frombuffer(col._dbfile.get(col._basepos, count), dtype=np.uint8)
        found = cached[fieldname] = _LENGTH_OF_BYTE[raw]
    return found
