"""The one search API: `SearchEngine.search(SearchRequest) -> SearchResult`.

The CLI and the web layer build a `SearchRequest` (`indexer.search.request`, which validates its
input in one place) and render the `SearchResult` (`indexer.search.result`); they never compute
results themselves. The engine orchestrates the rooms that do the work:

- `query`: which articles match (decided by the exact layer, `indexer.segment`); `matching`: the
  matched articles of one request and their order;
- `filters`: source, author, column and date as boolean masks over the generation's per-article
  values (`docvalues`), and the notices about them;
- `facets`: facet counts over every matching article;
- `ranking`: the order (BM25F over jieba words, bonuses, date among equals);
- `highlight`: what to mark in titles and snippets;
- `variants`, `indexer.stories`, `suggest`, `related`: the other strait's wording of unquoted
  terms (ranked after the wording as typed), near-duplicate reposts collapsed to one hit,
  suggestions when little is found, related articles;
- `budget`: what a search may cost; `indexer.generations`: the live generation and the
  per-thread searchers on it.
"""
from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from indexer.article import Article
from indexer.generations import LiveIndex, prefetch, stored_article
from indexer.search import variants, zerohits
from indexer.search.budget import Deadline, check_budget, clause_count
from indexer.search.docvalues import DocValues
from indexer.search.facets import count_facets, resolve
from indexer.search.filters import (
    chosen_values,
    filter_values,
    notice,
    top_values_of,
    unsearchable_text,
)
from indexer.search.highlight import highlight, mark_article, query_matchers, snippet
from indexer.search.matching import Matching, as_docnums, dated_representatives
from indexer.search.postings import ExactPostings
from indexer.search.query import ParsedQuery, match_docnums, parse_query
from indexer.search.ranking import by_date
from indexer.search.related import related as related_docnums
from indexer.search.request import (
    DEFAULT_DEADLINE,
    SearchRequest,
    SearchTooCostly,
)
from indexer.search.result import Hit, SearchResult, Suggestion
from indexer.search.suggest import FEW, suggestions
from indexer.segment.sortedsets import difference, intersect
from indexer.stories import collapse, read_clusters, story_members


class SearchEngine:
    """Searches the live generation of an index directory; safe to share between threads."""

    def __init__(self, index_dir: Path | str, deadline: float = DEFAULT_DEADLINE) -> None:
        """`deadline`: the seconds a search may take unless its request says otherwise; past it
        the search stops and raises `SearchTooCostly`."""
        self.index_dir = Path(index_dir)
        self.deadline = deadline
        self._live = LiveIndex(self.index_dir)
        self._stories: tuple = (None, None)  # (generation, story id per docnum)

    def release_thread(self) -> None:
        """Close the calling thread's searcher (`LiveIndex.release_thread`): after a warm-up in a
        thread that will not search again."""
        self._live.release_thread()

    def close(self) -> None:
        """Close every searcher (and so every index file) this engine opened; it may be used
        again afterwards (it opens what it needs)."""
        self._live.close()

    def __enter__(self) -> SearchEngine:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def open_generations(self) -> set[str]:
        """The generations this engine still holds files of (some thread's searcher is open)."""
        return self._live.open_generations()

    def prefetch(self) -> int:
        """Have the live generation's files read into memory, as far as they fit
        (`indexer.generations.prefetch`): what a server does when it starts, before it answers.
        Returns the bytes asked for."""
        return prefetch(self._live.generation().path)

    def article_count(self) -> int:
        return len(self._live.generation().docvalues.live_docs)

    # -- search

    def matching(self, request: SearchRequest) -> Matching:
        """The articles a request matches, and their order (`Matching.order`): what a search
        page, an export or the concordance (`indexer.search.concordance`) goes through."""
        parsed = parse_query(request.query)
        check_budget(request, clause_count(request, parsed))
        gen, searcher = self._live.searcher()
        stories = self._story_ids(gen)
        # the clock starts once the index is open: opening a new generation is not the query's cost
        deadline = Deadline(request.query, request.deadline or self.deadline)
        exact = ExactPostings(searcher)
        exact.check = deadline.check  # every phrase lookup, segment by segment
        narrow = self._within(gen.docvalues, exact, request, deadline.check)
        unsearchable = unsearchable_text(request, parsed)
        if unsearchable is not None:  # only punctuation: finds nothing (notice says why)
            narrow = gen.docvalues.live_docs[:0]
        docs, extra, expanded, added = self._matching_with_variants(searcher, gen.docvalues, parsed, exact, request,
                                                                    stories, narrow, deadline.check)
        return Matching(gen, searcher, exact, stories, request, parsed, docs, extra, expanded, added, narrow,
                        deadline, unsearchable)

    def search(self, request: SearchRequest) -> SearchResult:
        t0 = time.perf_counter()
        m = self.matching(request)
        searcher, docvalues, parsed, exact, stories = m.searcher, m.gen.docvalues, m.parsed, m.exact, m.stories
        everything, added = m.everything, m.added
        total = len(everything)
        chosen, hints = chosen_values(docvalues, request)
        facets, truncated = count_facets(docvalues, everything, sources=chosen["source"], authors=chosen["author"],
                                         column_values=chosen["column"], limit=request.facet_size)
        sort = m.sort
        start = (request.page - 1) * request.per_page
        stop = start + request.per_page
        order = m.order

        collapsing = request.collapse and request.story is None and stories is not None
        n_stories = total
        if collapsing:  # pages count stories: the number of distinct stories among the articles
            n_stories = collapse([], everything, stories)[2]
        if start >= n_stories:
            ranked: list[tuple[int, float | None]] = []
            duplicates: list[int] = []
        elif not collapsing:
            ranked = order(stop)[start:]
            duplicates = [0] * len(ranked)
        else:
            n = 2 * stop  # reposts collapse into one story: rank past the page at once (costs little)
            while True:  # rank further until the page has its distinct stories
                m.deadline.check()
                ordered = order(n)
                kept, dups, n_stories = collapse([d for d, _ in ordered], everything, stories)
                if len(kept) >= stop or len(ordered) >= total:
                    break
                n *= 4
            score = dict(ordered)
            kept = dated_representatives(kept[start:stop], ordered, everything, stories, docvalues.days)
            ranked = [(d, score.get(d, score.get(s))) for d, s in kept]
            duplicates = dups[start:stop]
        hits = self._hits(searcher, m.marking, ranked, m.deadline.check)
        for hit, dup in zip(hits, duplicates):
            hit.duplicates = dup
        found: list[Suggestion] = []
        if total < FEW and parsed.positive:
            def count(q: str) -> int:
                found_docs, found_extra, _, _ = self._matching_with_variants(
                    searcher, docvalues, parse_query(q), exact, request, stories, m.within, m.deadline.check)
                return len(found_docs) + len(found_extra)
            try:
                found = [Suggestion(**s) for s in suggestions(parsed, count, total)]
            except SearchTooCostly:  # out of time for suggestions: the results stand without them
                found = []
        zerohits.record(self.index_dir, request, total)  # counts a query that found nothing; never raises
        unsearchable = m.unsearchable
        took = round((time.perf_counter() - t0) * 1000, 2)
        return SearchResult(query=request.query, total=total, page=request.page,
                            per_page=request.per_page, took_ms=took, hits=hits, facets=facets,
                            sort=sort, stories=n_stories, variants=added, suggestions=found,
                            facets_truncated=truncated, request=request,
                            notice=notice(unsearchable, parsed, hints),
                            filter_hints=hints)

    def _within(self, docvalues: DocValues, exact: ExactPostings, request: SearchRequest,
                check: Callable[[], None] | None = None) -> np.ndarray | None:
        """The sorted docnums every within-query of the request matches (each with the other
        strait's wording of its unquoted terms, like a search); None when there is none, or
        none constrains anything."""
        narrow = None
        for text in request.within:
            parsed = parse_query(text)
            if request.variants:
                parsed, _ = variants.expand(parsed, self.index_dir)
            found = match_docnums(parsed, exact, check=check)
            if found is None:
                continue
            found = as_docnums(found, docvalues.live_docs)
            narrow = found if narrow is None else intersect(narrow, found)
        return narrow

    def _matching(self, searcher, docvalues: DocValues, parsed: ParsedQuery, exact: ExactPostings,
                  request: SearchRequest, stories, cache: dict | None = None,
                  narrow: np.ndarray | None = None, check: Callable[[], None] | None = None) -> np.ndarray:
        """The sorted docnums `parsed` matches within the request's filters (and story), and
        among `narrow` (sorted docnums: the within-queries' articles) when given."""
        docs = as_docnums(match_docnums(parsed, exact, cache, check), docvalues.live_docs)
        if narrow is not None:
            docs = intersect(docs, narrow)
        return self._filtered(searcher, docvalues, request, docs, stories)

    def _matching_with_variants(self, searcher, docvalues: DocValues, parsed: ParsedQuery, exact: ExactPostings,
                                request: SearchRequest, stories, narrow: np.ndarray | None = None,
                                check: Callable[[], None] | None = None):
        """(docs, extra, expanded, added): the articles `parsed` matches as typed; those only the
        other strait's wording of its unquoted terms finds (ranked after them); the expanded
        query and the wordings it added (none when they find nothing more, or variants are off).
        Only among `narrow` when given."""
        clauses: dict = {}  # the clauses as typed are evaluated once, for both queries
        docs = self._matching(searcher, docvalues, parsed, exact, request, stories, clauses, narrow, check)
        expanded, added = variants.expand(parsed, self.index_dir) if request.variants else (parsed, [])
        extra = docs[:0]
        if added:
            extra = difference(self._matching(searcher, docvalues, expanded, exact, request, stories, clauses,
                                              narrow, check), docs)
            if len(extra) == 0:
                added = []
        return docs, extra, expanded, added

    def _story_ids(self, gen) -> np.ndarray | None:
        """The generation's story id per docnum (`indexer.stories`); None when nothing repeats."""
        cached_gen, ids = self._stories
        if cached_gen is not gen:
            ids = read_clusters(gen.path, gen.docvalues.count)
            if not (ids != np.arange(len(ids))).any():
                ids = None
            self._stories = (gen, ids)
        return ids

    @staticmethod
    def _filtered(searcher, docvalues: DocValues, req: SearchRequest, docs: np.ndarray, stories=None) -> np.ndarray:
        """The `docs` the filters allow: within one filter any value, across filters all. A
        source value naming several bodies allows each. Values are folded like queries
        (`indexer.search.facets.resolve`: 生态环境部 allows 生態環境部), whole values only."""
        if req.date_from or req.date_to:
            docs = docs[docvalues.dated_within(docs, req.date_from, req.date_to)]
        for values, labels in filter_values(docvalues, req):
            docs = docs[labels.holds(docs, resolve(labels, values)[0])]
        if req.story is not None:
            # The story's near-duplicate cluster (`indexer.stories`; nothing for an unknown id).
            docnum = searcher.document_number(id=req.story)
            if docnum is None:
                docs = docs[:0]
            elif stories is None:
                docs = docs[docs == docnum]
            else:
                docs = docs[stories[docs] == stories[docnum]]
        return docs

    @staticmethod
    def _hits(searcher, parsed: ParsedQuery, ranked: list[tuple[int, float | None]],
              check: Callable[[], None] | None = None) -> list[Hit]:
        title_pat, body_pat = query_matchers(parsed)
        hits = []
        for docnum, score in ranked:
            if check is not None:
                check()
            a = stored_article(searcher.stored_fields(docnum))
            hits.append(Hit(
                id=a.id, title=a.title, date=a.date, source=a.source, sources=a.sources, authors=a.authors,
                url=a.url, column=a.column, score=None if score is None else round(score, 4),
                snippet=snippet(a.body, body_pat), title_html=highlight(a.title, title_pat),
            ))
        return hits

    # -- articles and stats

    def article(self, article_id: str) -> Article | None:
        _, searcher = self._live.searcher()
        docnum = searcher.document_number(id=article_id)
        if docnum is None:
            return None
        return stored_article(searcher.stored_fields(docnum))

    def related(self, article_id: str, limit: int = 5) -> list[Hit]:
        """相关文章: the articles most similar to one by their distinctive words, other days and
        sources first, its own reposts left out (`indexer.search.related`); [] for an unknown id."""
        gen, searcher = self._live.searcher()
        docnum = searcher.document_number(id=article_id)
        if docnum is None:
            return []
        stories = self._story_ids(gen)
        same = story_members(stories, docnum) if stories is not None else []
        found = related_docnums(searcher, docnum, limit, exclude=same)
        return self._hits(searcher, ParsedQuery(), [(d, s) for d, s in found])

    @staticmethod
    def mark_article(article: Article, query: str) -> tuple[str, str]:
        """(title_html, body_html) with the query's matches marked (`indexer.search.highlight`; a
        proximity clause marks each of its parts, and the other strait's wording of unquoted
        terms is marked as the search finds it)."""
        return mark_article(article, query)

    def stats(self) -> dict:
        gen = self._live.generation()
        docvalues = gen.docvalues
        live = docvalues.live_docs
        dated = live[docvalues.days[live] > 0]
        first, last = (by_date(dated, docvalues.days, 1, newest=n) for n in (False, True))
        info = gen.info
        return {
            "articles": len(live),
            "date_range": {"from": docvalues.dates[first[0]] if len(first) else None,
                           "to": docvalues.dates[last[0]] if len(last) else None},
            "top_sources": top_values_of(docvalues.sources, live), "top_authors": top_values_of(docvalues.authors, live),
            "index_size_bytes": gen.size_bytes,
            "generation": gen.name,
            "last_build": {
                "mode": info.get("mode"),
                "started": _iso(info.get("started")),
                "finished": _iso(info.get("finished")),
                "seconds": info.get("seconds"),
                "files": info.get("files"),
                "added": info.get("added"), "updated": info.get("updated"),
                "unchanged": info.get("unchanged"), "removed": info.get("removed"),
                "duplicates": len(info.get("duplicates") or []),
                "skipped": info.get("skipped") or [],
            },
        }


def _iso(ts) -> str | None:
    if not ts:
        return None
    return dt.datetime.fromtimestamp(ts, dt.UTC).isoformat(timespec="seconds")
