"""A cluster index read beyond one page of results: what the concordance, the exports, the alerts,
`sources` and `check` need of `indexer.backends.opensearch.OpenSearchEngine`, in the shapes the
embedded index gives them, so those commands and routes are the same on both backends.

- `ClusterMatching` has the interface of `indexer.search.matching.Matching` that the concordance and the
  filtered CSV read: `marking` (the query whose phrases mark), `everything` (as many as match),
  `order(n)` (the first n in the search's order: relevance, newest or oldest, paged with
  `search_after`, ids only) and `searcher.stored_fields(i)` (the articles' fields, fetched a
  batch at a time as they are read: an export of every match never holds every body).
- `ClusterReading` is mixed into the engine: `matching`, `every_article`, `article_ids`,
  `fresh_matches` (the alerts), `recorded_sources` and `check`.
"""
from __future__ import annotations

import hashlib
import time
from collections.abc import Iterator
from dataclasses import dataclass, field, replace

from indexer import store
from indexer.ingest.sources import ReadOptions, Source
from indexer.search.budget import Deadline
from indexer.search.request import DEFAULT_DEADLINE, SearchRequest

SOURCE_FIELDS = ["id", "title", "date", "source", "authors", "url", "column", "keywords", "body"]
MAX_ID_BYTES = 512  # OpenSearch's limit on an _id
PAGE = 1000  # ids asked of the cluster at a time (its result window is 10,000 from one query)
FETCH = 100  # articles fetched at a time as they are read


def doc_id(article_id: str) -> str:
    """The _id of an article: its id, or a hash of it where the id is longer than _id allows."""
    if len(article_id.encode("utf-8")) <= MAX_ID_BYTES:
        return article_id
    return "sha256:" + hashlib.sha256(article_id.encode("utf-8")).hexdigest()



def sort_dsl(sort: str) -> list:
    """The DSL sort of an order (relevance, newest, oldest); `seq` makes it total (`search_after`)."""
    if sort == "newest":
        return [{"day": {"order": "desc", "missing": "_last"}}, {"seq": "desc"}]
    if sort == "oldest":
        return [{"day": {"order": "asc", "missing": "_last"}}, {"seq": "asc"}]
    return ["_score", {"day": {"order": "desc", "missing": "_last"}}, {"seq": "asc"}]



@dataclass
class ClusterQuery:
    """The DSL of one request (`OpenSearchEngine.query_of`)."""

    parsed: object
    expanded: object
    added: list
    filters: list[dict]
    typed: dict
    matching: dict
    sort: str
    query: dict
    unsearchable: str | None  # the text with nothing searchable in it (`filters.unsearchable_text`)


@dataclass
class _Fetcher:
    """Stored fields by position in an order, fetched FETCH at a time (only the last batch kept)."""

    engine: object
    ids: list[str] = field(default_factory=list)
    _batch_start: int = -1
    _batch: dict = field(default_factory=dict)

    def stored_fields(self, i: int) -> dict:
        if not (self._batch_start <= i < self._batch_start + FETCH) or self.ids[i] not in self._batch:
            self._batch_start = i
            self._batch = self.engine.sources_of(self.ids[i:i + FETCH])
        return self._batch[self.ids[i]]


class ClusterMatching:
    """The articles one request matches on a cluster, in its order (see the module docstring)."""

    def __init__(self, engine, request: SearchRequest) -> None:
        q = engine.query_of(request)
        self.request, self.sort = request, q.sort
        self.marking = q.expanded if q.added else q.parsed
        self.deadline = Deadline(request.query, request.deadline or DEFAULT_DEADLINE)
        self._engine, self._query = engine, q.query
        found = engine._search({"size": 0, "track_total_hits": True, "query": q.query})
        self.everything = range(found["hits"]["total"]["value"])
        self.searcher = _Fetcher(engine)

    def notice(self) -> str | None:
        """What the search's result would say of this request (its notice): asked of the cluster
        as a search of one hit, where the filter hints are worked out."""
        from indexer.search import zerohits

        with zerohits.not_recorded():  # (a concordance is no search of its own in the zero-hit log)
            return self._engine.search(replace(self.request, page=1, per_page=1)).notice

    def order(self, n: int) -> list[tuple[int, float | None]]:
        fetcher, out, after = self.searcher, [], None
        fetcher.ids.clear()
        while len(out) < n:
            body = {"size": min(PAGE, n - len(out)), "query": self._query, "sort": sort_dsl(self.sort),
                    "_source": ["id"], "track_total_hits": False}
            if after is not None:
                body["search_after"] = after
            hits = self._engine._search(body)["hits"]["hits"]
            for h in hits:
                score = h.get("_score") if self.sort == "relevance" else None
                out.append((len(fetcher.ids), score))
                fetcher.ids.append(h["_source"]["id"])
            if len(hits) < body["size"]:
                break
            after = hits[-1]["sort"]
        return out


class ClusterReading:
    """Mixed into `OpenSearchEngine` (which provides `_search`, `client`, `name`, `live_index`,
    `_meta` and `query_of`)."""

    def matching(self, request: SearchRequest) -> ClusterMatching:
        """The articles a request matches and their order, as `SearchEngine.matching` gives them
        to the concordance and the filtered exports."""
        return ClusterMatching(self, request)

    def sources_of(self, ids: list[str]) -> dict[str, dict]:
        """id → the stored fields of those articles (the ones still there)."""
        got = self.client.request("POST", f"/{self.name}/_mget", {"ids": [doc_id(i) for i in ids]},
                                  params={"_source": ",".join(SOURCE_FIELDS)})
        return {d["_source"]["id"]: d["_source"] for d in got["docs"] if d.get("found")}

    def every_article(self, fields: list[str] | None = None) -> Iterator[dict]:
        """The stored fields of every article, in the order they were loaded."""
        after = None
        while True:
            body = {"size": PAGE, "query": {"match_all": {}}, "sort": [{"seq": "asc"}, {"id": "asc"}],
                    "_source": fields or SOURCE_FIELDS, "track_total_hits": False}
            if after is not None:
                body["search_after"] = after
            hits = self._search(body)["hits"]["hits"]
            for h in hits:
                yield h["_source"]
            if len(hits) < PAGE:
                return
            after = hits[-1]["sort"]

    def article_ids(self) -> list[str]:
        """The ids of every article, sorted."""
        return sorted(src["id"] for src in self.every_article(["id"]))

    def fresh_matches(self, request: SearchRequest, fresh: list[str], limit: int | None) -> tuple[list[dict], int]:
        """({"id", "title", "date"} of the `fresh` ids `request` matches, newest first, at most
        `limit` (None: all); how many more), as `indexer.saved` lists an alert's new articles."""
        q = self.query_of(request)
        new: list[dict] = []
        total = 0
        for i in range(0, len(fresh), PAGE):
            found = self._search({"size": len(fresh[i:i + PAGE]) if limit is None else limit, "track_total_hits": True, "_source": ["id", "title", "date", "day"],
                                  "query": {"bool": {"filter": [q.matching, *q.filters, {"terms": {"id": fresh[i:i + PAGE]}}]}},
                                  "sort": [{"day": {"order": "desc", "missing": "_last"}}, {"id": "asc"}]})
            total += found["hits"]["total"]["value"]
            new += [h["_source"] for h in found["hits"]["hits"]]
        new.sort(key=lambda s: (s.get("day") is None, "" if s.get("day") is None else _negated(s["day"]), s["id"]))
        new = new[:limit]
        return [{"id": s["id"], "title": s.get("title") or "", "date": s.get("date")} for s in new], total - len(new)

    def recorded_sources(self) -> tuple[str, list]:
        """(the live physical index, its recorded sources as `indexer.ingest.sources.Source`s)."""
        physical = self.live_index()
        if physical is None:
            raise store.NoIndex(f"no index {self.name!r} on the cluster yet: run `rebuild` first")
        meta = self._meta(physical)
        records = meta.get("source_records")
        if isinstance(records, list):
            return physical, [Source.from_dict(r) for r in records if isinstance(r, dict) and r.get("path")]
        # loaded before the records were kept: the paths alone
        return physical, [Source(path=p, options=ReadOptions(), articles=0, last_read=None)
                          for p in meta.get("sources") or []]

    def check(self) -> dict:
        """What `cli.py check` reports for a folder, for the cluster: every shard copy of the live
        index and its state (a primary lost is damage; a replica missing is not), and the article
        count against the last build's. OpenSearch verifies its files' checksums itself."""
        t0 = time.monotonic()
        physical = self.live_index()
        if physical is None:
            raise store.NoIndex(f"no index {self.name!r} on the cluster yet: run `rebuild` first")
        rows = self.client.request("GET", f"/_cat/shards/{physical}", params={"format": "json", "bytes": "b"}) or []
        damaged = []
        primaries_lost = {r["shard"] for r in rows if r.get("prirep") == "p" and r.get("state") != "STARTED"}
        for shard in sorted(primaries_lost, key=int):
            damaged.append({"file": f"{physical} shard {shard}", "reason": "no started copy of this primary shard",
                            "holds": "articles", "articles": None, "ids": []})
        articles = self.article_count()
        info = self._meta(physical).get("last_build") or {}
        expected = info.get("articles")
        if not damaged and expected is not None and expected != articles:
            damaged.append({"file": physical, "reason": f"holds {articles} articles, its last build left {expected}",
                            "holds": "articles", "articles": articles, "ids": []})
        size = sum(int(r.get("store") or 0) for r in rows)
        return {"generation": physical, "format": "opensearch", "ok": not damaged, "files": len(rows),
                "bytes": size, "seconds": round(time.monotonic() - t0, 3), "damaged": damaged}


def _negated(day: str) -> str:
    """A key that sorts dates newest first."""
    return "".join(chr(0x10FFFF - ord(c)) for c in day)
