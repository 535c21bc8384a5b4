"""The search page in a real browser: headless Chromium over a live waitress server.

Searching, narrowing by a facet, paging, sorting, reading an article with its matches marked,
and a hostile article that must stay inert (no dialog, no script from content, no javascript:
link). Fixtures are in conftest.py; a missing Chromium or Playwright fails these tests.
"""
from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from helpers import HOSTILE_ID

ALL_ENV = 24


def total(page) -> int:
    return int(page.locator("#total").inner_text())


def search(page, q: str) -> None:
    page.goto("/")
    page.get_by_role("searchbox").fill(q)
    page.get_by_role("button", name="搜索").click()
    page.wait_for_url("**/?q=*")


def test_search_shows_results_with_marks(page):
    search(page, "环境")
    assert total(page) == ALL_ENV
    assert page.locator("li.hit").count() == 10
    assert page.locator("li.hit .hit-title mark").first.inner_text() == "环境"
    assert page.locator("#q").input_value() == "环境"
    assert page.dialogs == [] and page.errors == []


def test_keyboard_submits_the_search(page):
    page.goto("/articles/mee-00")
    page.keyboard.press("Tab")  # the skip link
    page.keyboard.press("Tab")  # the brand link
    page.keyboard.press("Tab")  # the search box
    assert page.evaluate("document.activeElement.id") == "q"
    page.keyboard.type("空气质量")
    page.keyboard.press("Enter")
    page.wait_for_url("**/?q=*")
    assert total(page) == 12


def test_facet_click_narrows_the_count(page):
    search(page, "环境")
    page.locator("#facet-source ul.values a", has_text="生态环境部").click()
    page.wait_for_url("**source=*")
    assert total(page) == 12
    assert page.locator(".chips a").inner_text().startswith("来源：生态环境部")
    page.locator("#facet-year .bars a", has_text="2024年").click()
    page.wait_for_url("**from=2024*")
    assert total(page) == 12
    page.locator("#facet-month .bars a", has_text="2月").first.click()
    page.wait_for_url("**from=2024-02*")
    assert total(page) == 2
    page.locator(".chips a", has_text="来源").click()
    page.wait_for_url(lambda url: "source=" not in url)
    assert total(page) == 2


def test_pager_changes_page(page):
    search(page, "环境")
    first_ids = page.locator(".hit-title a").evaluate_all("els => els.map(e => e.href)")
    page.get_by_role("link", name="下一页").click()
    page.wait_for_url("**page=2*")
    assert page.locator(".pager .current").inner_text() == "2"
    second_ids = page.locator(".hit-title a").evaluate_all("els => els.map(e => e.href)")
    assert len(second_ids) == 10 and not set(first_ids) & set(second_ids)
    page.get_by_role("link", name="第 3 页").click()
    page.wait_for_url("**page=3*")
    assert page.locator("li.hit").count() == 4


def test_sort_newest_and_oldest(page):
    search(page, "环境")
    for label, newest_first in (("最新", True), ("最早", False)):
        page.locator(".sort a", has_text=label).click()
        page.wait_for_load_state()
        dates = page.locator(".hit-meta time").evaluate_all("els => els.map(e => e.dateTime)")
        assert dates == sorted(dates, reverse=newest_first) and len(dates) == 10
        assert page.locator(".sort strong").inner_text() == label


def test_open_an_article_and_see_its_marks(page):
    search(page, "空气质量")
    page.locator(".hit-title a").first.click()
    page.wait_for_url("**/articles/**")
    assert page.locator("h1 mark").first.inner_text() == "空气质量"
    assert page.locator(".article-body mark").count() >= 1
    assert page.locator(".article-body").evaluate("e => getComputedStyle(e).whiteSpace") == "pre-wrap"
    page.locator(".back a").click()
    page.wait_for_url("**/?q=*")
    assert parse_qs(urlsplit(page.url).query)["q"] == ["空气质量"]


def test_stylesheet_applies_under_the_csp(page):
    page.goto("/?q=环境")
    assert page.locator(".pager .current").evaluate("e => getComputedStyle(e).color") == "rgb(255, 255, 255)"
    page.set_viewport_size({"width": 390, "height": 800})
    page.reload()
    box = page.locator("aside.facets").bounding_box()
    results = page.locator("section.results").bounding_box()
    assert box and results and box["y"] < results["y"]  # phone: the filters come first, folded
    assert not page.locator(".facet-body").is_visible()
    assert page.errors == []


def test_hostile_article_stays_inert(page):
    search(page, "环境警报")
    assert total(page) == 1
    title = page.locator(".hit-title a").first
    assert "<script>alert(1)</script>" in title.inner_text()
    title.click()
    page.wait_for_url(f"**/articles/{HOSTILE_ID}*")
    page.locator(".article-body").hover()
    page.locator("h1").hover()
    assert page.dialogs == []
    assert page.locator('script:not([src="/static/app.js"])').count() == 0  # the app's own file only
    assert page.locator("img").count() == 0
    assert page.locator('a[href^="javascript:" i]').count() == 0
    assert page.locator("a.original").count() == 0
    assert page.locator(".not-a-link").inner_text() == "javascript:alert(1)"
    assert "<script>alert(2)</script>" in page.locator(".article-body").inner_text()
    page.goto("/?q=环境")
    page.locator("#facet-source ul.values a", has_text="恶意来源").hover()
    assert page.locator('script:not([src="/static/app.js"])').count() == 0 and page.dialogs == []
    page.evaluate("alert('control')")  # the dialog listener does see a dialog when one fires
    assert page.dialogs == ["control"]
