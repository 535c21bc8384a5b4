"""Everything that touches Whoosh's private internals, in one place, for Whoosh-Reloaded 2.7.5.

- `WensouCodec`: Whoosh's W3 format, written faster. The ranking words have a large
  vocabulary, most words occur in a handful of articles, and Whoosh's generic writer spends
  tens of microseconds on every term (a pickled, compressed block of its own) and a column
  lookup on every posting. This writer produces the same W3 files that Whoosh reads: the
  postings of rare terms are stored inside the term table ("inlined"; W3 reads them, but its
  writer calls a misspelt method in 2.7.5, so inlining was never used), field lengths are read
  once per field, and a term's postings are written block by block in one go.
- `TermPool`: replaces Whoosh's posting pool (every posting a 5-tuple in one list, sorted at
  commit): postings are grouped per term as they arrive, in docnum order.
- `FastSegmentWriter`: Whoosh's SegmentWriter, adding each article's words in one call and
  writing the segment's exact layer (`indexer.exact`) beside Whoosh's files, also when Whoosh
  merges segments.
- Readers: the exact layer and live articles of each segment of a searcher, and a word's
  postings as arrays (for vectorised ranking).

Importing this module with another Whoosh version fails at once, rather than writing or
reading indexes wrongly.
"""
from __future__ import annotations

import mmap
import struct
import zlib
from array import array
from hashlib import md5
from pathlib import Path
from pickle import dumps

import numpy as np
import whoosh
from whoosh.codec import whoosh3
from whoosh.reading import TermNotFound
from whoosh.system import pack_ushort
from whoosh.util.numeric import byte_to_length, length_to_byte
from whoosh.writing import SegmentWriter

from indexer import dedup, exact, processes
from indexer.analysis import VALUE_MARK, fold, unit_stream, word_counts

WRITTEN_FOR = (2, 7, 5)
if tuple(whoosh.__version__) != WRITTEN_FOR:
    raise ImportError(f"indexer.whoosh_internals was written for Whoosh-Reloaded "
                      f"{'.'.join(map(str, WRITTEN_FOR))}, not {whoosh.versionstring()}: "
                      "check its uses of Whoosh's private internals, then update WRITTEN_FOR")

# ------------------------------------------------------------------------------ codec

INLINE_LIMIT = 16
BLOCK_LIMIT = 4096  # postings per W3 block: ranking reads whole lists, block by block (Whoosh: 128)
COMPRESSION = 1
_TERMINFO = whoosh3.W3TermInfo._struct  # flags, weight, doc freq, min/max length, max weight, min/max id
_KEY_VALUE_LENGTHS = struct.Struct("!ii")  # whoosh.filedb.filetables._lengths


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
        for fieldname, btext, ids, weights, values in items.groups():
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
                # weights are whole numbers (frequency × a whole boost) nearly always: pickled
                # as ints they take 2 bytes instead of 9
                ws = tuple(int(w) if w.is_integer() else w for w in weights)
                inlined = dumps((tuple(ids), ws, tuple(v for v in values if v)), 2)
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
    def __init__(self, blocklimit: int | None = None, compression: int = COMPRESSION,
                 inlinelimit: int = INLINE_LIMIT) -> None:
        super().__init__(blocklimit=blocklimit or BLOCK_LIMIT, compression=compression, inlinelimit=inlinelimit)

    def field_writer(self, storage, segment):
        return _FieldWriter(self, storage, segment)

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
        protocol 2 pickles an array as a list of Python numbers)."""
        if not self._blockcount:
            self._postfile.write(whoosh3.WHOOSH3_HEADER_MAGIC)
        self._terminfo.add_block(self)
        databytes = dumps((self._mini_ids(), self._mini_weights(), self._mini_values()), 5)
        if self._compression:
            databytes = zlib.compress(databytes, self._compression)
        ids = self._ids
        infobytes = dumps((len(ids), ids[-1], self._maxweight, self._compression,
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
            ids = np.diff(ids, prepend=0)
        top = int(ids.max()) if len(ids) else 0
        code = "B" if top < 1 << 8 else "H" if top < 1 << 16 else "I"
        return array(code, ids.astype(_ARRAY_DTYPE[code]).tobytes())

    def _mini_weights(self):
        weights = np.asarray(self._weights, dtype=np.float32)
        first = float(weights[0])
        if (weights == first).all():
            return None if first == 1.0 else first
        small = weights.astype(np.uint16)
        if (small == weights).all():  # frequency × a whole boost, nearly always
            code = "B" if int(small.max()) < 1 << 8 else "H"
            return array(code, small.astype(_ARRAY_DTYPE[code]).tobytes())
        return array("f", weights.tobytes())


_ARRAY_DTYPE = {"B": np.uint8, "H": np.uint16, "I": np.uint32, "f": np.float32}


# ---------------------------------------------------------------------------- writing


_GROUP_CHUNK = 1 << 17  # postings turned into Python lists at a time


class _Words:
    """The word postings of one field, kept as flat lists (one entry per posting, no object
    per term) and grouped per word by sorting with NumPy at commit."""

    def __init__(self, boost: float) -> None:
        self.vocab: dict[str, int] = {}
        self.boost = boost  # a posting's weight is its frequency × the field's boost
        # 6 bytes a posting (word id, frequency: 32 bits once one needs them), not an object each
        self.wids = array("I")
        self.freqs = array("H")
        self.docnums = array("I")  # each article added, and how many words it has
        self.doc_words = array("I")

    def add(self, docnum: int, wids: list[int], freqs: list[int]) -> None:
        self.wids.extend(wids)
        n = len(self.freqs)
        try:
            self.freqs.extend(freqs)
        except OverflowError:  # a word 65,536 times in one article
            del self.freqs[n:]
            self.freqs = array("I", self.freqs)
            self.freqs.extend(freqs)
        self.docnums.append(docnum)
        self.doc_words.append(len(wids))

    def _sorted(self) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray]:
        """(words in order, postings of each word, docnums, weights in (word, docnum) order),
        releasing the lists as they were added: the postings are grouped once, at commit."""
        vocab = self.vocab
        words = sorted(vocab)  # str order is code point order, the UTF-8 byte order Whoosh needs
        wid_of_rank = np.fromiter((vocab[w] for w in words), dtype=np.int64, count=len(words))
        self.vocab = {}
        del vocab
        wids = np.frombuffer(self.wids, dtype=np.uint32)
        n = len(wids)
        counts = np.bincount(wids, minlength=len(words))[wid_of_rank]
        rank = np.empty(len(words), dtype=np.uint64)
        rank[wid_of_rank] = np.arange(len(words), dtype=np.uint64)
        del wid_of_rank
        # Postings were added in docnum order, so sorting (word rank << 32 | posting number), one
        # uint64 a posting sorted in place, orders them by word, then docnum
        order = rank[wids]
        del rank, wids
        order <<= np.uint64(32)
        for lo in range(0, n, _GROUP_CHUNK):
            order[lo:lo + _GROUP_CHUNK] |= np.arange(lo, min(n, lo + _GROUP_CHUNK), dtype=np.uint64)
        order.sort()
        order &= np.uint64(0xFFFFFFFF)
        at = order.view(np.int64)
        docs = np.repeat(np.frombuffer(self.docnums, dtype=np.uint32),
                         np.frombuffer(self.doc_words, dtype=np.uint32))[at]
        freqs = np.frombuffer(self.freqs, dtype=np.uint16 if self.freqs.typecode == "H" else np.uint32)[at]
        del order, at
        weights = freqs.astype(np.float32)
        if self.boost != 1:  # as Whoosh's float32 of the product computed in double precision
            weights = (freqs * np.float64(self.boost)).astype(np.float32)
        del freqs
        self.wids, self.freqs, self.docnums, self.doc_words = array("I"), array("H"), array("I"), array("I")
        return words, counts, docs, weights

    def groups(self, fieldname: str):
        """(field, word bytes, docnums, weights, values) per word, in word order (once: the
        postings are released as they are grouped)."""
        if not len(self.wids):
            return
        words, counts, docs, weights = self._sorted()
        ranks = np.flatnonzero(counts)
        ends = np.cumsum(counts[ranks])
        starts = ends - counts[ranks]
        del counts
        # Whoosh's writer takes Python lists; converting every posting at once would hold ~70
        # bytes a posting (the largest part of a segment writer's peak), so words go in chunks
        i, n_terms = 0, len(ranks)
        while i < n_terms:
            lo = int(starts[i])
            j = max(i + 1, int(np.searchsorted(ends, lo + _GROUP_CHUNK, side="right")))
            hi = int(ends[j - 1])
            doc_list, weight_list = docs[lo:hi].tolist(), weights[lo:hi].tolist()
            for r, a, b in zip(ranks[i:j].tolist(), (starts[i:j] - lo).tolist(), (ends[i:j] - lo).tolist()):
                yield fieldname, words[r].encode("utf-8"), doc_list[a:b], weight_list[a:b], ()
            i = j


class GroupedPostings:
    """Postings in (field, term, docnum) order, grouped by term: `groups()`."""

    def __init__(self, fields: dict[str, dict[str, list]], words: dict[str, _Words]) -> None:
        self._fields = fields
        self._words = words

    def groups(self):
        for fieldname in sorted(set(self._fields) | set(self._words)):
            if fieldname in self._words:
                yield from self._words[fieldname].groups(fieldname)
                continue
            terms = self._fields[fieldname]
            for term in sorted(terms):
                ids, weights, values, ordered = terms[term]
                if not ordered:
                    order = sorted(range(len(ids)), key=ids.__getitem__)
                    ids = array("I", (ids[i] for i in order))
                    weights = array("f", (weights[i] for i in order))
                    values = [values[i] for i in order]
                yield fieldname, term.encode("utf-8"), ids, weights, values


class TermPool:
    """Drop-in for whoosh.writing.PostingPool that groups postings per field and term in memory.

    Word fields (`add_frequencies`) keep flat lists, grouped at commit (`_Words`). Other fields
    keep, per term, [docnums, weights, values, in_order]; articles are added in docnum order,
    so the lists stay sorted (a merge that adds out of order is noted and sorted at commit).
    """

    def __init__(self) -> None:
        self._fields: dict[str, dict[str, list]] = {}
        self._words: dict[str, _Words] = {}
        self.fieldnames: set[str] = set()
        self.postings = 0  # held now: bounds memory (see writer.MAX_SEGMENT_HELD)

    def _terms(self, fieldname: str) -> dict[str, list]:
        terms = self._fields.get(fieldname)
        if terms is None:
            terms = self._fields[fieldname] = {}
            self.fieldnames.add(fieldname)
        return terms

    def add_frequencies(self, fieldname: str, docnum: int, boost: float, counts: dict[str, int]) -> int:
        """One field of one article, as word → frequency; returns the field's length.

        The innermost loop of indexing: a few C-level calls per posting, no Python loop.
        """
        words = self._words.get(fieldname)
        if words is None:
            assert fieldname not in self._fields, "a word field takes postings one way only"
            words = self._words[fieldname] = _Words(boost)
            self.fieldnames.add(fieldname)
        assert boost == words.boost, "a word field has one boost"
        vocab = words.vocab
        setdefault = vocab.setdefault
        freqs = list(counts.values())
        words.add(docnum, [setdefault(w, len(vocab)) for w in counts], freqs)
        self.postings += len(counts)
        return sum(freqs)

    def add(self, item) -> None:
        """Whoosh's interface: one (fieldname, term bytes, docnum, weight, value) posting."""
        fieldname, btext, docnum, weight, value = item
        if docnum < 0:
            return  # spelling words: not used by this schema
        assert fieldname not in self._words, "a word field takes postings one way only"
        terms = self._terms(fieldname)
        self.postings += 1
        term = btext.decode("utf-8")
        entry = terms.get(term)
        if entry is None:
            terms[term] = [array("I", (docnum,)), array("f", (weight,)), [value], True]
            return
        ids = entry[0]
        if docnum < ids[-1]:
            entry[3] = False
        ids.append(docnum)
        entry[1].append(weight)
        entry[2].append(value)

    def iter_postings(self) -> GroupedPostings:
        return GroupedPostings(self._fields, self._words)

    def cleanup(self) -> None:
        self._fields = {}
        self._words = {}
        self.postings = 0


class FastSegmentWriter(SegmentWriter):
    """Whoosh's SegmentWriter with two changes: an article's words go to the TermPool in one
    call per field, and its exact fields (`indexer.exact.FIELDS`) go to the segment's exact
    layer instead of Whoosh's postings."""

    def __init__(self, ix, **kwargs) -> None:
        # compound=False: Whoosh reads a compound segment file by copying each of its parts
        # into memory (1.1 GB and 0.4 s to open 20,000 articles); plain files are read on demand.
        super().__init__(ix, codec=WensouCodec(), compound=False, **kwargs)
        self.pool = TermPool()
        self.exact = exact.Builder()
        # near-duplicate signatures of the bodies (indexer.dedup), computed from the folded text
        # at hand; None once a merge brings in articles without them (cluster_index computes)
        self.signatures: list | None = []

    def add_document(self, **fields) -> None:
        self._check_state()
        schema = self.schema
        perdocwriter = self.perdocwriter
        docnum = self.docnum
        pool = self.pool
        folded: dict[str, str] = {}  # a text in both a word field and an exact field folds once
        streams: dict[str, str] = {}
        for name in exact.FIELDS:
            value = fields.pop(name, None)
            if isinstance(value, (list, tuple)):  # several values (authors): no phrase spans two
                streams[name] = VALUE_MARK.join(unit_stream(fold(v)) for v in value)
            elif value:
                f = folded[value] = fold(value)
                streams[name] = unit_stream(f)
        fieldnames = sorted(fields)
        self._check_fields(schema, fieldnames)
        perdocwriter.start_doc(docnum)
        try:
            for fieldname in fieldnames:
                value = fields[fieldname]
                if value is None:
                    continue
                field = schema[fieldname]
                length = 0
                if field.indexed:
                    if getattr(field, "bulk_words", False):
                        counts = word_counts(value, folded.get(value))
                        length = pool.add_frequencies(fieldname, docnum, field.format.field_boost, counts)
                    else:
                        for tbytes, freq, weight, vbytes in field.index(value):
                            length += freq
                            pool.add((fieldname, tbytes, docnum, weight, vbytes))
                    if not field.scorable:
                        length = 0
                perdocwriter.add_field(fieldname, field, value if field.stored else None, length)
                if field.column_type:
                    perdocwriter.add_column_value(fieldname, field.column_type, field.to_column_value(value))
        except Exception:
            perdocwriter.cancel_doc()
            raise
        self.exact.add(streams)
        if self.signatures is not None:
            body = fields.get("body") or ""
            self.signatures.append(dedup.body_signature(folded.get(body) or fold(body)))
        perdocwriter.finish_doc()
        self._added = True
        self.docnum += 1

    def add_reader(self, reader) -> None:
        """Whoosh merging a segment into this one: its live articles' exact layer comes too."""
        seg = exact.Segment(_exact_path(reader.storage(), reader.segment()))
        try:
            for docnum in reader.all_doc_ids():
                self.exact.add(seg.streams(docnum))
        finally:
            seg.close()
        self.signatures = None
        super().add_reader(reader)

    @property
    def held(self) -> int:
        """Postings and exact-layer pairs held in memory (bounds a segment: see writer.MAX_SEGMENT_HELD)."""
        return self.pool.postings + self.exact.pairs

    def _finalize_segment(self):
        self.exact.write(_exact_path(self.storage, self.newsegment))
        self.exact = exact.Builder()
        processes.malloc_trim()  # the exact layer's memory, before the word postings are grouped
        if self.signatures is not None and len(self.signatures) == self.docnum:
            dedup.save_signatures(self.storage.folder, self.newsegment.segment_id(),
                                  np.array(self.signatures, dtype=np.uint32).reshape(-1, dedup.NUM_PERM))
        return super()._finalize_segment()

    def finish_segment(self):
        """Write this writer's segment and return it (not yet in the table of contents)."""
        return self._finalize_segment()

    def discard_segment(self) -> None:
        self._close_segment()


def commit_existing(ix, new_segments: list, deletions) -> None:
    """The last step of writing a generation: delete articles (by id) from the segments it
    started with, let Whoosh merge the small ones, and write the table of contents naming
    those and `new_segments` (written by `FastSegmentWriter.finish_segment`)."""
    w = FastSegmentWriter(ix, _lk=False)
    try:
        for article_id in deletions:
            w.delete_by_term("id", article_id)
        final = w._merge_segments(None, None, None)
        if w._added:  # small segments merged into this writer's own
            final.append(w._finalize_segment())
        else:
            w._close_segment()
        w._commit_toc(final + list(new_segments))
    except BaseException:
        w._close_segment()
        w._finish()
        raise
    w._finish()


def _exact_path(storage, segment) -> Path:
    return Path(storage.folder) / segment.make_filename(exact.EXT)


# ---------------------------------------------------------------------------- reading


def exact_leaves(searcher) -> list[tuple[exact.Segment, int, np.ndarray | None]]:
    """(exact layer, docnum offset, live mask or None) of each segment of a searcher; opened
    once per segment reader."""
    out = []
    for leaf, offset in searcher.reader().leaf_readers():
        cached = getattr(leaf, "_wensou_exact", None)
        if cached is None:
            seg = exact.Segment(_exact_path(leaf.storage(), leaf.segment()))
            live = None
            if leaf.has_deletions():
                live = np.ones(leaf.doc_count_all(), dtype=bool)
                live[np.fromiter(leaf.deleted_docs_set, dtype=np.int64)] = False
            cached = leaf._wensou_exact = (seg, live)
        out.append((cached[0], offset, cached[1]))
    return out


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


def _as_array(values, dtype) -> np.ndarray:
    if isinstance(values, array):  # written by _BlockWriter: no Python number per posting
        return np.frombuffer(values, dtype=_ARRAY_DTYPE[values.typecode]).astype(dtype)
    return np.asarray(values, dtype=dtype)  # tuples: blocks written by Whoosh's own writer


def word_postings(leaf, fieldname: str, term: str, within: np.ndarray | None = None
                  ) -> tuple[np.ndarray, np.ndarray]:
    """(local docnums, weights) of a word in one segment, deleted articles included, read
    block by block from the W3 postings without a matcher per document.

    With `within` (sorted local docnums), blocks that hold none of them are skipped unread
    (each block's header gives its last docnum): a selective query reads few blocks of a
    common word's list. The result may then hold docnums outside `within` too."""
    terms = leaf._terms
    ti = _term_info(terms, fieldname, term.encode("utf-8"))
    if ti is None:
        return np.empty(0, np.int64), np.empty(0, np.float32)
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
