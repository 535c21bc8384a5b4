"""The Whoosh schema: which representation of an article lives in which field.

- `title`, `body`: jieba words (frequencies only) for BM25F ranking; stored for display.
- `title_x`, `body_x`, `source_x`, `author_x`: the exact representation (CJK bigrams with unit
  positions, whole Latin words) that decides what a query matches.
- `source`, `author`, `date`, `year`, `month`: exact values for filters, sorting and facets.
"""
from __future__ import annotations

from functools import lru_cache

from whoosh import fields, formats
from whoosh.system import pack_uint

from indexer.analysis import ExactAnalyzer, WordAnalyzer, exact_postings, word_counts
from indexer.ranking import TITLE_BOOST

VALUE_GAP = 100_000  # position gap between the values of a multi-valued exact field


class ExactField(fields.FieldType):
    """Exact representation with positions; indexed through `exact_postings` (fast path)."""

    indexed = True
    scorable = True
    stored = False
    unique = False
    multitoken_query = "phrase"

    def __init__(self, field_boost: float = 1.0) -> None:
        self.analyzer = ExactAnalyzer()
        self.format = formats.Positions(field_boost=field_boost)
        self.column_type = None
        self.spelling = False
        self.vector = None

    def positions(self, value) -> dict[str, list[int]]:
        """term → positions: the indexing fast path."""
        if isinstance(value, (list, tuple)):  # several values (authors): no phrase spans two
            postings: dict[str, list[int]] = {}
            for n, item in enumerate(value):
                exact_postings(item, postings, base=n * VALUE_GAP)
            return postings
        return exact_postings(value)

    def index(self, value, **kwargs):
        boost = self.format.field_boost
        for term, poslist in self.positions(value).items():
            yield term.encode("utf-8"), len(poslist), len(poslist) * boost, encode_positions(poslist)


class WordField(fields.FieldType):
    """jieba words with frequencies for ranking; indexed through `word_counts` (fast path)."""

    indexed = True
    scorable = True
    unique = False
    multitoken_query = "or"

    def __init__(self, stored: bool = True, field_boost: float = 1.0) -> None:
        self.analyzer = WordAnalyzer()
        self.format = formats.Frequency(field_boost=field_boost)
        self.stored = stored
        self.column_type = None
        self.spelling = False
        self.vector = None

    def frequencies(self, value) -> dict[str, int]:
        """word → frequency: the indexing fast path."""
        return word_counts(value)

    def index(self, value, **kwargs):
        boost = self.format.field_boost
        for term, freq in self.frequencies(value).items():
            yield term.encode("utf-8"), freq, freq * boost, encoded_frequency(freq)


@lru_cache(maxsize=1024)
def encoded_frequency(freq: int) -> bytes:
    return pack_uint(freq)


_POSITIONS = formats.Positions()
ONE_POSITION: dict[int, bytes] = {}


def encode_positions(poslist: list[int]) -> bytes:
    """Whoosh's Positions encoding; a lone position (most postings) comes from a cache."""
    if len(poslist) == 1:
        p = poslist[0]
        found = ONE_POSITION.get(p)
        if found is None:
            found = _POSITIONS.encode(poslist)
            if p < 1 << 16:
                ONE_POSITION[p] = found
        return found
    return _POSITIONS.encode(poslist)


def build_schema() -> fields.Schema:
    return fields.Schema(
        id=fields.ID(stored=True, unique=True),
        title=WordField(stored=True, field_boost=TITLE_BOOST),
        body=WordField(stored=True),
        title_x=ExactField(),
        body_x=ExactField(),
        source_x=ExactField(),
        author_x=ExactField(),
        source=fields.ID(stored=True, sortable=True),
        author=fields.KEYWORD(stored=False, commas=True, lowercase=False, scorable=False),
        authors=fields.STORED(),
        authors_col=fields.ID(sortable=True),
        date=fields.ID(stored=True, sortable=True),
        url=fields.ID(stored=True),
        column=fields.STORED(),
        keywords=fields.STORED(),
    )


def document_fields(article) -> dict:
    """The field values for one Article."""
    authors = [a for a in article.authors if a]
    doc = {
        "id": article.id,
        "title": article.title or "",
        "body": article.body or "",
        "title_x": article.title or "",
        "body_x": article.body or "",
        "source_x": article.source or "",
        "author_x": authors,
        "authors": authors,
        "authors_col": "\x1f".join(authors),
        "column": article.column,
        "keywords": list(article.keywords or []),
    }
    if article.source:
        doc["source"] = article.source
    if authors:
        doc["author"] = ",".join(a.replace(",", " ") for a in authors)
    if article.date:
        doc["date"] = article.date
    if article.url:
        doc["url"] = article.url
    return doc
