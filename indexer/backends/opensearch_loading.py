"""Loading a cluster index. Articles are read the embedded ingest's way (`read_into`: every input
format, id rule and skipped-file report is the same); a rebuild streams them into a new
physical index as they are read (`opensearch_feed`) and switches the alias atomically, under
the cluster's rebuild lock; an ingest holds its batch and upserts what changed."""
from __future__ import annotations

import datetime as dt
import json
import queue
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from indexer import stories
from indexer.article import Article
from indexer.backends.cluster_lock import RebuildLock
from indexer.backends.opensearch_client import OpenSearchError
from indexer.backends.opensearch_documents import (
    MAPPING,
    MAX_RESULT_WINDOW,
    bands,
    content_hash,
    document,
    restated,
    signature_of,
    signature_stored,
)
from indexer.backends.opensearch_feed import ClusterFeed, article_rows, story_of_rows
from indexer.backends.opensearch_reading import SOURCE_FIELDS, doc_id
from indexer.ingest.report import IngestOptions, Removed
from indexer.ingest.run import read_into
from indexer.ingest.sources import Source
from indexer.ingest.writer import HeldArticles
from indexer.segment import signatures

BULK_DOCS = 500  # articles a bulk request
BULK_WAIT = "30s"  # how long a bulk request waits for a shard's primary (OpenSearch's default: 1m)


def _compare(report, before: dict[str, str], articles: list[tuple[str, str]], why: str) -> None:
    """Count a rebuild's articles against the index it replaces: added, updated, unchanged, and
    every article no longer there counted and listed as removed (`why`)."""

    report.previous_articles = len(before)
    report.added = report.updated = report.unchanged = 0
    now = set()
    for aid, digest in articles:
        now.add(aid)
        old = before.get(aid)
        if old is None:
            report.added += 1
        elif old == digest:
            report.unchanged += 1
        else:
            report.updated += 1
    gone = sorted(set(before) - now)
    report.removed = len(gone)
    report.removed_articles = [Removed(i, "", why) for i in gone]


def _read(paths, opts, progress, status, sink, recorded: list[Source] | None = None):
    """(IngestReport, recorded sources as dicts) of reading `paths` (None: the `recorded`
    sources, each with its options, a missing one refused unless --drop-missing; none
    recorded: the demo articles, as for a new embedded index) into `sink`, the embedded
    rebuild's way (`read_into`)."""
    with tempfile.TemporaryDirectory(prefix="wensou-read-") as tmp:
        report, after = read_into(sink, Path(tmp), list(paths) if paths else [], options=opts,
                                  progress=progress, status=status, recorded=recorded)
    return report, [r.to_dict() for r in after]


def _repeats(src: dict, sigs: list[np.ndarray]) -> bool:
    """Whether an indexed article (its stored fields) is a near copy of one of the signatures
    `sigs` (`indexer.stories`' threshold)."""
    other = signature_stored(src)
    return other is not None and any(signatures.similarity(other, sig) >= stories.THRESHOLD for sig in sigs)


class ClusterLoading:
    """Loading a cluster index (`rebuild`, `ingest`): the articles read by the embedded ingest,
    bulk-loaded into a new physical index or over the live one, the alias switched."""

    def _create(self, physical: str, shards: int, meta: dict) -> None:
        self.client.request("PUT", f"/{physical}", {
            # while loading: no replica, no refresh, and the translog synced every few seconds,
            # not at each bulk request (a node lost during the load fails the rebuild anyway)
            "settings": {"number_of_shards": shards, "number_of_replicas": 0, "refresh_interval": "-1",
                         "max_result_window": MAX_RESULT_WINDOW, "translog.durability": "async"},
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
        recorded = None
        if not paths and old:
            # the recorded sources, read as the embedded rebuild reads them: each with its own
            # options, and one gone as a whole (moved, or an empty mount point where articles
            # were) fails the rebuild and the live index stays, unless --drop-missing forgets it
            meta = self._meta(old)
            recorded = [Source.from_dict(r) for r in meta.get("source_records") or [] if isinstance(r, dict)] \
                or [Source(p) for p in meta.get("sources") or []]
        with RebuildLock(self.client, self.name) as lock:
            nodes = self._data_nodes()
            shards = shards or min(nodes, 3)
            replicas = (1 if nodes > 1 else 0) if replicas is None else replicas
            physical = f"{self.name}-{dt.datetime.now(dt.UTC).strftime('%Y%m%d%H%M%S%f')}"
            if status:
                status(f"reading the articles into {physical}")
            t_load = time.monotonic()
            self._create(physical, shards, {})
            try:
                feed = ClusterFeed(self, physical)
                report, records = _read(paths, opts, progress, status, feed, recorded)
                self._commit_safely(physical)
                self.client.request("PUT", f"/{physical}/_settings", {"index": {
                    "number_of_replicas": replicas, "refresh_interval": "1s", "translog.durability": "request"}})
                self.client.request("POST", f"/{physical}/_refresh")
                self.client.request("GET", f"/_cluster/health/{physical}",
                                    params={"wait_for_status": "green" if replicas < nodes else "yellow",
                                            "timeout": "120s"})
                before = dict(self._hashes(old)) if old else {}
                _compare(report, before, feed.ids_and_hashes(), "its source was forgotten (--drop-missing)"
                         if report.dropped_sources else "not in the sources read by this rebuild")
                report.articles = feed.count
                report.generation = physical
                report.seconds = time.time() - report.started
                self._put_meta(physical, report, load_seconds=time.monotonic() - t_load,
                               sources=[str(Path(p).resolve()) for p in report.sources], records=records)
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

    def _commit_safely(self, physical: str) -> None:
        """Commit the loaded index so that its replicas copy files rather than index every
        article again. A new replica copies the primary's last *safe* commit (one whose
        operations are all below the global checkpoint persisted with the translog) and then
        replays every operation after it; loaded with the translog synced asynchronously, that
        is the empty first commit, and the replicas indexed the whole load a second time (half
        the cluster's CPU of a rebuild, measured). The first flush persists the checkpoint, the
        second (forced) writes a commit that is safe."""
        self.client.request("POST", f"/{physical}/_flush")
        self.client.request("POST", f"/{physical}/_flush", params={"force": "true"})

    def ingest(self, paths, options=None, *, progress=None, status=None):
        """Add new and changed articles of `paths` (upsert by id, compared by content hash);
        unchanged ones are skipped. A new index is made by `rebuild`."""

        opts = options or IngestOptions()
        physical = self.live_index()
        if physical is None:
            return self.rebuild(paths, opts, progress=progress, status=status)
        held = HeldArticles()
        report, records = _read(paths, opts, progress, status, held)
        rows = article_rows(held.articles)
        first = story_of_rows(rows)
        articles = [(a, held.articles[int(f)].id) for a, f in zip(held.articles, first)]
        sigs = {a.id: signature_of(row) for a, row in zip(held.articles, rows)}
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
        digests = {a.id: content_hash(a) for a, _ in articles}
        changed = [(a, s) for a, s in articles if known.get(a.id) != digests[a.id]]
        stories = self._existing_stories(changed, sigs)
        members = Counter(stories.get(s, s) for _, s in changed)
        joined = set(stories.values())
        heads_kept, regrouped = self._rewritten_heads(changed, {a.id: stories.get(s, s) for a, s in changed}, sigs, known)

        def documents():
            for n, (article, story) in enumerate(articles):
                if known.get(article.id) == digests[article.id]:
                    report.unchanged += 1
                    continue
                if article.id in known:
                    report.updated += 1
                else:
                    report.added += 1
                story = stories.get(story, story)
                yield document(article, story, int(top) + 1 + n, sigs[article.id],
                               multi=members[story] > 1 or story in joined or article.id in heads_kept)

        self._load(physical, documents())
        if regrouped:
            self._bulk(physical, regrouped)
        self._mark_multi(physical, joined)
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

    def _rewritten_heads(self, changed: list[tuple[Article, str]], story_of: dict[str, str], sigs: dict,
                         known: dict[str, str]) -> tuple[set[str], list[dict]]:
        """For the indexed articles this ingest rewrites that head a story of others (the story
        is named after them): those still repeated by their story's other articles (kept as its
        head, marked `multi`), and the documents that move the others to a story of their own,
        named after the first of them, when the rewritten head no longer repeats them (or joined
        another story). The others rewritten by this ingest are left to it."""
        batch = {a.id for a, _ in changed}
        kept: set[str] = set()
        docs: list[dict] = []
        for head, _ in changed:
            if head.id not in known:
                continue
            found = self._search({"size": 1000, "_source": SOURCE_FIELDS + ["seq", "sig"], "sort": [{"seq": "asc"}],
                                  "query": {"bool": {"filter": [{"term": {"story": head.id}}],
                                                     "must_not": [{"term": {"id": head.id}}]}}})
            others = [h["_source"] for h in found["hits"]["hits"] if h["_source"]["id"] not in batch]
            if not others:
                continue
            sig = sigs.get(head.id)
            if story_of[head.id] == head.id and sig is not None and any(_repeats(src, [sig]) for src in others):
                kept.add(head.id)
                continue
            first = others[0]["id"]
            docs.extend(restated(src, first, multi=len(others) > 1) for src in others)
        return kept, docs

    def _mark_multi(self, physical: str, joined: set[str]) -> None:
        """The indexed articles of stories an ingest's articles joined, sent again marked
        `multi` (searches count stories among those alone)."""
        for story in sorted(joined):
            found = self._search({"size": 1000, "query": {"bool": {"filter": [
                {"term": {"story": story}}, {"term": {"multi": False}}]}}, "_source": SOURCE_FIELDS + ["seq", "sig"]})
            docs = [restated(h["_source"], story, multi=True) for h in found["hits"]["hits"]]
            if docs:
                self._bulk(physical, docs)

    def _existing_stories(self, changed: list[tuple[Article, str]], sigs: dict) -> dict[str, str]:
        """batch story → the story of an indexed article it repeats (its near-duplicate by
        `indexer.segment.signatures` and `indexer.stories`' threshold, found through the LSH band keys); `sigs`:
        id → signature (None: too short to judge)."""
        groups: dict[str, list[np.ndarray]] = {}
        for article, story in changed:
            sig = sigs[article.id]
            if sig is not None:
                groups.setdefault(story, []).append(sig)
        out: dict[str, str] = {}
        for story, sigs in groups.items():
            keys = list(dict.fromkeys(k for sig in sigs for k in bands(sig)))
            found = self._search({"size": 50, "_source": ["sig", "story"], "query": {"terms": {"bands": keys}},
                                  "sort": [{"seq": "asc"}]})
            for h in found["hits"]["hits"]:
                if _repeats(h["_source"], sigs):
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
            "skipped": report.skipped_rows(1000),  # (as the embedded index's last build keeps them)
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
