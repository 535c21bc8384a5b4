"""extract_file on real fixtures (seed, gazette) and hand-written pages that copy real page structures."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from indexer.article import Article, Skipped
from indexer.extract import SUPPORTED_SUFFIXES, extract_file
from indexer.extract.authors import parse_authors
from indexer.extract.junk import unreadable_reason

FIXTURES = Path(__file__).parent / "fixtures" / "extract"
FURNITURE = ("手機版", "手机版", "當前位置", "当前位置", "分享到", "列印", "打印", "版權所有", "版权所有",
             "ICP", "公网安备", "電腦版", "电脑版", "&&", "相关新闻", "字号", "字號")


def one(name: str, relpath: str | None = None) -> Article:
    results = list(extract_file((FIXTURES / name).read_bytes(), relpath or name))
    assert len(results) == 1 and isinstance(results[0], Article), results
    return results[0]


def test_supported_suffixes():
    assert SUPPORTED_SUFFIXES == {".html", ".htm", ".shtml", ".mht", ".mhtml", ".txt", ".jsonl", ".json"}


def test_seed_text_dump_gives_every_field():
    article = one("mee-2024-02-05-party-building.txt", "seed/mee-2024-02-05-party-building.txt")
    assert article.id == "seed/mee-2024-02-05-party-building.txt"
    assert article.title == ("生態環境部黨組書記孫金龍在《旗幟》雜誌發表署名文章 "
                             "《以機關黨建高品質發展引領和保障生態環境保護工作紮實推進》")
    assert article.date == "2024-02-05"
    assert article.source == "生態環境部"
    assert article.authors == ["孫金龍"]
    assert article.body.startswith("生態環境部黨組堅持以習近平新時代")
    for word in FURNITURE:
        assert word not in article.body, word
    assert "\n" in article.body  # paragraphs stay apart


def test_gazette_records_roc_dates_titles_removed_from_authors():
    results = list(extract_file((FIXTURES / "gazette-sample.jsonl").read_bytes(), "gazette.jsonl"))
    assert all(isinstance(r, Article) for r in results) and len(results) == 3
    first = results[0]
    assert first.id == "gazette-533"
    assert first.date == "2005-01-03"
    assert first.source == "大陸委員會"
    assert first.authors == ["賴幸媛"]
    assert first.column == "法規"
    assert first.keywords == ["聘請", "顧問", "人事任免"]
    assert "修正「行政院大陸委員會顧問遴聘辦法」。" in first.body  # Word HTML body cleaned to text
    assert "<td" not in first.body and "&nbsp;" not in first.body


def test_gov_page_meta_tags_win_and_furniture_is_dropped_even_when_charset_lies():
    article = one("gov-meta-lying-charset.html")  # says gb2312, is UTF-8
    assert article.title == "山西品牌丝路行（南美站）正式启动"
    assert article.date == "2019-09-18"
    assert article.source == "山西日报"
    assert article.authors == ["张三", "李四"]
    assert article.column == "山西要闻"
    assert article.keywords == ["丝路行", "南美", "招商"]
    assert article.url.endswith("t20190918_693227.shtml")
    assert article.body.splitlines()[0].startswith("跨越千山万水")
    assert len(article.body.splitlines()) == 3
    for word in FURNITURE + ("山西品牌中华行走进上海", "网站标识码"):
        assert word not in article.body, word


def test_news_page_in_gbk_title_suffix_visible_source_and_byline():
    article = one("news-title-suffix-gbk.html")
    assert article.title == "女儿出嫁，郑板桥画了几笔兰花当嫁妆"
    assert article.date == "2019-06-15"
    assert article.source == "人民网-文化频道"
    assert article.authors == ["邵玉姿"]
    assert article.date == "2019-06-15"
    assert "郑板桥的女儿出嫁时" in article.body
    for word in FURNITURE + ("责编",):
        assert word not in article.body, word


def test_big5_page_with_full_width_roc_date():
    article = one("big5-roc-date.html")
    assert article.title == "行政院公告：修正檔案法施行細則"
    assert article.date == "2005-01-03"
    assert article.source == "檔案管理局"
    assert article.authors == ["賴幸媛"]
    assert "回到頂部" not in article.body and "修正「檔案法施行細則」部分條文" in article.body


def test_text_dump_bylines_and_furniture():
    article = one("text-dump-byline.txt")
    assert article.title == "科技小院让农民成了“土专家”"
    assert article.date == "2020-05-19"
    assert article.source == "人民日报"
    assert article.authors == ["邵玉姿"]
    assert article.body.startswith("（记者杜一菲）五月的田野里")
    for word in FURNITURE:
        assert word not in article.body, word


def test_newspaper_text_title_subtitle_and_date_from_file_name():
    article = one("20190203-04-05.txt", "2019年2月/20190203/20190203-04-05.txt")
    assert article.title == "高能同步辐射光源验证装置通过验收 让大科学装置早日服务科研"
    assert article.date == "2019-02-03"
    assert article.source is None  # nothing in the text names the paper
    assert article.authors == ["吴月辉", "张三"]
    assert article.body.startswith("本报北京2月2日电")


def test_a_short_notice_of_one_sentence_is_an_article_as_the_same_page_would_be():
    text = "关于独特词语短文本的通知\n2024年2月5日\n国务院办公厅发布通知。\n"
    article = next(extract_file(text.encode(), "notice.txt"))
    assert (article.title, article.date, article.body) == ("关于独特词语短文本的通知", "2024-02-05", "国务院办公厅发布通知。")
    appointments = "全国人民代表大会常务委员会决定任免的名单\n\n免去黄树贤的民政部部长职务；\n任命李纪恒为民政部部长。\n"
    article = next(extract_file(appointments.encode(), "20191027-02-11.txt"))
    assert article.title == "全国人民代表大会常务委员会决定任免的名单"
    assert article.body == "免去黄树贤的民政部部长职务；\n任命李纪恒为民政部部长。"
    for text, body in (("放假通知\n2024-02-05\n春节放假七天！\n请相互转告！\n", "春节放假七天！\n请相互转告！"),
                       ("会见美国总统\n2024-02-05\n他说：“要相互尊重。”\n", "他说：“要相互尊重。”")):
        assert next(extract_file(text.encode(), "x.txt")).body == body  # as the same text in a page
    # a headline and a caption, a site's name over a headline: no sentence, no body (skipped as before)
    for text in ("\r\n祖国，生日快乐！\r\n\r\n　　张三摄\r\n", "人民网\n习近平：“坚持人民至上”\n2024-02-05\n",
                 "2024-02-05\n关于…通知。"):
        assert isinstance(next(extract_file(text.encode(), "x.txt")), Skipped), text


@pytest.mark.parametrize("data,reason", [
    (b"", "empty"),
    (b"   \n\t  \r\n", "empty"),
    (bytes(range(256)) * 40, "not text"),
    (b"\x00" * 500 + b"<html>", "not text"),
    (b"<html><head><title>x</title></head><body><div>", "no article text"),
])
def test_bad_html_files_give_one_skipped_with_reason(data, reason):
    results = list(extract_file(data, "bad/page.html"))
    assert len(results) == 1 and isinstance(results[0], Skipped)
    assert results[0].path == "bad/page.html" and reason in results[0].reason


def test_unreadable_share_is_counted_exactly_around_its_limit():
    # 30% of the non-space characters may be private-use/replacement/control; one more is junk.
    # Full-width punctuation, C1-range-adjacent letters (é, ·) and U+F900 compatibility ideographs
    # share UTF-8 lead bytes with the bad characters and must never count as bad themselves.
    good = "（一）：，。！？“”é·豈" * 70  # 980 non-space characters, none bad
    assert unreadable_reason(good + " \n" * 500) is None
    assert unreadable_reason("正" * 70 + "\ue000" * 30) is None
    assert unreadable_reason("。、「」" * 17 + "。、" + "\ue000" * 30) is None  # U+3000's lead byte, not spaces
    assert unreadable_reason("正" * 69 + "\ue000" * 31) == ("not text: 31% of its characters are control, "
                                                        "replacement or private-use characters")
    assert unreadable_reason("\ufffd\x85\x01\udc80\U000f0001" * 10 + "\u3000" * 100).startswith("not text: 100%")


def test_a_closing_body_or_html_tag_in_the_middle_of_a_page_does_not_end_it():
    import sys

    from indexer.extract.html import _WHITESPACE

    assert _WHITESPACE == "".join(chr(code) for code in range(sys.maxunicode + 1) if chr(code).isspace())
    for early in ("</body>", "</HTML >", "</Body\u3000>", "</html\n\t\xa0>"):
        page = (f"<html><body><h1>模板拼接的页面标题</h1><p>第一段正文在这里，内容完整。</p>{early}"
                "<p>第二段正文在结束标记之后，也要读到。</p></body></html>").encode()
        article = next(extract_file(page, "glued.html"))
        assert "第二段正文在结束标记之后" in article.body, early


def test_truncated_and_deeply_nested_html_still_read():
    truncated = "<html><body><h1>标题</h1><p>这是一篇被截断的文章，正文还在，只是页面没有写完".encode()
    assert "正文还在" in next(extract_file(truncated, "t.html")).body
    deep = ("<html><body>" + "<div>" * 100_000 + "深层嵌套的页面里也有正文内容。" + "</div>" * 100_000).encode()
    result = next(extract_file(deep, "deep.html"))
    assert isinstance(result, Article) and "深层嵌套的页面里也有正文内容" in result.body


def test_nul_bytes_inside_text_are_dropped():
    result = next(extract_file("标题\n\n　　正文第一段，\x00里面有一个空字符。\n".encode(), "n.txt"))
    assert isinstance(result, Article) and "\x00" not in result.body


def test_json_lines_bad_lines_skipped_good_ones_kept_and_crawler_names_understood():
    lines = [
        json.dumps({"article_id": "a1", "title": "台電四接海事工程流標", "content": "位於基隆外木山的台電四接&#22825;然氣接收站。",
                    "source": "China Times", "source_name": "中時新聞網", "published_date": "2025-11-18",
                    "author": "記者 王小明", "tags": ["基隆市", "四接"]}, ensure_ascii=False),
        "{not json",
        json.dumps({"title": "沒有編號", "text": "正文", "date": 5, "authors": {}}, ensure_ascii=False),
        json.dumps([1, 2]),
        json.dumps({"title": "作者：張家玲 的文章列表｜壹蘋新聞網", "url": "https://news.nextapple.com/search/author/x",
                    "content": "列表"}, ensure_ascii=False),
    ]
    results = list(extract_file("\n".join(lines).encode(), "feed.jsonl"))
    first, bad, third, not_object, listing = results
    assert first.id == "a1" and first.source == "中時新聞網" and first.date == "2025-11-18"
    assert first.authors == ["王小明"] and first.keywords == ["基隆市", "四接"]
    assert "天然氣" in first.body
    assert bad == Skipped("feed.jsonl:2", bad.reason) and "invalid JSON" in bad.reason
    assert third.id == "feed.jsonl#3" and third.date is None and third.authors == []
    assert isinstance(not_object, Skipped) and not_object.path == "feed.jsonl:4"
    assert isinstance(listing, Skipped) and "listing" in listing.reason


def test_record_sources_as_a_list_and_the_articles_own_field_names_first():
    lines = [
        {"id": "g1", "title": "来源列表", "body": "内容", "sources": ["新华社", "人民日报"]},  # as `export` writes it
        {"id": "g2", "title": "来源列表2", "body": "内容", "source": ["新华社", "人民日报", "新华社"]},
        {"content": "爬虫的正文", "body": "记录自己的正文", "article_id": "crawler-1", "id": "own-1",
         "headline": "爬虫标题", "title": "自己的标题", "link": "http://a.example/1", "url": "http://b.example/1"},
        {"id": "g4", "title": "两个都有", "body": "内容", "source": "生态环境部", "sources": ["别的"]},
    ]
    text = "\n".join(json.dumps(r, ensure_ascii=False) for r in lines)
    g1, g2, own, both = extract_file(text.encode(), "g.jsonl")
    assert g1.sources == g2.sources == ["新华社", "人民日报"]
    assert (own.id, own.title, own.body, own.url) == ("own-1", "自己的标题", "记录自己的正文", "http://b.example/1")
    assert both.sources == ["生态环境部"]
    (blank,) = extract_file(json.dumps({"content": "爬虫给的正文", "body": " ", "title": "空白的正文字段"},
                                       ensure_ascii=False).encode(), "b.jsonl")
    assert blank.body == "爬虫给的正文"  # the article's own name left blank: the crawler's text stands


def _mhtml(html: str, charset: str, encoding: str, where: str, snapshot: bool) -> bytes:
    """A page saved as one file, as Internet Explorer (quoted-printable, the page's charset) or
    Chrome (a Snapshot-Content-Location header) writes it, with a picture after the page."""
    import base64
    import quopri

    raw = html.encode(charset)
    body = quopri.encodestring(raw) if encoding == "quoted-printable" else base64.encodebytes(raw)
    head = (f"From: <Saved by Blink>\r\nSnapshot-Content-Location: {where}\r\n" if snapshot else "From: <由 Windows Internet Explorer 8 保存>\r\n")
    return (head + "Subject: =?gb2312?B?xxx?=\r\nMIME-Version: 1.0\r\n"
            'Content-Type: multipart/related;\r\n\ttype="text/html";\r\n\tboundary="----=_NextPart_000"\r\n\r\n'
            "This is a multi-part message in MIME format.\r\n\r\n------=_NextPart_000\r\n"
            f'Content-Type: text/html;\r\n\tcharset="{charset}"\r\nContent-Transfer-Encoding: {encoding}\r\n'
            f"Content-Location: {where}\r\n\r\n").encode("gb18030") + body + (  # (IE writes its headers so)
            "\r\n------=_NextPart_000\r\nContent-Type: image/png\r\nContent-Transfer-Encoding: base64\r\n"
            "Content-Location: http://www.gov.cn/logo.png\r\n\r\niVBORw0KGgo=\r\n------=_NextPart_000--\r\n").encode("ascii")


@pytest.mark.parametrize("encoding, charset, snapshot", [("quoted-printable", "gb2312", False), ("base64", "utf-8", True)])
def test_a_page_saved_as_one_file_mht_is_read_as_the_page(encoding, charset, snapshot):
    html = ('<html><head><meta http-equiv="Content-Type" content="text/html; charset=' + charset + '">'
            "<title>国务院关于推进冷链物流发展的意见_政府信息公开</title></head><body><div class=nav>首页 | 政策</div>"
            "<h1>国务院关于推进冷链物流发展的意见</h1><p>发布时间：2024-02-05　来源：国务院办公厅</p>"
            "<div class=content><p>各省、自治区、直辖市人民政府，国务院各部委、各直属机构：冷链物流是保障食品安全的重要环节。</p>"
            "<p>为推进冷链物流高质量发展，现提出以下意见。各地区各部门要认真贯彻落实。</p></div></body></html>")
    where = "http://www.gov.cn/zhengce/content/2024-02/05/content_1.htm"
    (article,) = extract_file(_mhtml(html, charset, encoding, where, snapshot), "saved/意见.mht")
    assert (article.title, article.date, article.source, article.url) == (
        "国务院关于推进冷链物流发展的意见", "2024-02-05", "国务院办公厅", where)
    assert article.body.startswith("各省、自治区") and "首页" not in article.body
    (nothing,) = extract_file(b"MIME-Version: 1.0\r\nContent-Type: image/png\r\n\r\nabc", "only-a-picture.mhtml")
    assert isinstance(nothing, Skipped) and "MHTML" in nothing.reason


def test_json_array_and_field_map():
    data = json.dumps([{"headline_zh": "標題", "正文": "<p>第一段</p><p>第二段</p>", "id": 7}], ensure_ascii=False)
    (article,) = extract_file(data.encode(), "a.json", field_map={"headline_zh": "title", "正文": "body"})
    assert article.id == "7" and article.title == "標題" and article.body == "第一段\n第二段"


def test_records_with_chinese_or_camel_case_field_names_keep_every_field():
    rows = [{"标题": "国务院常务会议", "正文": "国务院总理主持召开会议。", "发布时间": "2024年2月5日 10:00", "來源": "新华社",
             "作者": "张三 李四", "链接": "http://x.cn/a.html", "栏目": "要闻", "关键词": "国务院,会议"},
            {"Title": "标题二", "Content": "<p>正文。</p><p>二。</p>", "PubDate": "2024-02-05", "Source": "新华网",
             "Author": "王五", "URL": "http://y.cn/b", "ID": 1},  # a sheet's row number: no id (rows restart per file)
            {"articleTitle": "标题三", "article_content": "正文三。", "publishTime": "2024-02-05", "mediaName": "中新网",
             "title": "", "body": "   "}]  # the article's own names left blank: the others stand
    first, second, third = extract_file("\n".join(json.dumps(r, ensure_ascii=False) for r in rows).encode(), "x.jsonl")
    assert (first.title, first.body, first.date, first.source, first.authors, first.url, first.column, first.keywords) == (
        "国务院常务会议", "国务院总理主持召开会议。", "2024-02-05", "新华社", ["张三", "李四"], "http://x.cn/a.html", "要闻",
        ["国务院", "会议"])
    assert (second.id, second.title, second.body, second.source, second.authors, second.url) == (
        "x.jsonl#2", "标题二", "正文。\n二。", "新华网", ["王五"], "http://y.cn/b")
    assert (third.title, third.body, third.date, third.source) == ("标题三", "正文三。", "2024-02-05", "中新网")


@pytest.mark.parametrize("dump", [
    {"n0": {"title": "一", "content": "正文一。"}, "n1": {"title": "二", "content": "正文二。"}, "n2": {"id": "own", "title": "三", "content": "三。"}},
    {"code": 0, "data": {"n0": {"title": "一", "content": "正文一。"}, "n1": {"title": "二", "content": "正文二。"},
                         "n2": {"id": "own", "title": "三", "content": "三。"}}},
])
def test_records_keyed_by_their_ids_are_each_an_article_with_that_id(dump):
    """An object of records keyed by id gave one article (its first?) and said nothing of the rest."""
    found = list(extract_file(json.dumps(dump, ensure_ascii=False).encode(), "keyed.json"))
    assert [(a.id, a.title) for a in found] == [("n0", "一"), ("n1", "二"), ("own", "三")]


@pytest.mark.parametrize("text", ["[]", '{"code": 0, "data": {"list": [], "total": 0}}'])
def test_an_empty_list_of_records_is_said_as_such(text):
    """`[]` was a skipped file named nowhere (the summary counted one more than it listed); an
    API's empty page was "record has neither title nor body" at line 1."""
    assert list(extract_file(text.encode(), "page.json")) == [Skipped("page.json", "no records in it (an empty list)")]


def test_a_whole_number_id_written_as_a_float_is_that_number():
    """pandas writes an id column holding a gap as floats: `2.0` was the id "2.0", so `show 2`
    found nothing (while `1` and `"1"` were one id)."""
    lines = "\n".join(json.dumps({"id": i, "title": "t", "body": "正文。"}) for i in (2.0, 3, "4", 5.5))
    assert [a.id for a in extract_file(lines.encode(), "ids.jsonl")] == ["2", "3", "4", "5.5"]


@pytest.mark.parametrize("given, day", [
    ("1571234567", "2019-10-16"), ("1571234567000", "2019-10-16"),  # epoch seconds / ms written as text
    ("20191016", "2019-10-16"), ("20191016083000", "2019-10-16"),  # compact
    ("108/10/16", "2019-10-16"), ("108/10/16 08:30", "2019-10-16"),  # Taiwan's open data: ROC year, slashes
    ("Wed, 16 Oct 2019 23:30:00 GMT", "2019-10-17"),  # an RSS pubDate: its day in China's time
    ("Oct 16, 2019", "2019-10-16"), ("16 October 2019", "2019-10-16"),
    ("10/16/19", None), ("12345678", None), ("20191399", None), ("未知", None),  # no guess
])
def test_a_records_date_field_is_read_in_the_forms_exports_and_feeds_write(given, day):
    (article,) = extract_file(json.dumps({"title": "标题", "body": "正文。", "pub_date": given}, ensure_ascii=False).encode(),
                              "x.jsonl")
    assert article.date == day


@pytest.mark.parametrize("given, source", [
    ("来源：新华网 2024-02-05 10:00", "新华网"), ("2024-02-05 10:00 人民网", "人民网"),  # the page's line, copied
    ("2024-02-05 10:00 来源：新华网", "新华网"),
    ("中国政府网 2024年2月5日", "中国政府网"), ({"name": "人民网", "url": "http://people.com.cn"}, "人民网"),
    (["新华社", "来源：人民日报"], "新华社、人民日报"), ("来源：转载文章", None), ("新华社", "新华社"),
])
def test_a_records_source_is_the_publisher_it_names_without_label_or_time(given, source):
    (article,) = extract_file(json.dumps({"title": "标题", "body": "正文。", "source": given}, ensure_ascii=False).encode(),
                              "x.jsonl")
    assert article.source == source


def test_records_as_scrapy_and_detail_apis_write_them_keep_every_field():
    """A tester's crawler exports: a Scrapy item (every field a one-element list), a detail
    endpoint's reply holding one article and a list of related headlines, a list reply beside a
    list of tags, an author field mapped by --field-map, bracketed keywords, a text body with a
    stray <br>."""
    item = {"title": ["节假日运输安全"], "content": ["正文一。"], "publish_time": ["2019-10-16 08:30:00"],
            "url": ["https://www.mot.gov.cn/a.html"], "column": ["要闻"], "author": ["张三"]}
    (a,) = extract_file(json.dumps(item, ensure_ascii=False).encode(), "items.jsonl")
    assert (a.title, a.date, a.url, a.column, a.authors) == ("节假日运输安全", "2019-10-16", "https://www.mot.gov.cn/a.html",
                                                             "要闻", ["张三"])
    detail = {"code": 0, "msg": "success", "data": {"id": "a1", "title": "发布会", "content": "发布会的正文。", "related": [
        {"id": "r1", "title": "相关推荐一"}, {"id": "r2", "title": "相关推荐二"}]}}
    assert [x.id for x in extract_file(json.dumps(detail, ensure_ascii=False).encode(), "detail.json")] == ["a1"]
    listing = {"data": {"hotTags": [{"name": "甲"}, {"name": "乙"}, {"name": "丙"}],
                        "list": [{"id": "a2", "title": "二", "content": "正文二。"}, {"id": "a3", "title": "三", "content": "正文三。"}]}}
    assert [x.id for x in extract_file(json.dumps(listing, ensure_ascii=False).encode(), "list.json")] == ["a2", "a3"]
    (m,) = extract_file(json.dumps({"title": "t", "body": "正文。", "writer": "记者 王五", "date": 20191016},
                                   ensure_ascii=False).encode(), "m.jsonl", field_map={"writer": "author"})
    assert (m.authors, m.date) == (["王五"], "2019-10-16")
    (k,) = extract_file(json.dumps({"title": "t", "body": "正文。", "keywords": "限制出境;入出境管理(出入境管理，出境，入境)"},
                                   ensure_ascii=False).encode(), "k.jsonl")
    assert k.keywords == ["限制出境", "入出境管理(出入境管理，出境，入境)"]
    (b,) = extract_file(json.dumps({"title": "t", "body": "第一段。\n第二段：换行<br>接着写。\n第三段。"},
                                   ensure_ascii=False).encode(), "b.jsonl")
    assert b.body == "第一段。\n第二段：换行\n接着写。\n第三段。"


def test_a_records_text_escaped_twice_is_read_once_for_all_so_export_then_rebuild_keeps_it():
    from indexer.article import Article

    (a,) = extract_file(json.dumps({"id": "e", "title": "小于号&amp;lt;的写法", "body": "在网页里写作 &amp;lt; 才能显示。"},
                                   ensure_ascii=False).encode(), "e.jsonl")
    assert (a.title, a.body) == ("小于号<的写法", "在网页里写作 < 才能显示。")
    exported = {f: getattr(a, f) for f in Article.__dataclass_fields__}
    (again,) = extract_file(json.dumps(exported, ensure_ascii=False).encode(), "export.jsonl")
    assert (again.title, again.body) == (a.title, a.body)


@pytest.mark.parametrize("reply, titles", [
    ({"code": 0, "text": "success", "data": {"list": [{"title": "A", "content": "甲的正文。"}]}}, ["A"]),  # `text`: no article
    ({"content": [{"title": "A", "content": "甲。"}, {"title": "B", "content": "乙。"}], "totalElements": 2}, ["A", "B"]),
    ({"status": "ok", "title": "新闻列表", "data": [{"title": "A", "content": "甲。"}, {"title": "B", "content": "乙。"}]},
     ["A", "B"]),
    ({"body": "只有正文的记录。", "images": [{"src": "a.jpg"}]}, [""]),  # a record: its pictures are no records
])
def test_a_reply_whose_own_keys_look_like_fields_still_gives_its_articles(reply, titles):
    found = extract_file(json.dumps(reply, ensure_ascii=False).encode(), "reply.json")
    assert [a.title for a in found] == titles


@pytest.mark.parametrize("given, day", [
    ("Wed, 16 Oct 2019 20:30:00 CST", "2019-10-16"), ("Wed Oct 16 20:30:00 CST 2019", "2019-10-16"),  # China's CST
    ("2019101608", "2019-10-16"),  # a day and its hour, not an epoch time in 2033
])
def test_a_chinese_feeds_dates_are_its_own_days(given, day):
    (article,) = extract_file(json.dumps({"title": "t", "body": "b。", "date": given}).encode(), "x.jsonl")
    assert article.date == day


def test_a_json_file_is_read_whatever_its_shape_an_api_reply_a_pretty_record_or_lines():
    reply = {"code": 0, "msg": "ok", "data": {"total": 2, "list": [
        {"id": "n1", "title": "第一篇", "content": "第一篇正文。", "date": "2024-01-02"},
        {"id": "n2", "title": "第二篇", "content": "第二篇正文。"}]}}
    assert [a.id for a in extract_file(json.dumps(reply, ensure_ascii=False, indent=2).encode(), "api.json")] == ["n1", "n2"]
    one = {"id": "p1", "title": "美化的单条", "body": "正文。", "images": [{"src": "a.jpg"}]}  # a record, not its list
    assert [a.title for a in extract_file(json.dumps(one, ensure_ascii=False, indent=2).encode(), "one.json")] == ["美化的单条"]
    lines = "\n".join(json.dumps({"id": f"e{i}", "title": f"第{i}条", "body": "正文。"}, ensure_ascii=False) for i in (1, 2))
    assert [a.id for a in extract_file(lines.encode(), "lines.json")] == ["e1", "e2"]  # JSON Lines named .json
    (bad,) = extract_file(b"[{\"id\": 1,", "broken.json")
    assert isinstance(bad, Skipped) and bad.reason.startswith("invalid JSON")


@pytest.mark.parametrize("dateline", ["2024年2月5日", "2024-02-05", "中華民國113年2月5日", "二〇二四年二月五日"])
def test_a_text_dumps_date_alone_under_its_headline_is_its_date_not_its_title(dateline):
    """A notice saved as text: its headline, its date on a line of its own, its text."""
    text = (f"关于开展春季植树活动的通知\n{dateline}\n\n"
            "各单位：为改善生态环境，定于三月开展春季植树活动，请各单位积极组织参加。植树活动地点在城东公园。\n")
    (article,) = extract_file(text.encode(), "notice.txt")
    assert (article.title, article.date) == ("关于开展春季植树活动的通知", "2024-02-05")


def test_a_text_dumps_title_label_is_no_part_of_the_title():
    (article,) = extract_file("标题：测试的标题\n正文内容是这样的一段文字，用来说明问题。再来一句话。\n".encode(), "t.txt")
    assert article.title == "测试的标题"


def test_the_label_of_who_also_reported_is_no_author():
    """People's Daily: `记者侯雪静、骆晓飞、王博、白丽萍  参与采写：李松` (and `export` then `rebuild` reads the same)."""
    from indexer.extract.authors import parse_authors
    names = parse_authors("记者侯雪静、骆晓飞、王博、白丽萍  参与采写：李松")
    assert names == ["侯雪静", "骆晓飞", "王博", "白丽萍", "李松"]
    assert parse_authors(names) == names


def _dump(text: str, name: str = "notice.txt") -> Article:
    (article,) = extract_file(text.encode("utf-8"), name)
    return article


def test_a_text_dumps_metadata_line_that_counts_its_readers_still_gives_date_and_source():
    """`发布时间：… 来源：… 浏览次数：235` is a metadata line with the page's read counter: its date
    and source are the article's (they came out empty), and a notice's salutation between it and
    the first paragraph is the text's first line, as in the page (a search for it found nothing)."""
    article = _dump("关于开展安全生产大检查的通知\n发布时间：2024-03-15　来源：市应急管理局　浏览次数：235\n\n"
                    "各区县应急管理局，市级有关部门：\n为深入贯彻落实安全生产工作部署，有效防范化解重大安全风险，"
                    "市安委会决定在全市范围内开展安全生产大检查，现将有关事项通知如下。\n重点检查企业安全生产主体责任落实情况。\n")
    assert (article.title, article.date, article.source) == ("关于开展安全生产大检查的通知", "2024-03-15", "市应急管理局")
    assert article.body.startswith("各区县应急管理局，市级有关部门：\n为深入贯彻落实")
    widget = _dump("关于开展安全生产大检查的通知\n发布时间：2024-03-15　来源：市应急管理局\n视力保护色：\n\n"
                   "各区县应急管理局，市级有关部门：\n为深入贯彻落实安全生产工作部署，有效防范化解重大安全风险，"
                   "市安委会决定在全市范围内开展安全生产大检查，现将有关事项通知如下。\n")
    assert widget.body.startswith("各区县应急管理局，市级有关部门：\n")  # a widget's label is no salutation


def test_what_a_dump_prints_above_its_headline_printed_again_is_not_the_texts_lead():
    """A header that prints the headline twice (a banner line, a note, the headline again over its
    date): the salutation after the second is the text's first line; the note above it is not."""
    article = _dump("关于做好春节期间安全工作的通知\n\n请各单位认真阅读。\n\n关于做好春节期间安全工作的通知\n"
                    "发布时间：2024-01-20  来源：市应急管理局\n\n各区县应急管理局：\n\n"
                    "为切实做好春节期间安全生产工作，确保人民群众度过一个欢乐祥和的节日，现将有关事项通知如下。"
                    "一是加强隐患排查治理，二是强化值班值守，三是做好应急准备。\n")
    assert (article.title, article.date) == ("关于做好春节期间安全工作的通知", "2024-01-20")
    assert article.body.startswith("各区县应急管理局：\n为切实做好")


def test_a_newspaper_headers_kicker_is_left_out_of_the_title_but_opens_the_text():
    """People's Daily dumps print 引题 over 主题 (and 副题): the kicker is no part of the headline,
    but it was dropped altogether, so a search for `《求是》杂志发表习近平总书记重要文章` found
    nothing; it now opens the text. Two lines over a blank one and three lines read alike."""
    paragraph = "　　本报北京3月1日电  今天出版的第5期《求是》杂志发表中共中央总书记习近平的重要文章。文章强调，要一以贯之推进党的建设。\n"
    for header in ("《求是》杂志发表习近平总书记重要文章\n推进党的建设新的伟大工程要一以贯之\n\n",
                   "《求是》杂志发表习近平总书记重要文章\n推进党的建设新的伟大工程要一以贯之\n——学习贯彻重要讲话精神\n"):
        article = _dump(header + paragraph, "20190301-01-01.txt")
        assert article.title.startswith("推进党的建设新的伟大工程要一以贯之"), header
        assert article.body.startswith("《求是》杂志发表习近平总书记重要文章\n本报北京3月1日电"), header


def test_a_dumps_print_credit_dates_it_when_nothing_else_does():
    """A People's Daily dump whose file name holds no date: the credit closing it,
    `《人民日报》（2024年02月04日 第01版）`, gives the day (it stays out of the text)."""
    article = _dump("写在2024年中央一号文件发布之际\n加快建设农业强国\n本报评论员\n\n"
                    "　　2024年中央一号文件今天正式发布，对推进乡村全面振兴作出系统部署。这是新时代以来第12个指导“三农”工作的中央一号文件。\n"
                    "　　推进中国式现代化，必须坚持不懈夯实农业基础，推进乡村全面振兴。\n"
                    "　　《人民日报》（2024年02月04日 第01版）\n", "rmrb.txt")
    assert article.date == "2024-02-04"
    assert "第01版" not in article.body


@pytest.mark.parametrize("field, names", [
    ("聯合報／ 本報訊", []), ("聯合報／ 社論", []), ("Reporter", []), ("Staff Reporter", []),
    ("聯合報／記者王小明／台北報導", ["王小明"]), ("Joel Spolsky", ["Joel Spolsky"]),
])
def test_a_desk_or_a_role_in_an_author_field_is_no_name(field, names):
    """A paper's export fills `author` with its desk (`聯合報／ 本報訊`), its editorial (`社論`) or
    a role (`Reporter`): they were stored, and faceted, as authors."""
    assert parse_authors(field) == names
