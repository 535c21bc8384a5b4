"""Stories: one story reposted by many papers, found at index time, collapsed in results.

Two articles are one story when
- their bodies' estimated similarity (`indexer.segment.signatures`: Jaccard over 5-character
  shingles) is at least THRESHOLD, whoever carried them: a copy, a reprint on another page, the
  same wire story under another headline; found by locality-sensitive hashing (BANDS bands of
  ROWS values), without comparing every pair; or
- two different outlets carried them (`signatures.outlet_key`: the URL's domain, else the source)
  within OUTLET_DAYS days of each other (or either undated), and they share at least
  OUTLET_THRESHOLD of their shingles, and at least OUTLET_MIN_SHARED of them: the story carried
  by several outlets, each with its own headline, lead and closing around the shared text (two
  short items of one template, `…将于…对中国进行国事访问`, share a fifth of their few shingles).
Stories are the connected groups.

Why two tests, measured with `python -m benchmarks.reposts` on labelled real reposts
(docs/benchmarks.md "Reposts"): real reposts across outlets share 0.23–0.93 of their shingles,
but one outlet's template notices (two sessions' 委员长会议 reports, two 开除党籍 notices, a
speech and its own paper's report of it) share 0.10–0.53, so no single threshold separates them.
What separates them is who printed them: an outlet does not carry one story twice with another
lead — what it prints twice is a series of notices, and its reprints are near copies. Two
outlets' texts of one week sharing a fifth of their shingles are the same story; independent
write-ups of one event share names and quotes (0.10–0.20 in the labelled pairs). Candidates for
the second test are the pairs holding the same MinHash value at any position (the smallest hash
of a shingle both contain), except values that more than SHARED_MAX articles hold (a phrase of
the times or boilerplate, not a story's own text).

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

from indexer.segment.signatures import (
    DAY,
    EMPTY,
    MIN_CHARS,
    NUM_PERM,
    OUTLET,
    SHINGLE,
    SIZE,
    WIDTH,
    save,
    segment_signatures,
    signatures_path,
    similarity,
)

BANDS, ROWS = 8, 8  # NUM_PERM = BANDS * ROWS; similar pairs found from Jaccard ~0.75 up
THRESHOLD = 0.8
OUTLET_THRESHOLD = 0.2  # between two outlets' articles: the least similar labelled repost measures 0.23,
# the most similar labelled pair of two outlets' write-ups of one event 0.20
OUTLET_DAYS = 3  # two outlets' articles more days apart than this are not one story (unless THRESHOLD)
OUTLET_MIN_SHARED = 100  # and (estimated) shingles shared: a paragraph, not a template's phrases around names
SHARED_MAX = 32  # a MinHash value held by more articles than this makes no candidate pairs
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


def cluster_signatures(rows: np.ndarray, judged: np.ndarray | None = None) -> np.ndarray:
    """Story ids (smallest docnum of each story) for a (docs, WIDTH) array of stored rows
    (`indexer.segment.signatures.article_row`: signature, outlet, day, size).

    `judged[d]` False marks an article too short to judge (or absent): it stays alone.
    """
    n = len(rows)
    uf = _UnionFind(n)
    ids = np.arange(n) if judged is None else np.flatnonzero(judged)
    # LSH: the articles whose signatures agree on a whole band share its bucket; only buckets of
    # two or more are looked at (sorted by band value: no Python work for the lone ones). In a
    # bucket, articles in docnum order join the first of its representatives they are similar to,
    # or become one (up to MAX_REPS): which unions happen does not depend on the order of buckets
    for band in range(BANDS):
        block = np.ascontiguousarray(rows[ids, band * ROWS:(band + 1) * ROWS])
        keys = block.view(np.dtype((np.void, block.itemsize * ROWS))).ravel()
        order = np.argsort(keys, kind="stable")  # stable: docnum order within a bucket
        same = keys[order[1:]] == keys[order[:-1]]
        starts = np.flatnonzero(np.r_[True, ~same])
        sizes = np.diff(np.r_[starts, len(order)])
        for start, size in zip(starts[sizes > 1].tolist(), sizes[sizes > 1].tolist()):
            reps: list[int] = []
            for d in ids[order[start:start + size]].tolist():
                sig = rows[d]
                for r in reps:
                    if similarity(rows[r], sig) >= THRESHOLD and _same_days(rows[r], sig):
                        uf.union(r, d)
                        break
                else:
                    if len(reps) < MAX_REPS:
                        reps.append(d)
    for x, y in zip(*across_outlets(rows, ids)):
        uf.union(x, y)
    return np.array([uf.find(d) for d in range(n)], dtype=np.int32)


_SHORT = MIN_CHARS - SHINGLE + 1  # shingles of a body too short to judge by them (its signature is exact)


def _same_days(a: np.ndarray, b: np.ndarray) -> bool:
    """Whether two rows' texts can be one story by when they appeared: always for texts judged by
    their shingles; for short ones (an exact signature: `详见附件。` under one title), only within
    OUTLET_DAYS days (or either undated) — the same notice title a year apart is two notices."""
    if a[SIZE] >= _SHORT and b[SIZE] >= _SHORT:
        return True
    return a[DAY] == 0 or b[DAY] == 0 or abs(int(a[DAY]) - int(b[DAY])) <= OUTLET_DAYS


def across_outlets(rows: np.ndarray, ids: np.ndarray) -> tuple[list[int], list[int]]:
    """The pairs of articles (docnums among `ids`) that two different outlets carried within
    OUTLET_DAYS days, whose estimated similarity is at least OUTLET_THRESHOLD and who share at
    least OUTLET_MIN_SHARED shingles (estimated from the similarity and their sizes).

    Candidates hold the same value at one signature position, a value at most SHARED_MAX
    articles hold there; they are found by sorting each position's values, in bulk."""
    ids = ids[rows[ids, OUTLET] != 0]
    found: set[tuple[int, int]] = set()
    if len(ids) < 2:
        return [], []
    outlet = rows[:, OUTLET]
    day = rows[:, DAY].astype(np.int64)
    for k in range(NUM_PERM):
        col = rows[ids, k]
        order = np.argsort(col, kind="stable")
        values = col[order]
        starts = np.flatnonzero(np.r_[True, values[1:] != values[:-1]])
        sizes = np.diff(np.r_[starts, len(values)])
        pairs = []
        for size in range(2, min(int(sizes.max()), SHARED_MAX) + 1):
            group = starts[sizes == size]
            if len(group):
                for i in range(size - 1):
                    for j in range(i + 1, size):
                        pairs.append(np.stack([ids[order[group + i]], ids[order[group + j]]], axis=1))
        if not pairs:
            continue
        a, b = np.concatenate(pairs).T
        near = (outlet[a] != outlet[b]) & ((day[a] == 0) | (day[b] == 0) | (np.abs(day[a] - day[b]) <= OUTLET_DAYS))
        a, b = a[near], b[near]
        sim = (rows[a, :NUM_PERM] == rows[b, :NUM_PERM]).sum(axis=1) / NUM_PERM
        shared = sim / (1 + sim) * (rows[a, SIZE].astype(np.float64) + rows[b, SIZE])  # |A ∩ B| from Jaccard
        alike = (sim >= OUTLET_THRESHOLD) & (shared >= OUTLET_MIN_SHARED)
        found.update(zip(a[alike].tolist(), b[alike].tolist()))
    pairs_found = sorted(found)
    return [p[0] for p in pairs_found], [p[1] for p in pairs_found]


def assign_clusters(items: Iterable[tuple[int, np.ndarray]], doc_count: int) -> np.ndarray:
    """Story ids for an index: `items` gives (docnum, stored row: `signatures.article_row`) for
    its articles; docnums not given (deleted articles) are their own story. Returns an int32
    array of `doc_count`."""
    rows = np.zeros((doc_count, WIDTH), dtype=np.uint32)
    rows[:, :NUM_PERM] = EMPTY
    judged = np.zeros(doc_count, dtype=bool)
    for docnum, row in items:
        rows[docnum] = row
        judged[docnum] = (row[:NUM_PERM] != EMPTY).any()
    return cluster_signatures(rows, judged)



def cluster_index(searcher, cache_dir: Path | None = None) -> np.ndarray:
    """Story ids for every article of an open Whoosh searcher, from its stored bodies.

    With `cache_dir`, each segment's rows are kept there (`minhash-<segment id>.npy`):
    segments never change, and a new generation starts from hard links to the live one's
    files, so an incremental ingest computes signatures only for its new segment.
    """
    reader = searcher.reader()
    n = reader.doc_count_all()
    rows = np.zeros((n, WIDTH), dtype=np.uint32)
    judged = np.zeros(n, dtype=bool)
    keep: set[str] = set()
    for leaf, offset in reader.leaf_readers():
        count = leaf.doc_count_all()
        part = None
        if cache_dir is not None:
            path = signatures_path(cache_dir, leaf.segment().segment_id())
            keep.add(path.name)
            try:
                part = np.load(path, allow_pickle=False)
            except (OSError, ValueError):
                part = None
            if part is not None and part.shape != (count, WIDTH):
                part = None  # written by an older version, or not whole: computed again
        if part is None:
            part = segment_signatures(leaf)
            if cache_dir is not None:
                save(cache_dir, leaf.segment().segment_id(), part)
        rows[offset:offset + count] = part
        live = np.zeros(count, dtype=bool)
        live[list(leaf.all_doc_ids())] = True
        judged[offset:offset + count] = live & (part[:, :NUM_PERM] != EMPTY).any(axis=1)
    if cache_dir is not None:  # signatures of segments merged away
        for old in Path(cache_dir).glob("minhash-*.npy"):
            if old.name not in keep:
                old.unlink(missing_ok=True)
    return cluster_signatures(rows, judged)


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
