"""Related articles (相关文章): the articles most similar to one article by its distinctive words.

An article's distinctive words are the jieba words of its title and body (title words count
TITLE_WEIGHT times) weighed by tf-idf against the index's document frequencies of the `body`
word field; words found in no other article, single characters and numbers are skipped. The
top KEY_WORDS of them, each weighed by its tf-idf, are scored in the `title` and `body` word
fields by the engine's one BM25F (`ranking.bm25_scores`, the weights a search uses). Among the
candidates, articles from the same day *and* the same source (the same page of the same paper,
usually) are scored down by SAME_BOTH, from the same day or the same source by SAME_ONE, so
other days and sources come first unless the match is much closer; the article's own
near-duplicates (its story, `indexer.stories`) are left out: they are the same story, not a
related one.
"""
from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from indexer.analysis import word_counts
from indexer.search.ranking import Matched, bm25_scores, holding_any, top

KEY_WORDS = 12
TITLE_WEIGHT = 3
SAME_BOTH = 0.6
SAME_ONE = 0.8
TITLE_BOOST = 1.0  # title words' weight against body words' (a search's is lower: it has a title bonus)
CANDIDATES = 8  # candidates fetched per related article asked for


def distinctive_words(searcher, title: str, body: str, limit: int = KEY_WORDS,
                      field: str = "body") -> list[tuple[str, float]]:
    """(word, tf-idf weight) of the text's most distinctive words, best first."""
    counts = word_counts(body or "")
    for w, c in word_counts(title or "").items():
        counts[w] = counts.get(w, 0) + TITLE_WEIGHT * c
    n = max(searcher.doc_count(), 1)
    scored = []
    for w, tf in counts.items():
        if len(w) < 2 or w.isdigit():
            continue
        df = searcher.doc_frequency(field, w)
        if df < 2:  # only this article has it: it cannot find another one
            continue
        scored.append((w, (1 + math.log(tf)) * math.log(1 + n / df)))
    scored.sort(key=lambda x: (-x[1], x[0]))
    return scored[:limit]


def related(searcher, docnum: int, limit: int = 5, exclude: Sequence[int] = ()) -> list[tuple[int, float]]:
    """(docnum, score) of the articles most related to `docnum`, best first.

    `exclude`: docnums to leave out besides the article itself (its near-duplicates).
    """
    stored = searcher.stored_fields(docnum)
    words = distinctive_words(searcher, stored.get("title", ""), stored.get("body", ""))
    if not words:
        return []
    best = words[0][1]
    terms = [w for w, _ in words]
    candidates = holding_any(searcher, terms)
    candidates = candidates[~np.isin(candidates, [docnum, *exclude])]
    if not len(candidates):
        return []
    matched = Matched(candidates, searcher.doc_count_all())
    scores = bm25_scores(searcher, terms, matched, [weight / best for _, weight in words], TITLE_BOOST)
    date, source = stored.get("date"), stored.get("source")
    scored = []
    for i in top(scores, candidates, limit * CANDIDATES):
        d = int(candidates[i])
        other = searcher.stored_fields(d)
        same = (date is not None and other.get("date") == date) + (source is not None and other.get("source") == source)
        scored.append((d, float(scores[i]) * (1.0, SAME_ONE, SAME_BOTH)[same]))
    scored.sort(key=lambda x: -x[1])
    return scored[:limit]
