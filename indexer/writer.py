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
from indexer.store import die_with_parent


class GroupedPostings:
    """Postings in (field, term, docnum) order; iterable flat, or by term via `groups()`."""

    def __init__(self, terms: dict) -> None:
        self._terms = terms

    def groups(self):
        for key in sorted(self._terms):
            ids, weights, values, ordered = self._terms[key]
            if not ordered:
                order = sorted(range(len(ids)), key=ids.__getitem__)
                ids = array("I", (ids[i] for i in order))
                weights = array("f", (weights[i] for i in order))
                values = [values[i] for i in order]
            yield key[0], key[1], ids, weights, values

    def __iter__(self):
        for fieldname, btext, ids, weights, values in self.groups():
            for docnum, weight, value in zip(ids, weights, values):
                yield fieldname, btext, docnum, weight, value


class TermPool:
    """Drop-in for whoosh.writing.PostingPool that groups postings per term in memory."""

    def __init__(self) -> None:
        self._terms: dict[tuple[str, bytes], list] = {}
        self.fieldnames: set[str] = set()

    def add(self, item) -> None:
        fieldname, btext, docnum, weight, value = item
        if docnum < 0:
            return  # spelling words: not used by this schema
        key = (fieldname, btext)
        entry = self._terms.get(key)
        if entry is None:
            self.fieldnames.add(fieldname)
            self._terms[key] = [array("I", (docnum,)), array("f", (weight,)), [value], True]
            return
        ids = entry[0]
        if docnum < ids[-1]:
            entry[3] = False
        ids.append(docnum)
        entry[1].append(weight)
        entry[2].append(value)

    def iter_postings(self) -> GroupedPostings:
        return GroupedPostings(self._terms)

    def cleanup(self) -> None:
        self._terms = {}


def segment_writer(ix) -> SegmentWriter:
    """A Whoosh writer for `ix` with our codec and posting pool."""
    w = SegmentWriter(ix, codec=WensouCodec())
    w.pool = TermPool()
    return w


def _build_segment(ix, docs: list[dict], conn) -> None:
    """Worker: write `docs` as one new segment and send the segment back."""
    die_with_parent()
    try:
        w = SegmentWriter(ix, _lk=False, codec=WensouCodec())
        w.pool = TermPool()
        for doc in docs:
            w.add_document(**doc)
        segment = w._finalize_segment()
        conn.send(("ok", segment))
    except BaseException:  # report any failure to the parent, which cancels the build
        conn.send(("error", traceback.format_exc()))
    finally:
        conn.close()


def write_parallel(ix, docs: list[dict], procs: int) -> None:
    """Write `docs` into the (empty) index `ix` as `procs` segments built concurrently."""
    if procs <= 1 or len(docs) < 2 * procs:
        w = segment_writer(ix)
        for doc in docs:
            w.add_document(**doc)
        w.commit()
        return
    ctx = multiprocessing.get_context("fork")
    shares = [docs[i::procs] for i in range(procs)]
    lock = ix.lock("WRITELOCK")
    if not lock.acquire():
        raise RuntimeError("the new generation is locked by another writer")
    try:
        workers = []
        for share in shares:
            parent_end, child_end = ctx.Pipe(duplex=False)
            p = ctx.Process(target=_build_segment, args=(ix, share, child_end), daemon=True)
            p.start()
            child_end.close()
            workers.append((p, parent_end))
        segments, errors = [], []
        for p, conn in workers:
            try:
                status, payload = conn.recv()
            except EOFError:
                status, payload = "error", f"worker {p.pid} died (exit code {p.exitcode})"
            (segments if status == "ok" else errors).append(payload)
            p.join()
        if errors:
            raise RuntimeError("building a segment failed:\n" + "\n".join(map(str, errors)))
        # Renumber nothing: each segment's docnums are local; the TOC orders the segments.
        w = SegmentWriter(ix, _lk=False, codec=WensouCodec())
        w._close_segment()
        w._commit_toc(segments)
        w._finish()
    finally:
        lock.release()
