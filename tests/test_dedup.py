"""Reposts: one story in several papers is one result with its count; expanding lists them all."""
from __future__ import annotations

import numpy as np
import pytest
from helpers import write_jsonl

from indexer import store, stories
from indexer.analysis import fold
from indexer.ingest.run import run_ingest
from indexer.search.engine import SearchEngine
from indexer.search.request import SearchRequest
from indexer.segment import signatures

STORY = ("新华社北京3月5日电 第十四届全国人民代表大会第二次会议今天上午在人民大会堂开幕，"
         "国务院总理作政府工作报告。报告提出，今年国内生产总值增长预期目标为百分之五左右，"
         "城镇新增就业一千二百万人以上，城镇调查失业率百分之五点五左右，居民消费价格涨幅百分之三左右。"
         "报告强调，要大力推进现代化产业体系建设，加快发展新质生产力，深入实施科教兴国战略，"
         "着力扩大国内需求，坚定不移深化改革，扩大高水平对外开放，更好统筹发展和安全。")
OTHERS = [
    "全国人民代表大会代表在分组讨论中谈到，乡村振兴需要更多人才扎根基层，"
    "多地探索以县域为单位的职业教育，让农民在家门口学技术、找工作。",
    "本市今年将新建改建公园二十座，政府工作报告中的民生实事项目已全部分解到各区，"
    "市民可通过热线反映意见建议，相关部门按月公布进展情况。",
    "政府工作报告提出加快发展新质生产力之后，多家企业表示将加大研发投入，"
    "一位工程师说，我们的新产线今年下半年投产，良品率已经超过九成，国内订单增长明显。",
]


def _records() -> list[dict]:
    papers = ["人民日报", "光明日报", "经济日报", "北京日报", "台湾某报"]
    records = []
    for i, paper in enumerate(papers):
        body = STORY
        if i == 1:
            body = "（转载）" + STORY + "责任编辑：王某"
        if i == 2:
            body = STORY.replace("今天上午", "5日上午")
        if i == 4:  # the same wire story in Traditional characters
            import opencc
            body = opencc.OpenCC("s2t").convert(STORY)
        records.append({"id": f"repost-{i}", "title": f"十四届全国人大二次会议开幕（{paper}）",
                        "date": f"2024-03-0{5 + i % 3}", "source": paper, "content": body})
    for i, body in enumerate(OTHERS):
        records.append({"id": f"other-{i}", "title": f"两会观察之{i + 1}", "date": "2024-03-06",
                        "source": "地方日报", "content": body + "政府工作报告受到关注。"})
    return records


@pytest.fixture(scope="module")
def repost_index(tmp_path_factory):
    folder = tmp_path_factory.mktemp("reposts")
    write_jsonl(folder / "articles" / "reposts.jsonl", _records())
    index_dir = folder / "index"
    run_ingest(index_dir, [folder / "articles"], rebuild=True)
    gen = store.current_generation(index_dir)
    ix = store.open_generation(gen)
    with ix.searcher() as searcher:
        ids = stories.cluster_index(searcher)
        docnum = {searcher.stored_fields(d)["id"]: d for d in range(searcher.doc_count_all())}
    stories.write_clusters(gen, ids)
    engine = SearchEngine(index_dir)
    yield engine, gen, docnum
    engine.close()


def test_reposts_are_one_story_and_others_stay_apart(repost_index):
    _, gen, docnum = repost_index
    ids = stories.read_clusters(gen, len(docnum))
    story = {ids[docnum[f"repost-{i}"]] for i in range(5)}
    assert len(story) == 1
    others = {ids[docnum[f"other-{i}"]] for i in range(3)}
    assert len(others) == 3 and not others & story


def test_collapsed_page_shows_one_result_with_its_count_and_expanding_lists_all(repost_index):
    engine, gen, docnum = repost_index
    result = engine.search(SearchRequest.create("政府工作报告", per_page=100))
    assert result.total == 8  # totals count every matching article
    assert result.stories == 4  # the story and the three others
    assert len(result.hits) == 4
    reposts = [h for h in result.hits if h.id.startswith("repost-")]
    assert len(reposts) == 1 and reposts[0].duplicates == 4  # 另有 4 篇相似报道
    assert all(h.duplicates == 0 for h in result.hits if h not in reposts)
    assert sum(f.count for f in result.facets["source"]) >= 8  # facets over every match
    assert result.to_dict()["stories"] == 4 and result.to_dict()["hits"][0]["duplicates"] in (0, 4)

    # collapse=0 lists every article, in the same order around the kept one
    every = engine.search(SearchRequest.create("政府工作报告", per_page=100, collapse=False))
    assert len(every.hits) == 8 and all(h.duplicates == 0 for h in every.hits)
    ranked = [docnum[h.id] for h in every.hits]
    ids = stories.read_clusters(gen, len(docnum))
    kept, duplicates, n_stories = stories.collapse(ranked, ranked, ids)
    assert [engine_id(docnum, k) for k in kept] == [h.id for h in result.hits]
    assert duplicates == [h.duplicates for h in result.hits] and n_stories == 4

    # expanding the story lists all five reposts
    story = engine.search(SearchRequest.create("政府工作报告", per_page=100, story=reposts[0].id))
    assert sorted(h.id for h in story.hits) == [f"repost-{i}" for i in range(5)]
    assert stories.story_members(ids, docnum[reposts[0].id]) == sorted(docnum[f"repost-{i}"] for i in range(5))


def test_paging_counts_stories_not_articles(repost_index):
    engine, _, _ = repost_index
    pages = [engine.search(SearchRequest.create("政府工作报告", per_page=2, page=p)) for p in (1, 2, 3)]
    ids = [h.id for r in pages for h in r.hits]
    assert len(ids) == 4 == len(set(ids))  # two stories a page, nothing twice, nothing lost


def test_related_articles_leave_out_the_articles_reposts(repost_index):
    engine, _, _ = repost_index
    found = [h.id for h in engine.related("repost-0", limit=5)]
    assert found and not any(i.startswith("repost-") for i in found)


def test_duplicates_count_only_matching_articles(repost_index):
    _, gen, docnum = repost_index
    ids = stories.read_clusters(gen, len(docnum))
    two = [docnum["repost-3"], docnum["repost-0"]]
    kept, duplicates, n_stories = stories.collapse(two, two, ids)
    assert kept == [docnum["repost-3"]] and duplicates == [1] and n_stories == 1


def test_an_index_without_stored_stories_collapses_nothing(tmp_path):
    ids = stories.read_clusters(tmp_path, 5)
    assert ids.tolist() == [0, 1, 2, 3, 4]
    stories.write_clusters(tmp_path, np.array([0, 0, 2], dtype=np.int32))
    assert stories.read_clusters(tmp_path, 5).tolist() == [0, 1, 2, 3, 4]  # does not fit: ignored
    assert stories.read_clusters(tmp_path, 3).tolist() == [0, 0, 2]


def test_signature_estimates_similarity():
    a = signatures.signature(fold(STORY))
    assert signatures.similarity(a, signatures.signature(fold(STORY + "责任编辑：王某"))) > 0.85
    assert signatures.similarity(a, signatures.signature(fold(OTHERS[2]))) < 0.2


def _text(rng, n: int) -> str:
    """`n` CJK characters drawn with `rng`: text no other article shares."""
    return "".join(chr(rng.randrange(0x4E00, 0x9FA5)) for _ in range(n))


def _rows(articles: list[tuple[str, str | None, str | None, str | None]]) -> list[tuple[int, np.ndarray]]:
    """(docnum, stored row) for (body, url, source, date) tuples."""
    return [(i, signatures.article_row(fold(body), url, source, date)) for i, (body, url, source, date) in enumerate(articles)]


def test_two_outlets_carrying_one_story_with_their_own_leads_are_one_story_and_a_template_series_is_not():
    """Two outlets carry one story, each with its own lead and closing (about as long as the
    shared text): one story, though a plain comparison finds them far apart. One outlet's six
    notices of a template (the same long wording, different names and numbers, as 委员长会议 or
    开除党籍 notices are) stay six stories, though any two share most of their text; so do the
    two outlets' texts when a month lies between them, and the same texts printed by one outlet."""
    import random

    rng = random.Random(7)
    shared = _text(rng, 400)
    lead_a, close_a, lead_b, close_b = _text(rng, 200), _text(rng, 150), _text(rng, 180), _text(rng, 170)
    first, second = lead_a + shared + close_a, lead_b + shared + close_b
    template = [_text(rng, 120) for _ in range(3)]
    notices = [template[0] + _text(rng, 40) + template[1] + _text(rng, 40) + template[2] for _ in range(6)]
    articles = [(first, "https://www.udn.com/news/1", "聯合報", "2025-11-18"),
                (second, "https://news.ltn.com.tw/news/2", "自由時報", None)]  # undated: judged by its text
    articles += [(n, None, "人民日报", f"2019-10-{10 + i:02d}") for i, n in enumerate(notices)]
    articles += [(_text(rng, 500), None, f"报{i}", "2019-10-10") for i in range(3)]  # unrelated articles
    assert signatures.similarity(signatures.signature(fold(first)), signatures.signature(fold(second))) < stories.THRESHOLD
    ids = stories.assign_clusters(_rows(articles), len(articles)).tolist()
    assert ids[0] == ids[1]
    assert len(set(ids[2:])) == len(articles) - 2

    apart = [(first, None, "聯合報", "2025-11-18"), (second, None, "自由時報", "2025-12-20")]
    assert stories.assign_clusters(_rows(apart), 2).tolist() == [0, 1]
    same_outlet = [(first, None, "聯合報", "2025-11-18"), (second, None, "联合报", "2025-11-18")]  # one paper, folded
    assert stories.assign_clusters(_rows(same_outlet), 2).tolist() == [0, 1]
    no_outlet = [(first, None, None, "2025-11-18"), (second, None, None, "2025-11-18")]
    assert stories.assign_clusters(_rows(no_outlet), 2).tolist() == [0, 1]


def test_a_story_two_outlets_rewrote_around_is_one_hit_on_the_page(tmp_path):
    """Through ingest and search: the two outlets' versions of one story are one hit standing
    for the other; the page lists both when the story is expanded."""
    import random

    rng = random.Random(11)
    shared = "政府工作报告" + _text(rng, 400)
    records = [{"id": "udn-1", "title": "報告發布", "date": "2025-11-18", "source": "聯合報",
                "url": "https://udn.com/news/story/1", "content": _text(rng, 200) + shared + _text(rng, 150)},
               {"id": "ltn-2", "title": "院版報告出爐", "date": "2025-11-19", "source": "自由時報",
                "url": "https://news.ltn.com.tw/news/2", "content": _text(rng, 180) + shared + _text(rng, 170)},
               {"id": "other-3", "title": "另一则", "date": "2025-11-18", "source": "中央社",
                "content": "政府工作报告" + _text(rng, 500)}]
    write_jsonl(tmp_path / "in" / "a.jsonl", records)
    run_ingest(tmp_path / "ix", [tmp_path / "in"], rebuild=True)
    with SearchEngine(tmp_path / "ix") as engine:
        result = engine.search(SearchRequest.create("政府工作报告"))
        assert result.total == 3 and result.stories == 2
        kept = next(h for h in result.hits if h.id in ("udn-1", "ltn-2"))
        assert kept.duplicates == 1


def engine_id(docnum: dict[str, int], d: int) -> str:
    return next(k for k, v in docnum.items() if v == d)


def test_an_incremental_ingest_joins_a_new_repost_to_its_story(tmp_path):
    write_jsonl(tmp_path / "in" / "a.jsonl", _records())
    run_ingest(tmp_path / "ix", [tmp_path / "in"], rebuild=True)
    first = store.current_generation(tmp_path / "ix")
    kept_signatures = {p.name for p in first.glob("minhash-*.npy")}
    write_jsonl(tmp_path / "in" / "b.jsonl", [{"id": "repost-5", "title": "人大会议开幕", "date": "2024-03-08",
                                              "source": "晚报", "content": STORY + "（完）"}])
    run_ingest(tmp_path / "ix", [tmp_path / "in"])
    second = store.current_generation(tmp_path / "ix")
    assert second != first
    assert kept_signatures <= {p.name for p in second.glob("minhash-*.npy")}  # old segments reused
    with SearchEngine(tmp_path / "ix") as engine:
        result = engine.search(SearchRequest.create("政府工作报告"))
        assert result.total == 9 and result.stories == 4
        assert [h.duplicates for h in result.hits if h.id.startswith("repost-")] == [5]


def test_the_writers_signatures_are_those_of_the_stored_bodies(tmp_path, monkeypatch):
    """The segment writers compute each article's signature as they write it (two writer
    processes, several segments); they equal what the stored bodies give, so the stories are
    the same as if every body were read back."""
    from indexer.ingest import writer
    from indexer.ingest.report import IngestOptions

    monkeypatch.setattr(writer, "MAX_SEGMENT_HELD", 50)  # a segment every article or two
    records = _records()
    for i in range(0, len(records), 2):
        write_jsonl(tmp_path / "in" / f"part-{i:02d}.jsonl", records[i:i + 2])
    run_ingest(tmp_path / "ix", [tmp_path / "in"], rebuild=True, options=IngestOptions(procs=2))
    gen = store.current_generation(tmp_path / "ix")
    ix = store.open_generation(gen)
    with ix.searcher() as searcher:
        leaves = searcher.reader().leaf_readers()
        assert len(leaves) > 2
        for leaf, _ in leaves:
            written = np.load(signatures.signatures_path(gen, leaf.segment().segment_id()))
            assert np.array_equal(written, signatures.segment_signatures(leaf))
        stored = stories.read_clusters(gen, searcher.doc_count_all())
        assert np.array_equal(stored, stories.cluster_index(searcher))  # no cache: from the bodies
    with SearchEngine(tmp_path / "ix") as engine:
        result = engine.search(SearchRequest.create("政府工作报告"))
        assert result.total == 8 and result.stories == 4


def test_a_long_bodys_signature_is_the_minimum_over_all_its_shingles():
    """The signature of a text longer than one block of hashing is each hash function's minimum
    over every distinct shingle, as if all were hashed at once (a volume of the gazette and its
    repost must get the same signature however it is computed)."""
    import random

    rng = random.Random(3)
    text = "".join(rng.choice("经济发展改革开放国家政策合作交流建设推进生态环境部") for _ in range(3 * signatures._HASHED_AT_ONCE + 17))
    cps = [ord(c) for c in text]
    shingles = {sum(c * pow(1_000_003, signatures.SHINGLE - 1 - j, 2**64) for j, c in enumerate(cps[i:i + signatures.SHINGLE])) % 2**64
                for i in range(len(cps) - signatures.SHINGLE + 1)}
    a, b = signatures._coefficients()
    expected = [min((s * int(ai) + int(bi)) % 2**64 for s in shingles) >> 32 for ai, bi in zip(a, b)]
    assert signatures.signature(text).tolist() == expected


def test_an_ingest_over_an_index_with_older_signatures_leaves_the_live_generation_intact(tmp_path):
    """Signature files written by an older version (64 columns, no outlet or day) are computed
    again for the new generation; the live generation's files, hard-linked into the new one,
    stay as they were (it is still served until the switch, and kept as the fallback after)."""
    from indexer import integrity

    write_jsonl(tmp_path / "in" / "a.jsonl", _records())
    run_ingest(tmp_path / "ix", [tmp_path / "in"], rebuild=True)
    first = store.current_generation(tmp_path / "ix")
    for path in first.glob("minhash-*.npy"):  # as an older version wrote them
        old = np.load(path)[:, :signatures.NUM_PERM]
        path.unlink()
        np.save(path, old)
        integrity.update(first, path.name)
    before = {p.name: p.read_bytes() for p in first.glob("minhash-*.npy")}
    write_jsonl(tmp_path / "in" / "b.jsonl", [{"id": "new-1", "title": "新的一篇", "date": "2024-03-08",
                                              "source": "晚报", "content": OTHERS[0] * 2}])
    run_ingest(tmp_path / "ix", [tmp_path / "in"])
    assert {p.name: p.read_bytes() for p in first.glob("minhash-*.npy")} == before
    assert integrity.verify(first, full=True).ok
    second = store.current_generation(tmp_path / "ix")
    assert all(np.load(p).shape[1] == signatures.WIDTH for p in second.glob("minhash-*.npy"))


def test_an_outlet_is_its_domain_or_its_source():
    key = signatures.outlet_key
    assert key("https://news.ltn.com.tw/a", None) == key("https://ltn.com.tw/b", "自由時報") != key("https://udn.com/c", None)
    assert key("https://m.udn.com/x", None) == key("https://www.udn.com/y", None)
    assert key("https://www.miit.gov.cn/x", None) != key("https://www.moe.gov.cn/x", None)
    assert key(None, "聯合報") == key(None, "联合报") != 0
    assert key(None, None) == key("", "") == 0


def test_two_outlets_short_items_of_one_template_are_two_stories():
    """Two outlets' short announcements of two different visits, one template around the names,
    share a fifth of their few shingles: too little text to be one story."""
    template = "外交部发言人宣布：应国家主席邀请，{}将于{}对中国进行国事访问。双方将就双边关系和共同关心的问题交换意见。"
    items = [(template.format("南非副总统马布扎", "11月20日至23日"), "https://www.news.cn/a", "新华社", "2019-11-18"),
             (template.format("厄瓜多尔外长瓦伦西亚", "11月21日至24日"), "https://www.cctv.com/b", "央视", "2019-11-19")]
    rows = _rows(items)
    assert signatures.similarity(rows[0][1], rows[1][1]) >= stories.OUTLET_THRESHOLD  # alike by share alone
    assert stories.assign_clusters(rows, 2).tolist() == [0, 1]
