"""The on-disk postings codec: Whoosh's W3 format, written faster.

The exact representation has a large vocabulary of bigrams, most of which occur in a handful
of articles, and Whoosh's generic writer spends tens of microseconds on every term (a pickled,
compressed block of its own) and a column lookup on every posting. Committing the index was
the slowest part of a rebuild. This writer produces the same W3 files that Whoosh reads:
- the postings of rare terms are stored inside the term table ("inlined"; W3 reads them, but
  its writer calls a misspelt method in Whoosh-Reloaded 2.7.5, so inlining was never used);
- field lengths are read once per field instead of once per posting;
- a term's postings are written block by block in one go, from the per-term groups that
  `indexer.writer.TermPool` collects (other posting sources are grouped here).
"""
from __future__ import annotations

import struct
from array import array
from hashlib import md5
from itertools import groupby
from operator import itemgetter
from pickle import dumps

from whoosh.codec import whoosh3
from whoosh.system import pack_ushort
from whoosh.util.numeric import length_to_byte

INLINE_LIMIT = 16
COMPRESSION = 1
_TERMINFO = whoosh3.W3TermInfo._struct  # flags, weight, doc freq, min/max length, max weight, min/max id
_KEY_VALUE_LENGTHS = struct.Struct("!ii")  # whoosh.filedb.filetables._lengths


def _grouped(items):
    """(field, term, ids, weights, values) groups from a flat, sorted posting stream."""
    groups = getattr(items, "groups", None)
    if groups is not None:
        yield from groups()
        return
    for (fieldname, btext), group in groupby(items, key=itemgetter(0, 1)):
        postings = [p for p in group if p[2] != -1]  # docnum -1: spelling words, unused
        if postings:
            yield (fieldname, btext, array("I", (p[2] for p in postings)),
                   array("f", (p[3] for p in postings)), [p[4] for p in postings])


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
        blocklimit = self._codec._blocklimit
        add_term = self._term_adder()
        doccount = self._segment.doc_count_all()
        field_lengths: list[int] | None = None
        fieldid_bytes = b""
        lastfn = None
        for fieldname, btext, ids, weights, values in _grouped(items):
            if fieldname != lastfn:
                if lastfn is not None:
                    self.finish_field()
                self.start_field(fieldname, schema[fieldname])
                fieldid_bytes = pack_ushort(self._fieldid)
                if lengths and schema[fieldname].scorable:
                    dfl = lengths.doc_field_length
                    field_lengths = [dfl(d, fieldname) for d in range(doccount)]
                else:
                    field_lengths = None
                lastfn = fieldname
            n = len(ids)
            if n < inline_limit:
                # W3TermInfo.to_bytes() of an inlined term, without building the object
                if field_lengths is not None:
                    lens = [field_lengths[d] for d in ids]
                    minlength, maxlength = length_to_byte(min(lens)), length_to_byte(max(lens))
                else:
                    minlength, maxlength = 0, length_to_byte(0)
                info = _TERMINFO.pack(True, sum(weights), n, minlength, maxlength, max(weights), ids[0], ids[-1])
                inlined = dumps((tuple(ids), tuple(weights), tuple(v for v in values if v)), 2)
                add_term(fieldid_bytes + btext, info + inlined)
                continue
            self.start_term(btext)
            pw = self._postwriter
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
        if lastfn is not None:
            self.finish_field()


class WensouCodec(whoosh3.W3Codec):
    def __init__(self, blocklimit: int = 128, compression: int = COMPRESSION,
                 inlinelimit: int = INLINE_LIMIT) -> None:
        super().__init__(blocklimit=blocklimit, compression=compression, inlinelimit=inlinelimit)

    def field_writer(self, storage, segment):
        return _FieldWriter(self, storage, segment)

    def postings_writer(self, dbfile, byteids=False):
        # Inlining is done by _FieldWriter.add_postings itself; Whoosh's own inlining calls a
        # misspelt method, so the block writer never inlines.
        return whoosh3.W3PostingsWriter(dbfile, blocklimit=self._blocklimit, byteids=byteids,
                                        compression=self._compression, inlinelimit=1)
