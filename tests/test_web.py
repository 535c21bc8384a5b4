"""The search page and the JSON API (docs/interfaces.md "Web routes", "Search result (JSON)"), through Flask's
test client over a small index built from known articles (see web_fixtures)."""
from __future__ import annotations

import codecs
import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import parse_qs, quote, urlencode, urljoin, urlsplit

import lxml.html
import pytest
from helpers import (
    AUTHORS,
    CONTROL_TITLE,
    FORMULA_TITLES,
    HOSTILE_ID,
    HOSTILE_TITLE,
    NAMES,
    SLASH_ID,
    SOURCES,
    TRADITIONAL_BODY,
    TRADITIONAL_ID,
    build_facet_index,
    build_index,
    index_of,
    records,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

import search_web.api
import search_web.exports
from indexer.search.csvtable import csv_cell
from indexer.search.query import parse_query
from indexer.search.request import MAX_QUERY_CHARS, SearchRequest
from search_web import create_app
from search_web.advanced import write_query
from search_web.engine import get_engine
from search_web.security import HEADERS
from search_web.view import FACET_SHOWN

RESULT_KEYS = {"query", "total", "page", "per_page", "took_ms", "sort", "stories", "hits", "facets",
               "facets_truncated", "variants", "suggestions", "within", "pages", "notice",
               "filter_hints"}
HIT_KEYS = {"id", "title", "date", "source", "sources", "authors", "url", "column", "score", "snippet",
            "duplicates"}
ARTICLE_KEYS = {"sources", "id", "title", "date", "source", "authors", "url", "column", "keywords", "body"}
ALL_ENV = 24  # articles that mention 环境: 12 生态环境部, 10 新华社, the slash id, the hostile one


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    return create_app({"INDEX_DIR": build_index(tmp_path_factory.mktemp("web"))})


@pytest.fixture(scope="module")
def client(app):
    return app.test_client()


def page(client, url: str, status: int = 200):
    r = client.get(url)
    assert r.status_code == status, (url, r.status_code, r.get_data(as_text=True)[:500])
    assert r.mimetype == "text/html"
    return lxml.html.fromstring(r.get_data(as_text=True))


def api(client, url: str, status: int = 200) -> dict:
    r = client.get(url)
    assert r.status_code == status, (url, r.status_code, r.get_data(as_text=True)[:500])
    assert r.mimetype == "application/json"
    return r.get_json()


def total_shown(doc) -> int:
    return int(doc.get_element_by_id("total").text)


def facet_link(doc, facet: str, label: str) -> str:
    """The link of one value in a facet list (source, author, column) or a bar of a chart (year, month)."""
    for a in doc.cssselect(f"#facet-{facet} ul.values a, #facet-{facet} .bars a"):
        if a.cssselect(".value, .label")[0].text_content().strip(" ✓") == label:
            return a.get("href")
    raise AssertionError(f"no {facet} facet value {label!r}")


# ------------------------------------------------------------------------- JSON API


def test_healthz_counts_articles(client):
    assert api(client, "/healthz") == {"status": "ok", "articles": len(records())}


def test_api_search_is_exactly_the_engines_result(client, app):
    data = api(client, "/api/search?q=环境&source=生态环境部&per_page=5&page=2&sort=newest")
    with app.app_context():
        expected = get_engine().search(SearchRequest.create(
            "环境", ["生态环境部"], sort="newest", page=2, per_page=5)).to_dict()
    data.pop("took_ms"), expected.pop("took_ms")
    assert data == expected


def test_api_json_is_compact_utf8_with_keys_in_contract_order(client):
    response = client.get("/api/search?q=环境&per_page=3")
    data = json.loads(response.data)
    # what a client reads: characters as written (no \\u escapes), the contract's key order, one line
    assert response.data == (json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n").encode()
    assert list(data)[:5] == ["query", "total", "page", "per_page", "took_ms"]
    assert "环境".encode() in response.data and b"\\u" not in response.data
    assert response.headers["Content-Type"] == "application/json"


def test_api_search_has_the_contract_shape(client):
    data = api(client, "/api/search?q=环境")
    assert set(data) == RESULT_KEYS
    assert (data["query"], data["total"], data["page"], data["per_page"]) == ("环境", ALL_ENV, 1, 10)
    assert isinstance(data["took_ms"], float)
    assert len(data["hits"]) == 10
    for hit in data["hits"]:
        assert HIT_KEYS <= set(hit), set(hit)
        assert set(hit) - HIT_KEYS <= {"title_html"}  # the engine's one extension
        assert isinstance(hit["authors"], list)
    assert set(data["facets"]) == {"source", "author", "column", "decade", "year", "month"}
    assert set(data["facets_truncated"]) == set(data["facets"])
    for values in data["facets"].values():
        for v in values:
            assert {"value", "count"} <= set(v) and isinstance(v["count"], int)
    assert {v["value"]: v["count"] for v in data["facets"]["year"]} == {"2024": 12, "2023": 6, "2022": 5, "2021": 1}


def test_api_filters_narrow_and_repeat(client):
    assert api(client, "/api/search?q=环境&source=生态环境部")["total"] == 12
    assert api(client, "/api/search?q=环境&source=生态环境部&author=孙金龙")["total"] == 6
    assert api(client, "/api/search?q=环境&source=生态环境部&source=新华社")["total"] == 23
    assert api(client, "/api/search?q=环境&from=2023&to=2023")["total"] == 6
    assert api(client, "/api/search?q=环境&from=2024-02&to=2024-02")["total"] == 2


def test_api_paging_and_per_page(client):
    pages = [api(client, f"/api/search?q=环境&page={p}") for p in (1, 2, 3)]
    assert [len(p["hits"]) for p in pages] == [10, 10, 4]
    ids = [h["id"] for p in pages for h in p["hits"]]
    assert len(set(ids)) == ALL_ENV
    beyond = api(client, "/api/search?q=环境&page=4")
    assert beyond["hits"] == [] and beyond["total"] == ALL_ENV
    assert len(api(client, "/api/search?q=环境&per_page=1000")["hits"]) == ALL_ENV


@pytest.mark.parametrize("sort, newest_first", [("newest", True), ("oldest", False)])
def test_api_sorts_by_date(client, sort, newest_first):
    dates = [h["date"] for h in api(client, f"/api/search?q=环境&sort={sort}&per_page=100")["hits"]]
    assert dates == sorted(dates, reverse=newest_first)


def test_empty_query_lists_everything_newest_first(client):
    data = api(client, "/api/search?per_page=100")
    assert data["total"] == len(records())
    dated = [h["date"] for h in data["hits"] if h["date"]]
    assert dated == sorted(dated, reverse=True)


def test_api_article_and_ids_with_slashes(client):
    art = api(client, "/api/articles/mee-03")
    assert set(art) == ARTICLE_KEYS and art["source"] == "生态环境部"
    quoted = "/api/articles/news/2024/%E7%8E%AF%E5%A2%83%20%E6%8A%A5%E5%91%8A%3Fv=1%23top"
    assert api(client, quoted)["id"] == SLASH_ID


@pytest.mark.parametrize("query", [
    "per_page=0", "per_page=1001", "per_page=abc", "page=0", "page=-1", "page=x", "page=1.5",
    "sort=best", "from=2024-13", "from=yesterday", "to=2024-02-30", "from=2024&to=2023",
    "q=" + "字" * (MAX_QUERY_CHARS + 1), "&".join(["source=s"] * 51),
])
def test_bad_parameters_are_400_with_a_message(client, query):
    data = api(client, "/api/search?" + query, 400)
    assert set(data) == {"error"} and data["error"]
    doc = page(client, "/?" + query, 400)  # the search page itself, with the box, says what is wrong
    assert doc.get("lang") == "zh-Hans"
    assert doc.cssselect("#error .error-message")[0].text_content() == data["error"]
    assert doc.get_element_by_id("q") is not None


def test_unknown_things_are_404(client):
    assert set(api(client, "/api/articles/no-such-article", 404)) == {"error"}
    assert set(api(client, "/api/no-such-route", 404)) == {"error"}
    assert "no-such-article" in page(client, "/articles/no-such-article", 404).text_content()
    page(client, "/no/such/page", 404)


def test_wrong_method_is_405_with_allow(client):
    r = client.post("/api/search")
    assert r.status_code == 405 and "GET" in r.headers["Allow"] and set(r.get_json()) == {"error"}
    assert r.get_json()["error"] == "这个地址只能用 GET 方式访问。"  # Chinese, as on every page
    assert client.post("/").status_code == 405
    assert client.get("/api/no-such-route").get_json() == {"error": "这个地址没有内容。"}


def test_no_index_is_503_with_a_clear_message(tmp_path):
    app = create_app({"INDEX_DIR": tmp_path / "nothing-built"})
    c = app.test_client()
    for url in ("/healthz", "/api/search?q=x", "/api/articles/a"):
        data = api(c, url, 503)
        assert "还没有索引" in data["error"] and "rebuild" in data["error"]  # in Chinese on every route
    assert "rebuild" in page(c, "/", 503).text_content()
    assert "rebuild" in page(c, "/articles/a", 503).text_content()


def test_default_index_comes_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("WENSOU_INDEX", str(tmp_path / "elsewhere"))
    assert create_app({"WARM_UP": False}).config["INDEX_DIR"] == tmp_path / "elsewhere"


@pytest.mark.parametrize("raw", [
    "q=%FF%FE", "q=%00", "q=%ZZ", "q=%E7%8E", "source=%00&author=%FF", "page=%EF%BC%92", "page=٣",
    "q=\"unbalanced&sort=newest", "q=-", "q=OR", "q=title%EF%BC%9A", "from=%00", "per_page=1e3",
    "page=99999999999999999999", "q=" + "%22" * 500, "q=a&q=b&page=1&page=2",
])
def test_odd_encodings_never_500(client, raw):
    for base in ("/api/search?", "/?"):
        assert client.get(base + raw).status_code in (200, 400), base + raw
    assert client.get("/articles/mee-01?" + raw).status_code in (200, 400)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(q=st.text(max_size=40), sort=st.sampled_from(["", "newest", "oldest", "relevance", "x"]),
       page_no=st.text(max_size=4), date=st.text(max_size=10))
def test_any_input_is_200_or_400(client, q, sort, page_no, date):
    params = {"q": q, "sort": sort, "page": page_no, "from": date, "source": q}
    for url in ("/api/search", "/"):
        assert client.get(url, query_string=params).status_code in (200, 400)


def test_security_headers_on_every_response(client, tmp_path):
    urls = ["/", "/?q=环境", "/articles/mee-01", "/articles/nope", "/api/search", "/api/search?page=0",
            "/api/articles/nope", "/healthz", "/static/style.css", "/nope"]
    for url in urls:
        with client.get(url) as r:
            for name, value in HEADERS.items():
                assert r.headers.get(name) == value, (url, name)
    csp = HEADERS["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "style-src 'self'" in csp
    r = create_app({"INDEX_DIR": tmp_path}).test_client().get("/")
    assert r.status_code == 503 and r.headers["X-Frame-Options"] == "DENY"


# ---------------------------------------------------------------------------- the page


def test_search_page_shows_query_count_time_and_hits(client):
    doc = page(client, "/?q=环境")
    assert doc.get("lang") == "zh-Hans"
    assert doc.get_element_by_id("q").get("value") == "环境"
    assert total_shown(doc) == ALL_ENV
    assert "毫秒" in doc.get_element_by_id("summary").text_content()
    hits = doc.cssselect("li.hit")
    assert len(hits) == 10
    first = hits[0]
    href = first.cssselect(".hit-title a")[0].get("href")
    assert href.startswith("/articles/") and parse_qs(urlsplit(href).query) == {"q": ["环境"]}
    assert first.cssselect(".hit-title mark") and first.cssselect(".snippet mark")
    assert " · " in first.cssselect(".hit-meta")[0].text_content()


def test_page_viewport_stylesheet_and_no_inline_code(client):
    raw = client.get("/?q=环境").get_data(as_text=True)
    doc = lxml.html.fromstring(raw)
    assert doc.cssselect('meta[name="viewport"]')
    assert doc.cssselect('link[rel="stylesheet"]')[0].get("href") == "/static/style.css"
    assert not doc.cssselect("script:not([src]), style, [style]")  # the CSP forbids inline code
    assert [e.get("src") for e in doc.cssselect("script")] == ["/static/app.js"]
    with client.get("/static/style.css") as css:
        assert css.mimetype == "text/css"
    with client.get("/static/app.js") as js:
        assert js.mimetype in ("application/javascript", "text/javascript")


def test_source_facet_narrows_and_its_chip_removes_it(client):
    doc = page(client, "/?q=环境")
    narrowed = page(client, facet_link(doc, "source", "生态环境部"))
    assert total_shown(narrowed) == 12
    chips = narrowed.cssselect(".chips a")
    assert [c.text_content().split()[0] for c in chips] == ["来源：生态环境部"]
    further = page(client, facet_link(narrowed, "author", "孙金龙"))
    assert total_shown(further) == 6 and len(further.cssselect(".chips a")) == 2
    assert total_shown(page(client, chips[0].get("href"))) == ALL_ENV
    selected = narrowed.cssselect("#facet-source ul.values li.selected a")
    assert selected and total_shown(page(client, selected[0].get("href"))) == ALL_ENV


def test_year_and_month_charts_set_the_date_range(client):
    doc = page(client, "/?q=环境")
    assert not doc.cssselect("#facet-month")  # months once a year is chosen
    year_url = facet_link(doc, "year", "2024年")
    assert parse_qs(urlsplit(year_url).query) == {"q": ["环境"], "from": ["2024"], "to": ["2024"]}
    in_year = page(client, year_url)
    assert total_shown(in_year) == 12
    assert in_year.cssselect("#facet-year .bars li.selected a")[0].get("aria-current") == "true"
    months = [e.text_content() for e in in_year.cssselect("#facet-month .bars .label")]
    assert months == [f"{m}月" for m in range(1, 13)]
    assert in_year.cssselect("#chart-month")[0].text_content() == "2024年各月"
    month_url = facet_link(in_year, "month", "2月")
    assert parse_qs(urlsplit(month_url).query)["from"] == ["2024-02"]
    in_month = page(client, month_url)
    assert total_shown(in_month) == 2
    back = in_month.cssselect("#facet-month .bars li.selected a")[0].get("href")  # the chosen month → its year
    assert parse_qs(urlsplit(back).query)["from"] == ["2024"] and total_shown(page(client, back)) == 12
    empty_months = in_year.cssselect("#facet-month .bars .none")  # months without articles: no link
    assert len(empty_months) == 12 - len(in_year.cssselect("#facet-month .bars a"))


def test_date_form_keeps_the_query_and_filters(client):
    doc = page(client, "/?q=环境&source=新华社&sort=oldest")
    form = doc.cssselect("form.dateform")[0]
    hidden = {(i.get("name"), i.get("value")) for i in form.cssselect('input[type="hidden"]')}
    assert hidden == {("q", "环境"), ("source", "新华社"), ("sort", "oldest")}
    assert {i.get("name") for i in form.cssselect("input:not([type])")} == {"from", "to"}
    assert total_shown(page(client, "/?q=环境&source=新华社&sort=oldest&from=2023-01&to=2023-12")) == 6


def test_pager_moves_between_pages(client):
    first = page(client, "/?q=环境")
    assert not first.cssselect('.pager a[rel="prev"]')
    nxt = first.cssselect('.pager a[rel="next"]')[0].get("href")
    second = page(client, nxt)
    assert second.cssselect(".pager .current")[0].text == "2"
    assert second.cssselect("ol.hits")[0].get("start") == "11"
    numbers = [a.text for a in second.cssselect(".pager a[aria-label]")]
    assert numbers == ["1", "3"]
    third = page(client, "/?q=环境&page=3")
    assert len(third.cssselect("li.hit")) == 4 and not third.cssselect('.pager a[rel="next"]')
    beyond = page(client, "/?q=环境&page=9")
    assert "一共只有 3 页" in beyond.text_content()


def test_sort_links_change_the_order(client):
    doc = page(client, "/?q=环境")
    links = {a.text: a.get("href") for a in doc.cssselect(".sort a")}
    assert set(links) == {"最新", "最早"}
    newest = page(client, links["最新"])
    dates = [t.get("datetime") for t in newest.cssselect(".hit-meta time")]
    assert dates == sorted(dates, reverse=True)
    assert newest.cssselect(".sort strong")[0].text == "最新"


def test_a_query_that_only_excludes_shows_the_newest_first_sort_it_got(client):
    """Waits for SearchResult.sort (branch i15; the same test is there)."""
    doc = page(client, "/?q=-环境")
    assert doc.cssselect(".sort strong")[0].text == "最新"
    assert {a.text for a in doc.cssselect(".sort a")} == {"最早"}
    dates = [t.get("datetime") for t in doc.cssselect(".hit-meta time")]
    assert dates == sorted(dates, reverse=True)
    assert api(client, "/api/search?q=-环境")["sort"] == "newest"
    assert api(client, "/api/search?q=-环境&sort=oldest")["sort"] == "oldest"
    assert api(client, "/api/search?q=环境")["sort"] == "relevance"


def test_no_results_page_offers_ways_out(client):
    doc = page(client, "/?q=不存在的词语&source=新华社&from=2024")
    assert total_shown(doc) == 0 and doc.get_element_by_id("no-results") is not None
    exits = {a.text_content(): a.get("href") for a in doc.cssselect(".exits a")}
    assert "去掉来源：新华社" in exits and "查看全部文章" in exits
    assert "只去掉查询词「不存在的词语」" in exits
    assert total_shown(page(client, exits["只去掉查询词「不存在的词语」"])) == 0  # 新华社 has nothing in 2024
    assert total_shown(page(client, exits["查看全部文章"])) == len(records())


def test_the_notice_is_shown_beside_filter_hints_and_above_results(client, tmp_path):
    """An operator read as text is said on the page whether the search found articles or not,
    and a filter naming no value does not hide it behind its hint links."""
    doc = page(client, "/?q=" + quote("OR 环境") + "&source=" + quote("生态"))
    assert total_shown(doc) == 0
    assert "「OR」" in doc.get_element_by_id("notice").text_content()
    assert "来源：生态环境部" in [a.text_content() for a in doc.cssselect("#filter-hints a")]
    index = index_of(tmp_path, "or.jsonl", [{"id": "vote", "title": "表决结果", "body": "赞成 OR 反对，环境议题。"}])
    found = page(create_app({"INDEX_DIR": index, "TESTING": True}).test_client(), "/?q=" + quote("环境 OR"))
    assert total_shown(found) == 1
    assert "「OR」" in found.get_element_by_id("notice").text_content()
    assert page(client, "/?q=环境").get_element_by_id("notice").get("hidden") is not None


def test_year_chart_has_one_labelled_bar_per_year_with_articles(client):
    doc = page(client, "/?q=环境")
    rows = doc.cssselect("#facet-year .bars li")
    assert [r.cssselect(".label")[0].text_content() for r in rows] == ["2021年", "2022年", "2023年", "2024年"]
    assert [int(r.cssselect(".count")[0].text_content().split()[0]) for r in rows] == [1, 5, 6, 12]
    widths = [float(r.cssselect("rect")[0].get("width")) for r in rows]
    assert widths[-1] == 100 and 0 < widths[0] < widths[1] < widths[2] < widths[3]


def test_empty_query_page_shows_everything(client):
    doc = page(client, "/")
    assert total_shown(doc) == len(records()) and doc.get_element_by_id("q").get("value") in (None, "")
    assert doc.cssselect(".sort strong")[0].text == "最新"  # no query: newest first, not "relevance"
    assert [a.text for a in doc.cssselect(".sort a")] == ["最早"]


# ------------------------------------------------------------------------- the article


def test_article_page_marks_the_query_and_keeps_paragraphs(client):
    doc = page(client, "/articles/mee-00?q=空气质量")
    assert doc.cssselect("h1 mark")[0].text == "空气质量"
    body = doc.cssselect(".article-body")[0]
    assert body.cssselect("mark") and "\n" in body.text_content()
    assert doc.cssselect("a.original")[0].get("href") == "https://www.mee.gov.cn/xxgk/0.html"
    back = doc.cssselect(".back a")[0].get("href")
    assert parse_qs(urlsplit(back).query) == {"q": ["空气质量"]}


def test_hit_links_reach_articles_whose_ids_need_quoting(client):
    doc = page(client, "/?q=环境报告全文")
    href = doc.cssselect(".hit-title a")[0].get("href")
    art = page(client, href)
    assert art.cssselect("code")[0].text == SLASH_ID


def test_links_to_ids_with_dot_empty_or_leading_segments_or_line_breaks_survive_a_browser(tmp_path):
    # A browser resolves `.` and `..` segments away before it asks (`/articles/site/../a.html` is
    # fetched as `/articles/a.html`), and the router merges `//`: such ids must still be reached.
    from helpers import write_jsonl

    from indexer.ingest.run import run_ingest

    ids = ["site/../a.html", "./b", "c//d", "e/.", "a.html", "/news/a.html", "news/a.html", "new\nline.html", ".", ".."]
    write_jsonl(tmp_path / "articles" / "dots.jsonl", [
        {"id": i, "title": f"点号编号第{n}篇", "date": "2024-01-01", "body": f"点号编号测试正文第{n}篇。"}
        for n, i in enumerate(ids)])
    run_ingest(tmp_path / "index", [tmp_path / "articles"], rebuild=True)
    dots = create_app({"INDEX_DIR": tmp_path / "index", "WARM_UP": False}).test_client()
    doc = page(dots, "/?q=点号编号&per_page=50")
    hrefs = {a.text_content(): a.get("href") for a in doc.cssselect(".hit-title a")}
    assert len(hrefs) == len(ids)
    for n, article_id in enumerate(ids):
        resolved = urlsplit(urljoin("http://localhost/", hrefs[f"点号编号第{n}篇"]))  # as a browser resolves it
        art = page(dots, resolved.path + "?" + resolved.query)
        assert art.cssselect("code")[0].text == article_id
        assert api(dots, "/api/articles/" + quote(article_id, safe=""))["id"] == article_id
        assert api(dots, "/api/articles/?id=" + quote(article_id, safe=""))["id"] == article_id
    assert dots.get("/articles/").status_code == dots.get("/api/articles/").status_code == 404


# ------------------------------------------------------------------- hostile content


def _assert_inert(doc) -> None:
    """No script but the app's own file, no frames, images, styles or event handlers, no script links."""
    assert [e.get("src") for e in doc.cssselect("script")] == ["/static/app.js"]
    assert not doc.cssselect("script:not([src]), iframe, object, embed, img, style, [style], base")
    for el in doc.iter():
        if not isinstance(el.tag, str):
            continue
        for name, value in el.attrib.items():
            assert not name.lower().startswith("on"), (el.tag, name)
            if name in ("href", "src", "action"):
                assert not value.strip().lower().startswith(("javascript:", "data:text")), value


def test_hostile_article_is_inert_in_results(client):
    raw = client.get("/?q=环境警报").get_data(as_text=True)
    assert "<script>alert" not in raw and "&lt;script&gt;alert(1)&lt;/script&gt;" in raw
    doc = lxml.html.fromstring(raw)
    _assert_inert(doc)
    hit = doc.cssselect("li.hit")[0]
    assert "<script>alert(1)</script>" in hit.cssselect(".hit-title")[0].text_content()
    assert "<b onmouseover=alert(5)>恶意来源</b>" in hit.cssselect(".source")[0].text_content()
    facets = page(client, "/?q=环境")
    _assert_inert(facets)
    assert facet_link(facets, "source", "<b onmouseover=alert(5)>恶意来源</b>")


def test_hostile_article_is_inert_on_its_page(client):
    raw = client.get(f"/articles/{HOSTILE_ID}?q=环境").get_data(as_text=True)
    doc = lxml.html.fromstring(raw)
    _assert_inert(doc)
    assert not doc.cssselect("a.original")
    assert doc.cssselect(".not-a-link")[0].text == "javascript:alert(1)"
    assert "<script>alert(2)</script>" in doc.cssselect(".article-body")[0].text_content()
    assert doc.cssselect(".article-body mark")


def test_hostile_query_is_inert(client):
    doc = page(client, "/?q=%22%3E%3Cscript%3Ealert(1)%3C/script%3E&source=%22%3E%3Cimg%20src=x%20onerror=alert(1)%3E")
    _assert_inert(doc)
    assert doc.get_element_by_id("q").get("value") == '"><script>alert(1)</script>'


def test_hostile_article_json_is_data_not_html(client):
    r = client.get(f"/api/articles/{HOSTILE_ID}")
    assert r.mimetype == "application/json" and r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.get_json()["title"] == HOSTILE_TITLE


def test_demo_articles_in_the_repo_serve(tmp_path):
    """The demo articles shipped in index_data/articles build and serve (a fresh machine has them)."""
    from indexer.ingest.run import run_ingest

    demo = Path(__file__).resolve().parent.parent / "index_data" / "articles"
    run_ingest(tmp_path / "index", [demo], rebuild=True)
    c = create_app({"INDEX_DIR": tmp_path / "index"}).test_client()
    assert api(c, "/healthz")["articles"] > 50
    doc = page(c, "/?q=生态环境")
    assert total_shown(doc) >= 1
    page(c, doc.cssselect(".hit-title a")[0].get("href"))


# ------------------------------------------------------------- errors on the page itself


def test_a_bad_date_is_shown_on_the_search_page_with_the_query_kept(client):
    doc = page(client, "/?q=环境&source=新华社&from=2020-13-45", 400)
    assert doc.get_element_by_id("q").get("value") == "环境"
    box = doc.get_element_by_id("error")
    assert box.get("role") == "alert" and "2020-13-45" in box.text_content()
    date = doc.get_element_by_id("from")
    assert date.get("value") == "2020-13-45" and date.get("aria-invalid") == "true"
    hidden = {(i.get("name"), i.get("value")) for i in doc.cssselect("form.searchform input[type=hidden]")}
    assert ("source", "新华社") in hidden  # the box searches again with what was asked
    plain = box.cssselect("a")[0].get("href")  # a way back that keeps the query and drops the filters
    assert parse_qs(urlsplit(plain).query) == {"q": ["环境"]} and total_shown(page(client, plain)) == ALL_ENV


def test_errors_elsewhere_keep_the_search_box_and_query(client):
    doc = page(client, "/articles/no-such-article?q=环境", 404)
    assert doc.get_element_by_id("q").get("value") == "环境"
    assert parse_qs(urlsplit(doc.cssselect(".error a")[0].get("href")).query) == {"q": ["环境"]}


def test_bad_date_message_is_chinese_and_names_the_accepted_forms(client):
    """Waits for the engine's Chinese BadRequest messages (branch i15)."""
    message = api(client, "/api/search?from=2020-13-45", 400)["error"]
    doc = page(client, "/?q=环境&from=2020-13-45", 400)
    assert doc.cssselect("#error .error-message")[0].text_content() == message
    assert re.search("[\u4e00-\u9fff]", message) and "2020-13-45" in message


def test_date_hint_names_every_accepted_form(client):
    hint = page(client, "/?q=环境").get_element_by_id("date-hint").text_content()
    for form in ("2024-02-05", "2005年6月", "2005-6", "民國94年"):
        assert form in hint


@pytest.mark.parametrize("date_from, date_to, expected", [
    ("2024年2月", "2024年2月", 2), ("2024-2", "2024-2", 2), ("民國113年", "民國113年", 12),
    ("中華民國112年1月1日", "2023年12月31日", 6),
])
def test_dates_in_every_form_ingest_reads(client, date_from, date_to, expected):
    """Waits for the engine's date forms (branch i15)."""
    query = f"q=环境&from={date_from}&to={date_to}"
    assert api(client, "/api/search?" + query)["total"] == expected
    doc = page(client, "/?" + query)
    assert total_shown(doc) == expected
    assert doc.get_element_by_id("from").get("value") == date_from  # kept as the user wrote it


# ---------------------------------------------------------------------- per page


def test_per_page_choice_is_honoured_on_the_page(client):
    doc = page(client, "/?q=环境&per_page=20")
    assert len(doc.cssselect("li.hit")) == 20
    assert doc.cssselect(".per-page strong")[0].text == "20"
    links = {a.text: a.get("href") for a in doc.cssselect(".per-page a")}
    assert set(links) == {"10", "50", "100"}
    assert len(page(client, links["50"]).cssselect("li.hit")) == ALL_ENV
    second = page(client, doc.cssselect('.pager a[rel="next"]')[0].get("href"))
    assert len(second.cssselect("li.hit")) == 4 and second.cssselect("ol.hits")[0].get("start") == "21"
    hidden = {(i.get("name"), i.get("value")) for i in doc.cssselect("form.searchform input[type=hidden]")}
    assert ("per_page", "20") in hidden


# ------------------------------------------------------------------- several values


def test_several_values_of_one_facet_are_either_of(client):
    doc = page(client, "/?q=环境")
    one = page(client, facet_link(doc, "source", "生态环境部"))
    both = page(client, facet_link(one, "source", "新华社"))
    assert total_shown(both) == 23
    assert parse_qs(urlsplit(facet_link(one, "source", "新华社")).query)["source"] == ["生态环境部", "新华社"]
    chips = {a.text_content().split()[0]: a.get("href") for a in both.cssselect(".chips a")}
    assert set(chips) == {"来源：生态环境部", "来源：新华社"}
    assert total_shown(page(client, chips["来源：生态环境部"])) == 11  # removing one keeps the other
    assert len(both.cssselect("#facet-source ul.values li.selected")) == 2
    authors = page(client, "/?q=环境&author=孙金龙&author=黄润秋")
    assert total_shown(authors) == 12


def test_different_facets_must_all_match(client):
    assert total_shown(page(client, "/?q=环境&source=新华社&author=孙金龙")) == 0
    assert total_shown(page(client, "/?q=环境&source=新华社&source=生态环境部&author=孙金龙")) == 6


@pytest.fixture(scope="module")
def facets_client(tmp_path_factory):
    return create_app({"INDEX_DIR": build_facet_index(tmp_path_factory.mktemp("facets"))}).test_client()


def test_long_facets_show_the_top_values_then_more(facets_client):
    doc = page(facets_client, "/")
    items = doc.cssselect("#facet-source ul.values li")
    assert len(items) == SOURCES + 1  # + the Traditional article's source
    visible = [li for li in items if li.get("hidden") is None]
    assert len(visible) == FACET_SHOWN
    more = doc.cssselect("#facet-source a[data-more]")[0]
    assert more.text_content() == "更多来源…"
    url = urlsplit(more.get("href"))
    assert parse_qs(url.query) == {"facet_size": ["1000"]} and url.fragment == "facet-source"
    expanded = page(facets_client, more.get("href"))
    assert not expanded.cssselect("#facet-source ul.values li[hidden]")
    assert len(expanded.cssselect("#facet-source ul.values li")) == SOURCES + 1
    assert expanded.cssselect("#facet-source .more a")[0].text == "收起"
    # links made from the expanded page keep the longer lists
    chosen = facet_link(expanded, "source", "测试局03")
    assert parse_qs(urlsplit(chosen).query)["facet_size"] == ["1000"]
    assert total_shown(page(facets_client, chosen)) == 3


def test_a_chosen_value_stays_visible_beyond_the_top(facets_client):
    doc = page(facets_client, "/?source=测试局14")
    chosen = doc.cssselect("#facet-source ul.values li.selected")
    assert len(chosen) == 1 and chosen[0].get("hidden") is None


def test_more_lists_values_beyond_the_engines_default(facets_client):
    """Waits for facet_size and facets_truncated (branch i15): 41 authors, 30 listed by default."""
    doc = page(facets_client, "/")
    section = doc.get_element_by_id("facet-author")
    assert section.get("data-truncated") == "1"
    more = section.cssselect("a[data-more]")[0].get("href")
    expanded = page(facets_client, more)
    assert len(expanded.cssselect("#facet-author ul.values li")) == AUTHORS + 1
    assert api(facets_client, "/api/search?facet_size=5")["facets_truncated"]["author"] is True


def test_finder_box_adds_a_value_from_a_long_list(facets_client):
    doc = page(facets_client, "/?q=报告")
    form = doc.cssselect("#facet-author form.finder")[0]
    box = form.cssselect("input[type=search]")[0]
    assert box.get("name") == "author" and box.get("list") == "list-author"
    options = [o.get("value") for o in doc.cssselect("#list-author option")]
    assert len(options) >= FACET_SHOWN and NAMES[1] in options
    hidden = [(i.get("name"), i.get("value")) for i in form.cssselect("input[type=hidden]")]
    assert hidden == [("q", "报告")]
    args = hidden + [("author", NAMES[1])]
    found = page(facets_client, "/?" + urlencode(args))  # what submitting the form asks for
    assert total_shown(found) == 2 and len(found.cssselect(".chips a")) == 1
    assert not page(facets_client, "/?q=环境").cssselect("#facet-source form.finder")  # short lists have none


def test_column_facet_narrows_and_is_a_chip(facets_client):
    """Waits for the engine's column facet and filter (branch i15)."""
    doc = page(facets_client, "/")
    assert doc.cssselect("#facet-column-heading")[0].text == "栏目"
    narrowed = page(facets_client, facet_link(doc, "column", "公告"))
    assert total_shown(narrowed) == 15
    assert [a.text_content().split()[0] for a in narrowed.cssselect(".chips a")] == ["栏目：公告"]
    both = page(facets_client, facet_link(narrowed, "column", "通知"))
    assert total_shown(both) == 29
    assert api(facets_client, "/api/search?column=公告&column=通知")["total"] == 29


def test_no_column_facet_where_articles_have_none(client):
    assert not page(client, "/?q=空气质量").cssselect("#facet-column")


def test_year_chart_skips_years_without_articles(facets_client):
    doc = page(facets_client, "/")
    labels = [e.text_content() for e in doc.cssselect("#facet-year .bars .label")]
    assert labels == ["2004年", "2010年", "2024年"]
    assert all(a.get("href") for a in doc.cssselect("#facet-year .bars li a"))


# ------------------------------------------------------------------------ exports


def test_export_links_carry_the_same_search(client):
    doc = page(client, "/?q=环境&source=生态环境部&sort=newest&page=2&per_page=5")
    links = {a.text: a.get("href") for a in doc.cssselect(".exports a")}
    assert set(links) == {"JSON", "CSV", "Atom 订阅"}
    as_json = api(client, links["JSON"])
    assert (as_json["total"], as_json["page"], as_json["per_page"]) == (12, 2, 5)
    assert [h["id"] for h in as_json["hits"]] == [
        urlsplit(a.get("href")).path.removeprefix("/articles/") for a in doc.cssselect(".hit-title a")]
    assert parse_qs(urlsplit(links["CSV"]).query) == {"q": ["环境"], "source": ["生态环境部"], "sort": ["newest"]}
    assert parse_qs(urlsplit(links["Atom 订阅"]).query) == {"q": ["环境"], "source": ["生态环境部"]}
    feed = doc.cssselect('link[rel="alternate"][type="application/atom+xml"]')[0]
    assert feed.get("href") == links["Atom 订阅"]


def read_csv(client, url: str) -> list[dict]:
    r = client.get(url)
    assert r.status_code == 200 and r.mimetype == "text/csv"
    assert r.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in r.headers["Content-Disposition"]
    raw = r.get_data()
    assert raw.startswith(codecs.BOM_UTF8)
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))


def test_csv_has_every_matching_article_with_a_header(client):
    rows = read_csv(client, "/api/search.csv?q=环境&sort=newest")
    assert len(rows) == ALL_ENV
    assert list(rows[0])[:4] == ["id", "title", "date", "source"]
    expected = [h["id"] for h in api(client, "/api/search?q=环境&sort=newest&per_page=100")["hits"]]
    assert [r["id"] for r in rows] == expected
    by_id = {r["id"]: r for r in rows}
    assert by_id["mee-00"]["authors"] == "孙金龙" and by_id["mee-00"]["url"] == "https://www.mee.gov.cn/xxgk/0.html"
    assert by_id[SLASH_ID]["title"] == "环境报告全文"
    assert read_csv(client, "/api/search.csv?q=环境&source=新华社&from=2023")[0]["source"] == "新华社"


def test_csv_with_reposts_collapsed_pages_through_every_story(client, monkeypatch):
    monkeypatch.setattr(search_web.api, "CSV_PAGE", 7)
    stories = api(client, "/api/search?q=环境")["stories"]
    rows = read_csv(client, "/api/search.csv?q=环境&collapse=1")  # four engine pages of 7
    assert len(rows) == stories and len({r["id"] for r in rows}) == stories


def test_exports_are_named_after_the_query_and_the_day(client):
    from urllib.parse import unquote

    today = __import__("datetime").date.today().isoformat()
    for url, kind, ext in (("/api/search.csv?q=环境 保护&source=x", "attachment", "csv"),
                           ("/api/search?q=环境 保护", "inline", "json"),
                           ("/feeds/search.atom?q=环境 保护", "inline", "atom")):
        header = client.get(url).headers["Content-Disposition"]
        assert header.startswith(kind + ";"), header
        encoded = header.split("filename*=UTF-8''")[1]
        assert unquote(encoded) == f"文搜-环境_保护-{today}.{ext}"
        assert f'filename="wensou-{today}.{ext}"' in header  # for clients that read only the ASCII name
        header.encode("latin-1")  # an HTTP header carries no raw UTF-8
    header = client.get("/api/search.csv?q=" + quote('a/b\\c:"*?<>|' + "长" * 100)).headers["Content-Disposition"]
    name = unquote(header.split("filename*=UTF-8''")[1])
    assert name == f"文搜-abc{'长' * 37}-{today}.csv"
    assert unquote(client.get("/api/search.csv").headers["Content-Disposition"].split("''")[1]).startswith("文搜-全部文章-")


def test_csv_neutralises_formulas(facets_client):
    rows = {r["id"]: r for r in read_csv(facets_client, "/api/search.csv")}
    titles = [rows[f"f-{i:02d}"]["title"] for i in range(len(FORMULA_TITLES))]
    assert titles == ["'" + t for t in FORMULA_TITLES]
    assert all(not r[k].startswith(("=", "+", "-", "@")) for r in rows.values() for k in r)
    assert csv_cell("-3") == "'-3" and csv_cell("＝1+1") == "'＝1+1" and csv_cell(3.5) == "3.5"


def test_csv_errors_are_json_400(client):
    r = client.get("/api/search.csv?from=2024-13")
    assert r.status_code == 400 and set(r.get_json()) == {"error"}
    # a paging parameter the search refuses is refused by the listings too (they page their own
    # way, but a URL that is wrong for /api/search is wrong for them: it was a 200)
    for route in ("/api/search.csv", "/feeds/search.atom"):
        for bad in ("per_page=abc", "page=0", "sort=best"):
            r = client.get(f"{route}?q=%E7%8E%AF%E5%A2%83&{bad}")
            assert r.status_code == 400 and r.get_json()["error"] == api(client, f"/api/search?{bad}", 400)["error"], (route, bad)


ATOM_NS = {"a": "http://www.w3.org/2005/Atom"}


def read_feed(client, url: str):
    r = client.get(url)
    assert r.status_code == 200 and r.mimetype == "application/atom+xml"
    return ET.fromstring(r.get_data())


def test_atom_feed_lists_the_newest_50_newest_first(client, facets_client):
    feed = read_feed(client, "/feeds/search.atom?q=环境&sort=oldest&page=3")  # sort and page do not apply
    entries = feed.findall("a:entry", ATOM_NS)
    assert len(entries) == ALL_ENV - 0 and feed.find("a:title", ATOM_NS).text == "文搜：环境"
    dates = [e.find("a:updated", ATOM_NS).text for e in entries]
    assert dates == sorted(dates, reverse=True)
    first = entries[0]
    link = first.find("a:link[@rel='alternate']", ATOM_NS).get("href")
    assert link.startswith("http://localhost/articles/")
    assert first.find("a:id", ATOM_NS).text == link
    assert "<mark>" in first.find("a:summary", ATOM_NS).text
    assert feed.find("a:link[@rel='self']", ATOM_NS).get("href").endswith("/feeds/search.atom?q=%E7%8E%AF%E5%A2%83")
    many = read_feed(facets_client, "/feeds/search.atom").findall("a:entry", ATOM_NS)
    assert len(many) == 45 and many[0].find("a:updated", ATOM_NS).text.startswith("2024-12-24")
    assert len(read_feed(facets_client, "/feeds/search.atom?per_page=5").findall("a:entry", ATOM_NS)) == 45


def test_an_undated_article_in_a_feed_is_not_dated_1970(tmp_path):
    """Atom needs an entry's <updated>: an undated article's is the feed's own (its newest
    article's date), never 1970-01-01, and it has no <published>."""

    index = index_of(tmp_path, "a.jsonl", [
        {"id": "d1", "title": "有日期的报告", "date": "2024-05-01", "body": "生态环境部发布报告，记号甲。"},
        {"id": "u1", "title": "没有日期的报告", "body": "生态环境部发布另一份报告，记号甲。"}])
    feed = read_feed(create_app({"INDEX_DIR": index, "WARM_UP": False}).test_client(), "/feeds/search.atom?q=记号甲")
    entries = {e.find("a:title", ATOM_NS).text: e for e in feed.findall("a:entry", ATOM_NS)}
    undated = entries["没有日期的报告"]
    assert undated.find("a:updated", ATOM_NS).text == feed.find("a:updated", ATOM_NS).text == "2024-05-01T00:00:00Z"
    assert undated.find("a:published", ATOM_NS) is None


def test_atom_feed_carries_hostile_and_control_text_safely(client, facets_client):
    feed = read_feed(client, "/feeds/search.atom?q=环境警报")
    entry = feed.find("a:entry", ATOM_NS)
    assert entry.find("a:title", ATOM_NS).text == HOSTILE_TITLE  # text, escaped by the XML writer
    assert entry.find("a:link[@rel='via']", ATOM_NS) is None  # javascript: is not a link
    summary = lxml.html.fragment_fromstring(entry.find("a:summary", ATOM_NS).text, create_parent="div")
    assert {e.tag for e in summary.iter()} <= {"div", "mark"}
    titles = [e.find("a:title", ATOM_NS).text for e in read_feed(facets_client, "/feeds/search.atom").findall("a:entry", ATOM_NS)]
    assert CONTROL_TITLE.replace("\u0001", "") in titles


# ---------------------------------------------------------------- advanced search and help


def test_advanced_form_writes_the_query_syntax(client):
    doc = page(client, "/?" + urlencode({"all": "生态  环境", "phrase": "空气质量", "none": "新华社 广告",
                                         "in_title": "1", "by_source": "", "from": "2024", "to": ""}))
    written = 'title:生态 title:环境 title:"空气质量" -新华社 -广告'
    assert doc.get_element_by_id("q").get("value") == written
    assert total_shown(doc) == 12
    canonical = doc.cssselect('link[rel="canonical"]')[0].get("href")
    assert parse_qs(urlsplit(canonical).query) == {"q": [written], "from": ["2024"]}
    assert total_shown(page(client, canonical)) == 12  # the ordinary search URL of the same search
    json_link = {a.text: a.get("href") for a in doc.cssselect(".exports a")}["JSON"]
    assert parse_qs(urlsplit(json_link).query)["q"] == [written]
    assert not page(client, "/?q=环境").cssselect('link[rel="canonical"]')


def test_advanced_form_quotes_what_the_syntax_would_misread():
    def q(**fields):
        return write_query(MultiDict(fields))

    assert q(by_source="生态环境部", by_author="李明") == "source:生态环境部 author:李明"
    assert q(by_source="New China") == 'source:"New China"'
    def read(**fields):  # what the search makes of the written query: every word a term, as typed
        parsed = parse_query(q(**fields))
        assert not parsed.excluded and not parsed.literal and all(c.near is None for c in parsed.positive)
        return [c.text for c in parsed.positive]

    assert read(phrase='他说"好"') == ['他说"好"']
    assert read(all="OR -x a:b title:y") == ["OR", "-x", "a:b", "title:y"]
    assert read(all="中国 NEAR/5 美国 NEAR NEAR/x") == ["中国", "NEAR/5", "美国", "NEAR", "NEAR/x"]  # no proximity
    assert read(all="＂引号 「书名」") == ["＂引号", "「书名」"]
    assert q(none="广告", all="") == "-广告"
    assert q() == ""


def test_advanced_form_and_syntax_help_are_on_the_page(client):
    doc = page(client, "/?q=环境")
    form = doc.cssselect("#advanced form")[0]
    names = {i.get("name") for i in form.cssselect("input")}
    assert names == {"all", "phrase", "none", "in_title", "by_source", "by_author", "from", "to"}
    help_text = doc.get_element_by_id("syntax").text_content()
    for example in ('"空气质量"', "-广告", "OR", "title:", "source:", "author:"):
        assert example in help_text
    assert page(client, "/?q=x&from=2024-13", 400).cssselect("#advanced form")  # also beside an error


# ------------------------------------------------------------------------ the article, more


def test_article_numbers_its_matches_for_next_and_previous(client):
    doc = page(client, "/articles/mee-00?q=环境")
    marks = doc.cssselect(".article-body mark")
    assert [m.get("id") for m in marks] == [f"m{n}" for n in range(1, len(marks) + 1)] and len(marks) >= 2
    nav = doc.get_element_by_id("matches")
    assert nav.get("data-count") == str(len(marks))
    assert nav.cssselect(".match-next")[0].get("href") == "#m1"
    assert nav.cssselect(".match-prev")[0].get("href") == f"#m{len(marks)}"
    assert [a.get("href") for a in nav.cssselect(".match-list a")] == [f"#m{n}" for n in range(1, len(marks) + 1)]
    assert not page(client, "/articles/mee-00").cssselect("#matches")  # nothing to step through


def test_article_lang_follows_its_script(facets_client):
    trad = page(facets_client, f"/articles/{TRADITIONAL_ID}?q=环境")
    assert trad.get("lang") == "zh-Hans"  # the page's own words
    assert trad.cssselect("article")[0].get("lang") == "zh-Hant"
    assert page(facets_client, "/articles/f-10").cssselect("article")[0].get("lang") == "zh-Hans"


def test_each_hit_is_marked_with_its_script(facets_client):
    doc = page(facets_client, "/?q=报告&per_page=100")
    langs = {li.cssselect(".hit-title a")[0].get("href").split("?")[0]: li.get("lang") for li in doc.cssselect("li.hit")}
    assert langs.pop(f"/articles/{TRADITIONAL_ID}") == "zh-Hant"
    assert set(langs.values()) == {"zh-Hans"}


def test_article_can_be_read_in_the_other_script(facets_client):
    trad = page(facets_client, f"/articles/{TRADITIONAL_ID}?q=环境")
    choice = {a.text: a.get("href") for a in trad.cssselect(".script-choice a")}
    assert trad.cssselect(".script-choice strong")[0].text == "繁體" and set(choice) == {"简体"}
    simp = page(facets_client, choice["简体"])
    assert parse_qs(urlsplit(choice["简体"]).query) == {"q": ["环境"], "zh": ["hans"]}
    assert simp.cssselect("article")[0].get("lang") == "zh-Hans"
    body = simp.cssselect(".article-body")[0].text_content()
    assert "环境影响评估报告" in body and "環境" not in body
    assert [m.text for m in simp.cssselect(".article-body mark")][:1] == ["环境"]
    assert "行政院公共工程委员会令" in simp.cssselect("h1")[0].text_content()
    assert simp.cssselect("code")[0].text == TRADITIONAL_ID  # the stored article is unchanged
    assert api(facets_client, f"/api/articles/{TRADITIONAL_ID}")["body"] == TRADITIONAL_BODY
    back = page(facets_client, f"/articles/{TRADITIONAL_ID}?zh=hant")
    assert back.cssselect(".script-choice strong")[0].text == "繁體"
    to_trad = page(facets_client, "/articles/f-10?zh=hant")
    assert "這是第10號報告" in to_trad.cssselect(".article-body")[0].text_content()
    assert page(facets_client, "/articles/f-10?zh=klingon").cssselect(".script-choice strong")[0].text == "简体"


def test_article_links_to_the_original(facets_client):
    doc = page(facets_client, f"/articles/{TRADITIONAL_ID}")
    assert doc.cssselect("a.original-top")[0].get("href") == "http://gazette.nat.gov.tw/eg/1.htm"
    assert "noopener" in doc.cssselect("a.original-top")[0].get("rel")


def test_article_lists_related_articles(client):
    doc = page(client, "/articles/mee-00")
    links = doc.cssselect(".related a")
    assert doc.cssselect("#related-heading")[0].text == "相关文章" and 1 <= len(links) <= 5
    assert all(a.get("href").startswith("/articles/") and "mee-00" not in a.get("href") for a in links)


def test_without_related_articles_the_page_shows_no_empty_section(client, app, monkeypatch):
    with app.app_context():
        engine = get_engine()
    monkeypatch.setattr(engine, "related", lambda article_id, limit=5: [])
    assert not page(client, "/articles/mee-00").cssselect(".related")


def test_home_page_focuses_the_search_box_and_results_pages_do_not(client):
    assert page(client, "/").get_element_by_id("q").get("autofocus") is not None
    assert page(client, "/?q=环境").get_element_by_id("q").get("autofocus") is None


def test_new_routes_never_500(client):
    for raw in ("q=%FF%FE", "q=%00", "from=%00", "per_page=1e3", "collapse=maybe", "facet_size=-1",
                "q=\"unbalanced&sort=newest", "all=%00&phrase=%22&none=-", "zh=%00"):
        for base in ("/api/search.csv?", "/feeds/search.atom?", "/?", "/articles/mee-01?"):
            assert client.get(base + raw).status_code in (200, 400), base + raw


def test_page_says_what_the_engine_expanded_and_collapsed(client, app, monkeypatch):
    """The page shows the result's `variants` and `stories` (docs/interfaces.md "Search result (JSON)") with links
    that turn each off; the engine's values are stood in for here."""
    with app.app_context():
        engine = get_engine()
    real = type(engine).search

    def search(self, req):
        result = real(self, req)
        result.variants, result.stories = ["環境"], result.total - 3
        return result

    monkeypatch.setattr(type(engine), "search", search)
    doc = page(client, "/?q=环境")
    assert doc.get_element_by_id("stories").text == str(ALL_ENV - 3)
    every = [a.get("href") for a in doc.cssselect("#summary a")][0]
    assert parse_qs(urlsplit(every).query) == {"q": ["环境"], "collapse": ["0"]}
    variants = doc.get_element_by_id("variants")
    assert "環境" in variants.text_content()
    assert parse_qs(urlsplit(variants.cssselect("a")[0].get("href")).query) == {"q": ["环境"], "variants": ["0"]}


def test_collapse_and_variants_off_are_removable_chips(client):
    """Waits for the engine's collapse and variants parameters (branch i15)."""
    doc = page(client, "/?q=环境&collapse=0&variants=0")
    chips = {a.text_content().split()[0]: a.get("href") for a in doc.cssselect(".chips a")}
    assert list(chips) == ["不合并转载", "不扩展两岸用词"]
    assert parse_qs(urlsplit(chips["不合并转载"]).query) == {"q": ["环境"], "variants": ["0"]}


# ------------------------------------------------------------- back to the results, marks, long queries


def test_article_back_link_returns_to_the_same_filters_sort_and_page(client):
    search = "/?q=环境&source=生态环境部&sort=newest&page=2&per_page=5"
    doc = page(client, search)
    href = doc.cssselect(".hit-title a")[0].get("href")
    art = page(client, href)
    back = art.cssselect(".back a")[0].get("href")
    assert parse_qs(urlsplit(back).query) == parse_qs(urlsplit(search).query)
    again = page(client, back)
    assert again.cssselect(".pager .current")[0].text == "2" and total_shown(again) == 12
    other = {a.text: a.get("href") for a in art.cssselect(".script-choice a")}["繁體"]
    assert parse_qs(urlsplit(other).query)["sort"] == ["newest"]  # the other script keeps the way back
    bad = page(client, "/articles/mee-00?q=环境&from=2024-13")  # a search the engine refuses: the query alone
    assert parse_qs(urlsplit(bad.cssselect(".back a")[0].get("href")).query) == {"q": ["环境"]}


def test_article_marks_the_other_sides_wording_the_search_found_it_by(facets_client):
    hits = api(facets_client, "/api/search?q=环境质量")["hits"]
    assert TRADITIONAL_ID in [h["id"] for h in hits]  # found through 環境品質
    doc = page(facets_client, f"/articles/{TRADITIONAL_ID}?q=环境质量")
    assert [m.text for m in doc.cssselect(".article-body mark")] == ["環境品質"]
    assert "文中 1 处匹配" in doc.get_element_by_id("matches").text_content()
    plain = page(facets_client, f"/articles/{TRADITIONAL_ID}?q=环境质量&variants=0")
    assert not plain.cssselect(".article-body mark")  # only the wording as typed
    quoted = page(facets_client, f"/articles/{TRADITIONAL_ID}?q=%22环境质量%22")
    assert not quoted.cssselect(".article-body mark")  # a quoted phrase never expands


def test_simplified_display_converts_source_author_and_title_too(facets_client):
    doc = page(facets_client, f"/articles/{TRADITIONAL_ID}?zh=hans")
    meta = doc.cssselect(".article-meta")[0].text_content()
    assert "公共工程委员会" in meta and "郭瑶琪" in meta and "委員會" not in meta
    assert doc.findtext(".//title").startswith("行政院公共工程委员会令")
    link = doc.cssselect(".article-meta a[href*='source=']")[0].get("href")
    assert total_shown(page(facets_client, link)) == 1  # the filter still finds the article


def test_a_huge_query_gets_a_small_error_page(client):
    huge = "环境" * 50_000  # 100,000 characters
    r = client.get("/?" + urlencode({"q": huge}))
    assert r.status_code == 400
    html = r.get_data(as_text=True)
    assert len(html.encode()) < 20_000  # the box holds the part a query may have, nothing repeats it
    doc = lxml.html.fromstring(html)
    assert len(doc.findtext(".//title")) < 80 and "环境环境" in doc.findtext(".//title")
    assert f"{len(huge)} 个字符" in doc.cssselect(".error-message")[0].text
    for a in doc.cssselect("a[href]"):
        assert len(a.get("href")) < 1000, a.get("href")[:80]
    assert len(doc.get_element_by_id("q").get("value")) == MAX_QUERY_CHARS
    long_id = client.get("/articles/" + "x" * 100_000)
    assert long_id.status_code == 404 and len(long_id.get_data()) < 20_000


# ------------------------------------------------------------- absolute URLs come from configuration


def test_redirects_and_feed_links_never_follow_the_host_header(client):
    evil = {"Host": "evil.example"}
    r = client.get("//?q=环境", headers=evil)
    assert r.status_code in (301, 308) and r.headers["Location"] == "/?q=%E7%8E%AF%E5%A2%83"  # relative
    r = client.get("/api//search?q=x", headers=evil)
    assert r.headers["Location"] == "/api/search?q=x"
    # nor the page the router sends with a redirect (it named http://evil.example/…, in English)
    for path, target in (("/articles", "/articles/"), ("/api//search?q=x", "/api/search?q=x")):
        page = client.get(path, headers=evil).get_data(as_text=True)
        assert "evil.example" not in page and f'href="{target}"' in page and 'lang="zh-Hans"' in page
    # (an article's route does not merge slashes: an id may start with one, /articles//a is id /a)
    feed = client.get("/feeds/search.atom?q=环境", headers=evil).get_data(as_text=True)
    assert "evil.example" not in feed and "http://localhost/articles/mee-" in feed  # the documented default


def test_a_configured_base_url_makes_every_absolute_url(tmp_path):
    app = create_app({"INDEX_DIR": build_index(tmp_path), "WARM_UP": False,
                      "BASE_URL": "https://news.example.org/wensou/"})
    client = app.test_client()
    evil = {"Host": "evil.example"}
    assert client.get("//?q=x", headers=evil).headers["Location"] == "https://news.example.org/wensou/?q=x"
    feed = ET.fromstring(client.get("/feeds/search.atom?q=环境", headers=evil).get_data())
    hrefs = [e.get("href") for e in feed.iter("{http://www.w3.org/2005/Atom}link") if e.get("rel") != "via"]
    assert len(hrefs) == 2 + ALL_ENV and all(h.startswith("https://news.example.org/wensou/") for h in hrefs)
    assert feed.find("a:id", ATOM_NS).text.startswith("https://news.example.org/wensou/feeds/search.atom?q=")
    app.config["BOUND_URL"] = "http://127.0.0.1:8123"  # what serve listens on: used only without BASE_URL
    assert "https://news.example.org/wensou/articles/" in client.get("/feeds/search.atom").get_data(as_text=True)
    for bad in ("javascript:alert(1)", "ftp://x.example", "https://", "https://x.example/?a=1", "http://u@x.example"):
        with pytest.raises(ValueError):
            create_app({"INDEX_DIR": tmp_path, "WARM_UP": False, "BASE_URL": bad})


def test_serve_refuses_a_base_url_that_is_not_one(tmp_path):
    from click.testing import CliRunner

    import cli

    result = CliRunner().invoke(cli.cli, ["--index", str(tmp_path), "serve", "--base-url", "ftp://x.example"])
    assert result.exit_code == 2 and "--base-url" in result.output


# ------------------------------------------------------------------ search within results (二次检索)


def test_search_within_results_narrows_and_stays_in_every_link(client):
    doc = page(client, "/?q=环境")
    form = doc.cssselect("form.within")[0]
    assert [i.get("name") for i in form.cssselect("input[type=hidden]")] == ["q"]
    assert form.cssselect("input#within-box")[0].get("name") == "within"
    narrowed = page(client, "/?q=环境&within=空气质量")
    expected = api(client, "/api/search?q=环境&within=空气质量")
    assert expected["within"] == ["空气质量"] and total_shown(narrowed) == expected["total"] < ALL_ENV
    assert expected["total"] == api(client, "/api/search?q=环境 空气质量")["total"]
    chip = [a for a in narrowed.cssselect(".chips a") if "在结果中" in a.text_content()][0]
    assert parse_qs(urlsplit(chip.get("href")).query) == {"q": ["环境"]}
    again = narrowed.cssselect("form.within input[type=hidden]")
    assert [(i.get("name"), i.get("value")) for i in again] == [("q", "环境"), ("within", "空气质量")]
    links = {a.text: a.get("href") for a in narrowed.cssselect(".exports a")}
    assert len(read_csv(client, links["CSV"])) == expected["total"]
    assert len(read_feed(client, links["Atom 订阅"]).findall("a:entry", ATOM_NS)) == expected["total"]
    for a in narrowed.cssselect(".sort a, .per-page a, .hit-title a"):
        assert parse_qs(urlsplit(a.get("href")).query)["within"] == ["空气质量"]
    back = page(client, narrowed.cssselect(".hit-title a")[0].get("href")).cssselect(".back a")[0].get("href")
    assert parse_qs(urlsplit(back).query)["within"] == ["空气质量"]
    twice = api(client, "/api/search?q=环境&within=空气质量&within=-新华社")
    assert twice["within"] == ["空气质量", "-新华社"] and twice["total"] <= expected["total"]


# ------------------------------------------------------------------------ the concordance (语境索引)


def test_concordance_page_lists_every_occurrence_with_a_chart_per_year(client):
    doc = page(client, "/?q=环境&source=生态环境部")
    link = doc.cssselect("a.kwic-link")[0].get("href")
    assert urlsplit(link).path == "/concordance"
    assert parse_qs(urlsplit(link).query) == {"q": ["环境"], "source": ["生态环境部"]}
    kwic = page(client, link + "&width=8&sort=left")
    data = api(client, "/api/concordance?q=环境&source=生态环境部&width=8&sort=left")
    rows = kwic.cssselect("table.kwic tbody tr")
    assert len(rows) == data["total"] == len(data["lines"]) > 12 and data["articles"] == 12
    assert {r.cssselect("td.match mark")[0].text for r in rows} == {"环境"}
    assert [r.cssselect("td.left")[0].text or "" for r in rows] == [x["left"] for x in data["lines"]]
    assert all(len(x["left"]) <= 8 for x in data["lines"])
    assert kwic.get_element_by_id("kwic-total").text == str(data["total"])
    bars = kwic.cssselect("#facet-kwic-year .bars li")
    counts = [int(b.cssselect(".count")[0].text) for b in bars]
    assert counts == [y["count"] for y in data["per_year"]] and sum(counts) == data["total"]
    # ... occurrences, and said so to a screen reader (the search page's date bars count articles)
    assert {b.cssselect(".count .visually-hidden")[0].text for b in bars} == {" 处"}
    year_link = kwic.cssselect("#facet-kwic-year .bars a")[0].get("href")
    assert parse_qs(urlsplit(year_link).query)["from"] == [data["per_year"][0]["year"]]
    article = rows[0].cssselect("td.where a")[0].get("href")
    assert parse_qs(urlsplit(article).query)["source"] == ["生态环境部"]
    back = [a.get("href") for a in kwic.cssselect(".kwic-links a") if "回到" in a.text][0]
    assert total_shown(page(client, back)) == 12


def test_concordance_csv_has_every_line_and_is_safe_in_spreadsheets(client, facets_client):
    data = api(client, "/api/concordance?q=环境")
    r = client.get("/api/concordance.csv?q=环境")
    assert r.headers["Content-Type"] == "text/csv; charset=utf-8" and "attachment" in r.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(r.get_data().decode("utf-8-sig"))))
    assert len(rows) == data["total"]
    assert list(rows[0]) == ["id", "date", "source", "title", "field", "position", "left", "match", "right"]
    formula = list(csv.DictReader(io.StringIO(
        facets_client.get("/api/concordance.csv?q=报告").get_data().decode("utf-8-sig"))))
    assert formula and all(not row[k].startswith(("=", "+", "-", "@")) for row in formula for k in row)


def test_concordance_refuses_bad_parameters_in_chinese(client):
    doc = page(client, "/concordance?q=环境&width=999", 400)
    assert "1 到 200" in doc.cssselect(".error-message")[0].text
    assert "date" in api(client, "/api/concordance.csv?q=环境&sort=x", 400)["error"]
    assert api(client, "/api/concordance?from=2024-13", 400)["error"]


# ------------------------------------------------------------------------ costly searches


def test_a_too_costly_search_is_a_503_in_chinese(client):
    costly = " OR ".join(f"词{i}" for i in range(120))  # 120 clauses on pages of 1,000: over the budget
    r = client.get("/api/search?" + urlencode({"q": costly, "per_page": 1000}))
    assert r.status_code == 503 and set(r.get_json()) == {"error"}
    assert "代价过高" in r.get_json()["error"]
    r = client.get("/?" + urlencode({"q": costly, "per_page": 1000}))
    assert r.status_code == 503 and r.mimetype == "text/html"
    doc = lxml.html.fromstring(r.get_data(as_text=True))
    assert "代价过高" in doc.cssselect(".error-message")[0].text and doc.get_element_by_id("q").get("value") == costly
    assert client.get("/api/search?q=环境").status_code == 200  # the next search is served as ever


def test_the_deadline_is_the_servers_to_set(tmp_path):
    app = create_app({"INDEX_DIR": build_index(tmp_path), "DEADLINE": 1e-9})  # every search runs out of time
    client = app.test_client()
    for url in ("/api/search?q=环境", "/api/search.csv?q=环境", "/feeds/search.atom?q=环境"):
        r = client.get(url)
        assert r.status_code == 503 and "秒的时限" in r.get_json()["error"], url
    assert "秒的时限" in client.get("/?q=环境").get_data(as_text=True)
    relaxed = create_app({"INDEX_DIR": tmp_path / "index", "DEADLINE": 30}).test_client()
    assert relaxed.get("/api/search?q=环境&deadline=0.000001").status_code == 200  # not a URL parameter


def test_decade_chart_narrows_to_a_decade_then_its_years(facets_client):
    doc = page(facets_client, "/?q=报告")
    labels = [b.cssselect(".label")[0].text for b in doc.cssselect("#facet-decade .bars li")]
    counts = [int(b.cssselect(".count")[0].text) for b in doc.cssselect("#facet-decade .bars li")]
    assert labels == ["2000年代", "2010年代", "2020年代"] and counts == [5, 10, 30]
    decade = page(facets_client, facet_link(doc, "decade", "2000年代"))
    assert total_shown(decade) == 5
    assert [b.cssselect(".label")[0].text for b in decade.cssselect("#facet-year .bars li")] == ["2004年"]
    chosen = decade.cssselect("#facet-decade .bars li.selected a")[0].get("href")
    assert "from" not in parse_qs(urlsplit(chosen).query)  # a click on the chosen decade lets go
    assert not page(facets_client, "/?q=报告&from=2024&to=2024").cssselect("#facet-decade")  # one decade: no chart


def test_saved_search_feeds_take_their_links_from_configuration_too(tmp_path):
    from indexer import saved

    index = build_index(tmp_path)
    saved.add(index, saved.make("环境动态", "环境"))
    client = create_app({"INDEX_DIR": index, "WARM_UP": False}).test_client()
    feed = client.get("/feeds/saved/环境动态.atom", headers={"Host": "evil.example"}).get_data(as_text=True)
    assert "evil.example" not in feed and "http://localhost/articles/" in feed


def test_a_search_heavy_by_its_shape_waits_for_a_heavy_slot_and_ordinary_ones_do_not(app, client):
    """Hundreds of words (or many words on a long page) run only in a heavy slot: with every
    slot taken such a search is refused at once with Retry-After, never queued on a thread that
    ordinary searches need; an ordinary search is answered as before."""
    from search_web.limits import LIMITS_KEY

    many = " OR ".join(f"{a}{b}" for a in "环境生态报告" for b in "部局厅委会司")  # 36 words
    limits = app.extensions[LIMITS_KEY]
    taken = [limits.take() for _ in range(limits.slots)]
    try:
        refused = client.get("/api/search", query_string={"q": many})
        assert refused.status_code == 503 and refused.headers["Retry-After"].isdigit()
        long_page = client.get("/api/search", query_string={"q": "环境 生态 报告", "per_page": 1000})
        assert long_page.status_code == 503  # 3 words × 1,000 a page: heavy too
        deep = client.get("/api/search", query_string={"q": "环境", "page": 1001, "per_page": 10})
        assert deep.status_code == 503  # a page past the 10,000th hit: every hit before it is ranked
        assert client.get("/api/search", query_string={"q": "环境 生态 报告"}).status_code == 200
    finally:
        for release in taken:
            release()
    assert client.get("/api/search", query_string={"q": many}).status_code == 200


def test_a_query_that_once_ran_out_of_time_is_ordinary_again_once_it_runs_quickly(app, client):
    """A query that ran out of time (a disk not yet read after a restart, a busy minute) runs in
    a heavy slot next time; when it is quick there, it is an ordinary search again, and does
    not wait behind exports for the rest of the server's life."""
    from search_web.limits import LIMITS_KEY, query_key

    limits = app.extensions[LIMITS_KEY]
    limits.remember_costly(query_key(SearchRequest.create("环境 报告")))

    def with_every_slot_taken():
        taken = [limits.take() for _ in range(limits.slots)]
        try:
            return client.get("/api/search", query_string={"q": "环境 报告"}).status_code
        finally:
            for release in taken:
                release()

    assert with_every_slot_taken() == 503  # remembered: it waits for a heavy slot
    assert client.get("/api/search", query_string={"q": "环境 报告"}).status_code == 200  # quick there
    assert with_every_slot_taken() == 200  # forgotten: an ordinary search again


def test_a_long_body_is_shown_in_parts_each_marked_and_linked(tmp_path):
    """An article of 130,000 characters is shown in parts of about 50,000, cut at line ends:
    each page holds one part with links to the others, the query is marked in the part that
    holds it, and no text is lost or repeated between the parts."""

    lines = [f"第{i}段，经济社会发展情况的说明，各地区各部门认真落实。" for i in range(4000)]
    lines[3000] = "这一段提到了一个很少见的词语：蓝鲸计划。"
    body = "\n".join(lines)
    index = index_of(tmp_path, "long.jsonl", [{"id": "long-1", "title": "很长的公报", "date": "2024-01-02",
                                                "source": "统计局", "body": body}])
    client = create_app({"INDEX_DIR": index}).test_client()
    texts = []
    for n in (1, 2, 3):
        r = client.get(f"/articles/long-1?q=%E8%93%9D%E9%B2%B8%E8%AE%A1%E5%88%92&part={n}")
        assert r.status_code == 200
        doc = lxml.html.fromstring(r.get_data(as_text=True))
        assert f"第 {n} / 3 段" in doc.text_content()
        texts.append(doc.cssselect(".article-body")[0].text_content())
        rels = {a.get("rel") for a in doc.cssselect("nav.body-parts a")}
        assert rels == ({"next"} if n == 1 else {"prev", "next"} if n == 2 else {"prev"})
        marks = doc.cssselect(".article-body mark")
        assert [m.text_content() for m in marks] == (["蓝鲸计划"] if "蓝鲸计划" in texts[-1] else [])
        assert all(len(t) <= 50_000 + 2 for t in texts)
    assert sum("蓝鲸计划" in t for t in texts) == 1
    assert "".join(t.strip("\n") + "\n" for t in texts).split() == body.split()
    assert client.get("/articles/long-1?part=99").status_code == 200  # the last part
    # the results' link (no part) opens the part holding the match, and every part says where
    # the article's matches are: the count is the article's, part by part
    results = lxml.html.fromstring(client.get("/?q=%E8%93%9D%E9%B2%B8%E8%AE%A1%E5%88%92").get_data(as_text=True))
    link = next(a.get("href") for a in results.iter("a") if (a.get("href") or "").startswith("/articles/long-1"))
    assert "part=" not in link
    doc = lxml.html.fromstring(client.get(link).get_data(as_text=True))
    holding = next(n for n, t in enumerate(texts, 1) if "蓝鲸计划" in t)
    assert holding > 1 and f"第 {holding} / 3 段" in doc.text_content()
    assert [m.text_content() for m in doc.cssselect(".article-body mark")] == ["蓝鲸计划"]
    doc = lxml.html.fromstring(client.get("/articles/long-1?q=%E8%93%9D%E9%B2%B8%E8%AE%A1%E5%88%92&part=1").get_data(as_text=True))
    where = doc.cssselect("nav.part-matches")[0]
    assert "全文 1 处匹配" in where.text_content() and [a.text_content() for a in where.cssselect("a")] == [f"第 {holding} 段 1 处"]
    doc = lxml.html.fromstring(client.get("/articles/long-1?q=%E7%BB%8F%E6%B5%8E").get_data(as_text=True))  # 经济
    assert "全文 3999 处匹配" in doc.cssselect("nav.part-matches")[0].text_content()
    assert "第 1 / 3 段" in doc.text_content()


def test_an_article_with_more_than_ten_thousand_matches_counts_and_marks_every_one(tmp_path):
    """12,000 occurrences in one article: the page said 全文 10000 处匹配 (its count stopped
    there, and so did the marks of the engine's mark_article, half-way through the text)."""
    from indexer.article import Article
    from indexer.search.engine import SearchEngine

    body = "\n".join(f"第{i}行说明了规划的要点。" for i in range(12_000))
    index = index_of(tmp_path, "many.jsonl", [{"id": "many", "title": "规划汇编", "date": "2024-01-02", "body": body}])
    client = create_app({"INDEX_DIR": index}).test_client()
    doc = lxml.html.fromstring(client.get("/articles/many?q=%22%E8%A7%84%E5%88%92%22").get_data(as_text=True))  # "规划"
    where = doc.cssselect("nav.part-matches")[0].text_content()
    assert "全文 12000 处匹配" in where
    counts = [int(a.text_content().split()[-2]) for a in doc.cssselect("nav.part-matches a")]
    assert sum(counts) + int(doc.cssselect(".match-count strong")[0].text_content()) == 12_000
    _title, marked = SearchEngine(index).mark_article(Article(id="many", title="规划汇编", body=body), '"规划"')
    assert marked.count("<mark>") == 12_000


def test_a_long_body_without_line_ends_is_cut_after_a_sentence_and_never_through_a_match(tmp_path):
    """A body of one line (a Word page exported as one paragraph): its parts end after a
    sentence, and a match the cut would split is shown whole, marked, in one part."""

    filler = "这是一段用来填充的文字没有任何意义"  # no sentence end: the cut falls where the match is
    body = (filler * 4000)[:49_998] + "独特词语" + (filler * 2000)[:30_000]
    story = "各地区认真落实各项政策。" * 8000  # sentences, no line end
    index = index_of(tmp_path, "long.jsonl", [
        {"id": "one-line", "title": "一行的长文", "date": "2024-07-03", "body": body},
        {"id": "sentences", "title": "句子的长文", "date": "2024-07-04", "body": story}])
    client = create_app({"INDEX_DIR": index}).test_client()
    q = "%E7%8B%AC%E7%89%B9%E8%AF%8D%E8%AF%AD"  # 独特词语
    doc = lxml.html.fromstring(client.get(f"/articles/one-line?q={q}").get_data(as_text=True))
    assert [m.text_content() for m in doc.cssselect(".article-body mark")] == ["独特词语"]
    texts = [lxml.html.fromstring(client.get(f"/articles/one-line?q={q}&part={n}").get_data(as_text=True))
             .cssselect(".article-body")[0].text_content().strip() for n in (1, 2)]
    assert "".join(texts) == body and sum("独特词语" in t for t in texts) == 1
    texts = [lxml.html.fromstring(client.get(f"/articles/sentences?part={n}").get_data(as_text=True))
             .cssselect(".article-body")[0].text_content().strip() for n in (1, 2)]
    assert "".join(texts) == story and texts[0].endswith("。") and len(texts[0]) <= 50_000


def test_a_heavy_search_is_answered_at_its_deadline_and_holds_its_slot_until_it_stops(app):
    """A heavy search is computed by a slot's own thread: its client gets the 503 when the
    deadline passes, even if the work reaches its next deadline check later, and the slot is
    given back only when the work has stopped (so no more heavy work runs at once)."""
    import threading
    import time

    from indexer.search.request import SearchTooCostly
    from search_web.limits import LIMITS_KEY, Busy, run_search

    stop = threading.Event()

    class Slow:
        deadline = 0.2

        def search(self, request):
            stop.wait(10)  # computing, past the deadline, until the test lets it stop
            raise SearchTooCostly(request.query, "stopped")

    heavy = SearchRequest.create(" OR ".join(f"词{i:03d}" for i in range(200)))
    limits = app.extensions[LIMITS_KEY]
    with app.app_context():
        with pytest.raises(SearchTooCostly):  # answered while the work still runs (it waits for `stop`)
            run_search(Slow(), heavy)
        taken = [limits.take() for _ in range(limits.slots - 1)]  # every other slot
        with pytest.raises(Busy):  # the first search's slot is still held: it still computes
            run_search(Slow(), heavy)
        stop.set()
        for _ in range(100):
            try:
                taken.append(limits.take())
                break
            except Busy:
                time.sleep(0.05)
        assert len(taken) == limits.slots  # given back once the work stopped
        for release in taken:
            release()


def test_a_server_starts_however_long_its_first_read_of_the_index_takes(tmp_path, monkeypatch):
    """On a machine just started, the warm-up search reads the index from disk for the first
    time (seconds, at a million articles): it must not stop at the deadline that serving
    searches have, or the server would not start at all. Searches after it still do."""
    import indexer.search.budget as budget

    index = build_index(tmp_path)
    clock = iter(range(0, 10**9, 3))  # every look at the clock: three seconds later
    monkeypatch.setattr(budget.time, "perf_counter", lambda: next(clock))
    client = create_app({"INDEX_DIR": index}).test_client()
    r = client.get("/api/search?q=环境")
    assert r.status_code == 503 and "2 秒" in r.get_json()["error"]
