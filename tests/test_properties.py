"""Property-based tests: any input to the query parser, to `SearchRequest.create`, to
`/api/search` and to `/` gives a result or a 400 — never an exception, never a 500.

Inputs are built from what breaks parsers: full-width spaces, quotes and operators, control
characters and NULs, lone surrogates-in-waiting (percent-encoded invalid UTF-8), thousands of
operators, up to 10,000 characters; numbers of every shape for `page`/`per_page`; repeated and
unknown parameters. Nothing here is timed (no Hypothesis deadlines, no time bounds): how fast
the parser and the engine answer is measured by the benchmarks (`docs/benchmarks.md`), not by
unit tests on a shared machine.
"""
from __future__ import annotations

from urllib.parse import quote

import pytest
from helpers import build_index
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from indexer.search.query import ParsedQuery, parse_query
from indexer.search.request import MAX_QUERY_CHARS, BadRequest, SearchRequest
from search_web import create_app

pytestmark = pytest.mark.slow  # Hypothesis explores hundreds of inputs per property

OPERATORS = ['"', "“", "”", "「", "」", "『", "』", "＂", "-", "－", "OR", " OR ", "or", "title:", "source:",
             "author:", "title：", "：", ":", "(", ")", "*", "?", "\\", "'", "AND", "NOT", "+", "~", "^", "|"]
SPACES = [" ", "\u3000", "\t", "\n", "\r", "\x0b", "\x0c", "\u00a0", "\u2028", "\u200b", "\ufeff"]
CONTROLS = ["\x00", "\x01", "\x1b", "\x7f", "\x85", "\ud7ff", "\uffff", "\U0010ffff", "\u202e", "\u0301"]
WORDS = ["环境", "生态环境部", "生態環境", "新华社", "报告", "孙金龙", "ＡＢＣ", "abc", "2024", "２０２４", "第", "の",
         "😀", "𠀀", "<script>", "&amp;", "%", "%00", "..", "/"]
TOKENS = OPERATORS + SPACES + CONTROLS + WORDS

_token_soup = st.lists(st.sampled_from(TOKENS), max_size=200).map("".join)
_repeated = st.builds(lambda tok, n: (tok * n)[:10_000], st.sampled_from(TOKENS + ["环境 OR ", '"环境', "-环境 ", "title:"]),
                      st.integers(0, 10_000))
ANY_QUERY = st.one_of(st.text(max_size=300), _token_soup, _repeated,
                      st.lists(st.sampled_from(TOKENS), min_size=500, max_size=3_000).map(lambda t: "".join(t)[:10_000]))

NUMBERS = st.one_of(
    st.integers(-10**30, 10**30).map(str), st.sampled_from(
        ["", " ", "0", "1", " 2 ", "-1", "+3", "1.5", "1e3", "0x10", "1_000", "２", "٣", "²", "nan", "inf",
         "999999999999999999999999", "1000000", "1000001", "1001", "1000", "true", "[]", "\x00", "1\x00"]),
    st.text(max_size=20))
DATES = st.one_of(st.sampled_from(["", "2024", "2024-02", "2024-02-05", "2024/2/5", "2024.02.05", "2024-02-30",
                                   "0000", "9999-12-31", "10000", "2024-13", "２０２４", "-2024", "2024-02-05T00:00"]),
                  st.text(max_size=20))
SORTS = st.one_of(st.sampled_from(["", "relevance", "newest", "oldest", "NEWEST", " newest ", "random"]),
                  st.text(max_size=10))
PARAM_VALUES = {"q": ANY_QUERY, "page": NUMBERS, "per_page": NUMBERS, "from": DATES, "to": DATES, "sort": SORTS,
                "source": st.one_of(st.sampled_from(["新华社", "生态环境部", ""]), st.text(max_size=50)),
                "author": st.one_of(st.sampled_from(["李明", "孙金龙", ""]), st.text(max_size=50))}
PARAM = st.one_of(
    st.sampled_from(sorted(PARAM_VALUES)).flatmap(lambda k: st.tuples(st.just(k), PARAM_VALUES[k])),
    st.tuples(st.text(max_size=10), st.text(max_size=20)),  # unknown and odd names
)
PARAMS = st.lists(PARAM, max_size=12)

WEB = settings(max_examples=150, deadline=None,
               suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    index = build_index(tmp_path_factory.mktemp("properties"))
    client = create_app({"INDEX_DIR": index}).test_client()
    assert client.get("/api/search?q=环境").status_code == 200
    return client


# --------------------------------------------------------------------------------- parser


def _check_parsed(parsed) -> None:
    assert isinstance(parsed, ParsedQuery)
    for clause in parsed.positive + parsed.excluded:
        assert clause.units, clause  # clauses of punctuation alone are dropped
        assert clause.field in (None, "title", "source", "author")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ANY_QUERY)
def test_parser_accepts_any_string(text):
    _check_parsed(parse_query(text))


@pytest.mark.parametrize("unit", ['"', "-", "－", "OR ", "title:", '"a" ', "-“", "「」", "\u3000", "\x00", "-\"a ",
                                  "title:\"", "a OR ", "环境 "])
def test_parser_reads_10000_characters_of_operators(unit):
    """A query of one operator repeated 10,000 times parses (no recursion limit, no error) into
    well-formed clauses."""
    text = (unit * 10_000)[:10_000]
    parsed = parse_query(text)
    _check_parsed(parsed)
    assert len(parsed.positive) + len(parsed.excluded) <= len(text)


# ------------------------------------------------------------------------------- requests

RAW_VALUES = st.one_of(st.none(), st.booleans(), st.integers(-10**20, 10**20), st.floats(allow_nan=True),
                       st.text(max_size=30), st.binary(max_size=10), st.lists(st.text(max_size=10), max_size=3),
                       st.tuples(st.text(max_size=5)), st.dictionaries(st.text(max_size=3), st.integers(), max_size=2))


@settings(max_examples=200, deadline=None)
@given(q=st.one_of(ANY_QUERY, RAW_VALUES), sources=RAW_VALUES, authors=RAW_VALUES, columns=RAW_VALUES,
       date_from=RAW_VALUES, date_to=RAW_VALUES, sort=RAW_VALUES, page=RAW_VALUES, per_page=RAW_VALUES,
       facet_size=RAW_VALUES, collapse=RAW_VALUES, variants=RAW_VALUES, story=RAW_VALUES)
def test_search_request_gives_a_request_or_bad_request(q, sources, authors, columns, date_from, date_to, sort, page,
                                                       per_page, facet_size, collapse, variants, story):
    """`create` validates raw parameters "from the CLI or a URL"; BadRequest is its only error."""
    try:
        req = SearchRequest.create(query=q, sources=sources, authors=authors, columns=columns, date_from=date_from,
                                   date_to=date_to, sort=sort, page=page, per_page=per_page, facet_size=facet_size,
                                   collapse=collapse, variants=variants, story=story)
    except BadRequest as exc:
        assert str(exc)
        return
    assert isinstance(req.query, str) and len(req.query) <= MAX_QUERY_CHARS
    assert 1 <= req.page <= 1_000_000 and 1 <= req.per_page <= 1000 and 1 <= req.facet_size <= 1000
    assert all(isinstance(v, str) and v for v in req.sources + req.authors + req.columns)
    assert isinstance(req.collapse, bool) and isinstance(req.variants, bool)
    assert req.story is None or (isinstance(req.story, str) and req.story)
    assert req.date_from is None or req.date_to is None or req.date_from <= req.date_to


# ------------------------------------------------------------------------------------ web


def _check_api(response, params) -> None:
    assert response.status_code in (200, 400), (response.status_code, params, response.get_data()[:300])
    data = response.get_json()
    assert isinstance(data, dict)
    if response.status_code == 400:
        assert isinstance(data["error"], str) and data["error"]
        return
    assert {"query", "total", "page", "per_page", "took_ms", "hits", "facets"} <= set(data)
    assert len(data["hits"]) <= data["per_page"]
    assert data["total"] >= len(data["hits"])


def _check_page(response, params) -> None:
    assert response.status_code in (200, 400), (response.status_code, params, response.get_data()[:300])
    assert response.mimetype == "text/html"
    assert "<html" in response.get_data(as_text=True)


@WEB
@given(PARAMS)
def test_api_search_answers_any_parameters_with_a_result_or_400(client, params):
    _check_api(client.get("/api/search", query_string=params), params)


@WEB
@given(PARAMS)
def test_search_page_answers_any_parameters_with_a_page_or_400(client, params):
    _check_page(client.get("/", query_string=params), params)


@WEB
@given(st.lists(st.tuples(st.sampled_from(["q", "page", "per_page", "source", "from", "sort", "x"]),
                          st.binary(max_size=40)), max_size=6))
def test_raw_percent_encoded_bytes_never_500(client, pairs):
    """Invalid UTF-8, NULs and stray `%`/`&`/`=` straight in the query string."""
    raw = "&".join(f"{k}={quote(v, safe='')}" for k, v in pairs)
    raw += "&q=%ff%fe%00%&page=%&&=&%zz"
    _check_api(client.get("/api/search", query_string=raw), raw)
    _check_page(client.get("/", query_string=raw), raw)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(-10**6, 2 * 10**6), st.integers(-5, 1005))
def test_any_page_number_is_a_page_or_400(client, page, per_page):
    response = client.get("/api/search", query_string={"q": "环境", "page": page, "per_page": per_page})
    _check_api(response, (page, per_page))
    if 1 <= page <= 1_000_000 and 1 <= per_page <= 1000:
        data = response.get_json()
        assert response.status_code == 200 and data["page"] == page
        expected = max(0, min(per_page, data["total"] - (page - 1) * per_page))
        assert len(data["hits"]) == expected
    else:
        assert response.status_code == 400
    _check_page(client.get("/", query_string={"q": "环境", "page": page}), page)


@pytest.mark.parametrize("query", ["title:环境 OR 报告", "环境 OR title:报告", "source:新华社 OR 环境",
                                   "author:李明 OR title:环境 OR 水", "环境 OR -title:报告", "title:环境 OR title:报告"])
def test_or_between_a_field_and_a_plain_term_is_not_a_500(client, query):
    """BUGS-hostile.md H6: a group mixing fielded and plain clauses crashed match_docnums."""
    for path in ("/api/search", "/"):
        response = client.get(path, query_string={"q": query})
        assert response.status_code == 200, (path, query, response.status_code)


PATHOLOGICAL = [
    "环境 OR " * 285, '"' * 2000, "-" * 2000, "－环境 " * 500, "title:" * 333, "生" * 2000, "生 " * 1000,
    "环境" * 1000, '"环境' * 666, "a" * 2000, "a " * 1000, "-a " * 666, "OR " * 666, "第 " * 1000,
    "".join(TOKENS) * (2000 // len("".join(TOKENS))), "title:环 " * 250, "环境 -环境 " * 250,
    "的 一 是 不 了 人 我 在 有 他 " * 100, "abc OR 环境 OR 生 OR 第 OR " * 80,
]


@pytest.mark.parametrize("query", PATHOLOGICAL, ids=lambda q: f"{q[:12]!r}x{len(q)}")
def test_pathological_2000_char_queries_are_answered(client, query):
    query = query[:MAX_QUERY_CHARS]
    for path in ("/api/search", "/"):
        response = client.get(path, query_string={"q": query})
        assert response.status_code == 200, (path, response.status_code)
    data = client.get("/api/search", query_string={"q": query}).get_json()
    assert data["total"] >= len(data["hits"])


def test_queries_over_the_limit_are_400(client):
    for path in ("/api/search", "/"):
        response = client.get(path, query_string={"q": "环境 OR " * 2000})
        assert response.status_code == 400
    assert "error" in client.get("/api/search", query_string={"q": "环境 OR " * 2000}).get_json()


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.sets(st.integers(0, 3000)), st.sets(st.integers(0, 3000)), st.sampled_from(["int64", "uint32", "int32"]))
def test_and_and_not_of_two_article_sets_are_exact(a, b, dtype):
    """AND and NOT of two clauses (`sortedsets.intersect`, `difference`) by binary search or,
    for large dense sets, by a mask over their range: either way exactly the articles in both,
    in the first and not the second."""
    import numpy as np

    from indexer.segment.sortedsets import difference, intersect
    left, right = np.array(sorted(a), dtype=dtype), np.array(sorted(b), dtype="int64")
    assert intersect(left, right).tolist() == sorted(a & b)
    assert difference(left, right).tolist() == sorted(a - b) and difference(right, left).tolist() == sorted(b - a)
    evens = set(range(0, 3000, 2))
    dense = np.arange(0, 3000, 2, dtype=dtype)
    assert intersect(dense, right).tolist() == sorted(evens & b)
    assert difference(dense, right).tolist() == sorted(evens - b) and difference(right, dense).tolist() == sorted(b - evens)


def test_and_and_not_of_two_large_dense_sets_through_the_mask_are_exact():
    """The mask's case (two large sets filling their range: a common word among the matched
    articles), checked against Python's sets."""
    import numpy as np

    from indexer.segment import sortedsets
    halves, thirds = np.arange(0, 30000, 2), np.arange(0, 30000, 3, dtype=np.uint32)
    assert sortedsets._dense(halves, thirds)
    assert sortedsets.intersect(halves, thirds).tolist() == list(range(0, 30000, 6))
    assert sortedsets.difference(halves, thirds).tolist() == sorted(set(range(0, 30000, 2)) - set(range(0, 30000, 3)))
    assert sortedsets.difference(thirds, halves).tolist() == sorted(set(range(0, 30000, 3)) - set(range(0, 30000, 2)))
    sparse = np.array([0, 10**9])  # values far apart: no mask of a billion entries
    assert not sortedsets._dense(sparse, halves) and sortedsets.intersect(sparse, halves).tolist() == [0]


_PAGE_TAGS = ["div", "h1", "p", "span", "h1", "h2", "em", "strong", "li", "ul", "section", "a", "table", "td"]
_PAGE_CLASSES = ["", "author", "authorName", "article-partial", "big_ad", "title", "content", "post", "byline"]
_PAGE_TEXTS = ["", "関谷智", "新聞透視》黑道變網紅", "廣告", "这是正文的第一段，讲述了一件发生在本市的新闻事件，内容相当具体。",
               "2023-07-30", "\n", "胡欣男、新聞透視", "<!-- c -->", "&#xe000;", "九把刀／", "\u3000", "延伸阅读", "来源：转载"]
_PAGE_NODES = st.recursive(
    st.sampled_from(_PAGE_TEXTS),
    lambda inner: st.builds(lambda tag, cls, kids: f"<{tag}{f' class={cls!r}' if cls else ''}>{''.join(kids)}</{tag}>",
                            st.sampled_from(_PAGE_TAGS), st.sampled_from(_PAGE_CLASSES), st.lists(inner, max_size=4)),
    max_leaves=30)


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(["", "<title></title>", "<title>新聞透視》黑道變網紅 - 某報</title>", "<meta property='og:title' content='关于'>"]),
       st.lists(_PAGE_NODES, min_size=1, max_size=6))
@example(head="", nodes=["<h1 class='title'>这是正文的第一段，讲述了一件发生在本市的新闻事件，内容相当具体。2023-07-30</h1>"]
         + ["<h1 class='title'><div>这是正文的第一段，讲述了一件发生在本市的新闻事件，内容相当具体。2023-07-30</div></h1>"] * 2)
def test_any_page_of_nested_blocks_gives_an_article_or_a_reason(head, nodes):
    """`extract_file` never raises for what a page holds: headings holding blocks, bylines in
    odd places, empty titles (an <h1> holding the page's blocks once raised in the main-content
    scoring)."""
    from indexer.article import Article, Skipped
    from indexer.extract import extract_file
    html = f"<html><head><meta charset='utf-8'>{head}</head><body>{''.join(nodes)}</body></html>"
    found = list(extract_file(html.encode(), "p.html"))
    assert len(found) == 1 and isinstance(found[0], (Article, Skipped))
