"""What a page prints about its article around the headline and at the end of the text:
`来源：`, `作者：`, `发布时间：` lines, bylines, an element classed as the source; the
source names cleaned of the site's own name and of chart credits."""
from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator

from indexer.cjk import HAN
from indexer.dates import find_date, parse_date, short_year_date

from .authors import PLACES, byline_authors, lone_name, paper_byline_names, parse_authors, printed_only_as_editor
from .cleaning import (
    HAN_CHAR,
    ISSUE_NUMBER,
    LATER_DATE,
    PLACEHOLDER_SOURCE,
    SENTENCE_PUNCT,
    date_after_headline,
    is_date_line,
    normalise_line,
    parse_meta_line,
)
from .content import Element, text_of
from .pagemeta import (
    SQUEEZE,
)

DATE_THEN_PUBLISHER = re.compile(
    r"^(?:(?:https?://)?[A-Za-z0-9.-]+\.(?:com|cn|net|org|COM|CN|NET|ORG)\S*\s+)?(?:19|20)\d{2}[-/.年]\d{1,2}[-/.月]\d{1,2}日?(?:\s*\d{1,2}:\d{2}(?::\d{2})?)?\s+"
    r"《?([" + HAN + r"]{2,14}(?:[网網]|[报報]|[社]|[台]|[刊]|新[闻聞]|客[户戶][端]|[频頻]道|[杂雜]志|[周週][刊]|[信][报報])(?:[—-][" + HAN + r"]{2,8}[报報网網])?)》?$")
# Class or id names that mark the element printing the source, tried as whole words, each with
# a hyphen, an underscore or nothing between its words (`article-source`, `articleSource`).
SOURCE_CLASSES = ("source", "article-source", "source-name", "laiyuan", "ly", "media-name", "news-source",
                  "news-src", "article-src")
_SOURCE_CLASS = re.compile(r"(?:^|\s)(?:" + "|".join(re.escape(name).replace(r"\-", "[-_]?") for name in SOURCE_CLASSES)
                           + r")(?:\s|$)", re.IGNORECASE)
SITE_ITSELF = re.compile(r"(?:[网網]站|^本[网網站])$")  # a ContentSource naming a website, not a publisher


_AUTHOR_NO_COLON = re.compile(r"(?:^|[\s|｜])作者\s*([" + HAN + r"]{2,4})(?:\s|$)")


POSTED_AT = re.compile(r"[发發][表布][于於]|posted", re.IGNORECASE)
# a line that starts with a full date, maybe in brackets (what follows it is read by `parse_date`)
CLOSING_DATE = re.compile(r"^[(（\[【]?\s*(?:19|20)\d{2}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}(?!\d)")


def _class_test(pattern: re.Pattern) -> Callable[[str], bool]:
    """Whether a `class id` string matches `pattern`, remembered per string (pages repeat the
    same few class names)."""
    return functools.lru_cache(maxsize=4096)(lambda names: bool(pattern.search(names)))


def classed_elements(body: Element) -> list[tuple[Element, str, str]]:
    """The elements `source_element` and `author_element` look at that have a class or an id,
    each with its tag and its `class id` string, in the page's order: one walk for both (the
    walk and the attributes read cost more than the tests)."""
    found = []
    for element in body.iter(*_BYLINE_TAGS):
        classes, ident = element.get("class"), element.get("id")
        if classes or ident:
            found.append((element, element.tag, f"{classes or ''} {ident or ''}"))
    return found


def _named(classed: list[tuple[Element, str, str]], tags: tuple[str, ...],
           names_it: Callable[[str], bool]) -> Iterator[Element]:
    """The elements of `tags` among `classed` (`classed_elements`) whose `class id` string
    `names_it` (`_class_test`)."""
    for element, tag, names in classed:
        if tag in tags and names_it(names):
            yield element


_names_the_source = _class_test(_SOURCE_CLASS)
_SOURCE_TAGS = ("a", "span", "em", "div", "p")


# What stands before a date in a source element when no name does (`发布于 2024-03-12`,
# `2024年3月12日 星期二`, `编辑 2024-03-12`), not the end of a name (中国新闻周刊, HK01).
_NOT_A_NAME = re.compile(r"(?:[发發][布表]|[于於]|[时時][间間]|日期|星期.|[周週][一二三四五六日天]|[编編][辑輯]|作者|更新|"
                         r"[浏瀏][览覽]次?[数數]?|[阅閱][读讀]|管理[员員]|[来來]源)[:：]?$")


def source_element(classed: list[tuple[Element, str, str]]) -> str | None:
    """The text of a short element whose class or id names it the source (`<a class="source">北京日报</a>`),
    less the date and time it may print after the name (`<div class="source"><span>湖北日报客户端</span>
    <span>2024-03-12 15:35:47</span></div>`), among the page's `classed_elements`."""
    for element in _named(classed, _SOURCE_TAGS, _names_the_source):
        text = normalise_line(text_of(element))
        text = re.sub(r"^(?:[稿][件])?[来來]源[:：]?\s*", "", text)
        dated = _DATE_TIME.search(text)
        if dated and dated.start() > 0 and not text[dated.end():].strip():  # the name, then its date
            text = text[:dated.start()].strip()
            if _NOT_A_NAME.search(text):  # `发布于 2024-03-12`: no name before the date
                continue
        if 2 <= len(text) <= 30 and not find_date(text) and not re.search(r"[:：]", text):
            return text
    return None


# Class or id names that mark the element printing the byline, tried as whole words.
AUTHOR_CLASSES = ("author", "byline", "article-author", "writer", "reporter")
_AUTHOR_CLASS = re.compile(r"(?:^|\s)(?:" + "|".join(map(re.escape, AUTHOR_CLASSES)) + r")(?:\s|$)", re.IGNORECASE)
_names_the_author = _class_test(_AUTHOR_CLASS)
_DATE_TIME = re.compile(r"\d{4}\s*[年/.-]\s*\d{1,2}\s*[月/.-]\s*\d{1,2}\s*日?(?:\s*\d{1,2}:\d{2}(?::\d{2})?)?")


_DESK_SLASH_NAMES = re.compile(r"^[" + HAN + r"]{2,8}\s*[／/]\s*[" + HAN + r"·、，, ]{2,20}$")


def author_element(classed: list[tuple[Element, str, str]]) -> list[str]:
    """The names a byline element prints as desk／names (`<div class="author">上報快訊／范姜佳鈺
    2020年03月12日 20:19:00</div>`: its class or id names it the author, its date left out), or
    a person's name alone (`<div class="author"><a>洪毅</a> 2023年08月31日</div>`: two or three
    characters with a common surname; not `澎湃新闻`, `小编`, `ETtoday`, `Staff Writer`); else the
    name an element classed as the author's name prints (`_authors_name`).
    Only one or two such elements on the page: a class repeated down a list (commenters,
    recommended columnists) marks no byline. `classed`: the page's `classed_elements`."""
    found, named = [], []  # one pass over the classed elements for both kinds of class
    for element, tag, names in classed:
        if not _names_an_author(names):
            continue
        if tag in _AUTHOR_TAGS and _names_the_author(names):
            found.append(element)
        if tag in _NAME_TAGS and _names_the_authors_name(names):
            named.append(element)
    if len(found) > 2:
        return []
    for element in found:
        text = _DATE_TIME.sub(" ", normalise_line(text_of(element))).strip()
        if _DESK_SLASH_NAMES.match(text):
            names = parse_authors(text)
            if names:
                return names
        if names := lone_name(text):  # a name alone (with its date): a common surname, 2-3 characters
            return names
    return _authors_name(named)


# A class that names the element the author's name (`c-mainBlock__authorName`, `author-name`),
# not a commenter's (`comment-author-name`, `reply-author-name`).
_AUTHORS_NAME_CLASS = re.compile(r"author[-_]?name", re.IGNORECASE)
_COMMENTS_CLASS = re.compile(r"comment|reply|review|评论|評論", re.IGNORECASE)
_names_the_authors_name = _class_test(re.compile(rf"^(?!.*(?:{_COMMENTS_CLASS.pattern})).*{_AUTHORS_NAME_CLASS.pattern}",
                                                 re.IGNORECASE))
_names_an_author = _class_test(re.compile(f"{_AUTHOR_CLASS.pattern}|{_AUTHORS_NAME_CLASS.pattern}", re.IGNORECASE))
_AUTHOR_TAGS = ("a", "span", "em", "div", "p", "li")
_NAME_TAGS = ("a", "span", "div", "p", "li", "strong")
_BYLINE_TAGS = (*_AUTHOR_TAGS, "strong")
# What names an outlet or a desk, not a person (`澎湃新闻`, `人民网`, `某某号`, `小编`, `管理员`).
_NOT_A_PERSON = re.compile(r"(?:新[闻聞]|[网網]|[号號]|[财財][经經]|[报報]|小[编編]|管理[员員]|[编編][辑輯]|[记記]者|中心)$")
_CHINESE_NAME = re.compile(rf"[{HAN}]{{2,4}}|[{HAN}]{{1,6}}(?:[·・][{HAN}]{{1,8}})+")


def _authors_name(found: list[Element]) -> list[str]:
    """The name an element classed as the author's name prints (`<div class="…__authorName">関谷智
    </div>` beside `<div class="…__authorRole">国際部記者</div>`): Chinese characters that read
    as a person's name (any surname: the class says it is one); one or two such elements only."""
    if not found or len(found) > 2:
        return []
    text = normalise_line(text_of(found[0])).strip()
    if not _CHINESE_NAME.fullmatch(text) or _NOT_A_PERSON.search(text):
        return []
    return [text] if parse_authors(text) == [text] else []


def meta_authors(value: str, body: Element) -> list[str]:
    """Names from a meta author tag, less those the page prints only as its editor (`责任编辑：张家祺`)
    and those in Latin letters it never prints (`Astralab`: the firm that built the site)."""
    names = parse_authors(value)
    if not names:
        return names
    text = text_of(body)
    return [name for name in names if not printed_only_as_editor(name, text) and (not name.isascii() or name in text)]


# Private-use characters: what a legacy encoding's unmapped bytes (site-made glyphs) decode to.
PRIVATE_USE = "".join(map(chr, range(0xE000, 0xF900)))
DATA_SOURCE = re.compile(r"^\s*[(（\[【]?\s*(?:数据|數據|資料|资料|[图圖]片?|[图圖]表|[视視][频頻])")


# Where a portal says its partner is (`来源：新京报(北京)`): `authors.PLACES`.
_SOURCE_TRIM = " ⋅·•|｜-—_[]【】" + PRIVATE_USE  # separators and legacy glyphs around a source
_PLACE_SUFFIX = re.compile(rf"\s*[(（](?:{PLACES})[市省]?[)）]$")


# A paper's e-paper after its name (`潇湘晨报数字报`, `聯合報電子報`): the publisher is the paper.
_EDITION_SUFFIX = re.compile(r"(?<=[报報])\s*(?:[数數]字[报報版]|[电電]子[报報版]|[数數]字[报報]刊|e?-?paper|ePaper)$")


_ADDRESS_AFTER = re.compile(rf"(?<=[{HAN}])\s+(?:https?://)?(?:www\.)?[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*"
                            r"\.(?:com|cn|net|org|tw|hk|info|tv)(?:/\S*)?$")
_CLOSING = {"）": "（", ")": "(", "】": "【", "]": "[", "」": "「", "》": "《", "〕": "〔"}  # closing bracket → its opening one


def clean_source(value: str | None) -> str | None:
    """A source value without trailing separators (`新京报 ⋅`) or the place a portal prints after
    it (`新京报(北京)`: the paper is 新京报; `人民日报（海外版）` keeps its edition); None when it is
    markup debris (`size="20"`) or another label's value (`发布时间：…`)."""
    if not value:
        return None
    value = _PLACE_SUFFIX.sub("", value.strip(_SOURCE_TRIM)).strip(_SOURCE_TRIM)
    value = _EDITION_SUFFIX.sub("", value)  # `潇湘晨报数字报`: the paper's e-paper is the paper's
    value = _ADDRESS_AFTER.sub("", value)  # `大纪元 www.epochtimes.com`: the name, not its address
    while value and value[-1] in _CLOSING and _CLOSING[value[-1]] not in value:
        value = value[:-1].strip(_SOURCE_TRIM)  # `（来源：健康报网）`: the bracket the whole line was in
    if not value or re.search(r"[=\"<>:：]", value) or PLACEHOLDER_SOURCE.match(value) or is_date_line(value):
        return None  # (`来源：2024-01-29 09:30`, the name left blank: the date is no source)
    return value


def _in_link_list(lines: list[tuple[str, int]], i: int) -> bool:
    """Whether line `i` is a link in a list of links: mostly link text, like the lines on both sides."""
    return 0 < i < len(lines) - 1 and all(linked > len(line) * 0.5 for line, linked in lines[i - 1:i + 2])


_REPORTER = re.compile(r"(?:本[报報]|特[约約])?[记記]者")


# The dates of a government page's disclosure table (政府信息公开: 索引号, 发布机构, 发文日期 …
# above the headline): when the document was issued or published, not when it was written
# (成文日期) and not the date a bulletin prints under its title.
_DISCLOSURE_DATE = re.compile(r"^(?:发文|發文|发布|發布|生成|公开|公開)日期\s*[:：]\s*")


_DISCLOSURE_BODY = re.compile(r"^(?:发布|發布|发文|發文)(?:机构|機構|机关|機關|单位|單位)\s*[:：]?\s*")
# What a publishing body's name ends with (局, 委, 办公室, 政府, 中心, 日报 …): a disclosure table's
# next cell that is another label (文号, 主题分类), a number or a document's title is none.
_BODY_NAME = re.compile(r"^[\u4e00-\u9fff（）()]{2,30}?(?:[局委办辦厅廳部院府会會室处處所站队隊署司科馆館社]|中心|政府|公司|集[团團]|[银銀]行|[日晚][报報])$")


def _disclosed(lines: list[tuple[str, int]], label: re.Pattern) -> Iterator[str]:
    """The values a disclosure table gives under `label`, in order: the rest of the label's
    line, or the next line where the value stands in a cell of its own."""
    for i, (line, _) in enumerate(lines):
        found = label.match(line)
        if found:
            yield line[found.end():] or (lines[i + 1][0] if i + 1 < len(lines) else "")


def disclosure_body(lines: list[tuple[str, int]]) -> str | None:
    """The publishing body a disclosure table above the headline names (`发布机构：宜春市统计局`,
    label and value in one line or in two cells read as two lines), when it reads as one; or None."""
    value = next(_disclosed(lines, _DISCLOSURE_BODY), "").strip()
    return value if _BODY_NAME.match(value) else None


def disclosure_date(lines: list[tuple[str, int]]) -> str | None:
    """The date a disclosure table above the headline gives its document, its label and value
    in one line (`发文日期：2023-04-18`) or in two cells read as two lines; or None."""
    return next((date for value in _disclosed(lines, _DISCLOSURE_DATE) if len(value) <= 30 and (date := find_date(value))),
                None)


def _bylines_after(lines: list[tuple[str, int]], i: int, names: list[str]) -> list[str]:
    """The names of the bylines on the lines right after line `i`'s (`□ 本报记者 赵丽` over
    `□ 本报见习记者 邹星宇`), less `names`."""
    more: list[str] = []
    for line, _ in lines[i + 1:i + 4]:
        found = byline_authors(line) if len(line) <= 40 else []
        if not found:
            break
        more += [n for n in found if n not in names and n not in more]
    return more


# `本文转自：某新闻网`: the site this copy was taken from, which a printed `来源：` (the paper it
# first ran in) goes before.
_REPRINTED = re.compile(r"^(?:本文|本篇|文章)?[转轉][载載]?自\s*[:：]")


_BADGE_YEAR = re.compile(r"^(?:19|20)\d{2}$")
_BADGE_DAY = re.compile(r"^(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_EDITION_PAGE = re.compile(r"[版][次面名][:：]|第\s*[A-Za-z]?\d{1,3}\s*版")  # a paper's page: `版次:[A5]`, `第05版`


def visible_meta(lines: list[tuple[str, int]], title: str) -> dict[str, str]:
    """Metadata from the lines right under the headline (or the top of the page)."""
    key = SQUEEZE("", title)
    # The headline's line: the first that holds it outside a list of links (a sidebar listing the
    # article among others), else the first that holds it at all.
    found_at = [i for i, (line, _) in enumerate(lines) if key[0] in line and key in SQUEEZE("", line)] if key else []
    start = next((i for i in found_at if not _in_link_list(lines, i)), found_at[0] if found_at else 0)
    found: dict[str, str] = {}
    disclosed = disclosure_date(lines[max(0, start - 20):start])
    if disclosed:
        found["date"] = disclosed
    source_at, reprinted = 0, False
    later = None  # an update's or a writing's date (`更新时间：…`): the date only where no other is printed
    for i, (line, _) in enumerate(lines[start:start + 25], start):
        meta = parse_meta_line(line)
        if meta.pop(LATER_DATE, None):
            later = later or meta.pop("date", None)
        for name, value in meta.items():
            if name == "author":
                value = ", ".join(parse_authors(value))
            elif name == "source" and DATA_SOURCE.match(line):
                continue  # `数据来源：国家统计局` under a chart
            if value and (name not in found or name == "source" and reprinted and not _REPRINTED.match(line)):
                found[name] = value
                if name == "source":
                    source_at, reprinted = i, bool(_REPRINTED.match(line))
        if "date" not in found and is_date_line(line):
            found["date"] = parse_date(line) or ""
        on_headline = date_after_headline(line, title) if "date" not in found and i == start else None
        if on_headline:
            found["date"] = parse_date(on_headline) or ""  # `虧損2年出頭天2014/12/1 18:13`: the headline's own line
        reporter = _REPORTER.search(line) if "author" not in found and len(line) <= 80 else None
        if reporter and reporter.start() > 0:
            names = (paper_byline_names(line)
                     # `东方网通讯员龙钢、记者朱贝尔1月11日报道：…`: every role the byline names
                     or (byline_authors(line) if reporter.start() <= 12 else [])
                     or byline_authors(line[reporter.start():]))
            if names:
                found["author"] = ", ".join(names + _bylines_after(lines, i, names))
        unlabelled = _AUTHOR_NO_COLON.search(line) if "author" not in found and len(line) <= 60 else None
        if unlabelled:  # `0 条评论 | 作者魏星`
            found["author"] = ", ".join(parse_authors(unlabelled.group(1)))
        if "author" not in found and len(line) <= 40 and i < start + 8:
            names = byline_authors(line)
            if names:
                found["author"] = ", ".join(names + _bylines_after(lines, i, names))
    if not found.get("date") and later:
        found["date"] = later
    if "source" not in found or source_at >= start + 6:
        # `2019-09-26 10:56:28  证券时报网`: an unlabelled publisher after the date under the headline
        # (before a 来源 line further down, which may close the article or name a person)
        for line, _ in lines[start:start + 6]:
            match = DATE_THEN_PUBLISHER.match(line)
            if match:
                found["source"] = match.group(1)
                break
    if not found.get("date"):
        # A date printed just under the headline is the publication date.
        for line, linked in lines[start:start + 8]:
            if linked > len(line) * 0.5 and len(HAN_CHAR.findall(line)) >= 6:
                continue  # a related article's linked headline with its date
            if len(line) > 40 and len(SENTENCE_PUNCT.findall(line)) >= 2:
                continue  # a paragraph of the text: `1967年8月24日，林彬駕駛私家車…` is not when it was published
            date = parse_date(line[line.find(key[-6:]) + 6 if key and key[-6:] in line else 0:][:120])
            if date:
                found["date"] = date
                break
    if not found.get("date"):  # `内蒙古新闻网  09-11-21 13:34`, `日期：09-11-21`: a two-digit year, where no other date is
        found["date"] = next((d for d in (short_year_date(line) for line, _ in lines[start:start + 8] if len(line) <= 80) if d), None)
    for line, _ in lines[max(0, start - 3):start]:  # `作者：… 出自[…]`, `作者：… 来源：… 发布时间：…` just above the headline
        meta = parse_meta_line(line) if len(line) <= 80 else {}
        for name, value in meta.items():
            if name in ("source", "author") and value:
                found.setdefault(name, ", ".join(parse_authors(value)) if name == "author" else value)
            elif name == "date" and value and not found.get("date") and ("source" in meta or "author" in meta):
                found["date"] = value  # (with its source or author: a header's `当前时间：…` clock dates nothing)
    disclosed_body = disclosure_body(lines[max(0, start - 20):start])
    if disclosed_body:
        found["disclosed_body"] = disclosed_body  # the table's 发布机构: a source after every one printed with the text
    if not found.get("date") and start > 0:
        # An e-paper prints the issue date just above the headline; with the issue's number
        # (`2019-09-17 第26,259号`) over the page's name and links too.
        # or its labelled date with the page's number (`日期:[2016年11月03日] -- 华商报 -- 版次:[A5]`).
        for at in range(start - 1, max(0, start - 8) - 1, -1):
            line = lines[at][0]
            if is_date_line(line) and (at >= start - 3 or ISSUE_NUMBER.search(line)):
                found["date"] = parse_date(line) or ""
                break
            if at >= start - 3 and len(line) <= 80 and _EDITION_PAGE.search(line):
                dated = parse_meta_line(line).get("date")
                if dated:
                    found["date"] = dated
                    break
    if not found.get("date"):  # a theme's date badge, the year over the day: `2014` / `05-14`
        for at in range(max(0, start - 3), min(len(lines) - 1, start + 4)):
            day = _BADGE_DAY.match(lines[at + 1][0]) if _BADGE_YEAR.match(lines[at][0]) else None
            if day:
                found["date"] = parse_date(f"{lines[at][0]}年{int(day.group(1))}月{int(day.group(2))}日") or ""
                break
    return {k: v for k, v in found.items() if v}
