"""Saved searches, alerts and the zero-hit log, kept with the index (docs/interfaces.md "Command
line", "Web routes"): through the command line (click's CliRunner) and the Flask test client."""
from __future__ import annotations

import json
import shutil
import threading
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import write_jsonl

from cli import cli
from indexer import saved
from search_web import create_app

FIRST = [
    {"id": "a1", "title": "生态环境部通报空气质量", "date": "2024-02-05", "source": "生态环境部",
     "body": "生态环境部今日通报全国空气质量，生态环境持续改善。"},
    {"id": "a2", "title": "财政部新闻稿", "date": "2023-12-01", "source": "财政部",
     "body": "财政部说明预算执行情况，并提到生态环境支出。"},
    {"id": "a3", "title": "教育部通知", "date": "2024-01-10", "source": "教育部",
     "body": "教育部要求各地做好开学准备，保障师生安全。"},
]
LATER = [
    {"id": "b1", "title": "生态环境部发布新规", "date": "2024-03-01", "source": "生态环境部",
     "body": "生态环境部发布新规，加强生态环境保护。"},
    {"id": "b2", "title": "教育部再发通知", "date": "2024-03-02", "source": "教育部",
     "body": "教育部再次发布通知，部署春季学期工作。"},
]
ATOM = "{http://www.w3.org/2005/Atom}"


def run(index: Path, *args: str, code: int = 0):
    result = CliRunner().invoke(cli, ["--index", str(index), *args], catch_exceptions=False)
    assert result.exit_code == code, result.output
    return result


def alerts(index: Path) -> list[dict]:
    return json.loads(run(index, "alerts", "--format", "json").output)


@pytest.fixture()
def index(tmp_path) -> Path:
    write_jsonl(tmp_path / "first" / "news.jsonl", FIRST)
    ix = tmp_path / "index"
    run(ix, "rebuild", str(tmp_path / "first"))
    return ix


def test_saved_searches_are_added_listed_and_removed_and_survive_a_rebuild(index):
    run(index, "saved", "add", "环保", "生态环境", "--source", "生态环境部", "--from", "2024年1月")
    run(index, "saved", "add", "教育", "教育部")
    listed = json.loads(run(index, "saved", "list", "--format", "json").output)
    assert [(s["name"], s["query"], s["sources"], s["from"]) for s in listed] == [
        ("环保", "生态环境", ["生态环境部"], "2024年1月"), ("教育", "教育部", [], None)]
    assert "环保: 生态环境  [来源 生态环境部，起 2024年1月]" in run(index, "saved", "list").output
    run(index, "rebuild")
    assert [s["name"] for s in json.loads(run(index, "saved", "list", "--format", "json").output)] == ["环保", "教育"]
    run(index, "saved", "remove", "教育")
    assert [s["name"] for s in json.loads(run(index, "saved", "list", "--format", "json").output)] == ["环保"]
    assert "没有名为「教育」的保存的搜索" in run(index, "saved", "remove", "教育", code=1).output


def test_listing_the_desk_of_a_mistyped_index_folder_fails_instead_of_saying_nothing_is_saved(index, tmp_path):
    typo = tmp_path / "indx"
    assert "还没有索引" in run(typo, "saved", "list", code=1).output
    assert "还没有索引" in run(typo, "variants", "list", "--format", "json", code=1).output
    assert not typo.exists()
    run(index, "saved", "add", "环保", "生态环境")  # a real index folder lists what it holds
    assert [s["name"] for s in json.loads(run(index, "saved", "list", "--format", "json").output)] == ["环保"]


def test_bad_saved_searches_are_refused_as_bad_usage(index):
    assert "起始日期无法识别" in run(index, "saved", "add", "坏日期", "x", "--from", "2024-13", code=2).output
    assert "需要一个名称" in run(index, "saved", "add", "  ", "x", code=2).output
    assert "斜杠" in run(index, "saved", "add", "a/b", "x", code=2).output
    assert "保存的查询不能含控制字符" in run(index, "saved", "add", "控制", "环境\x07", code=2).output
    assert "保存的查询不能含控制字符" in run(index, "saved", "add", "控制", "环境", "--source", "新华\x00社", code=2).output
    run(index, "saved", "add", "同名", "x")
    taken = run(index, "saved", "add", "同名", "y", code=2).output
    assert "已有名为「同名」" in taken and "--replace" in taken  # and how to replace it
    run(index, "saved", "add", "同名", "y", "--replace")
    assert [s.query for s in saved.load(index)] == ["y"]


def test_concurrent_writers_lose_no_saved_search(index):
    def save(k: int) -> None:
        for i in range(10):
            saved.add(index, saved.make(f"s{k}-{i}", f"查询{i}"))

    threads = [threading.Thread(target=save, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(saved.load(index)) == 40
    assert not [p for p in index.iterdir() if p.name.endswith(".tmp")]


def test_alerts_report_articles_new_since_the_last_run_across_ingests_and_rebuilds(index, tmp_path):
    run(index, "saved", "add", "环保", "生态环境", "--source", "生态环境部")
    run(index, "saved", "add", "全部")
    # the first run only sets the mark
    assert "环保：已标记" in run(index, "alerts").output
    assert alerts(index) == [{"name": "环保", "query": "生态环境", "new": []}, {"name": "全部", "query": "", "new": []}]

    write_jsonl(tmp_path / "later" / "news.jsonl", LATER)
    run(index, "ingest", str(tmp_path / "later"))
    found = alerts(index)
    assert found[0] == {"name": "环保", "query": "生态环境",
                        "new": [{"id": "b1", "title": "生态环境部发布新规", "date": "2024-03-01"}]}
    assert [n["id"] for n in found[1]["new"]] == ["b2", "b1"]  # newest first
    assert [a["new"] for a in alerts(index)] == [[], []]  # nothing since

    # an ingest that updates an article in place (its old copy deleted in an older segment): not new
    write_jsonl(tmp_path / "later" / "news.jsonl", [dict(LATER[0], body=LATER[0]["body"] + "另有更新。"), LATER[1]])
    assert "新增 0，更新 1，未变 1" in run(index, "ingest", str(tmp_path / "later")).output  # (b2 is as it was)
    assert [a["new"] for a in alerts(index)] == [[], []]

    # a rebuild re-reads every article unchanged: nothing is new
    run(index, "rebuild")
    assert [a["new"] for a in alerts(index)] == [[], []]

    # an article changed in place keeps its id: not new; one added by a rebuild is
    changed = [dict(FIRST[0], body=FIRST[0]["body"] + "补充说明。")] + FIRST[1:]
    write_jsonl(tmp_path / "first" / "news.jsonl", changed + [
        {"id": "c1", "title": "生态环境部答记者问", "date": "2024-04-01", "source": "生态环境部",
         "body": "生态环境部新闻发言人回答记者提问。"}])
    run(index, "rebuild")
    text = run(index, "alerts").output
    assert "环保：1 篇新文章\n  2024-04-01  生态环境部答记者问  [c1]\n全部：1 篇新文章" in text
    assert [a["new"] for a in alerts(index)] == [[], []]


def test_alerts_as_json_list_every_new_article_where_text_lists_a_hundred_and_counts_the_rest(index, tmp_path):
    run(index, "saved", "add", "全部")
    alerts(index)  # the mark
    many = [{"id": f"n{i:03d}", "title": f"第{i}篇通报", "date": f"2024-05-{1 + i % 28:02d}", "body": f"通报正文第{i}篇。"}
            for i in range(130)]
    write_jsonl(tmp_path / "many" / "news.jsonl", many)
    run(index, "ingest", str(tmp_path / "many"))
    shutil.copytree(index, tmp_path / "copy")  # the same state, asked once as text, once as JSON
    text = run(tmp_path / "copy", "alerts").output
    assert "全部：130 篇新文章（其中 30 篇未列出）" in text and text.count("  2024-05-") == 100
    found = alerts(index)
    assert sorted(n["id"] for n in found[0]["new"]) == [a["id"] for a in many]  # none lost to a script
    assert [a["new"] for a in alerts(index)] == [[]]


def test_alerts_are_a_batch_job_not_held_to_a_page_s_deadline(index, tmp_path, monkeypatch):
    from indexer.search import budget

    run(index, "saved", "add", "环保", "生态环境")
    alerts(index)
    write_jsonl(tmp_path / "later" / "news.jsonl", LATER)
    run(index, "ingest", str(tmp_path / "later"))
    # every search takes a minute now: a page's (2 s) would stop, the alerts' runs to the end
    monkeypatch.setattr(budget.Deadline, "passed", lambda self: self.seconds is not None and self.seconds < 60)
    found = alerts(index)
    assert [(a["name"], [n["id"] for n in a["new"]]) for a in found] == [("环保", ["b1"])]


def test_a_search_saved_after_the_mark_is_marked_on_its_first_run(index, tmp_path):
    run(index, "saved", "add", "全部")
    alerts(index)
    write_jsonl(tmp_path / "later" / "news.jsonl", LATER)
    run(index, "ingest", str(tmp_path / "later"))
    run(index, "saved", "add", "教育", "教育部")
    text = run(index, "alerts").output
    assert "全部：2 篇新文章" in text and "教育：已标记" in text
    assert alerts(index)[1] == {"name": "教育", "query": "教育部", "new": []}


def test_a_search_saved_again_under_its_old_name_for_something_else_starts_with_its_own_mark(index, tmp_path):
    """A tester: `环保` removed and saved again for 教育部 inherited the old search's mark and
    listed as new every article matching 教育部 ingested since, where a search saved under a
    new name only got marked. A search is known to the mark by its name and what it searches;
    one saved again exactly as it was keeps its mark."""
    run(index, "saved", "add", "环保", "生态环境")
    run(index, "saved", "add", "全部")
    alerts(index)
    write_jsonl(tmp_path / "later" / "news.jsonl", LATER)
    run(index, "ingest", str(tmp_path / "later"))
    run(index, "saved", "remove", "环保")
    run(index, "saved", "add", "环保", "教育部")
    run(index, "saved", "remove", "全部")
    run(index, "saved", "add", "全部")  # the same search again: still marked
    found = {a["name"]: [n["id"] for n in a["new"]] for a in alerts(index)}
    assert found == {"环保": [], "全部": ["b2", "b1"]}
    assert "环保：已标记" not in run(index, "alerts").output  # marked now, as itself


def test_alerts_without_an_index_fail(tmp_path):
    assert "还没有索引" in run(tmp_path / "none", "alerts", code=1).output  # (said in Chinese, as every error)


# ------------------------------------------------------------------------------------- web


@pytest.fixture()
def client(index):
    return create_app({"INDEX_DIR": index, "WARM_UP": False}).test_client()


def test_saving_a_search_on_the_web_lists_it_with_links_to_run_it_and_its_feed(client, index):
    page = client.get("/saved?q=生态环境&source=生态环境部")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'value="生态环境"' in html and 'value="生态环境部"' in html  # the form holds the search to save
    r = client.post("/saved", data={"name": "环保", "q": "生态环境", "source": ["生态环境部", ""], "from": "2024"})
    assert r.status_code == 303 and r.headers["Location"].endswith("/saved")
    assert [(s.name, s.query, s.sources, s.date_from) for s in saved.load(index)] == [
        ("环保", "生态环境", ("生态环境部",), "2024")]
    html = client.get("/saved").get_data(as_text=True)
    assert "/?q=%E7%94%9F%E6%80%81%E7%8E%AF%E5%A2%83&amp;source=%E7%94%9F%E6%80%81%E7%8E%AF%E5%A2%83%E9%83%A8&amp;from=2024" in html
    assert "/feeds/saved/%E7%8E%AF%E4%BF%9D.atom" in html
    # the CLI sees what the web saved
    assert "环保" in run(index, "saved", "list").output


def test_bad_input_to_the_save_form_is_a_400_with_the_values_kept(client, index):
    r = client.post("/saved", data={"name": "坏", "q": "生态环境", "from": "2024-13"})
    assert r.status_code == 400
    html = r.get_data(as_text=True)
    assert "起始日期无法识别" in html and 'value="生态环境"' in html
    assert client.post("/saved", data={"name": "", "q": "x"}).status_code == 400
    assert client.post("/saved", data={"name": "x" * 101, "q": "x"}).status_code == 400
    assert client.post("/saved", data={"name": "nul", "q": "环境\x00"}).status_code == 400  # never stored, never shown raw
    assert saved.load(index) == []


def test_feeds_list_each_repost_as_an_entry_of_its_own(tmp_path):
    """A feed holds the newest matching articles: a repost of a story (its own id, the same
    text) is an entry of its own, news to a feed reader that shows the story already; the
    search feed collapses only when its URL asks (`collapse=1`), as the CSV export does."""
    story = {"title": "生态环境部通报空气质量", "source": "生态环境部",
             "body": "生态环境部今日在京通报全国空气质量状况。通报指出，今年以来全国地级及以上城市空气质量"
                     "优良天数比例同比上升，细颗粒物平均浓度下降，各地持续推进大气污染防治工作。记号转载。"}
    write_jsonl(tmp_path / "a" / "r.jsonl", [{"id": "r1", "date": "2024-01-05", **story},
                                              {"id": "r2", "date": "2024-01-06", **story}])
    index = tmp_path / "index"
    run(index, "rebuild", str(tmp_path / "a"))
    run(index, "saved", "add", "转载", "记号转载")
    client = create_app({"INDEX_DIR": index, "WARM_UP": False}).test_client()

    def entries(url: str) -> int:
        return len(ET.fromstring(client.get(url).data).findall(f"{ATOM}entry"))

    assert entries("/feeds/search.atom?q=记号转载") == 2
    assert entries("/feeds/saved/转载.atom") == 2
    assert entries("/feeds/search.atom?q=记号转载&collapse=1") == 1


def test_a_cross_site_post_cannot_save(client, index):
    r = client.post("/saved", data={"name": "坏", "q": "x"}, headers={"Origin": "https://evil.example"})
    assert r.status_code == 403
    r = client.post("/saved", data={"name": "坏", "q": "x"}, headers={"Sec-Fetch-Site": "cross-site"})
    assert r.status_code == 403
    assert saved.load(index) == []
    r = client.post("/saved", data={"name": "好", "q": "x"}, headers={"Origin": "http://localhost",
                                                                    "Sec-Fetch-Site": "same-origin"})
    assert r.status_code == 303 and [s.name for s in saved.load(index)] == ["好"]


def test_a_saved_searchs_feed_lists_its_newest_matching_articles(client, index):
    run(index, "saved", "add", "环保", "生态环境", "--source", "生态环境部")
    r = client.get("/feeds/saved/环保.atom")
    assert r.status_code == 200 and r.mimetype == "application/atom+xml"
    feed = ET.fromstring(r.data)
    assert feed.find(f"{ATOM}title").text == "文搜：环保"
    assert [e.find(f"{ATOM}title").text for e in feed.findall(f"{ATOM}entry")] == ["生态环境部通报空气质量"]
    assert client.get("/feeds/saved/没有.atom").status_code == 404


def test_a_search_within_results_or_without_variants_is_saved_as_it_is(client, index):
    """A tester saved `生态 within 预算` from the page's link: the form dropped `within` (and
    `variants=0`), and the saved search, its link and its feed found every 生态 article."""
    page = client.get("/saved?q=%E7%94%9F%E6%80%81&within=%E9%A2%84%E7%AE%97&variants=0").get_data(as_text=True)
    assert 'name="within" value="预算"' in page and 'name="variants" value="0" checked' in page
    r = client.post("/saved", data={"name": "预算里的生态", "q": "生态", "within": "预算", "variants": "0"})
    assert r.status_code == 303
    (found,) = saved.load(index)
    assert found.within == ("预算",) and found.variants is False
    # `variants=no` (or off, false) reads as the search page reads it
    assert 'name="variants" value="0" checked' in client.get("/saved?q=x&variants=no").get_data(as_text=True)
    listed = client.get("/saved").get_data(as_text=True)
    assert "within=%E9%A2%84%E7%AE%97" in listed and "variants=0" in listed and "在结果中搜索 预算" in listed
    feed = ET.fromstring(client.get("/feeds/saved/预算里的生态.atom").data)
    assert [e.find(f"{ATOM}title").text for e in feed.findall(f"{ATOM}entry")] == ["财政部新闻稿"]
    run(index, "saved", "add", "命令行", "生态", "--within", "预算", "--no-variants")
    row = json.loads(run(index, "saved", "list", "--format", "json").output)[1]
    assert (row["within"], row["variants"]) == (["预算"], False)


def test_a_saved_searchs_name_and_query_stay_inert_on_the_page(client, index):
    run(index, "saved", "add", "<b onmouseover=alert(1)>x", "<script>alert(2)</script>")
    html = client.get("/saved").get_data(as_text=True)
    assert "<b onmouseover" not in html and "<script>alert(2)" not in html
    assert "&lt;b onmouseover=alert(1)&gt;x" in html and "&lt;script&gt;alert(2)&lt;/script&gt;" in html


# ---------------------------------------------------------------------------- zero-hit log


def test_queries_that_found_nothing_are_counted_in_stats(index):
    for q in ("没有的词", "没有的词", "  没有的词 ", "另一个没有的", "生态环境"):
        run(index, "search", q)
    run(index, "search", "生态环境 没有的词", "--page", "2")  # a later page is no new search
    # narrowed by filters or a within-query, finding nothing says nothing of the query (a tester:
    # 生态环境 was listed as a dead search, which finds articles on its own)
    run(index, "search", "生态环境", "--from", "1990", "--to", "1991")
    run(index, "search", "生态环境", "--within", "没有的词")
    run(index, "search", "生态环境", "--source", "没有这个来源")
    data = json.loads(run(index, "stats", "--format", "json").output)
    assert data["zero_hits"] == [{"query": "没有的词", "count": 3}, {"query": "另一个没有的", "count": 1}]
    assert "没有结果的搜索：没有的词 (3), 另一个没有的 (1)" in run(index, "stats").output
    run(index, "rebuild")  # kept with the index
    assert json.loads(run(index, "stats", "--format", "json").output)["zero_hits"][0]["count"] == 3


def test_the_web_counts_zero_hit_searches_but_not_its_warm_up(index):
    client = create_app({"INDEX_DIR": index}).test_client()  # warms up with a search this index has no hit for
    assert json.loads(run(index, "stats", "--format", "json").output)["zero_hits"] == []
    assert client.get("/api/search?q=火星基地").get_json()["total"] == 0
    assert client.get("/?q=火星基地").status_code == 200
    assert json.loads(run(index, "stats", "--format", "json").output)["zero_hits"] == [{"query": "火星基地", "count": 2}]


def test_the_log_is_bounded_and_never_fails_a_search(index, monkeypatch):
    from indexer.search import zerohits
    from indexer.search.engine import SearchEngine
    from indexer.search.request import SearchRequest

    monkeypatch.setattr(zerohits, "MAX_QUERIES", 3)
    with SearchEngine(index) as engine:
        for q in ("甲乙", "甲乙", "丙丁", "戊己", "庚辛", "壬癸"):
            assert engine.search(SearchRequest.create(q)).total == 0
        assert [v["query"] for v in zerohits.top(index)] == ["甲乙", "壬癸", "庚辛"]
        (index / zerohits.FILE).unlink()
        (index / zerohits.FILE).mkdir()  # unwritable: the search goes on, nothing is left behind
        assert engine.search(SearchRequest.create("甲乙")).total == 0
        assert zerohits.top(index) == []
        assert not [p for p in index.iterdir() if p.name.endswith(".tmp")]
