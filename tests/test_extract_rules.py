"""The small rules extraction is built from: dates, authors, encodings, furniture lines, title suffixes."""
from __future__ import annotations

import pytest

from indexer.dates import date_from_path, find_date, parse_date
from indexer.extract.authors import byline_authors, parse_authors
from indexer.extract.cleaning import is_furniture, parse_meta_line, strip_site_suffix
from indexer.extract.encoding import decode


@pytest.mark.parametrize("text,expected", [
    ("2024-02-05", "2024-02-05"), ("2024/2/5 09:30", "2024-02-05"), ("2024年2月5日", "2024-02-05"),
    ("2024.02.05", "2024-02-05"), ("中華民國94年1月3日", "2005-01-03"), ("民國94年1月3日", "2005-01-03"),
    ("２０２４年２月５日", "2024-02-05"), ("2019-09-07T13:43:45+08:00", "2019-09-07"),
    ("2019年女排世界杯", None), ("2024-13-45", None),
    # in Chinese numerals, as documents sign them: the year digit by digit, or an ROC year as a number
    ("二〇二三年五月十日", "2023-05-10"), ("二○二三年五月三十一日", "2023-05-31"), ("一九九八年十月一日", "1998-10-01"),
    ("發布日期：中華民國九十四年一月三日", "2005-01-03"), ("中华民国一百一十二年十二月二十五日", "2023-12-25"),
    ("九十四年一月三日", None), ("第三十年一月二日", None), ("二〇二三年十三月一日", None), ("二〇二〇年二月三十日", None),
])
def test_dates_in_every_form(text, expected):
    assert find_date(text) == expected


def test_a_date_line_in_chinese_numerals_dates_a_text_file_and_is_no_part_of_its_title():
    """A Big5 announcement whose second line is `發布日期：中華民國九十四年一月三日`: the line had
    been read as the headline (no date found in it), the date as none."""
    from indexer.extract import extract_file

    text = "行政院公告\n發布日期：中華民國九十四年一月三日\n\n行政院今日公告修正相關辦法，自公布日施行。各機關應依規定辦理。\n"
    (article,) = extract_file(text.encode("big5"), "ann.txt")
    assert (article.title, article.date) == ("行政院公告", "2005-01-03")


def test_dates_of_other_types_and_in_file_names():
    assert parse_date(5) is None and parse_date({}) is None and parse_date(None) is None
    assert parse_date(1707100000) == "2024-02-05"
    # one instant, one day: a time in UTC is read in China's time, as epoch seconds are ...
    assert parse_date("2024-02-04T20:00:00Z") == parse_date(1707076800) == "2024-02-05"
    # ... and a time written in its own zone keeps that zone's day: a New York paper's story of
    # the 4th (`datePublished` 20:00-05:00) is printed as of the 4th over its headline
    assert parse_date("2024-02-04T20:00:00.5-05:00") == "2024-02-04"
    assert parse_date("2024-02-04T23:30:00+09:00") == "2024-02-04"
    assert parse_date("2024-02-04T20:00:00+0000") == parse_date("2024-02-04T20:00:00.123456789Z") == "2024-02-05"
    assert parse_date("２０２４-０２-０４T２０:００Z") == "2024-02-05"  # full-width digits: the same instant
    for odd in ("9999-12-31T23:59Z", "0001-01-01T05:00+0800", "2024-02-05T25:00Z", "2024-02-30T10:00:00Z"):
        assert parse_date(odd) is None  # no instant, or out of range: undated, never an error
    assert parse_date("2024-02-04T20:00:00+08:00") == parse_date("2024-02-04 20:00:00") == "2024-02-04"
    assert date_from_path("2019年10月/20191001/20191001-01-01.txt") == "2019-10-01"
    assert date_from_path("http://fgw.zj.gov.cn/art/2016/11/22/art_1.html") == "2016-11-22"


@pytest.mark.parametrize("value,names", [
    ("主任委員 賴幸媛", ["賴幸媛"]), ("生態環境部黨組書記 孫金龍", ["孫金龍"]), ("记者 张三 李四", ["张三", "李四"]),
    ("张三、李四", ["张三", "李四"]), ("副院長 葉菊蘭;院長 游錫堃", ["葉菊蘭", "游錫堃"]),
    ("网易", []), ("104363", []), ("未知", []), ("聯合報／ 記者", []), (["王五", {"name": "赵六"}], ["王五", "赵六"]),
])
def test_authors_are_person_names_without_titles(value, names):
    assert parse_authors(value) == names


@pytest.mark.parametrize("line,names", [
    ("新华社北京9月30日电  （记者朱基钗）中共中央总书记", ["朱基钗"]), ("（记者杜一菲）", ["杜一菲"]),
    ("本报记者 邵玉姿", ["邵玉姿"]), ("本报记者\u00a0\u00a0贺\u00a0\u00a0勇", ["贺勇"]),
    ("澎湃新闻记者 贺梨萍", ["贺梨萍"]), ("谷一鸣摄（影像中国）", []), ("今天天气很好，记者看到了很多人。", []),
])
def test_bylines(line, names):
    assert byline_authors(line) == names


def test_encodings_detected_from_bytes():
    text = "生態環境部黨組書記在雜誌發表署名文章，全面貫徹黨的精神。"
    assert decode(text.encode("utf-8")) == text
    assert decode(text.encode("utf-8-sig")) == text
    assert decode(text.encode("utf-16")) == text
    assert decode(text.encode("big5")) == text
    simplified = "生态环境部党组书记在杂志发表署名文章，全面贯彻党的精神。"
    assert decode(simplified.encode("gb18030")) == simplified
    assert decode('<meta charset="gb2312">中文页面其实是UTF-8'.encode()) .endswith("UTF-8")
    assert decode(bytes(range(256)) * 10) is None


@pytest.mark.parametrize("damage", [
    ("€", "cp950"),  # Windows' Big5 euro sign (A3 E1): not in Big5-HKSCS
    ("\xff", "latin-1"),  # a stray byte
    ("é", "utf-8"),  # a UTF-8 character pasted into the page
])
def test_a_big5_page_with_a_byte_big5_cannot_read_is_read_as_big5_not_gb18030(damage):
    # GB18030 reads almost any bytes: the page used to become mojibake (闽縒疭迭粂…), unfindable.
    text = "行政院今日召開院會，討論推動鄉村振興的具體措施，要求各部會認真貫徹落實。"
    odd, codec = damage
    data = b'<meta charset="big5">' + text[:9].encode("big5") + odd.encode(codec) + text[9:].encode("big5")
    decoded = decode(data)
    assert decoded is not None and text[9:] in decoded and text[:9] in decoded
    gbk_damaged = "关于独特词语坏字节的通知，国务院办公厅今日发布。".encode("gbk")
    assert "国务院办公厅今日发布" in decode(gbk_damaged[:10] + b"\xff" + gbk_damaged[10:])


@pytest.mark.parametrize("line", [
    "手機版", "當前位置:首頁 > 要聞動態", "分享到:", "[列印] 字號:[大] [中] [小]", "版權所有:中華人民共和國生態環境部",
    "ICP備案編號: 京ICP備05009132號", "京公網安備 11040102700072號", "電腦版", "相关新闻", "责任编辑：张三",
])
def test_furniture_lines(line):
    assert is_furniture(line)


def test_article_sentences_are_not_furniture():
    assert not is_furniture("生態環境部黨組堅持以習近平新時代中國特色社會主義思想為指導。")


def test_date_lines_are_found_in_every_digit_form_nfkc_reads():
    import re
    import sys
    import unicodedata

    from indexer.extract.cleaning import _DIGITS_NFKC, is_date_line

    digit = re.compile(r"\d")
    missed = [hex(code) for code in range(sys.maxunicode + 1) if not 0xD800 <= code <= 0xDFFF
              and digit.search(unicodedata.normalize("NFKC", chr(code))) and not _DIGITS_NFKC.search(chr(code))]
    assert missed == []  # every character that is, or becomes, a digit is looked at
    for line in ("2024-02-05 09:30", "２０２４年２月５日", "发布时间：2019年9月7日", "日期：2024.02.05"):
        assert is_date_line(line), line
    assert not is_date_line("生態環境部黨組書記") and not is_date_line("2019年女排世界杯")


def test_folding_a_text_of_many_lines_at_once_normalises_each_line():
    import random

    from indexer.extract.cleaning import fold_spaces, normalise_line

    pieces = ["a", "中", "&", "&&", "\u200b", " ", "\t", "\xa0", "\u3000", "\ufeff", "\ue5e5", "\u2002", "\x85"]
    rng = random.Random(5)
    for _ in range(5000):
        lines = ["".join(rng.choice(pieces) for _ in range(rng.randrange(9))) for _ in range(3)]
        for separator in ("\x00", "\n", "\x1f"):
            folded = fold_spaces(separator.join(lines)).split(separator)
            assert [line.strip() for line in folded] == [normalise_line(line) for line in lines], lines


def test_a_zero_width_space_between_latin_words_keeps_them_two_words():
    """A zero-width space is a word break: between Latin words it stays one (a space), so
    `"iPhone"` finds `5G\u200biPhone`; between Chinese characters it goes (no space there)."""
    import json

    from indexer.extract import extract_file
    from indexer.extract.cleaning import normalise_line

    assert normalise_line("5G\u200biPhone与COVID\u200b\u200btest") == "5G iPhone与COVID test"
    assert normalise_line("中\u200b文 a\u200b中") == "中文 a中"
    record = {"id": "z", "title": "新机", "body": "今年的5G\u200biPhone上市。"}
    (article,) = extract_file(json.dumps(record, ensure_ascii=False).encode(), "x.jsonl")
    assert article.body == "今年的5G iPhone上市。"


def test_a_stray_double_ampersand_in_chinese_text_goes_and_code_keeps_its_own():
    from indexer.extract.cleaning import normalise_line

    assert normalise_line("部领导班子成员&&深入基层一线") == "部领导班子成员深入基层一线"  # a CMS's stray mark
    assert normalise_line("docker stop zookeeper && docker rm zookeeper") == "docker stop zookeeper && docker rm zookeeper"
    assert normalise_line("if (a&&b) { run(); }") == "if (a&&b) { run(); }"


def test_a_sidebar_heading_under_the_author_label_names_no_author():
    from indexer.extract import extract_file

    page = ('<html><head><meta charset="utf-8"><title>英国美女转行当美人鱼</title></head><body>'
            '<h1>英国美女转行当美人鱼</h1><div class="article"><p>她在殡仪馆工作多年，后来转行当美人鱼，每小时收入近千元。</p>'
            '<p>她说这份工作让她重新找到了快乐，也让很多孩子感到惊喜。</p></div>'
            '<div class="recent-article"><h2>作者最新文章</h2><ul><li><a href="/a">另一篇文章的标题</a></li></ul></div>'
            '</body></html>')
    (article,) = extract_file(page.encode(), "bjh/1.html")
    assert article.authors == []  # (it was ['最新文章'] on every page of a blog platform)
    assert parse_authors("作者：王文章 张三") == ["王文章", "张三"] and parse_authors("李作品") == ["李作品"]  # names


def test_metadata_lines():
    assert parse_meta_line("2024-02-05 來源:生態環境部") == {"source": "生態環境部", "date": "2024-02-05"}
    assert parse_meta_line("2019-09-26 12:11来源：证券时报网作者：李在山") == {
        "source": "证券时报网", "author": "李在山", "date": "2019-09-26"}
    assert parse_meta_line("这篇文章的来源：很难说清楚，" * 10) == {}


@pytest.mark.parametrize("title,headline", [
    ("多地项目连环爆雷_网易财经", "多地项目连环爆雷"), ("法国全国大罢工再次严重影响交通-新华网", "法国全国大罢工再次严重影响交通"),
    ("中国人习以为常的地方|公园_新浪新闻", "中国人习以为常的地方"), ("国务院公报__2007年第23号国务院公报_中国政府网", "2007年第23号国务院公报"),
    ("1-10月德清县固定资产投资结构趋稳趋优", "1-10月德清县固定资产投资结构趋稳趋优"),
])
def test_title_without_site_suffix(title, headline):
    assert strip_site_suffix(title) == headline


def test_a_utf8_page_with_a_gbk_footer_is_read_not_called_binary():
    """A hostile-input tester's page: 1,700 characters of UTF-8 and a 16-character footer pasted
    in GB2312 (`版权所有：中华人民共和国生态环境部`) was skipped as binary, the article lost."""
    from indexer.extract import extract_file
    paragraph = "国务院新闻办公室今天举行新闻发布会，介绍生态环境保护工作进展情况。记者了解到，全国空气质量持续改善。"
    page = ("<html><head><meta charset='utf-8'><title>混合编码页脚测试</title></head><body><h1>混合编码页脚测试</h1>"
            + "".join(f"<p>{paragraph}第{i}段。</p>" for i in range(25))).encode("utf-8")
    page += "<div class='footer'>版权所有：中华人民共和国生态环境部</div></body></html>".encode("gbk")
    (article,) = extract_file(page, "page.html")
    assert article.title == "混合编码页脚测试" and "第24段" in article.body
