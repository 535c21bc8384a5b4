"""Articles from HTML pages: metadata from meta tags, JSON-LD and visible lines; body by main content.

Metadata, in order of trust: Chinese government meta tags (`ArticleTitle`, `PubDate`,
`ContentSource`, `Author`, …) and the other tag names in `TITLE_META`, `DATE_META`,
`AUTHOR_META`, `SOURCE_META`; the visible lines around the headline (`来源：`, `作者：`,
`发布时间：`, bylines, `本文来自微信公众号“…”`) and the closing lines of the article; JSON-LD,
microdata and an element classed as the source. The title is the meta title, a heading that
matches the `<title>`, or — when the page does not vouch for its `<title>` — the headline
printed above the first paragraph.

The body is the main-content element found by `content.main_content` (with a lead paragraph
just before it), cut into lines; furniture and boilerplate lines are dropped by the rules in
`cleaning`, and the article ends where comments or related articles begin. Pages lxml cannot
build a tree for fall back to the text-dump reader on the page with its tags stripped.
"""
from __future__ import annotations

import functools
import html as _html
import re
import threading

import lxml.etree

from indexer.cjk import HAN
from indexer.dates import date_from_path, find_date, parse_date

from ..article import Article, Skipped
from .authors import byline_authors, closing_authors, parse_authors, posted_by, printed_only_as_editor
from .cleaning import (
    PLACEHOLDER_SOURCE,
    is_article_end,
    is_date_line,
    is_furniture,
    normalise_line,
    parse_meta_line,
    strip_site_suffix,
)
from .content import Element, is_link_list, lead_before, main_content, text_lines, text_of
from .pagemeta import (
    AUTHOR_META,
    DATE_META,
    DATE_META_WEAK,
    KEYWORD_SPLIT,
    SOURCE_META,
    SQUEEZE,
    TITLE_META,
    first,
    json_ld,
    ld_name,
    microdata,
    page_meta,
    script_date,
    tag_date,
)
from .text import extract_text

_PARSERS = threading.local()  # one parser per thread: lxml parsers are not shared safely across threads
_DROP_TAGS = ("script", "style", "noscript", "iframe", "svg", "select", "button", "textarea",
              "input", "nav", "aside", "footer", "template", "object", "embed", "canvas", "video", "audio")
_TITLE_CLASS = re.compile(r"title|headline|biaoti", re.IGNORECASE)
_WIDE_SPACE = re.compile(r" {2,}")
_CJK = re.compile(f"[{HAN}]")


def _region(body: Element, main: Element, title_el: Element, levels: int = 3) -> Element:
    """The smallest element holding the headline and the main content, widened by `levels`
    (bylines, dates and sources sit around them)."""
    ancestors = set(title_el.iterancestors())
    region = main
    while region is not body and region not in ancestors and region.getparent() is not None:
        region = region.getparent()
    for _ in range(levels):
        if region is body or region.getparent() is None:
            break
        region = region.getparent()
    return region


def _title_element(body: Element, title: str) -> Element | None:
    """The element that prints the headline (a heading first), or None."""
    key = SQUEEZE("", title)
    if len(key) < 4:
        return None
    found = None
    for el in body.iter("h1", "h2", "h3", "h4", "div", "p", "span", "td", "strong", "b", "font"):
        own = el.text
        if not own:
            continue
        own = own.lstrip()
        if not own or own[0] != key[0]:  # (\s and str.lstrip strip the same characters)
            continue
        own = SQUEEZE("", own)
        if not key.startswith(own[:6]) or len(el) > 4:
            continue
        if SQUEEZE("", text_of(el)) == key:
            if el.tag in ("h1", "h2", "h3", "h4"):
                return el
            found = found if found is not None else el
    return found


@functools.lru_cache(maxsize=4096)
def _names_a_title(classes: str | None, ident: str | None) -> bool:
    """Whether an element's class or id names it a title (pages repeat the same few names)."""
    return bool((classes or ident) and _TITLE_CLASS.search(f"{classes or ''} {ident or ''}"))


_ORIGINAL = re.compile(r"^原创\s*")  # `原创` (original content) printed before a headline
_STRAIGHT = str.maketrans("“”‘’", "\"\"''")


def _printed_quotes(doc: Element, title: str) -> str:
    """`title` (a meta tag's, typed with straight quotes) as the page prints it, with its curly
    quotes (`他说“不要走”`), when a heading or the `<title>` prints it so; else as it is."""
    if '"' not in title and "'" not in title:
        return title
    key = SQUEEZE("", title)
    page_title = normalise_line(doc.findtext(".//title") or "")
    printed = [normalise_line(text_of(h)) for h in doc.iter("h1", "h2", "h3")] + [strip_site_suffix(page_title), page_title]
    return next((p for p in printed if p != title and SQUEEZE("", p).translate(_STRAIGHT) == key), title)


def _title(doc: Element, meta: dict[str, str], ld: dict) -> tuple[str, bool]:
    """The headline, and whether the page vouches for it (meta tag, a heading or JSON-LD that matches `<title>`).

    An unvouched title is the `<title>` without its site suffix, checked later against the lines
    above the article text.
    """
    for key in TITLE_META:
        if meta.get(key):
            return _printed_quotes(doc, meta[key]), True
    page_title = normalise_line(doc.findtext(".//title") or "")
    squeezed = SQUEEZE("", page_title)
    headings = [_ORIGINAL.sub("", normalise_line(text_of(h))) for h in doc.iter("h1", "h2", "h3")]
    titled = (_ORIGINAL.sub("", normalise_line(text_of(e))) for e in doc.iter("div", "p", "span", "td", "strong")
              if _names_a_title(e.get("class"), e.get("id")) and len(e) <= 3)
    for group in (headings, titled):  # title-classed elements are only looked at when no heading matches
        for heading in sorted(group, key=len, reverse=True):
            key = SQUEEZE("", heading)
            if len(key) >= 6 and squeezed and (key in squeezed or squeezed in key):
                return heading, True
    for key in ("og:title", "twitter:title"):
        candidate = meta.get(key, "")
        if len(candidate) >= 4 and squeezed.startswith(SQUEEZE("", candidate)):
            return (strip_site_suffix(page_title) if len(page_title) > len(candidate) else candidate), True
    headline = normalise_line(ld.get("headline", "")) if isinstance(ld.get("headline"), str) else ""
    if headline and SQUEEZE("", headline) in squeezed:
        return headline, True
    if page_title:
        return strip_site_suffix(page_title), False
    return headline or meta.get("og:title", "") or (headings[0] if headings else ""), False


_CLAUSE = re.compile(r"[，。；！？]")
_URL_LINE = re.compile(r"^(?:https?://|www\.)\S*$", re.IGNORECASE)
_SECTION_HEADING = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]|[(（][一二三四五六七八九十]+[)）]|\d+(?:\.\d+)*[、.．]\s*\S)")
_CREDIT = re.compile(r"[记記]者|通[讯訊][员員]|供[图圖]|[摄攝]影|/文|文/|[图圖]/")
_DATE_THEN_PUBLISHER = re.compile(
    r"^(?:(?:https?://)?[A-Za-z0-9.-]+\.(?:com|cn|net|org|COM|CN|NET|ORG)\S*\s+)?(?:19|20)\d{2}[-/.年]\d{1,2}[-/.月]\d{1,2}日?(?:\s*\d{1,2}:\d{2}(?::\d{2})?)?\s+"
    r"《?([" + HAN + r"]{2,14}(?:[网網]|[报報]|[社]|[台]|[刊]|新[闻聞]|客[户戶][端]|[频頻]道|[杂雜]志|[周週][刊]|[信][报報])(?:[—-][" + HAN + r"]{2,8}[报報网網])?)》?$")
# Class or id names that mark the element printing the source, tried as whole words.
SOURCE_CLASSES = ("source", "article-source", "source-name", "sourcename", "laiyuan", "ly", "media-name", "media_name",
                  "news-source")
_SOURCE_CLASS = re.compile(r"(?:^|\s)(?:" + "|".join(map(re.escape, SOURCE_CLASSES)) + r")(?:\s|$)", re.IGNORECASE)
_SITE_ITSELF = re.compile(r"(?:[网網]站|^本[网網站])$")  # a ContentSource naming a website, not a publisher
_ORG_SIGNATURE = re.compile(r"(?:[课課]题组|委员会|委員會|研究所|研究院|研究中心|办公室|辦公室|[编編][辑輯]部)$")
_AUTHOR_NO_COLON = re.compile(r"(?:^|[\s|｜])作者\s*([" + HAN + r"]{2,4})(?:\s|$)")
_EMPTY_LABEL = re.compile(r"^[" + HAN + r"]{1,6}\s*[:：]$")
_SIGNATURE_DATE = re.compile(r"^(?:19|20)\d{2}年\d{1,2}月\d{1,2}日$")
_POSTED_AT = re.compile(r"[发發][表布][于於]|posted", re.IGNORECASE)
_PARAGRAPH_END = re.compile(r"[。！？!?…”」』]$")
_YEAR_MONTH = re.compile(r"^(?:19|20)\d{2}\s*[年/.-]\s*\d{1,2}\s*月?$")
_TRAILING_JUNK = re.compile(r"[\s\-–—|｜]+$")
_SENTENCE_END = re.compile(r"(?:[。；;，,：:．]|…+|\.{3,})$")
_TRAILING_DATE = re.compile(r"\s*(?:[发發][表布][于於]?\s*)?(?:(?:19|20)\d{2}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}|\d{1,2}/\d{1,2}/(?:19|20)\d{2}).*$")
_POSTED = re.compile(r"[发發][表布]|[时時][间間]|日期|作者|[阅閱][读讀]|[评評][论論]|[浏瀏][览覽]|[点點][击擊]|posted", re.IGNORECASE)
_SUBTITLE = re.compile(r"^[—─－-]{1,2}")


def _is_paragraph(line: str) -> bool:
    return (len(line) >= 40 or (len(line) >= 15 and bool(_PARAGRAPH_END.search(line)))
            or (len(line) >= 20 and len(_CLAUSE.findall(line)) >= 2))


def _headline_above(page_lines: list[tuple[str, int]], main_lines: list[tuple[str, int]]) -> tuple[str, list[str]]:
    """The headline printed just above the article's first paragraph (with its subtitle), and a name-only line under it.

    Walks up from the first paragraph of the main content over date, source and byline lines;
    the first short line that is not a sentence and not furniture is the headline (a blog's
    headline is often a link to itself, so links count).
    """
    first_line = next((line for line, _ in main_lines if not is_furniture(line)), None)
    paragraph = next((line for line, linked in main_lines if _is_paragraph(line) and linked < len(line) * 0.5), None)
    if first_line is None or paragraph is None:
        return "", []
    start = next((i for i, (line, _) in enumerate(page_lines) if line == first_line), 0)
    at = next((i for i in range(start, len(page_lines)) if page_lines[i][0] == paragraph), None)
    if at is None:
        return "", []
    subtitle: list[str] = []
    names: list[str] = []
    for line, linked in reversed(page_lines[max(0, at - 12):at]):
        if is_furniture(line) or is_date_line(line) or _YEAR_MONTH.match(line) or (len(line) <= 80 and parse_meta_line(line)):
            continue
        dated = _TRAILING_DATE.search(line)
        if dated and len(line) <= 90:  # `湘菜粤菜 兵分两路 (图) 2005-06-14 03:25:55`: headline and date on one line
            line = line[:dated.start()].strip()
            if len(line) < 3 or _POSTED.search(line):
                continue
        if _URL_LINE.match(line) or _SECTION_HEADING.match(line):
            continue
        if (len(line) <= 12 and parse_authors(line) == [line.strip()]) or (len(line) <= 40 and (
                byline_authors(line) or _CREDIT.search(line))):
            names = names or parse_authors(line) if len(line) <= 12 else names or byline_authors(line)
            continue
        if not subtitle and 6 <= len(line) <= 30 and line.endswith("。") and "，" in line:
            subtitle = [line]  # a one-sentence deck under the headline
            continue
        if not subtitle and line.endswith(("，", ",")) and len(line) >= 10:
            continue  # the start of the first paragraph, wrapped by the page
        if _ORG_SIGNATURE.search(line) and len(line) <= 30:
            continue  # a report's authoring body under its title
        if len(line) < 3 or len(line) > 60 or _SENTENCE_END.search(line) or linked > len(line) * 0.5 and subtitle:
            break
        if _SUBTITLE.match(line) and not subtitle:
            subtitle = [line]
            continue
        return " ".join([_TRAILING_JUNK.sub("", line), *subtitle]), names
    return "", []


def _printed_alone(lines: list[tuple[str, int]], title: str) -> bool:
    """Whether the page prints `title` as a line of its own, not as a link and not as its first
    line (old saved pages echo the `<title>` there); only titles with some Chinese in them count."""
    if len(_CJK.findall(title)) < 4:
        return False
    return any(line == title and linked < len(line) * 0.5 for line, linked in lines[1:])


@functools.lru_cache(maxsize=4096)
def _names_the_source(names: str) -> bool:
    """Whether a `class id` string names the source (pages repeat the same few class names)."""
    return bool(_SOURCE_CLASS.search(names))


def _source_element(body: Element) -> str | None:
    """The text of a short element whose class or id names it the source (`<a class="source">北京日报</a>`)."""
    for element in body.iter("a", "span", "em", "div", "p"):
        classes, ident = element.get("class"), element.get("id")
        if not (classes or ident) or not _names_the_source(f"{classes or ''} {ident or ''}"):
            continue
        text = normalise_line(text_of(element))
        text = re.sub(r"^(?:[稿][件])?[来來]源[:：]?\s*", "", text)
        if 2 <= len(text) <= 30 and not find_date(text) and not re.search(r"[:：]", text):
            return text
    return None


def _meta_authors(value: str, body: Element) -> list[str]:
    """Names from a meta author tag, less those the page prints only as its editor (`责任编辑：张家祺`)."""
    names = parse_authors(value)
    if not names:
        return names
    text = text_of(body)
    return [name for name in names if not printed_only_as_editor(name, text)]


# Private-use characters: what a legacy encoding's unmapped bytes (site-made glyphs) decode to.
_PRIVATE_USE = "".join(map(chr, range(0xE000, 0xF900)))
_DATA_SOURCE = re.compile(r"^\s*[(（\[【]?\s*(?:数据|數據|資料|资料|[图圖]片?|[图圖]表|[视視][频頻])")


def _clean_source(value: str | None) -> str | None:
    """A source value without trailing separators (`新京报 ⋅`); None when it is markup debris
    (`size="20"`) or another label's value (`发布时间：…`)."""
    if not value:
        return None
    value = value.strip(" ⋅·•|｜-—_[]【】" + _PRIVATE_USE)
    if not value or re.search(r"[=\"<>:：]", value) or PLACEHOLDER_SOURCE.match(value):
        return None
    return value


def _in_link_list(lines: list[tuple[str, int]], i: int) -> bool:
    """Whether line `i` is a link in a list of links: mostly link text, like the lines on both sides."""
    return 0 < i < len(lines) - 1 and all(linked > len(line) * 0.5 for line, linked in lines[i - 1:i + 2])


_REPORTER = re.compile(r"(?:本[报報]|特[约約])?[记記]者")


def _visible_meta(lines: list[tuple[str, int]], title: str) -> dict[str, str]:
    """Metadata from the lines right under the headline (or the top of the page)."""
    key = SQUEEZE("", title)
    # The headline's line: the first that holds it outside a list of links (a sidebar listing the
    # article among others), else the first that holds it at all.
    found_at = [i for i, (line, _) in enumerate(lines) if key[0] in line and key in SQUEEZE("", line)] if key else []
    start = next((i for i in found_at if not _in_link_list(lines, i)), found_at[0] if found_at else 0)
    found: dict[str, str] = {}
    source_at = 0
    for i, (line, _) in enumerate(lines[start:start + 25], start):
        for name, value in parse_meta_line(line).items():
            if name == "author":
                value = ", ".join(parse_authors(value))
            elif name == "source" and _DATA_SOURCE.match(line):
                continue  # `数据来源：国家统计局` under a chart
            if value and name not in found:
                found[name] = value
                source_at = i if name == "source" else source_at
        if "date" not in found and is_date_line(line):
            found["date"] = parse_date(line) or ""
        reporter = _REPORTER.search(line) if "author" not in found and len(line) <= 80 else None
        if reporter and reporter.start() > 0:
            names = byline_authors(line[reporter.start():])
            if names:
                found["author"] = ", ".join(names)
        unlabelled = _AUTHOR_NO_COLON.search(line) if "author" not in found and len(line) <= 60 else None
        if unlabelled:  # `0 条评论 | 作者魏星`
            found["author"] = ", ".join(parse_authors(unlabelled.group(1)))
        if "author" not in found and len(line) <= 40 and i < start + 8:
            names = byline_authors(line)
            if names:
                found["author"] = ", ".join(names)
    if "source" not in found or source_at >= start + 6:
        # `2019-09-26 10:56:28  证券时报网`: an unlabelled publisher after the date under the headline
        # (before a 来源 line further down, which may close the article or name a person)
        for line, _ in lines[start:start + 6]:
            match = _DATE_THEN_PUBLISHER.match(line)
            if match:
                found["source"] = match.group(1)
                break
    if not found.get("date"):
        # A date printed just under the headline is the publication date.
        for line, linked in lines[start:start + 8]:
            if linked > len(line) * 0.5 and len(_CJK.findall(line)) >= 6:
                continue  # a related article's linked headline with its date
            date = parse_date(line[line.find(key[-6:]) + 6 if key and key[-6:] in line else 0:][:120])
            if date:
                found["date"] = date
                break
    for line, _ in lines[max(0, start - 3):start]:  # `作者：… 出自[…]` printed just above the headline
        for name, value in parse_meta_line(line).items() if len(line) <= 80 else ():
            if name in ("source", "author") and value:
                found.setdefault(name, ", ".join(parse_authors(value)) if name == "author" else value)
    if not found.get("date") and start > 0:
        # An e-paper prints the issue date just above the headline.
        for line, _ in lines[max(0, start - 3):start][::-1]:
            if is_date_line(line):
                found["date"] = parse_date(line) or ""
                break
    return {k: v for k, v in found.items() if v}


def _body_lines(lines: list[tuple[str, int]], title: str) -> list[str]:
    key = SQUEEZE("", title)
    body: list[str] = []
    for line, linked in lines:
        if body and is_article_end(line) and sum(map(len, body)) >= 50:
            break  # comments, related articles: the article is over
        # (a line squeezes to the headline only if it is as long and holds its first character)
        if is_furniture(line) or len(line) >= len(key) and (not key or key[0] in line) and SQUEEZE("", line) == key:
            continue
        if title and line.startswith(title) and is_date_line(line[len(title):]):
            continue  # `学做红烧肉  2005-06-13 15:00:14`: the headline with its date, as a blog prints it
        if linked > len(line) * 0.6 and len(line) < 80:
            continue
        if len(line) <= 80 and parse_meta_line(line):
            continue
        if is_date_line(line) and not (body and _SIGNATURE_DATE.match(line)):
            continue  # a date line under the headline; a document's closing 2022年1月27日 stays
        if len(line) <= 60 and line[0].isascii() and _DATE_THEN_PUBLISHER.match(line):
            continue  # `2019-09-26 10:56:28 证券时报网`: the date and publisher under the headline
        if len(line) <= 30 and byline_authors(line) or len(line) <= 60 and posted_by(line):
            continue
        body.append(_WIDE_SPACE.sub(" ", line) if "  " in line else line)
    if any(len(line) == 1 for line in body):  # `今` `日` `推` `荐`: a label printed one character a line
        body = [line for i, line in enumerate(body) if len(line) > 1
                or not (i and len(body[i - 1]) == 1 or i + 1 < len(body) and len(body[i + 1]) == 1)]
    while body and _EMPTY_LABEL.match(body[-1]):
        body.pop()  # `附件：` with nothing after it (an empty attachment list) ends no article
    return body


# The labels of a government document's record table (政府信息公开: 索引号, 发文机关, 成文日期, …).
_RECORD_LABEL = re.compile(r"索引号|主题分类|[发發]文机[关關]|[发發]布机[构構]|成文日期|[发發]文字[号號]|[发發]布日期|"
                           r"公文种[类類]|信息分[类類]|主[题題]词|有效性|生成日期|所属机[构構]|文[号號][:：]")


def _text_up_to(element: Element, limit: int) -> str | None:
    """The text inside an element, or None when it is longer than `limit` characters."""
    text = text_of(element)
    return text if len(text) <= limit else None


def _record_table(main: Element) -> Element | None:
    """A government document's record table printed just before its text, outside the main content, or None.

    It is the nearest element before the article (a preceding sibling of the main content or of
    one of its six nearest ancestors) that is short and names at least three record fields
    (索引号, 发文机关, 成文日期, 发文字号, 发布日期, …). It is part of the document: the ground
    truth of such pages keeps it, and readers search by 文号 and 索引号.
    """
    node = main
    for _ in range(7):
        for sibling in node.itersiblings(preceding=True):
            if not isinstance(sibling.tag, str):
                continue
            text = _text_up_to(sibling, 3000)
            if text is not None:
                text = SQUEEZE("", text)
                if not text:
                    continue
                if len(text) <= 600 and len(set(_RECORD_LABEL.findall(text))) >= 3:
                    return sibling
            break  # only the nearest block before the article
        node = node.getparent()
        if node is None or node.tag == "body":
            break
    return None


# The characters str.isspace() is true for (what `\s` matches in a str pattern).
_WHITESPACE = "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
# `</body>` / `</html>` (any case, any whitespace before `>`) in the page's UTF-8: removing them from
# the bytes is the same as from the text, and quicker (one byte a character for the markup).
_EARLY_CLOSE = re.compile(rb"</(?:body|html)(?:" + b"|".join(re.escape(c.encode()) for c in _WHITESPACE) + rb")*>",
                          re.IGNORECASE)


def parse_html(text: str) -> Element | None:
    """The lxml tree of a page, or None when lxml cannot build one."""
    # A `</html>` or `</body>` in the middle of a page (templates glued together, as on gov.cn)
    # makes libxml2 drop everything after it; the parser closes both by itself at the end.
    data = _EARLY_CLOSE.sub(b"", text.encode("utf-8", "replace"))
    try:
        parser = getattr(_PARSERS, "parser", None)
        if parser is None:
            parser = _PARSERS.parser = lxml.etree.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True,
                                                                collect_ids=False)  # nothing looks up IDs
        doc = lxml.etree.fromstring(data, parser=parser)
    except (lxml.etree.LxmlError, ValueError):
        return None
    return doc


def html_body_text(fragment: str, *, find_main: bool = False) -> str:
    """The text of an HTML fragment (a record's body), furniture removed, one paragraph a line.

    A record's HTML is the article already, so all of it is kept unless `find_main` asks for
    main-content selection as on a whole page.
    """
    doc = parse_html(fragment)
    if doc is None:
        return ""
    lxml.etree.strip_elements(doc, *_DROP_TAGS, with_tail=False)
    body = doc.find("body") if doc.find("body") is not None else doc
    return "\n".join(_body_lines(text_lines(main_content(body) if find_main else body)[0], ""))


def _strip_tags(text: str) -> str:
    text = re.sub(r"(?is)<(script|style)\b.*?</\1\s*>", "", text)
    text = re.sub(r"(?i)<(?:br|/p|/div|/h\d|/li|/tr|/title)\b[^>]*>", "\n", text)
    return _html.unescape(re.sub(r"<[^>]*>", "", text))


LINK_LIST = "a list of links, not an article"


def extract_html(text: str, relpath: str) -> Article | Skipped:
    """One Article from the text of an HTML page (the body may come out empty), or Skipped with
    `LINK_LIST` when the page's main content is a list of links (a section's index page)."""
    doc = parse_html(text)
    body_el = None if doc is None else doc.find("body")
    if doc is None or body_el is None or not any(normalise_line(piece) for piece in body_el.itertext()):
        return extract_text(_strip_tags(text), relpath)
    meta = page_meta(doc)
    ld = json_ld(doc)
    micro = microdata(doc) if "itemprop" in text else {}
    canonical = next((link.get("href") for link in doc.iter("link") if (link.get("rel") or "").lower() == "canonical"), None)
    for aside in body_el.iter("aside", "nav"):  # some mobile templates put the headline and date in an <aside>
        if aside.find(".//h1") is not None:
            aside.tag = "div"
    lxml.etree.strip_elements(doc, *_DROP_TAGS, with_tail=False)
    title, vouched = _title(doc, meta, ld)
    title_el = _title_element(body_el, title)
    main = main_content(body_el, title_el, title)
    # A page that vouches for its headline is read around the headline and the article only.
    lead = lead_before(main) if main is not body_el else None
    region = _region(body_el, main, title_el) if vouched and title_el is not None else body_el
    page_lines, start, end = text_lines(region, main, lead)
    visible = _visible_meta(page_lines, title) if region is not body_el and not tag_date(meta, ld) else None
    if visible is not None and not visible.get("date"):
        page_lines, start, end = text_lines(body_el, main, lead)  # the date may sit outside: read it all
        visible = None
    main_lines = page_lines[start:end]
    if is_link_list(main_lines):
        return Skipped(relpath, LINK_LIST)
    names_under_headline: list[str] = []
    if not vouched and not _printed_alone(page_lines[:end], title):
        headline, names_under_headline = _headline_above(page_lines, main_lines)
        if headline and headline != title:
            title, visible = headline, None
    if visible is None:
        visible = _visible_meta(page_lines, title)
    if not visible.get("date"):  # a blog's `发表于2005年09月07日 11:57 AM` under the post
        visible["date"] = next((d for d in (parse_date(line) for line, _ in page_lines[end:end + 6]
                                            if len(line) <= 60 and _POSTED_AT.search(line)) if d), None)
    for line, _ in page_lines[max(start, end - 3):end + 6]:  # `编辑：… 来源：… 作者：…` closing the article
        for name, value in parse_meta_line(line).items() if len(line) <= 80 and not _DATA_SOURCE.match(line) else ():
            if name in ("source", "author", "credit") and value:
                visible.setdefault(name, ", ".join(parse_authors(value)) if name == "author" else value)
    body = _body_lines(main_lines, title)
    record = _record_table(main) if main is not body_el else None
    if record is not None:  # a government document's 索引号/发文机关/成文日期 table heads its text
        body = [_WIDE_SPACE.sub(" ", line) for line, _ in text_lines(record)[0]] + body
    authors = _meta_authors(meta.get("author", ""), body_el) if "author" in meta and "articletitle" in meta else []
    authors = authors or parse_authors(visible.get("author", "")) or names_under_headline
    if not authors:  # a byline at the top of the text, or a signature at its end
        for line, _ in main_lines[:8]:
            authors = byline_authors(line)
            if authors:
                break
    if not authors:
        for line, _ in main_lines[-4:][::-1]:
            authors = closing_authors(line)
            if authors:
                break
    if not authors:
        for line, _ in page_lines[max(0, start - 12):start + 4]:
            authors = posted_by(line)
            if authors:
                break
    authors = (authors or next((names for names in (_meta_authors(meta.get(key, ""), body_el) for key in AUTHOR_META) if names), [])
               or parse_authors(ld_name(ld.get("author"))) or parse_authors(micro.get("author", "")))
    printed_source = _clean_source(visible.get("source") or visible.get("credit"))
    if not printed_source and visible.get("placeholder"):
        # `来源：转载文章` under the headline: the page names the real source with the text,
        # on a short line of its own (the last one; a chart's `数据来源：` is no publisher)
        printed_source = next((_clean_source(meta_line.get("source")) for meta_line in
                               (parse_meta_line(line) for line, _ in main_lines[::-1] if len(line) <= 40
                                and not _DATA_SOURCE.match(line)) if meta_line.get("source")), None)
    content_source = meta.get("contentsource")
    if content_source and printed_source and _SITE_ITSELF.search(content_source):
        content_source = None  # `辽阳网站` names the site itself; the printed `信息来源：辽阳日报` the publisher
    source = first(content_source, printed_source)
    source = source or first(_source_element(body_el),
                              *(re.sub(r"^[来來]源[:：]\s*", "", meta.get(key, "")).split(" ")[0] for key in SOURCE_META),
                              ld_name(ld.get("sourceOrganization")), ld_name(ld.get("publisher")),
                              meta.get("og:site_name"))  # the site itself, when nothing names another publisher
    source = _clean_source(source)
    date = (next((d for d in (parse_date(meta.get(key)) for key in DATE_META) if d), None)
            or parse_date(ld.get("datePublished")) or parse_date(micro.get("datepublished")) or visible.get("date")
            or next((d for d in (parse_date(meta.get(key)) for key in DATE_META_WEAK) if d), None)
            or parse_date(ld.get("dateModified"))
            or script_date(text)
            or date_from_path(meta.get("og:url", "") or canonical or "") or date_from_path(relpath))
    url = next((u for u in (meta.get("url"), meta.get("og:url"), canonical, ld.get("url") if isinstance(ld.get("url"), str) else None)
                if u and u.startswith(("http://", "https://"))), None)
    keywords_raw = meta.get("keywords") or ld.get("keywords") or ""
    if isinstance(keywords_raw, list):
        keywords_raw = ",".join(str(k) for k in keywords_raw)
    keywords = list(dict.fromkeys(k for k in KEYWORD_SPLIT.split(str(keywords_raw)) if k and "<" not in k))
    return Article(
        id=relpath,
        title=title.strip(_PRIVATE_USE).strip() if title and title[-1] >= "\ue000" else title,
        date=date,
        source=source,
        authors=authors,
        url=url,
        column=first(meta.get("columnname"), meta.get("og:category"), meta.get("article:section"), ld.get("articleSection")),
        keywords=keywords,
        body="\n".join(body),
    )
