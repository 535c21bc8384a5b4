"""The one search API: `SearchEngine.search(SearchRequest) -> SearchResult`.

The CLI and the web layer build a `SearchRequest` (which validates its input in one place)
and render the `SearchResult`; they never compute results themselves.

Matching is decided by the exact representation (see `indexer.query`); ranking is BM25F over
jieba words with titles weighted above bodies, a boost where the query's parts stand together,
and newest first among equals. Totals and facet counts are computed over every matching
article. The engine follows the live index generation: a cheap stat of the CURRENT pointer on
each call, and a reopen only when it changed.
"""
from __future__ import annotations

import datetime as dt
import re
import threading
import time
import weakref
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

from whoosh import collectors, scoring
from whoosh import query as Q

from indexer import store
from indexer.article import Article
from indexer.highlight import compile_patterns, highlight, snippet
from indexer.postings import ExactPostings
from indexer.query import ParsedQuery, match_docnums, parse_query, rank_bonus, rank_words_query

SORTS = ("relevance", "newest", "oldest")
MAX_QUERY_CHARS = 2000
MAX_PER_PAGE = 1000
MAX_FILTER_VALUES = 50
FACET_LIMIT = 30


class BadRequest(ValueError):
    """A search parameter that cannot be used; the message says which and why."""


# ------------------------------------------------------------------------------ request

_DATE_RE = re.compile(r"^\s*(\d{4})(?:[-/.](\d{1,2})(?:[-/.](\d{1,2}))?)?\s*$")


def parse_date_bound(value: str | None, *, end: bool, name: str) -> str | None:
    """'2024', '2024-02' or '2024-02-05' → a YYYY-MM-DD bound (start or end of the period)."""
    if value is None or str(value).strip() == "":
        return None
    m = _DATE_RE.match(str(value))
    if not m:
        raise BadRequest(f"{name} must be a date like 2024-02-05, 2024-02 or 2024, not {value!r}")
    year, month, day = int(m.group(1)), m.group(2), m.group(3)
    try:
        if month is None:
            d = dt.date(year, 12, 31) if end else dt.date(year, 1, 1)
        elif day is None:
            first = dt.date(year, int(month), 1)
            d = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1) if end else first
        else:
            d = dt.date(year, int(month), int(day))
    except ValueError:
        raise BadRequest(f"{name} is not a valid date: {value!r}") from None
    return d.isoformat()


def _int_param(value, name: str, default: int, lo: int, hi: int | None) -> int:
    if value is None or (isinstance(value, str) and value.strip() == ""):
        return default
    if isinstance(value, bool):
        raise BadRequest(f"{name} must be a whole number")
    try:
        n = int(str(value).strip()) if not isinstance(value, int) else value
    except ValueError:
        raise BadRequest(f"{name} must be a whole number, not {value!r}") from None
    if n < lo or (hi is not None and n > hi):
        raise BadRequest(f"{name} must be between {lo} and {hi}" if hi else f"{name} must be at least {lo}")
    return n


@dataclass(frozen=True)
class SearchRequest:
    query: str = ""
    sources: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()
    date_from: str | None = None
    date_to: str | None = None
    sort: str = "relevance"
    page: int = 1
    per_page: int = 10

    @classmethod
    def create(cls, query=None, sources=(), authors=(), date_from=None, date_to=None,
               sort=None, page=None, per_page=None) -> SearchRequest:
        """Validate raw parameters (from the CLI or a URL); raises BadRequest."""
        q = "" if query is None else query
        if not isinstance(q, str):
            raise BadRequest("q must be text")
        if len(q) > MAX_QUERY_CHARS:
            raise BadRequest(f"the query is {len(q)} characters long; the limit is {MAX_QUERY_CHARS}")
        values = {}
        for name, given in (("source", sources), ("author", authors)):
            if given is not None and not isinstance(given, (str, list, tuple, set, frozenset)):
                raise BadRequest(f"{name} must be text or a list of text")
            given = [given] if isinstance(given, str) else list(given or ())
            if len(given) > MAX_FILTER_VALUES:
                raise BadRequest(f"at most {MAX_FILTER_VALUES} {name} filters")
            if any(not isinstance(v, str) for v in given):
                raise BadRequest(f"{name} must be text")
            values[name] = tuple(dict.fromkeys(v.strip() for v in given if v.strip()))
        sort = (sort or "relevance").strip() if isinstance(sort, str) or sort is None else sort
        if sort not in SORTS:
            raise BadRequest(f"sort must be one of {', '.join(SORTS)}, not {sort!r}")
        d_from = parse_date_bound(date_from, end=False, name="from")
        d_to = parse_date_bound(date_to, end=True, name="to")
        if d_from and d_to and d_from > d_to:
            raise BadRequest(f"from ({d_from}) is after to ({d_to})")
        return cls(query=q, sources=values["source"], authors=values["author"], date_from=d_from,
                   date_to=d_to, sort=sort, page=_int_param(page, "page", 1, 1, 1_000_000),
                   per_page=_int_param(per_page, "per_page", 10, 1, MAX_PER_PAGE))


# ------------------------------------------------------------------------------- result


@dataclass
class Hit:
    id: str
    title: str
    date: str | None
    source: str | None
    authors: list[str]
    url: str | None
    column: str | None
    score: float | None
    snippet: str
    title_html: str


@dataclass
class FacetValue:
    value: str
    count: int
    selected: bool = False


@dataclass
class SearchResult:
    query: str
    total: int
    page: int
    per_page: int
    took_ms: float
    hits: list[Hit]
    facets: dict[str, list[FacetValue]]
    request: SearchRequest = field(repr=False, default_factory=SearchRequest)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    def to_dict(self) -> dict:
        """The contract's JSON object."""
        return {
            "query": self.query, "total": self.total, "page": self.page,
            "per_page": self.per_page, "took_ms": self.took_ms,
            "hits": [asdict(h) for h in self.hits],
            "facets": {name: [asdict(v) for v in values] for name, values in self.facets.items()},
        }


# ------------------------------------------------------------------------------- engine


def _day_number(date: str | None) -> int:
    if not date:
        return 0
    try:
        return dt.date.fromisoformat(date).toordinal()
    except ValueError:
        return 0


class _Ranking(scoring.BM25F):
    """BM25F plus the query's bonus (`indexer.query.rank_bonus`), with the publication date
    breaking ties (newest first among equals). One per searcher, so one per thread."""

    use_final = True

    def __init__(self, day_numbers: list[int]) -> None:
        super().__init__(B=0.75, K1=1.2)
        self._days = day_numbers
        self.bonus: dict[int, float] = {}

    def final(self, searcher, docnum, score):
        return score + self.bonus.get(docnum, 0.0) + self._days[docnum] * 1e-9


class _Generation:
    """One opened index generation, with per-article arrays for filters, facets and sorting."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.name = path.name
        self.ix = store.open_generation(path)
        self.info = store.read_json(path / store.BUILD_INFO, {})
        reader = self.ix.reader()
        try:
            n = reader.doc_count_all()
            self.dates = self._column(reader, "date", n)
            self.sources = self._column(reader, "source", n)
            self.authors = [tuple(a.split("\x1f")) if a else () for a in self._column(reader, "authors_col", n)]
            self.live = set(reader.all_doc_ids())
        finally:
            reader.close()
        self.days = [_day_number(d) for d in self.dates]
        self.size_bytes = sum(f.stat().st_size for f in path.iterdir() if f.is_file())

    @staticmethod
    def _column(reader, name: str, n: int) -> list[str]:
        """One value per docnum, segment by segment (a segment may lack the column)."""
        values: list[str] = []
        for leaf, _offset in reader.leaf_readers():
            count = leaf.doc_count_all()
            if leaf.has_column(name):
                col = leaf.column_reader(name)
                values.extend(v if isinstance(v, str) else (v.decode("utf-8") if v else "") for v in col)
            else:
                values.extend([""] * count)
        assert len(values) == n, f"column {name}: {len(values)} values for {n} articles"
        return values


class SearchEngine:
    """Searches the live generation of an index directory; safe to share between threads."""

    def __init__(self, index_dir: Path | str) -> None:
        self.index_dir = Path(index_dir)
        self._lock = threading.Lock()
        self._gen: _Generation | None = None
        self._stamp = None
        self._local = threading.local()
        # Every searcher this engine opened (each holds open files), closed by close() or,
        # at the latest, when the engine is garbage collected.
        self._open: list = []  # (generation, searcher) pairs
        self._previous: _Generation | None = None
        self._finalizer = weakref.finalize(self, _close_all, self._open, self._lock)

    # -- generations

    def _generation(self) -> _Generation:
        stamp = store.pointer_stamp(self.index_dir)
        gen = self._gen
        if gen is not None and stamp == self._stamp:
            return gen
        with self._lock:
            if self._gen is None or stamp != self._stamp:
                path = store.current_generation(self.index_dir)
                if path is None:
                    raise store.NoIndex(f"no index at {self.index_dir}: run `cli.py rebuild` first")
                if self._gen is None or self._gen.path != path:
                    retired, self._previous = self._previous, self._gen
                    self._gen = _Generation(path)
                    if retired is not None:
                        self._close_searchers_of(retired)
                self._stamp = stamp
            return self._gen

    def _searcher(self):
        gen = self._generation()
        local = self._local
        if getattr(local, "gen", None) is not gen:
            old = getattr(local, "searcher", None)
            searcher = gen.ix.searcher(weighting=_Ranking(gen.days))
            with self._lock:
                for i, (_, s) in enumerate(self._open):
                    if s is old:
                        del self._open[i]
                        old.close()
                        break
                self._open.append((gen, searcher))
            local.searcher = searcher
            local.gen = gen
        return gen, local.searcher

    def _close_searchers_of(self, gen: _Generation) -> None:
        """Close the searchers still open on a generation two switches old (called with the lock
        held). A thread that searched on it and has been idle since would otherwise keep its
        files, deleted by the writer, open and their disk space taken."""
        keep = [(g, s) for g, s in self._open if g is not gen]
        for g, s in self._open:
            if g is gen:
                s.close()
        self._open[:] = keep

    def close(self) -> None:
        """Close every searcher (and so every index file) this engine opened; it may be used
        again afterwards (it opens what it needs)."""
        _close_all(self._open, self._lock)
        self._local = threading.local()

    def __enter__(self) -> SearchEngine:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def article_count(self) -> int:
        return len(self._generation().live)

    # -- search

    def search(self, request: SearchRequest) -> SearchResult:
        t0 = time.perf_counter()
        gen, searcher = self._searcher()
        parsed = parse_query(request.query)
        exact = ExactPostings(searcher)
        matched = match_docnums(parsed, exact)
        docnums = list(gen.live if matched is None else matched)
        filter_q = self._filter_query(request)
        if filter_q is not None:
            allowed = set(searcher.docs_for_query(filter_q))
            docnums = [d for d in docnums if d in allowed]
        total = len(docnums)
        facets = self._facets(gen, docnums, request)
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
            ranked = self._rank(searcher, parsed, exact, docnums, days, stop)[start:stop]
        hits = self._hits(searcher, parsed, ranked)
        took = round((time.perf_counter() - t0) * 1000, 2)
        return SearchResult(query=request.query, total=total, page=request.page,
                            per_page=request.per_page, took_ms=took, hits=hits, facets=facets,
                            request=request)

    @staticmethod
    def _rank(searcher, parsed: ParsedQuery, exact: ExactPostings, docnums: list[int],
              days: list[int], stop: int) -> list[tuple[int, float]]:
        """The best `stop` of the matched articles: BM25F over the query's words plus the bonus,
        then articles that hold none of the words (found through the exact representation
        only) by bonus and date."""
        matched = set(docnums)
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
                ranked = [(r.docnum, r.score) for r in collector.results()]
            finally:
                weighting.bonus = {}
        # An article outside the top `stop` whose bonus alone beats one inside it cannot hold
        # any of the words (its score would then exceed the bonus): it ranks by its bonus.
        scored = {d for d, _ in ranked}
        extra = [(d, b + days[d] * 1e-9) for d, b in bonus.items() if d not in scored]
        ranked = sorted(ranked + extra, key=lambda x: -x[1])[:stop]
        if len(ranked) < stop:
            seen = {d for d, _ in ranked}
            rest = sorted((d for d in docnums if d not in seen), key=lambda d: (days[d], d), reverse=True)
            ranked += [(d, 0.0) for d in rest[:stop - len(ranked)]]
        return ranked

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
    def _facets(gen: _Generation, docnums: list[int], req: SearchRequest) -> dict[str, list[FacetValue]]:
        sources, authors, dates = gen.sources, gen.authors, gen.dates
        src = Counter(s for s in map(sources.__getitem__, docnums) if s)
        auth = Counter(a for d in docnums for a in authors[d])
        months = Counter(m for m in (dates[d][:7] for d in docnums) if m)
        years: Counter = Counter()
        for m, c in months.items():
            years[m[:4]] += c

        def by_count(counter: Counter, selected: tuple[str, ...]) -> list[FacetValue]:
            top = sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))[:FACET_LIMIT]
            shown = {v for v, _ in top}
            values = [FacetValue(v, c, v in selected) for v, c in top]
            values += [FacetValue(v, counter.get(v, 0), True) for v in selected if v not in shown]
            return values

        def by_value(counter: Counter) -> list[FacetValue]:
            return [FacetValue(v, c) for v, c in sorted(counter.items(), reverse=True)]

        return {"source": by_count(src, req.sources), "author": by_count(auth, req.authors),
                "year": by_value(years), "month": by_value(months)}

    def _hits(self, searcher, parsed: ParsedQuery, ranked: list[tuple[int, float | None]]) -> list[Hit]:
        title_pat, body_pat = _patterns(parsed)
        hits = []
        for docnum, score in ranked:
            a = _stored_article(searcher.stored_fields(docnum))
            hits.append(Hit(
                id=a.id, title=a.title, date=a.date, source=a.source, authors=a.authors, url=a.url,
                column=a.column, score=None if score is None else round(score, 4),
                snippet=snippet(a.body, body_pat), title_html=highlight(a.title, title_pat),
            ))
        return hits

    # -- articles and stats

    def article(self, article_id: str) -> Article | None:
        _, searcher = self._searcher()
        docnum = searcher.document_number(id=article_id)
        if docnum is None:
            return None
        return _stored_article(searcher.stored_fields(docnum))

    @staticmethod
    def mark_article(article: Article, query: str) -> tuple[str, str]:
        """(title_html, body_html) with the query's matches marked and everything else escaped."""
        title_pat, body_pat = _patterns(parse_query(query))
        return highlight(article.title, title_pat), highlight(article.body, body_pat)

    def stats(self) -> dict:
        gen = self._generation()
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


def _stored_article(f: dict) -> Article:
    """The Article from an index document's stored fields."""
    return Article(id=f["id"], title=f.get("title", ""), date=f.get("date"), source=f.get("source"),
                   authors=list(f.get("authors") or []), url=f.get("url"), column=f.get("column"),
                   keywords=list(f.get("keywords") or []), body=f.get("body", ""))


def _patterns(parsed: ParsedQuery):
    """Highlight patterns (title, body): title: clauses mark titles only; fielded source/author
    clauses mark neither."""
    title = compile_patterns(c.units for c in parsed.positive if c.field in (None, "title"))
    body = compile_patterns(c.units for c in parsed.positive if c.field is None)
    return title, body


def _close_all(searchers: list, lock: threading.Lock) -> None:
    with lock:
        for _gen, searcher in searchers:
            searcher.close()
        searchers.clear()


def _iso(ts) -> str | None:
    if not ts:
        return None
    return dt.datetime.fromtimestamp(ts, dt.UTC).isoformat(timespec="seconds")
