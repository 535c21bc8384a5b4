"""Whoosh with jieba's own `ChineseAnalyzer`: the recipe in jieba's README, used as its users would.

Schema: TEXT(stored=True, analyzer=ChineseAnalyzer()) for title and content, ID for id, and
ID/KEYWORD fields for source, author, date, year and month so facets are Whoosh `groupedby`
`FieldFacet`s (single-valued fields sortable, authors a comma KEYWORD with `allow_overlap`).
One `ix.writer()` in one process, as the recipe shows. Queries go through `MultifieldParser`
on title + content exactly as typed (a quoted phrase is the parser's phrase syntax).
"""
from __future__ import annotations

import logging
from pathlib import Path

from whoosh import index, sorting
from whoosh.fields import ID, KEYWORD, TEXT, Schema
from whoosh.qparser import MultifieldParser

TOP = 10
FACET_LIMIT = 30


def _schema() -> Schema:
    from jieba.analyse import ChineseAnalyzer

    analyzer = ChineseAnalyzer()
    return Schema(
        id=ID(stored=True, unique=True),
        title=TEXT(stored=True, analyzer=analyzer),
        content=TEXT(stored=True, analyzer=analyzer),
        source=ID(stored=True, sortable=True),
        author=KEYWORD(stored=True, commas=True, scorable=False),
        date=ID(stored=True, sortable=True),
        year=ID(sortable=True),
        month=ID(sortable=True),
    )


def _facets():
    return {
        "source": sorting.FieldFacet("source", maptype=sorting.Count),
        "author": sorting.FieldFacet("author", allow_overlap=True, maptype=sorting.Count),
        "year": sorting.FieldFacet("year", maptype=sorting.Count),
        "month": sorting.FieldFacet("month", maptype=sorting.Count),
    }


def _top(counts: dict) -> list[tuple[str, int]]:
    items = [(k if isinstance(k, str) else (k.decode("utf-8") if k else ""), c) for k, c in counts.items()]
    return sorted(((k, c) for k, c in items if k), key=lambda kv: (-kv[1], kv[0]))[:FACET_LIMIT]


class _Searcher:
    def __init__(self, index_dir: Path) -> None:
        self.ix = index.open_dir(str(index_dir))
        self.searcher = self.ix.searcher()
        self.parser = MultifieldParser(["title", "content"], schema=self.ix.schema)

    def search(self, query: str, facets: bool = True):
        q = self.parser.parse(query)
        if facets:
            results = self.searcher.search(q, limit=TOP, groupedby=_facets())
            groups = {name: _top(results.groups(name)) for name in ("source", "author", "year", "month")}
        else:
            results = self.searcher.search(q, limit=TOP)
            groups = {}
        return len(results), [hit["id"] for hit in results], groups

    def match_ids(self, query: str) -> set[str]:
        q = self.parser.parse(query)
        stored = self.searcher.stored_fields
        return {stored(d)["id"] for d in self.searcher.docs_for_query(q)}


class WhooshJieba:
    name = "whoosh-jieba"
    procs = 1

    def prepare(self, inputs):
        import jieba

        jieba.setLogLevel(logging.WARNING)
        jieba.initialize()  # the dictionary load, once per process: not part of the index build
        return inputs.articles()

    def build(self, articles, index_dir: Path) -> None:
        index_dir.mkdir(parents=True, exist_ok=True)
        ix = index.create_in(str(index_dir), _schema())
        writer = ix.writer()
        for a in articles:
            doc = {"id": a.id, "title": a.title or "", "content": a.body or ""}
            if a.source:
                doc["source"] = a.source
            if a.authors:
                doc["author"] = ",".join(x.replace(",", " ") for x in a.authors)
            if a.date:
                doc["date"], doc["year"], doc["month"] = a.date, a.date[:4], a.date[:7]
            writer.add_document(**doc)
        writer.commit()

    def open(self, index_dir: Path) -> _Searcher:
        import jieba

        jieba.setLogLevel(logging.WARNING)
        return _Searcher(index_dir)


ENGINE = WhooshJieba()
