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
- `indexer.variants`, `indexer.stories`, `indexer.suggest`, `indexer.related`: the other strait's
  wording of unquoted terms (ranked after the wording as typed), near-duplicate reposts collapsed
  to one hit, suggestions when little is found, related articles;
- `indexer.generations`: the live generation and the per-thread searchers on it.
"""
from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from indexer import variants, zerohits
from indexer.article import Article, split_sources
from indexer.columns import Columns
from indexer.facets import containing, count_facets, resolve, top_values
from indexer.generations import LiveIndex, stored_article
from indexer.highlight import highlight, mark_article, query_matchers, snippet
from indexer.postings import ExactPostings
from indexer.query import ParsedQuery, clause_key, match_docnums, parse_query
from indexer.ranking import Ranking, by_date, rank
from indexer.related import related as related_docnums
from indexer.request import (
    DEFAULT_DEADLINE,
    MAX_PER_PAGE,
    MAX_QUERY_CHARS,
    SORTS,
    BadRequest,
    SearchRequest,
    SearchTooCostly,
    parse_date_bound,
)
from indexer.result import FacetValue, Hit, SearchResult, Suggestion
from indexer.segment.sortedsets import difference, intersect, union
from indexer.stories import collapse, read_clusters, story_members
from indexer.suggest import FEW, suggestions

__all__ = ["MAX_PER_PAGE", "MAX_QUERY_CHARS", "SORTS", "BadRequest", "FacetValue", "Hit", "SearchEngine",
           "SearchRequest", "SearchResult", "SearchTooCostly", "Suggestion", "parse_date_bound"]


class SearchEngine:
    """Searches the live generation of an index directory; safe to share between threads."""

    def __init__(self, index_dir: Path | str, deadline: float = DEFAULT_DEADLINE) -> None:
        """`deadline`: the seconds a search may take unless its request says otherwise; past it
        the search stops and raises `SearchTooCostly`."""
        self.index_dir = Path(index_dir)
        self.deadline = deadline
        self._live = LiveIndex(self.index_dir, lambda gen: Ranking(gen.columns.day_list))
        self._stories: tuple = (None, None)  # (generation, story id per docnum)

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

    def matching(self, request: SearchRequest) -> Matching:
        """The articles a request matches, and their order (`Matching.order`): what a search
        page, an export or the concordance (`indexer.concordance`) goes through."""
        parsed = parse_query(request.query)
        check_budget(request, clause_count(request, parsed))
        gen, searcher = self._live.searcher()
        stories = self._story_ids(gen)
        # the clock starts once the index is open: opening a new generation is not the query's cost
        deadline = Deadline(request.query, request.deadline or self.deadline)
        exact = ExactPostings(searcher)
        exact.check = deadline.check  # every phrase lookup, segment by segment
        narrow = self._within(gen.columns, exact, request, deadline.check)
        if nothing_searchable(request.query, parsed):  # only punctuation: finds nothing (notice says why)
            narrow = gen.columns.live_docs[:0]
        docs, extra, expanded, added = self._matching_with_variants(searcher, gen.columns, parsed, exact, request,
                                                                    stories, narrow, deadline.check)
        return Matching(gen, searcher, exact, stories, request, parsed, docs, extra, expanded, added, narrow,
                        deadline)

    def search(self, request: SearchRequest) -> SearchResult:
        t0 = time.perf_counter()
        m = self.matching(request)
        searcher, columns, parsed, exact, stories = m.searcher, m.gen.columns, m.parsed, m.exact, m.stories
        everything, added = m.everything, m.added
        total = len(everything)
        chosen, hints = chosen_values(columns, request)
        facets, truncated = count_facets(columns, everything, sources=chosen["source"], authors=chosen["author"],
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
            kept = dated_representatives(kept[start:stop], ordered, everything, stories, columns.days)
            ranked = [(d, score.get(d, score.get(s))) for d, s in kept]
            duplicates = dups[start:stop]
        hits = self._hits(searcher, m.marking, ranked, m.deadline.check)
        for hit, dup in zip(hits, duplicates):
            hit.duplicates = dup
        found: list[Suggestion] = []
        if total < FEW and parsed.positive:
            def count(q: str) -> int:
                found_docs, found_extra, _, _ = self._matching_with_variants(
                    searcher, columns, parse_query(q), exact, request, stories, m.within, m.deadline.check)
                return len(found_docs) + len(found_extra)
            try:
                found = [Suggestion(**s) for s in suggestions(parsed, count, total)]
            except SearchTooCostly:  # out of time for suggestions: the results stand without them
                found = []
        zerohits.record(self.index_dir, request, total)  # counts a query that found nothing; never raises
        took = round((time.perf_counter() - t0) * 1000, 2)
        return SearchResult(query=request.query, total=total, page=request.page,
                            per_page=request.per_page, took_ms=took, hits=hits, facets=facets,
                            sort=sort, stories=n_stories, variants=added, suggestions=found,
                            facets_truncated=truncated, request=request,
                            notice=" ".join(n for n in (
                                unsearchable_notice(request.query) if nothing_searchable(request.query, parsed)
                                else None, filter_notice(hints)) if n) or None,
                            filter_hints=hints)

    def _within(self, columns: Columns, exact: ExactPostings, request: SearchRequest,
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
            found = as_docnums(found, columns.live_docs)
            narrow = found if narrow is None else intersect(narrow, found)
        return narrow

    def _matching(self, searcher, columns: Columns, parsed: ParsedQuery, exact: ExactPostings,
                  request: SearchRequest, stories, cache: dict | None = None,
                  narrow: np.ndarray | None = None, check: Callable[[], None] | None = None) -> np.ndarray:
        """The sorted docnums `parsed` matches within the request's filters (and story), and
        among `narrow` (sorted docnums: the within-queries' articles) when given."""
        docs = as_docnums(match_docnums(parsed, exact, cache, check), columns.live_docs)
        if narrow is not None:
            docs = intersect(docs, narrow)
        return self._filtered(searcher, columns, request, docs, stories)

    def _matching_with_variants(self, searcher, columns: Columns, parsed: ParsedQuery, exact: ExactPostings,
                                request: SearchRequest, stories, narrow: np.ndarray | None = None,
                                check: Callable[[], None] | None = None):
        """(docs, extra, expanded, added): the articles `parsed` matches as typed; those only the
        other strait's wording of its unquoted terms finds (ranked after them); the expanded
        query and the wordings it added (none when they find nothing more, or variants are off).
        Only among `narrow` when given."""
        clauses: dict = {}  # the clauses as typed are evaluated once, for both queries
        docs = self._matching(searcher, columns, parsed, exact, request, stories, clauses, narrow, check)
        expanded, added = variants.expand(parsed, self.index_dir) if request.variants else (parsed, [])
        extra = docs[:0]
        if added:
            extra = difference(self._matching(searcher, columns, expanded, exact, request, stories, clauses,
                                              narrow, check), docs)
            if len(extra) == 0:
                added = []
        return docs, extra, expanded, added

    def _story_ids(self, gen) -> np.ndarray | None:
        """The generation's story id per docnum (`indexer.stories`); None when nothing repeats."""
        cached_gen, ids = self._stories
        if cached_gen is not gen:
            ids = read_clusters(gen.path, gen.columns.count)
            if not (ids != np.arange(len(ids))).any():
                ids = None
            self._stories = (gen, ids)
        return ids

    @staticmethod
    def _filtered(searcher, columns: Columns, req: SearchRequest, docs: np.ndarray, stories=None) -> np.ndarray:
        """The `docs` the filters allow: within one filter any value, across filters all. A
        source value naming several bodies allows each. Values are folded like queries
        (`indexer.facets.resolve`: 生态环境部 allows 生態環境部), whole values only."""
        if req.date_from or req.date_to:
            docs = docs[columns.dated_within(docs, req.date_from, req.date_to)]
        for values, labels in filter_values(columns, req):
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
        sources first, its own reposts left out (`indexer.related`); [] for an unknown id."""
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
        """(title_html, body_html) with the query's matches marked (`indexer.highlight`; a
        proximity clause marks each of its parts, and the other strait's wording of unquoted
        terms is marked as the search finds it)."""
        return mark_article(article, query)

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


MAX_CLAUSES_BY_PAGE = 100_000  # distinct positive clauses × page size a search may ask for
HEAVY_CLAUSES = 32  # a search with more clauses than this, or...
HEAVY_CLAUSES_BY_PAGE = 2_000  # ...more clauses × page size, is heavy by nature (see is_heavy)


def clause_count(request: SearchRequest, parsed: ParsedQuery | None = None) -> int:
    """The distinct positive clauses a search looks for (its within-queries' included)."""
    parsed = parsed or parse_query(request.query)
    within = sum(len(parse_query(w).positive) for w in request.within)
    return len({clause_key(c) for c in parsed.positive}) + within


def is_heavy(request: SearchRequest) -> bool:
    """Whether a search is costly by its shape alone (hundreds of words, or many words on a
    long page), before it runs: servers run such searches apart from ordinary ones."""
    words = sum(1 for w in request.query.split() if w not in ("OR", "AND", "NOT"))
    if words > 4 * HEAVY_CLAUSES:  # told without parsing (refusing it must cost little)
        return True
    clauses = clause_count(request)
    return clauses > HEAVY_CLAUSES or clauses * request.per_page > HEAVY_CLAUSES_BY_PAGE


def check_budget(request: SearchRequest, clauses: int) -> None:
    """Refuse before starting a search whose size alone makes it too costly: each of its
    clauses is looked for in every article of its page (matching, ranking, marking)."""
    if clauses * request.per_page > MAX_CLAUSES_BY_PAGE:
        raise SearchTooCostly(request.query, f"{clauses} 个词语 × 每页 {request.per_page} 条超过了 "
                                             f"{MAX_CLAUSES_BY_PAGE:,} 的上限")


class Deadline:
    """How long a search may run: `check` raises `SearchTooCostly` once `seconds` have passed on
    the wall clock since it began (None: no limit) — what the person waiting sees. (Counting the
    thread's processor time instead let a search on a busy machine run for many times its
    deadline: 21 s under eight worst-case clients; and reading it cost up to 2 ms a call.)
    Called in the loops whose work grows with the query and the index."""

    def __init__(self, query: str, seconds: float | None) -> None:
        self.query, self.seconds = query, seconds
        self.at = None if seconds is None else time.perf_counter() + seconds

    def passed(self) -> bool:
        return self.at is not None and time.perf_counter() > self.at

    def check(self) -> None:
        if self.passed():
            raise SearchTooCostly(self.query, f"超过了 {self.seconds:g} 秒的时限")


class Matching:
    """The articles one request matches (`SearchEngine.matching`): `docs` as typed, `extra` only
    through the other strait's wording (`added`, in the `expanded` query), both sorted docnums."""

    def __init__(self, gen, searcher, exact: ExactPostings, stories, request: SearchRequest,
                 parsed: ParsedQuery, docs: np.ndarray, extra: np.ndarray, expanded: ParsedQuery,
                 added: list[str], within: np.ndarray | None = None, deadline: Deadline | None = None) -> None:
        self.gen, self.searcher, self.exact, self.stories = gen, searcher, exact, stories
        self.within = within  # the articles the within-queries match (None: no narrowing)
        self.deadline = deadline or Deadline(request.query, None)
        self.request, self.parsed, self.docs, self.extra = request, parsed, docs, extra
        self.expanded, self.added = expanded, added
        self.everything = union(docs, extra)
        self.sort = applied_sort(request, parsed)

    @property
    def marking(self) -> ParsedQuery:
        """The query whose phrases mark the results (with the wordings added, if any)."""
        return self.expanded if self.added else self.parsed

    def order(self, n: int) -> list[tuple[int, float | None]]:
        """The first `n` matching articles in the applied sort, each with its score (None when
        sorted by date)."""
        days = self.gen.columns.days
        if self.sort != "relevance":
            return [(d, None) for d in date_order(self.everything, days, n, newest=self.sort == "newest").tolist()]
        self.deadline.check()
        first = rank(self.searcher, self.parsed, self.exact, self.docs, days, n) if len(self.docs) else []
        if len(first) < n and len(self.extra):
            self.deadline.check()
            first += rank(self.searcher, self.expanded, self.exact, self.extra, days, n - len(first))
        self.deadline.check()
        return first


def date_order(docs: np.ndarray, days, n: int, *, newest: bool) -> np.ndarray:
    """The first `n` of `docs` (sorted docnums) by date, newest or oldest first; undated
    articles last either way (later docnums first with `newest`, earlier with oldest)."""
    dated = np.asarray(days)[docs] > 0
    first = by_date(docs[dated], days, n, newest=newest)
    if len(first) < n:
        undated = docs[~dated]
        first = np.concatenate((first, (undated[::-1] if newest else undated)[:n - len(first)]))
    return first


def dated_representatives(kept: list[int], ordered: list[tuple[int, float | None]], everything: np.ndarray,
                          stories: np.ndarray, days) -> list[tuple[int, int]]:
    """(shown, kept) for each story kept for a page: the story's best-ranked article, or, when
    that one is undated, its best-ranked dated matching copy (else any dated one, the newest)."""
    days = np.asarray(days)
    out = []
    rank_of = None
    for d in kept:
        if days[d] > 0:
            out.append((d, d))
            continue
        members = everything[stories[everything] == stories[d]]
        dated = members[days[members] > 0]
        if not len(dated):
            out.append((d, d))
            continue
        if rank_of is None:
            rank_of = {doc: i for i, (doc, _) in enumerate(ordered)}
        best = min(dated.tolist(), key=lambda m: (rank_of.get(m, len(rank_of)), -int(days[m]), m))
        out.append((best, d))
    return out


_FILTER_LABELS = {"source": "来源", "author": "作者", "column": "栏目"}


def filter_values(columns: Columns, req: SearchRequest) -> list[tuple[list[str], object]]:
    """(values, labels) of each value filter the request sets (source values split into the
    publishing bodies they name)."""
    out = []
    if req.sources:
        out.append(([v for s in req.sources for v in (split_sources(s) or [s])], columns.sources))
    if req.authors:
        out.append((list(req.authors), columns.authors))
    if req.columns:
        out.append((list(req.columns), columns.column))
    return out


def chosen_values(columns: Columns, req: SearchRequest) -> tuple[dict[str, list[str]], dict[str, list[FacetValue]]]:
    """(facet name → the index's values the request's filters select, shown as selected in the
    facets, with any value naming none as typed; facet name → values that contain a filter
    value naming none, with their article counts in the index)."""
    chosen: dict[str, list[str]] = {"source": [], "author": [], "column": []}
    hints: dict[str, list[FacetValue]] = {}
    for name, values, labels in (("source", [v for s in req.sources for v in (split_sources(s) or [s])],
                                  columns.sources),
                                 ("author", list(req.authors), columns.authors),
                                 ("column", list(req.columns), columns.column)):
        if not values:
            continue
        names, unknown = resolve(labels, values)
        chosen[name] = names + unknown
        for v in unknown:
            found = containing(labels, v, columns.live_docs)
            if found:
                hints.setdefault(name, []).extend(found)
    return chosen, hints


def filter_notice(hints: dict[str, list[FacetValue]]) -> str | None:
    """A sentence offering the values that contain a filter value naming none."""
    parts = []
    for name, values in hints.items():
        offered = "、".join(f"{v.value}（{v.count} 篇）" for v in values)
        parts.append(f"{_FILTER_LABELS[name]}按完整名称筛选；包含所填文字的{_FILTER_LABELS[name]}有：{offered}")
    return "。".join(parts) + "。" if parts else None


def nothing_searchable(query: str, parsed: ParsedQuery) -> bool:
    """Whether a query has text but nothing to search in it (only punctuation or symbols);
    an empty query lists everything."""
    return bool(query.strip(" \t\r\n\f\v\u3000\u00a0")) and parsed.is_empty


def unsearchable_notice(query: str) -> str:
    shown = query if len(query) <= 40 else query[:40] + "…"
    return f"查询「{shown}」中没有可以搜索的文字（只有标点、符号或空白），因此没有结果；请输入汉字、字母或数字。"


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
