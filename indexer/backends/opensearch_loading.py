"""Loading a cluster index. Articles are read by the embedded ingest itself into a scratch index
(every input format, id rule and skipped-file report is the same), then bulk-loaded by a
sender thread while the next documents are built; a rebuild loads a new physical index and
switches the alias atomically, under the cluster's rebuild lock."""
from __future__ import annotations

import base64
import datetime as dt
import json
import queue
import tempfile
import threading
import time
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from indexer import stories
from indexer.article import Article
from indexer.backends.cluster_lock import RebuildLock
from indexer.backends.opensearch_client import OpenSearchError
from indexer.backends.opensearch_documents import (
    MAPPING,
    UNKNOWN,
    bands,
    content_hash,
    document,
    documents_built,
    signature,
)
from indexer.backends.opensearch_reading import doc_id
from indexer.generations import LiveIndex, stored_article
from indexer.ingest.report import IngestOptions, Removed
from indexer.ingest.run import run_ingest
from indexer.ingest.sources import read_sources
from indexer.segment import signatures

BULK_DOCS = 500  # articles a bulk request
BULK_WAIT = "30s"  # how long a bulk request waits for a shard's primary (OpenSearch's default: 1m)


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
    live = LiveIndex(scratch)
    try:
        gen = live.generation()
        reader = gen.ix.reader()
        try:
            docs = gen.docvalues.live_docs.tolist()
            clusters = stories.read_clusters(gen.path, gen.docvalues.count)
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
        if sigs.shape != (leaf.doc_count_all(), signatures.WIDTH):
            return None
        parts.append(sigs[:, :signatures.NUM_PERM])
    return np.concatenate(parts) if parts else None


class ClusterLoading:
    """Loading a cluster index (`rebuild`, `ingest`): the articles read by the embedded ingest,
    bulk-loaded into a new physical index or over the live one, the alias switched."""

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
                    self._load(physical, build((article, story, seq, sigs.get(article.id, UNKNOWN))
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
                yield document(article, stories.get(story, story), int(top) + 1 + n, sigs.get(article.id, UNKNOWN))

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
            sig = known.get(article.id, UNKNOWN)
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
