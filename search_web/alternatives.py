"""The other values of a facet that has chosen values, so more can be added ("either of").

The engine counts facets over the articles that match every filter, so once a source is chosen
the source facet lists only that source. For each of source, author and column with chosen
values, this asks the engine once more with that one filter left out (one article, newest
first: only the facet counts are used) and lists that facet from the answer: each value with
the number of articles holding it under the other filters (what choosing it alone would find;
an article holding two chosen values, `內政部;銓敘部`, counts under each, so adding a value can
add fewer), the chosen ones marked. Other facets are as the engine gave them.
"""
from __future__ import annotations

from dataclasses import replace

from indexer.search.engine import SearchEngine
from indexer.search.facets import names
from indexer.search.request import SearchRequest
from indexer.search.result import FacetValue, SearchResult

FIELDS = {"source": "sources", "author": "authors", "column": "columns"}


def facets_with_alternatives(engine: SearchEngine, result: SearchResult
                             ) -> tuple[dict[str, list[FacetValue]], dict[str, bool]]:
    """(facets, truncated) for the page: as the engine gave them, except that a facet with chosen
    values lists every value it could add, counted under the other filters."""
    req: SearchRequest = result.request
    facets = dict(result.facets)
    truncated = dict(getattr(result, "facets_truncated", None) or {})
    for name, field in FIELDS.items():
        chosen = tuple(getattr(req, field, ()) or ())
        if not chosen:
            continue
        wider = engine.search(replace(req, **{field: ()}, page=1, per_page=1, sort="newest"))
        mine = {v.value: v for v in result.facets.get(name) or []}
        named = {v.value for v in mine.values() if v.selected}  # what the chosen values name (any script)
        values = [FacetValue(v.value, v.count, v.value in chosen or v.value in named)
                  for v in wider.facets.get(name) or []]
        listed = {v.value for v in values}
        values += [FacetValue(c, mine[c].count if c in mine else 0, True) for c in chosen
                   if c not in listed and not any(names(c, n) for n in named)]
        facets[name] = values
        truncated[name] = bool((getattr(wider, "facets_truncated", None) or {}).get(name))
    return facets, truncated
