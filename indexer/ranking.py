"""Ranking, all of it: the order of the articles a query matched.

Which articles match is decided elsewhere (`indexer.query.match_docnums`, exact); here they are
ordered: BM25F over jieba words (`rank_words_query`) with titles weighted `TITLE_BOOST` times
bodies, plus a bonus (`rank_bonus`) for each clause found in the title and for the query's parts
standing together, and the publication date breaking ties (newest first among equals).
Sorting by date (`by_date`) is here too: newest or oldest first, in bulk over NumPy arrays.
"""
from __future__ import annotations

import numpy as np
from whoosh import collectors, scoring
from whoosh import query as Q

from indexer.analysis import position_terms, query_words, units
from indexer.postings import ExactPostings
from indexer.query import DEFAULT_FIELDS, ParsedQuery, clause_key, field_docs

TITLE_BOOST = 3.0  # the `title` word field's boost in the schema
WORD_FIELDS = ("title", "body")
TITLE_PHRASE_SCORE = 10.0
TOGETHER_SCORE = 2.0
MAX_RANK_WORDS = 32  # ranking only: more words add time, not better order
DAY_WEIGHT = 1e-9  # a day's worth of score: breaks ties without reordering different scores
# Tuned with `python -m benchmarks.relevance` (docs/benchmarks.md "Relevance"): a lower title
# weight and a slower saturation stop an article that has a query word in its title outranking
# the one whose body is about all the words; the title bonus for the query's own clauses, grown
# with the share of them a title holds, keeps title-word queries finding their article.
K1 = 2.0  # BM25 term-frequency saturation
TITLE_B = 0.75  # BM25 length normalisation of titles
BODY_B = 0.75  # ... and of bodies
TITLE_QUERY_BOOST = 0.34  # title words' weight at query time, on top of TITLE_BOOST (3 × 0.34 ≈ 1)
EXACT_WORD_WEIGHT = 0.3  # weight of a query word's character pairs counted in the body's exact terms
TITLE_COVERAGE_POWER = 2.0  # title bonus × (share of the query's clauses in the title) ** this


def rank_words_query(parsed: ParsedQuery) -> Q.Query | None:
    """BM25F scoring: the jieba words of the clauses that search titles and bodies."""
    words: list[str] = []
    for clause in parsed.positive:
        if clause.field in (None, "title"):
            words.extend(query_words(clause.text))
    words = list(dict.fromkeys(words))[:MAX_RANK_WORDS]
    if not words:
        return None
    boost = {"title": TITLE_QUERY_BOOST, "body": 1.0}
    terms = [Q.Term(f, w, boost=boost[f]) for w in words for f in WORD_FIELDS]
    if EXACT_WORD_WEIGHT:
        pairs = {t.text for w in words for t in position_terms(units(w)) if len(t.text) == 2}
        terms += [Q.Term("body_x", p, boost=EXACT_WORD_WEIGHT) for p in sorted(pairs)]
    return Q.Or(terms)


def rank_bonus(parsed: ParsedQuery, exact: ExactPostings, matched: set[int]) -> dict[int, float]:
    """Extra score for matched articles: each clause found in the title (even where jieba cut
    the title differently), and the positive clauses standing together as one phrase."""
    bonus: dict[int, float] = {}
    title_clauses = list({clause_key(c): c for c in parsed.positive if c.field in (None, "title")}.values())
    in_title: dict[int, int] = {}
    for clause in title_clauses[:MAX_RANK_WORDS]:
        for d in field_docs(exact, "title_x", clause.units) & matched:
            in_title[d] = in_title.get(d, 0) + 1
    n = min(len(title_clauses), MAX_RANK_WORDS)
    for d, k in in_title.items():
        bonus[d] = TITLE_PHRASE_SCORE * k * (k / n) ** TITLE_COVERAGE_POWER
    together = [u for c in parsed.positive if c.field is None for u in c.units]
    if len(parsed.positive) > 1 and 1 < len(together) <= MAX_RANK_WORDS:
        for f in DEFAULT_FIELDS:
            for d in field_docs(exact, f, together) & matched:
                bonus[d] = bonus.get(d, 0.0) + TOGETHER_SCORE
    return bonus


class Ranking(scoring.BM25F):
    """BM25F plus the query's bonus (`rank_bonus`), with the publication date breaking ties
    (newest first among equals). One per searcher, so one per thread."""

    use_final = True

    def __init__(self, day_numbers: list[int]) -> None:
        super().__init__(B=BODY_B, K1=K1, title_B=TITLE_B, body_B=BODY_B)
        self._days = day_numbers
        self.bonus: dict[int, float] = {}

    def final(self, searcher, docnum, score):
        return score + self.bonus.get(docnum, 0.0) + self._days[docnum] * DAY_WEIGHT


def by_date(docs: np.ndarray, days: np.ndarray, stop: int, *, newest: bool) -> np.ndarray:
    """The first `stop` of `docs` by date: newest first (later document numbers first among
    the same day), or oldest first (the reverse). Undated articles count as oldest."""
    if len(docs) == 0 or stop <= 0:
        return docs[:0]
    key = days[docs] * (int(docs.max()) + 1) + docs  # one int64 per article: day, then docnum
    if not newest:
        key = -key
    k = min(stop, len(docs))
    top = np.argpartition(-key, k - 1)[:k] if k < len(docs) else np.arange(len(docs))
    return docs[top[np.argsort(-key[top], kind="stable")]]


def rank(searcher, parsed: ParsedQuery, exact: ExactPostings, docs: np.ndarray,
         days: np.ndarray, stop: int) -> list[tuple[int, float]]:
    """The best `stop` of the matched articles `docs`, with their scores: BM25F over the query's
    words plus the bonus, then articles that hold none of the words (found through the exact
    representation only) by bonus and date. `searcher` must weigh with a `Ranking`."""
    matched = set(docs.tolist())
    bonus = rank_bonus(parsed, exact, matched)
    ranked: list[tuple[int, float]] = []
    words_q = rank_words_query(parsed)
    if words_q is not None:
        weighting = searcher.weighting
        weighting.bonus = bonus
        try:
            # No block-quality skipping and no matcher replacement: both compare bounds of
            # the raw BM25F score with the minimum *final* score, and the bonus makes those
            # differ (Whoosh then drops articles from the top N).
            top = collectors.TopCollector(limit=stop, usequality=False, replace=0)
            collector = collectors.FilterCollector(top, allow=matched)
            searcher.search_with_collector(words_q, collector)
            ranked = [(r.docnum, float(r.score)) for r in collector.results()]
        finally:
            weighting.bonus = {}
    # An article outside the top `stop` whose bonus alone beats one inside it cannot hold
    # any of the words (its score would then exceed the bonus): it ranks by its bonus.
    scored = {d for d, _ in ranked}
    extra = [(d, b + int(days[d]) * DAY_WEIGHT) for d, b in bonus.items() if d not in scored]
    ranked = sorted(ranked + extra, key=lambda x: -x[1])[:stop]
    if len(ranked) < stop:
        seen = np.fromiter((d for d, _ in ranked), dtype=docs.dtype, count=len(ranked))
        rest = docs[~np.isin(docs, seen)] if len(seen) else docs
        ranked += [(d, 0.0) for d in by_date(rest, days, stop - len(ranked), newest=True).tolist()]
    return ranked
