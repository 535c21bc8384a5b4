"""The archivist's desk (issue 25) in headless Chromium: each loose end and each capability that
had only HTTP-level tests, driven through the real page with JavaScript on and off and at phone
width, and axe-core on the pages they add.

`desk_url` serves a small index built here (`desk_records`): six stories reposted three times
each and six single articles about 峰会 (24 articles, 12 stories: two pages of ten once reposts
are merged, three if they were not), an article that writes 高品質發展 from the Traditional
生態環境部, two from 央视网, three about 湿地 and 修复 at known distances, four lines of 协议
whose date, source, left and right orders all differ, and 23 files with no article to skip.
`page` and the other fixtures come from conftest.py; their contexts reach this server by its
absolute URL.
"""
from __future__ import annotations

import csv
import datetime as dt
import re
import xml.etree.ElementTree as ET
from urllib.parse import parse_qs, urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from helpers import TRADITIONAL_ID, index_of, live_server
from playwright.sync_api import expect

from search_web import create_app

ATOM = "{http://www.w3.org/2005/Atom}"
STORIES = [
    "全国人民代表大会代表在分组讨论中谈到，乡村振兴需要更多人才扎根基层，多地探索以县域为单位的职业教育。",
    "本市今年将新建改建公园二十座，民生实事项目已全部分解到各区，市民可通过热线反映意见建议。",
    "一位工程师说，新产线今年下半年投产，良品率已经超过九成，企业表示将加大研发投入设立研究中心。",
    "气象部门预计，本周后期冷空气南下，北方大部地区气温下降八到十度，请公众注意防寒保暖出行安全。",
    "博物馆推出夜间开放，观众可以在傍晚以后参观青铜器和书画展览，讲解员每小时带领一次导览活动。",
    "铁路部门增开旅客列车一百多对，春运期间车票预售期为十五天，旅客可以通过手机客户端候补购票。",
]
PAPERS = ["新华社", "人民网", "光明网", "中国新闻网", "经济日报", "法治日报", "科技日报"]
SKIPPED = 23  # files with no article in them: stats lists 20 and says how many more


def desk_records() -> list[dict]:
    out = [{"id": f"story{s}-{c}", "title": f"峰会报道{s}（{'甲乙丙'[c]}）", "date": f"2024-03-{s + 1:02d}",
            "source": PAPERS[(s + c) % len(PAPERS)], "body": "峰会期间，" + body * 3}
           for s, body in enumerate(STORIES) for c in range(3)]
    out += [{"id": f"single-{i}", "title": f"峰会单篇{i}", "date": f"2023-0{i + 1}-01", "source": PAPERS[i],
             "body": f"峰会消息第{i}则，内容各不相同{i * 7}。"} for i in range(6)]
    return out + [
        {"id": "hqd-trad", "title": "以機關黨建高品質發展引領生態環境保護", "date": "2024-02-05", "source": "生態環境部",
         "author": "孫金龍", "body": "生態環境部黨組堅持推動高品質發展。\n以機關黨建高品質發展引領和保障。"},
        # 湿地 and 修复: 2 characters apart, 10 apart, and adjacent the other way round
        {"id": "cctv-1", "title": "央视网评：湿地保护", "date": "2022-05-01", "source": "央视网", "body": "加强湿地综合修复工作。"},
        {"id": "cctv-2", "title": "央视网：湿地观察", "date": "2021-05-01", "source": "央视网",
         "body": "湿地问题需要长期坚持系统修复。"},
        {"id": "wet-3", "title": "湿地简讯", "date": "2020-05-01", "source": "科技日报", "body": "修复湿地。"},
        # 协议 with two characters each side: by date 签署 履行 修改 收回, by source (丙 乙 甲)
        # 履行 修改 签署 收回, by left context 收回 修改 签署 履行, by right context 修改 收回 签署 履行
        {"id": "kwic-a", "date": "2019-03-01", "title": "签约新闻一", "source": "乙报", "body": "广州签署协议条款。"},
        {"id": "kwic-b", "date": "2021-06-01", "title": "签约新闻二", "source": "丙报", "body": "北京履行协议生效。上海修改协议一并。"},
        {"id": "kwic-c", "title": "签约新闻三", "source": "甲报", "body": "深圳收回协议全文。"},
    ]


@pytest.fixture(scope="module")
def desk_url(tmp_path_factory):
    folder = tmp_path_factory.mktemp("browser-desk")
    (folder / "articles").mkdir()
    for i in range(SKIPPED):
        (folder / "articles" / f"empty{i:02d}.txt").write_text("x\n", encoding="utf-8")
    with live_server(create_app({"INDEX_DIR": index_of(folder, "desk.jsonl", desk_records())})) as url:
        yield url


def total(p) -> int:
    return int(p.locator("#total").inner_text())


def args(p) -> dict[str, list[str]]:
    return parse_qs(urlsplit(p.url).query)


def serious_violations(p) -> list:
    results = Axe().run(p)
    return [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
            for v in results.response["violations"] if v["impact"] in ("serious", "critical")]


def search_in_the_box(p, query: str, *, live_total: int | None = None) -> None:
    """Type `query` in the search box and press Enter; with JavaScript on, the live results
    (`live_total` of them) come first."""
    p.locator("#q").fill(query)
    if live_total is not None:
        expect(p.locator("#total")).to_have_text(str(live_total))
    with p.expect_navigation():
        p.locator("#q").press("Enter")


# ------------------------------------------------------------------------ (2) pages over stories


@pytest.mark.parametrize("which", ["page", "nojs_page"])
def test_pages_count_merged_stories_and_the_last_page_is_full(which, request, desk_url):
    p = request.getfixturevalue(which)
    p.goto(f"{desk_url}/?q=峰会")
    summary = p.locator("#summary").inner_text()
    assert "共 24 条结果" in summary and "第 1 / 2 页" in summary and "相同报道合并后 12 篇" in summary
    assert p.locator(".pager li a[aria-label]").all_inner_texts() == ["2"]  # no page 3
    assert p.locator("li.hit").count() == 10
    p.get_by_role("link", name="下一页").click()
    p.wait_for_url("**page=2*")
    assert p.locator("li.hit").count() == 2 and p.get_by_role("link", name="下一页").count() == 0
    p.goto(f"{desk_url}/?q=峰会&page=3")  # an old link past the end
    assert "一共只有 2 页" in p.locator(".empty").inner_text()
    p.get_by_role("link", name="最后一页").click()
    p.wait_for_url("**page=2*")
    assert p.locator(".pager .current").inner_text() == "2" and p.locator("li.hit").count() == 2


def test_typing_keeps_the_merged_story_count_in_step(page, desk_url):
    page.goto(f"{desk_url}/")
    page.locator("#q").fill("峰会")
    expect(page.locator("#total")).to_have_text("24")
    assert "第 1 / 2 页" in page.locator("#summary").inner_text()
    assert page.locator("#stories").inner_text() == "12"


# ------------------------------------------------------------------------ (3) the source finder


def test_source_finder_offers_the_values_containing_what_is_typed(page, desk_url):
    page.goto(f"{desk_url}/")
    page.locator("#find-source").fill("央视")
    offered = page.locator("#facet-source ul.values li:visible")
    assert [t.split()[0] for t in offered.all_inner_texts()] == ["央视网"]
    offered.locator("a").click()
    page.wait_for_url("**source=*")
    assert args(page)["source"] == ["央视网"] and total(page) == 2
    page.goto(f"{desk_url}/")
    page.locator("#find-source").fill("生态环境部")  # Simplified; the index holds 生態環境部
    page.locator("#find-source").press("Enter")
    page.wait_for_url("**source=*")
    assert total(page) == 1 and "生態環境部" in page.locator(".hit-meta").inner_text()
    assert page.locator(".chips a").inner_text().startswith("来源：生态环境部")


def test_source_finder_list_folds_scripts_as_you_type(page, desk_url):
    page.goto(f"{desk_url}/")
    page.locator("#find-source").fill("生态环境部")
    assert [t.split()[0] for t in page.locator("#facet-source ul.values li:visible").all_inner_texts()] == ["生態環境部"]


def test_a_source_chosen_in_the_other_script_shows_as_chosen_with_its_count(page, desk_url):
    page.goto(f"{desk_url}/?source=生态环境部")
    assert total(page) == 1
    assert page.locator("#facet-source li.selected").inner_text().split() == ["✓", "生態環境部", "1"]


def test_a_source_named_by_its_start_is_offered_whole_without_javascript(nojs_page, desk_url):
    p = nojs_page
    p.goto(f"{desk_url}/")
    p.locator("#find-source").fill("央视")
    p.locator("#facet-source .finder button").click()
    p.wait_for_url("**source=*")
    assert total(p) == 0
    assert "央视网" in p.locator("#no-results").inner_text()


# ------------------------------------------------------------------------ (4) the other strait's wording


@pytest.mark.parametrize("which", ["page", "phone_page"])
def test_the_article_marks_the_other_straits_wording(which, request, desk_url):
    p = request.getfixturevalue(which)
    p.goto(f"{desk_url}/")
    search_in_the_box(p, "高质量发展", live_total=1)
    assert "高品質發展" in p.locator("#variants").inner_text()
    assert p.locator(".hit-title mark").all_inner_texts() == ["高品質發展"]
    p.locator(".hit-title a").click()
    p.wait_for_url("**/articles/hqd-trad*")
    assert p.locator(".article-body mark").all_inner_texts() == ["高品質發展"] * 2
    assert p.locator("h1 mark").all_inner_texts() == ["高品質發展"]
    assert "文中 2 处匹配「高质量发展」" in p.locator("#matches").inner_text()
    p.locator(".match-next").click()
    current = p.locator("mark.current")
    assert current.get_attribute("id") == "m1" and current.is_visible()
    box = current.bounding_box()
    assert 0 <= box["x"] and box["x"] + box["width"] <= p.viewport_size["width"]


# ------------------------------------------------------------------------ (12) Simplified display


def test_simplified_display_converts_the_title_source_and_author(facets_page):
    p = facets_page
    p.goto(f"/articles/{TRADITIONAL_ID}")
    assert "公共工程委員會" in p.locator(".article-meta").inner_text()
    p.get_by_role("link", name="简体", exact=True).click()
    p.wait_for_url("**zh=hans*")
    assert p.title().startswith("行政院公共工程委员会令") and "委員會" not in p.locator("h1").inner_text()
    meta = p.locator(".article-meta").inner_text()
    assert "公共工程委员会" in meta and "郭瑶琪" in meta and "委員會" not in meta
    p.locator(".article-meta a", has_text="公共工程委员会").click()
    p.wait_for_url("**source=*")
    assert total(p) == 1  # the Simplified name still finds the article


# ------------------------------------------------------------------------ (5) the way back


def test_back_to_the_results_keeps_sort_and_page_without_javascript(nojs_page, desk_url):
    p = nojs_page
    p.goto(f"{desk_url}/?q=峰会&source=新华社")
    p.locator(".sort a", has_text="最早").click()
    p.wait_for_url("**sort=oldest*")
    p.get_by_role("link", name="每页 20 条").click()
    p.wait_for_url("**per_page=20*")
    p.locator(".hit-title a").first.click()
    p.wait_for_url("**/articles/**")
    p.locator(".back a").click()
    p.wait_for_url("**/?*")
    assert args(p) == {"q": ["峰会"], "source": ["新华社"], "sort": ["oldest"], "per_page": ["20"]}
    assert p.locator(".sort strong").inner_text() == "最早"


# ------------------------------------------------------------------------ (6) the CSV export


@pytest.mark.parametrize("which", ["page", "nojs_page"])
def test_the_csv_download_is_whole_and_named_after_the_query_and_day(which, request, desk_url):
    p = request.getfixturevalue(which)
    p.goto(f"{desk_url}/?q=峰会")
    assert total(p) == 24 and p.locator("li.hit").count() == 10
    with p.expect_download() as download:
        p.get_by_role("link", name="CSV", exact=True).click()
    assert download.value.suggested_filename == f"文搜-峰会-{dt.date.today().isoformat()}.csv"
    with open(download.value.path(), encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 24 and len({r["id"] for r in rows}) == 24  # every article, reposts too


# ------------------------------------------------------------------------ (7) (8) (10) odd queries


@pytest.mark.parametrize("which", ["page", "nojs_page"])
def test_a_query_of_only_punctuation_finds_nothing_and_is_echoed_as_typed(which, request, desk_url):
    p = request.getfixturevalue(which)
    p.goto(f"{desk_url}/?q=峰会")
    search_in_the_box(p, "，。", live_total=0 if which == "page" else None)
    assert total(p) == 0 and p.locator("#no-results").is_visible()
    assert p.locator("#summary-query").inner_text() == "「，。」"
    assert p.locator("#q").input_value() == "，。" and p.title().startswith("，。")


def test_oldest_first_puts_undated_articles_last(page):
    page.goto("/")
    page.locator(".sort a", has_text="最早").click()
    page.wait_for_url("**sort=oldest*")
    assert page.locator("li.hit").first.locator("time").get_attribute("datetime") == "2021-05-05"
    page.get_by_role("link", name="第 3 页").click()
    page.wait_for_url("**page=3*")
    last = page.locator("li.hit").last
    assert last.locator(".hit-title").inner_text() == "没有日期的公告" and last.locator("time").count() == 0
    dates = page.locator(".hit-meta time").evaluate_all("els => els.map(e => e.dateTime)")
    assert dates == sorted(dates) and len(dates) == page.locator("li.hit").count() - 1


def test_a_too_long_query_gets_a_short_title_and_no_link_carrying_it(page):
    response = page.goto("/?q=" + "环境" * 1600 + "&source=新华社")
    assert response.status == 400
    assert len(page.title()) < 80 and page.title().startswith("请求参数有误")
    assert "3200 个字符" in page.get_by_role("alert").inner_text()
    hrefs = page.locator("a[href]").evaluate_all("els => els.map(e => e.getAttribute('href'))")
    assert hrefs and max(map(len, hrefs)) < 200
    assert len(page.locator("#q").input_value()) == 2000 and len(page.url) > 10_000
    page.locator("#advanced summary").click()
    assert serious_violations(page) == []


# ------------------------------------------------------------------------ the concordance


def test_concordance_sorts_charts_and_exports_its_lines(page, desk_url):
    page.goto(f"{desk_url}/?q=协议")
    page.get_by_role("link", name="语境索引").click()
    page.wait_for_url("**/concordance?*")
    lefts = page.locator("table.kwic td.left")
    page.get_by_label("两侧字数").fill("2")
    for sort, order in (("source", ["履行", "修改", "签署", "收回"]), ("left", ["收回", "修改", "签署", "履行"]),
                        ("right", ["修改", "收回", "签署", "履行"]), ("date", ["签署", "履行", "修改", "收回"])):
        page.get_by_label("排序").select_option(sort)
        with page.expect_navigation():
            page.get_by_role("button", name="列出").click()
        assert lefts.all_inner_texts() == order, sort
    assert args(page) == {"q": ["协议"], "width": ["2"], "sort": ["date"]}
    assert page.locator("table.kwic tbody tr").last.locator(".where").inner_text().endswith("无日期 · 甲报")
    bars = [t.split() for t in page.locator("#facet-kwic-year .bars li").all_inner_texts()]
    assert [b[:2] for b in bars] == [["2019年", "1"], ["2021年", "2"], ["无日期", "1"]]
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV", exact=True).click()
    assert download.value.suggested_filename == f"文搜-语境索引-协议-{dt.date.today().isoformat()}.csv"
    with open(download.value.path(), encoding="utf-8-sig", newline="") as f:
        assert [r["left"] for r in csv.DictReader(f)] == ["签署", "履行", "修改", "收回"]
    page.locator("#facet-kwic-year .bars a", has_text="2021年").click()
    page.wait_for_url("**from=2021*")
    assert lefts.all_inner_texts() == ["履行", "修改"] and page.locator("#kwic-total").inner_text() == "2"
    assert page.errors == []


def test_concordance_on_a_phone_scrolls_its_table_not_the_page(phone_page, desk_url):
    p = phone_page
    p.goto(f"{desk_url}/concordance?q=峰会")
    assert int(p.locator("#kwic-total").inner_text()) == p.locator("table.kwic tbody tr").count() > 20
    assert p.evaluate("document.documentElement.scrollWidth") <= 390  # the page does not scroll sideways
    for name in ("查询", "两侧字数", "排序"):
        box = p.get_by_label(name).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390, name
    assert p.get_by_role("button", name="列出").is_visible()
    assert p.locator("table.kwic td.match mark").first.is_visible()


# ------------------------------------------------------------------------ proximity in the box


@pytest.mark.parametrize("which", ["page", "nojs_page"])
def test_proximity_typed_in_the_search_box(which, request, desk_url):
    p = request.getfixturevalue(which)
    live = which == "page"
    p.goto(f"{desk_url}/")
    for query, found in (("湿地 NEAR/3 修复", {"央视网评：湿地保护", "湿地简讯"}), ('"湿地 修复"~3', {"央视网评：湿地保护"}),
                         ("湿地 NEAR/12 修复", {"央视网评：湿地保护", "央视网：湿地观察", "湿地简讯"})):
        search_in_the_box(p, query, live_total=len(found) if live else None)
        assert args(p)["q"] == [query] and p.locator("#q").input_value() == query
        assert set(p.locator(".hit-title").all_inner_texts()) == found, query
        for snippet in p.locator(".snippet").all():  # both parts are marked
            assert set(snippet.locator("mark").all_inner_texts()) == {"湿地", "修复"}, query


# ------------------------------------------------------------------------ saved searches


@pytest.mark.parametrize("which", ["page", "nojs_page"])
def test_a_saved_search_is_listed_with_its_results_and_its_feed(which, request, desk_url):
    p = request.getfixturevalue(which)
    name = f"央视湿地-{which}"
    p.goto(f"{desk_url}/saved?q=湿地&source=央视网")  # what a "save this search" link opens
    form = p.locator("section.saved form")
    assert form.get_by_label("搜索词").input_value() == "湿地"
    assert form.get_by_label("来源").first.input_value() == "央视网"
    form.get_by_label("名称").fill(name)
    with p.expect_navigation():
        p.get_by_role("button", name="保存").click()
    assert urlsplit(p.url).path == "/saved"
    row = p.locator(".saved-list li", has_text=name)
    assert "湿地" in row.inner_text() and "央视网" in row.inner_text()
    feed = row.get_by_role("link", name="Atom 订阅").get_attribute("href")
    atom = ET.fromstring(p.request.get(f"{desk_url}{feed}").body())
    assert atom.find(f"{ATOM}title").text == f"文搜：{name}"
    assert [e.find(f"{ATOM}title").text for e in atom.findall(f"{ATOM}entry")] == ["央视网评：湿地保护", "央视网：湿地观察"]
    row.get_by_role("link", name=name).click()
    p.wait_for_url("**/?q=*")
    assert args(p) == {"q": ["湿地"], "source": ["央视网"]} and total(p) == 2


def test_the_results_page_offers_to_save_its_search(page, desk_url):
    page.goto(f"{desk_url}/?q=湿地&source=央视网")
    save = page.locator('a[href^="/saved?"]')
    assert save.count() == 1
    save.click()
    page.wait_for_url("**/saved?*")
    assert page.locator("#saved-q").input_value() == "湿地"


def test_the_saved_page_speaks_chinese(nojs_page, desk_url):
    p = nojs_page
    for _ in range(2):
        p.goto(f"{desk_url}/saved?q=湿地&source=央视网")
        p.get_by_label("名称").fill("重名")
        with p.expect_navigation():
            p.get_by_role("button", name="保存").click()
    message = p.get_by_role("alert").inner_text()
    assert "重名" in message and not re.search("[A-Za-z]", message)
    p.goto(f"{desk_url}/saved")
    listed = p.locator(".saved-list li", has_text="重名").inner_text()
    assert "来源" in listed and "source" not in listed


# ------------------------------------------------------------------------ stats: zero hits, skipped files


def test_stats_page_shows_zero_hit_searches_and_skipped_files(page, desk_url):
    page.goto(f"{desk_url}/?q=火星基地")
    assert total(page) == 0
    with page.expect_navigation():
        page.get_by_role("link", name="索引概况").click()  # from every page's footer
    assert page.url == f"{desk_url}/stats"
    text = page.locator("main").inner_text()
    assert "火星基地" in text and f"另有 {SKIPPED - 20} 个" in text
    assert serious_violations(page) == []


# ------------------------------------------------------------------------ the decade level


@pytest.mark.parametrize("which", ["facets_page", "nojs_page", "phone_page"])
def test_the_decade_chart_narrows_to_a_decade_then_lets_go(which, request):
    p = request.getfixturevalue(which)
    p.goto("/?q=报告")
    if which == "phone_page":
        assert not p.locator("#facet-decade").is_visible()  # folded with the filters
        p.locator(".toggle-label").click()
    bars = [t.split()[:2] for t in p.locator("#facet-decade .bars li").all_inner_texts()]
    assert bars == [["2000年代", "5"], ["2010年代", "10"], ["2020年代", "30"]]
    p.locator("#facet-decade .bars a", has_text="2000年代").click()
    p.wait_for_url("**from=2000*")
    assert args(p)["to"] == ["2009"] and total(p) == 5
    assert p.locator(".chips a").inner_text().startswith("日期：2000 至 2009")
    if which == "phone_page":
        p.locator(".toggle-label").click()
    assert p.locator("#facet-year .bars .label").all_inner_texts() == ["2004年"]
    p.locator("#facet-decade li.selected a").click()  # the chosen decade lets go of the dates
    p.wait_for_url(lambda url: "from=" not in url)
    assert total(p) == 45


# ------------------------------------------------------------------------ accessibility


@pytest.mark.parametrize("path, status", [
    ("/concordance?q=协议&width=2&sort=left", 200), ("/saved?q=湿地&source=央视网", 200),
    ("/articles/hqd-trad?q=高质量发展", 200), ("/?q=峰会&page=3", 200), ("/?q=，。", 200),
    ("/?source=央视", 200), ("/?q=湿地 NEAR/3 修复", 200),
])
def test_axe_finds_no_serious_violation_on_the_desks_pages(page, desk_url, path, status):
    assert page.goto(f"{desk_url}{path}").status == status
    assert serious_violations(page) == []


def test_axe_on_the_saved_list_and_the_concordance_at_phone_width(phone_page, desk_url):
    phone_page.goto(f"{desk_url}/saved?q=峰会")
    phone_page.get_by_label("名称").fill("峰会全部")
    with phone_page.expect_navigation():
        phone_page.get_by_role("button", name="保存").click()
    assert phone_page.locator(".saved-list li", has_text="峰会全部").is_visible()
    assert serious_violations(phone_page) == []
    phone_page.goto(f"{desk_url}/concordance?q=峰会")
    assert serious_violations(phone_page) == []
