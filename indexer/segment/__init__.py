"""The bottom layer: one segment of an index on disk, written once and never changed.

- `wxfile`: the exact layer's file format (byte layout and versions at its top);
  `keys`: what a unit stream is listed under; `builder` writes a file, `reader` answers
  phrases from one; `sortedsets`: the algebra of sorted article-number arrays.
- `codec`, `segment_writer`, `words`: Whoosh's W3 files for the ranking words, written in bulk
  and read as arrays (the only modules touching Whoosh's private internals); `schema`: the
  Whoosh fields of an article.
- `signatures`: each body's near-duplicate signature, written beside the segment.

Nothing here imports a layer above it (search, ingest, the index folder).
"""
