"""The engines compared by `benchmarks.compare`: wensou and the two peers a user would pick instead.

Each module defines `ENGINE`, an object with:
- `name`
- `prepare(inputs) -> prepared`: load the input (not timed); `inputs` has `articles()` (the
  benchmark's `Article` list) and `jsonl` (the same articles as a JSON Lines file)
- `build(prepared, index_dir) -> None`: build the index (timed)
- `open(index_dir) -> searcher`, where `searcher.search(query, facets) -> (total, top_ids, facets)`
  answers one top-10 page and `searcher.match_ids(query) -> set[str]` gives every matching id.
"""
from __future__ import annotations

import importlib

MODULES = {"wensou": "wensou", "whoosh-jieba": "whoosh_jieba", "fts5": "fts5"}


def load(name: str):
    if name not in MODULES:
        raise SystemExit(f"unknown engine {name!r}; choose from {', '.join(MODULES)}")
    return importlib.import_module(f"benchmarks.peers.{MODULES[name]}").ENGINE
