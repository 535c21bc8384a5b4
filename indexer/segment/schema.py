"""The Whoosh schema: which representation of an article lives in which field.

- `title`, `body`: jieba words (frequencies only) for BM25F ranking; stored for display.
- `title_x`, `body_x`, `source_x`, `author_x` (in `document_fields`, not in the Whoosh schema):
  the texts of the exact layer (`indexer.segment`), which decides what a query matches; the
  writer takes them out of the document and writes them beside the Whoosh segment.
- `source`, `author`, `date`, `authors_col`, `column_col`: exact values for filters, sorting and
  facets (`authors_col` and `column_col` are read as columns by `indexer.search.docvalues`).
"""
from __future__ import annotations

from whoosh import fields, formats

from indexer.analysis import word_counts

TITLE_BOOST = 3.0  # the `title` word field's boost: titles weigh three times body words (BM25F)


class WordField(fields.FieldType):
    """jieba words for ranking, each posting weighted by its frequency; indexed through
    `word_counts`."""

    indexed = True
    scorable = True
    unique = False
    multitoken_query = "or"
    bulk_words = True  # the writer adds all of an article's words in one call

    def __init__(self, stored: bool = True, field_boost: float = 1.0) -> None:
        self.analyzer = None  # words come from `word_counts`, never from a Whoosh analyzer
        # Existence: no per-posting value; the W3 weight (frequency × boost) is all BM25 reads
        self.format = formats.Existence(field_boost=field_boost)
        self.stored = stored
        self.column_type = None
        self.spelling = False
        self.vector = None

    def index(self, value, **kwargs):
        """Whoosh's interface; the writer (indexer.segment.segment_writer) adds words in bulk instead."""
        boost = self.format.field_boost
        for term, freq in word_counts(value).items():
            yield term.encode("utf-8"), freq, freq * boost, b""


def build_schema() -> fields.Schema:
    return fields.Schema(
        id=fields.ID(stored=True, unique=True),
        title=WordField(stored=True, field_boost=TITLE_BOOST),
        body=WordField(stored=True),
        source=fields.ID(stored=True, sortable=True),
        author=fields.KEYWORD(stored=False, commas=True, lowercase=False, scorable=False),
        authors=fields.STORED(),
        authors_col=fields.ID(sortable=True),
        date=fields.ID(stored=True, sortable=True),
        url=fields.ID(stored=True),
        column=fields.STORED(),
        column_col=fields.COLUMN(),  # the column (栏目) as a per-article column: read at open without the stored fields
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
        "column_col": (article.column or "").encode("utf-8"),
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
