"""Remembered phrase answers (`indexer.segment.reader.ANSWERS`): a costly phrase is checked once
per segment; the next page, a filter, another order or an ingest after it give exactly what a
fresh check would, and an article changed or removed by an ingest is never found by an answer
remembered before it."""
from __future__ import annotations

import pytest
from helpers import write_article

from indexer.ingest.report import IngestOptions
from indexer.ingest.run import run_ingest
from indexer.search import SearchEngine, SearchRequest
from indexer.segment import reader

PHRASE = "城市更新行动"


@pytest.fixture
def remembering(monkeypatch):
    """Every checked phrase is remembered (the demo-sized index has few candidates)."""
    monkeypatch.setattr(reader, "CACHE_FROM", 1)
    checks = []
    confirm = reader.Segment._confirm

    def counted(self, field, docs, plan):
        checks.append(len(docs))
        return confirm(self, field, docs, plan)

    monkeypatch.setattr(reader.Segment, "_confirm", counted)
    reader.ANSWERS.clear()
    yield checks
    reader.ANSWERS.clear()


def _titles(engine: SearchEngine, query: str, **params) -> list[str]:
    return [h.title for h in engine.search(SearchRequest.create(query, per_page=100, collapse=False, **params)).hits]


def _articles(folder, n: int, holding: set[int]):
    for i in range(n):
        middle = f"推进{PHRASE}，" if i in holding else "推进城市建设，更新行业标准，"
        write_article(folder / f"a{i:03d}.txt", f"第{i}号文章", f"本市{middle}完善配套设施。", day=i % 28 + 1)


def test_a_phrase_is_checked_once_and_answers_pages_and_filters_alike(tmp_path, remembering):
    _articles(tmp_path / "articles", 30, holding={1, 4, 9, 16, 25})
    run_ingest(tmp_path / "index", [tmp_path / "articles"], rebuild=True)
    with SearchEngine(tmp_path / "index") as engine:
        first = _titles(engine, PHRASE)
        assert sorted(first) == ["第16号文章", "第1号文章", "第25号文章", "第4号文章", "第9号文章"]
        assert remembering  # the candidates' streams were read
        remembering.clear()
        assert _titles(engine, PHRASE) == first
        assert _titles(engine, PHRASE, sort="newest") == ["第25号文章", "第16号文章", "第9号文章", "第4号文章", "第1号文章"]
        paged = [h.title for p in (1, 2) for h in engine.search(
            SearchRequest.create(PHRASE, per_page=3, page=p, collapse=False)).hits]
        assert paged == first
        assert sorted(_titles(engine, PHRASE, date_from="2024-03-05")) == sorted(set(first) - {"第1号文章"})
        assert remembering == []  # no stream read again
        assert _titles(engine, PHRASE, within=["第4号文章"]) == ["第4号文章"]  # search within results
        assert _titles(engine, "第4号文章", within=[PHRASE]) == ["第4号文章"]


def test_an_ingest_never_leaves_a_remembered_answer_behind(tmp_path, remembering):
    folder = tmp_path / "articles"
    _articles(folder, 30, holding={1, 4, 9})
    index = tmp_path / "index"
    run_ingest(index, [folder], rebuild=True)
    with SearchEngine(index) as engine:
        assert sorted(_titles(engine, PHRASE)) == ["第1号文章", "第4号文章", "第9号文章"]
        # 第4号 loses the phrase, 第7号 gains it, 第9号 is deleted
        write_article(folder / "a004.txt", "第4号文章", "本市推进城市建设，更新行业标准，完善配套设施。", day=5)
        write_article(folder / "a007.txt", "第7号文章", f"本市推进{PHRASE}，完善配套设施。", day=8)
        (folder / "a009.txt").unlink()
        run_ingest(index, [folder], options=IngestOptions(prune=True))
        assert sorted(_titles(engine, PHRASE)) == ["第1号文章", "第7号文章"]
