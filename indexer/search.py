"""The one search API: `SearchEngine.search(SearchRequest) -> SearchResult`.

The CLI and the web layer build a `SearchRequest` (`indexer.request`, which validates its input
in one place) and render the `SearchResult` (`indexer.result`); they never compute results
themselves. The engine orchestrates the rooms that do the work:

- `indexer.query`: which articles match (decided by the exact representation);
- filters on source, author, column and date: here, as boolean masks over the generation's
  per-article columns (`indexer.columns`);
- `indexer.facets`: facet counts over every matching article;
- `indexer.ranking`: the order (BM25F over jieba words, bonuses, date among equals);
- `indexer.highlight`: what to mark in titles and snippets;
- `indexer.generations`: the live generation and the per-thread searchers on it.
"""
from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import numpy as np

from indexer.article import Article, split_sources
from indexer.columns import Columns
from indexer.facets import count_facets, top_values
from indexer.generations import LiveIndex, stored_article
from indexer.highlight import highlight, query_patterns, snippet
from indexer.highlight import mark_article as _mark_article
from indexer.postings import ExactPostings
from indexer.query import ParsedQuery, match_docnums, parse_query
from indexer.ranking import Ranking, by_date, rank
from indexer.request import MAX_PER_PAGE, MAX_QUERY_CHARS, SORTS, BadRequest, SearchRequest, parse_date_bound
from indexer.result import FacetValue, Hit, SearchResult, Suggestion

__all__ = ["MAX_PER_PAGE", "MAX_QUERY_CHARS", "SORTS", "BadRequest", "FacetValue", "Hit", "SearchEngine",
           "SearchRequest", "SearchResult", "Suggestion", "parse_date_bound"]


class SearchEngine:
    """Searches the live generation of an index directory; safe to share between threads."""

    def __init__(self, index_dir: Path | str) -> None:
        self.index_dir = Path(index_dir)
        self._live = LiveIndex(self.index_dir, lambda gen: Ranking(gen.columns.day_list))

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

    def article_count(self) -> int:
        return len(self._live.generation().columns.live_docs)

    # -- search

    def search(self, request: SearchRequest) -> SearchResult:
        t0 = time.perf_counter()
        gen, searcher = self._live.searcher()
        columns = gen.columns
        parsed = parse_query(request.query)
        exact = ExactPostings(searcher)
        docs = as_docnums(match_docnums(parsed, exact), columns.live_docs)
        allowed = self._filter_mask(columns, request)
        if request.story is not None:
            story = self._story_mask(searcher, columns, request.story)
            allowed = story if allowed is None else allowed & story
        if allowed is not None:
            docs = docs[allowed[docs]]
        total = len(docs)
        facets, truncated = count_facets(columns, docs, sources=request.sources, authors=request.authors,
                                         column_values=request.columns, limit=request.facet_size)
        sort = applied_sort(request, parsed)
        start = (request.page - 1) * request.per_page
        stop = start + request.per_page
        if start >= total:
            ranked: list[tuple[int, float | None]] = []
        elif sort == "relevance":
            ranked = rank(searcher, parsed, exact, docs, columns.days, stop)[start:stop]
        else:
            ranked = [(d, None) for d in by_date(docs, columns.days, stop, newest=sort == "newest")[start:].tolist()]
        hits = self._hits(searcher, parsed, ranked)
        took = round((time.perf_counter() - t0) * 1000, 2)
        # Nothing is collapsed, expanded or suggested yet: every article is its own story.
        return SearchResult(query=request.query, total=total, page=request.page,
                            per_page=request.per_page, took_ms=took, hits=hits, facets=facets,
                            sort=sort, stories=total, variants=[], suggestions=[],
                            facets_truncated=truncated, request=request)

    @staticmethod
    def _filter_mask(columns: Columns, req: SearchRequest) -> np.ndarray | None:
        """The articles the filters allow (within one filter any value, across filters all), or
        None when there is no filter. A source value naming several bodies allows each."""
        masks: list[np.ndarray] = []
        if req.sources:
            masks.append(columns.sources.having(v for s in req.sources for v in (split_sources(s) or [s])))
        if req.authors:
            masks.append(columns.authors.having(req.authors))
        if req.columns:
            masks.append(columns.columns.having(req.columns))
        if req.date_from or req.date_to:
            masks.append(columns.date_mask(req.date_from, req.date_to))
        if not masks:
            return None
        return np.logical_and.reduce(masks) if len(masks) > 1 else masks[0]

    @staticmethod
    def _story_mask(searcher, columns: Columns, article_id: str) -> np.ndarray:
        """The articles of one story: the article's near-duplicate cluster. No clusters are
        detected yet, so a story is the article alone (none for an unknown id)."""
        mask = np.zeros(columns.count, dtype=bool)
        docnum = searcher.document_number(id=article_id)
        if docnum is not None:
            mask[docnum] = True
        return mask

    @staticmethod
    def _hits(searcher, parsed: ParsedQuery, ranked: list[tuple[int, float | None]]) -> list[Hit]:
        title_pat, body_pat = query_patterns(parsed)
        hits = []
        for docnum, score in ranked:
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

    @staticmethod
    def mark_article(article: Article, query: str) -> tuple[str, str]:
        """(title_html, body_html) with the query's matches marked (`indexer.highlight`)."""
        return _mark_article(article, query)

    def stats(self) -> dict:
        gen = self._live.generation()
        columns = gen.columns
        live = columns.live_docs
        dated = live[columns.days[live] > 0]
        first, last = (by_date(dated, columns.days, 1, newest=n) for n in (False, True))
        info = gen.info
        return {
            "articles": len(live),
            "date_range": {"from": columns.dates[first[0]] if len(first) else None,
                           "to": columns.dates[last[0]] if len(last) else None},
            "top_sources": _top(columns.sources, live), "top_authors": _top(columns.authors, live),
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


def _top(labels, docs: np.ndarray, limit: int = 10) -> list[dict]:
    values, _ = top_values(labels.names, labels.counts(docs), (), limit)
    return [{"value": v.value, "count": v.count} for v in values]


def as_docnums(matched, everything: np.ndarray) -> np.ndarray:
    """`match_docnums`' answer (a set, a sorted array, or None for "no constraint") as a
    sorted NumPy array of document numbers."""
    if matched is None:
        return everything
    if isinstance(matched, np.ndarray):
        return matched.astype(np.int64, copy=False)
    return np.sort(np.fromiter(matched, dtype=np.int64, count=len(matched)))


def applied_sort(request: SearchRequest, parsed: ParsedQuery) -> str:
    """The sort a search applies: relevance needs positive terms to rank by; without them
    (an empty or only-excluding query) the newest come first unless the oldest were asked."""
    if request.sort == "relevance" and not parsed.groups:
        return "newest"
    return request.sort


def _iso(ts) -> str | None:
    if not ts:
        return None
    return dt.datetime.fromtimestamp(ts, dt.UTC).isoformat(timespec="seconds")
