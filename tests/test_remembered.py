"""What searches remember of a segment (`indexer.segment.remembered`): phrase answers
(`reader.ANSWERS`: a costly phrase is checked once per segment) and word lists
(`words.POSTINGS`). The next page, a filter, another order or an ingest after them give exactly
what a fresh read would: an article changed or removed by an ingest is never found, or scored,
by what was remembered before it."""
from __future__ import annotations

import pytest
from helpers import write_article

from indexer.ingest.report import IngestOptions
from indexer.ingest.run import run_ingest
from indexer.search import SearchEngine, SearchRequest
from indexer.segment import reader, words

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
    words.POSTINGS.clear()
    yield checks
    reader.ANSWERS.clear()
    words.POSTINGS.clear()


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


def _everything(engine: SearchEngine, query: str):
    r = engine.search(SearchRequest.create(query, per_page=100, collapse=False))
    return r.total, [(h.title, h.score) for h in r.hits], {k: [(v.value, v.count) for v in vs] for k, vs in r.facets.items()}


def test_remembered_word_lists_and_answers_rank_as_a_fresh_read_after_ingests(tmp_path, remembering):
    folder = tmp_path / "articles"
    _articles(folder, 40, holding={2, 3, 5, 8, 13, 21, 34})
    index = tmp_path / "index"
    run_ingest(index, [folder], rebuild=True)
    queries = [PHRASE, "城市", "配套设施 城市", "行业标准", "第3号文章"]
    with SearchEngine(index) as engine:
        for q in queries:
            _everything(engine, q)  # every list and answer these need is remembered now
        assert len(words.POSTINGS) and len(reader.ANSWERS)
        # scores move: 第5号 says 城市 three times, 第8号 no longer does, 第13号 is gone, a new one comes
        write_article(folder / "a005.txt", "第5号文章", f"城市，城市，本市推进{PHRASE}，完善配套设施。", day=6)
        write_article(folder / "a008.txt", "第8号文章", "本乡推进乡村建设，完善配套设施。", day=9)
        (folder / "a013.txt").unlink()
        write_article(folder / "a099.txt", "第99号文章", f"本市推进{PHRASE}，更新行业标准。", day=20)
        run_ingest(index, [folder], options=IngestOptions(prune=True))
        warm = [_everything(engine, q) for q in queries]
        words.POSTINGS.clear()
        reader.ANSWERS.clear()
        assert warm == [_everything(engine, q) for q in queries]
        assert "第13号文章" not in [t for _, hits, _ in warm for t, _ in hits]
        assert {t for t, _ in warm[0][1]} == {f"第{i}号文章" for i in (2, 3, 5, 21, 34, 99)}
