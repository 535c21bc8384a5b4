"""Sets of article numbers as sorted unique NumPy arrays: the algebra of matching (AND, OR,
NOT of phrases, filters), used by every layer above the segment."""
from __future__ import annotations

import numpy as np

EMPTY = np.empty(0, dtype=np.int64)


def union(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Sorted unique arrays → their sorted union (np.union1d hashes: slower here)."""
    if not len(a):
        return b
    if not len(b):
        return a
    both = np.concatenate((a, b))
    both.sort(kind="stable")
    return both[np.concatenate(([True], both[1:] != both[:-1]))]


def difference(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Sorted unique arrays (of numbers ≥ 0) → the elements of `a` not in `b` (through a mask
    over their range where both are large and dense in it, as `intersect`)."""
    if not len(a) or not len(b):
        return a
    if _dense(a, b):
        return a[~_mask(b, int(max(a[-1], b[-1])) + 1)[a]]
    idx = np.searchsorted(b, a)
    idx[idx == len(b)] = 0
    return a[b[idx] != a]


def intersect(small: np.ndarray, large: np.ndarray) -> np.ndarray:
    """Sorted unique arrays (of numbers ≥ 0) → their intersection: a binary search of the
    smaller in the larger, or, where both are large and dense in their range (two words each
    in a third of the articles), a mask over the range — one pass over each, 4–5× faster there."""
    if len(small) > len(large):
        small, large = large, small
    if not len(small):
        return small
    if _dense(small, large):
        return small[_mask(large, int(max(small[-1], large[-1])) + 1)[small]]
    idx = np.searchsorted(large, small)
    idx[idx == len(large)] = 0
    return small[large[idx] == small]


def _dense(a: np.ndarray, b: np.ndarray) -> bool:
    """Whether a mask over the range of `a` and `b` (non-empty) meets them faster than a binary
    search of the smaller in the larger: a pass over each and the range against n log n."""
    small, large = (a, b) if len(a) <= len(b) else (b, a)
    span = int(max(a[-1], b[-1])) + 1
    if span > 64 * (len(small) + len(large)):
        return False  # sparse in their range: the mask would be mostly zeros to write
    return len(small) * np.log2(len(large)) > 2 * (len(small) + len(large)) + span / 32


def _mask(members: np.ndarray, span: int) -> np.ndarray:
    mask = np.zeros(span, dtype=bool)
    mask[members] = True
    return mask


def positions(sorted_: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Each of `values`' index in the sorted unique array `sorted_`, -1 where it is not in it."""
    if not len(sorted_):
        return np.full(len(values), -1)
    idx = np.searchsorted(sorted_, values)
    idx[idx == len(sorted_)] = 0
    return np.where(sorted_[idx] == values, idx, -1)
