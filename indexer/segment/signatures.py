"""Near-duplicate signatures of article bodies, written beside each segment by its writer.

Each article's folded body (`indexer.analysis.fold`, so a Traditional repost of a Simplified
story is the same text) without whitespace and punctuation is cut into overlapping
SHINGLE-character shingles; a MinHash signature of NUM_PERM values estimates the Jaccard
similarity of two articles' shingle sets. Bodies shorter than MIN_CHARS characters are too
short to judge by their shingles: their signature is drawn from their exact title and text
(`exact_signature`), so that only an identical repost shares it. How signatures become stories
is `indexer.stories`.

A stored row (`article_row`, WIDTH values) is the signature followed by what the story test needs
to know of where and when the article appeared: its outlet (`outlet_key`: the host of its URL, else
its folded source; 0 when it has neither), its day (`indexer.dates.day_number`, 0 unknown) and
its size (how many shingles its body has: what two similar bodies share is counted in them).

Written with NumPy rather than a MinHash library: the shingle hashes are computed for a whole
article in a few vector operations (a 2,000-character article takes well under a millisecond),
the hash is stable across processes, and nothing more than NumPy is needed at run time.
Each segment's signatures are kept in `minhash-<segment>.npy` and reused by later generations.
"""
from __future__ import annotations

import hashlib
import os
import re
import threading
import zlib
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np

from indexer.analysis import LATIN_MARK, fold
from indexer.dates import day_number

SHINGLE = 5
NUM_PERM = 64
MIN_CHARS = 60
OUTLET, DAY, SIZE = NUM_PERM, NUM_PERM + 1, NUM_PERM + 2  # a stored row's columns after the signature
WIDTH = NUM_PERM + 3


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


def chars_of_stream(stream: str) -> str:
    """`_chars` of a folded text from its unit stream (`analysis.unit_stream`), which a writer
    has already: the stream less its Latin marks holds the same characters, except the few
    unit characters that are not word characters (the kana sound marks ゛ ゜), which `_chars` drops."""
    text = stream.replace(LATIN_MARK, "")
    return _NOT_TEXT.sub("", text) if _NOT_TEXT.search(text) else text


def signature(folded: str) -> np.ndarray:
    """The MinHash signature (NUM_PERM uint32) of folded text's character shingles."""
    return _chars_signature(_chars(folded))


def _chars_signature(text: str) -> np.ndarray:
    if not text:
        return EMPTY.copy()
    cps = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    if len(cps) < SHINGLE:
        cps = np.concatenate([cps, np.zeros(SHINGLE - len(cps), dtype=np.uint64)])
    a, b = _coefficients()
    powers = _powers(SHINGLE)
    n = len(cps) - SHINGLE + 1
    hashed_at_once = _hash_buffer()
    with np.errstate(over="ignore"):
        shingles = cps[:n] * powers[0]  # each window's code points × powers, summed (wraps mod 2**64)
        for j in range(1, SHINGLE):
            shingles += cps[j:j + n] * powers[j]
        shingles.sort()  # unique by sorting: np.unique hashes, several times slower here
        shingles = shingles[np.concatenate(([True], shingles[1:] != shingles[:-1]))]
        smallest = None
        for i in range(0, len(shingles), _HASHED_AT_ONCE):  # a block that stays in the CPU's cache
            block = shingles[i:i + _HASHED_AT_ONCE]
            hashed = hashed_at_once[:len(block)]  # reused: a new 1 MB array is mapped and faulted in anew
            np.multiply.outer(block, a, out=hashed)  # wraps mod 2**64
            hashed += b
            least = hashed.min(axis=0)
            smallest = least if smallest is None else np.minimum(smallest, least)
    # the high 32 bits of the smallest hash: the smallest of the high 32 bits (a monotone map)
    return (smallest >> np.uint64(32)).astype(np.uint32)


_BUFFERS = threading.local()


def _hash_buffer() -> np.ndarray:
    """This thread's array for a block of hashes (_HASHED_AT_ONCE × NUM_PERM)."""
    buf = getattr(_BUFFERS, "hashes", None)
    if buf is None:
        buf = _BUFFERS.hashes = np.empty((_HASHED_AT_ONCE, NUM_PERM), dtype=np.uint64)
    return buf


_HASHED_AT_ONCE = 2048  # shingles hashed by every function at a time (1 MB of hashes)


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of two signatures (or stored rows)."""
    return float(np.count_nonzero(a[:NUM_PERM] == b[:NUM_PERM])) / NUM_PERM


_SECOND_LEVEL = frozenset({"com", "net", "org", "gov", "edu", "co", "ac", "or", "go", "ne", "idv", "mil"})


def _domain(host: str) -> str:
    """The outlet's domain of a host: its last two labels, three under a country's second level
    (`news.ltn.com.tw` and `ltn.com.tw`, `m.udn.com` and `udn.com` are one outlet each)."""
    labels = host.rstrip(".").split(".")
    if labels[-1].isdigit() or ":" in host:  # an address, not a name
        return host
    keep = 3 if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in _SECOND_LEVEL else 2
    return ".".join(labels[-keep:])


def outlet_key(url: str | None, source: str | None) -> int:
    """Who carried an article, as a number: the domain of its URL (`_domain`: a site's sections
    and mobile pages are one outlet), else its folded source (聯合報 and 联合报 are one outlet);
    0 when neither is known."""
    name = ""
    if url:
        try:
            name = _domain((urlsplit(url).hostname or "").lower())
        except ValueError:
            name = ""
    if not name and source:
        name = fold(source).strip()
    return (zlib.crc32(name.encode("utf-8")) or 1) if name else 0


def article_row(folded_body: str, url: str | None = None, source: str | None = None,
                date: str | None = None, body_stream: str | None = None, title: str = "") -> np.ndarray:
    """The stored row of one article: its body's signature, outlet, day and size (WIDTH uint32).
    `body_stream`: the body's unit stream (`analysis.unit_stream`), when the caller has it.
    A body too short to judge gets the `exact_signature` of its title and body: only an article
    with the same title and text shares it."""
    row = np.empty(WIDTH, dtype=np.uint32)
    text = _chars(folded_body) if body_stream is None else chars_of_stream(body_stream)
    row[:NUM_PERM] = _judged_signature(text) if len(text) >= MIN_CHARS else exact_signature(title, text)
    row[OUTLET], row[DAY] = outlet_key(url, source), day_number(date)
    row[SIZE] = min(max(len(text) - SHINGLE + 1, 0), 2**32 - 1)
    return row


def exact_signature(title: str, text: str) -> np.ndarray:
    """A signature for a text too short to judge by its shingles (`text`: its `_chars`, under
    MIN_CHARS): NUM_PERM values drawn from the hash of its folded title and text together, so
    that a repost of it (the same title and text, another id) has the same signature and no other
    article shares a value of it but by chance (2**-32 a value); EMPTY when there is no text."""
    if not text:
        return EMPTY
    key = (_chars(fold(title)) + "\x00" + text).encode("utf-8", "surrogatepass")
    values = np.frombuffer(hashlib.shake_128(key).digest(4 * NUM_PERM), dtype="<u4").astype(np.uint32)
    return np.where(values == EMPTY[0], values - 1, values)


def body_signature(folded: str) -> np.ndarray:
    """An article's signature from its folded body; EMPTY when too short to judge."""
    return _judged_signature(_chars(folded))


def _judged_signature(text: str) -> np.ndarray:
    """The signature of a body's characters (`_chars`); EMPTY when too short to judge."""
    return _chars_signature(text) if len(text) >= MIN_CHARS else EMPTY


def segment_signatures(leaf) -> np.ndarray:
    """Stored rows (`article_row`) for every document of one Whoosh segment reader, from its
    stored fields (deleted documents: an EMPTY signature, no outlet, no day)."""
    rows = np.zeros((leaf.doc_count_all(), WIDTH), dtype=np.uint32)
    rows[:, :NUM_PERM] = EMPTY
    for d in leaf.all_doc_ids():
        f = leaf.stored_fields(d)
        rows[d] = article_row(fold(f.get("body") or ""), f.get("url"), f.get("source"), f.get("date"), title=f.get("title") or "")
    return rows


def signatures_path(folder: Path | str, segment_id: str) -> Path:
    """Where a segment's signatures are kept, beside its files (`indexer.stories.cluster_index`'s cache)."""
    return Path(folder) / f"minhash-{segment_id}.npy"


def save(folder: Path | str, segment_id: str, rows: np.ndarray) -> None:
    """Keep a segment's rows (`article_row`): by the writer as it added the articles, so that
    `indexer.stories.cluster_index` never reads the stored bodies back, or by that function for
    a segment without them. Written as a new file and renamed, never over an old one: a file
    of an older version's rows may be hard-linked from the live generation, which stays as it is."""
    path = signatures_path(folder, segment_id)
    tmp = path.with_suffix(".tmp.npy")
    np.save(tmp, np.asarray(rows, dtype=np.uint32).reshape(-1, WIDTH), allow_pickle=False)
    os.replace(tmp, path)
