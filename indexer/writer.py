"""Writing articles into an index generation, on one core or several.

Whoosh's writer keeps every posting as a 5-tuple in one big list and sorts millions of them at
commit; for the exact representation's large bigram vocabulary that sort and the per-posting
work dominated rebuild time. `TermPool` replaces Whoosh's posting pool: postings are grouped per
term as they arrive (articles come in docnum order, so each list is already sorted) and only
the terms are sorted at commit. `WensouCodec` (indexer.codec) then writes each term's postings
in one go.

`write_parallel` builds a fresh generation on several cores: each forked worker writes its own
segment from its share of the documents (no pickling of documents: the fork shares them), and
the parent writes the table of contents naming all segments. Incremental ingests use
`segment_writer` (one process; they touch few files).
"""
from __future__ import annotations

import multiprocessing
import traceback
from array import array

from whoosh.writing import SegmentWriter

from indexer.codec import WensouCodec
from indexer.schema import ONE_POSITION, ExactField, WordField, encode_positions, encoded_frequency
from indexer.store import die_with_parent

MAX_POOL_POSTINGS = 6_000_000  # about 400 MB of postings per segment being built


class GroupedPostings:
    """Postings in (field, term, docnum) order; iterable flat, or by term via `groups()`."""

    def __init__(self, fields: dict[str, dict[str, list]]) -> None:
        self._fields = fields

    def groups(self):
        # str order is code point order, which is the UTF-8 byte order Whoosh needs
        for fieldname in sorted(self._fields):
            terms = self._fields[fieldname]
            for term in sorted(terms):
                ids, weights, values, ordered = terms[term]
                if not ordered:
                    order = sorted(range(len(ids)), key=ids.__getitem__)
                    ids = array("I", (ids[i] for i in order))
                    weights = array("f", (weights[i] for i in order))
                    values = [values[i] for i in order]
                yield fieldname, term.encode("utf-8"), ids, weights, values

    def __iter__(self):
        for fieldname, btext, ids, weights, values in self.groups():
            for docnum, weight, value in zip(ids, weights, values):
                yield fieldname, btext, docnum, weight, value


class TermPool:
    """Drop-in for whoosh.writing.PostingPool that groups postings per field and term in memory.

    Each term holds [docnums, weights, values, in_order]; articles are added in docnum order,
    so the lists stay sorted (a merge that adds out of order is noted and sorted at commit).
    """

    def __init__(self) -> None:
        self._fields: dict[str, dict[str, list]] = {}
        self.fieldnames: set[str] = set()
        self.postings = 0  # held now: bounds memory (see build_segments)

    def _terms(self, fieldname: str) -> dict[str, list]:
        terms = self._fields.get(fieldname)
        if terms is None:
            terms = self._fields[fieldname] = {}
            self.fieldnames.add(fieldname)
        return terms

    def add_positions(self, fieldname: str, docnum: int, boost: float, postings: dict[str, list[int]]) -> int:
        """One field of one article, as term → positions; returns the field's length."""
        terms = self._terms(fieldname)
        length = 0
        one = ONE_POSITION  # most postings hold one position: their encoding is cached
        for term, plist in postings.items():
            n = len(plist)
            value = one.get(plist[0]) if n == 1 else None
            if value is None:
                value = encode_positions(plist)
            entry = terms.get(term)
            if entry is None:
                terms[term] = [array("I", (docnum,)), array("f", (n * boost,)), [value], True]
            else:
                entry[0].append(docnum)
                entry[1].append(n * boost)
                entry[2].append(value)
            length += n
        self.postings += len(postings)
        return length

    def add_frequencies(self, fieldname: str, docnum: int, boost: float, counts: dict[str, int]) -> int:
        """One field of one article, as term → frequency; returns the field's length.

        The twin of `add_positions`, kept apart on purpose: this is the innermost loop of
        indexing (millions of postings), where a shared helper would cost a call per posting.
        """
        terms = self._terms(fieldname)
        length = 0
        for term, n in counts.items():
            value = encoded_frequency(n)
            entry = terms.get(term)
            if entry is None:
                terms[term] = [array("I", (docnum,)), array("f", (n * boost,)), [value], True]
            else:
                entry[0].append(docnum)
                entry[1].append(n * boost)
                entry[2].append(value)
            length += n
        self.postings += len(counts)
        return length

    def add(self, item) -> None:
        """Whoosh's interface: one (fieldname, term bytes, docnum, weight, value) posting."""
        fieldname, btext, docnum, weight, value = item
        if docnum < 0:
            return  # spelling words: not used by this schema
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
        return GroupedPostings(self._fields)

    def cleanup(self) -> None:
        self._fields = {}
        self.postings = 0


class FastSegmentWriter(SegmentWriter):
    """Whoosh's SegmentWriter with one change: our own fields (ExactField, WordField) add all
    of an article's postings in one call to the TermPool, instead of one call per posting."""

    def __init__(self, ix, **kwargs) -> None:
        # compound=False: Whoosh reads a compound segment file by copying each of its parts
        # into memory (1.1 GB and 0.4 s to open 20,000 articles); plain files are read on demand.
        super().__init__(ix, codec=WensouCodec(), compound=False, **kwargs)
        self.pool = TermPool()

    def add_document(self, **fields):
        if any(name.startswith("_") for name in fields):  # boosts, custom stored values
            return super().add_document(**fields)
        self._check_state()
        schema = self.schema
        perdocwriter = self.perdocwriter
        docnum = self.docnum
        pool = self.pool
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
                    if isinstance(field, ExactField):
                        length = pool.add_positions(fieldname, docnum, field.format.field_boost,
                                                    field.positions(value))
                    elif isinstance(field, WordField):
                        length = pool.add_frequencies(fieldname, docnum, field.format.field_boost,
                                                      field.frequencies(value))
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
        perdocwriter.finish_doc()
        self._added = True
        self.docnum += 1


def segment_writer(ix) -> SegmentWriter:
    """A Whoosh writer for `ix` with our codec and posting pool."""
    return FastSegmentWriter(ix)


def build_segments(ix, docs: list[dict]) -> list:
    """Write `docs` as new segments of `ix` (not yet in its table of contents).

    A segment is closed and a new one begun whenever the pool holds MAX_POOL_POSTINGS
    postings, so memory stays bounded however large the corpus (benchmarks/FINDINGS.md F5).
    """
    segments = []
    w = FastSegmentWriter(ix, _lk=False)
    for doc in docs:
        w.add_document(**doc)
        if w.pool.postings >= MAX_POOL_POSTINGS:
            segments.append(w._finalize_segment())
            w = FastSegmentWriter(ix, _lk=False)
    if w.docnum:
        segments.append(w._finalize_segment())
    else:
        w._close_segment()
    return segments


def _build_segments_worker(ix, docs: list[dict], conn) -> None:
    """Worker process: build segments from `docs` and send them back."""
    die_with_parent()
    try:
        conn.send(("ok", build_segments(ix, docs)))
    except BaseException:  # report any failure to the parent, which cancels the build
        conn.send(("error", traceback.format_exc()))
    finally:
        conn.close()


def write_parallel(ix, docs: list[dict], procs: int) -> None:
    """Write `docs` into the (empty) index `ix`, with `procs` processes building segments."""
    lock = ix.lock("WRITELOCK")
    if not lock.acquire():
        raise RuntimeError("the new generation is locked by another writer")
    try:
        if procs <= 1 or len(docs) < 2 * procs:
            segments = build_segments(ix, docs)
        else:
            segments = _in_workers(ix, docs, procs)
        # Each segment's docnums are local; the table of contents orders the segments.
        w = SegmentWriter(ix, _lk=False, codec=WensouCodec())
        w._close_segment()
        w._commit_toc(segments)
        w._finish()
    finally:
        lock.release()


def _in_workers(ix, docs: list[dict], procs: int) -> list:
    ctx = multiprocessing.get_context("fork")  # the workers share `docs` with the parent
    workers = []
    for share in (docs[i::procs] for i in range(procs)):
        parent_end, child_end = ctx.Pipe(duplex=False)
        p = ctx.Process(target=_build_segments_worker, args=(ix, share, child_end), daemon=True)
        p.start()
        child_end.close()
        workers.append((p, parent_end))
    segments, errors = [], []
    for p, conn in workers:
        try:
            status, payload = conn.recv()
        except EOFError:
            status, payload = "error", f"worker {p.pid} died (exit code {p.exitcode})"
        if status == "ok":
            segments.extend(payload)
        else:
            errors.append(payload)
        p.join()
    if errors:
        raise RuntimeError("building a segment failed:\n" + "\n".join(map(str, errors)))
    return segments
