"""The on-disk postings codec: Whoosh's W3 codec with rare terms inlined.

The exact representation has a large vocabulary of bigrams, most of which occur in a handful
of articles. Whoosh writes every term's postings as its own pickled, compressed block, which
made committing the index the slowest part of a rebuild. Storing the postings of rare terms
inside the term table ("inlining", which W3 supports but whose writer calls a misspelt method
in Whoosh-Reloaded 2.7.5) and skipping zlib for tiny blocks halves commit time.
"""
from __future__ import annotations

from whoosh.codec import whoosh3

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


class WensouCodec(whoosh3.W3Codec):
    def __init__(self, blocklimit: int = 128, compression: int = COMPRESSION,
                 inlinelimit: int = INLINE_LIMIT) -> None:
        super().__init__(blocklimit=blocklimit, compression=compression, inlinelimit=inlinelimit)

    def postings_writer(self, dbfile, byteids=False):
        return _PostingsWriter(dbfile, blocklimit=self._blocklimit, byteids=byteids,
                               compression=self._compression, inlinelimit=self._inlinelimit)
