"""Keys of the exact layer: what a unit stream is listed under, and how a phrase is looked up.

Keys are computed with NumPy over the code points of many articles' streams at once (never a
Python loop per character); their bit layout is specified in `indexer.segment.wxfile`.
"""
from __future__ import annotations

import numpy as np

from indexer.analysis import LATIN_MARK, VALUE_MARK, Unit, units_stream
from indexer.cjk import UNIT_BOUNDS
from indexer.segment.wxfile import CP_BITS, GRAM, PAYLOAD, TAG_BI, TAG_LATIN, TAG_UNI

_CJK = np.array(UNIT_BOUNDS, dtype=np.uint32)  # (first, last) code point of each range of units
assert int(_CJK[:, 1].max()) < 1 << CP_BITS


def _latin_hash(h: np.ndarray, length: np.ndarray) -> np.ndarray:
    """Mix a polynomial hash of a Latin unit's code points (and its length) into a key."""
    with np.errstate(over="ignore"):
        h = h + length.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)
        h ^= h >> np.uint64(31)
        h *= np.uint64(0xBF58476D1CE4E5B9)
        h ^= h >> np.uint64(29)
    return (h & np.uint64(PAYLOAD)) | np.uint64(TAG_LATIN)


_POLY = np.uint64(0x100000001B3)


def stream_keys(cps: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(keys, positions) of a unit stream given as UTF-32 code points (several streams may be
    joined by VALUE_MARK). The position of a key is that of its first character."""
    latin_mark = cps == ord(LATIN_MARK)
    parity = np.cumsum(latin_mark, dtype=np.int64)
    in_latin = (parity & 1).astype(bool) & ~latin_mark
    cjk = ~latin_mark & ~in_latin & (cps != ord(VALUE_MARK))
    cp64 = cps.astype(np.uint64)
    uni_pos = np.flatnonzero(cjk)
    uni = cp64[uni_pos] | np.uint64(TAG_UNI)
    pair = cjk[:-1] & cjk[1:]
    bi_pos = np.flatnonzero(pair)
    bi = (cp64[bi_pos] << np.uint64(CP_BITS)) | cp64[bi_pos + 1] | np.uint64(TAG_BI)
    lat_pos = np.flatnonzero(in_latin)
    if len(lat_pos):
        opens = np.flatnonzero(latin_mark & (parity & 1).astype(bool))  # a unit's opening mark
        run = parity[lat_pos] >> 1  # which unit each Latin character belongs to
        rel = lat_pos - opens[run] - 1
        powers = np.cumprod(np.full(int(rel.max()) + 1, _POLY, dtype=np.uint64))
        with np.errstate(over="ignore"):
            vals = cp64[lat_pos] * powers[rel]
        starts = np.flatnonzero(rel == 0)
        h = np.add.reduceat(vals, starts)
        lengths = np.diff(np.append(starts, len(lat_pos)))
        lat = _latin_hash(h, lengths)
        lat_at = opens[run[starts]]
    else:
        lat = np.empty(0, np.uint64)
        lat_at = np.empty(0, np.int64)
    return (np.concatenate([uni, bi, lat]), np.concatenate([uni_pos, bi_pos, lat_at]))


def code_points(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)


def _gram_key(text: str) -> int | None:
    """The key of a four-character CJK string: its UTF-16 code units, 16 bits each."""
    if any(ord(c) > 0xFFFF for c in text):
        return None
    key = 0
    for c in text:
        key = key << 16 | ord(c)
    return key


def _cjk_units() -> np.ndarray:
    """Which UTF-16 code units are CJK characters (a unit stream holds nothing else there)."""
    table = np.zeros(1 << 16, dtype=bool)
    for lo, hi in _CJK.tolist():
        if lo <= 0xFFFF:
            table[lo:min(hi, 0xFFFF) + 1] = True
    table[0xD800:0xE000] = False  # surrogates: halves of characters beyond the BMP
    return table


_CJK_UNITS = _cjk_units()


def grams(units: np.ndarray, docs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(keys, article) of every four consecutive CJK code units within one article's stream;
    `units` is several streams one after the other, `docs` the article of each unit."""
    if len(units) < GRAM:
        return np.empty(0, np.uint64), np.empty(0, docs.dtype)
    ok = _CJK_UNITS[units]
    n = len(units) - GRAM + 1
    start = ok[:n] & ok[1:n + 1] & ok[2:n + 2] & ok[3:n + 3] & (docs[:n] == docs[GRAM - 1:])
    at = np.flatnonzero(start)
    u = units.astype(np.uint64)
    keys = u[at] << np.uint64(48)
    keys |= u[at + 1] << np.uint64(32)
    keys |= u[at + 2] << np.uint64(16)
    keys |= u[at + 3]
    return keys, docs[at]


# ------------------------------------------------------------------------------- queries

class Plan:
    """How one phrase (a unit sequence) is looked up: its keys, and whether candidates need
    their unit stream checked."""

    __slots__ = ("keys", "confirm", "pattern", "text", "gram")

    def __init__(self, seq: list[Unit]) -> None:
        stream = units_stream(seq)
        keys: list[int] = []
        last = len(seq) - 1
        for i, u in enumerate(seq):
            if not u.cjk:
                continue
            if i < last and seq[i + 1].cjk:
                keys.append(TAG_BI | ord(u.text) << CP_BITS | ord(seq[i + 1].text))
            elif i == 0 or not seq[i - 1].cjk:  # a CJK unit in no bigram of the phrase
                keys.append(TAG_UNI | ord(u.text))
        latin = [u for u in seq if not u.cjk]
        if latin:
            lat_keys, _ = stream_keys(code_points(units_stream(latin)))
            keys += lat_keys.tolist()
        self.keys = list(dict.fromkeys(keys))
        self.confirm = not (all(u.cjk for u in seq) and len(seq) <= 2)
        self.pattern = stream.encode("utf-16-le")
        # the phrase as one word (CJK only): an article whose words hold it holds the phrase
        self.text = "".join(u.text for u in seq) if all(u.cjk for u in seq) else None
        # four CJK characters of the Basic Multilingual Plane: maybe a frequent string's key
        self.gram = _gram_key(self.text) if self.text and len(self.text) == GRAM else None


# -------------------------------------------------------------------------------- writing

