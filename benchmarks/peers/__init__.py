"""The engines compared by `benchmarks.compare`: wensou and the peers a user would pick instead.

Each module defines `ENGINE`, an object with:
- `name`
- `prepare(inputs) -> prepared`: load the input (not timed); `inputs` has `articles()` (the
  benchmark's `Article` list) and `jsonl` (the same articles as a JSON Lines file)
- `build(prepared, index_dir) -> int | None`: build the index (timed); engines that build in a
  child process return the peak RSS in bytes of its process tree
- `open(index_dir) -> searcher`, where `searcher.search(query, facets) -> (total, top_ids, facets)`
  answers one top-10 page and `searcher.match_ids(query) -> set[str]` gives every matching id.
"""
from __future__ import annotations

import importlib

MODULES = {"wensou": "wensou", "groonga": "groonga", "whoosh-jieba": "whoosh_jieba", "fts5": "fts5"}


def load(name: str):
    if name not in MODULES:
        raise SystemExit(f"unknown engine {name!r}; choose from {', '.join(MODULES)}")
    return importlib.import_module(f"benchmarks.peers.{MODULES[name]}").ENGINE
