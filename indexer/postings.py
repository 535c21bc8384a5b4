"""Exact matching straight from the posting lists: term, phrase and prefix document sets.

Whoosh answers a phrase by walking a tree of matchers document by document and asking each
for its positions through several layers of objects; over 20,000 articles a two-bigram phrase
such as 习近平 took a quarter of a second that way. Here a term's whole posting list (ids and
encoded positions) is read block by block from the W3 codec, candidate articles are the
intersection of the id sets (C speed), and positions are decoded only for candidates and
checked with set arithmetic. The answers are the same as Whoosh's `Phrase`; the tests compare
them.
"""
from __future__ import annotations

from itertools import accumulate
from pickle import loads

from whoosh.reading import TermNotFound
from whoosh.system import _INT_SIZE

_Postings = tuple[dict[int, bytes], int]  # local docnum → encoded positions; the leaf's offset


def _decode_positions(value: bytes) -> list[int]:
    """Positions.decode_positions without the per-element Python loop."""
    if not value.endswith(b"."):
        value += b"."
    return list(accumulate(loads(value[_INT_SIZE:])))


class ExactPostings:
    """Document sets over one searcher's segments, in global docnums, deleted articles left out."""

    def __init__(self, searcher) -> None:
        self._leaves = []
        for leaf, offset in searcher.reader().leaf_readers():
            terms = getattr(leaf, "_terms", None)
            deleted = leaf.deleted_docs_set if leaf.has_deletions() else frozenset()
            self._leaves.append((leaf, terms, offset, deleted))
        self._cache: dict[tuple[str, str], list[_Postings]] = {}

    # -- reading posting lists

    def _read(self, terms, fieldname: str, ti, deleted) -> dict[int, bytes]:
        if ti.is_inlined():
            ids, _weights, values = ti.inlined_postings()
        else:
            fmt = self._format(fieldname)
            m = terms._codec.postings_reader(terms._postfile, ti, fmt)
            ids, values = [], []
            while m.is_active():
                m._read_ids()
                m._read_values()
                ids.extend(m._ids)
                values.extend(m._values)
                m._next_block()
        postings = dict(zip(ids, values))
        for d in deleted.intersection(postings) if deleted else ():
            del postings[d]
        return postings

    def _format(self, fieldname: str):
        return self._leaves[0][0].schema[fieldname].format

    def postings(self, fieldname: str, term: str) -> list[_Postings]:
        key = (fieldname, term)
        found = self._cache.get(key)
        if found is None:
            found = []
            tbytes = term.encode("utf-8")
            for leaf, terms, offset, deleted in self._leaves:
                if terms is None:  # not a W3 segment: let Whoosh read it
                    found.append((self._via_matcher(leaf, fieldname, term), offset))
                    continue
                try:
                    ti = terms.term_info(fieldname, tbytes)
                except TermNotFound:
                    found.append(({}, offset))
                    continue
                found.append((self._read(terms, fieldname, ti, deleted), offset))
            self._cache[key] = found
        return found

    @staticmethod
    def _via_matcher(leaf, fieldname: str, term: str) -> dict[int, bytes]:
        try:
            m = leaf.postings(fieldname, term)
        except TermNotFound:
            return {}
        out = {}
        while m.is_active():
            out[m.id()] = m.value()
            m.next()
        return out

    # -- document sets

    def all_docs(self) -> set[int]:
        out: set[int] = set()
        for leaf, _terms, offset, _deleted in self._leaves:
            out.update(d + offset for d in leaf.all_doc_ids())
        return out

    def term_docs(self, fieldname: str, term: str) -> set[int]:
        out: set[int] = set()
        for postings, offset in self.postings(fieldname, term):
            out.update(d + offset for d in postings) if offset else out.update(postings)
        return out

    def phrase_docs(self, fieldname: str, terms: list[str]) -> set[int]:
        """Articles where terms[0], terms[1], … stand at consecutive positions."""
        if len(terms) == 1:
            return self.term_docs(fieldname, terms[0])
        per_term = [self.postings(fieldname, t) for t in terms]
        out: set[int] = set()
        for leaf_index in range(len(self._leaves)):
            lists = [pt[leaf_index][0] for pt in per_term]
            offset = per_term[0][leaf_index][1]
            if not all(lists):
                continue
            smallest = min(lists, key=len)
            candidates = set(smallest)
            for plist in sorted(lists, key=len):
                if plist is not smallest:
                    candidates.intersection_update(plist)
                if not candidates:
                    break
            for doc in candidates:
                starts = set(_decode_positions(lists[0][doc]))
                for k in range(1, len(lists)):
                    starts.intersection_update(p - k for p in _decode_positions(lists[k][doc]))
                    if not starts:
                        break
                if starts:
                    out.add(doc + offset)
        return out

    def prefix_docs(self, fieldname: str, prefix: str) -> set[int]:
        """Articles holding any term that starts with `prefix` (a character's unigram or bigrams)."""
        out: set[int] = set()
        pbytes = prefix.encode("utf-8")
        for leaf, terms, offset, deleted in self._leaves:
            if terms is None:
                for term in leaf.expand_prefix(fieldname, prefix):
                    docs = self._via_matcher(leaf, fieldname, term)
                    out.update(d + offset for d in docs)
                continue
            local: set[int] = set()
            for (fname, tbytes), ti in terms.items_from(fieldname, pbytes):
                if fname != fieldname or not tbytes.startswith(pbytes):
                    break
                if ti.is_inlined():
                    local.update(ti.inlined_postings()[0])
                else:
                    m = terms._codec.postings_reader(terms._postfile, ti, self._format(fieldname))
                    while m.is_active():
                        m._read_ids()
                        local.update(m._ids)
                        m._next_block()
            local -= deleted
            out.update(d + offset for d in local) if offset else out.update(local)
        return out
