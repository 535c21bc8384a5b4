"""wensou itself: `cli.py rebuild` to build (a child process, its whole process tree's memory
sampled), the search API (`SearchEngine`) to search.

The input is the benchmark articles as JSON Lines files (the contract's record format), so the
timed build includes reading and extracting those records.
"""
from __future__ import annotations

import os
import re
import sys
from pathlib import Path

from benchmarks.rebuild import REPO, run_measured
from indexer.search.engine import SearchEngine
from indexer.search.request import SearchRequest

TOP = 10
_TREE_PAGE = re.compile(r"\d{4}/\d{2}/(.+)\.html")


class _Searcher:
    def __init__(self, index_dir: Path) -> None:
        self.engine = SearchEngine(index_dir)

    def search(self, query: str, facets: bool = True):
        # wensou always computes facets over every match: there is no cheaper facet-less call.
        # The request a user makes: reposts collapsed to one hit, the other strait's wording of
        # unquoted terms found too (so `高质量发展` also counts articles saying 高品質發展).
        r = self.engine.search(SearchRequest.create(query, per_page=TOP))
        return r.total, self.ids(r.hits), {k: [(v.value, v.count) for v in vals] for k, vals in r.facets.items()}

    def ids(self, hits) -> list[str]:
        return [self.id_of(h.id) for h in hits]

    @staticmethod
    def id_of(article_id: str) -> str:
        """The benchmark's record id of an article: a page of the HTML tree is `YYYY/MM/<id>.html`;
        any other id is the record's own, even one ending in `.html` (`news-html/163/4.html`:
        cutting those made the top ten of five queries look 1-2 articles short of the oracle)."""
        page = _TREE_PAGE.fullmatch(article_id)
        return page.group(1) if page else article_id

    def match_ids(self, query: str) -> set[str]:
        """Every article the query's text matches, as the oracle defines it: no reposts
        collapsed into their story's hit, no other-strait wording added."""
        ids: set[str] = set()
        page = 1
        while True:
            r = self.engine.search(SearchRequest.create(query, sort="newest", page=page, per_page=1000,
                                                        collapse=False, variants=False))
            ids.update(self.ids(r.hits))
            if page * 1000 >= r.total:
                return ids
            page += 1


class Wensou:
    name = "wensou"
    procs = os.cpu_count() or 1

    def prepare(self, inputs):
        return inputs.jsonl

    def build(self, jsonl: Path, index_dir: Path) -> int:
        """Returns the peak summed PSS (bytes) of the rebuild's process tree."""
        _wall, peak, result = run_measured([sys.executable, str(REPO / "cli.py"), "--index", str(index_dir),
                                            "rebuild", str(jsonl)], pss=True)
        if result.returncode:
            raise RuntimeError(f"cli.py rebuild failed: {result.stderr[-2000:]}")
        return peak

    def open(self, index_dir: Path) -> _Searcher:
        return _Searcher(index_dir)


ENGINE = Wensou()
