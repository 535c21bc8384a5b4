"""Kinds of failure met on sites the rules were not written against (issue 21): a portal's page
names the paper it carries, bylines in several shapes, editors and widget words are not
authors, and the boilerplate sites put after an article."""
from __future__ import annotations

import pytest

from indexer.extract import extract_file
from indexer.extract.authors import byline_authors, parse_authors
from indexer.extract.cleaning import is_article_end, is_furniture, parse_meta_line

_TEXT = ["市政府昨天召开新闻发布会，介绍今年城市更新工作的进展情况和下一步安排。",
         "据介绍，全市今年计划改造老旧小区一百二十个，目前已开工九十个，惠及居民三万多户。",
         "发布会上，市住建局负责人回答了记者提问，表示将加快推进剩余项目的审批和施工。"]


def _page(*, info: str = "2024-05-20 10:00", before: list[str] = (), after: list[str] = (), meta: str = "",
          title: str = "城市更新今年改造老旧小区一百二十个") -> bytes:
    paragraphs = "".join(f"<p>{line}</p>" for line in [*before, *_TEXT, *after])
    return (f'<html><head><meta charset="utf-8"><title>{title}_门户网</title>{meta}</head><body>'
            f'<div class="nav">首页 &gt; 新闻</div><h1>{title}</h1><div class="info">{info}</div>'
            f'<div class="article">{paragraphs}</div></body></html>').encode()


def _article(raw: bytes):
    [article] = extract_file(raw, "portal/1.html")
    return article


_PORTAL = '<meta property="og:site_name" content="门户网"><meta name="source" content="门户网">'


@pytest.mark.parametrize("page,source", [
    (_page(info="2024-05-20 10:00 来源：新华社", meta=_PORTAL), "新华社"),
    (_page(before=["本文来自“腾讯科技”"], meta=_PORTAL), "腾讯科技"),
    (_page(after=["转自：光明日报"], meta=_PORTAL), "光明日报"),
    (_page(after=["《光明日报》（2024年05月20日 03版）"], meta=_PORTAL), "光明日报"),
    (_page(info="2024-05-20 10:00 来源｜新京报", meta=_PORTAL), "新京报"),
    (_page(info='2024-05-20 10:00 来源: <a href="#">新京报</a>(北京)', meta=_PORTAL), "新京报"),  # the place is no name
    (_page(info="2024-05-20 10:00 来源：澎湃新闻（上海市）", meta=_PORTAL), "澎湃新闻"),
    (_page(info="2024-05-20 10:00 来源：人民日报（海外版）", meta=_PORTAL), "人民日报（海外版）"),  # an edition is
])
def test_the_source_the_page_prints_wins_over_the_portals_own_name(page, source):
    article = _article(page)
    assert article.source == source
    assert article.body.split("\n") == _TEXT  # the line naming it is not article text


def test_a_printed_source_above_wins_over_a_print_credit_below():
    article = _article(_page(info="2024-05-20 10:00 来源：光明网", after=["《光明日报》（2024年05月20日 03版）"]))
    assert article.source == "光明网"


def test_a_line_that_only_begins_with_laizi_is_no_source():
    assert "source" not in parse_meta_line("来自瓦尔特故乡的塞尔维亚铜管六重奏音乐会")


@pytest.mark.parametrize("info,before,authors", [
    ("2024-05-20 作者｜张三", [], ["张三"]),
    ("2024-05-20", ["文/李四"], ["李四"]),
    ("2024-05-20", ["文｜李四 王五"], ["李四", "王五"]),
    ("2024-05-20", ["本报记者 王五 报道"], ["王五"]),
    ("2024-05-20", ["赵六 发自 北京"], ["赵六"]),
    ("2024-05-20", ["张三、李四 发自华盛顿"], ["张三", "李四"]),
    ("2024-05-20 作者：张三、李四 王五", [], ["张三", "李四", "王五"]),
    ("2024-05-20", ["作者 谢永亮（学者）"], ["谢永亮"]),  # what the author is, after the name
])
def test_bylines_of_every_shape_name_the_authors(info, before, authors):
    article = _article(_page(info=info, before=before))
    assert article.authors == authors
    assert article.body.split("\n") == _TEXT


def test_a_closing_credit_of_several_roles_names_every_reporter():
    credit = "【环球时报驻美国、德国特约记者 温燕 青木 陈一 环球时报记者 郭媛丹】"
    assert _article(_page(after=[credit])).authors == ["温燕", "青木", "陈一", "郭媛丹"]
    assert byline_authors("【环球时报综合报道】") == []


@pytest.mark.parametrize("info", ["2024-05-20 编辑：张三 审核：李四", "2024-05-20 责任编辑：张三", "2024-05-20 作者：查看更多"])
def test_editors_and_widget_words_are_never_authors(info):
    assert _article(_page(info=info)).authors == []


def test_widget_words_are_not_names():
    assert parse_authors("查看更多") == [] and parse_authors("关注") == []
    assert byline_authors("他发自内心地感到高兴") == []  # a sentence, not a byline


@pytest.mark.parametrize("line", [
    "版权与免责声明：本网所有内容均来自网络", "本文系作者授权本站刊载", "转载时务请注明出处", "如需转载请与本网联系",
    "《光明日报》（2024年05月20日 03版）", "人民日报（2024年5月20日第 4 版）", "正在为您切换到高清", "切换到高清",
    "打开APP阅读更多精彩内容", "新闻线索报料邮箱：tips@example.cn", "投稿邮箱：news@example.cn",
])
def test_trailing_boilerplate_is_not_article_text(line):
    assert is_furniture(line)
    assert _article(_page(after=[line])).body.split("\n") == _TEXT


@pytest.mark.parametrize("heading", ["关联阅读：", "相关链接", "往期回顾", "更多精彩："])
def test_a_related_reading_block_ends_the_article(heading):
    assert is_article_end(heading)
    article = _article(_page(after=[heading, "另一篇文章的标题一", "另一篇文章的标题二"]))
    assert article.body.split("\n") == _TEXT


@pytest.mark.parametrize("line", ["他说，转载时的注明出处是对作者劳动的尊重，也是法律的要求，希望大家都能做到这一点，共同营造良好的网络环境。",
                                  "未来三年，全市将在高清视频产业上投入更多资金。"])
def test_article_sentences_about_the_same_words_stay(line):
    assert not is_furniture(line)


def test_titles_keep_the_pages_curly_quotes():
    article = _article(_page(title="他说“不要走”：一位老人的坚守"))
    assert article.title == "他说“不要走”：一位老人的坚守"


@pytest.mark.parametrize("info,after,source", [
    ("2005-04-28 11:13更新 来源：转载文章", ["来源：南方都市报"], "南方都市报"),  # a placeholder, then the real one
    ("2015-11-05 阅读：8169 来源:转载", [], None),
    ("http://biz.163.com 2005-04-25 08:24:06 来源: 第一财经日报 网友评论 0 条", [], "第一财经日报"),
    ("http://www.sina.net 2005年03月21日 11:21 《理财周刊》", [], "理财周刊"),
    ("AUTO.SOHU.COM 2003年11月12日16:36 金羊网—新快报", [], "金羊网—新快报"),
    ("BUSINESS.SOHU.COM 2004年7月16日08:19 [ 黄宇 ] 来源：[ 国际金融报 ]", [], "国际金融报"),
])
def test_sources_printed_around_old_portal_templates(info, after, source):
    article = _article(_page(info=info, after=after))
    assert article.source == source
    assert article.date is not None  # the line still gives its date
    assert all(line in _TEXT for line in article.body.split("\n"))  # the metadata lines are not text


def test_a_bracketed_name_before_the_source_label_is_the_author():
    assert _article(_page(info="2004年7月16日08:19 [ 黄宇 ] 来源：[ 国际金融报 ]")).authors == ["黄宇"]
    # as an old portal prints it: a host before the date, a site-made glyph after each bracket
    info = "BUSINESS.SOHU.COM 2004年7月16日08:19  [ 黄宇 ]\ue5c2 来源：[ 国际金融报 ]\ue5c2"
    assert _article(_page(info=info)).authors == ["黄宇"]


def test_a_place_reported_from_is_no_name():
    assert _article(_page(after=["（姚峰 上海报道）"])).authors == ["姚峰"]


def test_characters_printed_one_a_line_are_a_label_not_text():
    article = _article(_page(before=["今", "日", "推", "荐"]))
    assert article.body.split("\n") == _TEXT


def test_a_legacy_sites_own_glyphs_do_not_end_a_title_or_source():
    raw = _page(title="投身外交(3)\ue004", info="2024-05-20 来源：[ 人民网 ]\ue5c2")
    article = _article(raw)
    assert article.title == "投身外交(3)" and article.source == "人民网"


def test_the_publisher_under_the_headline_beats_a_source_label_closing_the_article():
    more = [f"第{n}段：市里还将组织专家对改造效果进行评估，评估结果向社会公开，接受群众监督。" for n in range(8)]
    article = _article(_page(info="http://www.sina.net 2005年03月21日 11:21 《理财周刊》", after=[*more, "来源: 尹娟"]))
    assert article.source == "理财周刊"


def test_the_last_name_of_a_byline_list_loses_its_baodao():
    assert parse_authors("赵贝佳、陆娅楠、贺勇报道") == ["赵贝佳", "陆娅楠", "贺勇"]
    assert parse_authors("姚峰 上海报道") == ["姚峰"]


def test_a_meta_title_typed_with_straight_quotes_takes_the_printed_curly_ones():
    raw = _page(title="他说“不要走”：一位老人的坚守", meta='<meta name="ArticleTitle" content="他说&quot;不要走&quot;：一位老人的坚守">')
    assert _article(raw).title == "他说“不要走”：一位老人的坚守"
    raw = _page(title="另一件事", meta='<meta name="ArticleTitle" content="他说&quot;不要走&quot;">')
    assert _article(raw).title == '他说"不要走"'  # printed nowhere: the meta's own form


def test_a_placeholder_under_the_headline_sends_for_the_source_printed_with_the_text():
    raw = _page(info="2005-04-28 11:13更新 来源：转载文章", after=["转自《北京科技报》"])
    assert _article(raw).source == "北京科技报"
    raw = _page(info="2005-04-28 11:13更新 来源：转载文章", after=["数据来源：国家统计局"])
    assert _article(raw).source is None  # a chart's data source is no publisher


DISPATCH_PARAGRAPHS = ("<p>大陸海協會經貿交流團今天參訪，上午前往森林博物館，晚上縣長在知本宴請團員，行程未對外開放。</p>"
                       "<p>交流團下午將參觀由基金會創辦的學校，以及地方工房，傍晚參觀國立史前文化館，晚上由縣長宴請。</p>")


@pytest.mark.parametrize("lead, closing, source, authors", [
    ("（中央社記者盧太城台東縣12日電）", "", "中央社", ["盧太城"]),  # an agency's dispatch: agency, reporter, place, day
    ("（中央社台北13日電）", "", "中央社", []),  # the agency's own, no reporter named
    ("〔記者王憶紅／台北報導〕", "", None, ["王憶紅"]),
    ("【聯合晚報／記者楊正海／台北報導】", "", "聯合晚報", ["楊正海"]),
    ("香港文匯報訊（記者 鄭治祖）", "", "香港文匯報", ["鄭治祖"]),
    ("", "（民視新聞陳韻平、郭文海台北報導）", "民視新聞", ["陳韻平", "郭文海"]),  # closing the text
    ("", "（本报记者 李刚、戴林峰报道）", None, ["李刚", "戴林峰"]),  # 本报 is no publisher's name
    ("【財訊快報／陳孟朔】", "", "財訊快報", ["陳孟朔"]),  # the paper and its reporter, no role word
])
def test_a_dateline_names_the_publisher_and_the_reporters(lead, closing, source, authors):
    """Taiwan and Hong Kong papers and agencies open (or close) a report with a dateline in
    brackets; it is where the page prints its source and byline, and nothing else names them."""
    body = DISPATCH_PARAGRAPHS.replace("<p>", "<p>" + lead, 1) if lead else DISPATCH_PARAGRAPHS
    if closing:
        body = body[:-len("</p>")] + closing + "</p>"
    html = f"<html><head><meta charset='utf-8'><title>海協會經貿團參訪</title></head><body><h1>海協會經貿團參訪</h1>{body}</body></html>"
    (article,) = extract_file(html.encode(), "p.html")
    assert (article.source, article.authors) == (source, authors)


@pytest.mark.parametrize("line, authors", [
    ("記者潘照文、張逸民／台北報導", ["潘照文", "張逸民"]),  # several reporters joined by 、
    ("記者︰脫芷晴", ["脫芷晴"]),  # a presentation-form colon (︰)
    ("記者黃雄 、馮淑環", ["黃雄", "馮淑環"]),
])
def test_bylines_with_joined_names_and_other_colons(line, authors):
    assert byline_authors(line) == authors


@pytest.mark.parametrize("value, authors", [
    ("吳垠慧／台北報導, 中國時報", ["吳垠慧"]),  # a meta author with the place it was written in
    ("Designer by NEWMEDIAMAX digital‧www.newmediamax.com.tw", []),  # who built the site
    ("Joel Spolsky", ["Joel Spolsky"]),
])
def test_meta_authors_that_name_a_place_or_the_sites_designer(value, authors):
    assert parse_authors(value) == authors
