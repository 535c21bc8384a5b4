"""Stored-content safety on the web: articles that carry markup and script render inert on the
search page, in every snippet, on the article page and in the JSON; article ids that try to
walk out of the index reach no file; `cli.py show` with such ids exits 1.

"Inert" is checked on the parsed page, not by string search: no script element but the app's
own (none inline), no `on*` attribute anywhere, no `javascript:`/`data:`/`vbscript:` link or
source, no frames, objects or `<base>`. The JSON may carry the raw text, but its HTML fields
(`snippet`, `title_html`) may hold no markup other than `<mark>`.
"""
from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from urllib.parse import quote

import lxml.html
import pytest
from click.testing import CliRunner

from cli import cli
from indexer.ingest.run import run_ingest
from search_web import create_app

MARKER = "恶意测试"
CANARY = "CANARY-7f3a-do-not-serve"
PAYLOADS = [
    "<script>alert('s')</script>",
    "<img src=x onerror=alert('i')>",
    "<svg onload=alert('v')><circle/></svg>",
    "<a href=\"javascript:alert('a')\">点我</a>",
    "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">数据</a>",
    "<iframe src=\"javascript:alert('f')\"></iframe>",
    "\"><script>alert('q')</script>",
    "'><img src=x onerror=alert('q2')>",
    "</textarea></title><script>alert('c')</script>",
    "&lt;script&gt;alert('e')&lt;/script&gt;",
    "<base href=\"javascript:alert('b')//\">",
    "<body onload=alert('o')>",
    "{{ 7*7 }} {% raw %}",
    "<mark onclick=alert('m')>假标记</mark>",
]
HOSTILE_URLS = [
    "javascript:alert(1)", " JaVaScRiPt:alert(2)", "data:text/html,<script>alert(3)</script>",
    "vbscript:msgbox(4)", "http://ok.example/\"><script>alert(5)</script>", "java\tscript:alert(6)",
]
HOSTILE_IDS = ["<script>alert('id')</script>", "\"><img src=x onerror=alert('id2')>", "javascript:alert('id3')"]


def hostile_records() -> list[dict]:
    out = []
    for n, payload in enumerate(PAYLOADS):
        out.append({
            "id": f"hostile-{n:02d}",
            "title": f"{payload}{MARKER}标题{n}",
            "date": f"2024-01-{n + 1:02d}",
            "source": f"{payload}来源{n % 3}",
            "authors": [f"{payload}", f"作者{n}"],
            "url": f"{HOSTILE_URLS[n % len(HOSTILE_URLS)]}//{n}",  # unique: same URL = same article
            "column": payload,
            "keywords": [payload, "关键词"],
            "body": f"{MARKER}开头。{payload}\n第二段 {MARKER} {payload} 结尾。",
        })
    for n, article_id in enumerate(HOSTILE_IDS):
        out.append({"id": article_id, "title": f"奇怪编号{MARKER}{n}", "date": "2023-05-05",
                    "body": f"编号本身就是攻击。{MARKER}"})
    out.append({"id": "plain", "title": "普通文章", "date": "2022-02-02", "url": "https://www.gov.cn/x.htm",
                "body": "一篇普通的文章，用来对照。"})
    return out


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile-web")
    articles = root / "articles"
    articles.mkdir()
    (articles / "hostile.jsonl").write_text(
        "\n".join(json.dumps(r, ensure_ascii=False) for r in hostile_records()) + "\n", encoding="utf-8")
    index = root / "index"
    run_ingest(index, [articles], rebuild=True)
    (root / "canary.html").write_text(CANARY, encoding="utf-8")  # beside the index: must never be served
    (index / "canary.html").write_text(CANARY, encoding="utf-8")  # inside the index folder too
    app = create_app({"INDEX_DIR": index})
    return app.test_client(), index, root


# ----------------------------------------------------------------------------- inertness

_URL_ATTRS = {"href", "src", "action", "formaction", "xlink:href", "poster", "background", "srcset", "data"}
_BAD_SCHEMES = ("javascript:", "data:", "vbscript:")
_FORBIDDEN_TAGS = {"iframe", "frame", "object", "embed", "base", "applet", "frameset"}


def assert_inert(html: str) -> None:
    """No way for stored or reflected text to run script in this page."""
    doc = lxml.html.document_fromstring(html)
    for el in doc.iter():
        if not isinstance(el.tag, str):
            continue  # comments, processing instructions
        tag = el.tag.lower()
        assert tag not in _FORBIDDEN_TAGS, f"<{tag}> in the page"
        if tag == "script":
            assert el.get("src", "").startswith("/") and not (el.text or "").strip(), lxml.html.tostring(el)
        if tag == "meta":
            assert (el.get("http-equiv") or "").lower() != "refresh"
        for name, value in el.attrib.items():
            assert not name.lower().startswith("on"), f"{name}= on <{tag}>"
            if name.lower() in _URL_ATTRS:
                squashed = re.sub(r"[\s\x00-\x1f]", "", value).lower()
                if tag == "link" and value == "data:,":  # the app's own empty favicon
                    continue
                assert not squashed.startswith(_BAD_SCHEMES), f"{name}={value!r} on <{tag}>"
    # the text was shown, escaped, not dropped or executed
    assert "<script>alert(" not in html


def assert_only_marks(fragment: str) -> None:
    """An HTML field of the JSON: escaped text with <mark> and nothing else."""
    bare = fragment.replace("<mark>", "").replace("</mark>", "")
    assert "<" not in bare and ">" not in bare, fragment


def test_search_page_with_hostile_results_is_inert(site):
    client, _, _ = site
    for args in ({"q": MARKER}, {"q": MARKER, "page": "2"}, {"q": ""}, {"q": "script alert"},
                 {"q": MARKER, "sort": "newest"}, {"q": f'"{MARKER}开头"'}):
        response = client.get("/", query_string=args)
        assert response.status_code == 200, args
        html = response.get_data(as_text=True)
        assert_inert(html)
    assert "&lt;script&gt;" in client.get("/", query_string={"q": MARKER}).get_data(as_text=True)


def test_hostile_queries_and_filters_are_reflected_inert(site):
    client, _, _ = site
    for payload in PAYLOADS + HOSTILE_URLS:
        args = {"q": f"{payload} {MARKER}", "source": payload, "author": payload}
        response = client.get("/", query_string=args)
        assert response.status_code in (200, 400), payload
        assert_inert(response.get_data(as_text=True))
        bad_date = client.get("/", query_string={"q": MARKER, "from": payload})
        assert bad_date.status_code == 400
        assert_inert(bad_date.get_data(as_text=True))


def test_facets_with_hostile_sources_and_authors_are_inert(site):
    client, _, _ = site
    data = client.get("/api/search", query_string={"q": MARKER, "per_page": 100}).get_json()
    for facet in ("source", "author"):
        for value in data["facets"][facet]:
            response = client.get("/", query_string={"q": MARKER, facet: value["value"]})
            assert response.status_code == 200
            assert_inert(response.get_data(as_text=True))


def test_json_html_fields_are_escaped_and_raw_fields_raw(site):
    client, _, _ = site
    for q in (MARKER, "script", "alert", "onerror", "javascript", "<script>", f'"{MARKER}" 标题'):
        response = client.get("/api/search", query_string={"q": q, "per_page": 100})
        assert response.status_code == 200
        assert response.mimetype == "application/json"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        for hit in response.get_json()["hits"]:
            assert_only_marks(hit["snippet"])
            assert_only_marks(hit["title_html"])
    hits = client.get("/api/search", query_string={"q": MARKER, "per_page": 100}).get_json()["hits"]
    assert len(hits) == len(PAYLOADS) + len(HOSTILE_IDS)
    titles = {hit["id"]: hit["title"] for hit in hits}
    assert PAYLOADS[0] in titles["hostile-00"]  # raw text is data in JSON, not markup


@pytest.mark.parametrize("record", hostile_records(), ids=lambda r: r["id"][:20])
def test_article_page_and_json_are_inert(site, record):
    client, _, _ = site
    path = quote(record["id"], safe="")
    for q in ("", MARKER, "script alert"):
        page = client.get(f"/articles/{path}", query_string={"q": q} if q else None)
        assert page.status_code == 200, record["id"]
        assert_inert(page.get_data(as_text=True))
    data = client.get(f"/api/articles/{path}")
    assert data.status_code == 200
    assert data.get_json()["id"] == record["id"]
    assert data.mimetype == "application/json"


def test_only_web_urls_become_links(site):
    client, _, _ = site
    doc = lxml.html.document_fromstring(client.get("/articles/plain").get_data(as_text=True))
    assert "https://www.gov.cn/x.htm" in [a.get("href") for a in doc.iter("a")]
    for n in range(len(PAYLOADS)):
        doc = lxml.html.document_fromstring(client.get(f"/articles/hostile-{n:02d}").get_data(as_text=True))
        hrefs = [a.get("href") or "" for a in doc.iter("a")]
        assert all(h.startswith(("/", "#", "http://", "https://")) for h in hrefs), hrefs


def test_unknown_hostile_id_404_page_is_inert(site):
    client, _, _ = site
    for payload in PAYLOADS:
        response = client.get("/articles/" + quote(payload, safe=""))
        assert response.status_code == 404
        assert_inert(response.get_data(as_text=True))
        api = client.get("/api/articles/" + quote(payload, safe=""))
        assert api.status_code == 404 and "error" in api.get_json()


def test_csv_of_hostile_articles_is_text_with_no_formulas(site):
    client, _, _ = site
    response = client.get("/api/search.csv", query_string={"q": MARKER})
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "attachment" in response.headers["Content-Disposition"]  # a download, never a page
    rows = list(csv.DictReader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    assert len(rows) == len(PAYLOADS) + len(HOSTILE_IDS)
    by_id = {row["id"].lstrip("'"): row for row in rows}
    assert by_id["hostile-00"]["title"] == f"{PAYLOADS[0]}{MARKER}标题0"  # the text, unchanged
    for row in rows:
        for cell in row.values():
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell


def test_atom_feed_of_hostile_articles_is_well_formed_and_inert(site):
    client, _, _ = site
    for args in ({"q": MARKER}, {"q": "<script>"}, {}):
        response = client.get("/feeds/search.atom", query_string=args)
        assert response.status_code == 200 and response.mimetype == "application/atom+xml"
        feed = ET.fromstring(response.get_data())  # well formed whatever the articles hold
        ns = {"a": "http://www.w3.org/2005/Atom"}
        for entry in feed.findall("a:entry", ns):
            for link in entry.findall("a:link", ns):
                assert link.get("href").startswith(("http://", "https://")), link.get("href")
            assert_only_marks(entry.find("a:summary", ns).text or "")
    titles = [e.text for e in ET.fromstring(client.get("/feeds/search.atom", query_string={"q": MARKER})
                                            .get_data()).iter("{http://www.w3.org/2005/Atom}title")]
    assert f"{PAYLOADS[0]}{MARKER}标题0" in titles


def test_hostile_values_in_the_new_page_parts_are_inert(site):
    """Charts, long-list finders, export links, the advanced form's query, 简/繁 display."""
    client, _, _ = site
    for args in ({"q": MARKER, "facet_size": "1000"}, {"q": MARKER, "from": "2024", "to": "2024"},
                 {"q": MARKER, "column": PAYLOADS[0], "per_page": "50"}):
        response = client.get("/", query_string=args)
        assert response.status_code == 200, args
        assert_inert(response.get_data(as_text=True))
    for payload in PAYLOADS[:6]:
        response = client.get("/", query_string={"all": payload, "phrase": payload, "none": payload,
                                                 "by_source": payload})
        assert response.status_code in (200, 400)
        assert_inert(response.get_data(as_text=True))
    for n in range(len(PAYLOADS)):
        for zh in ("hans", "hant"):
            page = client.get(f"/articles/hostile-{n:02d}", query_string={"q": MARKER, "zh": zh})
            assert page.status_code == 200
            assert_inert(page.get_data(as_text=True))


# ------------------------------------------------------------------------------ traversal

TRAVERSALS = [
    "..%2F..%2F..%2F..%2Fetc%2Fpasswd", "../../../../etc/passwd", "%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "%2e%2e%2f%2e%2e%2fetc%2fpasswd", "..%5C..%5C..%5Cetc%5Cpasswd", "..\\..\\etc\\passwd",
    "....//....//etc/passwd", "%252e%252e%252fetc%252fpasswd", "/etc/passwd", "%2Fetc%2Fpasswd",
    "etc/passwd%00.html", "%00", "..%00/etc/passwd", "..", "%2e%2e", "..%2F", ".%2F.%2F",
    "..%2Fcanary.html", "../canary.html", "canary.html", "%2e%2e%2fcanary.html", "..%5Ccanary.html",
    "..%2F..%2Fcli.py", "..%2F..%2F..%2Fpyproject.toml", "CURRENT", "write.lock", "%C0%AE%C0%AE%2Fetc%2Fpasswd",
    "..%c0%af..%c0%afetc%c0%afpasswd", "%u002e%u002e%u2215etc", "..;/..;/etc/passwd",
]


def _no_file_contents(body: str) -> None:
    assert "root:x:0:0" not in body and "root:" not in body
    assert CANARY not in body
    assert "[tool.ruff]" not in body and "def cli(" not in body and "gen-" not in body


@pytest.mark.parametrize("prefix", ["/articles/", "/api/articles/", "/static/"])
def test_ids_that_walk_out_of_the_index_reach_no_file(site, prefix):
    client, index, root = site
    absolute = [quote(str(root / "canary.html")), quote(str(root / "canary.html"), safe=""),
                quote(str(index / "CURRENT"), safe="")]
    for tail in TRAVERSALS + absolute:
        response = client.get(prefix + tail, follow_redirects=True)  # //x is redirected to /x
        assert response.status_code in (400, 404), (prefix + tail, response.status_code)
        _no_file_contents(response.get_data(as_text=True))


def test_cli_show_with_traversal_ids_exits_1(site):
    _, index, root = site
    runner = CliRunner()
    ids = ["../../../../etc/passwd", "..\\..\\etc\\passwd", "%2e%2e%2fetc%2fpasswd", "/etc/passwd", "..",
           "../canary.html", "canary.html", str(root / "canary.html"), "CURRENT", "a\x00b", "..%2Fcanary.html"]
    for article_id in ids:
        for fmt in ("text", "json"):
            result = runner.invoke(cli, ["--index", str(index), "show", article_id, "--format", fmt])
            assert result.exit_code == 1, (article_id, result.output)
            _no_file_contents(result.output)


def test_cli_show_with_hostile_stored_ids_prints_the_article(site):
    _, index, _ = site
    runner = CliRunner()
    for article_id in HOSTILE_IDS:
        result = runner.invoke(cli, ["--index", str(index), "show", article_id, "--format", "json"])
        assert result.exit_code == 0, result.output
        assert json.loads(result.output)["id"] == article_id


def test_security_headers_on_every_kind_of_response(site):
    client, _, _ = site
    for url in ("/?q=" + quote(MARKER), "/articles/hostile-00", "/api/search?q=x", "/articles/..%2Fcanary.html",
                "/api/search?page=-1", "/nope"):
        response = client.get(url)
        csp = response.headers.get("Content-Security-Policy", "")
        assert "script-src 'self'" in csp and "object-src 'none'" in csp, url
        assert response.headers.get("X-Content-Type-Options") == "nosniff", url
