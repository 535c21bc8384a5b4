"""What an article becomes in a cluster index: its folded unit and word texts, content hash,
near-duplicate signature and band keys (`document`, built in worker processes for large
loads), the index's mapping, and the article read back from a hit (`stored`, `restated`)."""
from __future__ import annotations

import base64
import hashlib
import json
import re

import numpy as np

from indexer import stories
from indexer.analysis import LATIN_MARK, fold, unit_stream, word_counts
from indexer.article import Article
from indexer.search.facets import fold_key
from indexer.segment import signatures


def unit_text(text: str, folded: str | None = None) -> str:
    """Folded text as its units, space-separated: what a `*_u` field indexes. Built from the
    exact layer's unit stream (`indexer.analysis.unit_stream`, C-speed regular expressions): every
    character spaced, then each marked Latin unit joined again (4× faster than a Python object
    per unit, and the very units the embedded index matches). `folded`: `fold(text)`, when
    already computed."""
    spaced = " ".join(unit_stream(fold(text or "") if folded is None else folded))
    return _SPACED_LATIN.sub(_joined, spaced) if LATIN_MARK in spaced else spaced


_SPACED_LATIN = re.compile(LATIN_MARK + " (.*?) " + LATIN_MARK)


def _joined(m: re.Match) -> str:
    return m.group(1).replace(" ", "")


def word_text(text: str, folded: str | None = None) -> str:
    """Folded text as its jieba words (and Latin words), space-separated, for ranking (a word
    as many times as it occurs)."""
    return " ".join(w if n == 1 else " ".join((w,) * n) for w, n in word_counts(text or "", folded).items())


def content_hash(article: Article) -> str:
    return hashlib.sha256(json.dumps(article.to_dict(), ensure_ascii=False, sort_keys=True)
                          .encode("utf-8")).hexdigest()


def signature_of(row: np.ndarray) -> np.ndarray | None:
    """A signature row's signature as a document carries it (`signatures.article_row`, or a
    signature alone); None when too short to judge."""
    sig = row[:signatures.NUM_PERM]
    return None if (sig == signatures.EMPTY).all() else sig


def bands(sig: np.ndarray) -> list[str]:
    """The signature's LSH band keys: articles sharing one are compared (`indexer.stories`)."""
    return [f"{b}:{sig[b * stories.ROWS:(b + 1) * stories.ROWS].tobytes().hex()}" for b in range(stories.BANDS)]


def document(article: Article, story: str, seq: int, sig: np.ndarray | None, folded_body: str | None = None,
             multi: bool = False) -> dict:
    """The indexed document of one article (`sig`: its signature, `signature_of`; `folded_body`:
    `fold(article.body)`, when already computed; `multi`: its story has other articles)."""
    sources = article.sources
    date = article.date
    body = fold(article.body) if folded_body is None else folded_body
    return {
        "id": article.id, "title": article.title, "date": date, "source": article.source,
        "sources": sources, "authors": list(article.authors), "url": article.url, "column": article.column,
        "keywords": list(article.keywords), "body": article.body,
        "title_u": unit_text(article.title), "body_u": unit_text(article.body, body),
        "source_u": [unit_text(s) for s in sources], "author_u": [unit_text(a) for a in article.authors],
        "title_w": word_text(article.title), "body_w": word_text(article.body, body),
        "sources_f": [fold_key(s) for s in sources], "authors_f": [fold_key(a) for a in article.authors],
        "column_f": fold_key(article.column) if article.column else None,
        "day": date, "year": date[:4] if date else None, "month": date[:7] if date else None,
        "story": story, "multi": multi, "hash": content_hash(article), "seq": seq,
        "sig": None if sig is None else base64.b64encode(sig.tobytes()).decode("ascii"),
        "bands": [] if sig is None else bands(sig),
    }


_UNITS = {"type": "text", "analyzer": "whitespace", "position_increment_gap": 100, "norms": False}
_WORDS = {"type": "text", "analyzer": "whitespace", "index_options": "freqs"}
# a value longer than this is kept in the article but not indexed as a term (Lucene refuses a
# term over 32,766 bytes, and one refused article would fail a whole rebuild)
_KEYWORD = {"type": "keyword", "ignore_above": 8000}
# how deep a page may reach (the index's max_result_window, set when it is loaded): every page
# of an archive of up to a million matches, as the embedded index pages any; deeper, a count only
MAX_RESULT_WINDOW = 1_000_000
_MATCHED = {"type": "keyword", "doc_values": False}  # matched by terms, never sorted or counted
_STORED = {"type": "keyword", "index": False, "doc_values": False}
MAPPING = {
    "dynamic": "strict",
    "_source": {"excludes": ["title_u", "body_u", "source_u", "author_u", "title_w", "body_w", "bands"]},
    "properties": {
        "id": _KEYWORD, "title": {"type": "text", "index": False}, "date": _STORED,
        "source": {"type": "text", "index": False}, "sources": _KEYWORD, "authors": _KEYWORD,
        "url": _STORED, "column": _KEYWORD, "keywords": _STORED, "body": {"type": "text", "index": False},
        "title_u": _UNITS, "body_u": _UNITS, "source_u": _UNITS, "author_u": _UNITS,
        "title_w": _WORDS, "body_w": _WORDS,
        "sources_f": _KEYWORD, "authors_f": _KEYWORD, "column_f": _KEYWORD,
        "day": {"type": "date", "format": "yyyy-MM-dd"}, "year": _KEYWORD, "month": _KEYWORD,
        "story": _KEYWORD, "multi": {"type": "boolean"}, "hash": _MATCHED, "seq": {"type": "long"},
        "sig": {"type": "binary"}, "bands": _MATCHED,
    },
}


def signature_stored(src: dict) -> np.ndarray | None:
    """The signature a document carries (None: too short to judge, or not stored)."""
    raw = src.get("sig")
    return np.frombuffer(base64.b64decode(raw), dtype=np.uint32) if raw else None


def restated(src: dict, story: str, multi: bool) -> dict:
    """The document of an indexed article (its stored fields, `seq` and `sig` among them) sent
    again with another story or mark."""
    return document(stored(src), story, src["seq"], signature_stored(src), multi=multi)


def stored(src: dict) -> Article:
    return Article(id=src["id"], title=src.get("title") or "", date=src.get("date"), source=src.get("source"),
                   authors=list(src.get("authors") or []), url=src.get("url"), column=src.get("column"),
                   keywords=list(src.get("keywords") or []), body=src.get("body") or "")
