"""Near-duplicate signatures of article bodies, written beside each segment by its writer.

Each article's folded body (`indexer.analysis.fold`, so a Traditional repost of a Simplified
story is the same text) without whitespace and punctuation is cut into overlapping
SHINGLE-character shingles; a MinHash signature of NUM_PERM values estimates the Jaccard
similarity of two articles' shingle sets. Bodies shorter than MIN_CHARS characters are too
short to judge (their signature is EMPTY). How signatures become stories is
`indexer.stories`.

Written with NumPy rather than a MinHash library: the shingle hashes are computed for a whole
article in a few vector operations (a 2,000-character article takes well under a millisecond),
the hash is stable across processes, and nothing more than NumPy is needed at run time.
Each segment's signatures are kept in `minhash-<segment>.npy` and reused by later generations.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import numpy as np

from indexer.analysis import fold

SHINGLE = 5
NUM_PERM = 64
MIN_CHARS = 60


@lru_cache(maxsize=1)
def _coefficients() -> tuple[np.ndarray, np.ndarray]:
    """The hash functions' (a, b), from a fixed seed: signatures are comparable across processes.
    Drawn on first use (importing numpy.random costs a search's start-up ~12 ms)."""
    rng = np.random.default_rng(20240205)
    a = rng.integers(1, 2**63 - 1, NUM_PERM, dtype=np.uint64) | np.uint64(1)
    return a, rng.integers(0, 2**63 - 1, NUM_PERM, dtype=np.uint64)




@lru_cache(maxsize=2)
def _powers(size: int) -> np.ndarray:
    """The multipliers that hash a shingle of `size` code points into one uint64."""
    return np.array([pow(1_000_003, size - 1 - j, 2**64) for j in range(size)], dtype=np.uint64)

_NOT_TEXT = re.compile(r"[\W_]+")
EMPTY = np.full(NUM_PERM, np.iinfo(np.uint32).max, dtype=np.uint32)


def _chars(folded: str) -> str:
    return _NOT_TEXT.sub("", folded)


def signature(folded: str) -> np.ndarray:
    """The MinHash signature (NUM_PERM uint32) of folded text's character shingles."""
    return _chars_signature(_chars(folded))


def _chars_signature(text: str) -> np.ndarray:
    if not text:
        return EMPTY.copy()
    cps = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    if len(cps) < SHINGLE:
        cps = np.concatenate([cps, np.zeros(SHINGLE - len(cps), dtype=np.uint64)])
    windows = np.lib.stride_tricks.sliding_window_view(cps, SHINGLE)
    a, b = _coefficients()
    with np.errstate(over="ignore"):
        shingles = (windows * _powers(SHINGLE)).sum(axis=1, dtype=np.uint64)
        shingles.sort()  # unique by sorting: np.unique hashes, several times slower here
        shingles = shingles[np.concatenate(([True], shingles[1:] != shingles[:-1]))]
        smallest = None
        for i in range(0, len(shingles), _HASHED_AT_ONCE):  # a block that stays in the CPU's cache
            hashed = np.multiply.outer(shingles[i:i + _HASHED_AT_ONCE], a)  # wraps mod 2**64
            hashed += b
            least = hashed.min(axis=0)
            smallest = least if smallest is None else np.minimum(smallest, least)
    # the high 32 bits of the smallest hash: the smallest of the high 32 bits (a monotone map)
    return (smallest >> np.uint64(32)).astype(np.uint32)


_HASHED_AT_ONCE = 2048  # shingles hashed by every function at a time (1 MB of hashes)


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of two signatures."""
    return float(np.count_nonzero(a == b)) / NUM_PERM


def body_signature(folded: str) -> np.ndarray:
    """An article's signature from its folded body; EMPTY when too short to judge."""
    text = _chars(folded)
    if len(text) < MIN_CHARS:
        return EMPTY
    return _chars_signature(text)


def segment_signatures(leaf, body_field: str = "body") -> np.ndarray:
    """Signatures for every document of one Whoosh segment reader (EMPTY rows: too short)."""
    sigs = np.tile(EMPTY, (leaf.doc_count_all(), 1))
    for d in leaf.all_doc_ids():
        sigs[d] = body_signature(fold(leaf.stored_fields(d).get(body_field) or ""))
    return sigs


def signatures_path(folder: Path | str, segment_id: str) -> Path:
    """Where a segment's signatures are kept, beside its files (`indexer.stories.cluster_index`'s cache)."""
    return Path(folder) / f"minhash-{segment_id}.npy"


def save(folder: Path | str, segment_id: str, sigs: np.ndarray) -> None:
    """Keep a new segment's signatures, computed by the writer as it added the articles, so
    that `indexer.stories.cluster_index` never reads the stored bodies back."""
    np.save(signatures_path(folder, segment_id), np.asarray(sigs, dtype=np.uint32).reshape(-1, NUM_PERM),
            allow_pickle=False)
