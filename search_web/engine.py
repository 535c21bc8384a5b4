"""The app's one SearchEngine: where views find it, and warming it up before serving."""
from __future__ import annotations

from flask import current_app

from indexer import store
from indexer.analysis import segmenter
from indexer.search import zerohits
from indexer.search.engine import SearchEngine
from indexer.search.request import MAX_DEADLINE, SearchRequest

ENGINE_KEY = "wensou.engine"


def get_engine() -> SearchEngine:
    """The SearchEngine of the current app (shared by all threads; it is thread-safe)."""
    return current_app.extensions[ENGINE_KEY]


def warm_up(engine: SearchEngine) -> None:
    """Run one small search so the segmenter and the index load once, before any thread needs them.

    Without an index yet there is nothing to load; requests then get a 503 until one is built.
    It has all the time it needs: on a machine just started, the index is read from disk for
    the first time (a million articles: seconds), and a server that stopped there would not
    start at all.
    """
    segmenter.load()  # jieba's full dictionary: each query then cuts in microseconds, no lookups
    try:
        with zerohits.not_recorded():  # no one's search: not in the zero-hit log
            engine.search(SearchRequest.create("新闻 公告", per_page=1, deadline=MAX_DEADLINE))
    except store.NoIndex:
        pass
