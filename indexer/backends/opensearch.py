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

The engine's search side is here; loading is `opensearch_loading` (articles read by the embedded
ingest itself, so every input format, id rule and skipped-file report is the same, then
bulk-loaded), documents and mapping `opensearch_documents`, the query DSL `opensearch_dsl`,
HTTP `opensearch_client`, reading beyond one page `opensearch_reading`.
"""
from __future__ import annotations

import datetime as dt
import time

from indexer import store
from indexer.analysis import fold
from indexer.article import Article, split_sources
from indexer.backends.opensearch_client import Client, OpenSearchError
from indexer.backends.opensearch_documents import MAX_RESULT_WINDOW, stored, word_text
from indexer.backends.opensearch_dsl import query_dsl, ranking_dsl
from indexer.backends.opensearch_loading import ClusterLoading
from indexer.backends.opensearch_reading import SOURCE_FIELDS, ClusterQuery, ClusterReading, sort_dsl
from indexer.backends.spec import desk_dir, parse_spec
from indexer.search import variants, zerohits
from indexer.search.engine import SearchEngine
from indexer.search.facets import MAX_HINTS, date_facets, fold_key, fold_names, named
from indexer.search.filters import notice, unsearchable_text
from indexer.search.highlight import highlight, query_matchers, snippet
from indexer.search.matching import applied_sort
from indexer.search.query import parse_query
from indexer.search.request import SearchRequest
from indexer.search.result import FacetValue, Hit, SearchResult, Suggestion
from indexer.search.suggest import FEW, suggestions

FACET_SHARD_SIZE = 10_000  # per-shard terms looked at: facet counts exact below this many values


SHARD_RETRIES = 5  # a search missing shards is asked again this often
MULTI_RECHECK = 60.0  # seconds before asking again whether the live index marks `multi`


class OpenSearchEngine(ClusterLoading, ClusterReading):
    """`SearchEngine`'s methods over an OpenSearch alias; safe to share between threads."""

    def __init__(self, spec: str) -> None:
        self.spec = spec
        hosts, self.name = parse_spec(spec)
        self.client = Client(hosts)
        self.index_dir = spec  # what the web layer and messages show
        self.desk = desk_dir(spec)  # saved searches, alert marks, the index's own variant pairs
        self._multi: tuple[float, bool] | None = None  # (when asked, whether the index marks `multi`)

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
                out.append({"terms": {fieldname: [fold_key(v) for v in values]}})
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
        added = q.added
        chosen, unknown = self._chosen(request)
        collapse = request.collapse and request.story is None
        start = (request.page - 1) * request.per_page
        marked = self._marks_multi()
        body: dict = {"query": q.query, "track_total_hits": True, "aggs": _aggregations(request, chosen, q, marked),
                      "from": start, "size": request.per_page, "_source": SOURCE_FIELDS + ["story", "multi"],
                      "sort": sort_dsl(q.sort)}
        if collapse:
            body["collapse"] = {"field": "story"}
        if start + request.per_page > MAX_RESULT_WINDOW:  # past the window: count only
            body["size"], body["from"] = 0, 0
        try:
            found = self._search(body)
        except OpenSearchError as exc:  # an index loaded before its window was raised: 10,000
            if "max_result_window" not in str(exc):
                raise
            body["size"], body["from"] = 0, 0
            found = self._search(body)
        total = found["hits"]["total"]["value"]
        a = found["aggregations"]
        if added and a["typed"]["doc_count"] == total:
            added = []
        if not collapse:
            n_stories = total
        elif marked:  # the articles alone in their story, and the stories of the others
            n_stories = total - a["multi"]["doc_count"] + a["multi"]["stories"]["value"]
        else:
            n_stories = min(total, a["stories"]["value"])
        hits = _hits(found, q.sort, q.expanded if added else q.parsed)
        if collapse and hits:
            self._count_duplicates(hits, found, q, marked)
        facets, truncated = _facets(a, chosen, request.facet_size)
        hints = _hints(unknown)
        found_suggestions = self._suggestions(request, q, total)
        zerohits.record(self.index_dir, request, total)  # the desk's log of queries that found nothing
        return SearchResult(query=request.query, total=total, page=request.page, per_page=request.per_page,
                            took_ms=round((time.perf_counter() - t0) * 1000, 2), hits=hits, facets=facets,
                            sort=q.sort, stories=n_stories, variants=added, suggestions=found_suggestions,
                            facets_truncated=truncated, request=request,
                            notice=notice(q.unsearchable, q.parsed, hints), filter_hints=hints)

    def _marks_multi(self) -> bool:
        """Whether the live index marks the articles of stories of two or more (`multi`; an
        index loaded before it existed does not): asked again after MULTI_RECHECK seconds,
        as a rebuild may have switched the alias meanwhile."""
        now = time.monotonic()
        if self._multi is None or now - self._multi[0] > MULTI_RECHECK:
            got = self.client.request("GET", f"/{self.name}/_mapping/field/multi", ok404=True) or {}
            self._multi = (now, bool(got) and all(v.get("mappings") for v in got.values()))
        return self._multi[1]

    def _count_duplicates(self, hits: list[Hit], found: dict, q: ClusterQuery, marked: bool) -> None:
        """Each collapsed hit's count of the other matching articles of its story (asked only
        for the hits of stories of two or more, where the index marks them)."""
        rows = found["hits"]["hits"]
        stories = [h["_source"]["story"] for h in rows]
        for hit in hits:
            hit.duplicates = 0
        asked = sorted({s for h, s in zip(rows, stories) if not marked or h["_source"].get("multi")})
        if not asked:
            return
        counted = self._search({"size": 0, "track_total_hits": False,
                                "query": {"bool": {"filter": [q.matching, *q.filters, {"terms": {"story": asked}}]}},
                                "aggs": {"s": {"terms": {"field": "story", "size": len(asked)}}}})
        sizes = {b["key"]: b["doc_count"] for b in counted["aggregations"]["s"]["buckets"]}
        for hit, story in zip(hits, stories):
            hit.duplicates = max(sizes.get(story, 1), 1) - 1

    def _suggestions(self, request: SearchRequest, q: ClusterQuery, total: int) -> list[Suggestion]:
        """What to try when little is found (`indexer.search.suggest`), counted on the cluster."""
        if total >= FEW or not q.parsed.positive:
            return []

        def count(text: str) -> int:
            p = parse_query(text)
            e, more = variants.expand(p, self.desk) if request.variants else (p, [])
            got = self.client.request("POST", f"/{self.name}/_count",
                                      {"query": {"bool": {"filter": [query_dsl(e if more else p), *q.filters]}}})
            return got["count"]

        return [Suggestion(**s) for s in suggestions(q.parsed, count, total)]

    def query_of(self, request: SearchRequest) -> ClusterQuery:
        """The DSL of a request: what it matches (typed wording and the other strait's), its
        filters, its order, and the query that ranks (`search`, `matching`)."""

        parsed = parse_query(request.query)
        expanded, added = variants.expand(parsed, self.desk) if request.variants else (parsed, [])
        filters = self._filters(request)
        unsearchable = unsearchable_text(request, parsed)
        if unsearchable is not None:
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
            names, unknown = named(fold_names(sorted(every)), values)
            chosen[name] = names + unknown
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
        found = self._search({"size": 1, "query": {"term": {"id": article_id}}, "_source": ["story", "body"]})
        hits = found["hits"]["hits"]
        if not hits:
            return []
        # the article's words as the body_w field holds them: that field is not in _source and has
        # no term vectors, so a `like` naming the document gave no terms (and nothing related)
        words = word_text(hits[0]["_source"].get("body") or "")
        if not words:
            return []
        got = self._search({"size": limit, "_source": SOURCE_FIELDS, "query": {"bool": {
            "must": [{"more_like_this": {"fields": ["body_w"], "like": [words], "min_term_freq": 1,
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


SPELLINGS_LOOKED_AT = 20  # spellings read per facet value for the one shown (its own are among the first)


def _aggregations(request: SearchRequest, chosen: dict[str, list[str]], q: ClusterQuery, marked: bool) -> dict:
    """The facets (and the story count, and how many match as typed) asked with the page. The
    stories are counted among the articles of stories of two or more when the index marks
    them (`multi`: a few in a hundred), not over every match: a cardinality over 60,000
    matches cost 37 ms of a 53 ms search (年, 100,000 articles)."""
    def terms(fieldname: str) -> dict:
        # counted by the folded value, as filters compare (生态环境部 and 生態環境部 one entry,
        # each article once), shown as its most frequent spelling among the matches
        return {"terms": {"field": f"{fieldname}_f", "size": request.facet_size + 1, "shard_size": FACET_SHARD_SIZE,
                          "order": [{"_count": "desc"}, {"_key": "asc"}]},
                "aggs": {"spelled": {"terms": {"field": fieldname, "size": SPELLINGS_LOOKED_AT,
                                               "order": [{"_count": "desc"}, {"_key": "asc"}]}}}}

    aggs = {
        "source": terms("sources"), "author": terms("authors"), "column": terms("column"),
        "month": {"terms": {"field": "month", "size": 100_000, "order": {"_key": "desc"}}},
    }
    stories = {"cardinality": {"field": "story", "precision_threshold": 40000}}
    if marked:
        aggs["multi"] = {"filter": {"term": {"multi": True}}, "aggs": {"stories": stories}}
    else:
        aggs["stories"] = stories
    for name, names in chosen.items():
        if names:
            fieldname = {"source": "sources_f", "author": "authors_f", "column": "column_f"}[name]
            keys = list(dict.fromkeys(fold_key(n) for n in names))
            aggs[f"selected_{name}"] = {"terms": {"field": fieldname, "include": keys, "size": len(keys)}}
    if q.added:
        aggs["typed"] = {"filter": q.typed}
    return aggs


def _hits(found: dict, sort: str, marking) -> list[Hit]:
    """The page's hits, titles and snippets marked by the query's phrases."""
    title_pat, body_pat = query_matchers(marking)
    hits = []
    for h in found["hits"]["hits"]:
        art = stored(h["_source"])
        score = h.get("_score") if sort == "relevance" else None
        hits.append(Hit(id=art.id, title=art.title, date=art.date, source=art.source, sources=art.sources,
                        authors=art.authors, url=art.url, column=art.column,
                        score=None if score is None else round(score, 4),
                        snippet=snippet(art.body, body_pat), title_html=highlight(art.title, title_pat)))
    return hits


def _facets(a: dict, chosen: dict[str, list[str]], facet_size: int) -> tuple[dict, dict]:
    """(facets, whether each was cut) from the aggregations; chosen values always listed."""
    facets, truncated = {}, {}
    for name in ("source", "author", "column"):
        buckets = a[name]["buckets"]
        selected: dict[str, str] = {}  # folded → the first spelling chosen, in the order chosen
        for v in chosen.get(name) or []:
            selected.setdefault(fold_key(v), v)
        values = [FacetValue(_spelling(b), b["doc_count"], b["key"] in selected) for b in buckets[:facet_size]]
        shown = {b["key"] for b in buckets[:facet_size]}
        counts = {b["key"]: b["doc_count"] for b in a.get(f"selected_{name}", {}).get("buckets", [])}
        values += [FacetValue(v, counts.get(k, 0), True) for k, v in selected.items() if k not in shown]
        facets[name], truncated[name] = values, len(buckets) > facet_size
    facets.update(date_facets((b["key"], b["doc_count"]) for b in a["month"]["buckets"]))
    truncated["decade"] = truncated["year"] = truncated["month"] = False
    return facets, truncated


def _spelling(bucket: dict) -> str:
    """A folded facet bucket's value as shown: its most frequent spelling among the matches (a
    value that folds to the bucket's key: an article's other values are in the bucket too)."""
    key = bucket["key"]
    return next((b["key"] for b in bucket.get("spelled", {}).get("buckets", []) if fold_key(b["key"]) == key), key)


def _hints(unknown_values: dict) -> dict[str, list[FacetValue]]:
    """facet name → the values containing a filter value that names none (央视 → 央视网)."""

    hints: dict[str, list[FacetValue]] = {}
    for name, (unknown, every) in unknown_values.items():
        for v in unknown:
            key = fold_key(v)
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
