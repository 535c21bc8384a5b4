"""Ranking, all of it: the order of the articles a query matched.

Which articles match is decided elsewhere (`indexer.search.query.match_docnums`, exact); here they are
ordered: BM25F over jieba words (`rank_words`) with titles weighted `schema.TITLE_BOOST` times bodies,
plus a bonus for each clause found in the title (`title_bonus`, less for a long title) and for the query's parts
standing together (`together_bonus`, looked for only where it can change the top of the list),
and the publication date breaking ties (newest first among equals).
Sorting by date (`by_date`) is here too: newest or oldest first, in bulk over NumPy arrays.

`rank` computes Whoosh's BM25F (same formula and field lengths; the collection's statistics over
the live articles only, so an index ingests updated ranks as a rebuild of the same files) over every matched
article at once: each word's postings are read as arrays, scores are summed with NumPy, and the
top of the list is picked with `argpartition`; no article is visited in Python. It is the one
scoring path: related articles (`indexer.search.related`) score their candidates with it too.
"""
from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from indexer.analysis import VALUE_MARK, query_words, units, units_stream
from indexer.search.postings import ExactPostings
from indexer.search.proximity import find_all
from indexer.search.query import DEFAULT_FIELDS, ParsedQuery, clause_key, field_docnums
from indexer.segment.sortedsets import positions
from indexer.segment.words import deleted_docnums, doc_frequency, field_lengths, word_postings

WORD_FIELDS = ("title", "body")
TITLE_PHRASE_SCORE = 7.0
TOGETHER_SCORE = 2.0
MAX_RANK_WORDS = 32  # ranking only: more words add time, not better order
FEW_MATCHED = 16  # a word's postings over 16 times the matched articles of a segment: those looked up in them
SKIP_BLOCKS_BELOW = 4096  # matched articles in a segment under which posting blocks holding none are skipped
DAY_WEIGHT = 1e-9  # a day's worth of score: breaks ties without reordering different scores
# Fitted with `python -m benchmarks.relevance ... --tune` (docs/benchmarks.md "Relevance"):
# coordinate ascent on the training half of the queries of three archives (news, Taiwan news,
# the gazette's long legal texts) and five query kinds, checked on the held-back half. Slower
# body saturation with milder length normalisation keeps a long document that is about the
# query's words above short ones that mention them; title words weigh less per occurrence
# (K1_TITLE, TITLE_QUERY_BOOST), and the title bonus stays large enough that a title match
# ranks above a body-only match with no more occurrences. The proximity bonus measured
# neutral on these known-item queries (±1 query in 870) and is off. The title bonus is
# normalised by the title's length like a BM25 field (B_TITLE_BONUS): of two titles holding a
# query's words, the one they make up more of is the one a reader typing them means.
K1 = 3.0  # BM25 term-frequency saturation of body words
K1_TITLE = 1.0  # the same for title words
B_TITLE = 0.4  # BM25 length normalisation of the title field
B_BODY = 0.5  # and of the body field
TITLE_QUERY_BOOST = 0.2  # title words' weight at query time, on top of TITLE_BOOST (3 × 0.2 = 0.6)
PROXIMITY_SCORE = 0.0  # at most this much for the query's words standing close together in the body
PROXIMITY_WINDOW = 20.0  # characters between two words at which their closeness counts half
EXACT_WORD_WEIGHT = 0.1  # × idf, for each character pair of a query word found in the body
TITLE_COVERAGE_POWER = 3.0  # title bonus × (share of the query's clauses in the title) ** this
B_TITLE_BONUS = 0.75  # the title bonus's length normalisation (BM25's b, over the title's words)


def rank_words(parsed: ParsedQuery) -> list[str]:
    """The jieba words of the clauses that search titles and bodies (at most MAX_RANK_WORDS)."""
    words: list[str] = []
    for clause in parsed.positive:
        if clause.field in (None, "title"):
            words.extend(query_words(clause.text))
    return list(dict.fromkeys(words))[:MAX_RANK_WORDS]


class Matched:
    """The matched articles (sorted docnums) and where each docnum sits among them. Where they
    are many, one array over every docnum answers by indexing (a binary search per posting
    was a tenth of a query's time at 100,000 articles); where few, a binary search does."""

    def __init__(self, docs: np.ndarray, doc_count: int) -> None:
        self.docs = docs
        self._slot = None
        if len(docs) * 16 >= doc_count:
            self._slot = np.full(doc_count, -1, dtype=np.int32)
            self._slot[docs] = np.arange(len(docs), dtype=np.int32)

    def __len__(self) -> int:
        return len(self.docs)

    def slots(self, docs: np.ndarray) -> np.ndarray:
        """Each of `docs`' (docnums of the index) index among the matched articles, -1 where it
        is not one of them."""
        if self._slot is not None:
            return self._slot[docs]
        return positions(self.docs, docs)


def _add_at(scores: np.ndarray, matched: Matched, docs: np.ndarray, amount: float) -> None:
    """Add `amount` to `scores` (one per matched article) for each of `docs` (unique) among them."""
    if len(docs):
        idx = matched.slots(docs)
        scores[idx[idx >= 0]] += amount


def title_bonus(parsed: ParsedQuery, exact: ExactPostings, matched: Matched, searcher=None) -> np.ndarray:
    """Extra score for each of the `matched` articles (sorted docnums) for each clause found in
    its title (even where jieba cut the title differently), grown with the share of the
    query's clauses the title holds and, given the `searcher`, divided by BM25's length
    normalisation of the title (`B_TITLE_BONUS`: a long title holds the words more often by chance)."""
    bonus = np.zeros(len(matched))
    title_clauses = list({clause_key(c): c for c in parsed.positive if c.field in (None, "title")}.values())
    title_clauses = title_clauses[:MAX_RANK_WORDS]
    in_title = np.zeros(len(matched))  # how many of the clauses each title holds
    for clause in title_clauses:
        _add_at(in_title, matched, field_docnums(exact, "title_x", clause.units), 1)
    if title_clauses:
        bonus += TITLE_PHRASE_SCORE * in_title * (in_title / len(title_clauses)) ** TITLE_COVERAGE_POWER
        if B_TITLE_BONUS and searcher is not None:
            held = np.flatnonzero(bonus)
            lengths = _lengths(searcher, "title", matched.docs[held])
            avg = average_length(searcher, "title")
            # (only ever raised: a long title keeps the whole bonus, so a title match still ranks
            # above a body-only match with no more occurrences, however long the title)
            bonus[held] /= np.minimum(1.0, (1 - B_TITLE_BONUS) + B_TITLE_BONUS * lengths / avg)
    return bonus


def _deleted(searcher) -> list[tuple[object, np.ndarray]]:
    """(segment reader, its deleted local docnums) of each segment that has some."""
    return [(leaf, gone) for leaf, _offset in searcher.reader().leaf_readers() if len(gone := deleted_docnums(leaf))]


def average_length(searcher, field: str) -> float:
    """The average length of `field` over the searcher's live articles, of the lengths BM25
    reads for each (byte-quantised): an index an ingest updated averages what a rebuild of the
    same files would (an updated article's old version, left in its segment, counts neither its
    length nor itself, and the lengths summed are those each article stores, not the segment's
    exact total, which an old version's share cannot be taken out of). Kept on the searcher."""
    known = searcher.__dict__.setdefault("_wensou_average_lengths", {})
    if field not in known:
        total = 0
        for leaf, _offset in searcher.reader().leaf_readers():
            lengths = field_lengths(leaf, field)
            total += int(lengths.sum(dtype=np.int64)) - int(lengths[deleted_docnums(leaf)].sum(dtype=np.int64))
        known[field] = (total / max(searcher.doc_count(), 1)) or 1
    return known[field]


def _doc_frequency(searcher, field: str, word: str) -> int:
    """In how many of the searcher's articles, deleted ones included, a word occurs."""
    return sum(doc_frequency(leaf, field, word) for leaf, _offset in searcher.reader().leaf_readers())


def word_idf(searcher, field: str, word: str) -> float:
    """Whoosh's idf of a word (`log(N / (df + 1)) + 1`) over the live articles only (see
    `average_length`); Whoosh's own where no article was deleted."""
    gone = _deleted(searcher)
    if not gone:
        known = searcher._idf_cache  # Whoosh's own (`Searcher.idf`), the same value computed faster
        key = (field, word)
        if key not in known:
            df = _doc_frequency(searcher, field, word)
            known[key] = math.log(searcher.doc_count_all() / (df + 1)) + 1
        return known[key]
    known = searcher.__dict__.setdefault("_wensou_idf", {})
    key = (field, word)
    if key not in known:
        df = _doc_frequency(searcher, field, word)
        for leaf, deleted in gone:
            ids, _ = word_postings(leaf, field, word, deleted)
            df -= int(np.count_nonzero(np.isin(ids, deleted))) if len(ids) else 0
        if len(known) > 20_000:  # (a server's searcher lives long: words of every query)
            known.clear()
        known[key] = float(np.log(searcher.doc_count() / (df + 1)) + 1)
    return known[key]


def _lengths(searcher, field: str, docs: np.ndarray) -> np.ndarray:
    """The length of `field` (as BM25 sees it) of each of `docs` (sorted docnums)."""
    out = np.ones(len(docs))
    for leaf, offset in searcher.reader().leaf_readers():
        lo, hi = np.searchsorted(docs, [offset, offset + leaf.doc_count_all()])
        if lo < hi:
            out[lo:hi] = field_lengths(leaf, field)[docs[lo:hi] - offset]
    return out


def together_bonus(together: list, exact: ExactPostings, matched: Matched,
                   candidates: np.ndarray | None = None) -> np.ndarray:
    """TOGETHER_SCORE per field for each of the `matched` articles where the positive clauses
    stand together as one phrase (`together`: `together_units` of the query); looked for only
    among `candidates` (sorted docnums) when given: the articles this bonus could still bring
    into the top of the list."""
    bonus = np.zeros(len(matched))
    for f in DEFAULT_FIELDS:
        _add_at(bonus, matched, field_docnums(exact, f, together, candidates), TOGETHER_SCORE)
    return bonus


def together_units(parsed: ParsedQuery) -> list:
    """The units of the positive clauses read as one phrase, when the query has several and
    the together bonus applies (else [])."""
    together = [u for c in parsed.positive if c.field is None for u in c.units]
    return together if len(parsed.positive) > 1 and 1 < len(together) <= MAX_RANK_WORDS else []


def proximity_units(parsed: ParsedQuery) -> list:
    """The unit sequences of the query's distinct plain clauses searching titles and bodies
    (at most MAX_RANK_WORDS), whose closeness in a body `proximity_bonus` measures; [] when
    fewer than two."""
    seqs = {clause_key(c): c.units for c in parsed.positive if c.field is None and c.near is None}
    found = [s for s in seqs.values() if s][:MAX_RANK_WORDS]
    return found if len(found) > 1 else []


def closeness(streams: list[str], seqs: list) -> np.ndarray:
    """For each unit stream, how close the parts `seqs` stand: the mean over pairs of parts of
    PROXIMITY_WINDOW / (PROXIMITY_WINDOW + the fewest characters between an occurrence of one
    and one of the other), 0 for a pair not both in the stream. 1 where every pair touches."""
    out = np.zeros(len(streams))
    if not streams or len(seqs) < 2:
        return out
    joined = VALUE_MARK.join(streams)
    cps = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32)
    bounds = np.cumsum([0] + [len(s) + 1 for s in streams[:-1]])
    occurrences = []
    for seq in seqs:
        pattern = units_stream(seq)
        at = find_all(cps, np.frombuffer(pattern.encode("utf-32-le"), dtype=np.uint32))
        occurrences.append((np.searchsorted(bounds, at, side="right") - 1, at, len(pattern)))
    pairs = 0
    for i in range(len(seqs)):
        for j in range(i + 1, len(seqs)):
            pairs += 1
            (da, sa, la), (db, sb, lb) = occurrences[i], occurrences[j]
            if not len(sa) or not len(sb):
                continue
            gap = np.full(len(sa), np.inf)
            after = np.searchsorted(sb, sa, side="left")  # the first of B starting at or after A
            ok = after < len(sb)
            k = np.minimum(after, len(sb) - 1)
            ok &= db[k] == da
            gap[ok] = np.maximum(sb[k] - (sa + la), 0)[ok]
            before = after - 1  # the last of B starting before A
            ok = before >= 0
            k = np.maximum(before, 0)
            ok &= db[k] == da
            gap[ok] = np.minimum(gap, np.maximum(sa - (sb[k] + lb), 0))[ok]
            best = np.full(len(streams), np.inf)
            np.minimum.at(best, da, gap)
            out += PROXIMITY_WINDOW / (PROXIMITY_WINDOW + best)
    return out / pairs


def proximity_bonus(seqs: list, exact: ExactPostings, matched: Matched,
                    candidates: np.ndarray | None = None) -> np.ndarray:
    """PROXIMITY_SCORE × `closeness` of the query's parts (`proximity_units`) in each of the
    `matched` articles' bodies; computed only among `candidates` (sorted docnums) when given:
    the articles this bonus could still bring into the top of the list."""
    bonus = np.zeros(len(matched))
    docs = matched.docs if candidates is None else candidates
    if not PROXIMITY_SCORE or not len(seqs) or not len(docs):
        return bonus
    idx = matched.slots(docs)
    bonus[idx] = PROXIMITY_SCORE * closeness(exact.unit_streams("body_x", docs), seqs)
    return bonus


def _could_reach(score: np.ndarray, day: np.ndarray, bound: float, stop: int) -> np.ndarray:
    """Mask of the articles that adding at most `bound` to their score could bring among the
    best `stop` (scores only grow, so the `stop`-th best score now is a floor of the final one)."""
    if stop >= len(score):
        return np.ones(len(score), dtype=bool)
    floor = np.partition(score, len(score) - stop)[len(score) - stop]
    spread = DAY_WEIGHT * float(day.max() - day.min()) + 1e-9  # the date's share of a final score
    return score + bound + spread >= floor


def bm25_scores(searcher, words: Sequence[str], matched: Matched,
                weights: Sequence[float] | None = None, title_boost: float = TITLE_QUERY_BOOST) -> np.ndarray:
    """Whoosh's BM25F score (`scoring.bm25`, the searcher's idf and average field lengths,
    byte-quantised field lengths) of the Or of `words` in WORD_FIELDS, for each of the
    `matched` articles; 0 where none of the words occurs. `weights`: one per word (a query
    word counts 1; related articles weigh an article's words by how distinctive they are).
    `title_boost`: title words' weight against body words' (a search adds its title bonus on
    top; related articles, with no query, weigh titles more)."""
    params = {"title": (K1_TITLE, B_TITLE, title_boost), "body": (K1, B_BODY, 1.0)}
    weights = [1.0] * len(words) if weights is None else list(weights)
    scores = np.zeros(len(matched))
    docs = matched.docs
    leaves = searcher.reader().leaf_readers()
    stats = {(f, w): (word_idf(searcher, f, w), average_length(searcher, f)) for f in WORD_FIELDS for w in words}
    for leaf, offset in leaves:
        lo, hi = np.searchsorted(docs, [offset, offset + leaf.doc_count_all()])
        if lo == hi:
            continue
        local = docs[lo:hi] - offset
        for f in WORD_FIELDS:
            lengths = None
            k1, b, qboost = params[f]
            for w, weight in zip(words, weights):
                ids, tf = word_postings(leaf, f, w, local if len(local) < SKIP_BLOCKS_BELOW else None)
                if not len(ids):
                    continue
                if len(local) * FEW_MATCHED < len(ids):  # few matched: each looked up in the list
                    at = positions(ids, local.astype(ids.dtype, copy=False))  # (the list's own type: no copy of it)
                    hit = at >= 0
                    if not hit.any():
                        continue
                    pos, ids, tf = lo + np.flatnonzero(hit), local[hit], tf[at[hit]]
                else:  # the list looked up among the matched
                    pos = matched.slots(ids + offset)
                    hit = pos >= 0
                    if not hit.all():
                        if not hit.any():
                            continue
                        pos, ids, tf = pos[hit], ids[hit], tf[hit]
                if lengths is None:
                    lengths = field_lengths(leaf, f)
                idf, avgfl = stats[(f, w)]
                t = tf.astype(np.float64)
                fl = lengths[ids]
                scores[pos] += weight * qboost * idf * ((t * (k1 + 1)) / (t + k1 * ((1 - b) + b * fl / avgfl)))
    return scores


def holding_any(searcher, words: Sequence[str]) -> np.ndarray:
    """The docnums (sorted, deleted articles left out) of the articles whose title or body
    holds at least one of `words`: the candidates of a query that is an Or of words."""
    parts = []
    for leaf, offset in searcher.reader().leaf_readers():
        found = [word_postings(leaf, f, w)[0] for f in WORD_FIELDS for w in words]
        local = np.unique(np.concatenate(found)) if found else np.empty(0, np.int64)
        if leaf.has_deletions():
            local = local[~np.isin(local, deleted_docnums(leaf))]
        parts.append(local + offset)
    return np.concatenate(parts) if parts else np.empty(0, np.int64)


def pair_scores(exact: ExactPostings, words: list[str], matched: Matched, n_docs: int) -> np.ndarray:
    """EXACT_WORD_WEIGHT × idf for each character pair of a query word that the body holds: a
    word jieba kept whole in one article (主题教育) still counts there for the query word 主题."""
    scores = np.zeros(len(matched))
    if not EXACT_WORD_WEIGHT or not len(matched):
        return scores
    pairs = set()
    for w in words:
        seq = units(w)
        pairs.update(a.text + b.text for a, b in zip(seq, seq[1:]) if a.cjk and b.cjk)
    for pair in sorted(pairs):
        seq = units(pair)
        df = exact.count("body_x", seq)  # over the whole index: the pair's idf
        if not df:
            continue
        idf = np.log(1 + (n_docs - df + 0.5) / (df + 0.5))
        _add_at(scores, matched, field_docnums(exact, "body_x", seq, matched.docs), EXACT_WORD_WEIGHT * idf)
    return scores


def top(keys: np.ndarray, tie: np.ndarray, k: int) -> np.ndarray:
    """Indices of the `k` largest keys, largest first, equal keys by the larger `tie` first: a
    total order, so consecutive pages never repeat or skip an article."""
    if k <= 0:
        return np.empty(0, dtype=np.int64)
    if k < len(keys):
        threshold = keys[np.argpartition(-keys, k - 1)[k - 1]]
        part = np.flatnonzero(keys >= threshold)  # every article tied at the threshold too
    else:
        part = np.arange(len(keys))
    return part[np.lexsort((-tie[part], -keys[part]))][:k]


def by_date(docs: np.ndarray, days: np.ndarray, stop: int, *, newest: bool) -> np.ndarray:
    """The first `stop` of `docs` by date: newest first (later document numbers first among
    the same day), or oldest first (the reverse). Undated articles count as oldest."""
    if len(docs) == 0 or stop <= 0:
        return docs[:0]
    key = days[docs] * (int(docs.max()) + 1) + docs  # one int64 per article: day, then docnum
    if not newest:
        key = -key
    k = min(stop, len(docs))
    first = np.argpartition(-key, k - 1)[:k] if k < len(docs) else np.arange(len(docs))
    return docs[first[np.argsort(-key[first], kind="stable")]]


def rank(searcher, parsed: ParsedQuery, exact: ExactPostings, docnums: Sequence[int],
         days: Sequence[int], stop: int) -> list[tuple[int, float]]:
    """The best `stop` of the matched articles, with their scores: BM25F over the query's words
    plus the bonus plus DAY_WEIGHT per day; then the articles with neither a word nor a bonus
    (found through the exact layer only), newest first, with score 0."""
    matched = np.asarray(docnums, dtype=np.int64)
    if len(matched) > 1 and not (matched[1:] > matched[:-1]).all():  # the engine's are sorted already
        matched = np.unique(matched)
    if not len(matched) or stop <= 0:
        return []
    day = np.asarray(days, dtype=np.int64)[matched]  # the generation's array: no copy
    words = rank_words(parsed)
    slots = Matched(matched, searcher.doc_count_all())
    score = bm25_scores(searcher, words, slots) if words else np.zeros(len(matched))
    if words:
        score += pair_scores(exact, words, slots, searcher.doc_count())
    score += title_bonus(parsed, exact, slots, searcher)
    together = together_units(parsed)
    if together:  # the together phrase is confirmed only where it can change the top
        reach = _could_reach(score, day, TOGETHER_SCORE * len(DEFAULT_FIELDS), stop)
        score += together_bonus(together, exact, slots, None if reach.all() else matched[reach])
    near = proximity_units(parsed) if PROXIMITY_SCORE else []
    if near:  # closeness is measured only where it can change the top
        reach = _could_reach(score, day, PROXIMITY_SCORE, stop)
        score += proximity_bonus(near, exact, slots, None if reach.all() else matched[reach])
    scored = np.flatnonzero(score > 0)
    final = score[scored] + day[scored] * DAY_WEIGHT
    ranked = [(int(matched[scored[i]]), float(final[i])) for i in top(final, matched[scored], stop)]
    if len(ranked) < stop:  # newest first, then the larger docnum
        rest = np.flatnonzero(score <= 0)
        ranked += [(int(matched[rest[i]]), 0.0) for i in top(day[rest], matched[rest], stop - len(ranked))]
    return ranked
