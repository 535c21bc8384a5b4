"""The app's one SearchEngine: where views find it, and warming it up before serving."""
from __future__ import annotations

from flask import current_app

from indexer import store
from indexer.analysis import segmenter
from indexer.search import variants, zerohits
from indexer.search.engine import SearchEngine
from indexer.search.request import MAX_DEADLINE, SearchRequest

ENGINE_KEY = "wensou.engine"


def get_engine() -> SearchEngine:
    """The SearchEngine of the current app (shared by all threads; it is thread-safe)."""
    return current_app.extensions[ENGINE_KEY]


def warm_up(engine: SearchEngine) -> None:
    """Read the index into memory as far as it fits, load the segmenter and OpenCC's converters,
    and run one small search so the index loads once, before any thread needs them.

    On a machine just started the index is on disk only: searches would read it page by page
    (a million articles: first asks of long phrases 2 s and more, stopped at the deadline;
    with the index read at start, 11 GB in 8 s, they take 0.3-0.7 s at once; on a warm machine
    the reading costs about a second). The warm-up search has all the time it needs: a server
    that stopped there would not start at all. Without an index yet there is nothing to load;
    requests then get a 503 until one is built.
    """
    segmenter.load()  # jieba's full dictionary: each query then cuts in microseconds, no lookups
    variants.load()  # OpenCC's converters, which the other script's wording of some terms needs
    try:
        if hasattr(engine, "prefetch"):  # an index folder (a cluster keeps its own memory)
            engine.prefetch()
        with zerohits.not_recorded():  # no one's search: not in the zero-hit log
            engine.search(SearchRequest.create("新闻 公告", per_page=1, deadline=MAX_DEADLINE))
        if hasattr(engine, "release_thread"):  # this thread serves no request: it keeps no generation open
            engine.release_thread()
    except store.NoIndex:
        pass
