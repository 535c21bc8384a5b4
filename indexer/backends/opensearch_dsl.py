"""wensou's query language as OpenSearch's DSL: each clause a `match_phrase` of its units (or
span queries for NEAR), AND of ORs, exclusions, field restrictions, and the ranking clauses
over jieba words."""
from __future__ import annotations

from indexer.analysis import query_words

UNIT_FIELDS = {None: ("title_u", "body_u"), "title": ("title_u",), "source": ("source_u",), "author": ("author_u",)}


def _span(fieldname: str, seq) -> dict:
    terms = [{"span_term": {fieldname: u.text}} for u in seq]
    if len(terms) == 1:
        return terms[0]
    return {"span_near": {"clauses": terms, "slop": 0, "in_order": True}}


def clause_dsl(clause) -> dict:
    """One clause: its units consecutive (a phrase) in any of its fields; a proximity clause:
    its parts within the distance (span queries; a Latin word counts as one position here)."""
    fields = UNIT_FIELDS.get(clause.field, UNIT_FIELDS[None])
    if clause.near is not None:
        seqs, near = clause.sequences, clause.near
        # `A NEAR/N A` needs two occurrences: unordered, Lucene lets one occurrence stand for both
        # parts; in order, the second must follow the first (either order is then the same thing)
        same = len(seqs) == 2 and [u.text for u in seqs[0]] == [u.text for u in seqs[1]]
        per_field = [{"span_near": {"clauses": [_span(f, s) for s in seqs], "slop": near.distance,
                                    "in_order": near.ordered or same}} for f in fields]
    else:
        text = " ".join(u.text for u in clause.units)
        per_field = [{"match_phrase": {f: {"query": text, "analyzer": "whitespace", "slop": 0}}} for f in fields]
    return per_field[0] if len(per_field) == 1 else {"bool": {"should": per_field, "minimum_should_match": 1}}


def query_dsl(parsed) -> dict:
    """The articles a parsed query matches (no scoring): AND of ORs, minus the exclusions."""
    must = []
    for group in parsed.groups:
        parts = [clause_dsl(c) for c in group]
        must.append(parts[0] if len(parts) == 1 else {"bool": {"should": parts, "minimum_should_match": 1}})
    must_not = [clause_dsl(c) for c in parsed.excluded]
    if not must and not must_not:
        return {"match_all": {}}
    out: dict = {}
    if must:
        out["filter"] = must
    if must_not:
        out["must_not"] = must_not
    return {"bool": out}


def ranking_dsl(parsed) -> list[dict]:
    """Scoring clauses: BM25 over the jieba words of the positive clauses, title words weighted up."""
    words = [w for c in parsed.positive if c.field in (None, "title") for w in query_words(c.text)]
    if not words:
        return []
    text = " ".join(dict.fromkeys(words))
    return [{"match": {"body_w": {"query": text, "analyzer": "whitespace"}}},
            {"match": {"title_w": {"query": text, "analyzer": "whitespace", "boost": 2.0}}}]
