"""Writing one segment: Whoosh's SegmentWriter, with the words of an article given in one
call per field, and its exact fields written to the segment's exact layer
(`indexer.segment.builder`) and its body's near-duplicate signature
(`indexer.segment.signatures`) beside Whoosh's files, also when Whoosh merges segments.

`TermPool` replaces Whoosh's posting pool (every posting a 5-tuple in one list, sorted at
commit): postings are grouped per term as they arrive, in docnum order.
"""
from __future__ import annotations

from array import array
from collections import Counter

import numpy as np
from whoosh.reading import SegmentReader
from whoosh.writing import SegmentWriter

from indexer import processes
from indexer.analysis import VALUE_MARK, fold, unit_stream, word_counts
from indexer.segment import codec, signatures
from indexer.segment.builder import Builder
from indexer.segment.codec import WensouCodec
from indexer.segment.reader import Segment
from indexer.segment.wxfile import FIELDS, exact_path

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
        if float(self.boost).is_integer():  # whole weights, given to the codec as ints (pickled small)
            weights = freqs.astype(np.uint32)
            if self.boost != 1:
                weights *= np.uint32(self.boost)  # in place: a segment's postings are tens of millions
        else:  # as Whoosh's float32 of the product computed in double precision
            weights = (freqs * np.float64(self.boost)).astype(np.float32)
        del freqs
        self.wids, self.freqs, self.docnums, self.doc_words = array("I"), array("H"), array("I"), array("I")
        return words, counts, docs, weights

    def groups(self, fieldname: str):
        """The postings per word, in word order (once: they are released as they are grouped):
        `codec.WordChunk`s of consecutive words when the weights are whole numbers (the codec
        computes the words' statistics a chunk at a time), else (field, word bytes, docnums,
        weights, values) per word."""
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
            if weights.dtype.kind == "u":
                yield codec.WordChunk(fieldname, [words[r].encode("utf-8") for r in ranks[i:j].tolist()],
                                      starts[i:j] - lo, ends[i:j] - lo, docs[lo:hi], weights[lo:hi])
            else:
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
    call per field, and its exact fields (`indexer.segment.wxfile.FIELDS`) go to the segment's exact
    layer instead of Whoosh's postings."""

    def __init__(self, ix, **kwargs) -> None:
        # compound=False: Whoosh reads a compound segment file by copying each of its parts
        # into memory (1.1 GB and 0.4 s to open 20,000 articles); plain files are read on demand.
        super().__init__(ix, codec=WensouCodec(), compound=False, **kwargs)
        self.pool = TermPool()
        self.exact = Builder()
        # near-duplicate signatures of the bodies (indexer.segment.signatures), computed from the folded text
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
        exact_body = fields.get("body_x")
        for name in FIELDS:
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
            self.signatures.append(signatures.article_row(folded.get(body) or fold(body), fields.get("url"),
                                                          fields.get("source"), fields.get("date"),
                                                          streams["body_x"] if body and body == exact_body else None,
                                                          title=fields.get("title") or ""))
        perdocwriter.finish_doc()
        self._added = True
        self.docnum += 1

    def add_reader(self, reader) -> None:
        """Whoosh merging a segment into this one: its live articles' exact layer comes too."""
        seg = Segment(exact_path(reader.storage(), reader.segment()))
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
        self.exact.write(exact_path(self.storage, self.newsegment))
        self.exact = Builder()
        processes.malloc_trim()  # the exact layer's memory, before the word postings are grouped
        if self.signatures is not None and len(self.signatures) == self.docnum:
            signatures.save(self.storage.folder, self.newsegment.segment_id(),
                                  np.array(self.signatures, dtype=np.uint32).reshape(-1, signatures.WIDTH))
        return super()._finalize_segment()

    def finish_segment(self):
        """Write this writer's segment and return it (not yet in the table of contents)."""
        return self._finalize_segment()

    def discard_segment(self) -> None:
        self._close_segment()


# An ingest adds a segment; once MERGE_AT segments are small — fewer than MERGE_BELOW live
# articles and fewer than MERGE_BYTES bytes of files each — they are merged into one. Whoosh's
# own policy (MERGE_SMALL) calls a segment small by its place among all of them: at a million
# articles (30 segments of 35,000) it merged the whole index into one at a nightly ingest of
# 500 (more than 20 minutes), and at 100,000 it would after a few weeks of nightly ingests.
# Counting articles alone was not enough: a rebuild closes a segment by what its writer holds,
# so a segment of the gazette's volumes holds 63-2,645 articles in 72-150 MB, and the million
# had 31 such segments — its nightly ingest of 500 was merging 3 GB through Whoosh after
# 5 minutes. Here the merged bytes are at most MERGE_AT × MERGE_BYTES (seconds), whatever the
# index's size; a rebuild's segments are larger and never rewritten by an ingest.
MERGE_BELOW = 5_000
MERGE_BYTES = 32 << 20  # an ingest's segment of ~3,000 news articles
MERGE_AT = 8


def segment_bytes(storage) -> Counter:
    """The bytes of each segment's files in `storage` (Whoosh's and the exact layer's), by
    segment id (`MAIN_<id>`: its files are `MAIN_<id>.pst`, `.wx`, …), the folder listed once."""
    sizes: Counter = Counter()
    for name in storage.list():
        sizes[name.split(".", 1)[0]] += storage.file_length(name)
    return sizes


def merge_small_segments(writer, segments: list) -> list:
    """Whoosh merge policy: the segments kept as they are (the small ones merged into
    `writer`'s own when there are MERGE_AT of them)."""
    sizes = segment_bytes(writer.storage)
    small = [seg for seg in segments if seg.doc_count() < MERGE_BELOW and sizes[seg.segment_id()] < MERGE_BYTES]
    if len(small) < MERGE_AT:
        return segments
    for seg in small:
        reader = SegmentReader(writer.storage, writer.schema, seg)
        try:
            writer.add_reader(reader)
        finally:
            reader.close()
    return [seg for seg in segments if seg not in small]


def commit_existing(ix, new_segments: list, deletions) -> None:
    """The last step of writing a generation: delete articles (by id) from the segments it
    started with, merge the small ones (`merge_small_segments`), and write the table of
    contents naming those and `new_segments` (written by `FastSegmentWriter.finish_segment`)."""
    w = FastSegmentWriter(ix, _lk=False)
    try:
        for article_id in deletions:
            w.delete_by_term("id", article_id)
        final = w._merge_segments(merge_small_segments, None, None)
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
