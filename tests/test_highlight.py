"""Highlighting (indexer/search/highlight.py and the hits of SearchEngine.search): every match in <mark>,
a phrase marked whole, Traditional text marked for a Simplified query, everything else escaped."""
from __future__ import annotations

import html
import re

import pytest
from helpers import write_jsonl

from indexer.analysis import fold
from indexer.ingest.run import run_ingest
from indexer.search.engine import SearchEngine
from indexer.search.highlight import compile_patterns, highlight, snippet
from indexer.search.query import parse_query
from indexer.search.request import SearchRequest

_MARK = re.compile(r"<mark>(.*?)</mark>", re.S)


def pattern(query: str):
    return compile_patterns(c.units for c in parse_query(query).positive)


def plain(fragment: str) -> str:
    return html.unescape(fragment.replace("<mark>", "").replace("</mark>", ""))


def test_every_match_is_marked():
    text = "生態環境部發布。生態環境部再次發布，生態環境部。"
    assert highlight(text, pattern("生态环境部")) == (
        "<mark>生態環境部</mark>發布。<mark>生態環境部</mark>再次發布，<mark>生態環境部</mark>。")


def test_overlapping_matches_of_two_terms_are_marked_together():
    text = "我们要加强生态环境保护工作，生态环境好，环境保护"
    assert highlight(text, pattern("生态环境 环境保护")) == (
        "我们要加强<mark>生态环境保护</mark>工作，<mark>生态环境</mark>好，<mark>环境保护</mark>")
    assert highlight("生態環境", pattern("生态 态环")) == "<mark>生態環</mark>境"
    assert highlight("生态环境", pattern("生态 环境")) == "<mark>生态</mark><mark>环境</mark>"  # touching: two


def test_a_cased_character_beyond_latin_is_marked_in_either_case():
    assert highlight("完成Ⅱ期临床试验，ⅱ期", pattern("Ⅱ期")) == "完成<mark>Ⅱ期</mark>临床试验，<mark>ⅱ期</mark>"


def test_a_phrase_is_marked_whole_across_punctuation():
    text = "養殖水產品上市前用藥抽驗行動計畫」，並自即日起生效"
    assert highlight(text, pattern("「计画并自」")) == "養殖水產品上市前用藥抽驗行動<mark>計畫」，並自</mark>即日起生效"


def test_latin_words_are_marked_only_whole():
    assert highlight("OCDF and PCDFs, ocdf.", pattern("ＯＣＤＦ")) == "<mark>OCDF</mark> and PCDFs, <mark>ocdf</mark>."
    assert highlight("20051 2005年", pattern("2005")) == "20051 <mark>2005</mark>年"


def test_a_phrase_of_latin_and_chinese_is_marked_only_where_its_words_stand_whole():
    p = pattern('"covid 19 疫情"')
    assert highlight("COVID-19疫情；covid19疫情；xcovid 19疫情；covid 190疫情", p) == \
        "<mark>COVID-19疫情</mark>；covid19疫情；xcovid 19疫情；covid 190疫情"
    p = pattern('"新冠 covid"')
    assert highlight("新冠COVID，新冠 covidx，新冠，COVID", p) == "<mark>新冠COVID</mark>，新冠 covidx，<mark>新冠，COVID</mark>"


def test_a_long_latin_phrase_is_marked_whole():
    query = ("title:" * 400)[:1998]  # one clause of 332 Latin words
    marked = highlight("title:" * 340, compile_patterns(c.units for c in parse_query(query).positive))
    assert marked.startswith("<mark>title:") and marked.count("<mark>") == 1


def test_everything_else_is_escaped():
    text = '<script>alert("生態")</script> & <b>環境</b>'
    out = highlight(text, pattern("生態 環境"))
    assert "<script" not in out and "<b>" not in out
    assert out == '&lt;script&gt;alert("<mark>生態</mark>")&lt;/script&gt; &amp; &lt;b&gt;<mark>環境</mark>&lt;/b&gt;'
    assert plain(out) == text
    assert highlight(text, None) == html.escape(text, quote=False)


def test_snippet_is_a_marked_window_of_the_original_text():
    body = "前言。" * 200 + "本會為維護養殖水產品之衛生安全，特訂定本計畫。" + "附則。" * 200
    out = snippet(body, pattern("卫生安全"))
    assert "<mark>衛生安全</mark>" in out
    assert plain(out).strip("…") in body
    assert len(plain(out)) < 200



def test_a_snippet_never_marks_part_of_a_match_at_its_edges():
    """A tester's snippet ended `…CPython; the <mark>rel</mark>…`: the window cut the phrase
    "release notes" and marked its first letters, which match nothing."""
    from indexer.search.highlight import SNIPPET_CHARS, match_spans
    body = "The release notes mention JIT. " + "x" * 40 + " CPython; the release notes again. " + "填充。" * 100
    pat = pattern('"release notes"')
    for size in range(20, SNIPPET_CHARS + 1, 3):
        out = snippet(body, pat, size)
        marked = re.findall(r"<mark>(.*?)</mark>", out)
        assert marked and all(m == "release notes" for m in marked), (size, out)
    assert len(match_spans(body, pat)) == 2
    # a quoted sentence longer than the window (a reader pasting it to find its source) is shown whole
    sentence = "上午，市委常委会召开会议，传达学习全国两会精神，研究部署贯彻落实工作，强调要把思想和行动统一到中央决策部署上来。" * 3
    out = snippet("前言。" * 50 + sentence + "结语。" * 50, pattern(f'"{sentence}"'), 60)
    assert re.findall(r"<mark>(.*?)</mark>", out) == [sentence.rstrip("。")]  # (its closing 。 is no part of a match)


def test_snippet_shows_where_the_most_different_query_words_stand_together():
    # 发展 alone, many times, early; 改革 and 发展 together once, late: the reader wants the latter.
    # 發展 beside 发展 is the same word twice, not two words.
    body = ("经济发展，发展再发展。" * 30 + "填充文字。" * 60 + "这一年發展与发展并重。" + "填充文字。" * 60
            + "深化改革，推动发展。" + "结语。" * 50)
    out = plain(snippet(body, pattern("发展 改革")))
    assert "深化改革，推动发展" in out
    # the words never near each other: the window where one of them is matched most often
    body = "改革。" + "填充文字。" * 100 + "发展，发展，发展。" + "结语。" * 60
    assert "发展，发展，发展" in plain(snippet(body, pattern("改革 发展")))

@pytest.mark.parametrize("query", ["生态环境部", "委員會 修正", "「採購契約要項」", "第59点", "OCDF"])
def test_search_hits_mark_traditional_text_for_the_query(demo_engine, demo_articles, query):
    result = demo_engine.search(SearchRequest.create(query, per_page=1000))
    assert result.hits
    pat = pattern(query)
    for hit in result.hits:
        article = demo_articles[hit.id]
        marked = _MARK.findall(hit.snippet) + _MARK.findall(hit.title_html)
        assert marked, hit.id
        for m in marked:
            assert pat.pattern.fullmatch(fold(html.unescape(m))), m  # each mark is one whole match
        assert plain(hit.snippet).strip("…") in article.body
        assert plain(hit.title_html) == article.title


@pytest.fixture(scope="module")
def hostile_engine(tmp_path_factory) -> SearchEngine:
    folder = tmp_path_factory.mktemp("hostile")
    write_jsonl(folder / "articles" / "hostile.jsonl", [
        {"id": "x1", "title": "<script>alert(1)</script>生態環境 & <i>標題</i>", "date": "2024-01-01",
         "source": "測試<b>來源</b>",
         "body": "正文開頭 <script>alert('生態環境')</script> <img src=x onerror=alert(1)> 生態環境保護 &amp; 結尾"},
    ])
    run_ingest(folder / "index", [folder / "articles"], rebuild=True)
    return SearchEngine(folder / "index")


def test_article_text_with_markup_comes_out_escaped(hostile_engine):
    result = hostile_engine.search(SearchRequest.create("生态环境"))
    assert result.total == 1
    hit = result.hits[0]
    for fragment in (hit.snippet, hit.title_html):
        assert re.sub(r"</?mark>", "", fragment).count("<") == 0, fragment
        assert "&lt;script&gt;" in fragment
        assert "<mark>生態環境</mark>" in fragment
    article = hostile_engine.article("x1")
    title_html, body_html = hostile_engine.mark_article(article, "生态环境")
    assert plain(title_html) == article.title and plain(body_html) == article.body
    assert re.sub(r"</?mark>", "", body_html).count("<") == 0


def test_a_whole_article_marks_the_other_sides_wording_as_the_search_finds_it():
    from indexer.article import Article
    from indexer.search.highlight import mark_article

    article = Article(id="t", title="推動高品質發展", body="推动高质量发展，也就是高品質發展。")
    title_html, body_html = mark_article(article, "高质量发展")
    assert title_html == "推動<mark>高品質發展</mark>"
    assert _MARK.findall(body_html) == ["高质量发展", "高品質發展"]
    assert SearchEngine.mark_article(article, "高质量发展") == (title_html, body_html)  # `show -q` renders this
    assert _MARK.findall(mark_article(article, "高质量发展", variants=False)[1]) == ["高质量发展"]
    assert _MARK.findall(mark_article(article, '"高质量发展"')[1]) == ["高质量发展"]  # quoted: as typed only


def test_characters_that_fold_into_a_unit_are_marked_as_what_they_fold_to():
    # ⼀ (the Kangxi radical) folds to 一 and Ⓐ to a: in the folded text they are units, not the
    # punctuation they are as typed, so the phrase is marked where the index finds it
    assert highlight("⼀⼀生", pattern("一生")) == "⼀<mark>⼀生</mark>"
    assert highlight("一⼀生", pattern('"⼀生"')) == "一<mark>⼀生</mark>"
    assert highlight("Ⓐb 和 b", pattern("b")) == "Ⓐb 和 <mark>b</mark>"  # Ⓐb is the word ab
    assert highlight("Ⓐb 和 ab", pattern("ab")) == "<mark>Ⓐb</mark> 和 <mark>ab</mark>"


def test_a_character_that_folds_into_a_unit_of_the_other_kind_leaves_a_latin_word_whole():
    # ｶ is a letter to a regular expression but folds to カ, a CJK unit: `ｶ5` holds the number 5
    # (the search finds it), and so does 〸5 (〸 folds to 十)
    assert highlight("型号ｶ5在上市，另见カ5。", pattern('"5"')) == "型号ｶ<mark>5</mark>在上市，另见カ<mark>5</mark>。"
    assert highlight("〸5和十5", pattern("十5")) == "<mark>〸5</mark>和<mark>十5</mark>"


def test_an_unassigned_code_point_beyond_the_bmp_is_a_unit_not_punctuation_between_two_characters():
    # U+2A6E0 lies in the CJK extensions' range, so the index reads it as a unit: 中?国 holds
    # no 中国. To a regular expression it is no word character, which a phrase's gap would step
    # over; such a text is marked by the matcher instead (checked apart from the BMP's characters)
    assert highlight("在中\U0002A6E0国和中国", pattern("中国")) == "在中\U0002A6E0国和<mark>中国</mark>"
    assert snippet("中\U0002A6E0国", pattern("中国")) == "中\U0002A6E0国"
