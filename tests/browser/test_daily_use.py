"""The search page as an editor or archivist uses it all day, in headless Chromium (issue 14):
errors in place, date forms, page size, several values per facet, long lists, the time charts,
exports, the advanced form, reading an article, typing with live results, the `/` key, the
phone layout; every feature again with JavaScript off; and axe-core on every kind of page.

`page` is the small index of helpers.records (24 articles mention 环境); `facets_page`,
`nojs_page` and `phone_page` the long-lists index of web_facets (45 articles mention 报告).
"""
from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from helpers import AUTHORS, NAMES, SOURCES, TRADITIONAL_ID
from playwright.sync_api import expect

ALL_ENV = 24


def total(page) -> int:
    return int(page.locator("#total").inner_text())


def args(page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


# ------------------------------------------------------------------------ errors and dates


def test_a_bad_date_is_explained_on_the_search_page_and_can_be_fixed(page):
    response = page.goto("/?q=环境&from=2020-13-45")
    assert response.status == 400
    assert [e for e in page.errors if "status of 400" not in e] == []  # the browser logs the status
    page.errors.clear()
    assert page.locator("#q").input_value() == "环境"
    alert = page.get_by_role("alert")
    assert alert.is_visible() and "2020-13-45" in alert.inner_text()
    page.locator("#from").fill("2023")
    page.locator("#to").fill("2023")
    page.get_by_role("button", name="筛选日期").first.click()
    page.wait_for_url("**from=2023*")
    assert total(page) == 6 and page.locator("#q").input_value() == "环境"
    assert page.errors == []


def test_the_date_hint_names_the_forms_ingest_reads(page):
    page.goto("/?q=环境")
    page.locator("#date-hint").scroll_into_view_if_needed()
    hint = page.locator("#date-hint").inner_text()
    assert "2005年6月" in hint and "2005-6" in hint and "民國94年" in hint


def test_dates_written_the_chinese_way_filter(page):
    """Waits for the engine's date forms (branch i15)."""
    page.goto("/?q=环境")
    page.locator("#from").fill("2024年2月")
    page.locator("#to").fill("2024年2月")
    page.get_by_role("button", name="筛选日期").first.click()
    page.wait_for_load_state()
    assert total(page) == 2


# ---------------------------------------------------------------------- results and facets


def test_per_page_choice(page):
    page.goto("/?q=环境")
    assert page.locator("li.hit").count() == 10
    page.get_by_role("link", name="每页 20 条").click()
    page.wait_for_url("**per_page=20*")
    assert page.locator("li.hit").count() == 20
    page.get_by_role("link", name="下一页").click()
    page.wait_for_url("**page=2*")
    assert page.locator("li.hit").count() == 4 and args(page)["per_page"] == ["20"]


def test_several_sources_at_once_each_a_removable_chip(page):
    page.goto("/?q=环境")
    page.locator("#facet-source ul.values a", has_text="生态环境部").click()
    page.wait_for_url("**source=*")
    assert total(page) == 12
    page.locator("#facet-source ul.values a", has_text="新华社").click()  # still offered, to add
    page.wait_for_url(lambda url: url.count("source=") == 2)
    assert total(page) == 23
    assert page.locator(".chips a").count() == 2
    page.locator(".chips a", has_text="生态环境部").click()
    page.wait_for_url(lambda url: url.count("source=") == 1)
    assert total(page) == 11 and page.locator(".chips a").inner_text().startswith("来源：新华社")


def test_more_expands_a_long_facet_in_place(facets_page):
    facets_page.goto("/")
    items = facets_page.locator("#facet-source ul.values li")
    assert items.count() == SOURCES + 1
    assert facets_page.locator("#facet-source ul.values li:visible").count() == 8
    url = facets_page.url
    facets_page.get_by_role("link", name="更多来源…").click()
    assert facets_page.locator("#facet-source ul.values li:visible").count() == SOURCES + 1
    assert facets_page.url == url  # no page load
    facets_page.locator("#facet-source a[data-more]").click()  # now 收起
    assert facets_page.locator("#facet-source ul.values li:visible").count() == 8


def test_more_fetches_values_the_engine_left_out(facets_page):
    """Waits for facet_size and facets_truncated (branch i15): 41 authors, 30 listed by default."""
    facets_page.goto("/")
    facets_page.get_by_role("link", name="更多作者…").click()
    # a locator wait, not wait_for_function: a string predicate is evaluated in the page, which
    # the pages' CSP (no 'unsafe-eval') refuses whenever the first check is not already true
    expect(facets_page.locator("#facet-author ul.values li")).to_have_count(AUTHORS + 1)


def test_finder_filters_a_long_list_as_you_type(facets_page):
    facets_page.goto("/")
    finder = facets_page.locator("#find-author")
    finder.fill(NAMES[3][0])  # a surname
    visible = facets_page.locator("#facet-author ul.values li:visible")
    texts = visible.all_inner_texts()
    assert texts and all(NAMES[3][0] in t for t in texts)
    finder.fill(NAMES[3])
    finder.press("Enter")  # the finder form adds the value as a filter
    facets_page.wait_for_url("**author=*")
    assert args(facets_page)["author"] == [NAMES[3]]
    assert facets_page.locator(".chips a").inner_text().startswith(f"作者：{NAMES[3]}")


def test_column_facet(facets_page):
    """Waits for the engine's column facet and filter (branch i15)."""
    facets_page.goto("/")
    facets_page.locator("#facet-column ul.values a", has_text="公告").click()
    facets_page.wait_for_url("**column=*")
    assert total(facets_page) == 15


def test_year_chart_labels_are_readable_and_bars_clickable(facets_page):
    facets_page.goto("/")
    labels = facets_page.locator("#facet-year .bars .label")
    assert labels.all_inner_texts() == ["2004年", "2010年", "2024年"]  # no empty years between
    size = labels.first.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    assert size >= 14
    bars = facets_page.locator("#facet-year .bars svg.bar")
    widths = [bars.nth(i).locator("rect").bounding_box()["width"] for i in range(3)]
    assert widths[0] < widths[1] < widths[2]
    facets_page.locator("#facet-year .bars svg.bar").nth(1).click()  # the bar itself is the link
    facets_page.wait_for_url("**from=2010*")
    assert total(facets_page) == 10
    months = facets_page.locator("#facet-month .bars .label")
    assert months.count() == 12 and facets_page.locator("#chart-month").inner_text() == "2010年各月"
    facets_page.locator("#facet-month .bars a").first.click()
    facets_page.wait_for_url(lambda url: "from=2010-" in url)
    assert 1 <= total(facets_page) < 10


# ------------------------------------------------------------------------ exports


def test_export_links_give_json_csv_and_atom_of_the_same_search(page):
    page.goto("/?q=环境&source=生态环境部")
    links = {name: page.get_by_role("link", name=name, exact=True).get_attribute("href")
             for name in ("JSON", "CSV", "Atom 订阅")}
    data = page.request.get(links["JSON"]).json()
    assert data["total"] == total(page) == 12
    r = page.request.get(links["CSV"])
    assert r.headers["content-type"].startswith("text/csv")
    body = r.body()
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    assert len(rows) == 12 and {row["source"] for row in rows} == {"生态环境部"}
    feed = ET.fromstring(page.request.get(links["Atom 订阅"]).body())
    entries = feed.findall("{http://www.w3.org/2005/Atom}entry")
    assert len(entries) == 12
    assert page.locator('head link[type="application/atom+xml"]').count() == 1


# ------------------------------------------------------------------------ help


def test_advanced_search_writes_the_syntax_into_the_box(page):
    page.goto("/?q=环境")
    page.locator("#advanced summary").click()
    page.get_by_label("包含全部词语").fill("环境")
    page.get_by_label("包含完整短语").fill("空气质量")
    page.get_by_label("不包含词语").fill("新华社")
    page.get_by_label("只在标题中找").check()
    page.get_by_label("从", exact=True).last.fill("2024")
    page.get_by_role("button", name="高级搜索").click()
    page.wait_for_url("**/?q=*")  # app.js shows the ordinary search URL of the written query
    assert page.locator("#q").input_value() == 'title:环境 title:"空气质量" -新华社'
    assert total(page) == 12
    assert args(page) == {"q": ['title:环境 title:"空气质量" -新华社'], "from": ["2024"]}


def test_the_header_link_opens_the_advanced_form(page):
    page.goto("/?q=环境")
    assert not page.locator("#adv-all").is_visible()
    page.locator("header .adv-link").click()
    assert page.locator("#adv-all").is_visible()
    page.goto("/articles/mee-00")  # elsewhere the link leads to the search page's form
    page.locator("header .adv-link").click()
    page.wait_for_url("**/#adv-all")
    assert page.locator("#adv-all").is_visible()


def test_syntax_help_opens_on_the_page(page):
    page.goto("/")
    assert not page.locator("#syntax dl").is_visible()
    page.locator("#syntax summary").click()
    assert page.locator("#syntax dl").is_visible()
    assert "title:" in page.locator("#syntax").inner_text()


# ------------------------------------------------------------------------ the article


def test_next_and_previous_match_in_an_article(page):
    page.goto("/articles/mee-00?q=环境")
    count = int(page.locator("#matches").get_attribute("data-count"))
    assert count >= 2
    page.locator(".match-next").click()
    assert page.locator("mark.current").get_attribute("id") == "m1"
    page.locator(".match-next").click()
    assert page.locator("mark.current").get_attribute("id") == "m2"
    assert page.locator("mark.current").is_visible()
    page.locator(".match-prev").click()
    assert page.locator("mark.current").get_attribute("id") == "m1"
    page.locator(".match-prev").click()  # wraps round to the last
    assert page.locator("mark.current").get_attribute("id") == f"m{count}"
    assert f"{count} / {count}" in page.locator(".match-count").inner_text()


def test_traditional_article_lang_script_choice_and_original(facets_page):
    facets_page.goto(f"/articles/{TRADITIONAL_ID}?q=环境")
    assert facets_page.locator("article").get_attribute("lang") == "zh-Hant"
    assert facets_page.locator("html").get_attribute("lang") == "zh-Hans"
    assert facets_page.locator("a.original-top").get_attribute("href") == "http://gazette.nat.gov.tw/eg/1.htm"
    assert "環境" in facets_page.locator(".article-body").inner_text()
    facets_page.get_by_role("link", name="简体", exact=True).click()
    facets_page.wait_for_url("**zh=hans*")
    assert facets_page.locator("article").get_attribute("lang") == "zh-Hans"
    body = facets_page.locator(".article-body").inner_text()
    assert "环境" in body and "環境" not in body
    assert facets_page.locator(".article-body mark").count() >= 2


# ------------------------------------------------------------------------ typing and keys


def test_results_update_as_you_type_over_the_api(page):
    page.goto("/?q=环境")
    box = page.locator("#q")
    with page.expect_response(lambda r: "/api/search?" in r.url and "q=%E7%A9%BA" in r.url) as answer:
        box.fill("空气质量")
    assert answer.value.status == 200
    expect(page.locator("#total")).to_have_text("12")
    assert page.locator("li.hit .hit-title mark").first.inner_text() == "空气质量"
    assert args(page)["q"] == ["空气质量"]  # the address follows, so reload and share work
    page.reload()
    assert total(page) == 12
    assert page.errors == []


def test_typing_an_operator_read_as_text_says_so_as_results_update(page):
    page.goto("/?q=环境")
    expect(page.locator("#notice")).to_be_hidden()
    page.locator("#q").fill("环境 OR")
    expect(page.locator("#notice")).to_contain_text("「OR」")
    expect(page.locator("#total")).to_have_text("0")
    page.locator("#q").fill("空气质量")
    expect(page.locator("#total")).to_have_text("12")
    expect(page.locator("#notice")).to_be_hidden()
    assert page.errors == []


def test_a_filter_clicked_after_typing_filters_the_words_typed(page):
    """The facets, the date form and 在结果中搜索 were drawn for the page's query; clicked once
    live results show another, they search what the box says, not the old query."""
    page.goto("/?q=环境")
    page.locator("#q").fill("空气质量")
    expect(page.locator("#total")).to_have_text("12")
    page.locator("#facet-source ul.values a").first.click()
    page.wait_for_url("**source=*")
    assert args(page)["q"] == ["空气质量"] and page.locator("#q").input_value() == "空气质量"
    assert 0 < total(page) <= 12
    page.goto("/?q=环境")
    page.locator("#q").fill("空气质量")
    expect(page.locator("#within-hint")).to_contain_text("12")
    page.locator("#within-box").fill("监测")
    page.locator("#within-box").press("Enter")
    page.wait_for_url("**within=*")
    assert args(page)["q"] == ["空气质量"] and args(page)["within"] == ["监测"]
    assert total(page) <= 12
    page.goto("/?q=环境")
    page.locator("#q").fill("空气质量")
    expect(page.locator("#total")).to_have_text("12")
    page.locator("#from").fill("2024")
    page.locator("#to").fill("2024")
    page.get_by_role("button", name="筛选日期").first.click()
    page.wait_for_url("**from=*")
    assert args(page)["q"] == ["空气质量"]
    assert page.errors == []


def test_the_finder_folds_scripts_for_values_more_brought(facets_page):
    """Typing 陳 finds the 陈 authors the engine left out of the first list: the fold map comes
    with the values "更多…" fetches, not only with those first drawn."""
    facets_page.goto("/")
    assert facets_page.locator("#facet-author ul.values li", has_text="陈").count() == 0  # all left out
    facets_page.get_by_role("link", name="更多作者…").click()
    expect(facets_page.locator("#facet-author ul.values li")).to_have_count(AUTHORS + 1)
    facets_page.locator("#find-author").fill("陳")
    visible = facets_page.locator("#facet-author ul.values li:visible")
    expect(visible).to_have_count(4)
    assert all(t.startswith("陈") for t in visible.all_inner_texts())
    assert facets_page.errors == []


def test_a_long_latin_query_does_not_widen_a_narrow_phone_page(browser, facets_url):
    """A pasted address is one unbroken word: the summary quoting it wraps inside 375 pixels."""
    context = browser.new_context(base_url=facets_url, viewport={"width": 375, "height": 740}, is_mobile=True)
    try:
        p = context.new_page()
        p.goto("/?q=" + quote("https://example.com/" + "a" * 70))
        assert p.evaluate("document.documentElement.scrollWidth") <= 375
    finally:
        context.close()


def test_slash_focuses_the_search_box_and_home_starts_there(page):
    page.goto("/")
    assert page.evaluate("document.activeElement.id") == "q"
    page.goto("/?q=环境")
    page.locator("main").click(position={"x": 5, "y": 5})
    assert page.evaluate("document.activeElement.id") != "q"
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "q"
    assert page.locator("#q").input_value() == "环境"  # the slash is not typed into it


# ------------------------------------------------------------------------ phone


def test_phone_shows_filters_folded_above_the_results(phone_page):
    phone_page.goto("/?q=报告")
    toggle = phone_page.locator(".toggle-label")
    results = phone_page.locator("section.results").bounding_box()
    assert toggle.is_visible() and toggle.bounding_box()["y"] < results["y"]
    assert not phone_page.locator("#facet-source").is_visible()
    first_hit = phone_page.locator("li.hit").first.bounding_box()
    assert first_hit["y"] < 400  # the results start near the top
    toggle.click()
    assert phone_page.locator("#facet-source").is_visible()
    phone_page.locator("#facet-source ul.values a").first.click()
    phone_page.wait_for_url("**source=*")
    assert total(phone_page) < 45


# ------------------------------------------------------------------------ without JavaScript


def test_everything_works_without_javascript(nojs_page):
    p = nojs_page
    p.goto("/")
    p.get_by_role("searchbox", name="搜索词").fill("报告")
    p.get_by_role("button", name="搜索", exact=True).click()
    p.wait_for_url("**q=*")
    assert total(p) == 45
    # 更多… loads the longer list
    p.get_by_role("link", name="更多来源…").click()
    p.wait_for_url("**facet_size=1000*")
    assert p.locator("#facet-source ul.values li:visible").count() == SOURCES + 1
    # a second source, and a chip removes one
    p.locator("#facet-source ul.values a", has_text="测试局01").click()
    p.wait_for_load_state()
    p.locator("#facet-source ul.values a", has_text="测试局02").click()
    p.wait_for_load_state()
    assert total(p) == 6 and p.locator(".chips a").count() == 2
    # the year chart, then the month chart
    p.locator("#facet-year .bars a").last.click()
    p.wait_for_url("**from=*")
    assert p.locator("#facet-month .bars li").count() == 12
    # page size
    p.goto("/?q=报告")
    p.get_by_role("link", name="每页 50 条").click()
    p.wait_for_load_state()
    assert p.locator("li.hit").count() == 45
    # the finder form adds a value
    p.locator("#find-author").fill(NAMES[5])
    p.locator("#facet-author .finder button").click()
    p.wait_for_url("**author=*")
    assert p.locator(".chips a").count() == 1
    # advanced search
    p.goto("/")
    p.locator("#advanced summary").click()
    p.get_by_label("包含全部词语").fill("报告")
    p.get_by_label("不包含词语").fill("城市")
    p.get_by_role("button", name="高级搜索").click()
    p.wait_for_url("**all=*")
    assert p.locator("#q").input_value() == "报告 -城市"
    # an article's matches are reachable by number
    p.goto("/articles/f-10?q=报告")
    p.locator(".match-list a").nth(1).click()
    assert p.url.endswith("#m2")
    # the phone toggle is a checkbox
    p.set_viewport_size({"width": 390, "height": 800})
    p.goto("/?q=报告")
    assert not p.locator("#facet-source").is_visible()
    p.locator(".toggle-label").click()
    assert p.locator("#facet-source").is_visible()


# ------------------------------------------------------------------------ accessibility


@pytest.mark.parametrize("path, status", [
    ("/", 200), ("/?q=环境&source=生态环境部&from=2024&to=2024", 200), ("/articles/mee-00?q=环境", 200),
    ("/?q=环境&from=2020-13-45", 400), ("/articles/no-such-article", 404),
    ("/?q=环境&within=空气质量", 200), ("/concordance?q=环境&source=生态环境部", 200),
])
def test_axe_finds_no_serious_or_critical_violation(page, path, status):
    response = page.goto(path)
    assert response.status == status
    page.locator("#advanced summary").click() if page.locator("#advanced summary").count() else None
    results = Axe().run(page)
    serious = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
               for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert serious == []


# ------------------------------------------------------------------------ typing, then using the page


def test_typing_on_the_home_page_updates_count_pages_sort_and_exports(page):
    page.goto("/")
    assert page.locator(".sort strong").inner_text() == "最新"  # no query: nothing to rank by
    page.locator("#q").fill("环境")
    expect(page.locator("#total")).to_have_text("24")
    assert "第 1 / 3 页" in page.locator("#summary").inner_text()
    assert page.locator(".sort strong").inner_text() == "相关度"
    assert [a.inner_text() for a in page.locator(".sort a").all()] == ["最新", "最早"]
    links = {name: page.get_by_role("link", name=name, exact=True).get_attribute("href")
             for name in ("JSON", "CSV", "Atom 订阅")}
    for href in links.values():
        assert args_of(href)["q"] == ["环境"]
    assert page.request.get(links["JSON"]).json()["total"] == 24
    assert len(list(csv.DictReader(io.StringIO(page.request.get(links["CSV"]).body().decode("utf-8-sig"))))) == 24
    feed = ET.fromstring(page.request.get(links["Atom 订阅"]).body())
    assert feed.find("{http://www.w3.org/2005/Atom}title").text == "文搜：环境"
    page.locator(".sort a", has_text="最早").click()
    page.wait_for_url("**sort=oldest*")
    assert args(page)["q"] == ["环境"] and total(page) == 24
    page.locator("#q").fill("空气质量")
    expect(page.locator("#total")).to_have_text("12")
    assert "这 12 条" in page.locator("#within-hint").inner_text()  # the narrowing box counts the new results
    assert args_of(page.get_by_role("link", name="每页 20 条").get_attribute("href")) == {
        "q": ["空气质量"], "sort": ["oldest"], "per_page": ["20"]}
    page.get_by_role("link", name="每页 20 条").click()
    page.wait_for_url("**per_page=20*")
    assert page.locator("li.hit").count() == 12 and page.locator(".sort strong").inner_text() == "最早"
    assert page.errors == []


def test_back_to_the_results_keeps_filters_sort_and_page_after_live_typing(page):
    page.goto("/?source=生态环境部&sort=newest&per_page=5")
    page.locator("#q").fill("环境")
    expect(page.locator("#summary-query")).to_have_text("「环境」")  # the live results have come
    page.locator(".hit-title a").first.click()
    page.wait_for_url("**/articles/**")
    page.locator(".back a").click()
    page.wait_for_url("**/?*")
    assert args(page) == {"q": ["环境"], "source": ["生态环境部"], "sort": ["newest"], "per_page": ["5"]}
    page.get_by_role("link", name="下一页").click()
    page.wait_for_url("**page=2*")
    page.locator(".hit-title a").first.click()
    page.wait_for_url("**/articles/**")
    page.locator(".back a").click()
    page.wait_for_url("**page=2*")
    assert page.locator(".pager .current").inner_text() == "2" and total(page) == 12


def args_of(href: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(href).query)


@pytest.mark.parametrize("which", ["facets_page", "nojs_page"])
def test_search_within_results_with_and_without_javascript(which, request):
    p = request.getfixturevalue(which)
    p.goto("/?q=报告")
    assert total(p) == 45
    p.get_by_role("searchbox", name="在结果中搜索").fill("城市")
    p.get_by_role("button", name="在结果中搜索").click()
    p.wait_for_url("**within=*")
    assert args(p) == {"q": ["报告"], "within": ["城市"]} and total(p) == 44  # the Traditional one has no 城市
    assert p.locator("#q").input_value() == "报告"
    p.locator(".chips a", has_text="在结果中").click()
    p.wait_for_url(lambda url: "within" not in url)
    assert total(p) == 45


def test_concordance_from_the_results_without_javascript(nojs_page):
    p = nojs_page
    p.goto("/?q=报告&column=法规")
    p.get_by_role("link", name="语境索引").click()
    p.wait_for_url("**/concordance?*")
    assert args(p) == {"q": ["报告"], "column": ["法规"]}
    first = int(p.locator("#kwic-total").inner_text())
    assert first == p.locator("table.kwic tbody tr").count() > 0
    p.get_by_label("两侧字数").fill("5")
    p.get_by_label("排序").select_option("right")
    p.get_by_role("button", name="列出").click()
    p.wait_for_url("**width=5*")
    assert args(p)["column"] == ["法规"] and args(p)["sort"] == ["right"]
    assert int(p.locator("#kwic-total").inner_text()) == first
    assert p.locator("#facet-kwic-year .bars li").count() >= 1


def test_advanced_form_labels_stand_next_to_their_inputs_on_a_desktop(page):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/?q=环境")
    page.locator("#advanced summary").click()
    for name in ("adv-all", "adv-phrase", "adv-none", "adv-source", "adv-author", "adv-from", "adv-to"):
        text = page.locator(f'label[for="{name}"]').evaluate(
            "e => { const r = document.createRange(); r.selectNodeContents(e); const b = r.getBoundingClientRect();"
            " return {right: b.right, middle: b.top + b.height / 2}; }")  # where the label's words end
        box = page.locator(f"#{name}").bounding_box()
        gap = box["x"] - text["right"]
        assert 0 <= gap < 60, (name, gap)  # beside it, not across the page
        assert abs(text["middle"] - (box["y"] + box["height"] / 2)) < 10


DOT_IDS = ["site/../a.html", "./b", "c//d", "e/.", "a.html", "/news/a.html", "news/a.html", ".", ".."]


@pytest.fixture(scope="module")
def dots_page(browser, tmp_path_factory):
    """A server over articles whose ids have `.`, `..` or empty segments (and the id such a
    link would reach if a browser resolved it: `a.html`)."""
    from conftest import _page
    from helpers import live_server, write_jsonl

    from indexer.ingest.run import run_ingest
    from search_web import create_app

    folder = tmp_path_factory.mktemp("dots")
    write_jsonl(folder / "articles" / "dots.jsonl", [
        {"id": i, "title": f"点号编号第{n}篇", "date": "2024-01-01", "body": f"点号编号测试正文第{n}篇。"}
        for n, i in enumerate(DOT_IDS)])
    run_ingest(folder / "index", [folder / "articles"], rebuild=True)
    with live_server(create_app({"INDEX_DIR": folder / "index"})) as url:
        context, pg = _page(browser, url)
        yield pg
        context.close()


def test_live_results_link_to_ids_a_browser_would_resolve_away(dots_page):
    dots_page.goto("/")
    dots_page.locator("#q").fill("点号编号")
    expect(dots_page.locator("#summary-query")).to_have_text("「点号编号」")  # the live results have come
    links = dots_page.locator(".hit-title a")
    hrefs = {links.nth(k).inner_text(): links.nth(k).evaluate("a => a.href") for k in range(links.count())}
    assert len(hrefs) == len(DOT_IDS)
    for n, article_id in enumerate(DOT_IDS):
        dots_page.goto(hrefs[f"点号编号第{n}篇"])  # the address as the browser resolved it
        assert dots_page.locator("code").first.inner_text() == article_id
    assert dots_page.errors == []
