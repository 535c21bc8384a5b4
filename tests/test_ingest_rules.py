"""The rules that keep non-articles out, on real titles and real junk (issue 12): a record is
"a listing page" only on evidence real headlines do not share, and junk is refused by one check
(`indexer/extract/junk.py`) with a reason. Fast: no index, no child process."""
from __future__ import annotations

import json

import pytest
from helpers import DEMO_ARTICLES

from indexer.extract import extract_file
from indexer.extract.junk import unreadable_reason, unsearchable_reason
from indexer.extract.records import record_to_article

KICKERS = ["转载｜以家国情怀守护人民健康", "快讯｜国务院常务会议部署稳就业工作", "独家｜专访国家统计局负责人",
           "专访｜一位乡村教师的三十年", "视频｜长江流域全面禁渔", "图说洛阳| 洛阳职业技术学院：剪“廉洁窗花”",
           "棱镜|数据业大整顿", "本周新錶｜寶格麗跨越工藝疆界", "快訊／AI估值疑慮升溫",
           "泰破獲野生動物走私 62隻瀕危長尾獼猴被塞塑膠袋│TVBS新聞網"]
LISTINGS = ["生活|TVBS新聞網", "作者：王小明 的文章列表｜壹蘋新聞網", "館長爆性醜聞｜火線話題｜壹蘋新聞網",
            "国际｜人民日报", "新闻列表｜某某市政府网站"]


@pytest.mark.parametrize("title", KICKERS)
def test_kicker_headlines_are_articles(title):
    article = record_to_article({"title": title, "body": "正文一段。"}, "x#1")
    assert not isinstance(article, str), article
    assert article.title == title.strip()


@pytest.mark.parametrize("title", LISTINGS)
def test_section_and_site_name_titles_are_listing_pages(title):
    assert record_to_article({"title": title, "body": "列表内容。"}, "x#1") == "record is a listing page, not an article"


def test_no_demo_article_is_taken_for_a_listing_page():
    lines = (DEMO_ARTICLES / "ey-gazette-sample.jsonl").read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines if line.strip()]
    refused = [r["title"] for r in records if isinstance(record_to_article(r, "x"), str)]
    assert len(records) > 80 and refused == []


@pytest.mark.parametrize(("data", "words"), [
    (b"D" * 20000, "no title and no searchable text"),
    (b"\x00" * 4096, "not text"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x08\x00\x00\x00\x08\x08\x02\x00\x00\x00" * 20, "not text"),
    ("".join(chr(0xE000 + i) for i in range(2000)).encode(), "private-use"),
    (("\ufffd" * 500 + "正文").encode(), "replacement"),
    (b"<html><body>" + b"-=*" * 3000 + b"</body></html>", "no title and no searchable text"),
])
def test_junk_is_skipped_with_a_reason(data, words):
    (result,) = extract_file(data, "junk.html")
    assert not hasattr(result, "title"), result
    assert words in result.reason


def test_real_text_is_not_junk():
    assert unreadable_reason("生态环境部发布公告\uE000，推进生态环境保护工作。") is None
    assert unsearchable_reason("", "Stats: 2024 GDP grew 5%") is None
    assert unsearchable_reason("标题", "D" * 20000) is None  # a title a reader can search
    assert unsearchable_reason("", "D" * 20000) is not None


TEXT = "城市更新行动全面推进。老旧小区改造完成过半，居民生活条件明显改善。"


@pytest.mark.parametrize("given, shown", [
    ("<em>国务院</em>常务会议部署<EM>稳就业</EM>", "国务院常务会议部署稳就业"),  # a search-result crawl's marks
    ('<font color="red">重要</font>通知<br/>（全文）', "重要通知（全文）"),
    ("&lt;b&gt;标签&lt;/b&gt;的写法 &amp; 转义", "<b>标签</b>的写法 & 转义"),  # escaped: text, kept
    ("《红楼梦》与 a<b 的比较", "《红楼梦》与 a<b 的比较"),  # no tag: nothing taken
])
def test_a_records_title_loses_its_markup_and_keeps_its_text(given, shown):
    article = record_to_article({"title": given, "body": "正文一段。"}, "x#1")
    assert article.title == shown


@pytest.mark.parametrize(("title", "url"), [
    ("快讯｜工业互联网", None), ("两会时间｜代表谈日报", None),  # a kicker over a headline ending in 网, 日报
    ("城市更新见成效", "https://blog.example.cn/category/city/2024/0205-renewal.html"),  # an article under a category
    ("一条热点", "https://readhub.cn/topic/7uX4YbCdEfG"),  # readhub's articles are topics
])
def test_a_record_whose_text_reads_as_an_article_is_one_whatever_its_title_or_address(title, url):
    """An exported article read back (`export` then `rebuild`) must not be refused: its text decides."""
    article = record_to_article({"title": title, "body": TEXT, "url": url}, "x#1")
    assert not isinstance(article, str), article


@pytest.mark.parametrize(("title", "url"), [("生活|TVBS新聞網", None), ("某某", "https://www.cqnews.net/news/"),
                                            ("标签", "https://example.cn/tag/china")])
def test_a_listing_pages_record_of_headlines_is_still_refused(title, url):
    record = {"title": title, "body": "新闻标题一\n新闻标题二\n新闻标题三", "url": url}
    assert record_to_article(record, "x#1") == "record is a listing page, not an article"
