"""The one search API: `SearchEngine.search(SearchRequest) -> SearchResult`.

The CLI and the web layer build a `SearchRequest` (`indexer.request`, which validates its input
in one place) and render the `SearchResult` (`indexer.result`); they never compute results
themselves. The engine orchestrates the rooms that do the work:

- `indexer.query`: which articles match (decided by the exact representation);
- filters on source, author and date: here, over the generation's per-article columns;
- `indexer.facets`: facet counts over every matching article;
- `indexer.ranking`: the order (BM25F over jieba words, bonuses, date among equals);
- `indexer.highlight`: what to mark in titles and snippets;
- `indexer.generations`: the live generation and the per-thread searchers on it.
"""
from __future__ import annotations

import datetime as dt
import time
from collections import Counter
from pathlib import Path

from whoosh import query as Q

from indexer.article import Article
from indexer.facets import count_facets
from indexer.generations import LiveIndex, stored_article
from indexer.highlight import highlight, query_patterns, snippet
from indexer.highlight import mark_article as _mark_article
from indexer.postings import ExactPostings
from indexer.query import ParsedQuery, match_docnums, parse_query
from indexer.ranking import Ranking, rank
from indexer.request import MAX_PER_PAGE, MAX_QUERY_CHARS, SORTS, BadRequest, SearchRequest, parse_date_bound
from indexer.result import FacetValue, Hit, SearchResult

__all__ = ["MAX_PER_PAGE", "MAX_QUERY_CHARS", "SORTS", "BadRequest", "FacetValue", "Hit", "SearchEngine",
           "SearchRequest", "SearchResult", "parse_date_bound"]


class SearchEngine:
    """Searches the live generation of an index directory; safe to share between threads."""

    def __init__(self, index_dir: Path | str) -> None:
        self.index_dir = Path(index_dir)
        self._live = LiveIndex(self.index_dir, lambda gen: Ranking(gen.days))

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
        return len(self._live.generation().live)

    # -- search

    def search(self, request: SearchRequest) -> SearchResult:
        t0 = time.perf_counter()
        gen, searcher = self._live.searcher()
        parsed = parse_query(request.query)
        exact = ExactPostings(searcher)
        matched = match_docnums(parsed, exact)
        docnums = list(gen.live if matched is None else matched)
        filter_q = self._filter_query(request)
        if filter_q is not None:
            allowed = set(searcher.docs_for_query(filter_q))
            docnums = [d for d in docnums if d in allowed]
        total = len(docnums)
        facets, _truncated = count_facets(gen, docnums, request.sources, request.authors)
        start = (request.page - 1) * request.per_page
        stop = start + request.per_page
        days = gen.days
        relevance = request.sort == "relevance" and bool(parsed.groups)
        if start >= total:
            ranked: list[tuple[int, float | None]] = []
        elif not relevance:
            docnums.sort(key=lambda d: (days[d], d), reverse=request.sort != "oldest")
            ranked = [(d, None) for d in docnums[start:stop]]
        else:
            ranked = rank(searcher, parsed, exact, docnums, days, stop)[start:stop]
        hits = self._hits(searcher, parsed, ranked)
        took = round((time.perf_counter() - t0) * 1000, 2)
        return SearchResult(query=request.query, total=total, page=request.page,
                            per_page=request.per_page, took_ms=took, hits=hits, facets=facets,
                            request=request)

    @staticmethod
    def _filter_query(req: SearchRequest) -> Q.Query | None:
        parts: list[Q.Query] = []
        if req.sources:
            parts.append(Q.Or([Q.Term("source", s) for s in req.sources]))
        if req.authors:
            parts.append(Q.Or([Q.Term("author", a) for a in req.authors]))
        if req.date_from or req.date_to:
            parts.append(Q.TermRange("date", req.date_from, req.date_to))
        if not parts:
            return None
        return parts[0] if len(parts) == 1 else Q.And(parts)

    @staticmethod
    def _hits(searcher, parsed: ParsedQuery, ranked: list[tuple[int, float | None]]) -> list[Hit]:
        title_pat, body_pat = query_patterns(parsed)
        hits = []
        for docnum, score in ranked:
            a = stored_article(searcher.stored_fields(docnum))
            hits.append(Hit(
                id=a.id, title=a.title, date=a.date, source=a.source, authors=a.authors, url=a.url,
                column=a.column, score=None if score is None else round(score, 4),
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
        live = gen.live
        dates = sorted(gen.dates[d] for d in live if gen.dates[d])
        sources = Counter(gen.sources[d] for d in live if gen.sources[d])
        authors = Counter(a for d in live for a in gen.authors[d])
        info = gen.info
        return {
            "articles": len(live),
            "date_range": {"from": dates[0] if dates else None, "to": dates[-1] if dates else None},
            "top_sources": [{"value": v, "count": c} for v, c in sources.most_common(10)],
            "top_authors": [{"value": v, "count": c} for v, c in authors.most_common(10)],
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
