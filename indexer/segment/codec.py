"""Whoosh's W3 format, written faster, for Whoosh-Reloaded 2.7.5 (importing this module with
another Whoosh version fails at once, rather than writing or reading indexes wrongly).

The ranking words have a large vocabulary, most words occur in a handful of articles, and
Whoosh's generic writer spends tens of microseconds on every term (a pickled, compressed block
of its own) and a column lookup on every posting. `WensouCodec` produces the same W3 files
that Whoosh reads: the postings of rare terms are stored inside the term table ("inlined"; W3
reads them, but its writer calls a misspelt method in 2.7.5, so inlining was never used),
field lengths are read once per field, and a term's postings are written block by block in
one go. This module and `segment_writer` and `words` beside it are the only ones that touch
Whoosh's private internals.
"""
from __future__ import annotations

import struct
import zlib
from array import array
from hashlib import md5
from pickle import dumps
from typing import NamedTuple

import numpy as np
import whoosh
from whoosh.codec import whoosh3
from whoosh.system import pack_int, pack_long, pack_ushort
from whoosh.util.numeric import _length_byte_cache, length_to_byte

WRITTEN_FOR = (2, 7, 5)
if tuple(whoosh.__version__) != WRITTEN_FOR:
    raise ImportError(f"indexer.segment.codec was written for Whoosh-Reloaded "
                      f"{'.'.join(map(str, WRITTEN_FOR))}, not {whoosh.versionstring()}: "
                      "check its uses of Whoosh's private internals, then update WRITTEN_FOR")


INLINE_LIMIT = 16
BLOCK_LIMIT = 4096  # postings per W3 block: ranking reads whole lists, block by block (Whoosh: 128)
COMPRESSION = 1
_TERMINFO = whoosh3.W3TermInfo._struct  # flags, weight, doc freq, min/max length, max weight, min/max id
_KEY_VALUE_LENGTHS = struct.Struct("!ii")  # whoosh.filedb.filetables._lengths


class WordChunk(NamedTuple):
    """Consecutive words of a word field with their postings, as the segment writer groups
    them (`segment_writer._Words.groups`): word k's docnums are `docs[starts[k]:ends[k]]`,
    in order, its weights (whole numbers: frequency × a whole boost) beside them."""

    fieldname: str
    words: list[bytes]
    starts: np.ndarray
    ends: np.ndarray
    docs: np.ndarray  # uint32
    weights: np.ndarray  # uint32


_LENGTH_BYTES = np.array(_length_byte_cache)
_MAX_LENGTH = np.iinfo(np.int64).max


def _length_bytes(lengths: np.ndarray) -> np.ndarray:
    """`length_to_byte` of each of `lengths` (which gives 255 from 106,374 on)."""
    return np.searchsorted(_LENGTH_BYTES, np.minimum(lengths, 106374), side="left").clip(max=255)


def _block_data(data: tuple, n: int, compression: int) -> tuple[bytes, int]:
    """(the bytes of a block's minified ids, weights and values, the compression level used):
    a block of fewer than COMPRESS_FROM postings is stored uncompressed."""
    databytes = dumps(data, 5)
    compression = compression if n >= COMPRESS_FROM else 0
    return (zlib.compress(databytes, compression) if compression else databytes), compression


def _write_only_block(postfile, infobytes: bytes, databytes: bytes) -> tuple[int, int]:
    """Write a term's postings as its one (so last) block; (where they start, their length)."""
    start = postfile.tell()
    postfile.write(whoosh3.WHOOSH3_HEADER_MAGIC + pack_int(-(len(infobytes) + len(databytes)))  # negative: the last
                   + infobytes + databytes)
    return start, postfile.tell() - start


class _FieldWriter(whoosh3.W3FieldWriter):
    def _term_adder(self):
        """OrderedHashWriter.add for keys that arrive in order, with fewer calls per term."""
        tindex = self._tindex
        raw = tindex.dbfile.file
        positions = tindex.index
        buckets = tindex.buckets
        pack_lengths = _KEY_VALUE_LENGTHS.pack

        def add(key: bytes, value: bytes) -> None:
            pos = raw.tell()
            positions.append(pos)
            raw.write(pack_lengths(len(key), len(value)) + key + value)
            h = int.from_bytes(md5(key, usedforsecurity=False).digest()[-4:], "big")  # filetables.md5_hash
            buckets[h & 255].append((h, pos))
            tindex.lastkey = key

        assert tindex.hashtype == 0  # md5, as above
        return add

    def add_postings(self, schema, lengths, items):
        inline_limit = self._codec._inlinelimit
        add_term = self._term_adder()
        doccount = self._segment.doc_count_all()
        field_lengths: list[int] | None = None
        field_array: np.ndarray | None = None
        fieldid_bytes = b""
        lastfn = None
        for item in items.groups():
            fieldname = item[0]
            if fieldname != lastfn:
                if lastfn is not None:
                    self.finish_field()
                self.start_field(fieldname, schema[fieldname])
                fieldid_bytes = pack_ushort(self._fieldid)
                if lengths and schema[fieldname].scorable:
                    dfl = lengths.doc_field_length
                    field_lengths = [dfl(d, fieldname) for d in range(doccount)]
                    field_array = np.array([n or 0 for n in field_lengths], dtype=np.int64)
                else:
                    field_lengths = field_array = None
                lastfn = fieldname
            if type(item) is WordChunk:
                self._add_chunk(item, field_lengths, field_array, add_term, fieldid_bytes)
                continue
            _, btext, ids, weights, values = item
            n = len(ids)
            if n < inline_limit:
                # W3TermInfo.to_bytes() of an inlined term, without building the object
                if field_lengths is not None:
                    lens = [field_lengths[d] for d in ids]
                    minlength, maxlength = length_to_byte(min(lens)), length_to_byte(max(lens))
                else:
                    minlength, maxlength = 0, length_to_byte(0)
                info = _TERMINFO.pack(True, sum(weights), n, minlength, maxlength, max(weights), ids[0], ids[-1])
                # weights are whole numbers (frequency × a whole boost) nearly always: pickled
                # as ints they take 2 bytes instead of 9
                ws = tuple(int(w) if w.is_integer() else w for w in weights)
                inlined = dumps((tuple(ids), ws, tuple(v for v in values if v)), 2)
                add_term(fieldid_bytes + btext, info + inlined)
                continue
            self._blocks(btext, ids, weights, values, field_lengths)
        if lastfn is not None:
            self.finish_field()

    def _blocks(self, btext: bytes, ids, weights, values, field_lengths: list[int] | None) -> None:
        """A term's postings in blocks of `blocklimit`, through Whoosh's term and block writers."""
        blocklimit = self._codec._blocklimit
        self.start_term(btext)
        pw = self._postwriter
        n = len(ids)
        for start in range(0, n, blocklimit):
            block_ids = ids[start:start + blocklimit]
            pw._ids = array("I", block_ids)
            pw._weights = array("f", weights[start:start + blocklimit])
            pw._values = [v for v in values[start:start + blocklimit] if v]
            pw._maxweight = max(pw._weights)
            if field_lengths is not None:
                lens = [field_lengths[d] for d in block_ids if field_lengths[d]]
                pw._minlength = min(lens) if lens else None
                pw._maxlength = max(lens) if lens else 0
            if start + blocklimit < n:
                pw._write_block()
        self.finish_term()

    def _add_chunk(self, chunk: WordChunk, field_lengths: list[int] | None, field_array: np.ndarray | None,
                   add_term, fieldid_bytes: bytes) -> None:
        """The words of a `WordChunk`: what the per-term paths write for each (the same bytes),
        with each word's statistics (largest docnum gap, lowest and highest weight, weight
        total, shortest and longest field) computed for the whole chunk in a few NumPy calls."""
        inline_limit, blocklimit = self._codec._inlinelimit, self._codec._blocklimit
        docs, weights, starts = chunk.docs, chunk.weights, chunk.starts
        deltas = docs.astype(np.int64)
        deltas[1:] -= docs[:-1]
        deltas[starts] = docs[starts]  # each word's first docnum is written whole
        top_gap = np.maximum.reduceat(deltas, starts).tolist()
        low = np.minimum.reduceat(weights, starts).tolist()
        high = np.maximum.reduceat(weights, starts).tolist()
        total = np.add.reduceat(weights.astype(np.int64), starts).tolist()
        no_length = length_to_byte(0)
        if field_array is not None:
            lens = field_array[docs]
            shortest = _length_bytes(np.minimum.reduceat(lens, starts)).tolist()
            most = np.maximum.reduceat(lens, starts)
            longest, has_length = _length_bytes(most).tolist(), (most > 0).tolist()
            shortest_set = _length_bytes(np.minimum.reduceat(np.where(lens > 0, lens, _MAX_LENGTH), starts)).tolist()
        doc_list, weight_list = docs.tolist(), weights.tolist()
        pw = self._postwriter
        empty = self._empty_values()
        for k, (word, a, b) in enumerate(zip(chunk.words, starts.tolist(), chunk.ends.tolist())):
            n = b - a
            if n < inline_limit:  # W3TermInfo.to_bytes() of an inlined term
                lengths = (shortest[k], longest[k]) if field_array is not None else (0, no_length)
                info = _TERMINFO.pack(True, total[k], n, *lengths, high[k], doc_list[a], doc_list[b - 1])
                add_term(fieldid_bytes + word, info + dumps((tuple(doc_list[a:b]), tuple(weight_list[a:b]), ()), 2))
                continue
            if n > blocklimit:
                self._blocks(word, doc_list[a:b], weight_list[a:b], (), field_lengths)
                continue
            # one block, as Whoosh's term and block writers (`_blocks`) would write it
            gap = top_gap[k]
            code = "B" if gap < 1 << 8 else "H" if gap < 1 << 16 else "I"
            mini_ids = array(code, deltas[a:b].astype(ARRAY_DTYPE[code]).tobytes())
            maxweight = float(high[k])
            if low[k] == high[k]:
                mini_weights = None if maxweight == 1.0 else maxweight
            elif high[k] < 1 << 16:
                code = "B" if high[k] < 1 << 8 else "H"
                mini_weights = array(code, weights[a:b].astype(ARRAY_DTYPE[code]).tobytes())
            else:
                mini_weights = array("f", weights[a:b].astype(np.float32).tobytes())
            databytes, compression = _block_data((mini_ids, mini_weights, empty), n, pw._compression)
            lengths = (shortest_set[k], longest[k]) if field_array is not None and has_length[k] else (0, no_length)
            infobytes = dumps((n, doc_list[b - 1], maxweight, compression, *lengths), 2)
            start, length = _write_only_block(pw._postfile, infobytes, databytes)
            add_term(fieldid_bytes + word,
                     _TERMINFO.pack(False, total[k], n, *lengths, maxweight, doc_list[a], doc_list[b - 1])
                     + pack_long(start) + pack_int(length))

    def _empty_values(self):
        """W3PostingsWriter._mini_values of a block without values, for this field's format."""
        size = self._format.fixed_value_size()
        return () if size is None or size < 0 else None if size == 0 else b""


class _PerDocWriter(whoosh3.W3PerDocWriter):
    """W3's per-document writer, whose stored-fields column also writes where each article's
    stored fields start. Whoosh writes these offsets only for a segment of more than 32,768
    articles; without them, a reader sums every article's length in Python when it first reads
    a stored field of the segment: 3-4 ms a segment of 20,000 articles, for every searcher (one
    a server thread) that shows a hit from it. They take 4 bytes an article."""

    def __init__(self, codec, storage, segment) -> None:
        super().__init__(codec, storage, segment)
        self._colwriters["_stored"]._child.cutoff = 0  # (PickleColumn's writer around VarBytesColumn's)


class WensouCodec(whoosh3.W3Codec):
    def __init__(self, blocklimit: int | None = None, compression: int = COMPRESSION,
                 inlinelimit: int = INLINE_LIMIT) -> None:
        super().__init__(blocklimit=blocklimit or BLOCK_LIMIT, compression=compression, inlinelimit=inlinelimit)

    def field_writer(self, storage, segment):
        return _FieldWriter(self, storage, segment)

    def per_document_writer(self, storage, segment):
        return _PerDocWriter(self, storage, segment)

    def postings_writer(self, dbfile, byteids=False):
        # Inlining is done by _FieldWriter.add_postings itself; Whoosh's own inlining calls a
        # misspelt method, so the block writer never inlines.
        return _BlockWriter(dbfile, blocklimit=self._blocklimit, byteids=byteids,
                            compression=self._compression, inlinelimit=1)


class _BlockWriter(whoosh3.W3PostingsWriter):
    """W3 posting blocks whose ids (deltas) and weights are pickled as `array.array`s instead of
    tuples of Python numbers: Whoosh reads them the same way (it only iterates and indexes
    them), `word_postings` turns them into NumPy arrays without a Python object per posting
    (a block decodes ~4x faster), and whole-number weights take 1 or 2 bytes instead of 9."""

    def _write_block(self, last: bool = False) -> None:
        """W3PostingsWriter._write_block, pickling the block's data with protocol 5 (Whoosh's
        protocol 2 pickles an array as a list of Python numbers). A block of fewer than
        COMPRESS_FROM postings is stored uncompressed (each block's header says whether it
        is): most blocks are a rare word's few postings, which zlib shrinks by a few bytes at
        the cost of compressing them at every build and decompressing them at every query."""
        if not self._blockcount:
            self._postfile.write(whoosh3.WHOOSH3_HEADER_MAGIC)
        self._terminfo.add_block(self)
        ids = self._ids
        n = len(ids)
        if n < SMALL_BLOCK and not self._byteids:  # minified in Python: NumPy's cost per call is the larger
            data = (self._mini_ids_small(), self._mini_weights_small(), self._mini_values())
        else:
            data = (self._mini_ids(), self._mini_weights(), self._mini_values())
        databytes, compression = _block_data(data, n, self._compression)
        infobytes = dumps((n, ids[-1], self._maxweight, compression,
                           length_to_byte(self._minlength), length_to_byte(self._maxlength)), 2)
        length = len(infobytes) + len(databytes)
        self._postfile.write_int(-length if last else length)  # negative: the last block
        self._postfile.write(infobytes)
        self._postfile.write(databytes)
        self._blockcount += 1
        self._new_block()

    def _mini_ids(self):
        ids = np.frombuffer(self._ids, dtype=np.uint32) if isinstance(self._ids, array) and \
            self._ids.typecode == "I" else np.asarray(self._ids, dtype=np.int64)
        if not self._byteids:
            deltas = ids.copy()
            np.subtract(ids[1:], ids[:-1], out=deltas[1:])
            ids = deltas
        top = int(ids.max()) if len(ids) else 0
        code = "B" if top < 1 << 8 else "H" if top < 1 << 16 else "I"
        return array(code, ids.astype(ARRAY_DTYPE[code]).tobytes())

    def _mini_ids_small(self):
        """`_mini_ids` of a small block, without NumPy's cost per call."""
        ids = self._ids
        ids = [ids[0], *map(int.__sub__, ids[1:], ids[:-1])]
        top = max(ids)
        return array("B" if top < 1 << 8 else "H" if top < 1 << 16 else "I", ids)

    def _mini_weights(self):
        weights = np.asarray(self._weights, dtype=np.float32)
        first = float(weights[0])
        if (weights == first).all():
            return None if first == 1.0 else first
        small = weights.astype(np.uint16)
        if (small == weights).all():  # frequency × a whole boost, nearly always
            code = "B" if int(small.max()) < 1 << 8 else "H"
            return array(code, small.astype(ARRAY_DTYPE[code]).tobytes())
        return array("f", weights.tobytes())

    def _mini_weights_small(self):
        """`_mini_weights` of a small block, without NumPy's cost per call."""
        weights = self._weights  # array("f"): float32 values
        first = weights[0]
        if weights.count(first) == len(weights):
            return None if first == 1.0 else first
        if all(w.is_integer() and 0 <= w < 1 << 16 for w in weights):
            return array("B" if max(weights) < 1 << 8 else "H", map(int, weights))
        return array("f", weights)


SMALL_BLOCK = 256  # postings under which a block is minified in Python rather than NumPy
COMPRESS_FROM = 256  # postings from which a block is compressed


ARRAY_DTYPE = {"B": np.uint8, "H": np.uint16, "I": np.uint32, "f": np.float32}
