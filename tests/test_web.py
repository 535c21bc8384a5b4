"""The search page and the JSON API (CONTRACT.md "Web", "Search result (JSON)"), through Flask's
test client over a small index built from known articles (see web_fixtures)."""
from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import lxml.html
import pytest
from helpers import HOSTILE_ID, HOSTILE_TITLE, SLASH_ID, build_index, records
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indexer.search import MAX_QUERY_CHARS, SearchRequest
from search_web import create_app
from search_web.engine import get_engine
from search_web.security import HEADERS

RESULT_KEYS = {"query", "total", "page", "per_page", "took_ms", "sort", "stories", "hits", "facets",
               "facets_truncated", "variants", "suggestions"}
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
    for a in doc.cssselect(f"#facet-{facet} + ul a"):
        if a.cssselect(".value")[0].text_content().strip(" ✓") == label:
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
    assert set(data["facets"]) == {"source", "author", "column", "year", "month"}
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
    if "per_page" not in query:  # the page shows ten a page and ignores per_page
        doc = page(client, "/?" + query, 400)
        assert doc.get("lang") == "zh" and doc.cssselect(".error-message")[0].text_content()


def test_unknown_things_are_404(client):
    assert set(api(client, "/api/articles/no-such-article", 404)) == {"error"}
    assert set(api(client, "/api/no-such-route", 404)) == {"error"}
    assert "no-such-article" in page(client, "/articles/no-such-article", 404).text_content()
    page(client, "/no/such/page", 404)


def test_wrong_method_is_405_with_allow(client):
    r = client.post("/api/search")
    assert r.status_code == 405 and "GET" in r.headers["Allow"] and set(r.get_json()) == {"error"}
    assert client.post("/").status_code == 405


def test_no_index_is_503_with_a_clear_message(tmp_path):
    app = create_app({"INDEX_DIR": tmp_path / "nothing-built"})
    c = app.test_client()
    for url in ("/healthz", "/api/search?q=x", "/api/articles/a"):
        data = api(c, url, 503)
        assert "rebuild" in data["error"]
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
    assert doc.get("lang") == "zh"
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
    assert not doc.cssselect("script, style, [style]")
    with client.get("/static/style.css") as css:
        assert css.mimetype == "text/css"


def test_source_facet_narrows_and_its_chip_removes_it(client):
    doc = page(client, "/?q=环境")
    narrowed = page(client, facet_link(doc, "source", "生态环境部"))
    assert total_shown(narrowed) == 12
    chips = narrowed.cssselect(".chips a")
    assert [c.text_content().split()[0] for c in chips] == ["来源：生态环境部"]
    further = page(client, facet_link(narrowed, "author", "孙金龙"))
    assert total_shown(further) == 6 and len(further.cssselect(".chips a")) == 2
    assert total_shown(page(client, chips[0].get("href"))) == ALL_ENV
    selected = narrowed.cssselect("#facet-source + ul li.selected a")
    assert selected and total_shown(page(client, selected[0].get("href"))) == ALL_ENV


def test_year_and_month_facets_set_the_date_range(client):
    doc = page(client, "/?q=环境")
    year_url = facet_link(doc, "year", "2024")
    assert parse_qs(urlsplit(year_url).query) == {"q": ["环境"], "from": ["2024"], "to": ["2024"]}
    in_year = page(client, year_url)
    assert total_shown(in_year) == 12
    months = [a.cssselect(".value")[0].text_content().strip(" ✓") for a in in_year.cssselect("#facet-month + ul a")]
    assert months and all(m.startswith("2024年") for m in months)
    month_url = facet_link(in_year, "month", "2024年2月")
    assert parse_qs(urlsplit(month_url).query)["from"] == ["2024-02"]
    assert total_shown(page(client, month_url)) == 2
    assert in_year.cssselect("#facet-year + ul li.selected")


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


def test_year_chart_is_svg_with_sized_bars(client):
    doc = page(client, "/?q=环境")
    rects = doc.cssselect("figure.chart svg rect")
    assert len(rects) == 4  # 2021 to 2024
    heights = [float(r.get("height")) for r in rects]
    assert heights[-1] == max(heights) and all(h > 0 for h in heights)
    assert "2024年 12 篇" in doc.cssselect("figure.chart svg")[0].get("aria-label")


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


# ------------------------------------------------------------------- hostile content


def _assert_inert(doc) -> None:
    assert not doc.cssselect("script, iframe, object, embed, img, style, [style]")
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
    from indexer.ingest import run_ingest

    demo = Path(__file__).resolve().parent.parent / "index_data" / "articles"
    run_ingest(tmp_path / "index", [demo], rebuild=True)
    c = create_app({"INDEX_DIR": tmp_path / "index"}).test_client()
    assert api(c, "/healthz")["articles"] > 50
    doc = page(c, "/?q=生态环境")
    assert total_shown(doc) >= 1
    page(c, doc.cssselect(".hit-title a")[0].get("href"))
