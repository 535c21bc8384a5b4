"""wensou itself, through the API the CLI uses: `run_ingest` to build, `SearchEngine` to search.

The input is the benchmark articles as a JSON Lines file (the contract's record format), so the
timed build includes reading and extracting those records, as `cli.py rebuild` would.
"""
from __future__ import annotations

import os
from pathlib import Path

from indexer.ingest import IngestOptions, run_ingest
from indexer.search import SearchEngine, SearchRequest

TOP = 10


class _Searcher:
    def __init__(self, index_dir: Path) -> None:
        self.engine = SearchEngine(index_dir)

    def search(self, query: str, facets: bool = True):
        # wensou always computes facets over every match: there is no cheaper facet-less call.
        r = self.engine.search(SearchRequest.create(query, per_page=TOP))
        return r.total, [h.id for h in r.hits], {k: [(v.value, v.count) for v in vals] for k, vals in r.facets.items()}

    def match_ids(self, query: str) -> set[str]:
        ids: set[str] = set()
        page = 1
        while True:
            r = self.engine.search(SearchRequest.create(query, sort="newest", page=page, per_page=1000))
            ids.update(h.id for h in r.hits)
            if page * 1000 >= r.total:
                return ids
            page += 1


class Wensou:
    name = "wensou"
    procs = os.cpu_count() or 1

    def prepare(self, inputs):
        return inputs.jsonl

    def build(self, jsonl: Path, index_dir: Path) -> None:
        run_ingest(index_dir, [jsonl], rebuild=True, options=IngestOptions(procs=self.procs))

    def open(self, index_dir: Path) -> _Searcher:
        return _Searcher(index_dir)


ENGINE = Wensou()
