"""Every article of the index (or those a search matches) as the contract's records, streamed.

`export_records` yields one dict per article with the fields of docs/interfaces.md "The article"
(id, title, date, source, sources, authors, url, column, keywords, body), the form `ingest` and
`rebuild` read back from JSON Lines: an export is a complete copy of what the index holds, and
`rebuild` from it gives the same index.

The whole index is read in index order straight from the stored fields, one article at a time.
A query or filters go through the search engine itself (the same matching as `search`, every
article listed: near-duplicates are not collapsed), page by page, oldest first.
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

from indexer.backends import is_cluster, open_engine
from indexer.generations import LiveIndex, stored_article
from indexer.search.engine import SearchEngine
from indexer.search.request import SearchRequest

PAGE = 1000  # articles asked of the engine at a time when a query or filters choose them


def export_records(index_dir: Path | str, request: SearchRequest | None = None) -> Iterator[dict]:
    """The records of every article `request` matches (None, or an empty request: every article),
    from an index folder or an OpenSearch index (`indexer.backends`)."""
    everything = request is None or not (request.query.strip() or request.sources or request.authors
                                         or request.columns or request.date_from or request.date_to
                                         or getattr(request, "within", ()))
    if is_cluster(index_dir):
        with open_engine(index_dir) as engine:
            yield from _from_cluster(engine, None if everything else request)
        return
    with SearchEngine(index_dir) as engine:
        if everything:
            yield from _everything(engine)
        else:
            yield from _matching(engine, request)


def _from_cluster(engine, request: SearchRequest | None) -> Iterator[dict]:
    """Every article in load order, or those `request` matches, oldest first, read a batch at a time."""
    if request is None:
        for fields in engine.every_article():
            yield stored_article(fields).to_dict()
        return
    matching = engine.matching(replace(request, sort="oldest", collapse=False))
    for i, _ in matching.order(len(matching.everything)):
        yield stored_article(matching.searcher.stored_fields(i)).to_dict()


def _everything(engine: SearchEngine) -> Iterator[dict]:
    live = LiveIndex(engine.index_dir)
    try:
        gen = live.generation()
        reader = gen.ix.reader()
        try:
            for docnum in gen.docvalues.live_docs.tolist():
                yield stored_article(reader.stored_fields(docnum)).to_dict()
        finally:
            reader.close()
    finally:
        live.close()


def _matching(engine: SearchEngine, request: SearchRequest) -> Iterator[dict]:
    seen: set[str] = set()
    page = 1
    while True:
        result = engine.search(SearchRequest.create(
            query=request.query, sources=request.sources, authors=request.authors, columns=request.columns,
            date_from=request.date_from, date_to=request.date_to, sort="oldest", page=page, per_page=PAGE,
            collapse=False, variants=request.variants))
        for hit in result.hits:
            if hit.id in seen:
                continue
            seen.add(hit.id)
            article = engine.article(hit.id)
            if article is not None:
                yield article.to_dict()
        if page * PAGE >= result.total or not result.hits:
            return
        page += 1


def jsonl_line(record: dict) -> str:
    """One record as one JSON Lines line: UTF-8 as is (ensure_ascii off), the line separators
    U+2028 and U+2029 escaped so that no reader can take them for line ends."""
    return json.dumps(record, ensure_ascii=False).replace("\u2028", "\\u2028").replace("\u2029", "\\u2029") + "\n"
