"""The search engine follows index generations without holding on to old ones."""
from __future__ import annotations

import threading

from helpers import write_jsonl

from indexer.ingest import run_ingest
from indexer.search import SearchEngine, SearchRequest


def _rebuild(index, folder, n: int) -> None:
    write_jsonl(folder / "a.jsonl", [{"id": f"a{i}", "title": f"公告第{i}号", "body": "关于城市发展的公告。"}
                                     for i in range(n)])
    run_ingest(index, [folder], rebuild=True)


def test_an_idle_threads_searcher_on_a_retired_generation_is_closed(tmp_path):
    index, folder = tmp_path / "index", tmp_path / "articles"
    _rebuild(index, folder, 3)
    engine = SearchEngine(index)
    first = engine.stats()["generation"]

    idle = threading.Thread(target=lambda: engine.search(SearchRequest.create("公告")))
    idle.start()
    idle.join()  # this thread searched on the first generation and never searches again
    assert first in engine.open_generations()

    for n in (4, 5):  # two more generations, searched by this thread
        _rebuild(index, folder, n)
        assert engine.search(SearchRequest.create("公告")).total == n
    assert first not in engine.open_generations()  # two switches old: its files are closed
    engine.close()
    assert not engine.open_generations()
