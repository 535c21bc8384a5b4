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

from array import array
from itertools import groupby
from operator import itemgetter

from whoosh.codec import whoosh3
from whoosh.system import pack_ushort

INLINE_LIMIT = 16
COMPRESSION = 1


class _PostingsWriter(whoosh3.W3PostingsWriter):
    def finish_postings(self):
        terminfo = self._terminfo
        if not self.written() and len(self) < self._inlinelimit:
            terminfo.add_block(self)
            terminfo.set_inlined(self._ids, self._weights, self._values)
            self._terminfo = None
            return terminfo
        return super().finish_postings()


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
    def add_postings(self, schema, lengths, items):
        inline_limit = self._codec._inlinelimit
        blocklimit = self._codec._blocklimit
        tindex_add = self._tindex.add
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
                ti = whoosh3.W3TermInfo()
                ti._weight = sum(weights)
                ti._df = n
                if field_lengths is not None:
                    lens = [field_lengths[d] for d in ids]
                    ti._minlength, ti._maxlength = min(lens), max(lens)
                else:
                    ti._minlength, ti._maxlength = None, 0
                ti._maxweight = max(weights)
                ti._minid, ti._maxid = ids[0], ids[-1]
                ti._inlined = (tuple(ids), tuple(weights), tuple(v for v in values if v))
                tindex_add(fieldid_bytes + btext, ti.to_bytes())
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
        return _PostingsWriter(dbfile, blocklimit=self._blocklimit, byteids=byteids,
                               compression=self._compression, inlinelimit=self._inlinelimit)
