"""Related articles (相关文章): on topic, other days and sources first, never the article itself."""
from __future__ import annotations

import pytest
from helpers import write_jsonl

from indexer import store
from indexer.ingest.run import run_ingest
from indexer.search.related import distinctive_words, related


@pytest.fixture(scope="module")
def demo_searcher(demo_index):
    ix = store.open_generation(store.current_generation(demo_index))
    with ix.searcher() as searcher:
        yield searcher


def _related_ids(searcher, article_id: str, limit: int = 5) -> list[str]:
    docnum = searcher.document_number(id=article_id)
    return [searcher.stored_fields(d)["id"] for d, _ in related(searcher, docnum, limit)]


@pytest.mark.parametrize("article,on_topic,top", [
    # 人身保險商品審查要點 → the other insurance product review rules
    ("gazette-556", {"gazette-555", "gazette-553", "gazette-4051", "gazette-4062", "gazette-549"}, 3),
    # a change of a river's boundaries on 花蓮溪 → the other river notices
    ("gazette-4053", {"gazette-4052", "gazette-7876", "gazette-7875", "gazette-4047"}, 4),
    # minutes of one cabinet meeting → the other cabinet meeting's minutes
    ("gazette-524", {"gazette-4057"}, 1),
])
def test_related_articles_on_the_demo_are_on_topic(demo_searcher, article, on_topic, top):
    found = _related_ids(demo_searcher, article)
    assert len(found) == 5 and article not in found
    assert set(found[:top]) <= on_topic


def test_distinctive_words_are_the_articles_topic(demo_searcher):
    f = demo_searcher.stored_fields(demo_searcher.document_number(id="gazette-4053"))
    words = [w for w, _ in distinctive_words(demo_searcher, f["title"], f["body"])][:6]
    assert {"河川", "花莲溪"} <= set(words)  # folded forms
    assert "公告" not in words[:3]  # in nearly every gazette record: not distinctive


def test_other_days_and_sources_come_first_and_the_story_is_left_out(tmp_path):
    text = ("台风“海葵”今天凌晨在福建沿海登陆，登陆时中心附近最大风力十二级。"
            "气象部门发布台风红色预警，沿海渔船全部回港避风，多所学校停课一天，铁路部门调整列车运行。")
    follow = ("台风“海葵”登陆后强度减弱，福建沿海风力逐步减小，渔船陆续出海，"
              "气象部门解除台风红色预警，学校明天复课，铁路列车恢复正常运行。")
    records = [
        {"id": "a", "title": "台风海葵登陆福建", "date": "2023-09-05", "source": "甲报", "content": text},
        {"id": "a-repost", "title": "台风海葵登陆福建沿海", "date": "2023-09-05", "source": "乙报",
         "content": text + "（来源：甲报）"},
        {"id": "same", "title": "海葵过后", "date": "2023-09-05", "source": "甲报", "content": follow},
        {"id": "other", "title": "海葵过后福建恢复", "date": "2023-09-06", "source": "丙报",
         "content": follow},  # (same title and text as "same" would be stored once)
        {"id": "off-topic", "title": "秋季开学", "date": "2023-09-01", "source": "丙报",
         "content": "秋季学期开学，各地中小学迎来新生，学校做好校园安全检查和开学第一课准备。"},
    ]
    write_jsonl(tmp_path / "in" / "a.jsonl", records)
    run_ingest(tmp_path / "ix", [tmp_path / "in"], rebuild=True)
    ix = store.open_generation(store.current_generation(tmp_path / "ix"))
    with ix.searcher() as searcher:
        num = {searcher.stored_fields(d)["id"]: d for d in range(searcher.doc_count_all())}
        found = [searcher.stored_fields(d)["id"]
                 for d, _ in related(searcher, num["a"], 5, exclude=[num["a-repost"]])]
    assert found[:2] == ["other", "same"]
    assert "a" not in found and "a-repost" not in found
