"""Layouts from sites the rules were not written against (issue 11), one hand-written page per failure kind.

Each fixture in tests/fixtures/extract/unseen/ copies the structure of a real layout that went
wrong: a State Council gazette page, a regulator's penalty-notice table, a municipal notice,
tech-media boilerplate, metadata only in JSON-LD/meta tags, a government text dump, a city
government's news page whose meta Author is its 责任编辑.
"""
from __future__ import annotations

import json

import pytest

from indexer.article import Article, Skipped
from indexer.extract import extract_file
from tests.test_extract_files import FIXTURES

UNSEEN = FIXTURES / "unseen"


def one(name: str) -> Article:
    results = list(extract_file((UNSEEN / name).read_bytes(), name))
    assert len(results) == 1 and isinstance(results[0], Article), results
    return results[0]


def page(body: str, head: str = "<title>测试新闻标题在这里_某网</title>") -> Article:
    html = f"<html><head><meta charset='utf-8'>{head}</head><body>{body}</body></html>"
    (article,) = extract_file(html.encode(), "p.html")
    return article


STORY = ("<p>这是正文的第一段，讲述了一件发生在本市的新闻事件，内容相当具体。</p>"
         "<p>这是正文的第二段，记者采访了多位市民，他们都表达了自己的看法。</p>")


def test_gazette_resolution_in_short_span_lines_is_the_body_not_the_url():
    article = one("govcn-gongbao-resolution.html")
    assert article.title.startswith("全国人民代表大会常务委员会关于授权国务院")
    assert article.date == "2023-04-10"
    assert article.source == "国务院公报"
    assert "为了推进自由贸易试验区建设" in article.body
    assert "试点期限为三年。" in article.body
    for word in ("https://www.gov.cn", "纠错", "责任编辑", "主办单位", "版权所有"):
        assert word not in article.body, word


def test_penalty_notice_table_is_the_body_row_by_row_and_the_sidebar_is_not():
    article = one("regulator-penalty-table.html")
    assert article.title == "行政处罚信息公开表（某银保监分局行政处罚决定书〔2021〕12号）"
    assert article.date == "2021-06-18" and article.source == "某银保监分局"
    lines = article.body.splitlines()
    assert "行政处罚决定书文号 某银保监罚决字〔2021〕12号" in lines
    assert "行政处罚决定 罚款30万元" in lines
    assert "依法依规对辖区内银行业" not in article.body and "主要职责" not in article.body


def test_source_printed_in_its_own_cell_and_closing_attachment_list_kept():
    article = one("city-recruitment-notice.html")
    assert article.title == "某市2023年公开招聘社区工作者公告"
    assert article.date == "2023-05-06"
    assert article.source == "某市人力资源和社会保障局"
    assert article.body.splitlines()[0].startswith("为加强社区工作者队伍建设")
    assert "2.某市2023年公开招聘社区工作者报名表.docx" in article.body
    assert "浏览次数" not in article.body


@pytest.mark.parametrize("line,source", [
    ("<span>来源：新华社</span>", "新华社"), ("<span>来源:新华社</span>", "新华社"),
    ("<span>稿件来源：</span><span>法治日报</span>", "法治日报"), ("<span>文章来源：人民网</span>", "人民网"),
    ("<span>2023-01-05 09:00</span><span>来源: <a href='/'>光明网</a></span><span>作者：李华</span>", "光明网"),
    ("<span>稿件來源：中央社</span>", "中央社"),
    # the date's span follows the source's with nothing between them: `来源：光明网-《光明日报》2024-01-29 04:35`
    ("<span>来源：<a href='/'>光明网-《光明日报》</a></span><span>2024-01-29 04:35</span>", "光明网-《光明日报》"),
    ("<span>来源：新华社</span><span>2024年1月29日</span>", "新华社"),
])
def test_sources_printed_in_spans(line, source):
    article = page(f"<h1>测试新闻标题在这里</h1><div class='info'>{line}</div><div class='text'>{STORY}</div>")
    assert article.source == source
    assert "来源" not in article.body and "來源" not in article.body


def test_source_element_printing_the_date_after_the_name():
    # a source element whose spans print the outlet, then the time: the outlet is the source
    article = page("<div class='title'>测试新闻标题在这里</div><div class='source'><span>湖北日报客户端</span>"
                   f"<span class='source-item'>2024-03-12 15:35:47</span></div><div class='text'>{STORY}</div>",
                   head="<title>测试新闻标题在这里 - 某新闻客户端</title>")
    assert (article.source, article.date) == ("湖北日报客户端", "2024-03-12")


def test_headline_above_empty_credit_labels_and_a_two_part_site_suffix():
    # no heading or meta vouches for the `<title>` (`headline-学院-新闻网`): the headline printed
    # above the text is looked for, past the credit labels the page left blank (`撰稿：`, `摄影：`)
    article = page("<table><tr><td class='f20'>【健康报】某研究组发现感染率超过百分之十六</td></tr>"
                   "<tr><td>2016-11-11 浏览（83） 来源：健康报</td></tr><tr><td>撰稿：</td></tr><tr><td>摄影：</td></tr>"
                   f"<tr><td>{STORY}</td></tr></table>",
                   head="<title>【健康报】某研究组发现感染率超过百分之十六-某某大学医学院-新闻网</title>")
    assert (article.title, article.source) == ("【健康报】某研究组发现感染率超过百分之十六", "健康报")


def test_closing_compiled_credit_names_the_author_and_a_donation_appeal_is_no_text():
    # `（米妮 / 綜合報導）` closes the text; the paper's appeal and bank account under it are not
    # text, and the shares and related links the walk kept after them hide no signature
    article = page(f"<h1>測試新聞標題在這裡</h1><div class='date'>2021-04-14</div><div class='entry'>{STORY}"
                   "<p>（米妮 / 綜合報導）</p><p>贊助《某新聞》 守護家庭價值 我們需要你們的支持</p>"
                   "<p>大新銀行戶口：040-634-3280684-1（「某某社有限公司」）</p>"
                   "<div>分享此文：</div><div>喜歡 正在載入...</div><div>相關</div><div>延伸閱讀</div></div>",
                   head="<title>測試新聞標題在這裡 | 某新聞</title>")
    assert article.authors == ["米妮"]
    assert "贊助" not in article.body and "銀行戶口" not in article.body and "延伸閱讀" not in article.body


@pytest.mark.parametrize("line,names", [
    ("（米妮 / 綜合報導）", ["米妮"]), ("（王大明／台北報導）", ["王大明"]), ("（李四/编译）", ["李四"]),
    ("（張三、李四／綜合外電）", ["張三", "李四"]), ("（中央社／綜合報導）", []), ("（綜合報導）", []),
])
def test_bracketed_credit_of_who_compiled_the_story(line, names):
    from indexer.extract.authors import closing_authors
    assert closing_authors(line) == names


def test_site_named_in_english_only_by_og_site_name_is_the_chinese_name_the_title_prints_first():
    head = ("<title>某某政府新聞網 - 測試新聞標題在這裡</title><meta property='og:title' content='測試新聞標題在這裡'>"
            "<meta property='og:site_name' content=\"Some City's Information Services Department\">")
    article = page(f"<h1>測試新聞標題在這裡</h1><div class='date'>2024-04-03</div><div class='text'>{STORY}</div>", head=head)
    assert article.source == "某某政府新聞網"
    # a Latin og:site_name stands where the `<title>` names no Chinese site
    head = head.replace("某某政府新聞網 - ", "")
    article = page(f"<h1>測試新聞標題在這裡</h1><div class='date'>2024-04-03</div><div class='text'>{STORY}</div>", head=head)
    assert article.source == "Some City's Information Services Department"


@pytest.mark.parametrize("line,names", [
    ("中新网上海11月4日电 (陈静 奚晓蕾)记者4日获悉，国家儿童医学中心", ["陈静", "奚晓蕾"]),
    ("本报北京9月30日电 （李龙伊、程欣然）“为了和平 走向世界”", ["李龙伊", "程欣然"]),
    ("中新网11月4日电 (陈静)据报道，", ["陈静"]),
    ("中新网北京11月4日电 (组图)记者4日获悉", []), ("中新网上海11月4日电 (完)", []),
])
def test_dispatch_naming_its_reporters_in_brackets_without_a_role_word(line, names):
    from indexer.extract.authors import byline_authors
    assert byline_authors(line) == names


def test_author_field_filled_with_the_editor_yields_to_the_dispatchs_reporters():
    # `作者：朱延静` beside `责任编辑：朱延静`: the CMS's author field holds the editor; the
    # dispatch opening the text names who wrote it
    article = page("<h1>测试新闻标题在这里</h1><div class='info'><span>2021-11-04 13:39 来源：中国新闻网</span>"
                   "<span>作者：朱延静</span> <span>责任编辑：朱延静</span></div><div class='text'>"
                   "<p>中新网上海11月4日电 (陈静 奚晓蕾)记者4日获悉，复旦大学附属儿科医院率先开设一个新的门诊。</p>"
                   f"{STORY}</div>")
    assert article.authors == ["陈静", "奚晓蕾"]
    # the same name as author and editor with no other byline: the author stands
    article = page("<h1>测试新闻标题在这里</h1><div class='info'><span>2021-11-04 13:39</span>"
                   f"<span>作者：朱延静</span> <span>责任编辑：朱延静</span></div><div class='text'>{STORY}</div>")
    assert article.authors == ["朱延静"]


def test_bylines_on_consecutive_lines_under_the_headline_are_one_byline():
    article = page("<h1>测试新闻标题在这里</h1><div class='info'>2020-07-15 来源：法治日报</div><div class='text'>"
                   "<p>□ 本报记者　　 赵 丽</p><p>□ 本报见习记者 邹星宇</p>" + STORY + "</div>")
    assert article.authors == ["赵丽", "邹星宇"]


def test_author_label_naming_a_reporter_and_a_correspondent():
    article = page("<h1>测试新闻标题在这里</h1><div class='info'>来源：都市快报 作者：记者 林琳 通讯员 王蕴 "
                   f"编辑：高婷婷 责任编辑：方志华 2019-12-10</div><div class='text'>{STORY}</div>")
    assert article.authors == ["林琳", "王蕴"]


@pytest.mark.parametrize("line,names", [
    ("亚当·史密斯（Adam Smith）/文 《经济学人》社区副编辑", ["亚当·史密斯"]), ("张三、李四／文", ["张三", "李四"]),
    ("新华社/文", []),
    ("【記者／闗淨尹、王詩婷、呂品萱 首圖／台灣伴侶權益推動聯盟提供】", ["闗淨尹", "王詩婷", "呂品萱"]),
    ("【记者：王小明 摄影：李四】", ["王小明"]),
])
def test_writer_before_a_slash_wen_and_a_bracketed_credit_with_a_photo_credit(line, names):
    from indexer.extract.authors import byline_authors
    assert byline_authors(line) == names


def test_metadata_line_above_the_headline_gives_the_date_and_a_notice_names_no_source():
    # `作者：… 来源：… 发布时间：…` printed over the headline; the copyright notice under the text
    # quotes `来源：中国科学报、科学网` inside a sentence
    article = page("<div class='info'>作者：冯维维 来源：中国科学报 发布时间：2024/9/5 16:18:45</div>"
                   f"<div>选择字号：小 中 大</div><h1>测试新闻标题在这里</h1><div class='text'>{STORY}</div>"
                   "<div class='foot'>特别声明：本文转载仅出于传播信息的需要，凡本网注明“来源：中国科学报、科学网、"
                   "科学新闻杂志”的所有作品，网站转载，请在正文上方注明来源和作者，且不得对内容作实质性改动。</div>")
    assert (article.source, article.date, article.authors) == ("中国科学报", "2024-09-05", ["冯维维"])


@pytest.mark.parametrize("site,source", [
    ("TNL The News Lens 關鍵評論網", "關鍵評論網"), ("TITV News 原視新聞網", "原視新聞網"),
    ("BBC News 中文", "BBC News 中文"), ("ETtoday 新聞雲", "ETtoday 新聞雲"),  # no site's name in Chinese after it
    ("PeoPo 公民新聞", "PeoPo 公民新聞"), ("TVBS 新聞網", "TVBS 新聞網"), ("Now 新聞台", "Now 新聞台"),  # words that need the brand
])
def test_site_named_in_latin_letters_then_in_chinese_is_its_chinese_name(site, source):
    head = f"<title>測試新聞標題在這裡 - {site}</title><meta property='og:site_name' content='{site}'>"
    article = page(f"<h1>測試新聞標題在這裡</h1><div class='date'>2019-06-26</div><div class='text'>{STORY}</div>", head=head)
    assert article.source == source


def test_a_school_or_hospital_naming_no_publisher_is_the_site_its_title_names():
    head = "<title>某某中学举行消防疏散演习_某某中学_建设学术性高中_培养创新型人才</title>"
    article = page(f"<h1>某某中学举行消防疏散演习</h1><div>2013-09-27</div><div class='text'>{STORY}</div>", head=head)
    assert article.source == "某某中学"


@pytest.mark.parametrize("line", [
    "新华社北京3月5日电（国际观察）", "新华社北京3月5日电（综述）", "新华社北京3月5日电（时评）", "新华社北京3月5日电（甘肃）",
    "新华社北京3月5日电(蒙古国)", "新华社北京3月5日电（两会速递）", "新华社北京3月5日电（特写）", "新华社北京3月5日电（体育）",
    "新华社北京3月5日电（越南）", "新华社北京3月5日电（以色列）", "新华社北京3月5日电（解读）", "新华社北京3月5日电（编者按）",
])
def test_a_dispatchs_bracketed_label_or_place_is_no_reporter(line):
    from indexer.extract.authors import byline_authors
    assert byline_authors(line) == []


@pytest.mark.parametrize("line,names", [
    ("本报西宁2月16日电 （原韬雄、张晨）今年1月中旬以来", ["原韬雄", "张晨"]),  # a rarer surname beside a common one
    ("（賴美玲／台北報導）", ["賴美玲"]), ("（歐陽娜娜／台北報導）", ["歐陽娜娜"]),
])
def test_reporters_with_rarer_and_two_character_surnames(line, names):
    from indexer.extract.authors import closing_authors
    assert closing_authors(line) == names


@pytest.mark.parametrize("line", ["（未完待续）", "（全文完）", "（本報訊／綜合報導）", "（路透／綜合外電）", "（國際新聞／綜合報導）",
                                  "（本文完）", "（续完）", "（全文结束）", "（未完）", "（完結）", "（本期完）"])
def test_an_end_mark_a_desk_or_a_wire_closing_the_text_is_no_author(line):
    from indexer.extract.authors import closing_authors
    assert closing_authors(line) == []
    article = page(f"<h1>测试新闻标题在这里</h1><div class='date'>2024-03-12</div><div class='text'>{STORY}<p>{line}</p>"
                   "<div>分享此文：</div><div>相關</div><div>延伸閱讀</div></div>")
    assert article.authors == []


@pytest.mark.parametrize("element,source", [
    ("<div class='source'>2024年3月12日 星期二</div>", "新华社"), ("<div class='source'>发布于 2024-03-12</div>", "新华社"),
    ("<div class='source'>人民网 2024-03-12 15:35 阅读 1234</div>", "新华社"),  # the date not at its end: no cut
    ("<div class='source'><span>湖北日报客户端</span><span>2024-03-12 15:35:47</span></div>", "湖北日报客户端"),
    ("<div class='source'>中国新闻周刊 2024-03-12</div>", "中国新闻周刊"), ("<div class='source'>HK01 2024-03-12</div>", "HK01"),
    ("<div class='source'>编辑 2024-03-12</div>", "新华社"),
])
def test_a_source_elements_date_is_cut_only_after_a_name(element, source):
    head = "<title>测试新闻标题在这里</title><meta name='source' content='新华社'>"
    assert page(f"<h1>测试新闻标题在这里</h1>{element}<div class='text'>{STORY}</div>", head=head).source == source


def test_a_notices_bank_account_line_is_text_and_a_header_clock_dates_nothing():
    notice = "户名：某某慈善基金会；开户银行：某某银行某某支行；银行账号：6222021234567890"
    article = page(f"<h1>测试新闻标题在这里</h1><div class='text'>{STORY}<p>{notice}</p></div>")
    assert notice in article.body
    article = page(f"<div>当前时间：2024年03月05日</div><h1>测试新闻标题在这里</h1><div class='text'>{STORY}</div>")
    assert article.date != "2024-03-05"


@pytest.mark.parametrize("title,source", [
    ("工作简报 - 测试新闻标题在这里", None), ("情况通报_测试新闻标题在这里", None), ("党建周刊 | 测试新闻标题在这里", None),
    ("测试新闻标题在这里_中小学_某某市教育局", None), ("测试新闻标题在这里_附属医院_某某大学", "某某大学"),
    ("测试新闻标题在这里_公立医院_某某市卫生健康委员会", "某某市卫生健康委员会"), ("测试新闻标题在这里_研究所_中国科学院", "中国科学院"),
])
def test_a_column_in_the_title_names_no_publisher(title, source):
    assert page(f"<h1>测试新闻标题在这里</h1><div class='text'>{STORY}</div>", head=f"<title>{title}</title>").source == source


@pytest.mark.parametrize("line,meta", [
    ("凡本网注明“来源：中国科学报”的作品，版权均属于本网", {}),
    ("来源：国家统计局，海关总署，商务部，财政部，国家发展和改革委员会，中国人民银行，国家外汇管理局",
     {"source": "国家统计局，海关总署，商务部，财政部，国家发展和改革委员会，中国人民银行，国家外汇管理局"}),
    ("来源：2024-01-29 09:30", {"source": "2024-01-29", "date": "2024-01-29"}),
    ("作者：张三 本报记者 李四 摄影 王五", {"author": "张三 本报记者 李四"}),
    ("作者：张三 摄影记者 李四", {"author": "张三 摄影记者 李四"}),
    ("来源：“学习强国”学习平台 2024-01-29", {"source": "“学习强国”学习平台", "date": "2024-01-29"}),
    ("来源：人民日报（2024年1月29日 05 版）", {"source": "人民日报（2024年1月29日 05 版）", "date": "2024-01-29"}),
])
def test_metadata_line_values_end_where_they_should(line, meta):
    from indexer.extract.cleaning import parse_meta_line
    assert parse_meta_line(line) == meta


def test_a_bare_related_heading_ends_the_text_and_a_copyright_notice_of_any_length_is_no_text():
    teasers = ("<p>相關</p><p>【記者／蕭宇軒 攝影／蕭宇軒】 台灣跨性別遊行10月25日在西門町展開，這不僅是台灣首次舉…</p>"
               "<p>在「Npic」中</p>")
    notice = ("<p>版权声明：凡本网注明“来源：某某报、某某网、某某杂志”的所有作品，网站转载，请在正文上方注明来源和作者，"
              "且不得对内容作实质性改动；微信公众号、头条号等新媒体平台，转载请联系授权。邮箱：shouquan@example.cn。</p>")
    article = page(f"<h1>测试新闻标题在这里</h1><div class='date'>2024-09-05</div><div class='text'>{STORY}{notice}{teasers}</div>")
    assert article.body.endswith("他们都表达了自己的看法。"), article.body[-60:]


def test_wechat_account_byline_gives_source_and_author_and_boilerplate_goes_everywhere():
    article = one("wechat-byline-and-boilerplate.html")
    assert article.source == "机器之心"
    assert article.authors == ["杜伟"]
    assert article.date == "2024-03-12"
    lines = article.body.splitlines()
    assert lines[0].startswith("过去一年里") and lines[-1].startswith("最后，开源社区")
    assert len(lines) == 5, lines
    for word in ("本文来自", "出品", "QbitAI", "少数派", "请继续", "請繼續", "播放失败", "图像来源", "热线",
                 "摄影", "采写", "编辑", "责编", "未经授权", "THE END", "返回"):
        assert word not in article.body, word


def test_metadata_only_in_json_ld_and_meta_tags_beats_relative_and_related_list_dates():
    article = one("jsonld-only-metadata.html")
    assert article.title == "港珠澳大桥口岸客流创新高"
    assert article.date == "2024-02-18"  # not 8 小時前, not a 热门文章 date
    assert article.source == "南方日报"  # JSON-LD publisher
    assert article.authors == ["陈家豪"]  # article:author
    assert article.body.startswith("春节假期以来") and "深圳地铁" not in article.body


def test_itemprop_date_wins_over_a_related_list_above_the_story():
    article = one("meta-date-related-list.html")
    assert article.date == "2022-11-03"
    assert article.source == "中央社"
    assert article.authors == ["林志明"]
    assert "新北捷運" not in article.body


def test_text_dump_title_skips_site_banner_and_breadcrumb():
    article = one("zj-gov-policy-dump.txt")
    assert article.title == "《浙江省促进民营经济高质量发展若干措施》政策解读"
    assert article.date == "2023-08-15"
    assert article.source == "省发展改革委"
    assert article.body.startswith("近日，省政府印发") and "门户网站" not in article.body


@pytest.mark.parametrize("printed,sources", [
    ("內政部;銓敘部", ["內政部", "銓敘部"]), ("国家发展改革委、商务部", ["国家发展改革委", "商务部"]),
    ("财政部，税务总局", ["财政部", "税务总局"]),
])
def test_several_issuing_bodies_kept_as_printed_and_split_into_sources(printed, sources):
    article = page(f"<h1>测试新闻标题在这里</h1><div class='info'>发布日期：2023-01-05 来源：{printed}</div>"
                   f"<div class='text'>{STORY}</div>")
    assert article.source == printed and article.sources == sources
    record = json.dumps({"id": "g1", "title": "會銜令", "source": printed, "html": "<p>會銜發布之命令全文。</p>"},
                        ensure_ascii=False)
    (gazette,) = extract_file(record.encode(), "gazette.jsonl")
    assert gazette.source == printed and gazette.sources == sources


def test_old_blog_headline_above_the_text_poster_us_date_and_comments_cut():
    article = one("old-blog-site-title.html")
    assert article.title == "评老冒：做最好的和最cool的东西？"  # not the blog's <title>
    assert article.date == "2005-09-07"  # 9/7/2005 is month/day/year
    assert article.authors == ["小叶子"]
    lines = article.body.splitlines()
    assert lines[0].startswith("昨天兜兜转转") and lines[-1].startswith("老冒的目标"), lines
    for word in ("Saturday", "已被阅读", "Trackback", "评论", "路人甲"):
        assert word not in article.body, word


@pytest.mark.parametrize("ending,names", [
    ("<p>推动工业高质量发展。（记者 胡晓蓉）</p>", ["胡晓蓉"]),
    ("<p>推动工业高质量发展。</p><p>记者 刘涛</p>", ["刘涛"]),
    ("<p>推动工业高质量发展，过一个平安、祥和的新春佳节。（常书香 马丹阳 ）</p>", ["常书香", "马丹阳"]),
    ("<p>经过各位选手激烈的角逐，评委老师根据参赛选手的文稿内容、语言表达、演讲效果进行了综合评分。"
     "最终，某中学的许老师获中学组一等奖，某小学的徐老师和丁老师获小学组一等奖。（特约通讯员：林兴勇）</p>", ["林兴勇"]),
    ("<p>其中一名运动员正手反胶，反手长胶，入选省队集训（特殊打法）</p>", []),  # a gloss, not a signature
])
def test_signature_at_the_end_of_the_article_gives_the_authors(ending, names):
    article = page(f"<h1>测试新闻标题在这里</h1><div class='text'>{STORY}{ending}</div>")
    assert article.authors == names
    assert "记者 刘涛" not in article.body


def test_name_slash_paper_byline_and_unlabelled_publisher_after_the_date():
    article = page("<h1>测试新闻标题在这里</h1><div class='about'><p>石佳/中国青年报</p><p>2019-09-24 09:10</p></div>"
                   f"<div class='text'>{STORY}</div>")
    assert article.authors == ["石佳"] and article.date == "2019-09-24"
    article = page(f"<h1>测试新闻标题在这里</h1><div class='info'>2019-09-26 10:56:28\n<a href='/'>证券时报网</a></div>"
                   f"<div class='text'>{STORY}</div>")
    assert article.source == "证券时报网"


def test_source_from_an_element_classed_source_or_the_closing_lines():
    article = page(f"<h1>测试新闻标题在这里</h1><div><a class='source' href='/'>北京日报</a></div><div class='text'>{STORY}</div>")
    assert article.source == "北京日报"
    article = page(f"<h1>测试新闻标题在这里</h1><div class='text'>{STORY}<p><strong>来源：无锡交警</strong></p></div>")
    assert article.source == "无锡交警" and "无锡交警" not in article.body


def test_a_value_ends_where_the_source_broke_the_line():
    article = page(f"<h1>测试新闻标题在这里</h1><div class='info'>来源: 新京报\n<a href='/r'>举报</a></div>"
                   f"<div class='text'>{STORY}</div>")
    assert article.source == "新京报"


def test_lead_paragraph_printed_outside_the_body_container_is_kept():
    lead = "各位好，我是安东尼。欢迎收听法国报纸摘要。法国总统马克龙下星期访问莫斯科和基辅。"
    article = page(f"<h1>测试新闻标题在这里</h1><div class='article'><div class='authors'>作者： <a href='/a'>安东尼</a></div>"
                   f"<p class='chapo'>{lead}</p><div class='body'>{STORY}{STORY}</div></div>")
    assert article.body.splitlines()[0] == lead


def test_publisher_names_are_not_people():
    head = ("<title>测试新闻标题在这里</title><meta name='author' content='中文学术期刊,汉斯出版社,Hans Publishers'>"
            "<meta name='citation_authors' content='赵  培'>")
    assert page(f"<h1>测试新闻标题在这里</h1><div class='text'>{STORY}</div>", head).authors == ["赵培"]
    head = "<title>测试新闻标题在这里</title><meta name='author' content='www.yunnan.cn,云南日报报业集团,云南网'>"
    assert page(f"<h1>测试新闻标题在这里</h1><div class='text'>{STORY}</div>", head).authors == []


def test_headline_and_date_in_a_mobile_aside_and_an_e_paper_issue_date_above_the_headline():
    article = page(f"<aside><h1>测试新闻标题在这里</h1><span>2019-09-05 11:10 游民星空</span></aside><div class='text'>{STORY}</div>")
    assert article.title == "测试新闻标题在这里" and article.date == "2019-09-05"
    article = page(f"<div class='paper'>2022年02月13日</div><h1>测试新闻标题在这里</h1><div class='text'>{STORY}</div>")
    assert article.date == "2022-02-13"


def test_report_headline_above_its_authoring_body_and_a_wrapped_first_line():
    body = ("<div class='nav'>北京 &gt;&gt; 走近市妇儿工委 &gt;&gt; 首页 &gt;&gt; 研究集萃</div>"
            "<div class='c'><p>北京市儿童心理素质发展现状调查研究报告</p><p>北京市妇女儿童工作委员会儿童心理调研课题组</p>"
            "<p>2003年5月</p><p>为了贯彻落实北京市“十五”时期儿童发展规划，</p>"
            "<p>进一步了解全市儿童目前的心理发展现状，为制定切实可行的教育对策提供科学依据，开展了本次调查。</p>"
            "<p>调查采用分层随机抽样的方法，共发放问卷三千份，回收有效问卷两千八百份，有效率超过九成。</p></div>")
    article = page(body, "<title></title>")
    assert article.title == "北京市儿童心理素质发展现状调查研究报告"


def test_book_excerpt_meta_line_above_the_headline_and_a_dotted_headline_is_not_a_name():
    body = ("<div>02日14:25 作者： 赵婕  出自[人民文学出版社]</div><div><a href='/s'>纯棉时代·感动书系简介</a></div>"
            f"<div class='text'>{STORY}</div>")
    article = page(body, "<title>1</title>")
    assert article.title == "纯棉时代·感动书系简介"
    assert article.authors == ["赵婕"] and article.source == "人民文学出版社"


def test_intern_bylines():
    from indexer.extract.authors import byline_authors
    assert byline_authors("本报实习生 刘国栋 周炜") == ["刘国栋", "周炜"]


def test_a_title_the_page_prints_as_a_line_of_its_own_is_kept_over_a_caption_above_the_text():
    body = ("<div>第A04版：小记者训练营</div><div>拿起跨界指挥棒她跟学生较着劲儿成长</div><div class='text'>"
            "<p>郭荣梅指挥乐团练习</p><p>顶端新闻·河南商报记者马俊峰/文受访者供图</p>" + STORY + "</div>")
    article = page(body, "<title>拿起跨界指挥棒她跟学生较着劲儿成长--大河网</title>")
    assert article.title == "拿起跨界指挥棒她跟学生较着劲儿成长"
    assert article.authors == ["马俊峰"]  # not 训练营 from 小记者训练营


def test_a_long_comment_box_after_the_post_is_not_the_article():
    comments = "".join(f"<h4><a href='#c{i}'>#</a> re: 很高兴入住博客堂 2004-12-27 12:4{i} 网友{i}</h4>"
                       f"<p>呵呵，又来了一位大哥啊，欢迎欢迎，以后多多交流技术心得，期待你的新文章，第{i}楼。</p>" for i in range(15))
    body = (f"<div class='post'><h2>很高兴入住博客堂</h2>{STORY}<p>发表于 2004年12月27日 12:40</p></div>"
            f"<div id='feedback'><h3>评论</h3>{comments}</div>")
    article = page(body, "<title>李建忠的博客</title>")
    assert article.body.startswith("这是正文的第一段") and "大哥" not in article.body


def test_two_character_names_ending_like_an_office_and_unlabelled_author_lines():
    from indexer.extract.authors import byline_authors, parse_authors
    assert byline_authors("本站讯（职工通讯员 李琴雯 刘会）为深入推进党建与业务工作紧密结合") == ["李琴雯", "刘会"]
    assert parse_authors("工会") == [] and parse_authors("国家发展改革委") == []
    article = page(f"<h1>测试新闻标题在这里</h1><div class='info'>0 条评论 | 作者<span>魏星</span></div><div class='text'>{STORY}</div>")
    assert article.authors == ["魏星"]


def test_text_dump_headline_matching_a_title_like_line_without_a_date_line():
    text = ("浙江省人民政府门户网站\n\n《若干措施》政策解读_浙江省人民政府门户网站\n\n首页 > 政务公开 > 政策解读\n\n"
            "《若干措施》政策解读\n\n　　近日，省政府印发《若干措施》，现就有关内容解读如下，请各地结合实际认真贯彻落实。\n")
    (article,) = extract_file(text.encode(), "dump.txt")
    assert article.title == "《若干措施》政策解读"


def test_a_related_link_dated_under_the_headline_gives_no_date_when_the_page_prints_none():
    body = ("<h1>测试新闻标题在这里</h1><ul class='rel'><li><a href='/1'>另一条新闻的标题 2021-09-01</a></li></ul>"
            f"<div class='text'>{STORY}</div>")
    assert page(body).date is None


def test_publication_time_in_a_script_variable_when_the_page_prints_none():
    head = '<title>测试新闻标题在这里</title><script>var nickname = "爱否科技"; var ct = "1581517074";</script>'
    assert page(f"<h1>测试新闻标题在这里</h1><div class='text'>{STORY}</div>", head).date == "2020-02-12"
    # The first key that starts a word wins, whichever key it is (`direct` holds `ct` but is not it).
    head = ('<title>测试新闻标题在这里</title><script>var direct = "1600000000"; var publishTime = "2019-03-04";'
            ' var ct = "1581517074";</script>')
    assert page(f"<h1>测试新闻标题在这里</h1><div class='text'>{STORY}</div>", head).date == "2019-03-04"


def test_a_documents_closing_date_stays_in_the_body():
    article = page(f"<h1>测试新闻标题在这里</h1><div class='info'>2022-01-28</div><div class='text'>{STORY}"
                   "<p>吉林省人民政府</p><p>2022年1月27日</p></div>")
    assert article.body.splitlines()[-2:] == ["吉林省人民政府", "2022年1月27日"]
    assert article.date == "2022-01-28" and "2022-01-28" not in article.body


def test_the_sites_own_name_is_the_source_only_when_nothing_else_names_one():
    head = "<title>测试新闻标题在这里</title><meta property='og:site_name' content='香港某某新聞'>"
    assert page(f"<h1>测试新闻标题在这里</h1><div class='text'>{STORY}</div>", head).source == "香港某某新聞"
    printed = f"<h1>测试新闻标题在这里</h1><div class='info'>来源：新华社</div><div class='text'>{STORY}</div>"
    assert page(printed, head).source == "新华社"


def test_source_label_without_a_colon_on_its_own_line():
    article = page(f"<h1>测试新闻标题在这里</h1><div class='text'>{STORY}<p>素材来源 江苏13个设区市党报及官方发布</p></div>")
    assert article.source == "江苏13个设区市党报及官方发布" and "素材来源" not in article.body


def test_blog_archive_of_several_dated_posts_gives_the_first_post_not_the_longest():
    article = one("blog-archive-several-posts.html")
    assert article.title == "周末去海边看日出 (图)"
    assert article.date == "2005-06-14"
    assert article.body.startswith("周末一大早，我们开车去海边看日出")
    assert "红烧肉" not in article.body and "新年的愿望" not in article.body
    assert "2005-06-14 03:25:55" not in article.body  # the headline's own date line is not text


def test_blog_archive_whose_title_names_a_later_shorter_post_gives_that_post():
    html = (UNSEEN / "blog-archive-several-posts.html").read_text(encoding="utf-8")
    html = html.replace("<title>小海 | blog.example.com</title>", "<title>新年的愿望_小海的博客</title>")
    (article,) = extract_file(html.encode(), "p.html")
    assert article.title == "新年的愿望"
    assert article.date == "2005-06-11"  # the post's date, not one under the sidebar that lists it
    assert article.body.startswith("新的一年到了") and "看日出" not in article.body and "红烧肉" not in article.body


def test_article_with_dated_related_rows_is_not_taken_for_several_posts():
    rows = "".join(f"<tr><td><a href='/n/{i}'>第六届年会专家访谈之{i}，采访录，全文</a>(2006-12-1{i})</td></tr>"
                   for i in range(5))
    body = ("<table><tr><td>2004-12-10 阅读10544次</td></tr>"
            "<tr><td><h1>测试新闻标题在这里</h1>" + STORY * 3 + "</td></tr>" + rows + "</table>")
    article = page(body)
    assert article.body.startswith("这是正文的第一段") and "专家访谈" not in article.body


def test_government_record_table_before_the_text_heads_the_body_once():
    article = one("province-notice-record-table.html")
    assert article.title == "某省人民政府关于禁止在某河治理工程征地范围内新增建设项目的通告"
    assert article.date == "2022-01-28" and article.source == "某省人民政府"
    lines = article.body.splitlines()
    assert lines[0].startswith("索 引 号：11220000013544357T/2022-00426")
    assert "发文字号：某政明电〔2022〕1号 发布日期：2022年01月28日" in lines
    assert article.body.count("索 引 号") == 1  # the nearest copy only (the desktop table is a duplicate)
    assert lines[-1] == "2022年1月27日" and "主办单位" not in article.body and "分享到" not in article.body


def test_a_box_with_fewer_than_three_record_fields_before_the_text_is_not_body():
    article = page("<h1>测试新闻标题在这里</h1><div class='info'>发布日期：2022年01月28日 发布机构：某市政府</div>"
                   "<div class='content'>" + STORY + "</div>")
    assert article.date == "2022-01-28"
    assert article.body.startswith("这是正文的第一段") and "发布日期" not in article.body


def test_government_news_page_whose_meta_author_is_its_editor():
    article = one("city-gov-news-editor-meta.html")
    assert article.authors == ["王明"]  # the lead 记者王明报道, not the meta Author printed as 责任编辑
    assert article.source == "某市日报"  # the printed 信息来源, not a ContentSource naming the website
    assert article.date == "2023-06-12"
    assert article.body.startswith("记者王明报道") and "责任编辑" not in article.body


@pytest.mark.parametrize("printed,authors", [
    ("<p>编辑:李楠</p>", []), ("<p>（责任编辑：李楠、王五）</p>", []), ("<p>责编 王五 李楠</p>", []),
    ("", ["李楠"]),  # not printed at all: the tag is all there is
    ("<p>编辑:王五</p>", ["李楠"]),
    ("<p>记者 李楠</p><p>编辑:李楠</p>", ["李楠"]),  # also printed as the reporter
    ("<p>编辑 王五 记者 李楠</p>", ["李楠"]),
    ("<p>核稿編輯：李楠</p>", []),  # a copy editor (核稿) is an editor too
])
def test_a_meta_author_the_page_prints_only_as_an_editor_is_no_author(printed, authors):
    head = "<title>测试新闻标题在这里</title><meta name='author' content='李楠'>"
    article = page(f"<h1>测试新闻标题在这里</h1><div class='text'>{STORY}{printed}</div>", head)
    assert article.authors == authors
    assert "核稿" not in article.body  # an editor's line is no text


@pytest.mark.parametrize("publisher_tags,authors", [
    ("<meta name='Publisher' content='TECHNEWS Inc.'>", ["王大明"]),  # the tag names the house
    ("<meta property='og:site_name' content='TechNews'>", ["王大明"]),
    ("", []),  # nothing says it is the publisher, but a name in Latin letters that only the tag holds
    # is a site's (its brand, the firm that built it), never printed as anyone's byline
])
def test_a_meta_author_naming_the_publisher_yields_to_the_reporter(publisher_tags, authors):
    """A site that puts its own name in the author tag, with the reporter in its JSON-LD (and
    printed as `王大明／台北`, the place it was written in): the reporter is the author."""
    ld = json.dumps({"@context": "https://schema.org", "@type": "NewsArticle", "headline": "测试新闻标题在这里",
                     "author": "王大明／台北"}, ensure_ascii=False)
    head = (f"<title>测试新闻标题在这里</title><meta name='author' content='TECHNEWS'>{publisher_tags}"
            f"<script type='application/ld+json'>{ld if authors else '{}'}</script>")
    assert page(f"<h1>测试新闻标题在这里</h1><div class='text'>{STORY}</div>", head).authors == authors


@pytest.mark.parametrize("value,names", [
    ("李立達／台北", ["李立達"]), ("陳端武／綜合外電", ["陳端武"]), ("王小明/北京", ["王小明"]),
    ("张三/李四", ["张三", "李四"]),  # two names, not a name and a place
])
def test_where_a_story_was_written_is_not_an_author(value, names):
    from indexer.extract.authors import parse_authors
    assert parse_authors(value) == names


def test_the_paper_a_byline_names_before_its_reporter_is_the_source():
    """A group's portal carrying its sister paper's story: `聯合報 記者林宸誼／即時報導` above the
    text names the publisher, not the portal's own name in its metadata."""
    from indexer.extract.authors import byline_paper
    head = "<title>测试新闻标题在这里 | 經濟日報</title><meta property='og:site_name' content='經濟日報'>"
    body = (f"<h1>测试新闻标题在这里</h1><div class='info'><span>2020-10-04 15:05</span>聯合報 記者林宸誼／即時報導</div>"
            f"<div class='text'>{STORY}</div>")
    article = page(body, head)
    assert (article.source, article.authors) == ("聯合報", ["林宸誼"])
    assert page(f"<h1>测试新闻标题在这里</h1><div class='text'>{STORY}</div>", head).source == "經濟日報"
    assert byline_paper("人民日报记者 张三、李四") == "人民日报"
    assert byline_paper("本報記者 张三") is None and byline_paper("记者 张三 摄") is None


def test_a_paper_byline_with_a_slash_and_a_translator_and_a_publisher_named_twice():
    """`聯合報／編譯茅毅、記者謝守真／綜合報導` under the headline: the paper is the source (a slash
    after it, a wire story's 編譯 first) and the translator is an author beside the reporter;
    without it, a JSON-LD publisher that repeats the site's name (`聯合新聞網 | 聯合新聞網`) or adds
    its tagline (`RFI - 法國國際廣播電台`) gives the site's name once."""
    from indexer.extract.authors import byline_paper, parse_authors

    def ld(publisher: str) -> str:
        return ('<title>测试新闻标题在这里</title><script type="application/ld+json">'
                f'{{"@type": "NewsArticle", "headline": "测试新闻标题在这里", '
                f'"publisher": {{"@type": "Organization", "name": "{publisher}"}}}}</script>')

    byline = "<div class='info'><time>2023-08-28 01:05</time><span>聯合報／ 編譯茅毅、記者謝守真／綜合報導</span></div>"
    article = page(f"<h1>测试新闻标题在这里</h1>{byline}<div class='text'>{STORY}</div>", ld("聯合新聞網 | 聯合新聞網"))
    assert article.source == "聯合報"
    assert page(f"<h1>测试新闻标题在这里</h1><div class='text'>{STORY}</div>", ld("聯合新聞網 | 聯合新聞網")).source == "聯合新聞網"
    assert page(f"<h1>测试新闻标题在这里</h1><div class='text'>{STORY}</div>", ld("RFI - 法國國際廣播電台")).source == "RFI"
    assert byline_paper("聯合報／編譯茅毅、記者謝守真／綜合報導") == "聯合報"
    assert byline_paper("本文由中央社編譯提供") is None and byline_paper("綜合外電 路透社編譯完成") is None
    assert parse_authors("編譯茅毅、記者謝守真／綜合報導") == ["茅毅", "謝守真"]


def test_a_byline_element_printing_desk_and_reporter():
    """`<div class="author">上報快訊／范姜佳鈺 2020年03月12日 20:19:00</div>` under the headline:
    the reporter, not the desk or the date; a class `author` repeated down a list (commenters)
    names nobody."""
    byline = "<div class='author'><a href='s.php'>上報快訊／范姜佳鈺</a> 2020年03月12日 20:19:00</div>"
    body = f"<h1>测试新闻标题在这里</h1>{byline}<div class='text'>{STORY}</div>"
    assert page(body).authors == ["范姜佳鈺"]
    commenters = "".join(f"<li><span class='author'>网友{i}／评论</span></li>" for i in range(5))
    assert page(f"<h1>测试新闻标题在这里</h1><div class='text'>{STORY}</div><ul>{commenters}</ul>").authors == []


def test_a_lead_byline_opening_the_first_paragraph():
    from indexer.extract.authors import byline_authors
    assert byline_authors("本报讯 记者 张三 李四 报道：昨日，某市召开会议，总结了去年的工作。") == ["张三", "李四"]
    assert byline_authors("记者日前报道，某地发生了一件事，引起了大家的关注和讨论，各方都很重视。") == []
    article = page(f"<h1>测试新闻标题在这里</h1><div class='text'><p>　　记者梁爽报道　6月10日，某区举行运动会开幕式。</p>{STORY}</div>")
    assert article.authors == ["梁爽"]


def test_a_content_source_naming_the_website_yields_to_the_printed_source():
    head = "<title>测试新闻标题在这里</title><meta name='ArticleTitle' content='测试新闻标题在这里'><meta name='ContentSource' content='{}'>"
    printed = f"<h1>测试新闻标题在这里</h1><div class='info'>信息来源：某市日报</div><div class='text'>{STORY}</div>"
    assert page(printed, head.format("某市网站")).source == "某市日报"
    assert page(printed, head.format("某市教育局")).source == "某市教育局"  # a publishing body keeps its tag
    assert page(f"<h1>测试新闻标题在这里</h1><div class='text'>{STORY}</div>", head.format("某市网站")).source == "某市网站"


def test_an_empty_attachment_label_does_not_end_the_body():
    article = page(f"<h1>测试新闻标题在这里</h1><div class='text'>{STORY}<p>附件：</p></div>")
    assert article.body.splitlines()[-1].startswith("这是正文的第二段")


def test_a_page_that_is_only_a_list_of_links_is_skipped_not_indexed():
    (result,) = extract_file((UNSEEN / "gov-policy-document-list.html").read_bytes(), "zcwj/index.html")
    assert isinstance(result, Skipped) and result.reason == "a list of links, not an article"


RELATED = "".join(f"<li><a href='/n/{i}.html'>相关新闻标题第{i}条在这里写得稍微长一些</a></li>" for i in range(15))


def test_an_article_with_a_box_of_related_links_is_still_an_article():
    article = page(f"<div class='main'><h1>测试新闻标题在这里</h1><div class='text'>{STORY}</div>"
                   f"<div class='related'><h3>相关新闻</h3><ul>{RELATED}</ul></div></div>")
    assert "这是正文的第一段" in article.body


def test_a_photo_page_with_one_long_caption_among_many_links_is_still_an_article():
    caption = ("<p>当全世界绝大部分国家都在为能够吸引游客而绞尽脑汁的时候，只有这么一个国家一脸淡定，"
               "一副你们爱来不来的样子，这个国家便是位于中国与俄罗斯两国中间的、世界第二大内陆国的蒙古国。</p>")
    article = page(f"<div><h1>测试新闻标题在这里</h1>{caption}<ul>{RELATED}{RELATED}</ul></div>")
    assert "世界第二大内陆国" in article.body


def test_a_meta_date_that_is_only_when_the_page_was_generated_yields_to_the_printed_date():
    """Government CMS pages stamp PubDate with the time the page was last written out (the
    `others` meta says 页面生成时间 with the same time); the date printed under the headline is
    the article's. A PubDate the page does not call its generation time still counts."""
    head = ('<title>区里召开书法活动</title><meta name="ArticleTitle" content="区里召开书法活动">'
            '<meta name="PubDate" content="2024-06-03 14:25:31">{others}')
    body = "<h1>区里召开书法活动</h1><p class='info'>日期：2024-05-30 10:10 来源：区政府办</p>" + STORY
    generated = page(body, head.format(others='<meta name="others" content="页面生成时间 2024-06-03 14:25:31">'))
    assert generated.date == "2024-05-30" and generated.source == "区政府办"
    assert page(body, head.format(others="")).date == "2024-06-03"
    later = body.replace("2024-05-30", "2024-06-05")  # a printed date after the page was written is no date of it
    assert page(later, head.format(others='<meta name="others" content="页面生成时间 2024-06-03 14:25:31">')).date \
        == "2024-06-03"


def test_a_date_printed_on_the_headlines_own_line_is_the_date():
    """Headline (a link to the page itself) and date in inline spans of one block make one
    line: `…出頭天2014/12/1 18:13`."""
    body = ("<div class='date'>2014/12/13 星期六</div><div>首頁 &gt; 生活新聞 &gt;</div>"  # the day the page was saved
            "<div><a href='/news/1'><span class='title'>「良心包子」重視食安 虧損2年出頭天</span></a>"
            "<span class='ndate'>2014/12/1 18:13</span></div>"
            "<div>分享</div>" + STORY)
    article = page(body, "<title>「良心包子」重視食安 虧損2年出頭天</title>")
    assert article.title == "「良心包子」重視食安 虧損2年出頭天" and article.date == "2014-12-01"


@pytest.mark.parametrize("title_tag, og_title", [
    ("財訊快報", "大摩報告指稱供應鏈跡象顯示新機已開始備貨"),  # `<title>` names only the site
    ("大摩報告指稱供應鏈跡象顯示新機已開始備貨 | 論壇新聞 | 財訊快報新聞雲", "大摩報告指稱供應鏈跡象顯示新機已開始備貨"),
    ("晴報", "大摩報告指稱供應鏈跡象顯示新機已開始備貨 - 晴報 - 港聞 - 要聞"),  # og:title with the site's suffix
])
def test_the_heading_the_page_also_gives_as_its_og_title_is_the_headline(title_tag, og_title):
    """A heading equal to og:title (without a site suffix) is the headline, whatever other
    heading (the site's name in a logo heading, a share box holding og:title whole) says."""
    body = ("<h1>財訊快報新聞雲</h1><div class='share-title'>大摩報告指稱供應鏈跡象顯示新機已開始備貨 - 晴報 - 港聞 - 要聞</div>"
            "<h2 class='page-name'>大摩報告指稱供應鏈跡象顯示新機已開始備貨</h2>" + STORY)
    head = f"<title>{title_tag}</title><meta property='og:title' content='{og_title}'>"
    assert page(body, head).title == "大摩報告指稱供應鏈跡象顯示新機已開始備貨"


def test_an_og_title_that_is_the_whole_page_title_loses_the_sites_name_too():
    """og:title and `<title>` both `headline - 新頭殼 newtalk`: the headline is what comes before."""
    head = ("<title>高雄電影節開幕 日星為氣爆災區祈福 -  新頭殼 newtalk</title>"
            "<meta property='og:title' content='高雄電影節開幕 日星為氣爆災區祈福 - 新頭殼 newtalk'>")
    assert page(STORY, head).title == "高雄電影節開幕 日星為氣爆災區祈福"


def test_photo_captions_are_not_body_text():
    """A caption closed by its photo credit (`（程志遠攝）`, `（時藝多媒體提供）`, `（飛行服務隊圖片）`) or
    pointing at the picture (`▲ …`) is not part of the article; a table's legend (`△：…`) and a
    sentence that only mentions 提供 are."""
    body = ("<h1>初步確診男警曾參加培訓</h1>"
            "<p>▲ 張竹君表示，初步確診男警於訓練基地進行培訓，涉及170人。（程志遠攝）</p>"
            "<p>本港第三波疫情仍然嚴峻，衞生防護中心公布本港今日新增72宗確診個案，當中多宗源頭未明。</p>"
            "<p>草間彌生（時藝多媒體提供）</p>"
            "<p>他們分成4組，與他同組的警員比較多密切接觸，會一起換衣服，涉及40多人，政府會提供檢測。</p>"
            "<p>△：基本作業 ○：必要時進行之作業</p>"
            "<p>飛行服務隊指傷者被發現在陡峻山坡上。（飛行服務隊圖片）</p>")
    article = page(body, "<title>初步確診男警曾參加培訓</title>")
    assert article.body.split("\n") == [
        "本港第三波疫情仍然嚴峻，衞生防護中心公布本港今日新增72宗確診個案，當中多宗源頭未明。",
        "他們分成4組，與他同組的警員比較多密切接觸，會一起換衣服，涉及40多人，政府會提供檢測。",
        "△：基本作業 ○：必要時進行之作業"]


def test_a_lead_printed_above_the_block_of_the_text_opens_the_body():
    """Hong Kong papers print the lead with the headline, in a block of its own before the
    block that holds the text (ads between, their scripts gone); a block of labels and dates
    there is no lead."""
    lead = "大鼠戊肝和新冠肺炎夾擊，家庭主婦到街市買餸高危，隨時連菜帶毒回家傳家人！兩街市停市三日大清洗後昨重開。"
    paragraphs = "".join(f"<p>第{i}段正文，本報記者到街市視察，發現人流不多，重開首日營業的檔舖不多，只有數海鮮檔及乾貨店。</p>"
                         for i in range(4))
    body = (f"<div><div id='leadin'><h1>街市重開 鼠患不改</h1><div class='leadin'><p>{lead}</p></div></div>"
            "<div class='ads'><script>ad('x')</script></div></div>"
            f"<div id='contentCTN'><div class='ads'></div><div id='content'>{paragraphs}</div></div>")
    article = page(body, "<title>街市重開 鼠患不改</title>")
    assert article.body.split("\n")[0] == lead and article.body.count("第") == 4
    info = ("<div><div class='info'><p>發布日期：2022-02-11 08:52</p><p>來源：某市政府網站 www.example.gov.cn</p>"
            "<p>【字體：大 中 小】</p></div></div>")
    article = page(info + f"<div id='contentCTN'><div id='content'>{paragraphs}</div></div>",
                   "<title>街市重開 鼠患不改</title>")
    assert article.body.startswith("第0段正文")


def test_a_date_inside_the_first_paragraph_is_not_the_publication_date_the_url_is():
    """`1967年8月24日，林彬駕駛私家車…` opens a paragraph of the text: a date the article tells of.
    The page's URL gives its date with the year last (`/article/08-24-2013/4591/`)."""
    body = ("<h1>悼念林彬</h1><p>今日是8月24日，46年前的今日，商台廣播員林彬因開罪土共而遇害，本報以此文悼念林彬先生。</p>"
            "<p>1967年8月24日，林彬駕駛私家車開車返回電台時，於文福道被兩名偽裝成修路工人的兇徒攔截，翌日傷重不治。</p>"
            + STORY)
    head = "<title>悼念林彬</title><meta property='og:url' content='http://www.example.hk/article/08-24-2013/4591/'>"
    assert page(body, head).date == "2013-08-24"
    ambiguous = head.replace("08-24-2013", "05-06-2013")  # May 6th or June 5th: no date
    assert page(body, ambiguous).date is None


def test_a_headline_the_og_title_wraps_in_the_sites_name_is_the_title_with_its_date():
    """`<meta property="og:title" content="某報新聞(headline)">`, a `<title>` that names only the
    site, and the headline printed alone in a title cell with its date under it."""
    headline = "輕軌某站月台沉降 石躉離地60毫米"
    body = (f"<table><tr><td class='topdata'>2018年 08月 02日</td></tr>"
            f"<tr><td class='news_title'>{headline}</td></tr><tr><td class='date'>發佈日期 : 2018-08-02</td></tr>"
            "<tr><td><p>相片說明：港鐵強調月台結構安全</p>"
            "<p>港鐵再爆出鐵路站月台沉降事件，大批職員日前到該站檢測，事後在路軌留下多個記號，惹人疑竇。</p>"
            "<p>港鐵昨日承認，鄰近樓盤工程去年打樁後，去年底發現月台出現沉降問題，但強調結構安全。</p></td></tr></table>")
    head = f"<title>某報 DAILY NEWS</title><meta property='og:title' content='某報新聞({headline})'>"
    article = page(body, head)
    assert article.title == headline and article.date == "2018-08-02"
    site_heading = page(f"<h2>某報新聞</h2>{body}", head)  # a short heading inside the og:title is not it
    assert site_heading.title == headline


def test_a_date_line_closing_a_broadcast_story_is_its_date_when_nothing_else_dates_it():
    """A television news page prints `(2014-12-12 12:00)  中晝新聞` under the story and nowhere
    else; a date in the page's metadata still comes first."""
    body = ("<div>新聞網 / 醫療</div><h2>中風年輕化 某人孫子腦溢血</h2>"
            "<div><p>中風年齡越來越年輕！某研究院創辦人昨天參加一場活動時對媒體透露，家中14歲的孫子腦中風送醫。</p>"
            "<p>醫師表示，年輕人中風，應該和先天疾病有關，家長不必過度恐慌，但要留意孩子的症狀。</p>"
            + "".join(f"<p>受訪者{i}說，這是第{i}段談話的內容</p>" for i in range(12))
            + "<p>(2014-12-12 12:00)  中晝新聞</p></div>")
    assert page(body, "<title>新聞網</title>").date == "2014-12-12"
    dated = "<title>新聞網</title><meta property='article:published_time' content='2014-12-11T20:00:00+08:00'>"
    assert page(body, dated).date == "2014-12-11"
    undated = body.replace("<p>(2014-12-12 12:00)  中晝新聞</p>", "")
    assert page(undated, "<title>新聞網</title>").date is None


def test_a_page_whose_titles_all_name_the_site_takes_the_headline_above_its_tools():
    """og:title, og:site_name and `<title>` all give the site's name and motto; the headline is
    printed above a short-URL button, the desk's line with the date, share and font-size buttons."""
    site = "某傳媒　一個有國際觀的新媒體！"
    head = (f"<title>{site}</title><meta property='og:title' content='{site}'>"
            f"<meta property='og:site_name' content='{site}'>")
    others = "".join(f"<li><a href='/n/{i}'>其他新聞標題第{i}則 內容提要</a></li>" for i in range(8))
    body = (f"<ul>{others}</ul><div>首頁>  新聞>  國際</div>"
            "<h3 class='innerBigNewsTitle'>油價跌跌不休 重挫歐美股市</h3><div>產生縮網址</div>"
            "<div>編譯中心  2014年12月13日 09:33  237 點擊數</div><div>Tweet</div><div>列印</div>"
            "<div><a>A</a>  <a>A</a>  <a>A</a>  <a>A</a></div>"
            "<div><p>受油價繼續下跌拖累，紐約股市三大指數12日下跌，本週三大指數全部收跌，為今年以來最大週跌幅。</p>"
            "<p>國際油價12日繼續刷新五年低點，收於每桶57.46美元，為2009年5月以來新低，市場擔心需求疲弱。</p></div>")
    article = page(body, head)
    assert article.title == "油價跌跌不休 重挫歐美股市"
    assert article.date == "2014-12-13" and article.authors == []


def test_a_title_of_the_sites_name_alone_leaves_the_headline_to_the_og_title_and_a_wire_caption_goes():
    """`<title> - 某報網頁</title>` (the headline part empty) and og:title `headline- 某報網頁`; the
    photo's caption above the text ends with the wire that took it (`…。美聯社`)."""
    body = ("<div>香港 國際 中國 經濟</div><div><b>黑客恫嚇勿上映暗殺某領袖電影 (國際)</b></div><div>2014-12-17 (15:16)</div>"
            "<div><img src='a.jpg'><p>薛某（右）和占某。美聯社</p>"
            "<p>某電影公司一齣涉及虛構情節的電影即將於聖誕日在全美各地上畫，但自稱和平守護者的黑客發出警告。</p>"
            "<p>黑客特別警告電影觀眾不要去看這齣電影，多家媒體引述黑客以拙劣英文寫成的訊息。</p></div>")
    head = "<title> - 某報網頁</title><meta property='og:title' content='黑客恫嚇勿上映暗殺某領袖電影- 某報網頁'>"
    article = page(body, head)
    assert article.title == "黑客恫嚇勿上映暗殺某領袖電影"
    assert article.body.startswith("某電影公司") and "美聯社" not in article.body


def test_a_dateline_above_the_text_drawn_with_box_slashes_names_the_paper_and_reporter():
    """`【聯合晚報╱記者楊正海╱即時報導】` in a byline element above the text: the slashes are
    U+2571, not ／."""
    body = ("<h1>某市長：贊成修憲和內閣制</h1><div id='story_author'>【某晚報╱記者楊正海╱即時報導】</div>"
            "<div>2014.12.13 01:06 pm</div>" + STORY)
    article = page(body, "<title>某市長：贊成修憲和內閣制</title>")
    assert article.source == "某晚報" and article.authors == ["楊正海"]


def test_a_columns_contributor_note_names_its_author_not_the_sites_own_author_tag():
    """`<meta name="author" content="某某 新聞雲">` the same as the page's source tag is the site;
    the column closes with `●作者李武忠，新北市，經濟系教授。…`, and a list of related links
    follows it inside the article's block."""
    head = ("<title>如何推動區域經貿合作</title><meta name='author' content='某某 新聞雲'>"
            "<meta name='source' content='某某 新聞雲'>")
    related = "".join(f"<p><a href='/n/{i}'>其他論壇文章的標題第{i}篇</a></p>" for i in range(10))
    body = (f"<h1>如何推動區域經貿合作</h1><div>{STORY}"
            "<p>●作者李武忠，新北市，經濟系教授。本文為網友投稿，言論不代表本報立場。</p>"
            f"{related}</div>")
    assert page(body, head).authors == ["李武忠"]
    unsigned = body.replace("<p>●作者李武忠，新北市，經濟系教授。本文為網友投稿，言論不代表本報立場。</p>", "")
    assert page(unsigned, head).authors == []


def test_a_columnists_name_alone_above_the_text_is_the_author_and_not_text():
    """A Hong Kong paper's column prints its writer's pen name alone above the first paragraph;
    two names in a row there are a photo's caption, not a byline."""
    text = ("<p>「惡女珍」帶團辱客，弄得香港旅遊再次惡名遠播，連國家旅遊局也不得不首次發出旅遊服務警示。</p>"
            "<p>有官場老友對信之說起這件事，認為政府須介入，否則外界對香港旅業的信心難以恢復。</p>")
    article = page(f"<h1>劉太親自過問事件</h1><div><p>顧信之</p>{text}</div>", "<title>劉太親自過問事件</title>")
    assert article.authors == ["顧信之"] and article.body.startswith("「惡女珍」")
    caption = page(f"<h1>劉太親自過問事件</h1><div><p>谢娜</p><p>魏大勋</p>{text}</div>", "<title>劉太親自過問事件</title>")
    assert caption.authors == []


def test_captions_at_either_end_and_the_suicide_prevention_box_are_not_the_story():
    """Taiwan papers open or close a story with the photo's caption (`某人（右）的作品…（某公司提供，
    Copyright …）`, `…（左二）代言。圖為…`) and close stories of suicide with the prevention note
    run into the last paragraph and the hotlines under it."""
    caption = ("尋找鬱金香 某藝術家（右）的裝置作品《永恆祈禱》，是她為巡迴展特別製作的大型彩色裝置作品。"
               "（某多媒體提供，Copyright of the artist, courtesy of the galleries in Tokyo, Singapore and London）")
    paragraphs = [f"第{i}段：這次巡迴展在高雄和台中展出，主辦單位邀請文創團隊協辦，推出藝術家概念的咖啡與市集。"
                  for i in range(3)]
    closing = "某公司昨推出全球品牌計畫，並請來國際巨星某某（左二）代言。圖為廣告影片一景，影片中的洗車場充滿創意。"
    body = ("<h1>藝術家 高雄築夢</h1><article>" + f"<p>{caption}</p>" + "".join(f"<p>{p}</p>" for p in paragraphs[:2])
            + f"<p>{paragraphs[2]}★再給自己一次機會</p><p></p><p>自殺諮詢專線：0800-788995（24小時）</p>"
            "<p>生命線：1995</p><p>張老師專線：1980</p></article>")
    article = page(body, "<title>藝術家 高雄築夢</title>")
    assert article.body.split("\n") == paragraphs
    closed = page("<h1>藝術家 高雄築夢</h1><article>" + "".join(f"<p>{p}</p>" for p in paragraphs)
                  + f"<p>{closing}</p></article>", "<title>藝術家 高雄築夢</title>")
    assert closed.body.split("\n") == paragraphs
    inside = page("<h1>藝術家 高雄築夢</h1><article>" + f"<p>{paragraphs[0]}</p><p>{closing}</p><p>{paragraphs[1]}</p>"
                  + f"<p>{paragraphs[2]}</p></article>", "<title>藝術家 高雄築夢</title>")
    assert closing in inside.body  # in the middle of the text it is left as printed
    own_line = page("<h1>藝術家 高雄築夢</h1><article>" + "".join(f"<p>{p}</p>" for p in paragraphs)
                    + "<p>★珍惜生命 再給自己一次機會</p><p>自殺諮詢專線：0800-788995（24小時）</p></article>",
                    "<title>藝術家 高雄築夢</title>")
    assert own_line.body.split("\n") == paragraphs  # the note on a line of its own, a space inside


def test_a_byline_of_publisher_day_and_reporter_and_the_furniture_around_a_taiwan_story():
    """`新頭殼newtalk2014.10.24 金名/高雄報導` over the text names the source and the reporter;
    a picture's caption ending `。圖：高雄市政府提供`, `點擊圖片可瀏覽相關圖片`, a member login
    box and `訂閱Telegram…：https://bit.ly/…` are not the story."""
    paragraphs = [f"第{i}段：高雄電影節今日在藝術文化中心開幕，多部影片的導演與劇組受邀出席，為氣爆災區祈福。" for i in range(3)]
    body = ("<h1>高雄電影節開幕 日星為氣爆災區祈福</h1><div><p>點擊圖片可瀏覽相關圖片</p>"
            "<p>高雄電影節今日開幕，導演與男女主角等受邀出席。圖：高雄市政府提供</p>"
            "<p>新頭殼newtalk2014.10.24 金名/高雄報導</p>" + "".join(f"<p>{p}</p>" for p in paragraphs)
            + "<p>訂閱Telegram最新優惠及送禮情報：https://bit.ly/3bebLM</p></div>"
            "<div><p>會員登入</p><p>記住帳號密碼</p><p>忘記密碼 | 重寄啟用信</p><p>會員服務申請/試用</p></div>")
    article = page(body, "<title>高雄電影節開幕 日星為氣爆災區祈福</title>")
    assert article.source == "新頭殼newtalk" and article.authors == ["金名"]
    assert article.body.split("\n") == paragraphs


def test_a_paywalls_login_box_under_the_lead_ends_the_text():
    """A paywalled page prints the lead, then the member login box (its example address, its
    service hours and telephone): the text is the lead alone."""
    lead = "高通於8月20日發表新一代行動平台，為中階手機市場帶來生成式AI、高效能遊戲、專業影像等旗艦級功能。"
    box = ("<p>會員登入</p><p>【範例：user@company.com】</p><p>記住帳號密碼</p><p>★ 若您是第一次使用會員資料庫，請先點選</p>"
           "<p>會員服務申請/試用</p><p>申請專線：</p><p>+886-02-87125398。</p><p>(週一至週五工作日9:00~18:00)</p>")
    article = page(f"<h1>高通發表新平台</h1><div><p>{lead}</p>{box}</div>", "<title>高通發表新平台</title>")
    assert article.body == lead


def test_a_meta_author_printed_only_as_the_editor_in_brackets_is_no_author():
    """A city bureau's page gives `<meta name="author" content="胡冠山">` and prints the name only
    as `编辑：（胡冠山）` under the text."""
    head = ("<title>市文化和旅游局开展帮包服务活动</title><meta name='ArticleTitle' content='市文化和旅游局开展帮包服务活动'>"
            "<meta name='author' content='胡冠山'>")
    body = f"<h1>市文化和旅游局开展帮包服务活动</h1><div>{STORY}</div><div class='corner-compile'>编辑：（胡冠山）</div>"
    assert page(body, head).authors == []


def test_a_papers_news_site_named_as_the_source_is_the_paper():
    """Nothing on the page names a publisher but og:site_name, `明報新聞網 - 每日明報 daily
    news`: the source is the paper, 明報, not the site's whole name."""
    head = "<title>某新聞標題</title><meta property='og:site_name' content='明報新聞網 - 每日明報 daily news'>"
    assert page(f"<h1>某新聞標題</h1><div>{STORY}</div>", head).source == "明報"
    portal = "<title>某新聞標題</title><meta property='og:site_name' content='人民网'>"
    assert page(f"<h1>某新聞標題</h1><div>{STORY}</div>", portal).source == "人民网"
    e_paper = "<title>某新聞標題</title><meta property='og:site_name' content='自由時報電子報'>"  # the paper's site
    assert page(f"<h1>某新聞標題</h1><div>{STORY}</div>", e_paper).source == "自由時報"


def test_a_partner_organisation_named_as_the_author_in_json_ld_is_the_source():
    """A portal carrying a partner's story says so in JSON-LD: the author an organisation
    (北京新浪網), the publisher the portal (新浪台灣), and prints the partner under the headline.
    The partner is the source; an author organisation that is the house under another form of
    its name, a desk, or one the page never prints is not another source."""
    def ld(author: str, publisher: str, kind: str = "Organization", site: str = "新浪新聞中心") -> str:
        return (f"<title>测试新闻标题在这里</title><meta property='og:site_name' content='{site}'>"
                "<script type='application/ld+json'>"
                '{"@type": "NewsArticle", "headline": "测试新闻标题在这里", '
                f'"author": {{"@type": "{kind}", "name": "{author}"}}, '
                f'"publisher": {{"@type": "Organization", "name": "{publisher}"}}}}</script>')

    def body(cite: str) -> str:
        return f"<h1>测试新闻标题在这里</h1><cite>{cite} (2020-01-21 11:12)</cite><div class='text'>{STORY}</div>"

    assert page(body("北京新浪網"), ld("北京新浪網", "新浪台灣")).source == "北京新浪網"
    assert page(body("新浪"), ld("北京新浪網", "新浪台灣")).source == "新浪台灣"  # not printed
    assert page(body("新浪台灣"), ld("新浪台灣", "新浪台灣")).source == "新浪台灣"
    assert page(body("新浪新聞中心"), ld("新浪新聞中心", "新浪台灣")).source == "新浪台灣"
    assert page(body("王大明"), ld("王大明", "新浪台灣", kind="Person")).source == "新浪台灣"
    for author, publisher, site in [("自由時報電子報", "自由時報", "自由時報"), ("ETtoday", "ETtoday新聞雲", "ETtoday新聞雲"),
                                    ("聯合新聞網", "联合新闻网", "联合新闻网"), ("编辑部", "联合新闻网", "联合新闻网")]:
        assert page(body(author), ld(author, publisher, site=site)).source == publisher, author


@pytest.mark.parametrize("publisher,source", [
    ("自由時報 sports 體育頻道", "自由時報"),  # the paper's sports site names its channel after it
    ("人民网-财经频道", "人民网"),
    ("中华网军事频道", "中华网"),
    ("央视新闻频道", "央视新闻频道"),  # a television channel is the publisher itself
    ("中国网络电视台体育频道", "中国网络电视台体育频道"),  # 网 inside a word (网络) ends no site's name
    ("上海报业集团新闻频道", "上海报业集团新闻频道"),
    ("新浪财经频道", "新浪财经频道"),  # nothing before the channel reads as a site's name
])
def test_a_site_named_with_one_of_its_channels_is_the_site(publisher, source):
    """A JSON-LD publisher or og:site_name naming the site with the channel the page sits in
    (`自由時報 sports 體育頻道`): the source is the site, as other pages of it say."""
    head = ("<title>测试新闻标题在这里</title><script type='application/ld+json'>"
            '{"@type": "NewsArticle", "headline": "测试新闻标题在这里", '
            f'"publisher": {{"@type": "Organization", "name": "{publisher}"}}}}</script>')
    assert page(f"<h1>测试新闻标题在这里</h1><div class='text'>{STORY}</div>", head).source == source
    site = f"<title>测试新闻标题在这里</title><meta property='og:site_name' content='{publisher}'>"
    assert page(f"<h1>测试新闻标题在这里</h1><div class='text'>{STORY}</div>", site).source == source


@pytest.mark.parametrize("author,authors", [
    ({"@type": "Organization", "name": "中央通訊社 Central News Agency"}, []),
    ({"@type": "NewsMediaOrganization", "name": "BBC News 中文"}, []),
    ([{"@type": ["Organization"], "name": "NHK WORLD"}, {"@type": "Person", "name": "王大明"}], ["王大明"]),
    ({"@type": "Person", "name": "王大明"}, ["王大明"]),
    ("王大明", ["王大明"]),
])
def test_a_json_ld_author_typed_as_an_organisation_is_no_author(author, authors):
    """A site that names itself as its articles' author in JSON-LD (`"@type": "Organization"`)
    prints no byline there: the page's author is nobody rather than `Central Agency`."""
    ld = json.dumps({"@type": "NewsArticle", "headline": "测试新闻标题在这里", "author": author}, ensure_ascii=False)
    head = f"<title>测试新闻标题在这里</title><script type='application/ld+json'>{ld}</script>"
    assert page(f"<h1>测试新闻标题在这里</h1><div class='text'>{STORY}</div>", head).authors == authors


def test_every_reporter_of_a_byline_with_roles_between_the_names():
    """`（记者郭倩、实习记者陈涵旸）` closing the text and `聯合報／編譯茅毅、記者謝守真／綜合報導` after the
    date under the headline name two reporters each, not only the one after the last role word."""
    from indexer.extract.authors import closing_authors, paper_byline_names, parse_authors

    assert parse_authors("记者郭倩、实习记者陈涵旸") == ["郭倩", "陈涵旸"]
    assert parse_authors("見習記者王小明") == ["王小明"]
    assert closing_authors("构建具有全球竞争力的产业生态。（记者郭倩、实习记者陈涵旸）") == ["郭倩", "陈涵旸"]
    assert closing_authors("起到推动作用。（记者 胡晓蓉）") == ["胡晓蓉"]
    assert paper_byline_names("2023-08-28 01:05 聯合報／ 編譯茅毅、記者謝守真／綜合報導") == ["茅毅", "謝守真"]
    assert paper_byline_names("本文由中央社編譯提供") == []
    closing = f"<h1>测试新闻标题在这里</h1><div class='text'>{STORY}<p>它们是这样说的。（记者郭倩、实习记者陈涵旸）</p></div>"
    assert page(closing).authors == ["郭倩", "陈涵旸"]
    byline = "<div class='info'><time>2023-08-28 01:05</time> 聯合報／ 編譯茅毅、記者謝守真／綜合報導</div>"
    assert page(f"<h1>测试新闻标题在这里</h1>{byline}<div class='text'>{STORY}</div>").authors == ["茅毅", "謝守真"]


def test_what_a_reporter_does_in_a_caption_is_no_name():
    """A photo caption under the headline, `国台办发言人陈斌华回答记者提问。`, made 提问 the author
    of a Xinhua report whose dateline names 刘欢 and 赵博."""
    from indexer.extract.authors import byline_authors

    assert byline_authors("9月13日，国台办发言人陈斌华回答记者提问。") == []
    assert byline_authors("记者获悉") == [] and byline_authors("记者 张三") == ["张三"]
    caption = "<div class='info'>9月13日，国台办发言人陈斌华回答记者提问。</div>"
    lead = f"<p>新华社北京9月13日电（记者刘欢、赵博）{STORY}</p>"
    assert page(f"<h1>测试新闻标题在这里</h1>{caption}<div class='text'>{lead}</div>").authors == ["刘欢", "赵博"]


def test_a_byline_element_printing_a_name_alone():
    """`<div class="author"><a>洪毅</a> 2023年08月31日 21:00:00</div>` under the headline: the
    name is the author (its date left out); a brand in capitals there (`CTWANT`, a partner
    whose story the site carries) is nobody's name."""
    for byline, authors in (("<div class='author'><a href='search.php?k=洪毅'>洪毅</a>  2023年08月31日 21:00:00</div>", ["洪毅"]),
                            ("<div class='author'>CTWANT</div>", []),
                            ("<div class='author'>新聞中心</div>", [])):
        assert page(f"<h1>测试新闻标题在这里</h1>{byline}<div class='text'>{STORY}</div>").authors == authors, byline


def test_an_outlet_credited_as_the_writer_is_the_source():
    """`文／CTWANT` (or `圖文／…`) opening the text of a portal's page: the partner outlet whose story
    the portal carries is the source, not the portal's own name; a person so credited is the
    author, and the portal stays the source."""
    from indexer.extract.authors import credited_outlet

    head = "<title>测试新闻标题在这里</title><meta property='og:site_name' content='三立新聞網'>"
    article = page(f"<h1>测试新闻标题在这里</h1><div class='text'><p>文／CTWANT</p>{STORY}</div>", head)
    assert article.source == "CTWANT" and article.authors == []
    article = page(f"<h1>测试新闻标题在这里</h1><div class='text'><p>圖文／鏡週刊</p>{STORY}</div>", head)
    assert article.source == "鏡週刊"
    article = page(f"<h1>测试新闻标题在这里</h1><div class='text'><p>文／王大明</p>{STORY}</div>", head)
    assert article.source == "三立新聞網" and article.authors == ["王大明"]
    assert credited_outlet("图／新华社") is None and credited_outlet("文／Nick Marsh") is None


def test_a_government_pages_disclosure_table_dates_the_document():
    """A 政府信息公开 page: a table above the headline (索引号, 发布机构, 发文日期 in cells of their
    own), the bulletin's own date printed under its title, and a PubDate that is the time the
    page was generated again: the date is the table's 发文日期 (or 生成日期), as printed."""
    def gov(label: str, pubdate: str = "") -> str:
        head = "<title>宜春市2022年国民经济和社会发展统计公报</title>"
        if pubdate:
            head += (f"<meta name='PubDate' content='{pubdate} 10:33:59'>"
                     f"<meta name='others' content='页面生成时间 {pubdate} 10:33:59'>")
        table = ("<table><tr><td>索 引 号：</td><td>014717475N/2023-0040295</td></tr>"
                 f"<tr><td><label>{label}</label></td></tr><tr><td><div>2023-04-18</div></td></tr>"
                 "<tr><td>公开方式：</td><td>主动公开</td></tr></table>")
        text = f"<p>宜春市统计局 国家统计局宜春调查队</p><p>（2023年4月12日）</p>{STORY}"
        return page(f"{table}<h1>宜春市2022年国民经济和社会发展统计公报</h1><div class='text'>{text}</div>", head).date

    assert gov("发文日期：") == "2023-04-18"
    assert gov("生成日期：", pubdate="2023-08-16") == "2023-04-18"
    assert gov("成文日期：") == "2023-04-12"  # when it was written: the page's own printed date stands


def test_a_government_pages_disclosure_table_names_the_publishing_body():
    """The same table's 发布机构 (label and value in cells of their own) is the source when no
    来源 goes with the article, and beats a ContentSource meta tag naming the social-media
    account the text was first posted on (`江西统计 公众号`); a 来源 printed with the article
    still wins."""
    def gov(meta: str = "", line: str = "") -> str | None:
        head = f"<title>宜春市2022年国民经济和社会发展统计公报</title>{meta}"
        table = ("<table><tr><td>索 引 号：</td><td>014717475N/2023-0040295</td></tr>"
                 "<tr><td><label>发布机构：</label></td></tr><tr><td><div>宜春市统计局</div></td></tr>"
                 "<tr><td><label>发文日期：</label></td></tr><tr><td><div>2023-04-18</div></td></tr></table>")
        return page(f"{table}<h1>宜春市2022年国民经济和社会发展统计公报</h1>{line}<div class='text'>{STORY}</div>",
                    head).source

    assert gov() == "宜春市统计局"
    assert gov("<meta name='ContentSource' content='江西统计 公众号'>") == "宜春市统计局"
    assert gov("<meta name='ContentSource' content='抖音集团'>") == "抖音集团"  # a company, no account
    assert gov("<meta name='ContentSource' content='宜春市统计局办公室'>") == "宜春市统计局办公室"  # a body: it stands
    assert gov(line="<div>来源：新华社</div>") == "新华社"
    long_text = "".join(f"<p>第{i}段，统计数据显示本市经济运行总体平稳，主要指标稳中有升。</p>" for i in range(30))
    closing = page("<table><tr><td>发布机构：</td></tr><tr><td>宜春市统计局</td></tr></table>"
                   f"<h1>宜春市2022年国民经济和社会发展统计公报</h1><div class='text'>{long_text}<p>来源：江西日报</p></div>",
                   "<title>宜春市2022年国民经济和社会发展统计公报</title>")
    assert closing.source == "江西日报"  # the text's own closing 来源 still wins
    for cell in ("文号", "主题分类 统计", "014717475N/2023-0040295", "关于印发统计工作要点的通知"):
        empty = page(f"<table><tr><td>发布机构：</td></tr><tr><td>{cell}</td></tr></table>"
                     f"<h1>宜春市2022年国民经济和社会发展统计公报</h1><div class='text'>{STORY}</div>",
                     "<title>宜春市2022年国民经济和社会发展统计公报</title>")
        assert empty.source is None, cell  # an empty 发布机构 cell: the next one is no publisher


@pytest.mark.parametrize("line,names", [
    ("说完了。（据央视、澎湃）", []),  # outlets listed in a closing bracket, no role word: no names
    ("说完了。（编辑张三、李四）", []),
    ("说完了。（张三 李四）", ["张三", "李四"]),
    ("（本报记者 付 文采访整理）", ["付文"]),  # what the reporter did, after the name
    ("（本报记者 吴齐强 柯仲甲整理）", ["吴齐强", "柯仲甲"]),
    ("文、图／本报记者 张三", ["张三"]),  # a 、 in the lead-in before the role word
    ("新华社记者张三、记者李四", ["张三", "李四"]),
    ("记者了解到，截至目前", []),
    ("他接受记者采访时说", []),
])
def test_closing_and_lead_bylines_read_no_more_and_no_less(line, names):
    from indexer.extract.authors import closing_authors
    assert closing_authors(line) == names


@pytest.mark.parametrize("element", ["澎湃新闻", "小编", "ETtoday", "Staff Writer", "Reuters 2023-08-31"])
def test_a_byline_element_naming_no_person_names_nobody(element):
    byline = f"<div class='author'>{element}</div>"
    assert page(f"<h1>测试新闻标题在这里</h1>{byline}<div class='text'>{STORY}</div>").authors == []


def test_a_caption_with_its_credit_and_a_channels_promo_are_not_text():
    """A photo caption opening the text, closed by its credit (`（圖／翻攝自氣象廳網站）`), and the
    channel's own promo closing it (`…颱風特別報導…敬請鎖定。`) are not the article's text."""
    caption = "<p>日本氣象廳的最新預測路徑，警戒區幾乎籠罩了整個台灣本島。（圖／翻攝自氣象廳網站）</p>"
    promo = "<p>颱風直撲北台而來，《某某新聞網》連續3天都有颱風特別報導，陪您掌握最新動態，敬請鎖定。</p>"
    article = page(f"<h1>测试新闻标题在这里</h1><div class='text'>{caption}{STORY}{promo}</div>")
    assert "翻攝" not in article.body and "敬請鎖定" not in article.body and STORY[3:20] in article.body


def test_an_embedded_post_and_a_picture_taken_from_elsewhere_are_not_text():
    """A tweet embedded in the story (`<blockquote class="twitter-tweet">`: its text, the
    account and the day) is quoted from elsewhere; a caption closed by `（取自微博）` describes a
    picture. Neither is the article's text; the text after the embed stays."""
    tweet = ("<blockquote class='twitter-tweet'><p lang='en'>Huawei Mate 60 series is believed to use its own chip."
             "</p>— Global Times (@globaltimesnews) <a href='#'>August 30, 2023</a></blockquote>尾段文字在嵌入之后。")
    caption = "<p>朱一龍（右）在劇中飾演深情的「小公爺」，成了戲迷永遠的痛。（取自微博）</p>"
    article = page(f"<h1>测试新闻标题在这里</h1><div class='text'>{STORY}<div>{tweet}</div>{caption}{STORY}</div>")
    assert "Global Times" not in article.body and "Huawei" not in article.body and "取自微博" not in article.body
    assert "尾段文字在嵌入之后" in article.body


@pytest.mark.parametrize("line,names", [
    ("生活中心／賴俊佑報導", ["賴俊佑"]), ("社會中心／許元馨、王大明報導", ["許元馨", "王大明"]),
    ("國際中心／綜合報導", []), ("娛樂中心／台北報導", []),  # a desk's compiled report; a place
])
def test_a_newsroom_desk_and_its_reporter_opening_the_text(line, names):
    """`生活中心／賴俊佑報導` as the first line of a Taiwan story: the desk, then its reporter."""
    from indexer.extract.authors import byline_authors
    assert byline_authors(line) == names
    if names:
        body = f"<h1>测试新闻标题在这里</h1><div class='text'><p>{line}</p>{STORY}</div>"
        article = page(body)
        assert article.authors == names and line not in article.body


def test_a_box_of_related_links_between_paragraphs_does_not_end_the_text():
    """A `延伸阅读` box of linked headlines set between two paragraphs of the story (a portal's
    inline box) is left out and the text after it kept; the same heading where no paragraphs
    follow (related articles under the story, comments) still ends the text."""
    box = ("<div class='recommend'><h2>延伸阅读</h2><a href='/a/1'><div>非亲缘干细胞与骨髓捐赠 生命火种点亮希望之光</div></a>"
           "<a href='/a/2'><div>疫情中跨境骨髓救命 血癌康复者与恩人温馨初见</div></a></div>")
    after = ("<p>他呼吁更多公众登记捐髓，建设社会愿景，并表示每名病患都有生存的机会，我们须给予他们一切可能的机会。</p>"
             "<p>骨髓捐献计划于1993年成立，目前超过12万7000人登记捐髓，促成1000多例骨髓移植，组织希望年底达到目标。</p>")
    article = page(f"<h1>测试新闻标题在这里</h1><div class='text'>{STORY}{box}{after}</div>")
    assert "他呼吁更多公众登记捐髓" in article.body and "骨髓捐献计划于1993年成立" in article.body
    assert "延伸阅读" not in article.body and "生命火种" not in article.body
    # under the story, followed only by short lines: the article is over there
    tail = "<p>网友甲：说得好。</p><p>网友乙：支持。</p>"
    ended = page(f"<h1>测试新闻标题在这里</h1><div class='text'>{STORY}{box}{tail}</div>")
    assert "网友甲" not in ended.body and "生命火种" not in ended.body
    # another article's lead after the box (a dateline), or a box after the closing 责任编辑 line
    lead = ("<p>新华社北京9月12日电 国务院总理李强12日主持召开国务院常务会议，研究部署推动经济持续回升向好的措施。</p>"
            "<p>会议指出，今年以来各地区各部门认真贯彻落实党中央决策部署，经济运行总体回升向好，高质量发展扎实推进。</p>")
    other = page(f"<h1>测试新闻标题在这里</h1><div class='text'>{STORY}{box}{lead}</div>")
    assert "国务院总理李强" not in other.body and "会议指出" not in other.body
    closed = page(f"<h1>测试新闻标题在这里</h1><div class='text'>{STORY}<p>（责任编辑：王五）</p>{box}{after}</div>")
    assert "他呼吁更多公众登记捐髓" not in closed.body


@pytest.mark.parametrize("head,source", [
    # the og:title closes with the site's name; the `<title>` adds the column, which the page names
    ("<title>测试新闻标题在这里 -- 某某報 / 焦點</title><meta property='og:title' content='测试新闻标题在这里--某某報'>"
     "<meta name='subsection' content='焦點'>", "某某報"),
    ("<title>测试新闻标题在这里_智能_好奇日报</title>", "好奇日报"),  # the one part that reads as a site's name
    ("<title>测试新闻标题在这里_国际_评论</title>", None),  # two columns' names: which is the site is not clear
    ("<title>测试新闻标题在这里_新闻_某某网_某某日报</title>", None),  # two names of sites
    ("<title>测试新闻标题在这里_图片新闻_北京市人民政府</title>", "北京市人民政府"),  # a column named 新闻, then the site
    ("<title>测试新闻标题在这里_本地新闻</title>", None),
    ("<title>测试新闻标题在这里 - 明報新聞網</title>", "明報"),  # a paper's news site: the paper, as og:site_name gives it
])
def test_the_sites_name_in_the_title_after_the_headline_names_the_source(head, source):
    """A page that names no publisher in its text or tags is its site's own: the site's name is
    read from the `<title>` after the headline, never a column's name, and not guessed."""
    assert page(f"<h1>测试新闻标题在这里</h1><div class='text'>{STORY}</div>", head=head).source == source
    printed = f"<h1>测试新闻标题在这里</h1><p>来源：新华社</p><div class='text'>{STORY}</div>"
    assert page(printed, head=head).source == "新华社"


@pytest.mark.parametrize("name,outlet", [("呂大鴻", "BBC中文"), ("尼克·馬什（Nick Marsh）", "BBC亞洲商業事務記者"),
                                         ("陳岩", "美國之音")])
def test_a_byline_printed_as_name_outlet_and_date_lines_names_the_author(name, outlet):
    """Under the headline, a name, the outlet it writes for (or its post there) and the date, each
    on a line of its own (a list of two items, then a <time>), is the byline: the name is the
    author and neither line is text."""
    byline = f"<ul><li>{name}</li><li>{outlet}</li></ul><div><time>2023年9月12日</time></div>"
    article = page(f"<h1>测试新闻标题在这里</h1>{byline}<div class='text'>{STORY}</div>")
    assert article.authors == [name]
    assert name not in article.body and outlet not in article.body and STORY[3:20] in article.body


@pytest.mark.parametrize("first,second,dated", [
    ("尼克·馬什（Nick Marsh）", "BBC中文", False),  # no date under them
    ("时政", "中国新闻网", True), ("要闻", "人民日报", True), ("广州", "南方日报", True),  # a column or a place, a source
    ("Facebook", "Twitter", True), ("分享到", "Weibo", True),  # share buttons
])
def test_lines_under_the_headline_that_are_no_byline_name_no_author(first, second, dated):
    date = "<div><time>2023-09-12 10:00</time></div>" if dated else ""
    lines = f"<ul><li>{first}</li><li>{second}</li></ul>{date}"
    assert page(f"<h1>测试新闻标题在这里</h1>{lines}<div class='text'>{STORY}</div>").authors == []


def test_the_pages_own_author_tag_wins_over_lines_under_the_headline():
    lines = "<ul><li>呂大鴻</li><li>BBC中文</li></ul><div><time>2023年9月12日</time></div>"
    head = "<title>测试新闻标题在这里_某网</title><meta name='author' content='张三'>"
    assert page(f"<h1>测试新闻标题在这里</h1>{lines}<div class='text'>{STORY}</div>", head=head).authors == ["张三"]


@pytest.mark.parametrize("title,byline,authors", [
    ("新聞透視》黑道變網紅 斷金流才是反制之道", "胡欣男、新聞透視", ["胡欣男"]),  # the column's label among the names
    ("鍾文音／寫給遠方的一封信與這座城市", "鍾文音", ["鍾文音"]),  # a columnist's name opening the headline stays
    ("九把刀／我在高中教室裡寫下的第一本小說", "九把刀", ["九把刀"]),  # a pen name, the only author: stays
    ("司馬中原／鄉野傳奇裡的故鄉與童年記憶", "司馬中原", ["司馬中原"]),  # a compound surname
])
def test_the_column_label_opening_the_headline_is_no_author(title, byline, authors):
    """The page's JSON-LD names its reporter and its column as authors (`胡欣男、新聞透視`,
    the column's label opening the headline: `新聞透視》…`)."""
    ld = json.dumps({"@type": "NewsArticle", "headline": title, "author": {"@type": "Person", "name": byline}},
                    ensure_ascii=False)
    head = f"<title>{title} - 某報</title><script type='application/ld+json'>{ld}</script>"
    assert page(f"<h1>{title}</h1><div class='text'>{STORY}</div>", head=head).authors == authors


def test_a_headline_broken_across_lines_in_the_html_is_one_line():
    """A heading whose HTML breaks inside it (`華為新款5G手機橫空出世<br>\\n 中國半導體…`, matched to
    the og:title) gives a title of one line."""
    head = "<title>華為新款5G手機橫空出世 中國半導體突破美國封鎖？ - 某網</title>" \
           "<meta property='og:title' content='華為新款5G手機橫空出世 中國半導體突破美國封鎖？ - 某網'>"
    article = page(f"<h2>華為新款5G手機橫空出世\n 中國半導體突破美國封鎖？</h2><div class='text'>{STORY}</div>", head=head)
    assert article.title == "華為新款5G手機橫空出世 中國半導體突破美國封鎖？"
    # broken between two Chinese characters (or by U+2028): joined with nothing between
    for brk in ("\n", "\u2028"):
        broken = page(f"<h1>关于做好春节期间{brk}安全生产工作的通知</h1><div class='text'>{STORY}</div>",
                      head="<title>关于做好春节期间安全生产工作的通知_某市政府</title>")
        assert broken.title == "关于做好春节期间安全生产工作的通知"


def test_a_headline_element_holding_blocks_is_read_without_error():
    """An <h1> that holds the rest of the page's blocks (broken markup) and no <title>: an
    article or a reason, never an exception."""
    html = "<h1>胡欣男、新聞透視<div class='item'><li class='title'>2023-07-30新聞透視》黑道變網紅</li></div></h1>"
    assert list(extract_file(f"<html><body>{html}</body></html>".encode(), "p.html"))
    # a related-reading heading's own element holding the rest of the page
    html = "<div>延伸阅读<div><div>来源：转载</div></div></div>"
    assert list(extract_file(f"<html><body>{html}</body></html>".encode(), "p.html"))


def test_an_element_classed_as_the_authors_name_names_the_author_whatever_the_surname():
    """`<div class="c-mainBlock__authorName">関谷智</div>` beside the reporter's post: the class
    says the element holds the author's name, so a surname outside the common list counts; a
    brand there does not, nor the names of a list of such elements (commenters)."""
    def byline(*names: str) -> str:
        return "".join(f"<div class='c-mainBlock__authorName'>{n}</div><div class='c-mainBlock__authorRole'>国際部記者</div>"
                       for n in names)
    assert page(f"<h1>测试新闻标题在这里</h1>{byline('関谷智')}<div class='text'>{STORY}</div>").authors == ["関谷智"]
    assert page(f"<h1>测试新闻标题在这里</h1>{byline('NHK WORLD')}<div class='text'>{STORY}</div>").authors == []
    many = byline("関谷智", "佐藤明", "鈴木一郎")
    assert page(f"<h1>测试新闻标题在这里</h1><div class='text'>{STORY}</div>{many}").authors == []
    for outlet in ("澎湃新闻", "小编", "管理员"):  # an outlet or a desk in such an element is no person
        assert page(f"<h1>测试新闻标题在这里</h1>{byline(outlet)}<div class='text'>{STORY}</div>").authors == []
    comment = "<div class='comments'><span class='comment-author-name'>欧阳锋</span><p>写得好。</p></div>"
    assert page(f"<h1>测试新闻标题在这里</h1><div class='text'>{STORY}</div>{comment}").authors == []


def test_a_text_split_into_parts_by_ad_slots_is_read_whole():
    """New York Times Chinese prints a story as several `<div class="article-partial">` blocks
    with an ad's slot between each two: every part is the text, not only the longest one. Where
    something that is not an ad's slot stands between (a box of other text), the parts are not
    joined through it."""
    parts = [f"<p>第{n}部分的正文，記者在現場採訪了多位居民，他們都說出了自己的看法和擔憂，事情仍在發展。</p>" for n in range(1, 4)]
    ad = "<div class='big_ad'><small>廣告</small></div>"
    split = ad.join(f"<div class='article-partial'><div class='item'>{p * 3}</div></div>" for p in parts)
    article = page(f"<h1>测试新闻标题在这里</h1><section class='article-body'>{split}</section>")
    assert all(f"第{n}部分的正文" in article.body for n in range(1, 4)) and "廣告" not in article.body
    box = "<div class='promo'>訂閱我們的電子報，每天早上把最重要的新聞送到您的信箱，還有更多精彩內容等您發現。</div>"
    apart = box.join(f"<div class='article-partial'><div class='item'>{p * (3 if n else 6)}</div></div>"
                     for n, p in enumerate(parts))
    apart_body = page(f"<h1>测试新闻标题在这里</h1><section class='article-body'>{apart}</section>").body
    assert "第1部分的正文" in apart_body and "第2部分的正文" not in apart_body and "訂閱我們的電子報" not in apart_body
    # a next story loaded under the article, past a `下一篇` link, and a blog's posts (each with
    # its own heading) are not parts of one text
    story = "<div class='news-item'><div class='item'>" + parts[0] * 4 + "</div></div>"
    following = "<div class='news-item'><h2>另一篇新聞的標題在這裡</h2><div class='item'>" + parts[1] + "</div></div>"
    nxt = page(f"<h1>测试新闻标题在这里</h1><section>{story}<div class='more'><a href='/n/2'>下一篇</a></div>{following}</section>")
    assert "第1部分的正文" in nxt.body and "另一篇新聞的標題" not in nxt.body and "第2部分的正文" not in nxt.body


def test_the_one_h1_printing_the_titles_headline_wins_over_a_shorter_og_title():
    """The page's <title> and its one <h1> print `華為：新款5G手機橫空出世…`; the og:title (and a
    sidebar's link to the story) give the shorter `華為新款5G手機橫空出世…`: the headline is what
    the page prints over its text."""
    long, short = "華為：新款5G手機橫空出世 中國半導體突破美國封鎖？", "華為新款5G手機橫空出世 中國半導體突破美國封鎖？"
    head = f"<title>{long} - 某網 中文</title><meta property='og:title' content='{short} - 某網 中文'>"
    sidebar = f"<ul class='most-read'><li><h2>{short}</h2></li></ul>"
    assert page(f"<h1>{long}</h1><div class='text'>{STORY}</div>{sidebar}", head=head).title == long
    # a logo's <h1> equal to a <title> that is only the site's name is no headline
    notice = "关于做好2023年春节期间安全生产工作的通知"
    head = f"<title>某某市人民政府</title><meta property='og:title' content='{notice}'>"
    logo = f"<h1 class='logo'><a href='/'>某某市人民政府</a></h1><h2 class='title'>{notice}</h2>"
    assert page(f"{logo}<div class='text'>{STORY}</div>", head=head).title == notice
    # — nor where the page has no og:title and names its site in og:site_name too: the headline
    # is then looked for above the text
    head = "<title>某某市人民政府</title><meta property='og:site_name' content='某某市人民政府'>"
    logo = f"<h1 class='logo'><a href='/'>某某市人民政府</a></h1><div class='tit'>{notice}</div>"
    assert page(f"{logo}<div class='text'>{STORY}</div>", head=head).title == notice


# Kinds from a 17-page batch of saved pages of 12 sites, scored before any rule was read against them.

def test_a_photo_supplied_by_a_reporter_names_no_author_but_the_writer_before_it_does():
    caption = "<p>△这是会见现场的截图。（国广记者蔡靖骉、廖继勇供图）</p>"
    assert page(f"<h1>测试新闻标题在这里</h1><div class='text'>{caption}{STORY}</div>").authors == []
    writer = "<p>顶端新闻·河南商报记者马俊峰/文受访者供图</p>"
    assert page(f"<h1>测试新闻标题在这里</h1><div class='text'>{writer}{STORY}</div>").authors == ["马俊峰"]
    # People's Daily: `本报记者 沈文敏文 影像中国供图` (沈文敏 wrote it; the photo is supplied)
    from indexer.extract.authors import byline_authors
    assert byline_authors("本报记者  沈文敏文  影像中国供图") == ["沈文敏"]
    assert byline_authors("记者 张三/文 李四/摄") == ["张三"]
    assert byline_authors("（记者 杨威 供图）") == []


def test_a_source_line_in_brackets_gives_the_name_without_the_bracket():
    body = f"<h1>测试新闻标题在这里</h1><div class='text'>{STORY}<p>（来源：健康报网）</p></div>"
    assert page(body).source == "健康报网"
    from indexer.extract.visible import clean_source
    assert clean_source("人民日报（海外版）") == "人民日报（海外版）" and clean_source("新华网)") == "新华网"


def test_the_editor_who_selected_the_story_is_no_author_and_their_line_no_text():
    """东方网 prints `选稿: 夏阳` and its meta author names the same 夏阳."""
    head = "<title>测试新闻标题在这里_某网</title><meta name='author' content='夏阳'>"
    meta = "<div class='time'>2019-10-12 08:40:33　来源: 中国台湾网　作者: 中国台湾网　选稿: 夏阳</div>"
    article = page(f"<h1>测试新闻标题在这里</h1>{meta}<div class='text'>{STORY}<p>选稿：夏阳</p></div>", head=head)
    assert article.authors == [] and article.source == "中国台湾网"
    assert "夏阳" not in article.body


def test_a_charts_or_photos_source_is_not_the_articles_but_an_advertorials_supplier_is():
    from indexer.extract.cleaning import parse_meta_line
    assert parse_meta_line("单位：百万美元 数据来源：新加坡统计局") == {}
    assert parse_meta_line("图片来源：本文作者拍摄") == {}
    assert parse_meta_line("视频来源：某某电视台") == {}
    assert parse_meta_line("图文来源：湖南日报") == {"source": "湖南日报"}
    assert parse_meta_line("数据来源：华润（集团）有限公司") == {"source": "华润（集团）有限公司"}  # closing an advertorial
    chart = "<p>单位：百万美元 数据来源：新加坡统计局</p>"
    assert page(f"<h1>测试新闻标题在这里</h1><div class='text'>{chart}{STORY}</div>").source != "新加坡统计局"


def test_a_labelled_value_ends_with_its_sentence():
    from indexer.extract.cleaning import parse_meta_line
    assert parse_meta_line("原创文章，作者：吴梦启。转载或内容合作请点击 转载说明 ，违规转载法律必究。") == {"author": "吴梦启"}
    notice = "<p>原创文章，作者：吴梦启。转载或内容合作请点击 转载说明 ，违规转载法律必究。</p>"
    assert page(f"<h1>测试新闻标题在这里</h1><div class='text'>{STORY}</div>{notice}").authors == ["吴梦启"]


def test_the_site_named_after_a_headline_that_holds_a_separator():
    head = "<title>知料 | 新加坡在搞的工业改造对中国有什么借鉴意义_36氪</title>" \
           "<meta property='og:title' content='知料 | 新加坡在搞的工业改造对中国有什么借鉴意义_36氪'>"
    article = page(f"<h1>知料 | 新加坡在搞的工业改造对中国有什么借鉴意义</h1><div class='text'>{STORY}</div>", head=head)
    assert article.title == "知料 | 新加坡在搞的工业改造对中国有什么借鉴意义" and article.source == "36氪"


def test_a_byline_with_the_time_ago_is_no_text():
    byline = "<div class='info'><a href='/u/1'>吴梦启</a><span> · 5小时前</span></div>"
    article = page(f"<h1>测试新闻标题在这里</h1><div class='text'>{byline}{STORY}</div>")
    assert "5小时前" not in article.body and article.body.startswith("这是正文的第一段")
    from indexer.extract.cleaning import is_furniture
    assert is_furniture("3分钟前") and is_furniture("剛剛") and not is_furniture("刚刚过去的一周，股市大涨。")


def test_a_caption_or_summary_box_over_the_text_is_not_the_text():
    photo = "<p><img src='a.jpg'></p><p class='imgcaption'>6月16日，湖南某某新媒体集团正式挂牌成立。</p>"
    article = page(f"<h1>测试新闻标题在这里</h1><div class='text'>{photo}{STORY}</div>")
    assert article.body.startswith("这是正文的第一段") and "挂牌成立" not in article.body
    teaser = "<div class='article-abstract'><div class='ngabstract'>9月27日上午，媒体团来到某某村，采访当...</div></div>"
    article = page(f"<div class='article'><h1>测试新闻标题在这里</h1>{teaser}{STORY}</div>")
    assert article.body.startswith("这是正文的第一段") and "采访当" not in article.body
    # a gallery, whose only text is its captions, keeps them
    gallery = "".join(f"<div class='abstract'>第{n}张图：当全世界绝大部分国家都在为吸引游客而努力的时候，这里一脸淡定。</div>"
                      for n in range(1, 4))
    article = page(f"<h1>测试新闻标题在这里</h1><div class='gallery'>{gallery}</div>")
    assert "第1张图" in article.body


def test_the_header_holding_the_headline_is_no_lead_paragraph():
    """36氪: the headline, the byline and a one-line summary in one block before the text."""
    header = ("<div class='common-width'><h1>知料 | 新加坡在搞的“工业4.0”，对中国有什么借鉴意义？</h1><a href='/u'>吴梦启</a>"
              "<span> · 5小时前</span><div class='summary'>弹丸之地如何维持它的工业野心？</div></div>")
    text = "<div class='content articleDetailContent'>" + STORY * 2 + "</div>"
    article = page(f"<div class='article'>{header}{text}</div>")
    assert "弹丸之地" not in article.body and article.body.startswith("这是正文的第一段")


def test_credit_labels_printed_over_their_values_close_no_text():
    credits = "<p>作者：</p><p>吴掬清、胡蝶</p><p>供稿单位：</p><p>科学技术发展研究院</p>"
    article = page(f"<h1>测试新闻标题在这里</h1><div class='text'>{STORY}{credits}</div>")
    assert article.body.endswith("他们都表达了自己的看法。"), article.body


def test_a_lead_byline_naming_the_outlet_several_roles_and_the_day():
    lead = "<p>东方网通讯员龙钢、记者朱贝尔1月11日报道：为继续优化养老服务格局，虹口区发布了三年行动计划，内容相当具体。</p>"
    assert page(f"<h1>测试新闻标题在这里</h1><div class='text'>{lead}{STORY}</div>").authors == ["龙钢", "朱贝尔"]


def test_an_e_papers_issue_date_with_its_number_over_the_page_links():
    header = ("<div class='top'><p>日期选择</p><p>2019-09-17 第26,259号</p><p>上海报业集团主管主办·某某报社出版</p>"
              "<p>第7版：教科卫/公告</p><p><a href='/n'>下一篇</a></p><p><a href='/l'>返回列表</a></p></div>")
    article = page(f"{header}<h1>测试新闻标题在这里</h1><div class='text'>{STORY}</div>", head="<title>电子报_内容详情</title>")
    assert article.date == "2019-09-17"


# Kinds from an 18-page batch of 10 more sites.

def test_a_subheading_starting_with_wen_is_no_byline():
    """`文明承诺` (a subheading: the civility pledge) read as `文 明承诺`: 文 signs a text only
    with its mark (`文/张三`, `文：张三`, `文 张三`)."""
    from indexer.extract.authors import byline_authors
    assert byline_authors("文明承诺") == [] and byline_authors("文化传承") == []
    assert byline_authors("文/张三") == ["张三"] and byline_authors("文 张三") == ["张三"]
    assert byline_authors("文：赵六") == ["赵六"]


def test_a_centred_line_under_a_picture_opening_the_text_stays_text():
    """A review's case against a rule tried this round (a short centred line under a picture as
    its caption): a State Council order prints 中华人民共和国国务院令 under the emblem."""
    emblem = "<p align=center><img src='emblem.png'></p><p align=center>中华人民共和国国务院令</p><p align=center>第777号</p>"
    article = page(f"<h1>测试新闻标题在这里</h1><div class='text'>{emblem}{STORY}</div>")
    assert article.body.startswith("中华人民共和国国务院令")


def test_credits_for_a_chart_or_a_cover_and_a_photos_caption_label_are_no_text():
    from indexer.extract.cleaning import is_furniture
    assert is_furniture("（封面制图：王木木）") and is_furniture("制图：郭 祥") and is_furniture("制图：李 栋（新华社发）")
    assert is_furniture("图说：独特的区位优势为中小学生创造了一个传统文化大课堂。图片来源：东方IC")
    assert not is_furniture("图说明了一切问题。")


def test_the_unit_that_contributed_the_story_is_its_source():
    from indexer.extract.cleaning import parse_meta_line
    assert parse_meta_line("供稿单位：新闻中心") == {"source": "新闻中心"}
    credits = "<p>作者：吴掬清、胡蝶</p><p>供稿单位：科学技术发展研究院</p>"
    article = page(f"<h1>测试新闻标题在这里</h1><div class='text'>{STORY}{credits}</div>")
    assert article.source == "科学技术发展研究院" and "供稿单位" not in article.body


def test_a_columns_name_and_the_time_over_the_text_and_a_summary_box_repeating_the_lead_are_no_text():
    """上观新闻: `<span>教育在线</span><span>2019-09-15 20:21</span>` under the headline, then a
    `news-summary` box with the lead's sentence, then the text."""
    head = ("<div class='news-container'><h1 class='news-title'>中国国旗在人类商船航线的最高纬度、最险区段升起！他们穿越北极航道，开辟冰上丝路</h1>"
            "<div><span class='news-attr'>教育在线</span> <span class='news-attr'>2019-09-15 20:21</span></div>"
            "<div class='news-summary'>一艘载着远洋船员与研究人员的中国航船，成功驶过全球所有商船航线能够抵达的最北点。</div>")
    lead = "<p>北极圈传回最新消息！一艘载着远洋船员与研究人员的中国航船，成功驶过全球所有商船航线能够抵达的最北点。</p>"
    article = page(f"{head}<div class='news-content'>{lead}{STORY}</div></div>")
    assert article.body.startswith("北极圈传回最新消息"), article.body
    assert article.date == "2019-09-15"
    # a summary of its own (an abstract, a notice's summary) is text
    abstract = "<div class='abstract'>摘要：本文研究了城市更新中的社区治理问题，提出了三条政策建议。</div><p>关键词：城市更新；社区治理</p>"
    article = page(f"<h1>测试新闻标题在这里</h1><div class='text'>{abstract}{STORY}</div>")
    assert article.body.startswith("摘要：本文研究了城市更新"), article.body


def test_the_date_on_the_pages_own_line_after_the_text_with_its_source():
    closing = "<div class='info'>发布时间：2019年09月18日 20:30 来源：新华社 编辑：宿党辉</div>"
    related = "<div class='more'><h3>延伸阅读</h3><p><a href='/x'>人民日报评论员：一定要把我国制造业搞上去</a></p></div>"
    paragraphs = "".join(f"<p>第{n}段：这是正文的一段，讲述了考察的经过，内容相当具体，记者作了详细的报道。</p>" for n in range(30))
    article = page(f"<h1>测试新闻标题在这里</h1><div class='text'>{paragraphs}{related}</div>{closing}")
    assert article.date == "2019-09-18" and article.source == "新华社"


def test_a_headline_whose_title_tag_names_it_over_its_subtitle():
    """No <h1>: `<div class='sbt'>` prints the headline (the <title>'s first part) and `<div
    class='fbt'>` its subtitle over the date line; the headline is both, not the subtitle alone."""
    head = "<title>三代传承，各地交大人唱响生日颂歌献礼新中国成立70周年-上海交通大学“不忘初心,牢记使命”主题教育</title>"
    body = ("<div class='nav'><a href='/'>首页</a> &gt; <a href='/n'>新闻动态</a></div>"
            "<div class='sbt'>三代传承，各地交大人唱响生日颂歌献礼新中国成立70周年</div><div class='fbt'>青春为祖国歌唱，团结坚定共同奋进</div>"
            f"<div class='date'>日期：2019-09-30</div><div class='snr'>{STORY}</div>")
    assert page(body, head=head).title == "三代传承，各地交大人唱响生日颂歌献礼新中国成立70周年 青春为祖国歌唱，团结坚定共同奋进"
    # a site's name over a headline the <title> holds too is no headline
    head = "<title>某某市人民政府 - 关于做好冬季安全生产工作的通知</title>"
    body = (f"<div class='logo'>某某市人民政府</div><div class='tit'>关于做好冬季安全生产工作的通知</div>"
            f"<div class='date'>2019-09-30</div><div class='snr'>{STORY}</div>")
    assert page(body, head=head).title == "关于做好冬季安全生产工作的通知"


def test_a_reviews_counter_examples_to_this_rounds_rules():
    """Pages of other sites where first versions of this round's rules read too much."""
    from indexer.extract.authors import byline_authors
    from indexer.extract.cleaning import parse_meta_line
    # a photographer whose name ends in 文 is no writer (`/文` or a three-character name before 文 is)
    assert byline_authors("新华社记者 王博文 摄") == [] and byline_authors("（本报记者 张志文 刘洋摄）") == []
    # a data source after the date on the page's metadata line is the source; on a chart's line it is not
    assert parse_meta_line("发布时间：2024-03-05 资料来源：市统计局")["source"] == "市统计局"
    assert "source" not in parse_meta_line("图1 数据来源：国家统计局")
    # a <title> that is the site's name alone: the name over the headline is no part of it
    head = "<title>某某县人民政府门户网站</title>"
    body = (f"<div class='site'>某某县人民政府</div><div class='tit'>县政府召开第十二次常务会议</div>"
            f"<div class='date'>2024-03-05</div><div class='text'>{STORY}</div>")
    assert page(body, head=head).title == "县政府召开第十二次常务会议"
    # a short lead printed in the headline's block (Hong Kong papers) is still the lead
    lead = "兩街市停市三日大清洗後昨重開，市民照常買餸，衛生情況仍受關注。"
    paragraphs = "".join(f"<p>第{i}段正文，本報記者到街市視察，發現人流不多，只有數海鮮檔及乾貨店。</p>" for i in range(4))
    body = (f"<div><div id='leadin'><h1>街市重開 鼠患不改</h1><div class='leadin'><p>{lead}</p></div></div></div>"
            f"<div id='contentCTN'><div id='content'>{paragraphs}</div></div>")
    assert page(body, "<title>街市重開 鼠患不改</title>").body.split("\n")[0] == lead
    # an interview's last answer after a speaker's label is text; a 会议时间 line opening a notice too
    qa = "<p>记者：</p><p>最后想对读者说些什么</p><p>作者：</p><p>多读书，读好书</p>"
    assert page(f"<h1>测试新闻标题在这里</h1><div class='text'>{STORY}{qa}</div>").body.endswith("多读书，读好书")
    notice = "<p>会议时间 2024年3月15日</p>"
    assert "会议时间" in page(f"<h1>测试新闻标题在这里</h1><div class='text'>{notice}{STORY}</div>").body


def test_what_the_reporter_did_is_no_name():
    """`人民网记者现场报道：` and `中国网记者连线报道：` gave the authors 现场 and 连线, `记者近日报道` 近日."""
    from indexer.extract.authors import byline_authors
    for line in ("人民网记者现场报道：", "中国网记者连线报道：", "记者近日报道："):
        assert byline_authors(line) == [], line
    assert byline_authors("本报记者 张三报道：昨天") == ["张三"]


@pytest.mark.parametrize("line, source, authors", [
    ("来源：新华社（记者 张三）", "新华社", ["张三"]),
    ("来源：新华社 （记者 张三 李四）", "新华社", ["张三", "李四"]),
    ("来源：人民日报（记者：王五）", "人民日报", ["王五"]),  # the 记者 label inside the bracket
    ("来源：经济日报（记者 张三 通讯员 李四）", "经济日报", ["张三", "李四"]),
    ("来源：中国新闻网（作者 赵六）", "中国新闻网", ["赵六"]),
    ("来源：新华社（张三 摄）", "新华社", []),  # a photographer is no author
    ("来源：人民日报（海外版）", "人民日报（海外版）", []),  # an edition is part of the name
])
def test_a_reporters_byline_in_brackets_after_the_source_is_no_part_of_its_name(line, source, authors):
    """`来源：新华社（记者 张三）`: the source facet shows 新华社, not one value per reporter."""
    article = page(f"<h1>测试新闻标题在这里</h1><div class='info'>2024-03-05 10:20 {line}</div><div class='text'>{STORY}</div>")
    assert (article.source, article.authors) == (source, authors)


def test_a_byline_bracket_after_the_source_leaves_an_author_printed_before_it():
    from indexer.extract.cleaning import parse_meta_line
    assert parse_meta_line("作者：王二 来源：新华社（记者 张三）") == {"author": "王二", "source": "新华社"}


def test_the_outlet_before_a_correspondents_sent_from_byline_is_no_author():
    """乐居财经: `乐居财经 李奕和 发自广州` over the text."""
    byline = "<p>乐居财经 李奕和 发自广州</p>"
    assert page(f"<h1>测试新闻标题在这里</h1><div class='text'>{byline}{STORY}</div>").authors == ["李奕和"]
    from indexer.extract.authors import byline_authors
    assert byline_authors("界面新闻 李四 发自深圳") == ["李四"]
    assert byline_authors("张三 李四 发自华盛顿") == ["张三", "李四"]


def test_a_photographers_credit_without_brackets_closes_a_caption_not_text():
    """大公网: `湖南日报徐行 摄` under each picture; 新华社: `…回答记者提问。 新华社记者 陈晔华 摄`."""
    captions = ("<p>湖南日报徐行 摄</p><p>9月13日，国台办发言人回答记者提问。 新华社记者 陈晔华 摄</p>"
                "<p>10月4日，旅游专列开往襄阳。 通讯员刘娟摄</p>")
    article = page(f"<h1>测试新闻标题在这里</h1><div class='text'>{STORY}{captions}"
                   "<p>这是正文的第三段，说明他为什么要去拍摄那座山，后来又怎样了。</p></div>")
    assert "摄" not in article.body.replace("拍摄", "")
    assert article.body.endswith("后来又怎样了。")


def test_who_compiled_a_chart_from_public_data_is_no_text():
    """乐居财经: `乐居财经据公开资料整理` under a table of sales figures."""
    chart = "<p>乐居财经据公开资料整理</p>"
    article = page(f"<h1>测试新闻标题在这里</h1><div class='text'>{STORY}{chart}"
                   "<p>这是正文的第三段，他们据公开资料整理出一份名单，交给有关部门核实。</p></div>")
    assert "乐居财经据公开资料整理" not in article.body and "他们据公开资料整理出一份名单" in article.body


def test_a_box_labelled_as_the_summary_that_repeats_the_lead_is_no_text():
    """新浪乐居: `<div class="l_zyBox"><em>摘要</em><i>|</i>听说，…</div>` over the text that opens
    with the same sentences; a summary that says something of its own stays."""
    lead = "听说，上周六有个楼盘开盘即售罄，十四秒抢光！选房手快占优势，一秒都不敢犹豫。"
    box = f"<div class='l_zyBox'><em>摘要</em><i>|</i>{lead}具体哪个项目这么火？答案揭晓。</div>"
    text = f"<div class='body'><div class='edit'><p>{lead}</p>{STORY}</div></div>"
    article = page(f"<h1>测试新闻标题在这里</h1>{box}{text}")
    assert article.body.startswith(lead) and "摘要" not in article.body
    own = ("<div class='l_zyBox'><em>摘要</em><i>|</i>本文梳理了今年以来本市楼市调控的十项新政，"
           "并分析其影响，供读者参考。</div>")
    inside = f"<div class='body'><div class='edit'>{own}<p>{lead}</p>{STORY}</div></div>"
    assert "本文梳理了今年以来" in page(f"<h1>测试新闻标题在这里</h1>{inside}").body


def test_the_agency_of_a_dispatch_opening_the_text_is_its_source_when_the_page_names_none():
    """中评社: `中评社台北8月19日电（记者 张颖齐）…` and no 来源 printed."""
    lead = "<p>中评社台北8月19日电（记者 张颖齐）美国前总统17日在造势活动上发表讲话，引起各方关注。</p>"
    article = page(f"<h1>测试新闻标题在这里</h1><div class='text'>{lead}{STORY}</div>")
    assert (article.source, article.authors) == ("中评社", ["张颖齐"])
    printed = "<div class='info'>来源：中国新闻网</div>"
    lead = "<p>中新网1月4日电 据新加坡《联合早报》4日报道，医疗旅游是将旅游和医疗服务结合起来的一种旅游形式。</p>"
    assert page(f"<h1>测试新闻标题在这里</h1>{printed}<div class='text'>{lead}{STORY}</div>").source == "中国新闻网"


def test_the_place_a_reporter_wrote_from_run_into_the_byline_is_no_part_of_the_name():
    """潇湘晨报: `本报记者覃剑长沙报道`."""
    from indexer.extract.authors import byline_authors
    assert byline_authors("本报记者覃剑长沙报道") == ["覃剑"]
    assert byline_authors("本报记者李四北京报道") == ["李四"]
    assert byline_authors("本报记者张北京报道") == ["张北京"]  # a name of three: no place to take off


def test_a_papers_e_paper_is_the_paper():
    from indexer.extract.visible import clean_source
    assert clean_source("潇湘晨报数字报") == "潇湘晨报" and clean_source("聯合報電子報") == "聯合報"
    assert clean_source("南方日报数字版") == "南方日报" and clean_source("电子报") == "电子报"


def test_a_deck_beside_the_headline_is_no_lead_of_the_text():
    """潇湘晨报's e-paper: `<h1>` then a centred `<p>` that ends no sentence and the date, in one
    block over the text's; a lead printed with its headline ends its sentence and stays."""
    deck = "<p>因缺钱导致变性不彻底，“她”想通过盗窃攒钱再手术；目前已被取保候审</p><h6>2014年5月21日</h6>"
    header = f"<div class='biaot'><h1>测试新闻标题在这里</h1>{deck}</div>"
    text = STORY + ("<p>这是正文的第三段，看守所为此展开了一个专题会，专门讨论如何关押，最终决定单独关押。</p>"
                    "<p>这是正文的第四段，看守所还安排了女医师对其进行心理疏导，每天与其谈心三小时。</p>")
    article = page(f"<div class='content'>{header}<div id='neir'>{text}</div></div>")
    assert article.body.startswith("这是正文的第一段") and "因缺钱" not in article.body
    lead = "<p>本报讯 今年以来，本市坚持把民生工作放在首位，各项工作取得新进展。</p>"
    header = f"<div class='biaot'><h1>测试新闻标题在这里</h1>{lead}</div>"
    assert page(f"<div class='content'>{header}<div id='neir'>{text}</div></div>").body.startswith("本报讯 今年以来")


def test_a_deck_printed_beside_the_headline_before_the_texts_block_is_not_taken_for_its_lead():
    import lxml.html

    from indexer.extract.content import lead_before
    doc = lxml.html.fromstring(
        "<div><div class='biaot'><h1>测试新闻标题在这里</h1><p>因缺钱导致变性不彻底，“她”想通过盗窃攒钱再手术；"
        "目前已被取保候审</p><h6>2014年5月21日</h6></div><div id='neir'><p>正文。</p></div></div>")
    assert lead_before(doc.get_element_by_id("neir")) is None
    doc = lxml.html.fromstring(
        "<div><div class='biaot'><h1>测试新闻标题在这里</h1><p>本报讯 今年以来，本市坚持把民生工作放在首位，"
        "各项工作取得新进展。</p></div><div id='neir'><p>正文。</p></div></div>")
    assert lead_before(doc.get_element_by_id("neir")) is not None  # a lead printed with its headline


def test_a_lead_box_labelled_in_its_own_element_that_repeats_the_lead_is_no_text():
    """浙江在线: `<div class="daoyu"><span>导 语</span><p>就在…</p></div>` over the text that says it again."""
    lead = "就在美国变性人服兵役合法化刚满一年之际，事情出现了反转。近日，有关方面宣布了新的规定。"
    box = f"<div class='daoyu'><span class='dyBg'>导 语</span><p>{lead}</p></div>"
    text = f"<div class='artCon'><p>浙江在线杭州7月28日讯（记者 蒋敏华）{lead}</p>{STORY}</div>"
    article = page(f"<div class='right'><h1>测试新闻标题在这里</h1>{box}{text}</div>")
    assert article.body.startswith("浙江在线杭州7月28日讯") and "导 语" not in article.body
    assert article.source == "浙江在线"  # the dispatch's agency, the page naming none


def test_a_caption_or_deck_printed_over_a_dispatchs_dateline_is_no_text():
    """中国日报网: a photo's caption in a table cell, then `中国日报网7月1日电（记者 王政华）…`."""
    caption = "<table><tr><td><img src='a.jpg'></td></tr><tr><td>2015年，多对新人在美国举办婚礼。</td></tr></table>"
    lead = "<p>中国日报网7月1日电（记者 王政华）在上海的一场招聘会上，专家和企业领导人表示，一线城市日趋包容。</p>"
    article = page(f"<h1>测试新闻标题在这里</h1><div class='text'>{caption}{lead}{STORY}</div>")
    assert article.body.startswith("中国日报网7月1日电") and article.source == "中国日报网"
    # a text whose second paragraph names the paper, not a dateline, keeps its first
    opening = "<p>今年以来，本市坚持把民生工作放在首位。</p><p>本报记者走访了多个社区，群众满意度持续提高，受到广泛好评。</p>"
    assert page(f"<h1>测试新闻标题在这里</h1><div class='text'>{opening}{STORY}</div>").body.startswith("今年以来")


def test_a_date_printed_in_english_is_the_pages_date_when_it_prints_no_other():
    """界面's English edition: `<small class="time">06:00 Nov 15, 2019</small>` under the headline."""
    meta = "<div><small class='time'>06:00 Nov 15, 2019</small> | Stephanie Burt</div>"
    assert page(f"<h1>测试新闻标题在这里</h1>{meta}<div class='text'>{STORY}</div>").date == "2019-11-15"
    both = "<div>Saturday, September 10th, 2005</div><div>小叶子 发表于 2005-09-07 10:56</div>"
    assert page(f"<h1>测试新闻标题在这里</h1>{both}<div class='text'>{STORY}</div>").date == "2005-09-07"
    from indexer.dates import english_date, find_date
    assert english_date("15 November 2019") == "2019-11-15" and english_date("Sept. 3, 2020") == "2020-09-03"
    assert english_date("Mayor 15 2019") is None and english_date("Dec 32, 2019") is None
    assert find_date("06:00 Nov 15, 2019") is None  # (a filter or a metadata value keeps the forms it had)


def test_a_cms_account_in_the_meta_author_is_no_author_and_the_dispatchs_byline_is():
    """A government CMS fills `<meta name="Author">` with the account that posted the page
    (管理员): no person. The reporters are those the dispatch's byline names."""
    head = ("<title>今日入伏热浪再袭平潭</title><meta name='ArticleTitle' content='今日入伏热浪再袭平潭'>"
            "<meta name='PubDate' content='2015-07-13 07:57'><meta name='ContentSource' content='平潭时报'>"
            "<meta name='Author' content='{}'>")
    body = ("<h1>今日入伏热浪再袭平潭</h1><div class='article_content'><p>平潭时报讯 (记者 蔡起辉 通讯员 陈潇潇)"
            "上周，台风给我们带来了几天难得的清凉天气。可昨日开始，天气一夜之间回归炎热。</p>"
            "<p>气象部门提醒市民注意防暑降温，尽量减少午后外出。</p></div>")
    for account in ("管理员", "系统管理员", "administrator"):
        assert page(body, head.format(account)).authors == ["蔡起辉", "陈潇潇"], account
    assert page(body.replace("记者 蔡起辉 通讯员 陈潇潇", ""), head.format("管理员")).authors == []


GOV_TEXT = ("<p>3月12日上午，市委副书记、市长李建国主持召开市政府常务会议，研究部署城市更新、优化营商环境和生态环境保护等重点工作。"
            "会议指出，要坚持以人民为中心的发展思想。</p><p>会议强调，各区各部门要进一步压实责任，细化工作举措，"
            "确保老旧小区改造、背街小巷整治和雨污分流工程按时序推进。</p>")


@pytest.mark.parametrize("label", ["发布单位", "發布單位", "发布部门", "发布机关"])
def test_the_publishing_units_label_names_the_source(label):
    """`发布单位：内政部` under the headline of a page whose <title> is the site's name: the
    source, and the line is metadata (it was left in the text and taken for the title)."""
    article = page(f"<h1>市政府召开常务会议</h1><div>{label}：内政部</div><div>发布时间：2024-03-12</div>{GOV_TEXT}",
                   "<title>某某市人民政府</title>")
    assert (article.title, article.source, article.date) == ("市政府召开常务会议", "内政部", "2024-03-12")
    assert label not in article.body


@pytest.mark.parametrize("printed", ["113-03-12", "113/03/12", "113.03.12"])
def test_a_taiwan_pages_date_in_the_republics_numbers(printed):
    article = page(f"<h1>修正國土計畫法施行細則部分條文</h1><div>發布日期：{printed}</div>{GOV_TEXT}",
                   "<title>內政部全球資訊網</title>")
    assert (article.title, article.date) == ("修正國土計畫法施行細則部分條文", "2024-03-12")


def test_the_publication_date_wins_over_the_update_and_the_writing_dates():
    for line in ("更新时间：2024-03-20 发布时间：2024-03-12 来源：市政府办公室",
                 "成文日期：2024-03-10 发布日期：2024-03-12", "发布时间：2024-03-12 更新时间：2024-03-20"):
        assert page(f"<h1>市政府召开常务会议</h1><div>{line}</div>{GOV_TEXT}").date == "2024-03-12", line
    assert page(f"<h1>市政府召开常务会议</h1><div>更新时间：2024-03-20</div>{GOV_TEXT}").date == "2024-03-20"
    for lines in ("<div>更新时间：2024-03-20</div><div>发布时间：2024-03-12</div>",
                  "<table><tr><td>成文日期：2024-03-10</td></tr><tr><td>发布日期：2024-03-12</td></tr></table>"):
        assert page(f"<h1>市政府召开常务会议</h1>{lines}{GOV_TEXT}").date == "2024-03-12", lines  # (on lines of their own)
    dump = ("市政府召开常务会议\n更新时间：2024-03-20\n发布时间：2024-03-12\n\n3月12日上午，市委副书记、市长李建国主持召开"
            "市政府常务会议，研究部署城市更新、优化营商环境和生态环境保护等重点工作。\n")
    assert list(extract_file(dump.encode(), "d.txt"))[0].date == "2024-03-12"


def test_print_and_close_buttons_after_the_source_are_not_part_of_it():
    article = page(f"<h1>市政府召开常务会议</h1><div>发布时间：2024-03-15　来源：市应急管理局　【打印】【关闭】</div>{GOV_TEXT}")
    assert article.source == "市应急管理局"


@pytest.mark.parametrize("field", ["文号：某政发〔2024〕5号", "承办人：王小明", "所属栏目：工作动态", "索引号：11340000-2024-00012"])
def test_a_record_field_between_the_headline_and_the_text_is_not_the_headline(field):
    """A page whose <title> is only the site's name: the headline is found above the text, and a
    labelled field printed between them (文号, 承办人, 所属栏目, 索引号) is not it."""
    article = page(f"<h1>市政府召开常务会议</h1><div>{field}</div><div>发布时间：2024-03-12</div>{GOV_TEXT}",
                   "<title>某某市人民政府</title>")
    assert article.title == "市政府召开常务会议"


@pytest.mark.parametrize("headline", ["关键词：稳中求进", "标签：我的2024", "栏目：新春走基层"])
def test_a_headline_written_as_a_label_and_its_words_stays_the_headline(headline):
    article = page(f"<h1>{headline}</h1><div>发布时间：2024-03-12</div>{GOV_TEXT}", "<title>某某市人民政府</title>")
    assert article.title == headline


def test_a_dashed_subtitle_under_a_vouched_headline_joins_the_title():
    """`<h2>——我市多措并举保障粮食安全</h2>` under an <h1> equal to the <title>: the subtitle was in
    neither the title nor the text (a search for 多措并举 found nothing); it joins the title."""
    head = "<title>春耕备耕正当时 田间地头忙生产</title>"
    article = page("<h1>春耕备耕正当时 田间地头忙生产</h1><h2>——我市多措并举保障粮食安全</h2>"
                   f"<div>来源：某某日报 发布时间：2024-03-05</div><div class=content>{GOV_TEXT}</div>", head)
    assert article.title == "春耕备耕正当时 田间地头忙生产 ——我市多措并举保障粮食安全"
    plain = page(f"<h1>春耕备耕正当时 田间地头忙生产</h1><h2>相关新闻</h2><div class=content>{GOV_TEXT}</div>", head)
    assert plain.title == "春耕备耕正当时 田间地头忙生产"
    for credit in ("——本报记者 张三 李四", "——2024年3月5日", "——转自新华网", "—— 摄影 王五"):  # no subtitles
        dashed = page(f"<h1>春耕备耕正当时 田间地头忙生产</h1><p>{credit}</p><div class=content>{GOV_TEXT}</div>", head)
        assert dashed.title == "春耕备耕正当时 田间地头忙生产", credit


def test_a_sites_reprint_policy_and_share_labels_are_not_the_articles_text():
    """A regulator's page closes every article with its numbered reprint policy (`1.凡本站及其子站
    注明…`, `2.…目的在于传递更多信息，并不代表本站…观点`) under `附件信息:` and `手机扫一扫打开此页`,
    and prints a share button's `QQ` over the text; an opinion page closes with `言論不代表本報立場`.
    None is the article; a notice's own `凡本市户籍居民…` closing sentence is."""
    policy = ("<p>1.凡本站及其子站注明“文章类型：原创”的所有作品，其版权属于国家金融监督管理总局网站及其子站所有。"
              "其他媒体、网站或个人转载使用时必须注明：“文章来源：国家金融监督管理总局网站”。</p>"
              "<p>2.凡本站及其子站注明“文章类型：转载”的所有作品，均转载自其他媒体，转载的目的在于传递更多信息，"
              "并不代表本站及子站赞同其观点和对其真实性负责。</p>")
    article = page(f"<h1>测试新闻标题在这里</h1><div class='content'><p>QQ</p>{STORY}"
                   f"<p>附件信息:</p><p>手机扫一扫打开此页</p>{policy}</div>")
    assert article.body.startswith("这是正文的第一段") and article.body.endswith("他们都表达了自己的看法。")
    opinion = page(f"<h1>测试新闻标题在这里</h1><div class='content'>{STORY}"
                   "<p>●作者王大明，台北市，大學教授。本文為網友投稿，言論不代表本報立場。</p></div>")
    assert opinion.body.endswith("他们都表达了自己的看法。")
    for closing in ("凡本市户籍居民均可在工作日到街道办事处申请补贴，逾期不再受理。",
                    "凡注明“急件”的公文，各单位须在当日内办结并反馈。",
                    "事件发生后，该电视台发表声明称，嘉宾的言论仅代表其个人，不代表本台立场，并向观众致歉。",
                    "专家认为这项政策很有必要。（作者系某大学教授，本文仅代表作者个人观点，不代表本网立场）"):
        kept = page(f"<h1>测试新闻标题在这里</h1><div class='content'>{STORY}<p>{closing}</p></div>")
        assert kept.body.endswith(closing), closing  # a notice's rule, a report of a statement, text with its note
    alone = page("<h1>测试新闻标题在这里</h1><div class='content'><p>这是一篇只有一段的评论，作者认为改革需要耐心，"
                 "也需要勇气。本文仅代表作者观点，不代表本站立场。</p></div>")
    assert alone.body.startswith("这是一篇只有一段的评论")  # never the whole text
    heading = page(f"<h1>测试新闻标题在这里</h1><div class='content'><p>手机扫一扫 缴费更便捷</p>{STORY}</div>")
    assert heading.body.startswith("手机扫一扫 缴费更便捷")  # a subheading, not the share widget


def test_a_writers_card_printed_over_the_text_is_not_its_lead():
    """A partner's article opens with the writer's card (`<section class="authors-wrapper">`: a
    name, a bio of the outlet in sentences) just before the text: it was taken for the lead."""
    card = ("<div class='item'><section class='authors-wrapper'><div class='card'><a href='/author/time'>TIME</a>"
            "<p class='card-text'>時代雜誌是全球最受信賴的新聞來源，透過卓越報導、文字與攝影捕捉那些形塑我們生活的事件，"
            "旗下擁有多個經典品牌。</p></div></section></div>")
    article = page(f"<h1>测试新闻标题在这里</h1>{card}<section class='article-body'>{STORY}{STORY}</section>")
    assert article.body.startswith("这是正文的第一段") and "時代雜誌" not in article.body
    lead = ("<p>新华社北京3月5日电，国务院今天召开常务会议，部署春季农业生产工作，要求各地压实责任，"
            "确保粮食安全。</p>")
    beside = page(f"<h1>测试新闻标题在这里</h1><div class='head'><div class='author-box'><a href='/a'>张三</a></div>"
                  f"{lead}</div><div class='content'>{STORY}{STORY}</div>")
    assert beside.body.startswith("新华社北京3月5日电")  # a lead in the block beside a card stays the lead


def test_captions_over_an_outlets_own_dispatch_line_are_not_the_text():
    """`中工网讯 9月26日，…` opens a report as `本报讯` does: the photo captions printed over it
    (`工作人员正在检测水质`) are not its text."""
    article = page("<h1>测试新闻标题在这里</h1><div class='content'><p>工作人员正在检测水质</p>"
                   "<p>邵阳县白仓镇东方红自来水厂工程</p><p>中工网讯 9月26日，全国媒体湖南行媒体团来到邵阳县，"
                   "看邵阳如何让群众喝上放心水，记者采访了多位村民和水厂工作人员。</p>" + STORY + "</div>")
    assert article.body.startswith("中工网讯 9月26日，全国媒体湖南行")


def test_a_paragraph_that_quotes_a_reporter_or_names_a_source_is_text_not_metadata():
    """`…告诉记者：“…”`, an interview's `记者：…？` and `…四十座。来源：县农业农村局统计` are
    sentences of the article: they were read as a byline or a source line and left out of the
    text (a phrase search for them found nothing), in pages and in text dumps alike."""
    lines = ["村支书李大山告诉记者：“今年合作社的收入比去年翻了一番，大家干劲更足了。”",
             "记者：两位都在赛场留下了不少经典比赛，最让自己难忘的是哪场？",
             "该村今年新建大棚四十座。来源：县农业农村局统计"]
    html = page(f"<h1>测试新闻标题在这里</h1><div class='content'>{STORY}"
                + "".join(f"<p>{line}</p>" for line in lines) + f"{STORY}</div>")
    dump, = extract_file(("测试新闻标题在这里\n\n" + "\n".join("　　" + line for line in [
        "这是正文的第一段，讲述了一件发生在本市的新闻事件，内容相当具体。", *lines,
        "这是正文的最后一段，记者采访了多位市民，他们都表达了自己的看法。"]) + "\n").encode(), "a.txt")
    for article in (html, dump):
        for line in lines:
            assert line in article.body, (line, article.body)
        assert not article.authors and article.source is None
    byline = page(f"<h1>测试新闻标题在这里</h1><div class='content'><p>作者|杨望（中国人民大学研究员）杨玲宁（副研究员）</p>"
                  f"{STORY}</div>")
    assert byline.authors == ["杨望", "杨玲宁"]  # names with their affiliations are still a byline


def test_a_subtitle_heading_under_the_headline_joins_the_title():
    """`<h1>` headline, `<h2 class="sub">` subtitle under it (no dash): the subtitle was in neither
    the title nor the text, so a search for it found nothing."""
    head = ("<title>习近平给王杰班全体战士回信_新闻频道_测试网</title>"
            "<meta name='ArticleTitle' content='习近平给“王杰班”全体战士回信'>")
    article = page("<h1>习近平给“王杰班”全体战士回信</h1><h2 class='sub'>勉励他们努力做新时代的好战士</h2>"
                   f"<div class='info'>2019年02月02日05:00 来源：人民日报</div><div id='content'>{STORY}</div>", head=head)
    assert article.title == "习近平给“王杰班”全体战士回信 勉励他们努力做新时代的好战士"
    section = page("<h1>习近平给“王杰班”全体战士回信</h1><h2>相关报道：</h2>"
                   f"<div id='content'>{STORY}</div>", head=head)
    assert section.title == "习近平给“王杰班”全体战士回信"  # a section's label is no subtitle


def test_a_kicker_heading_over_the_headline_opens_the_text():
    """`<h3>庆祝建军节特别报道</h3>` printed over the `<h1>`: no part of the headline, and it was in
    neither the title nor the text (a search for it found nothing); it opens the text, as a dump's
    kicker does. A column's name there (`<h3>要闻</h3>`, linked or furniture) is not one."""
    head = ("<title>习近平给王杰班全体战士回信_新闻频道_测试网</title>"
            "<meta name='ArticleTitle' content='习近平给“王杰班”全体战士回信'>")
    article = page("<h3 class='pre'>庆祝建军节特别报道</h3><h1>习近平给“王杰班”全体战士回信</h1>"
                   f"<div class='info'>2019年02月02日05:00 来源：人民日报</div><div id='content'>{STORY}</div>", head=head)
    assert article.title == "习近平给“王杰班”全体战士回信"
    assert article.body.startswith("庆祝建军节特别报道\n这是正文的第一段")
    column = page("<h3><a href='/news/'>新闻中心</a></h3><h1>习近平给“王杰班”全体战士回信</h1>"
                  f"<div id='content'>{STORY}</div>", head=head)
    assert column.body.startswith("这是正文的第一段")


def test_a_sidebars_cards_inside_links_are_not_the_text_however_long():
    """A finance portal's sidebar of commentators' posts, each a card inside a link
    (`<a href><div class="content">…</div></a>`), one longer than a short dispatch: it was
    taken as the text, and the dispatch could not be found. A card inside a link is link text."""
    short = ("<h1>中铁总辟谣称消息不实</h1><div class='article' id='artibody'>"
             "<p>新京报快讯 今日有网友爆料，有大量账号数据在暗网低价出售。</p>"
             "<p>今晚，铁路部门发布辟谣消息称：网传信息不实，网站未发生用户信息泄漏。</p></div>")
    card = ("<li><a href='/bozhu/1'><span class='avatar'><img src='a.jpg'></span><div class='tw-text'>"
            "<h3>某博主<span class='time'>今天 12:06</span></h3><div class='content'>"
            "指数午前高开低走，和直播间一早分析一致。板块红盘居多，表现强势的是边缘计算、数字孪生、国产操作系统、"
            "超清视频、物联网、通信等，绿盘的是猪肉、港口。个股表现看，上涨居多，涨停集中在科技股，超跌反弹依旧是主力。"
            "</div></div></a></li>")
    article = page(f"{short}<div class='zhibo'><ul>{card}</ul></div>")
    assert "暗网低价出售" in article.body and "指数午前" not in article.body


def test_closing_credits_without_a_colon_or_of_one_channel_are_not_text_nor_authors():
    """`编辑 左燕燕` / `校对 薛京宁` closing the text with a space for a colon, and `微信编辑：皮小姐`
    (the editor of one channel) were kept as the text's last lines; and the byline's
    `新京报 记者 吴采倩 编辑 左燕燕` gave the editor as an author."""
    article = page("<h1>测试新闻标题在这里</h1><div class='author'>某报 记者 王小明 编辑 李大华</div>"
                   f"<div class='text'>{STORY}<p>编辑 李大华</p><p>校对 赵一一</p><p>微信编辑：钱二二</p></div>")
    assert article.body.endswith("他们都表达了自己的看法。")
    assert article.authors == ["王小明"]


@pytest.mark.parametrize("after", [
    "<p>© 2024 某台版權聲明：本文所有內容受到著作權法保護，如無本台特別授權，不得擅自使用。任何不當行為都將導致追償，"
    "並受到刑事追究，本台保留一切法律權利，特此聲明，敬請各界媒體與讀者朋友們理解與配合。</p>",
    "<p>版权声明 本网站所有注明“来源：某网”的文字、图片和音视频资料，版权均属于某网所有，非经授权，任何媒体、网站或个人"
    "不得转载，否则将追究法律责任，取得书面授权转载时须注明出处。</p>",
    "<p>原文出自某某看世界臉書，某傳媒經授權轉載。</p>",
    "<p>九成用户都在用某网APP 随时阅读、评论、分享交流 请扫描二维码下载-></p>",
    "<p>（綜合報道）</p>",
    "<p>第 <a href='?p=1'>[1]</a> <a href='?p=2'>[2]</a> 页</p>",
    "<div class='ad'><div><span>广告</span></div><div><span>X</span></div></div>",
    "<p>守护自由空间，请支持《某某论坛》</p><p>可选择：网上捐款（信用卡）或</p><p>转数快 +852 12345678（注明奉献）</p>",
])
def test_notices_appeals_and_widgets_after_the_text_are_not_text(after):
    """A site's copyright notice opening with `©` or `版权声明` however long, a note that a post was
    reprinted by permission, an app's download box, a wire credit alone on its line
    (`（綜合報道）`), page links (`第 [1] [2] 页`), an ad's close button and a donation appeal with
    the means to give under it: all were kept as the text's last lines."""
    article = page(f"<h1>测试新闻标题在这里</h1><div class='text'>{STORY}{after}</div>")
    assert article.body.endswith("他们都表达了自己的看法。"), article.body


def test_a_bracketed_summary_label_in_nested_tags_heads_a_teaser_box():
    """`<td><strong><font>[提要]</font></strong>…</td>` over the text, the label two tags down and
    no colon after it, its summary rewriting the lead and keeping only its last sentence; and
    the photo under it credited `某频道 供图`: both were the text's first lines."""
    lead = ("<p>这是正文的第一段，讲述了一件发生在本市的新闻事件。对于他们来说，这是一个最美好的梦想。</p>"
            "<p>这是正文的第二段，记者采访了多位市民，他们都表达了自己的看法。</p>")
    article = page("<h1>测试新闻标题在这里</h1><div class='text'><table><tr><td>　<strong><font>[提要]</font></strong>"
                   "一件发生在本市的事情引起了关注，记者进行了采访。对于他们来说，这是一个最美好的梦想。</td></tr></table>"
                   f"<p><img src='a.jpg'></p><p>两人在家中合影 某网健康频道 供图</p>{lead}</div>")
    assert article.body.startswith("这是正文的第一段"), article.body


def test_a_press_releases_header_and_a_labelled_timestamp_are_not_the_texts_first_lines():
    """A government press release's header over its text (`發稿單位：…` / `發稿日期：111年5月17日`, the
    Republic's year in words / `聯 絡 人：…`), and a paper's `<div>香港時間</div>2020年09月07日(一) 14:00`
    (a weekday in brackets): all were kept as the text's first lines."""
    release = page("<h1>测试新闻标题在这里</h1><div class='text'><p>發稿單位：性別平等辦公室</p>"
                   "<p>發稿日期：111年5月17日</p><p>聯 絡 人：某辦公室執行秘書王小明(1999轉2320)</p>"
                   f"{STORY}</div>")
    assert release.body.startswith("这是正文的第一段"), release.body
    assert release.date == "2022-05-17" and release.source == "性別平等辦公室"
    stamped = page("<h1>测试新闻标题在这里</h1><div class='text'><div class='edit'><div class='hkdate'>香港時間</div>"
                   f"2020年09月07日(一) 14:00</div>{STORY}</div>")
    assert stamped.body.startswith("这是正文的第一段"), stamped.body
    assert stamped.date == "2020-09-07"


def test_sources_labelled_稿源_classed_in_camel_case_or_printed_before_a_reprint_note():
    """`稿源：` was no source label; `<span class="articleSource">` no source element (only
    `article-source` was); and `来源：某晚报` closing the text four lines before the page's
    `本文转自：某新闻网` gave way to it, the site this copy was taken from (a long text: not read with
    the lines under the headline)."""
    labelled = page(f"<h1>测试新闻标题在这里</h1><div class='info'><span>稿源： <a href='/'>某某新闻</a></span></div>"
                    f"<div class='text'>{STORY}</div>")
    assert labelled.source == "某某新闻"
    classed = page(f"<h1>测试新闻标题在这里</h1><div class='tool'><span class='articleSource'>某观新闻</span></div>"
                   f"<div class='text'>{STORY}</div>")
    assert classed.source == "某观新闻"
    reprinted = page(f"<h1>测试新闻标题在这里</h1><div class='text'>{STORY * 15}<p>来源：某某晚报</p>"
                     "<p>原标题：测试新闻标题在这里</p><p>记者 王小明</p>"
                     "<p class='from'>本文转自：<a href='/'>某某新闻网 example.com</a></p></div>")
    assert reprinted.source == "某某晚报"


def test_an_interviewers_credit_with_its_date_and_a_caption_under_a_two_line_headline():
    """`采访：邓力行 / 2023年2月7日` under a headline printed on two lines (a `<br>` between its parts,
    the `<title>` both parts), then a photo's caption closed by its bracketed credit
    (`上诉人王小明。（某台新闻截图）`): 采访 was no author's label, so the caption was taken for the
    headline, and the page had neither author nor date."""
    article = page("<div class='head'><p>某案终审胜诉<br>甲方欢迎 乙方遗憾</p></div><p>采访：王小明 /  2023年2月7日</p>"
                   f"<p><img src='a.jpg'>上诉人李大华。（某台新闻截图）</p><div class='text'>{STORY}</div>",
                   head="<title>某案终审胜诉 甲方欢迎　乙方遗憾</title>")
    assert article.title == "某案终审胜诉 甲方欢迎 乙方遗憾"
    assert article.authors == ["王小明"] and article.date == "2023-02-07"


def test_the_sites_own_name_as_the_microdata_author_is_no_author():
    """`<meta name="author" itemprop="author" content="某某新聞">` beside `og:site_name` 某某新聞: the
    author tag the publisher's name was left out, its microdata copy was taken for a person."""
    article = page(f"<h1>测试新闻标题在这里</h1><div class='text'>{STORY}</div>",
                   head="<title>测试新闻标题在这里｜某某新聞</title><meta name='author' itemprop='author' content='某某新聞'>"
                        "<meta property='og:site_name' content='某某新聞'>")
    assert article.authors == []


@pytest.mark.parametrize("mark,source", [("【某某论坛讯】", "某某论坛"), ("【某报專訊】", "某报"), ("【本报讯】", None), ("【突发快讯】", None)])
def test_an_outlets_dispatch_mark_opening_the_text_names_the_source(mark, source):
    """`【时代论坛讯】` opening the text of a page that names no source otherwise: the outlet's own
    mark (`…專訊` its exclusive) was not read; `【本报讯】` and a label (`【快讯】`) name none."""
    article = page(f"<h1>测试新闻标题在这里</h1><div class='text'><p>{mark}这是正文的第一段，讲述了一件发生在本市的新闻事件。</p>"
                   f"{STORY}</div>", head="<title>测试新闻标题在这里</title>")
    assert article.source == source


@pytest.mark.parametrize("line,date", [
    ("某某新闻网  09-11-21 13:34  【打印本页】 来源：某报", "2009-11-21"), ("日期：09-11-21", "2009-11-21"),
    ("某某新闻网  99-11-21 13:34", None),  # (1999, or the Republic's year 99: unread)
    ("某某新闻网  09-11-21", None),  # (no time, no label: not a date for certain)
])
def test_a_day_with_a_two_digit_year_under_the_headline_dates_the_page(line, date):
    """`09-11-21 13:34` under the headline, with its time, or after 日期: the page's only date, and
    unread for its two-digit year."""
    article = page(f"<h1>测试新闻标题在这里</h1><div class='info'>{line}</div><div class='text'>{STORY}</div>")
    assert article.date == date


def test_a_print_button_in_brackets_before_the_source_label_is_no_author():
    """`【打印本页】 来源：某报`: a name in brackets before 来源 is the author's (`[ 黄宇 ] 来源：…`); a
    page's button so printed was taken for one."""
    article = page(f"<h1>测试新闻标题在这里</h1><div class='info'>2020-01-02 【打印本页】 来源：某报</div><div class='text'>{STORY}</div>")
    assert article.authors == [] and article.source == "某报"


def test_credits_in_brackets_or_after_the_name_and_a_copyright_contact_close_no_text():
    """`【记者】张三` and `【通讯员】李四` on lines of their own after the text (the reporter an author,
    the correspondent not), `王小明/编译`, and a site's `如遇作品内容、版权等问题…与本网联系` notice:
    each was kept as the text's last lines, and the reporter was no author."""
    article = page(f"<h1>测试新闻标题在这里</h1><div class='text'>{STORY}<p>【记者】张大华</p><p>【通讯员】李小明</p></div>")
    assert article.authors == ["张大华"]
    assert "张大华" not in article.body and "李小明" not in article.body
    compiled = page(f"<h1>测试新闻标题在这里</h1><div class='text'>{STORY}<p>王小明/编译</p>"
                    "<p>如遇作品内容、版权等问题，请在相关文章刊发之日起30日内与本网联系。版权侵权联系电话：010-12345678</p></div>")
    assert compiled.body.endswith("他们都表达了自己的看法。") and "版权" not in compiled.body and "编译" not in compiled.body


def test_a_contact_address_over_the_text_is_not_its_first_line():
    """`邮箱：news@example.com` printed between the headline's block and the text opened the text."""
    article = page(f"<h1>测试新闻标题在这里</h1><div class='text'><p>邮箱：news@example.com</p>{STORY}</div>")
    assert not article.body.startswith("邮箱") and "news@example.com" not in article.body


def test_a_related_news_heading_closes_the_text_and_the_tipping_and_rating_widgets_under_it():
    """`相关资讯` (related news) over a tech site's tipping, voting and rating widgets (`支持打赏`,
    `文章价值打分`): 相关阅读 and 相关新闻 closed the text, 相关资讯 did not, and the widgets were its last lines."""
    article = page(f"<h1>测试新闻标题在这里</h1><div class='text'>{STORY}<p>相关资讯</p><p>支持打赏</p><p>支持4人</p>"
                   "<p>反对</p><p>文章价值打分</p><p>当前文章打分5 分，共有1人打分</p></div>")
    assert article.body.endswith("他们都表达了自己的看法。")


@pytest.mark.parametrize("opening", ["<a href='/story/1'>", "<a href='/story/1'><div>"])
def test_a_link_left_open_before_the_article_does_not_make_its_text_a_link(opening):
    """An `<a>` never closed before the article's block takes in the headline, the text and the
    footer; the page gave "no article text found", as if its paragraphs were a link's text."""
    article = page(f"<div class='nav'><a href='/'>首页</a> <a href='/news'>新闻</a></div>{opening}"
                   f"<div class='article'><h1>测试新闻标题在这里</h1><div>2024-05-06 来源：新华社</div>{STORY}"
                   "<p>这是正文的第三段，主办方介绍了活动的安排，今后还将继续举办。</p></div>"
                   "<div class='footer'>版权所有 某网</div>")
    assert article.title == "测试新闻标题在这里" and article.source == "新华社"
    assert article.body.startswith("这是正文的第一段") and article.body.endswith("今后还将继续举办。")


def test_cards_that_are_links_stay_a_list_of_links():
    """The other side of the rule above: a section page whose entries are `<a>` cards holding a
    heading and a short teaser is a list of links, not an article."""
    cards = "".join(f"<li><a href='/story/{n}'><h3>第{n}条新闻的标题在这里</h3><p>这是第{n}条新闻的摘要，简要介绍了内容。</p></a></li>"
                    for n in range(12))
    html = f"<html><head><meta charset='utf-8'><title>新闻列表_某网</title></head><body><ul>{cards}</ul></body></html>"
    (result,) = extract_file(html.encode(), "list.html")
    assert isinstance(result, Skipped), result


@pytest.mark.parametrize("after", [
    "<p>Advertisements</p><p>Most Popular</p><p>网编：和评</p><p>鲜花(0)</p><p>鸡蛋(3)</p>",
    "<p>(编译 鲍天佑)</p>",
    "<p>*以上内容系网友自行转载自某某号，该文仅代表原作者观点和态度。本平台仅提供信息存储空间服务。</p>"
    "<p>某某科学公众号目前已经有多个交流群，进群请扫描下方二维码，备注姓名和研究领域，此群仅限专业人士加入。</p>",
    "<p>原文链接：</p><p>https://www.nature.com/articles/s41586-024-07789-z</p>"
    "<p>本文旨在行业资讯和知识分享，无任何商业用途。文章仅代表作者观点，不代表本站立场。</p><p>发现“分享”和“赞”了吗，戳我看看吧</p>",
    "<p>相關連結</p><p>該研究PDF(備份)</p>",
    "<p>相關媒體報告</p><p>某報：報告發布</p>",
    "<p>参考文献：</p><p>1.李璞主编.医学遗传学[M].北京：中国协和医科大学出版社，2000</p>",
    "<p>消息来源</p><p>沈禄佩，德国通过《性别自决法》，公视，2024年4月15日。</p>",
    "<p>在瞬息万变的社会中，我们希望将讯息更快速传达给您，恳请您为今日报奉献一份心力。（点此奉献）</p><p>关键字</p>",
])
def test_what_sites_of_other_kinds_print_after_the_text_is_not_its_end(after):
    """Under the text of portals, NGOs, wikis and overseas papers: English ad labels and a
    `Most Popular` box, a compiler's credit in brackets, a platform's note that a post is its
    author's view only (with the account's promotion after it), an original's address, related
    links (`相關連結`), a list of references or sources, an appeal for donations."""
    article = page(f"<h1>测试新闻标题在这里</h1><div class='text'>{STORY}{after}</div>")
    assert article.body.endswith("他们都表达了自己的看法。"), article.body


@pytest.mark.parametrize("before", [
    "<p>字级大小：</p>",
    "<p>https://news.example.cn/20240802/1060756921.html</p>",
    "<p>【2024年3月9日讯】</p>",
])
def test_a_widget_an_address_or_a_bracketed_date_over_the_text_is_not_its_first_line(before):
    article = page(f"<h1>测试新闻标题在这里</h1><div class='text'>{before}{STORY}</div>")
    assert article.body.startswith("这是正文的第一段"), article.body


def test_the_outlets_name_over_the_text_is_its_source_not_a_line_of_it():
    article = page(f"<h1>测试新闻标题在这里</h1><div class='text'><p>来源：某某通讯社</p><p>某某通讯社</p>{STORY}</div>")
    assert article.source == "某某通讯社" and article.body.startswith("这是正文的第一段"), article


def test_a_font_size_stated_in_a_regulation_is_text():
    """The font-size widget's words inside a sentence of a rule (`字體大小為每字1.8cm以上`) stay."""
    article = page(f"<h1>测试新闻标题在这里</h1><div class='text'>{STORY}<p>（二）如係車用滅火器，字體大小為每字1.8 × 1.8cm以上。</p></div>")
    assert article.body.endswith("字體大小為每字1.8 × 1.8cm以上。")


def test_a_source_printed_with_its_date_after_yu_is_the_name_alone():
    """`新闻来源: 晚邮报 于2024-10-25 14:30:18`: the source was `晚邮报 于`."""
    article = page(f"<h1>测试新闻标题在这里</h1><div>新闻来源: 晚邮报 于2024-10-25 14:30:18</div><div class='text'>{STORY}</div>")
    assert article.source == "晚邮报" and article.date == "2024-10-25"


def test_a_donation_link_in_brackets_is_no_author():
    """`…恳请您为今日报奉献一份心力。（点此奉献）` under the text: `点此奉献` was read as a closing credit's name."""
    article = page(f"<h1>测试新闻标题在这里</h1><div class='text'>{STORY}"
                   "<p>我们希望将讯息更快速传达给您，恳请您为本报奉献一份心力。（点此奉献）</p></div>")
    assert article.authors == [] and article.body.endswith("他们都表达了自己的看法。")


@pytest.mark.parametrize("line", ["By Ryan Foley, Contributor | 星期三, 2024年07月 24日", "京華時報2005年02月26日"])
def test_a_byline_in_english_or_a_paper_and_its_date_over_the_text_is_not_its_first_line(line):
    article = page(f"<h1>测试新闻标题在这里</h1><div class='text'><p>{line}</p>{STORY}</div>")
    assert article.body.startswith("这是正文的第一段"), article.body


LEAD = "这是文章的导语，概括了整件事情的来龙去脉，读者一看便知道发生了什么。"


def test_a_lead_named_as_one_above_the_byline_and_date_opens_the_text():
    """`<p class="t-content__chapo">` (or a CMS's `field-news-story-lead`) under the headline, the
    writer, the date, the reading time and the share bar between it and the text's block: the
    lead paragraph was lost, and with it the sentence a reader searches for."""
    article = page(f"<div class='head'><h1>测试新闻标题在这里</h1><div class='x-lead'><p>{LEAD}</p></div>"
                   "<div class='authors'>作者：弗林</div><div class='dates'>2023年9月1日</div><div>6 分鐘</div>"
                   f"<div class='shares'><a href='/s'>分享</a></div></div><div class='body'>{STORY}</div>")
    assert article.body.startswith(LEAD) and article.body.endswith("他们都表达了自己的看法。"), article.body
    assert "分鐘" not in article.body and "弗林" not in article.body


def test_a_named_lead_the_text_repeats_is_not_added():
    repeated = STORY[3:3 + STORY[3:].index("</p>")]
    article = page(f"<h1>测试新闻标题在这里</h1><p class='lead'>{repeated}</p><div class='date'>2023年9月1日</div>"
                   f"<div class='body'>{STORY}</div>")
    assert article.body.count("这是正文的第一段") == 1


def test_a_caption_closed_by_its_credit_after_a_copyright_sign_is_no_text():
    article = page(f"<h1>测试新闻标题在这里</h1><div class='text'>{STORY}"
                   "<p>2023年9月1日，被形容为完美风暴的超强台风吹袭广东省一带，逼近香港。台风结构紧密，风眼清晰可见，"
                   "预示风力强劲(香港天文台1日早上10时半卫星截图) © 香港天文台1日早上10时半卫星截图</p>"
                   "<p>这是正文的第三段，主办方介绍了活动的安排，今后还将继续举办。</p></div>")
    assert "香港天文台" not in article.body and article.body.endswith("今后还将继续举办。")


def test_a_story_dated_in_its_own_zone_keeps_the_day_it_is_printed_with():
    """An overseas paper's `datePublished` of 2021-04-29T14:14:00-04:00 under a headline printed
    `2021年04月 29日`: read in China's time it became the 30th, a day the page never shows."""
    ld = '{"@type": "NewsArticle", "headline": "测试新闻标题在这里", "datePublished": "2021-04-29T14:14:00-04:00"}'
    article = page(f"<h1>测试新闻标题在这里</h1><div class='text'>{STORY}</div>",
                   f"<title>测试新闻标题在这里_某网</title><script type='application/ld+json'>{ld}</script>")
    assert article.date == "2021-04-29"


@pytest.mark.parametrize("head, source", [
    ("<title>测试新闻标题在这里 - 梵蒂冈新闻网</title><meta property='og:site_name' content='Vatican News'>"
     "<script type='application/ld+json'>{\"publisher\": {\"@type\": \"Organization\", \"name\": \"Vatican News\"}}</script>",
     "梵蒂冈新闻网"),
    ("<title>测试新闻标题在这里│颱風專區│TVBS新聞網</title><meta name='source' content='TVBS'>", "TVBS新聞網"),
    ("<title>测试新闻标题在这里 | ETtoday論壇新聞 | ETtoday 新聞雲</title><meta name='source' content='ETtoday'>", "ETtoday"),
    ("<title>测试新闻标题在这里│三立新聞網  SETN.COM</title>"
     "<meta property='og:title' content='测试新闻标题在这里│三立新聞網  SETN.COM'>", "三立新聞網"),
])
def test_a_site_named_in_latin_letters_is_named_as_its_title_prints_it_in_chinese(head, source):
    """The publisher and og:site_name `Vatican News` under a `<title>` closing `- 梵蒂冈新闻网`, a
    source tag `TVBS` under `…│TVBS新聞網` (a separator the titles' splitting did not know): the
    source facet listed the Latin brand the page never prints. A tag naming the brand of one of
    the site's channels (`ETtoday論壇新聞`) stays as it is."""
    article = page(f"<h1>测试新闻标题在这里</h1><div class='text'>{STORY}</div>", head)
    assert article.source == source


def test_a_ratings_count_after_the_last_sentence_is_no_text_but_a_tables_total_is():
    article = page(f"<h1>测试新闻标题在这里</h1><div class='text'>{STORY}<p>6</p></div>")
    assert article.body.endswith("他们都表达了自己的看法。")
    article = page(f"<h1>测试新闻标题在这里</h1><div class='text'>{STORY}<p>受灾乡镇合计</p><p>115</p></div>")
    assert article.body.endswith("受灾乡镇合计\n115")


def test_a_short_headline_is_not_lost_to_the_sites_name_and_address():
    """A page with an og:title and no `<title>`, the headline shorter than the site's name with its
    address after it (`短标题│三立新聞網  SETN.COM`): the longest part, the site's name, was taken
    as the headline."""
    article = page(f"<h1>测试新闻标题</h1><div class='text'>{STORY}</div>",
                   "<meta property='og:title' content='测试新闻标题│三立新聞網  SETN.COM'>")
    assert article.title == "测试新闻标题"


def test_a_source_with_a_view_count_and_a_share_widget_run_into_it_is_read():
    """`2022-11-14来源: 英国那些事儿4762分享到:` under the headline (three spans with nothing between
    them): the whole run was refused as a source for its colon, and the page had none."""
    article = page("<h1>测试新闻标题在这里</h1><div><span>2022-11-14</span><span>来源: 英国那些事儿</span>"
                   f"<span>4762</span><span>分享到:</span></div><div class='text'>{STORY}</div>",
                   "<title>测试新闻标题在这里</title>")
    assert article.source == "英国那些事儿"
    assert article.date == "2022-11-14"


def test_an_element_named_as_the_source_in_short_is_the_source():
    """`<span id="newsSrc">` after the time, its name run into the time (`09:10:45环球网`)."""
    article = page("<h1>测试新闻标题在这里</h1><div class='from'><span id='newsTime'>2015-12-08 09:10:45</span>"
                   f"<span id='newsSrc'><a href=''>环球网</a></span></div><div class='text'>{STORY}</div>",
                   "<title>测试新闻标题在这里</title>")
    assert article.source == "环球网"


def test_the_paper_of_a_byline_with_its_editor_after_the_reporter_is_the_source():
    """`新京报 记者 吴采倩 编辑 左燕燕` under the headline: the paper is the source, the reporter the
    author, the editor neither."""
    article = page("<h1>测试新闻标题在这里</h1><div class='author'>新京报 记者 吴采倩 编辑 左燕燕</div>"
                   f"<div class='time'>2021-03-12 10:00</div><div class='text'>{STORY}</div>",
                   "<title>测试新闻标题在这里</title>")
    assert article.source == "新京报"
    assert article.authors == ["吴采倩"]


def test_a_sites_slogan_after_its_name_in_the_title_is_not_its_name():
    """`… - 维基新闻，自由的新闻源`: the site's name is the part before the comma."""
    title = "测试新闻标题在这里 - 维基新闻，自由的新闻源"
    article = page(f"<h1>测试新闻标题在这里</h1><div class='text'>{STORY}</div>",
                   f"<title>{title}</title><meta property='og:title' content='{title}'>")
    assert article.source == "维基新闻"


@pytest.mark.parametrize("caption", [
    "美国女孩凯迪·希尔和男友安德鲁斯（网页截图）",
    "加拿大大叔Gweilo （视频截图）",
    "美国33岁跨性别者吉欧尼‧康佛提。 (照片来源/Jionni Anthony Conforti)",
    "Tse Henry Edward(謝浩霖)早前獲判終極勝訴。資料圖片",
])
def test_a_pictures_caption_closed_by_a_screenshot_or_archive_credit_is_no_text(caption):
    """Captions over the first paragraph, closed by `（网页截图）`, `(照片来源/…)` or `。資料圖片`,
    were taken as the text's first line."""
    article = page(f"<h1>测试新闻标题在这里</h1><div class='text'><p>{caption}</p>{STORY}</div>")
    assert article.body.startswith("这是正文的第一段")


def test_a_credit_line_of_bracketed_labels_gives_the_source_and_the_author():
    """`[来源： 四川新闻网　]　[作者：龙艳]　[编辑：颜祝俊]` closing the story: the author was `龙艳]`,
    which named no one."""
    article = page(f"<h1>测试新闻标题在这里</h1><div class='text'>{STORY}"
                   "<p>[来源： 四川新闻网　]　[作者：龙艳]　[编辑：颜祝俊]</p></div>")
    assert article.source == "四川新闻网"
    assert article.authors == ["龙艳"]
    assert "颜祝俊" not in article.body


def test_a_reprints_transferred_from_line_names_its_source():
    """`转自于：家庭医生` closing a health portal's reprint."""
    article = page(f"<h1>测试新闻标题在这里</h1><div class='text'>{STORY}<p>转自于：家庭医生</p></div>")
    assert article.source == "家庭医生"
    assert article.body.endswith("他们都表达了自己的看法。")


def test_a_meta_author_in_latin_letters_the_page_never_prints_is_no_author():
    """`<meta name="author" content="Astralab">`: the firm that built a paper's site."""
    article = page(f"<h1>测试新闻标题在这里</h1><div class='text'>{STORY}</div>",
                   "<title>测试新闻标题在这里 - 联合日报</title><meta name='author' content='Astralab'>")
    assert article.authors == []
    printed = page(f"<h1>测试新闻标题在这里</h1><div class='text'>{STORY}<p>Author: Graeme Reid</p></div>",
                   "<title>测试新闻标题在这里 - 某网</title><meta name='author' content='Graeme Reid'>")
    assert printed.authors == ["Graeme Reid"]


@pytest.mark.parametrize("credit,authors", [
    ("（记者 张三）", ["张三"]),
    ("（张巨峰）", ["张巨峰"]),
    ("（刘昕、巩一璇、刘晋川）", ["刘昕", "巩一璇", "刘晋川"]),
    (" 华商报记者 杨德合", ["杨德合"]),
    ("(完)", []),
    ("■", []),  # a magazine's end mark
    ("（记者 张三）（完）", ["张三"]),
])
def test_a_credit_or_the_wires_end_mark_closing_the_last_paragraph_is_no_text(credit, authors):
    """`…看法。（刘昕、巩一璇、刘晋川）`, `…辨认。 华商报记者 杨德合`, `…。(完)`: who wrote it and the
    wire's end mark, run into the last paragraph, were kept as its last words (and the list of
    three reporters, or the paper's byline on a long line, named no author)."""
    article = page(f"<h1>测试新闻标题在这里</h1><div class='text'>{STORY.replace('看法。', '看法。' + credit)}</div>")
    assert article.body.endswith("他们都表达了自己的看法。")
    assert article.authors == authors


def test_places_in_brackets_after_the_last_sentence_are_text_and_no_authors():
    article = page(f"<h1>测试新闻标题在这里</h1><div class='text'>{STORY.replace('看法。', '看法。（北京、上海、广州）')}</div>")
    assert article.body.endswith("看法。（北京、上海、广州）")
    assert article.authors == []


@pytest.mark.parametrize("opening,closing", [
    ("<div class='contants' style='white-space:pre-line;'>", "</div>"),
    ("<div style='WHITE-SPACE: pre-wrap'>", "</div>"),
    ("<pre>", "</pre>"),
])
def test_a_block_that_keeps_its_line_breaks_gives_a_line_for_each(opening, closing):
    """A university bulletin printing a story as one `<div style="white-space:pre-line">` of
    newline-separated paragraphs, its dateline on the first: the whole story was one line, the
    dateline and its reporter inside the first paragraph."""
    text = ("【台灣好新聞報 / 記者張文熹 / 彰化報導】\n"
            "獲教育部情感教育課程與教學獎的助理教授黃丰姿，8日邀請首位老師分享心路歷程，吸引200多位同學前往聆聽。\n\n"
            "生物老師曾愷芯回憶說，從小就嚮往當女生，但一直不敢說出口，在妻子過世後，突然閃過一個念頭。\n")
    article = page(f"<h1>测试新闻标题在这里</h1>{opening}{text}{closing}")
    assert article.body.split("\n") == [
        "獲教育部情感教育課程與教學獎的助理教授黃丰姿，8日邀請首位老師分享心路歷程，吸引200多位同學前往聆聽。",
        "生物老師曾愷芯回憶說，從小就嚮往當女生，但一直不敢說出口，在妻子過世後，突然閃過一個念頭。"]
    assert article.authors == ["張文熹"]


@pytest.mark.parametrize("head,shown", [
    ("<title>测试新闻标题在这里-热点话题-某某服务网</title>",
     "<div class='newshead'>测试新闻标题在这里<br>2010-07-07<br>来源 ： 新华网</div>"),
    ("<title>测试新闻标题在这里 - 新闻及通告</title>",
     "<h1 class='sr-only'>测试新闻标题在这里 - 新闻及通告</h1><div><b>测试新闻标题在这里</b></div>"),
])
def test_a_title_with_its_columns_name_after_a_dash_is_the_headline_the_page_prints(head, shown):
    """`<title>…心理分析-热点话题-陕西青少年服务网</title>`, and a screen reader's `<h1>` holding
    `… - 新闻及通告`: the page prints the headline alone above the text, the column's name after
    it was kept in the title."""
    article = page(f"{shown}<div class='text'>{STORY}</div>", head)
    assert article.title == "测试新闻标题在这里"


def test_a_headline_with_a_dash_in_it_is_kept_whole():
    article = page(f"<h1>测试新闻标题-在这里</h1><div class='text'>{STORY}</div>", "<title>测试新闻标题-在这里</title>")
    assert article.title == "测试新闻标题-在这里"


def test_an_e_papers_labelled_date_with_the_page_number_over_the_headline_is_the_date():
    """`日期:[2016年11月03日] -- 华商报 -- 版次:[A5]` just above the kicker and the headline."""
    article = page("<div>日期:[2016年11月03日]  -- 华商报 --  版次:[A5]</div><h5>引题在这里</h5>"
                   f"<h1>测试新闻标题在这里</h1><div class='text'>{STORY}</div>", "<title>测试新闻标题在这里</title>")
    assert article.date == "2016-11-03"


def test_a_date_badge_of_the_year_over_the_day_is_the_date():
    """A theme's badge: `2014` over `05-14`, next to the headline."""
    article = page("<div class='date'><span class='y'>2014</span><div class='md'>05-14</div></div>"
                   f"<h1>测试新闻标题在这里</h1><div class='text'>{STORY}</div>", "<title>测试新闻标题在这里</title>")
    assert article.date == "2014-05-14"


@pytest.mark.parametrize("head,source", [
    ("<title>上海中医药大学附属上海市中西医结合医院</title>", "上海中医药大学附属上海市中西医结合医院"),
    ("<title>测试新闻标题在这里 - 新闻及通告</title><meta property='og:title' content='艺颂嗓音中心医院'>", "艺颂嗓音中心医院"),
    ("<title>新闻详情</title>", None),  # a page's kind, no site's name
])
def test_a_title_giving_only_the_sites_name_names_the_source(head, source):
    """A hospital's news page whose `<title>` is the hospital's name alone (or whose og:title is the
    site's name on every page), no 来源 printed: it had no source."""
    article = page(f"<h1>测试新闻标题在这里</h1><div class='text'>{STORY}</div>", head)
    assert article.source == source


def test_a_last_edited_line_and_a_sites_disclaimer_after_the_text_are_no_text():
    """`最后编辑：2014-05-14` and `为传播心理学，本网站部分内容转载或摘取自网络和刊物，…本网站并不负任何
    责任。` closing a counselling centre's reprint were kept as its last lines."""
    closing = ("<p>最后编辑：2014-05-14</p><p>为传播心理学，本网站部分内容转载或摘取自网络和刊物，对于该内容所涉及之正确性、"
               "抄袭、著作权归属，是否合法性或正当性如何，本网站并不负任何责任。</p>")
    article = page(f"<h1>测试新闻标题在这里</h1><div class='text'>{STORY}{closing}</div>", "<title>测试新闻标题在这里</title>")
    assert article.body.endswith("他们都表达了自己的看法。")
    assert article.date == "2014-05-14"  # the only date printed: the last edit's


def test_references_opening_on_their_labels_line_close_the_text():
    """A medical site's summary of a paper: `参考文献：Russell DH, Hoq M, …` (the first entry on
    the label's line) and the site's copyright notice after it were kept after the text."""
    closing = ("<p>参考文献：Russell DH, Hoq M, Coghill D, Pang KC. Prevalence of Mental Health Problems. JAMA. 2022.</p>"
               "<p>本网站所有注明“来源：梅斯医学”或“来源：MedSci原创”的文字、图片和音视频资料，版权均属于梅斯医学所有，"
               "非经授权，任何媒体、网站或个人不得转载。</p>")
    article = page(f"<h1>测试新闻标题在这里</h1><div class='text'>{STORY}{closing}</div>")
    assert article.body.endswith("他们都表达了自己的看法。")


def test_a_reprints_original_title_note_and_a_writers_credit_in_brackets_are_no_text():
    """A financial portal's reprint: `（原标题：…）` over the text, and `【文/观察者网 熊超然】` opening its
    first paragraph; the credit names the author."""
    lead = "<p>【文/观察者网 熊超然】“这是正文的第一段，讲述了一件发生在本市的新闻事件，内容相当具体。”</p>"
    rest = "<p>这是正文的第二段，记者采访了多位市民，他们都表达了自己的看法。</p>"
    article = page(f"<h1>测试新闻标题在这里</h1><div class='text'><p>（原标题：测试新闻原来的标题（上））</p>{lead}{rest}</div>")
    assert article.body.startswith("“这是正文的第一段")
    assert "原标题" not in article.body
    assert article.authors == ["熊超然"]


@pytest.mark.parametrize("names,authors", [("文若楠 张羽岐", ["文若楠", "张羽岐"]), ("文/张三", ["张三"]),
                                           ("文化和旅游局", [])])
def test_a_name_beginning_with_wen_keeps_it_and_an_agency_is_no_author(names, authors):
    """`作者：文若楠 张羽岐` gave `若楠` (文 read as a writer's mark: it is a surname); a meta author
    `文化和旅游局` gave `文化`."""
    article = page(f"<h1>测试新闻标题在这里</h1><div class='text'>{STORY}<p>作者：{names}</p></div>")
    assert article.authors == authors


def test_reporters_after_their_desk_a_source_with_its_address_and_latin_credits_over_the_text():
    """An overseas paper's `（大纪元驻旧金山记者薛明珠、专题部记者易凡采访报导）` named one reporter
    (the second's desk was read as part of a name); its source was `大纪元 www.epochtimes.com`; a
    translated feature's `撰文 Megan Molteni` / `翻译 夏烨` / `审校 魏潇` opened the text."""
    dated = page("<h1>测试新闻标题在这里</h1><div class='text'><p>来源：大纪元 www.epochtimes.com</p>"
                 "<p>【大纪元2023年06月15日讯】（大纪元驻旧金山记者薛明珠、专题部记者易凡采访报导）"
                 "这是正文的第一段，讲述了一件发生在本市的新闻事件，内容相当具体。</p>"
                 "<p>这是正文的第二段，记者采访了多位市民，他们都表达了自己的看法。</p></div>")
    assert dated.authors == ["薛明珠", "易凡"]
    assert dated.source == "大纪元"
    credited = page("<h1>测试新闻标题在这里</h1><div class='text'><p>撰文 Megan Molteni</p><p>翻译 夏烨</p>"
                    f"<p>审校 魏潇</p>{STORY}</div>")
    assert credited.body.startswith("这是正文的第一段")
    assert credited.authors == ["Megan Molteni"]


def test_a_korean_papers_closing_byline_with_the_name_before_the_role_names_the_author():
    """The Hankyoreh's Chinese edition closes a story with `<p>崔敏英 记者</p>`: it stayed as the text's
    last line, and the story had no author. A paper's name before 记者 is no person."""
    article = page(f"<h1>测试新闻标题在这里</h1><div class='text'>{STORY}<p>崔敏英 记者</p></div>")
    assert article.authors == ["崔敏英"]
    assert article.body.endswith("他们都表达了自己的看法。")
    paper = page(f"<h1>测试新闻标题在这里</h1><div class='text'>{STORY}<p>经济日报 记者</p></div>")
    assert paper.authors == []


def test_a_title_holding_a_line_break_tag_as_text_and_a_mobile_sites_name_give_the_site():
    """`<title>金星：…要看自己&lt;BR&gt; - 手机财富中文网</title>`: the `<BR>` kept the title's headline
    from matching the page's, and the site's name is its mobile edition's."""
    article = page(f"<h1>测试新闻标题在这里</h1><div class='text'>{STORY}</div>",
                   "<title>测试新闻标题在这里&lt;BR&gt; - 手机财富中文网</title>")
    assert article.source == "财富中文网"


@pytest.mark.parametrize("line", ["本文转载自“科研圈”微信公众号。", "本文转载自科研圈公众号"])
def test_a_reprint_from_an_accounts_owner_names_the_owner(line):
    """`本文转载自“科研圈”微信公众号。` over a biology site's repost: the account's owner published
    it (the line named no source at all)."""
    article = page(f"<h1>测试新闻标题在这里</h1><div class='text'><p>{line}</p>{STORY}</div>")
    assert article.source == "科研圈"
    assert article.body.startswith("这是正文的第一段")


def test_a_pictures_credit_alone_after_the_text_is_no_text():
    """A film weekly's review closes with `圖／《迷失安狄》劇照，滿滿額娛樂提供`: the stills' credit."""
    article = page(f"<h1>测试新闻标题在这里</h1><div class='text'>{STORY}<p><b>圖／《迷失安狄》劇照，滿滿額娛樂提供</b></p></div>")
    assert article.body.endswith("他们都表达了自己的看法。")


@pytest.mark.parametrize("credit", ["（《零距离》记者/冯珂 编辑/高若婷）", "（记者 冯珂 责任编辑：高若婷）"])
def test_an_editor_in_the_closing_credit_is_no_author(credit):
    """A city app's story closes with `（《零距离》记者/冯珂 编辑/高若婷）`: the reporter wrote it,
    the editor named after her did not."""
    article = page(f"<h1>测试新闻标题在这里</h1><div class='text'>{STORY}<p>{credit}</p></div>")
    assert article.authors == ["冯珂"]
    alone = page(f"<h1>测试新闻标题在这里</h1><div class='text'>{STORY}<p>这是第三段，说完了。（编辑 高若婷）</p></div>")
    assert alone.authors == []


def test_a_short_caption_closed_by_its_pictures_source_is_no_text():
    """A city paper's story closes with a photo's caption `陈女士与物业交谈记录。(来源：受访者)`; a short
    sentence of the text closed by its story's source stays."""
    article = page(f"<h1>测试新闻标题在这里</h1><div class='text'>{STORY}<p>陈女士与物业交谈记录。(来源：受访者)</p></div>")
    assert article.body.endswith("他们都表达了自己的看法。")
    kept = "第三段，有关部门表示将调查此事。（来源：新华社）"
    assert kept in page(f"<h1>测试新闻标题在这里</h1><div class='text'>{STORY}<p>{kept}</p><p>这是第四段，后面还有内容。</p></div>").body


def test_an_author_tag_naming_the_houses_latin_name_is_no_author():
    """A Macau magazine's pages say `<meta name="author" content="NG Plus">` beside their site's
    name `NG Plus 新生代`: the tag names the house, in one of its two scripts, not a writer."""
    head = ("<title>测试新闻标题在这里 - NG Plus 新生代</title><meta name='author' content='NG Plus'>"
            "<meta property='og:site_name' content='NG Plus 新生代'>"
            '<script type="application/ld+json">{"@type": "Article", "author": {"@type": "Person", "name": "NG Plus"}}</script>')
    article = page(f"<header><a class='brand' href='/'>NG Plus 新生代</a></header><article><h1>测试新闻标题在这里</h1>{STORY}</article>", head)
    assert article.authors == []


def test_a_dateline_under_the_pages_furniture_still_names_the_source():
    """A city paper's story opens `信网11月17日讯（记者 谷正原）…` under its date and read count, a QR
    code's prompt and a photo's caption, which were the first lines looked at for a dateline:
    the story had no source. A desk's name there (`〔即時新聞／綜合報導〕`) is still none."""
    furniture = ("<p>2023-11-17 09:49 信网阅读 (26806) 扫描到手机</p>"
                 "<p>用手机或平板电脑的二维码应用拍下左侧二维码，可以在手机继续阅读。</p>"
                 "<p>装修施工现场。</p>")
    story = f"<p>信网11月17日讯（记者 谷正原）{STORY[3:]}"
    article = page(f"<h1>测试新闻标题在这里</h1><div class='text'>{furniture}{story}</div>")
    assert article.source == "信网"
    desk = page(f"<h1>测试新闻标题在这里</h1><div class='text'>{furniture}<p>〔即時新聞／綜合報導〕{STORY[3:]}</div>")
    assert desk.source is None
