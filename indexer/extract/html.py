"""Articles from HTML pages: metadata from meta tags, JSON-LD and visible lines; body by main content.

Metadata, in order of trust: Chinese government meta tags (`ArticleTitle`, `PubDate`,
`ContentSource`, `Author`, `ColumnName`, `Keywords`, `Url`), then the visible lines under the
headline (`来源：`, `作者：`, `发布时间：`), then common meta, OpenGraph and JSON-LD. The title is
the `<h1>` that matches the `<title>`, else the `<title>` without its site suffix.

The body is the block of the page that holds most sentence text and few links (a small
readability-style score), cut into lines at block elements, with furniture lines removed by the
rules in `cleaning`. Pages lxml cannot build a tree for (100,000 nested tags) fall back to the
text-dump reader on the page with its tags stripped.
"""
from __future__ import annotations

import html as _html
import json
import re
import threading

import lxml.etree

from ..article import Article
from .authors import byline_authors, closing_authors, parse_authors, posted_by
from .cleaning import (
    is_article_end,
    is_date_line,
    is_furniture,
    normalise_line,
    parse_meta_line,
    strip_site_suffix,
)
from .dates import date_from_path, find_date, parse_date
from .text import extract_text

Element = lxml.etree._Element
_PARSERS = threading.local()  # one parser per thread: lxml parsers are not shared safely across threads
_DROP_TAGS = ("script", "style", "noscript", "iframe", "svg", "select", "button", "textarea",
              "input", "nav", "aside", "footer", "template", "object", "embed", "canvas", "video", "audio")
_BLOCK = frozenset(["p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table", "section", "article", "header", "blockquote", "pre", "dd", "dt", "dl", "center", "form", "main", "figure", "figcaption", "hr", "tbody"])
_POSITIVE = re.compile(r"article|content|body|text|main|detail|post|entry|story|trs_?editor|rich_media|artibody|zoom|news_?txt|con", re.IGNORECASE)
_NEGATIVE = re.compile(r"comment|foot|nav|sidebar|side|related|recommend|share|breadcrumb|crumb|banner|menu|copyright|"
                       r"hot|rank|list|login|header|toolbar|widget|promo|ad-|ads|advert|tags?$|bottom|top|right|left", re.IGNORECASE)
_PUNCT = re.compile(r"[，。！？；,.!?;：、]")
_TITLE_CLASS = re.compile(r"title|headline|biaoti", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")
_KEYWORD_SPLIT = re.compile(r"[,;，；、|｜\s]+")


def _text(element: Element) -> str:
    """All the text inside an element (plain lxml elements have no text_content())."""
    return "".join(element.itertext())


def _meta(doc: Element) -> dict[str, str]:
    found: dict[str, str] = {}
    for element in doc.iter("meta"):
        key = element.get("name") or element.get("property") or element.get("itemprop") or element.get("http-equiv")
        value = element.get("content")
        if key and value and value.strip():
            found.setdefault(re.sub(r"\s+", "", key).lower(), normalise_line(_TAG.sub("", _html.unescape(value))))
    return found


def _ld_items(data: object, depth: int = 0) -> list[dict]:
    """Every object in a JSON-LD value: lists, `@graph`s and lists of lists flattened."""
    if depth > 4:
        return []
    if isinstance(data, list):
        return [item for value in data for item in _ld_items(value, depth + 1)]
    if isinstance(data, dict):
        return [data, *_ld_items(data.get("@graph"), depth + 1)] if "@graph" in data else [data]
    return []


def _json_ld(doc: Element) -> dict:
    """The page's article object from JSON-LD (the first with a headline or a publication date)."""
    for script in doc.iter("script"):
        if (script.get("type") or "").lower() != "application/ld+json" or not script.text:
            continue
        try:
            data = json.loads(script.text, strict=False)  # raw newlines inside strings are common
        except (ValueError, RecursionError):
            continue
        for item in _ld_items(data):
            if item.get("headline") or item.get("datePublished"):
                return item
    return {}


def _microdata(doc: Element) -> dict[str, str]:
    """`itemprop` values on elements other than `<meta>` (`<time itemprop="datePublished" datetime=…>`)."""
    found: dict[str, str] = {}
    for element in doc.xpath("//*[@itemprop='datePublished' or @itemprop='author' or @itemprop='publisher']"):
        key = element.get("itemprop").lower()
        value = element.get("content") or element.get("datetime") or _text(element)
        if value and value.strip():
            found.setdefault(key, normalise_line(value))
    return found


# Where a page states its publication date, in order of trust: meta names (lower-cased), then
# JSON-LD / microdata, then the visible line under the headline, then weaker meta, then the URL.
DATE_META = ("pubdate", "publishdate", "article:published_time", "og:article:published_time", "firstpublishedtime",
             "og:time", "apub:time", "og:release_date", "datepublished", "article:published", "publish-date",
             "publish_date", "weibo:article:create_at", "publish_time", "pubtime", "dc.date.issued", "dc.date",
             "sailthru.date", "parsely-pub-date", "date")
DATE_META_WEAK = ("dateupdate", "maketime", "article:modified_time", "og:updated_time", "lastmodified")
# Meta tags that give the headline itself (government pages, academic journals).
TITLE_META = ("articletitle", "citation_title")
# Meta tags naming the author, tried in order after the visible byline.
AUTHOR_META = ("author", "article:author", "citation_author", "citation_authors", "dc.creator", "byl")
# Where it names its publishing body when no visible 来源 line does (after ContentSource and the visible line).
SOURCE_META = ("source", "mediaid", "article:source", "og:article:source", "citation_publisher", "dc.publisher")


_CELLS = frozenset(["td", "th"])
_WIDE_SPACE = re.compile(r" {2,}")
_HARD_BREAK = re.compile(r"[\r\n\x1f]+")
_DOCUMENT_LINK = re.compile(r"\.(?:docx?|xlsx?|pdf|wps|ofd|zip|rar|7z|pptx?|et|txt)(?:[?#].*)?$", re.IGNORECASE)


def _lines(element: Element, mark: Element | None = None,
           mark_from: Element | None = None) -> tuple[list[tuple[str, int]], int, int]:
    """The text of an element cut into lines at block elements, each with its count of link characters.

    Table cells do not end a line: a table row becomes one line with its cells separated by
    spaces, so that a table that is the article keeps its text row by row. Links to documents
    (attachments: `.docx`, `.pdf`, …) do not count as link text. Returns the lines and the
    range of lines `[start, end)` that lie inside `mark` (an element inside `element`), or from
    the start of `mark_from` (an earlier sibling of `mark`) to the end of `mark`.
    """
    lines: list[tuple[str, int]] = []
    current: list[str] = []
    linked = [0]
    span = [0, 0]

    def flush() -> None:
        if not current:
            return
        raw = "".join(current).strip()
        current.clear()
        if not raw:
            linked[0] = 0
            return
        if "\n" in raw or "\r" in raw or "\x1f" in raw:
            # Line breaks in the source and cell boundaries become two spaces, so that a value on a
            # metadata line ends there (`来源：新京报  举报`).
            text = "  ".join(part for part in (normalise_line(p) for p in _HARD_BREAK.split(raw)) if part)
        else:
            text = normalise_line(raw)
        if text:
            lines.append((text, min(linked[0], len(text))))
        linked[0] = 0

    in_link = 0
    mark_from = mark if mark_from is None else mark_from
    for event, node in lxml.etree.iterwalk(element, events=("start", "end")):
        tag = node.tag
        if not isinstance(tag, str):
            continue
        if event == "start":
            if tag in _BLOCK or node is mark or node is mark_from:
                flush()
                if node is mark_from:
                    span[0] = len(lines)
            elif tag in _CELLS:
                current.append("\x1f")
            if tag == "a" and not _DOCUMENT_LINK.search(node.get("href") or ""):
                in_link += 1
            text = node.text
            if text:
                current.append(text)
                if in_link:
                    linked[0] += len(text.strip())
            continue
        if tag in _BLOCK or node is mark:
            flush()
            if node is mark:
                span[1] = len(lines)
        elif tag in _CELLS:
            current.append("\x1f")
        if tag == "a" and not _DOCUMENT_LINK.search(node.get("href") or ""):
            in_link -= 1
        tail = node.tail
        if tail and node is not element:
            current.append(tail)
            if in_link:
                linked[0] += len(tail.strip())
    flush()
    if mark is None or mark is element:
        return lines, 0, len(lines)
    return lines, span[0], span[1]


def _class_weight(element: Element) -> int:
    names = f"{element.get('class', '')} {element.get('id', '')}"
    weight = 0
    if _NEGATIVE.search(names):
        weight -= 25
    if _POSITIVE.search(names):
        weight += 25
    if (element.get("itemprop") or "").lower() == "articlebody":
        weight += 50
    return weight


# Elements whose own text is scored, and how far up a paragraph's score is passed.
_SCORED = ("p", "div", "td", "th", "li", "dd", "section", "article", "span", "font", "pre", "blockquote", "center")
_INLINE = frozenset(["span", "font", "a", "b", "strong", "em", "i", "u", "sub", "sup", "small", "big", "label"])
_ROW_PARTS = frozenset(["tr", "tbody", "thead", "tfoot"])
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def _container_of(node: Element, own_len: int, breaks: int) -> Element | None:
    """The element a scored text belongs to: itself when it holds a run of text, else its block parent.

    Inline wrappers (`<span>`, `<font>`) climb to their block; a short cell climbs to its table
    and a list item to its list, so that a table or list is scored as a whole.
    """
    if node.tag in ("div", "td", "th", "section", "article", "pre", "center") and (breaks >= 2 or own_len >= 150):
        return node
    while node is not None and node.tag in _INLINE:
        node = node.getparent()
    if node is None:
        return None
    parent = node.getparent()
    if node.tag in _CELLS:
        while parent is not None and parent.tag in _ROW_PARTS:
            parent = parent.getparent()
    return parent


def _lead_before(main: Element) -> Element | None:
    """A lead paragraph printed just before the main content, outside it (`<p class="chapo">`), or None.

    Up to two earlier siblings are taken when each is a block of sentences without links.
    """
    first = None
    node = main.getprevious()
    for _ in range(2):
        while node is not None and (not isinstance(node.tag, str) or not "".join(node.itertext()).strip()):
            node = node.getprevious()
        if node is None or node.tag not in ("p", "div", "section", "blockquote"):
            break
        text = "".join(node.itertext()).strip()
        if len(text) < 40 or len(_PUNCT.findall(text)) < 2 or _link_density(node) > 0.1:
            break
        first = node
        node = node.getprevious()
    return first


def _link_density(holder: Element) -> float:
    """The share of an element's text that sits inside links (links to documents excepted)."""
    total = len("".join(holder.itertext()).strip()) or 1
    links = sum(len("".join(a.itertext()).strip()) for a in holder.iter("a") if not _DOCUMENT_LINK.search(a.get("href") or ""))
    return min(links / total, 1.0)


def _path_to(element: Element | None) -> dict:
    """Each ancestor of `element` → its child on the way down to `element` (and `element` → itself)."""
    if element is None:
        return {}
    path = {element: element}
    child = element
    for ancestor in element.iterancestors():
        path[ancestor] = child
        child = ancestor
    return path


def _comments_heading(body: Element, title_el: Element | None) -> Element | None:
    """The first short element after the headline that starts a comments or related-articles block."""
    seen_title = title_el is None
    for element in body.iter("h2", "h3", "h4", "h5", "div", "p", "span", "td", "strong", "b", "a", "li", "dt"):
        if not seen_title:
            seen_title = element is title_el
            continue
        text = element.text
        if text and len(text) <= 40 and len(element) <= 2 and is_article_end(normalise_line(text)):
            return element
    return None


def _follows(element: Element, path: dict) -> bool:
    """Whether `element` comes after the end of the element that `path` leads to and does not contain it."""
    if element in path:
        return False
    child, node = element, element.getparent()
    while node is not None and node not in path:
        child, node = node, node.getparent()
    if node is None:
        return False
    return node.index(child) > node.index(path[node])


def _precedes(element: Element, title_el: Element, title_path: dict) -> bool:
    """Whether `element` comes before the headline in the page and does not contain it."""
    if element in title_path:
        return False
    child, node = element, element.getparent()
    while node is not None and node not in title_path:
        child, node = node, node.getparent()
    if node is None:
        return False
    other = title_path[node]
    return node.index(child) < node.index(other)


def _main_content(body: Element, title_el: Element | None = None) -> Element:
    """The element holding the article text: the best-scoring container of sentence-bearing text.

    Every piece of text with Chinese sentences in it scores by its punctuation and length and
    passes the score to its container (and half to the container's parent). A container scores
    less the more of its text is links, and half when it sits before the headline (a sidebar).
    """
    scores: dict[Element, float] = {}
    for node in body.iter(*_SCORED):
        if node.tag == "p":
            text = "".join(node.itertext())
            breaks = 0
        else:
            text = (node.text or "") + "".join((c.tail or "") for c in node if c.tail)
            breaks = sum(1 for c in node if c.tag == "br") if len(node) else 0
        text = text.strip()
        if len(text) < 4:
            continue
        # Characters beyond U+07FF take three bytes in UTF-8: Chinese text and full-width punctuation.
        cjk = (len(text.encode("utf-8", "surrogatepass")) - len(text)) // 2
        if cjk < 2:
            continue
        punct = len(_PUNCT.findall(text))
        if cjk < 6 and not punct and node.tag not in _CELLS:
            continue
        score = 1 + punct + min(cjk / 50, 3)
        target = _container_of(node, len(text), breaks)
        for share, holder in ((1.0, target), (0.5, target.getparent() if target is not None else None)):
            if holder is not None and isinstance(holder.tag, str):
                if holder not in scores:
                    scores[holder] = _class_weight(holder)
                scores[holder] += score * share
    if not scores:
        return body
    # title_path: each ancestor of the headline → its child on the way down to the headline.
    title_path: dict = {}
    if title_el is not None:
        child = title_el
        for ancestor in title_el.iterancestors():
            title_path[ancestor] = child
            child = ancestor
        title_path[title_el] = title_el
    heading = _comments_heading(body, title_el)
    comments_path = _path_to(heading)
    # A box that opens with that heading (`<div id="comments"><h3>评论</h3>…`) is the block itself.
    comments_box = heading.getparent() if heading is not None and heading.getprevious() is None else None
    best, best_score = body, float("-inf")
    # The final score never exceeds the raw one, so holders are tried best raw score first.
    for holder, score in sorted(scores.items(), key=lambda item: item[1], reverse=True):
        if score <= best_score:
            break
        final = score * (1 - _link_density(holder))
        if title_el is not None and _precedes(holder, title_el, title_path):
            final *= 0.5
        if comments_path and (_follows(holder, comments_path) or holder is comments_box):
            final *= 0.3  # under a 评论 / 相关阅读 heading: comments or related articles
        if final > best_score:
            best, best_score = holder, final
    return best


def _title_element(body: Element, title: str) -> Element | None:
    """The element that prints the headline (a heading first), or None."""
    key = re.sub(r"\s", "", title)
    if len(key) < 4:
        return None
    found = None
    for el in body.iter("h1", "h2", "h3", "h4", "div", "p", "span", "td", "strong", "b", "font"):
        own = re.sub(r"\s", "", el.text or "")
        if not own or not key.startswith(own[:6]) or len(el) > 4:
            continue
        if re.sub(r"\s", "", _text(el)) == key:
            if el.tag in ("h1", "h2", "h3", "h4"):
                return el
            found = found if found is not None else el
    return found


def _title(doc: Element, meta: dict[str, str], ld: dict) -> tuple[str, bool]:
    """The headline, and whether the page vouches for it (meta tag, a heading or JSON-LD that matches `<title>`).

    An unvouched title is the `<title>` without its site suffix, checked later against the lines
    above the article text.
    """
    for key in TITLE_META:
        if meta.get(key):
            return meta[key], True
    page_title = normalise_line(doc.findtext(".//title") or "")
    squeezed = re.sub(r"\s", "", page_title)
    headings = [re.sub(r"^原创\s*", "", normalise_line(_text(h))) for h in doc.iter("h1", "h2", "h3")]
    titled = (re.sub(r"^原创\s*", "", normalise_line(_text(e))) for e in doc.iter("div", "p", "span", "td", "strong")
              if (e.get("class") or e.get("id")) and _TITLE_CLASS.search(f"{e.get('class', '')} {e.get('id', '')}") and len(e) <= 3)
    for group in (headings, titled):  # title-classed elements are only looked at when no heading matches
        for heading in sorted(group, key=len, reverse=True):
            key = re.sub(r"\s", "", heading)
            if len(key) >= 6 and squeezed and (key in squeezed or squeezed in key):
                return heading, True
    for key in ("og:title", "twitter:title"):
        candidate = meta.get(key, "")
        if len(candidate) >= 4 and squeezed.startswith(re.sub(r"\s", "", candidate)):
            return (strip_site_suffix(page_title) if len(page_title) > len(candidate) else candidate), True
    headline = normalise_line(ld.get("headline", "")) if isinstance(ld.get("headline"), str) else ""
    if headline and re.sub(r"\s", "", headline) in squeezed:
        return headline, True
    if page_title:
        return strip_site_suffix(page_title), False
    return headline or meta.get("og:title", "") or (headings[0] if headings else ""), False


_CLAUSE = re.compile(r"[，。；！？]")
_URL_LINE = re.compile(r"^(?:https?://|www\.)\S*$", re.IGNORECASE)
_SECTION_HEADING = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]|[(（][一二三四五六七八九十]+[)）]|\d+(?:\.\d+)*[、.．]\s*\S)")
_CREDIT = re.compile(r"[记記]者|通[讯訊][员員]|供[图圖]|[摄攝]影|/文|文/|[图圖]/")
_DATE_THEN_PUBLISHER = re.compile(
    r"^(?:19|20)\d{2}[-/.年]\d{1,2}[-/.月]\d{1,2}日?(?:\s*\d{1,2}:\d{2}(?::\d{2})?)?\s+"
    r"([\u3400-\u9fff]{2,14}(?:[网網]|[报報]|[社]|[台]|[刊]|新[闻聞]|客[户戶][端]|[频頻]道|[杂雜]志))$")
# Class or id names that mark the element printing the source, tried as whole words.
SOURCE_CLASSES = ("source", "article-source", "source-name", "sourcename", "laiyuan", "ly", "media-name", "media_name",
                  "news-source")
_SOURCE_CLASS = re.compile(r"(?:^|\s)(?:" + "|".join(map(re.escape, SOURCE_CLASSES)) + r")(?:\s|$)", re.IGNORECASE)
_ORG_SIGNATURE = re.compile(r"(?:[课課]题组|委员会|委員會|研究所|研究院|研究中心|办公室|辦公室|[编編][辑輯]部)$")
_AUTHOR_NO_COLON = re.compile(r"(?:^|[\s|｜])作者\s*([\u3400-\u9fff]{2,4})(?:\s|$)")
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


def _near_content(page_lines: list[tuple[str, int]], main_lines: list[tuple[str, int]], title: str) -> bool:
    """Whether `title` is printed within a few lines above (or at the top of) the article text."""
    key = re.sub(r"\s", "", title)
    if not key or not main_lines:
        return False
    first = main_lines[0][0]
    at = next((i for i, (line, _) in enumerate(page_lines) if line == first), None)
    if at is None:
        return False
    return any(key in re.sub(r"\s", "", line) for line, _ in page_lines[max(0, at - 12):at + 4])


def _source_element(body: Element) -> str | None:
    """The text of a short element whose class or id names it the source (`<a class="source">北京日报</a>`)."""
    for element in body.iter("a", "span", "em", "div", "p"):
        names = element.get("class") or element.get("id")
        if not names or not _SOURCE_CLASS.search(f"{element.get('class', '')} {element.get('id', '')}"):
            continue
        text = normalise_line("".join(element.itertext()))
        text = re.sub(r"^(?:[稿][件])?[来來]源[:：]?\s*", "", text)
        if 2 <= len(text) <= 30 and not find_date(text):
            return text
    return None


def _first(*values: object) -> str | None:
    for value in values:
        if isinstance(value, str) and value.strip():
            return normalise_line(value)
    return None


def _ld_name(value: object) -> object:
    if isinstance(value, list):
        return [_ld_name(v) for v in value]
    if isinstance(value, dict):
        return value.get("name")
    return value


def _visible_meta(lines: list[tuple[str, int]], title: str) -> dict[str, str]:
    """Metadata from the lines right under the headline (or the top of the page)."""
    key = re.sub(r"\s", "", title)
    start = 0
    for i, (line, _) in enumerate(lines):
        if key and key in re.sub(r"\s", "", line):
            start = i
            break
    found: dict[str, str] = {}
    for i, (line, _) in enumerate(lines[start:start + 25], start):
        for name, value in parse_meta_line(line).items():
            if name == "author":
                value = ", ".join(parse_authors(value))
            if value:
                found.setdefault(name, value)
        if "date" not in found and is_date_line(line):
            found["date"] = parse_date(line) or ""
        reporter = re.search(r"(?:本[报報]|特[约約])?[记記]者", line) if "author" not in found and len(line) <= 80 else None
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
    if "source" not in found:
        # `2019-09-26 10:56:28  证券时报网`: an unlabelled publisher after the date under the headline
        for line, _ in lines[start:start + 6]:
            match = _DATE_THEN_PUBLISHER.match(line)
            if match:
                found["source"] = match.group(1)
                break
    if not found.get("date"):
        # A date printed just under the headline is the publication date.
        for line, _ in lines[start:start + 8]:
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
    key = re.sub(r"\s", "", title)
    body: list[str] = []
    for line, linked in lines:
        if body and is_article_end(line) and sum(map(len, body)) >= 50:
            break  # comments, related articles: the article is over
        if is_furniture(line) or re.sub(r"\s", "", line) == key:
            continue
        if linked > len(line) * 0.6 and len(line) < 80:
            continue
        if len(line) <= 80 and (parse_meta_line(line) or is_date_line(line)):
            continue
        if len(line) <= 30 and byline_authors(line) or len(line) <= 60 and posted_by(line):
            continue
        body.append(_WIDE_SPACE.sub(" ", line))
    return body


_EARLY_CLOSE = re.compile(r"</(?:body|html)\s*>", re.IGNORECASE)


def parse_html(text: str) -> Element | None:
    """The lxml tree of a page, or None when lxml cannot build one."""
    # A `</html>` or `</body>` in the middle of a page (templates glued together, as on gov.cn)
    # makes libxml2 drop everything after it; the parser closes both by itself at the end.
    text = _EARLY_CLOSE.sub("", text)
    try:
        parser = getattr(_PARSERS, "parser", None)
        if parser is None:
            parser = _PARSERS.parser = lxml.etree.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True)
        doc = lxml.etree.fromstring(text.encode("utf-8", "replace"), parser=parser)
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
    return "\n".join(_body_lines(_lines(_main_content(body) if find_main else body)[0], ""))


def _strip_tags(text: str) -> str:
    text = re.sub(r"(?is)<(script|style)\b.*?</\1\s*>", "", text)
    text = re.sub(r"(?i)<(?:br|/p|/div|/h\d|/li|/tr|/title)\b[^>]*>", "\n", text)
    return _html.unescape(re.sub(r"<[^>]*>", "", text))


def extract_html(text: str, relpath: str) -> Article:
    """One Article from the text of an HTML page; the body may come out empty."""
    doc = parse_html(text)
    body_el = None if doc is None else doc.find("body")
    if doc is None or body_el is None or not normalise_line(_text(body_el)):
        return extract_text(_strip_tags(text), relpath)
    meta = _meta(doc)
    ld = _json_ld(doc)
    micro = _microdata(doc) if "itemprop" in text else {}
    canonical = next((link.get("href") for link in doc.iter("link") if (link.get("rel") or "").lower() == "canonical"), None)
    for aside in body_el.iter("aside", "nav"):  # some mobile templates put the headline and date in an <aside>
        if aside.find(".//h1") is not None:
            aside.tag = "div"
    lxml.etree.strip_elements(doc, *_DROP_TAGS, with_tail=False)
    title, vouched = _title(doc, meta, ld)
    main = _main_content(body_el, _title_element(body_el, title))
    page_lines, start, end = _lines(body_el, main, _lead_before(main) if main is not body_el else None)
    main_lines = page_lines[start:end]
    names_under_headline: list[str] = []
    if not vouched and not _printed_alone(page_lines[:end], title):
        headline, names_under_headline = _headline_above(page_lines, main_lines)
        title = headline or title
    visible = _visible_meta(page_lines, title)
    if not visible.get("date"):  # a blog's `发表于2005年09月07日 11:57 AM` under the post
        visible["date"] = next((d for d in (parse_date(line) for line, _ in page_lines[end:end + 6]
                                            if len(line) <= 60 and _POSTED_AT.search(line)) if d), None)
    for line, _ in page_lines[max(start, end - 3):end + 6]:  # `编辑：… 来源：… 作者：…` closing the article
        for name, value in parse_meta_line(line).items() if len(line) <= 80 else ():
            if name in ("source", "author") and value:
                visible.setdefault(name, ", ".join(parse_authors(value)) if name == "author" else value)
    body = _body_lines(main_lines, title)
    authors = parse_authors(meta.get("author", "")) if "author" in meta and "articletitle" in meta else []
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
    authors = (authors or next((names for names in (parse_authors(meta.get(key, "")) for key in AUTHOR_META) if names), [])
               or parse_authors(_ld_name(ld.get("author"))) or parse_authors(micro.get("author", "")))
    source = _first(meta.get("contentsource"), visible.get("source"))
    source = source or _first(_source_element(body_el),
                    *(re.sub(r"^[来來]源[:：]\s*", "", meta.get(key, "")).split(" ")[0] for key in SOURCE_META),
                    _ld_name(ld.get("publisher")) if not meta.get("og:site_name") else None,
                    _ld_name(ld.get("sourceOrganization")))
    date = (next((d for d in (parse_date(meta.get(key)) for key in DATE_META) if d), None)
            or parse_date(ld.get("datePublished")) or parse_date(micro.get("datepublished")) or visible.get("date")
            or next((d for d in (parse_date(meta.get(key)) for key in DATE_META_WEAK) if d), None)
            or parse_date(ld.get("dateModified"))
            or date_from_path(meta.get("og:url", "") or canonical or "") or date_from_path(relpath))
    url = next((u for u in (meta.get("url"), meta.get("og:url"), canonical, ld.get("url") if isinstance(ld.get("url"), str) else None)
                if u and u.startswith(("http://", "https://"))), None)
    keywords_raw = meta.get("keywords") or ld.get("keywords") or ""
    if isinstance(keywords_raw, list):
        keywords_raw = ",".join(str(k) for k in keywords_raw)
    keywords = list(dict.fromkeys(k for k in _KEYWORD_SPLIT.split(str(keywords_raw)) if k and "<" not in k))
    return Article(
        id=relpath,
        title=title,
        date=date,
        source=source,
        authors=authors,
        url=url,
        column=_first(meta.get("columnname"), meta.get("og:category"), meta.get("article:section"), ld.get("articleSection")),
        keywords=keywords,
        body="\n".join(body),
    )
