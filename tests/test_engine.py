"""The search engine follows index generations without holding on to old ones."""
from __future__ import annotations

import threading
import time

from helpers import write_jsonl

from indexer.ingest.run import run_ingest
from indexer.search.engine import SearchEngine
from indexer.search.request import SearchRequest


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


def test_threads_searching_while_generations_switch_see_one_generation_each(tmp_path):
    """Counts, facets and hits of every answer come from one generation: never the matches of
    one with the columns (sources, columns, dates) of another."""
    index, folder = tmp_path / "index", tmp_path / "articles"

    def write(n: int) -> None:
        write_jsonl(folder / "a.jsonl", [{"id": f"a{i}", "title": f"公告第{i}号", "date": f"2024-01-{i % 28 + 1:02d}",
                                          "source": f"机关{n}", "column": f"栏目{n}", "body": "关于城市发展的公告。"}
                                         for i in range(n)])

    write(3)
    run_ingest(index, [folder], rebuild=True)
    # no deadline: four threads of one process share the interpreter lock, and on a loaded
    # machine the ingest's thread can hold a search past its 2 s; what is tested is the generation
    engine = SearchEngine(index, deadline=None)
    answers, errors, done = [], [], threading.Event()

    def search() -> None:
        try:
            while not done.is_set():
                r = engine.search(SearchRequest.create("公告", sort="newest", per_page=100))
                answers.append((r.total, [(v.value, v.count) for v in r.facets["source"]],
                                [(v.value, v.count) for v in r.facets["column"]], {h.source for h in r.hits}))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=search) for _ in range(3)]
    for t in threads:
        t.start()
    try:
        for n in (5, 8, 13):
            write(n)
            run_ingest(index, [folder])  # the file changed: all its articles are replaced
        deadline = time.monotonic() + 60
        while not any(a[0] == 13 for a in answers) and not errors and time.monotonic() < deadline:
            time.sleep(0.05)  # until a thread has searched the last generation
    finally:
        done.set()
        for t in threads:
            t.join()
    engine.close()
    assert not errors, errors
    assert {total for total, *_ in answers} >= {3, 13}
    for total, sources, columns, hit_sources in answers:
        assert sources == [(f"机关{total}", total)] and columns == [(f"栏目{total}", total)]
        assert hit_sources == {f"机关{total}"}
