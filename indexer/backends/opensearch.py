"""The OpenSearch backend: the same search on a cluster (docs/interfaces.md "Backends").

`--index opensearch://HOST:PORT[,HOST:PORT…]/NAME`: NAME is an alias over one physical index
`NAME-<timestamp>`; a rebuild loads a new one and switches the alias atomically.

What decides a match is wensou's own, as in the embedded engine:
- every text is folded (`indexer.analysis.fold`: width, case, Traditional → Simplified) and
  written as its unit sequence (CJK characters one by one, Latin words and numbers whole),
  space-separated, into a field analysed on whitespace (`title_u`, `body_u`, `source_u`,
  `author_u`): a phrase is a `match_phrase` of the query's units, so "consecutive, ignoring
  whitespace and punctuation" holds exactly as in `indexer.segment`. Multi-valued fields keep a
  position gap between values, so no phrase spans two authors;
- the query language is parsed by `indexer.search.query.parse_query` and turned into the DSL here
  (AND of ORs, exclusions, field restrictions, NEAR as span queries), the other strait's
  wording by `indexer.search.variants` (typed wording ranked first);
- ranking is BM25 over jieba words of the folded text (`title_w`, `body_w`);
- filters use folded keyword values (`sources_f`, …: 生态环境部 selects 生態環境部), facets
  are aggregations over the raw values, totals exact (`track_total_hits`);
- titles and snippets are marked by `indexer.search.highlight` on the stored text;
- reposts are collapsed on a story id computed at load time by `indexer.stories`.

Articles are read by the embedded ingest itself into a scratch index (every input format,
id rule and skipped-file report is the same), then bulk-loaded. HTTP goes through the standard
library; the hosts of the URL are tried in turn, so a search survives a node going down.
"""
from __future__ import annotations

import base64
import contextlib
import datetime as dt
import hashlib
import http.client
import json
import multiprocessing
import os
import queue
import re
import tempfile
import threading
import time
import urllib.parse
import weakref
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from indexer import processes, store, stories
from indexer.analysis import LATIN_MARK, fold, query_words, unit_stream, word_counts
from indexer.article import Article, split_sources
from indexer.backends.cluster_lock import RebuildLock
from indexer.backends.opensearch_reading import SOURCE_FIELDS, ClusterQuery, ClusterReading, doc_id, sort_dsl
from indexer.backends.spec import desk_dir, parse_spec
from indexer.generations import LiveIndex, stored_article
from indexer.ingest.report import IngestOptions, Removed
from indexer.ingest.run import run_ingest
from indexer.ingest.sources import read_sources
from indexer.search import variants
from indexer.search.engine import SearchEngine
from indexer.search.facets import MAX_HINTS, date_facets
from indexer.search.filters import filter_notice, nothing_searchable, unsearchable_notice
from indexer.search.highlight import highlight, query_matchers, snippet
from indexer.search.matching import applied_sort
from indexer.search.query import parse_query
from indexer.search.request import SearchRequest
from indexer.search.result import FacetValue, Hit, SearchResult, Suggestion
from indexer.search.suggest import FEW, suggestions
from indexer.segment import signatures

BULK_DOCS = 500  # articles a bulk request
BULK_WAIT = "30s"  # how long a bulk request waits for a shard's primary (OpenSearch's default: 1m)
FACET_SHARD_SIZE = 10_000  # per-shard terms looked at: facet counts exact below this many values
TIMEOUT = 60.0
SHARD_RETRIES = 5  # a search missing shards is asked again this often


class OpenSearchError(store.NoIndex):
    """The cluster answered with an error, or no host of the URL answered: like a missing
    index, nothing can be searched (the CLI exits 1 with the message, the web answers 503)."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class Client:
    """JSON over HTTP to the first host of the list that answers (then that one first), on
    connections kept open per thread and host (a new TCP connection per request cost about
    3 ms of a 20 ms search)."""

    def __init__(self, hosts: list[str], timeout: float = TIMEOUT) -> None:
        self.hosts = list(hosts)
        self.timeout = timeout
        self._first = 0
        self._lock = threading.Lock()
        self._local = threading.local()
        self._open: list[http.client.HTTPConnection] = []  # every thread's, closed by close()
        self._finalizer = weakref.finalize(self, _close_connections, self._open, self._lock)

    def close(self) -> None:
        """Close every connection of every thread (they reopen when needed)."""
        _close_connections(self._open, self._lock)

    def request(self, method: str, path: str, body=None, *, params: dict | None = None,
                ndjson: str | None = None, ok404: bool = False, ok: tuple[int, ...] = ()):
        """The answer's JSON; None for a 404 with `ok404`, and for a status in `ok` (409: a
        version conflict; 400: the index exists already)."""
        if params:
            path += "?" + urllib.parse.urlencode(params)
        data, ctype = None, "application/json"
        if ndjson is not None:
            data, ctype = ndjson.encode("utf-8"), "application/x-ndjson"
        elif body is not None:
            data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        errors = []
        n = len(self.hosts)
        start = self._first
        for k in range(n):
            i = (start + k) % n
            try:
                status, raw = self._send(i, method, path, data, ctype)
            except (OSError, http.client.HTTPException) as exc:
                errors.append(f"{self.hosts[i]}: {exc or type(exc).__name__}")
                continue
            if status >= 400:
                text = raw.decode("utf-8", "replace")
                if (status == 404 and ok404) or status in ok:
                    return None
                if status in (502, 503) and k + 1 < n:  # that node cannot serve now: the next
                    errors.append(f"{self.hosts[i]}: {status}")
                    continue
                raise OpenSearchError(f"{method} {path}: {status} {text[:2000]}", status)
            with self._lock:
                self._first = i
            return json.loads(raw) if raw else None
        raise OpenSearchError("no node of the cluster answered (" + "; ".join(errors) + ")")

    def _send(self, i: int, method: str, path: str, data: bytes | None, ctype: str) -> tuple[int, bytes]:
        """(status, body) of one request to host i, on this thread's open connection to it. A
        kept connection the node has closed meanwhile fails before the request is read: that
        one is sent once more, on a new connection."""
        conns = self._local.__dict__.setdefault("conns", {})
        for attempt in range(2):
            conn = conns.get(i)
            reused = conn is not None
            if conn is None:
                conn = conns[i] = http.client.HTTPConnection(self.hosts[i], timeout=self.timeout)
                with self._lock:
                    self._open.append(conn)
            try:
                conn.request(method, path, body=data, headers={"Content-Type": ctype})
                response = conn.getresponse()
                return response.status, response.read()
            except (OSError, http.client.HTTPException) as exc:
                conn.close()
                conns.pop(i, None)
                with self._lock:
                    if conn in self._open:
                        self._open.remove(conn)
                stale = isinstance(exc, (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError))
                if not (reused and stale) or attempt:
                    raise
        raise AssertionError("unreachable")


def _close_connections(conns: list, lock: threading.Lock) -> None:
    with lock:
        for conn in conns:
            conn.close()
        conns.clear()


# ------------------------------------------------------------------------------ documents


def unit_text(text: str) -> str:
    """Folded text as its units, space-separated: what a `*_u` field indexes. Built from the
    exact layer's unit stream (`indexer.analysis.unit_stream`, C-speed regular expressions): every
    character spaced, then each marked Latin unit joined again (4× faster than a Python object
    per unit, and the very units the embedded index matches)."""
    spaced = " ".join(unit_stream(fold(text or "")))
    return _SPACED_LATIN.sub(_joined, spaced) if LATIN_MARK in spaced else spaced


_SPACED_LATIN = re.compile(LATIN_MARK + " (.*?) " + LATIN_MARK)


def _joined(m: re.Match) -> str:
    return m.group(1).replace(" ", "")


def word_text(text: str) -> str:
    """Folded text as its jieba words (and Latin words), space-separated, for ranking."""
    return " ".join(w for w, n in word_counts(text or "").items() for _ in range(n))


def content_hash(article: Article) -> str:
    return hashlib.sha256(json.dumps(article.to_dict(), ensure_ascii=False, sort_keys=True)
                          .encode("utf-8")).hexdigest()


def signature(article: Article) -> np.ndarray | None:
    """The article's near-duplicate signature (`indexer.segment.signatures`); None when too short to judge."""
    sig = signatures.body_signature(fold(article.body))
    return None if (sig == np.iinfo(np.uint32).max).all() else sig


def bands(sig: np.ndarray) -> list[str]:
    """The signature's LSH band keys: articles sharing one are compared (`indexer.stories`)."""
    return [f"{b}:{sig[b * stories.ROWS:(b + 1) * stories.ROWS].tobytes().hex()}" for b in range(stories.BANDS)]


_UNKNOWN = "compute"  # no signature given: compute it (a string: it crosses to worker processes as itself)
PARALLEL_FROM = 2000  # articles from which documents are built by worker processes


@contextlib.contextmanager
def documents_built(count: int):
    """A function from (article, story, seq, signature) items to their documents, in order: in
    this process, or for a large load in worker processes forked now, before the bulk sender's
    thread exists (the jieba words and units of an article are most of a load's Python time)."""
    procs = min(2, os.cpu_count() or 1)
    if count < PARALLEL_FROM or procs < 2:
        yield lambda items: (_document_of(item) for item in items)
        return
    with multiprocessing.get_context("fork").Pool(procs, initializer=processes.die_with_parent) as pool:
        yield lambda items: pool.imap(_document_of, items, chunksize=32)


def _document_of(item) -> dict:
    article, story, seq, sig = item
    return document(article, story, seq, sig)


def document(article: Article, story: str, seq: int, sig=_UNKNOWN) -> dict:
    """The indexed document of one article (`sig`: its signature when already computed)."""
    sources = article.sources
    date = article.date
    if isinstance(sig, str):
        sig = signature(article)
    return {
        "id": article.id, "title": article.title, "date": date, "source": article.source,
        "sources": sources, "authors": list(article.authors), "url": article.url, "column": article.column,
        "keywords": list(article.keywords), "body": article.body,
        "title_u": unit_text(article.title), "body_u": unit_text(article.body),
        "source_u": [unit_text(s) for s in sources], "author_u": [unit_text(a) for a in article.authors],
        "title_w": word_text(article.title), "body_w": word_text(article.body),
        "sources_f": [fold(s).strip() for s in sources], "authors_f": [fold(a).strip() for a in article.authors],
        "column_f": fold(article.column).strip() if article.column else None,
        "day": date, "year": date[:4] if date else None, "month": date[:7] if date else None,
        "story": story, "hash": content_hash(article), "seq": seq,
        "sig": None if sig is None else base64.b64encode(sig.tobytes()).decode("ascii"),
        "bands": [] if sig is None else bands(sig),
    }


_UNITS = {"type": "text", "analyzer": "whitespace", "position_increment_gap": 100, "norms": False}
_WORDS = {"type": "text", "analyzer": "whitespace", "index_options": "freqs"}
_KEYWORD = {"type": "keyword"}
_STORED = {"type": "keyword", "index": False, "doc_values": False}
MAPPING = {
    "dynamic": "strict",
    "properties": {
        "id": _KEYWORD, "title": {"type": "text", "index": False}, "date": _STORED,
        "source": {"type": "text", "index": False}, "sources": _KEYWORD, "authors": _KEYWORD,
        "url": _STORED, "column": _KEYWORD, "keywords": _STORED, "body": {"type": "text", "index": False},
        "title_u": _UNITS, "body_u": _UNITS, "source_u": _UNITS, "author_u": _UNITS,
        "title_w": _WORDS, "body_w": _WORDS,
        "sources_f": _KEYWORD, "authors_f": _KEYWORD, "column_f": _KEYWORD,
        "day": {"type": "date", "format": "yyyy-MM-dd"}, "year": _KEYWORD, "month": _KEYWORD,
        "story": _KEYWORD, "hash": _KEYWORD, "seq": {"type": "long"},
        "sig": {"type": "binary"}, "bands": _KEYWORD,
    },
}
UNIT_FIELDS = {None: ("title_u", "body_u"), "title": ("title_u",), "source": ("source_u",), "author": ("author_u",)}


def stored(src: dict) -> Article:
    return Article(id=src["id"], title=src.get("title") or "", date=src.get("date"), source=src.get("source"),
                   authors=list(src.get("authors") or []), url=src.get("url"), column=src.get("column"),
                   keywords=list(src.get("keywords") or []), body=src.get("body") or "")


# ------------------------------------------------------------------------------ query → DSL


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
        per_field = [{"span_near": {"clauses": [_span(f, s) for s in seqs], "slop": near.distance,
                                    "in_order": near.ordered}} for f in fields]
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


# ------------------------------------------------------------------------------ engine


class OpenSearchEngine(ClusterReading):
    """`SearchEngine`'s methods over an OpenSearch alias; safe to share between threads."""

    def __init__(self, spec: str) -> None:
        self.spec = spec
        hosts, self.name = parse_spec(spec)
        self.client = Client(hosts)
        self.index_dir = spec  # what the web layer and messages show
        self.desk = desk_dir(spec)  # saved searches, alert marks, the index's own variant pairs

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> OpenSearchEngine:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- plumbing

    def _search(self, body: dict) -> dict:
        """One search request; a partial answer (a shard copy lost mid-search, as when a node
        goes down) is asked again, never returned: totals must be whole."""
        for attempt in range(SHARD_RETRIES + 1):
            try:
                found = self.client.request("POST", f"/{self.name}/_search", body)
            except OpenSearchError as exc:
                if exc.status == 404:
                    raise store.NoIndex(f"no index {self.name!r} on the cluster yet: run `rebuild` first") from None
                raise
            shards = found.get("_shards") or {}
            if not shards.get("failed") and shards.get("successful", 0) == shards.get("total", 0):
                return found
            time.sleep(0.2 * (attempt + 1))
        raise OpenSearchError(f"only {shards.get('successful')} of {shards.get('total')} shards answered")

    def live_index(self) -> str | None:
        """The physical index the alias points to (None: no index yet)."""
        found = self.client.request("GET", f"/_alias/{self.name}", ok404=True)
        if not found:
            return None
        return sorted(found)[-1]

    def _filters(self, request: SearchRequest) -> list[dict]:
        out: list[dict] = []
        if request.date_from or request.date_to:
            rng = {}
            if request.date_from:
                rng["gte"] = request.date_from
            if request.date_to:
                rng["lte"] = request.date_to
            out.append({"range": {"day": rng}})
        for fieldname, values in (("sources_f", [v for s in request.sources for v in (split_sources(s) or [s])]),
                                  ("authors_f", list(request.authors)), ("column_f", list(request.columns))):
            if values:
                out.append({"terms": {fieldname: [fold(v).strip() for v in values]}})
        if request.story is not None:
            story = self._story_of(request.story)
            out.append({"term": {"story": story}} if story is not None else {"match_none": {}})
        for text in request.within:

            parsed = parse_query(text)
            if request.variants:
                parsed, _ = variants.expand(parsed, self.desk)
            if parsed.groups or parsed.excluded:
                out.append(query_dsl(parsed))
        return out

    def _story_of(self, article_id: str) -> str | None:
        found = self._search({"size": 1, "query": {"term": {"id": article_id}}, "_source": ["story"]})
        hits = found["hits"]["hits"]
        return hits[0]["_source"].get("story") if hits else None

    # -- search

    def search(self, request: SearchRequest) -> SearchResult:
        t0 = time.perf_counter()
        q = self.query_of(request)
        parsed, expanded, added, filters, typed, matching, sort, query = (
            q.parsed, q.expanded, q.added, q.filters, q.typed, q.matching, q.sort, q.query)
        unsearchable = q.unsearchable
        facet_size = request.facet_size
        aggs = {
            "source": {"terms": {"field": "sources", "size": facet_size + 1, "shard_size": FACET_SHARD_SIZE,
                                 "order": [{"_count": "desc"}, {"_key": "asc"}]}},
            "author": {"terms": {"field": "authors", "size": facet_size + 1, "shard_size": FACET_SHARD_SIZE,
                                 "order": [{"_count": "desc"}, {"_key": "asc"}]}},
            "column": {"terms": {"field": "column", "size": facet_size + 1, "shard_size": FACET_SHARD_SIZE,
                                 "order": [{"_count": "desc"}, {"_key": "asc"}]}},
            "month": {"terms": {"field": "month", "size": 100_000, "order": {"_key": "desc"}}},
            "stories": {"cardinality": {"field": "story", "precision_threshold": 40000}},
        }
        chosen, unknown = self._chosen(request)
        for name, names in chosen.items():
            if names:
                fieldname = {"source": "sources", "author": "authors", "column": "column"}[name]
                aggs[f"selected_{name}"] = {"terms": {"field": fieldname, "include": names, "size": len(names)}}
        if added:
            aggs["typed"] = {"filter": typed}
        collapse = request.collapse and request.story is None
        start = (request.page - 1) * request.per_page
        body: dict = {"query": query, "track_total_hits": True, "aggs": aggs, "from": start,
                      "size": request.per_page, "_source": SOURCE_FIELDS + ["story"], "sort": sort_dsl(sort)}
        if collapse:
            body["collapse"] = {"field": "story"}
        if start + request.per_page > 10_000:  # past the window: count only
            body["size"], body["from"] = 0, 0
        found = self._search(body)
        total = found["hits"]["total"]["value"]
        a = found["aggregations"]
        if added and a["typed"]["doc_count"] == total:
            added = []
        n_stories = min(total, a["stories"]["value"]) if collapse else total
        if collapse and n_stories == total:
            n_stories = total
        marking = expanded if added else parsed
        title_pat, body_pat = query_matchers(marking)
        hits = []
        for h in found["hits"]["hits"]:
            art = stored(h["_source"])
            score = h.get("_score") if sort == "relevance" else None
            hits.append(Hit(id=art.id, title=art.title, date=art.date, source=art.source, sources=art.sources,
                            authors=art.authors, url=art.url, column=art.column,
                            score=None if score is None else round(score, 4),
                            snippet=snippet(art.body, body_pat), title_html=highlight(art.title, title_pat)))
        if collapse and hits:
            stories = [h["_source"]["story"] for h in found["hits"]["hits"]]
            counted = self._search({"size": 0, "track_total_hits": False,
                                    "query": {"bool": {"filter": [matching, *filters, {"terms": {"story": stories}}]}},
                                    "aggs": {"s": {"terms": {"field": "story", "size": len(stories)}}}})
            sizes = {b["key"]: b["doc_count"] for b in counted["aggregations"]["s"]["buckets"]}
            for hit, story in zip(hits, stories):
                hit.duplicates = max(sizes.get(story, 1), 1) - 1
        facets, truncated = {}, {}
        for name in ("source", "author", "column"):
            buckets = a[name]["buckets"]
            selected = chosen.get(name) or []
            values = [FacetValue(b["key"], b["doc_count"], b["key"] in selected) for b in buckets[:facet_size]]
            shown = {v.value for v in values}
            counts = {b["key"]: b["doc_count"] for b in a.get(f"selected_{name}", {}).get("buckets", [])}
            values += [FacetValue(v, counts.get(v, 0), True) for v in selected if v not in shown]
            facets[name], truncated[name] = values, len(buckets) > facet_size
        facets.update(date_facets((b["key"], b["doc_count"]) for b in a["month"]["buckets"]))
        truncated["decade"] = truncated["year"] = truncated["month"] = False
        hints = _hints(unknown)
        found_suggestions: list[Suggestion] = []
        if total < FEW and parsed.positive:
            def count(q: str) -> int:
                p = parse_query(q)
                e, more = variants.expand(p, self.desk) if request.variants else (p, [])
                got = self.client.request("POST", f"/{self.name}/_count",
                                          {"query": {"bool": {"filter": [query_dsl(e if more else p), *filters]}}})
                return got["count"]
            found_suggestions = [Suggestion(**s) for s in suggestions(parsed, count, total)]
        took = round((time.perf_counter() - t0) * 1000, 2)
        return SearchResult(query=request.query, total=total, page=request.page, per_page=request.per_page,
                            took_ms=took, hits=hits, facets=facets, sort=sort, stories=n_stories,
                            variants=added, suggestions=found_suggestions, facets_truncated=truncated,
                            request=request,
                            notice=" ".join(n for n in (unsearchable_notice(request.query) if unsearchable else None,
                                                        filter_notice(hints)) if n) or None,
                            filter_hints=hints)

    def query_of(self, request: SearchRequest) -> ClusterQuery:
        """The DSL of a request: what it matches (typed wording and the other strait's), its
        filters, its order, and the query that ranks (`search`, `matching`)."""

        parsed = parse_query(request.query)
        expanded, added = variants.expand(parsed, self.desk) if request.variants else (parsed, [])
        filters = self._filters(request)
        unsearchable = nothing_searchable(request.query, parsed)
        if unsearchable:
            filters.append({"match_none": {}})
        typed = query_dsl(parsed)
        matching = query_dsl(expanded) if added else typed
        sort = applied_sort(request, parsed)
        should = []
        if sort == "relevance":
            if added:
                should.append({"constant_score": {"filter": typed, "boost": 1000.0}})
            should += ranking_dsl(parsed)
        query = {"bool": {"filter": [matching, *filters], **({"should": should} if should else {})}}
        return ClusterQuery(parsed, expanded, added, filters, typed, matching, sort, query, unsearchable)

    def _values(self, fieldname: str) -> dict[str, int]:
        """Every value of a keyword field with its article count (for filter values)."""
        found = self._search({"size": 0, "aggs": {"v": {"terms": {"field": fieldname, "size": 100_000}}}})
        return {b["key"]: b["doc_count"] for b in found["aggregations"]["v"]["buckets"]}

    def _chosen(self, request: SearchRequest) -> tuple[dict[str, list[str]], dict]:
        """(facet name → the index's values the filters select (folded match), and values
        naming none as typed; facet name → (those values, every value of the field with its
        count), for `_hints`)."""
        chosen: dict[str, list[str]] = {}
        unknown_values: dict[str, tuple[list[str], dict[str, int]]] = {}
        for name, fieldname, values in (
                ("source", "sources", [v for s in request.sources for v in (split_sources(s) or [s])]),
                ("author", "authors", list(request.authors)), ("column", "column", list(request.columns))):
            if not values:
                continue
            every = self._values(fieldname)
            by_fold: dict[str, list[str]] = {}
            for v in sorted(every):
                by_fold.setdefault(fold(v).strip(), []).append(v)
            names, unknown = [], []
            for v in values:
                hit = by_fold.get(fold(v).strip())
                if hit:
                    names += hit
                else:
                    unknown.append(v)
            chosen[name] = list(dict.fromkeys(names)) + unknown
            if unknown:
                unknown_values[name] = (unknown, every)
        return chosen, unknown_values

    # -- articles and stats

    def article(self, article_id: str) -> Article | None:
        found = self._search({"size": 1, "query": {"term": {"id": article_id}}, "_source": SOURCE_FIELDS})
        hits = found["hits"]["hits"]
        return stored(hits[0]["_source"]) if hits else None

    def related(self, article_id: str, limit: int = 5) -> list[Hit]:
        """Related articles by shared distinctive words (more_like_this over the jieba words),
        the article's own story left out."""
        found = self._search({"size": 1, "query": {"term": {"id": article_id}}, "_source": ["story"]})
        hits = found["hits"]["hits"]
        if not hits:
            return []
        doc = {"_index": hits[0]["_index"], "_id": hits[0]["_id"]}
        got = self._search({"size": limit, "_source": SOURCE_FIELDS, "query": {"bool": {
            "must": [{"more_like_this": {"fields": ["body_w"], "like": [doc], "min_term_freq": 1,
                                         "max_query_terms": 25, "min_doc_freq": 1}}],
            "must_not": [{"term": {"story": hits[0]["_source"]["story"]}}]}}})
        out = []
        for h in got["hits"]["hits"]:
            art = stored(h["_source"])
            out.append(Hit(id=art.id, title=art.title, date=art.date, source=art.source, sources=art.sources,
                           authors=art.authors, url=art.url, column=art.column, score=round(h["_score"], 4),
                           snippet=snippet(art.body, None), title_html=highlight(art.title, None)))
        return out

    @staticmethod
    def mark_article(article: Article, query: str) -> tuple[str, str]:
        return SearchEngine.mark_article(article, query)

    def article_count(self) -> int:
        try:
            return self.client.request("POST", f"/{self.name}/_count", {"query": {"match_all": {}}})["count"]
        except OpenSearchError as exc:
            if exc.status == 404:
                raise store.NoIndex(f"no index {self.name!r} on the cluster yet: run `rebuild` first") from None
            raise

    def stats(self) -> dict:
        order = [{"_count": "desc"}, {"_key": "asc"}]
        found = self._search({"size": 0, "track_total_hits": True, "aggs": {
            "first": {"min": {"field": "day", "format": "yyyy-MM-dd"}},
            "last": {"max": {"field": "day", "format": "yyyy-MM-dd"}},
            "sources": {"terms": {"field": "sources", "size": 10, "order": order, "shard_size": FACET_SHARD_SIZE}},
            "authors": {"terms": {"field": "authors", "size": 10, "order": order, "shard_size": FACET_SHARD_SIZE}}}})
        a = found["aggregations"]
        physical = self.live_index()
        size = self.client.request("GET", f"/{self.name}/_stats/store")["_all"]["total"]["store"]["size_in_bytes"]
        meta = (self.client.request("GET", f"/{physical}/_mapping")[physical]["mappings"].get("_meta") or {}
                if physical else {})
        info = meta.get("last_build") or {}
        return {
            "articles": found["hits"]["total"]["value"],
            "date_range": {"from": a["first"].get("value_as_string"), "to": a["last"].get("value_as_string")},
            "top_sources": [{"value": b["key"], "count": b["doc_count"]} for b in a["sources"]["buckets"]],
            "top_authors": [{"value": b["key"], "count": b["doc_count"]} for b in a["authors"]["buckets"]],
            "index_size_bytes": size,
            "generation": physical,
            "last_build": {
                "mode": info.get("mode"), "started": _iso(info.get("started")), "finished": _iso(info.get("finished")),
                "seconds": info.get("seconds"), "files": info.get("files"), "added": info.get("added"),
                "updated": info.get("updated"), "unchanged": info.get("unchanged"), "removed": info.get("removed"),
                "duplicates": info.get("duplicates", 0), "skipped": info.get("skipped") or [],
            },
        }

    # -- loading

    def _create(self, physical: str, shards: int, meta: dict) -> None:
        self.client.request("PUT", f"/{physical}", {
            "settings": {"number_of_shards": shards, "number_of_replicas": 0, "refresh_interval": "-1",
                         "max_result_window": 10_000},
            "mappings": {**MAPPING, "_meta": meta}})

    def _load(self, physical: str, docs: Iterable[dict]) -> None:
        """Send documents in bulk requests of BULK_DOCS from a second thread, while this one
        builds the next batch: the cluster indexes one batch while Python analyses the next. The
        first refused request stops the load and is raised here."""
        pending: queue.Queue = queue.Queue(maxsize=2)
        failed: list[BaseException] = []

        def send() -> None:
            while (batch := pending.get()) is not None:
                if not failed:  # after a failure, drain without sending: the builder never blocks
                    try:
                        self._bulk(physical, batch)
                    except BaseException as exc:  # noqa: BLE001 - raised in the loading thread
                        failed.append(exc)

        sender = threading.Thread(target=send, name="wensou-bulk", daemon=True)
        sender.start()
        try:
            batch: list[dict] = []
            for doc in docs:
                if failed:
                    break
                batch.append(doc)
                if len(batch) >= BULK_DOCS:
                    pending.put(batch)
                    batch = []
            if batch and not failed:
                pending.put(batch)
        finally:
            pending.put(None)
            sender.join()
        if failed:
            raise failed[0]

    def _bulk(self, physical: str, docs: list[dict]) -> None:
        lines = []
        for d in docs:
            lines.append(json.dumps({"index": {"_index": physical, "_id": doc_id(d["id"])}}))
            lines.append(json.dumps(d, ensure_ascii=False))
        # a shard without a started primary (its node gone) refuses after BULK_WAIT: the rebuild fails
        got = self.client.request("POST", "/_bulk", ndjson="\n".join(lines) + "\n", params={"timeout": BULK_WAIT})
        if got.get("errors"):
            bad = [i for i in got["items"] if i.get("index", {}).get("error")]
            raise OpenSearchError(f"{len(bad)} article(s) were refused: {json.dumps(bad[0], ensure_ascii=False)[:1000]}")

    def _data_nodes(self) -> int:
        health = self.client.request("GET", "/_cluster/health")
        return max(1, int(health.get("number_of_data_nodes", 1)))

    def rebuild(self, paths, options=None, *, progress=None, status=None, shards: int | None = None,
                replicas: int | None = None):
        """Read `paths` (None: the sources recorded with the live index; a new index: the demo
        articles) into a new physical index, then switch the alias to it atomically and drop
        the old one. Returns the IngestReport (`indexer.ingest`)."""

        opts = options or IngestOptions()
        old = self.live_index()
        recorded = self._meta(old).get("sources") if old else None
        if not paths and recorded:
            paths = recorded
        with RebuildLock(self.client, self.name) as lock, tempfile.TemporaryDirectory(prefix="wensou-load-") as tmp:
            report, articles, records, sigs = _read_articles(Path(tmp) / "index", paths, opts, progress, status)
            nodes = self._data_nodes()
            shards = shards or min(nodes, 3)
            replicas = (1 if nodes > 1 else 0) if replicas is None else replicas
            physical = f"{self.name}-{dt.datetime.now(dt.UTC).strftime('%Y%m%d%H%M%S%f')}"
            if status:
                status(f"loading {len(articles)} articles into {physical}")
            t_load = time.monotonic()
            self._create(physical, shards, {"sources": [str(Path(p).resolve()) for p in report.sources],
                                            "source_records": records})
            try:
                with documents_built(len(articles)) as build:
                    self._load(physical, build((article, story, seq, sigs.get(article.id, _UNKNOWN))
                                               for seq, (article, story) in enumerate(articles)))
                self.client.request("PUT", f"/{physical}/_settings", {"index": {
                    "number_of_replicas": replicas, "refresh_interval": "1s"}})
                self.client.request("POST", f"/{physical}/_refresh")
                self.client.request("GET", f"/_cluster/health/{physical}",
                                    params={"wait_for_status": "green" if replicas < nodes else "yellow",
                                            "timeout": "120s"})
                before = dict(self._hashes(old)) if old else {}
                _compare(report, before, articles)
                report.articles = len(articles)
                report.generation = physical
                report.seconds = time.time() - report.started
                self._put_meta(physical, report, load_seconds=time.monotonic() - t_load)
                lock.check()  # taken over by another rebuild (this one's heartbeat stalled): it goes live, not this
                actions: list[dict] = [{"add": {"index": physical, "alias": self.name}}]
                if old:
                    actions.insert(0, {"remove": {"index": old, "alias": self.name}})
                self.client.request("POST", "/_aliases", {"actions": actions})
            except BaseException:
                self.client.request("DELETE", f"/{physical}", ok404=True)
                raise
            self._drop_others(physical)  # under the lock: never another rebuild's new index
        return report

    def ingest(self, paths, options=None, *, progress=None, status=None):
        """Add new and changed articles of `paths` (upsert by id, compared by content hash);
        unchanged ones are skipped. A new index is made by `rebuild`."""

        opts = options or IngestOptions()
        physical = self.live_index()
        if physical is None:
            return self.rebuild(paths, opts, progress=progress, status=status)
        with tempfile.TemporaryDirectory(prefix="wensou-load-") as tmp:
            report, articles, records, sigs = _read_articles(Path(tmp) / "index", paths, opts, progress, status)
        report.mode = "ingest"
        report.previous_articles = self.article_count()
        known: dict[str, str] = {}
        ids = [a.id for a, _ in articles]
        for i in range(0, len(ids), BULK_DOCS):
            got = self.client.request("POST", f"/{self.name}/_mget", {"ids": [doc_id(x) for x in ids[i:i + BULK_DOCS]]},
                                      params={"_source": "id,hash"})
            for d in got["docs"]:
                if d.get("found"):
                    known[d["_source"]["id"]] = d["_source"]["hash"]
        top = self._search({"size": 0, "aggs": {"m": {"max": {"field": "seq"}}}})["aggregations"]["m"]["value"] or 0
        report.added = report.updated = report.unchanged = 0
        changed = [(a, s) for a, s in articles if known.get(a.id) != content_hash(a)]
        stories = self._existing_stories(changed, sigs)

        def documents():
            for n, (article, story) in enumerate(articles):
                if known.get(article.id) == content_hash(article):
                    report.unchanged += 1
                    continue
                if article.id in known:
                    report.updated += 1
                else:
                    report.added += 1
                yield document(article, stories.get(story, story), int(top) + 1 + n, sigs.get(article.id, _UNKNOWN))

        self._load(physical, documents())
        self.client.request("POST", f"/{physical}/_refresh")
        report.changed = bool(report.added or report.updated)
        report.articles = self.article_count()
        report.generation = physical
        report.seconds = time.time() - report.started
        meta = self._meta(physical)
        recorded = list(dict.fromkeys([*(meta.get("sources") or []), *(str(Path(p).resolve()) for p in report.sources)]))
        read_now = {r["path"] for r in records}
        kept = [r for r in meta.get("source_records") or [] if isinstance(r, dict) and r.get("path") not in read_now]
        self._put_meta(physical, report, sources=recorded, records=kept + records)
        return report

    def _existing_stories(self, changed: list[tuple[Article, str]], known: dict) -> dict[str, str]:
        """batch story → the story of an indexed article it repeats (its near-duplicate by
        `indexer.segment.signatures` and `indexer.stories`' threshold, found through the LSH band keys); `known`:
        id → signature where already computed."""
        groups: dict[str, list[np.ndarray]] = {}
        for article, story in changed:
            sig = known.get(article.id, _UNKNOWN)
            if isinstance(sig, str):
                sig = signature(article)
            if sig is not None:
                groups.setdefault(story, []).append(sig)
        out: dict[str, str] = {}
        for story, sigs in groups.items():
            keys = list(dict.fromkeys(k for sig in sigs for k in bands(sig)))
            found = self._search({"size": 50, "_source": ["sig", "story"], "query": {"terms": {"bands": keys}},
                                  "sort": [{"seq": "asc"}]})
            for h in found["hits"]["hits"]:
                raw = h["_source"].get("sig")
                if not raw:
                    continue
                other = np.frombuffer(base64.b64decode(raw), dtype=np.uint32)
                if any(signatures.similarity(other, sig) >= stories.THRESHOLD for sig in sigs):
                    out[story] = h["_source"]["story"]
                    break
        return out

    def _hashes(self, physical: str):
        """(id, content hash) of every article of a physical index, scrolled."""
        found = self.client.request("POST", f"/{physical}/_search", {"size": 1000, "_source": ["id", "hash"],
                                                                     "sort": ["_doc"]}, params={"scroll": "2m"})
        try:
            while found["hits"]["hits"]:
                for h in found["hits"]["hits"]:
                    yield h["_source"]["id"], h["_source"].get("hash")
                found = self.client.request("POST", "/_search/scroll",
                                            {"scroll": "2m", "scroll_id": found["_scroll_id"]})
        finally:
            self.client.request("DELETE", "/_search/scroll", {"scroll_id": found["_scroll_id"]}, ok404=True)

    def _meta(self, physical: str) -> dict:
        got = self.client.request("GET", f"/{physical}/_mapping", ok404=True) or {}
        return (got.get(physical, {}).get("mappings", {}).get("_meta")) or {}

    def _put_meta(self, physical: str, report, *, sources: list[str] | None = None, records: list[dict] | None = None,
                  load_seconds=None) -> None:
        meta = self._meta(physical)
        if sources is not None:
            meta["sources"] = sources
        if records is not None:
            meta["source_records"] = records
        meta["last_build"] = {
            "articles": report.articles,
            "mode": report.mode, "started": report.started, "finished": time.time(), "seconds": round(report.seconds, 3),
            "load_seconds": None if load_seconds is None else round(load_seconds, 3),
            "files": report.files, "added": report.added, "updated": report.updated, "unchanged": report.unchanged,
            "removed": report.removed, "duplicates": len(report.duplicates),
            "skipped": [{"path": s.path, "reason": s.reason} for s in report.skipped[:1000]],
        }
        self.client.request("PUT", f"/{physical}/_mapping", {"_meta": meta})

    def _drop_others(self, keep: str) -> None:
        """Delete the physical indexes of this name the alias no longer points to."""
        found = self.client.request("GET", f"/_cat/indices/{self.name}-*", params={"format": "json", "h": "index"},
                                    ok404=True) or []
        for row in found:
            name = row["index"]
            suffix = name[len(self.name) + 1:]
            if name != keep and suffix.isdigit():
                self.client.request("DELETE", f"/{name}", ok404=True)


def _compare(report, before: dict[str, str], articles: list[tuple[Article, str]]) -> None:
    """Count a rebuild's articles against the index it replaces: added, updated, unchanged, and
    every article no longer there counted and listed as removed."""

    report.previous_articles = len(before)
    report.added = report.updated = report.unchanged = 0
    now = set()
    for article, _ in articles:
        now.add(article.id)
        old = before.get(article.id)
        if old is None:
            report.added += 1
        elif old == content_hash(article):
            report.unchanged += 1
        else:
            report.updated += 1
    gone = sorted(set(before) - now)
    report.removed = len(gone)
    report.removed_articles = [Removed(i, "", "not in the sources read by this rebuild") for i in gone]


def _read_articles(scratch: Path, paths, opts, progress, status):
    """(IngestReport, [(Article, story id)], the recorded sources as dicts, id → near-duplicate
    signature) for `paths`, read by the embedded ingest into the scratch index (same formats,
    ids, reports, source records; the signatures its writers computed, not computed again); the
    story id is the id of the story's first article (`indexer.stories`)."""

    report = run_ingest(scratch, list(paths) if paths else [], rebuild=True, options=opts,
                        progress=progress, status=status)
    live = LiveIndex(scratch, lambda gen: None)
    try:
        gen = live.generation()
        reader = gen.ix.reader()
        try:
            docs = gen.columns.live_docs.tolist()
            clusters = stories.read_clusters(gen.path, gen.columns.count)
            kept = _kept_signatures(reader, gen.path)
            ids: dict[int, str] = {}
            out = []
            signatures: dict[str, np.ndarray | None] = {}
            for d in docs:
                article = stored_article(reader.stored_fields(d))
                ids[d] = article.id
                out.append((d, article))
                if kept is not None:
                    sig = kept[d]
                    signatures[article.id] = None if (sig == np.iinfo(np.uint32).max).all() else sig
            articles = [(a, ids.get(int(clusters[d]), a.id)) for d, a in out]
        finally:
            reader.close()
    finally:
        live.close()
    report.mode = "rebuild"
    return report, articles, [r.to_dict() for r in read_sources(gen.path) or []], signatures


def _kept_signatures(reader, generation: Path) -> np.ndarray | None:
    """The signatures the scratch index's writers kept beside its segments, by docnum (None when
    a segment has none)."""

    parts = []
    for leaf, _ in reader.leaf_readers():
        try:
            sigs = np.load(signatures.signatures_path(generation, leaf.segment().segment_id()), allow_pickle=False)
        except (OSError, ValueError):
            return None
        if sigs.shape != (leaf.doc_count_all(), signatures.NUM_PERM):
            return None
        parts.append(sigs)
    return np.concatenate(parts) if parts else None


def _hints(unknown_values: dict) -> dict[str, list[FacetValue]]:
    """facet name → the values containing a filter value that names none (央视 → 央视网)."""

    hints: dict[str, list[FacetValue]] = {}
    for name, (unknown, every) in unknown_values.items():
        for v in unknown:
            key = fold(v).strip()
            if not key:
                continue
            found = sorted((n for n in every if key in fold(n)), key=lambda n: (-every[n], n))[:MAX_HINTS]
            if found:
                hints.setdefault(name, []).extend(FacetValue(n, every[n]) for n in found)
    return hints


def _iso(ts) -> str | None:
    if not ts:
        return None
    return dt.datetime.fromtimestamp(ts, dt.UTC).isoformat(timespec="seconds")
