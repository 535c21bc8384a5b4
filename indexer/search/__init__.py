"""The search layer: from a `SearchRequest` to a `SearchResult`, over one index generation.

The one API is `SearchEngine.search(SearchRequest) -> SearchResult` (`engine`); the request
validates its input in one place (`request`) and the result serialises itself (`result`).
Below the engine: the query language (`query`, `proximity`, `spans`), which articles match
(`postings` over the segments' exact layers, `matching`), filters and facets (`docvalues`,
`filters`, `facets`), the order (`ranking`), marks (`highlight`), the other strait's wording
(`variants`), suggestions (`suggest`, `zerohits`), related articles (`related`), the
concordance and exports (`concordance`, `export`), and what a search may cost (`budget`).

The public names are importable from here too (`from indexer.search import SearchEngine`),
each loaded with its module on first use, so importing one small module of the layer (the
request, the variants) does not load the engine.
"""
from __future__ import annotations

import importlib

_PUBLIC = {
    "SearchEngine": "engine",
    "SearchRequest": "request", "BadRequest": "request", "SearchTooCostly": "request",
    "MAX_PER_PAGE": "request", "MAX_QUERY_CHARS": "request", "SORTS": "request", "parse_date_bound": "request",
    "SearchResult": "result", "Hit": "result", "FacetValue": "result", "Suggestion": "result",
    "is_heavy": "budget",
}
__all__ = sorted(_PUBLIC)


def __getattr__(name: str):
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)
