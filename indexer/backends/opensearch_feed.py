"""Feeding a cluster index while the articles are read. `indexer.ingest.run.read_into` reads
the files (the same ids, reports and site cleaning as the embedded rebuild) and hands each
article to a `ClusterFeed`; forked workers build the documents (`opensearch_documents.document`:
the jieba words and units are most of a load's Python time) and send them in bulk requests
themselves, so reading, analysing and the cluster's indexing overlap and nothing is written
to a local index first.

A story (near-duplicate reposts, `indexer.stories`) is named after its first article, which is
known only when every signature is: each article goes in as its own story, the workers return
the signature rows they computed, and at the end the few articles of stories of two or more are
sent again with their story and marked `multi` (read back from the cluster's stored fields):
searches count stories among those alone."""
from __future__ import annotations

import contextlib
import traceback

import numpy as np

from indexer import stories
from indexer.analysis import fold
from indexer.article import Article
from indexer.backends.opensearch_client import Client, OpenSearchError
from indexer.backends.opensearch_documents import document, signature_of, stored
from indexer.backends.opensearch_reading import doc_id
from indexer.ingest.writer import BatchWorkers
from indexer.processes import die_with_parent
from indexer.segment import signatures

RESEND = 500  # articles re-sent with their story per request


def article_rows(articles: list[Article]) -> np.ndarray:
    """The signature rows (`signatures.article_row`) of `articles`, in order."""
    rows = np.empty((len(articles), signatures.WIDTH), dtype=np.uint32)
    for i, a in enumerate(articles):
        rows[i] = signatures.article_row(fold(a.body), a.url, a.source, a.date, title=a.title)
    return rows


def story_of_rows(rows: np.ndarray) -> np.ndarray:
    """For each row, the index of its story's first row (`stories.cluster_signatures`)."""
    judged = (rows[:, :signatures.NUM_PERM] != signatures.EMPTY).any(axis=1)
    return stories.cluster_signatures(rows, judged)


def _feed_worker(conn, loading, physical: str) -> None:
    """Worker process: ask for batches of (seq, article), build their documents and send them
    (`ClusterLoading._load`: a sender thread while the next batch is built); at the end send
    back the seqs, signature rows and content hashes."""
    die_with_parent()
    loading.client = Client(loading.client.hosts, loading.client.timeout)  # never the parent's sockets
    seqs: list[int] = []
    rows: list[np.ndarray] = []
    hashes: list[str] = []

    def documents():
        while True:
            conn.send(("ready", None))
            batch = conn.recv()
            if batch is None:
                return
            for seq, article in batch:
                body = fold(article.body)
                row = signatures.article_row(body, article.url, article.source, article.date, title=article.title)
                doc = document(article, article.id, seq, signature_of(row), body)
                seqs.append(seq)
                rows.append(row)
                hashes.append(doc["hash"])
                yield doc

    try:
        loading._load(physical, documents())
        got = np.stack(rows) if rows else np.empty((0, signatures.WIDTH), dtype=np.uint32)
        conn.send(("ok", (np.asarray(seqs, dtype=np.int64), got, hashes)))
    except BaseException as exc:  # noqa: BLE001 - reported to the parent, which fails the rebuild
        try:  # the cluster's refusal in its own words; anything else with its traceback
            conn.send(("error", str(exc) if isinstance(exc, OpenSearchError) else traceback.format_exc()))
        except OSError:
            pass
    finally:
        conn.close()


@contextlib.contextmanager
def _failing_as_cluster_error():
    """A worker's failure (a refused bulk request, a worker gone) as the one error a cluster
    command reports in a line (`OpenSearchError`), not as a traceback."""
    try:
        yield
    except RuntimeError as exc:
        raise OpenSearchError(str(exc)) from None


class ClusterFeed:
    """An `indexer.ingest.writer.ArticleSink` that loads a new physical cluster index: `procs`
    forked workers build and send the documents as the articles arrive (see the module
    docstring). After `commit`, `ids_and_hashes()` gives every article's id and content hash."""

    def __init__(self, loading, physical: str, procs: int = 2) -> None:
        self.loading, self.physical, self.procs = loading, physical, max(1, procs)
        self._ids: list[str] = []
        self._hashes: list[str | None] = []
        self._workers: BatchWorkers | None = None

    @property
    def count(self) -> int:
        return len(self._ids)

    def start(self) -> None:
        """Fork the workers (before any reading process or thread exists)."""
        if self._workers is None:
            self._workers = BatchWorkers(self.procs, _feed_worker, lambda i: (self.loading, self.physical),
                                         self.physical, what="loading articles into the cluster")

    def add(self, article: Article) -> None:
        with _failing_as_cluster_error():
            self._workers.add((len(self._ids), article), len(article.body or ""))
        self._ids.append(article.id)

    def commit(self) -> None:
        """Wait for every document to be sent, then send again those of stories of more than
        one article, each with its story (named after its first article) and marked `multi`."""
        self.start()
        with _failing_as_cluster_error():
            results = self._workers.finish()
        rows = np.empty((len(self._ids), signatures.WIDTH), dtype=np.uint32)
        self._hashes = [None] * len(self._ids)
        for seqs, part, hashes in results:
            rows[seqs] = part
            for seq, digest in zip(seqs.tolist(), hashes):
                self._hashes[seq] = digest
        first = story_of_rows(rows)
        together = np.flatnonzero(np.bincount(first, minlength=len(first))[first] > 1)
        if len(together):
            self.loading.client.request("POST", f"/{self.physical}/_refresh")  # then read without a refresh per get
        for start in range(0, len(together), RESEND):
            chunk = together[start:start + RESEND].tolist()
            got = self.loading.client.request("POST", f"/{self.physical}/_mget",
                                              {"ids": [doc_id(self._ids[s]) for s in chunk]}, params={"realtime": "false"})
            docs = []
            for seq, hit in zip(chunk, got["docs"]):
                article = stored(hit["_source"])
                docs.append(document(article, self._ids[int(first[seq])], seq, signature_of(rows[seq]), multi=True))
            self.loading._bulk(self.physical, docs)

    def cancel(self) -> None:
        if self._workers is not None:
            self._workers.close()

    def ids_and_hashes(self) -> list[tuple[str, str]]:
        return list(zip(self._ids, self._hashes))
