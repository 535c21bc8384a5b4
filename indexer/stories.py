"""Stories: one story reposted by many papers, found at index time, collapsed in results.

Locality-sensitive hashing (BANDS bands of ROWS values) of the bodies' MinHash signatures
(`indexer.segment.signatures`) finds the candidate pairs without comparing every pair. Two
articles are one story when their estimated similarity is at least THRESHOLD; stories are the
connected groups.

Measured with `python -m benchmarks.reposts` on labelled real reposts (docs/benchmarks.md
"Reposts"): outlets put their own headline, lead and closing around a shared story, so real
reposts measure 0.3–0.9, and a lower THRESHOLD joins template notices (two sessions' reports,
two expulsion notices) first. A second test, off by default (RARE_MAX = 0), compares only the
signature values rare in the collection (`rare_similarity`): a series' boilerplate is common,
a repost's shared text is not. It finds 88% of the labelled pairs against 56%, with no false
merge in large archives, but in a small index a template with two members looks rare too.

Storage: one `clusters.npy` per index generation (`write_clusters` / `read_clusters`), an
int32 array indexed by docnum whose value is the story id: the smallest docnum of the story,
so an article alone is its own story.

Results: `collapse` keeps the best-ranked article of each story on the page and counts the
other matching articles it stands for; totals and facets stay over every match (the engine's
job); `story_members` lists a story's articles (the `story=<id>` expansion).
"""
from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

from indexer.segment.signatures import EMPTY, NUM_PERM, body_signature, segment_signatures, signatures_path, similarity

BANDS, ROWS = 8, 8  # NUM_PERM = BANDS * ROWS; similar pairs found from Jaccard ~0.75 up
THRESHOLD = 0.8
RARE_MAX = 0  # > 1: a value held by more distinct texts than this is boilerplate (`rare_similarity`); 0: off
RARE_THRESHOLD = 0.3  # similarity over rare values from which two articles are one story (when on)
MAX_REPS = 8  # per LSH bucket: a story repeated 10,000 times is compared with a few, not all
FILENAME = "clusters.npy"


class _UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = np.arange(n, dtype=np.int64)

    def find(self, x: int) -> int:
        p = self.parent
        root = x
        while p[root] != root:
            root = p[root]
        while p[x] != root:
            p[x], x = root, p[x]
        return int(root)

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)  # the smallest docnum stays the root


def cluster_signatures(signatures: np.ndarray, judged: np.ndarray | None = None) -> np.ndarray:
    """Story ids (smallest docnum of each story) for a (docs, NUM_PERM) signature array.

    `judged[d]` False marks an article too short to judge (or absent): it stays alone.
    Two articles are one story when their estimated similarity is at least THRESHOLD (found by
    LSH), or (with RARE_MAX set) when their similarity over the signature values rare in the
    collection (`rare_similarity`) is at least RARE_THRESHOLD: an outlet's own headline, lead and closing
    around the shared story lower the first, a template's boilerplate (shared by a whole series
    of notices) cannot raise the second.
    """
    n = len(signatures)
    uf = _UnionFind(n)
    ids = np.arange(n) if judged is None else np.flatnonzero(judged)
    # LSH: the articles whose signatures agree on a whole band share its bucket; only buckets of
    # two or more are looked at (sorted by band value: no Python work for the lone ones). In a
    # bucket, articles in docnum order join the first of its representatives they are similar to,
    # or become one (up to MAX_REPS): which unions happen does not depend on the order of buckets
    for band in range(BANDS):
        block = np.ascontiguousarray(signatures[ids, band * ROWS:(band + 1) * ROWS])
        keys = block.view(np.dtype((np.void, block.itemsize * ROWS))).ravel()
        order = np.argsort(keys, kind="stable")  # stable: docnum order within a bucket
        same = keys[order[1:]] == keys[order[:-1]]
        starts = np.flatnonzero(np.r_[True, ~same])
        sizes = np.diff(np.r_[starts, len(order)])
        for start, size in zip(starts[sizes > 1].tolist(), sizes[sizes > 1].tolist()):
            reps: list[int] = []
            for d in ids[order[start:start + size]].tolist():
                sig = signatures[d]
                for r in reps:
                    if similarity(signatures[r], sig) >= THRESHOLD:
                        uf.union(r, d)
                        break
                else:
                    if len(reps) < MAX_REPS:
                        reps.append(d)
    if RARE_MAX >= 2 and len(ids) > 1:
        rows, first = np.unique(np.ascontiguousarray(signatures[ids]), axis=0, return_index=True)
        reps = ids[first]  # one docnum per distinct signature (identical ones joined above)
        a, b, sim = rare_similarity(rows)
        keep = sim >= RARE_THRESHOLD
        for x, y in zip(reps[a[keep]].tolist(), reps[b[keep]].tolist()):
            uf.union(x, y)
    return np.array([uf.find(d) for d in range(n)], dtype=np.int32)


def rare_similarity(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(a, b, similarity) for the pairs of distinct signatures (rows) sharing a rare value.

    A signature value is rare when at most RARE_MAX rows hold it at its position: the smallest
    hash of a shingle few articles contain. Two rows' similarity is the share of the positions
    rare in either where both hold the same value: their Jaccard similarity over the shingles
    that are not the collection's boilerplate. Candidates are the rows sharing a rare value
    (found by sorting each position's values), so common values never make pairs."""
    n, perm = rows.shape
    rare = np.zeros((n, perm), dtype=bool)
    pairs = []
    for k in range(perm):
        col = rows[:, k]
        order = np.argsort(col, kind="stable")
        values = col[order]
        starts = np.flatnonzero(np.r_[True, values[1:] != values[:-1]])
        sizes = np.diff(np.r_[starts, n])
        rare[order, k] = np.repeat(sizes <= RARE_MAX, sizes)
        for size in range(2, RARE_MAX + 1):
            group = starts[sizes == size]
            for i in range(size):
                for j in range(i + 1, size):
                    pairs.append(np.stack([order[group + i], order[group + j]], axis=1))
    if not pairs:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty, np.empty(0)
    found = np.unique(np.sort(np.concatenate(pairs), axis=1), axis=0)
    a, b = found[:, 0], found[:, 1]
    same = (rows[a] == rows[b]) & rare[a] & rare[b]
    either = rare[a] | rare[b]
    sim = same.sum(axis=1) / np.maximum(either.sum(axis=1), 1)
    return a, b, sim


def assign_clusters(items: Iterable[tuple[int, str]], doc_count: int) -> np.ndarray:
    """Story ids for an index: `items` gives (docnum, folded body) for its articles; docnums not
    given (deleted articles) are their own story. Returns an int32 array of `doc_count`."""
    signatures = np.tile(EMPTY, (doc_count, 1))
    judged = np.zeros(doc_count, dtype=bool)
    for docnum, folded in items:
        sig = body_signature(folded)
        if sig is not EMPTY:
            signatures[docnum] = sig
            judged[docnum] = True
    return cluster_signatures(signatures, judged)



def cluster_index(searcher, cache_dir: Path | None = None) -> np.ndarray:
    """Story ids for every article of an open Whoosh searcher, from its stored bodies.

    With `cache_dir`, each segment's signatures are kept there (`minhash-<segment id>.npy`):
    segments never change, and a new generation starts from hard links to the live one's
    files, so an incremental ingest computes signatures only for its new segment.
    """
    reader = searcher.reader()
    n = reader.doc_count_all()
    signatures = np.tile(EMPTY, (n, 1))
    judged = np.zeros(n, dtype=bool)
    keep: set[str] = set()
    for leaf, offset in reader.leaf_readers():
        count = leaf.doc_count_all()
        sigs = None
        path = None
        if cache_dir is not None:
            path = signatures_path(cache_dir, leaf.segment().segment_id())
            keep.add(path.name)
            try:
                sigs = np.load(path, allow_pickle=False)
            except (OSError, ValueError):
                sigs = None
            if sigs is not None and sigs.shape != (count, NUM_PERM):
                sigs = None
        if sigs is None:
            sigs = segment_signatures(leaf)
            if path is not None:
                np.save(path, sigs, allow_pickle=False)
        signatures[offset:offset + count] = sigs
        live = np.zeros(count, dtype=bool)
        live[list(leaf.all_doc_ids())] = True
        judged[offset:offset + count] = live & (sigs != EMPTY).any(axis=1)
    if cache_dir is not None:  # signatures of segments merged away
        for old in Path(cache_dir).glob("minhash-*.npy"):
            if old.name not in keep:
                old.unlink(missing_ok=True)
    return cluster_signatures(signatures, judged)


# ---------------------------------------------------------------------------- storage


def write_clusters(generation: Path | str, ids: np.ndarray) -> Path:
    """Store story ids beside a generation's index files (written whole, then renamed)."""
    path = Path(generation) / FILENAME
    tmp = path.with_suffix(".tmp.npy")
    np.save(tmp, np.asarray(ids, dtype=np.int32), allow_pickle=False)
    os.replace(tmp, path)
    return path


def read_clusters(generation: Path | str, doc_count: int) -> np.ndarray:
    """A generation's story ids; every article its own story when none were stored (an index
    built before this existed) or they do not fit the generation."""
    path = Path(generation) / FILENAME
    try:
        ids = np.load(path, allow_pickle=False)
    except (OSError, ValueError):
        ids = None
    if ids is None or ids.shape != (doc_count,):
        return np.arange(doc_count, dtype=np.int32)
    return ids


# ---------------------------------------------------------------------------- results


def collapse(ranked: Sequence[int], matched: Iterable[int], ids: np.ndarray
             ) -> tuple[list[int], list[int], int]:
    """(kept, duplicates, stories) for ranked docnums (best first) among all `matched` ones.

    kept: the first-ranked docnum of each story, in ranking order; duplicates[i]: how many
    other matching articles kept[i] stands for; stories: distinct stories among `matched`.
    """
    if not isinstance(matched, np.ndarray):
        matched = np.fromiter(matched, dtype=np.int64)
    matched_ids = ids[matched.astype(np.int64, copy=False)]
    if len(matched_ids) == 0:
        return [], [], 0
    size = np.bincount(matched_ids, minlength=len(ids))  # story ids are docnums: a count per story
    kept: list[int] = []
    duplicates: list[int] = []
    seen: set[int] = set()
    for d in ranked:
        story = int(ids[d])
        if story in seen:
            continue
        seen.add(story)
        kept.append(int(d))
        duplicates.append(max(int(size[story]), 1) - 1)
    return kept, duplicates, int(np.count_nonzero(size))


def story_members(ids: np.ndarray, docnum: int) -> list[int]:
    """Every docnum in `docnum`'s story (itself included), in docnum order."""
    return np.flatnonzero(ids == ids[docnum]).tolist()
