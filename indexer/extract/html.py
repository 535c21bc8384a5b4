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

import lxml.etree
import lxml.html

from ..article import Article
from .authors import byline_authors, parse_authors
from .cleaning import (
    is_date_line,
    is_furniture,
    normalise_line,
    parse_meta_line,
    strip_site_suffix,
)
from .dates import date_from_path, parse_date
from .text import extract_text

_DROP_TAGS = ("script", "style", "noscript", "iframe", "svg", "select", "button", "textarea",
              "input", "nav", "aside", "footer", "template", "object", "embed", "canvas", "video", "audio")
_BLOCK = frozenset(["p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table", "section", "article", "header", "blockquote", "pre", "dd", "dt", "dl", "center", "form", "main", "figure", "figcaption", "hr", "td", "th", "tbody"])
_POSITIVE = re.compile(r"article|content|body|text|main|detail|post|entry|story|trs_?editor|rich_media|artibody|zoom|news_?txt|con", re.IGNORECASE)
_NEGATIVE = re.compile(r"comment|foot|nav|sidebar|side|related|recommend|share|breadcrumb|crumb|banner|menu|copyright|"
                       r"hot|rank|list|login|header|toolbar|widget|promo|ad-|ads|advert|tags?$|bottom|top|right|left", re.IGNORECASE)
_PUNCT = re.compile(r"[，。！？；,.!?;：、]")
_TITLE_CLASS = re.compile(r"title|headline|biaoti", re.IGNORECASE)
_KEYWORD_SPLIT = re.compile(r"[,;，；、|｜\s]+")


def _meta(doc: lxml.html.HtmlElement) -> dict[str, str]:
    found: dict[str, str] = {}
    for element in doc.iter("meta"):
        key = element.get("name") or element.get("property") or element.get("itemprop") or element.get("http-equiv")
        value = element.get("content")
        if key and value and value.strip():
            found.setdefault(re.sub(r"\s+", "", key).lower(), normalise_line(_html.unescape(value)))
    return found


def _json_ld(doc: lxml.html.HtmlElement) -> dict:
    for script in doc.iter("script"):
        if (script.get("type") or "").lower() != "application/ld+json" or not script.text:
            continue
        try:
            data = json.loads(script.text)
        except ValueError:
            continue
        for item in data if isinstance(data, list) else data.get("@graph", [data]) if isinstance(data, dict) else []:
            if isinstance(item, dict) and (item.get("headline") or item.get("datePublished")):
                return item
    return {}


def _lines(element: lxml.html.HtmlElement) -> list[tuple[str, int]]:
    """The text of an element cut into lines at block elements, each with its count of link characters."""
    lines: list[tuple[str, int]] = []
    current: list[str] = []
    linked = [0]

    def flush() -> None:
        text = normalise_line("".join(current))
        if text:
            lines.append((text, min(linked[0], len(text))))
        current.clear()
        linked[0] = 0

    def walk(node: lxml.html.HtmlElement, in_link: bool, depth: int) -> None:
        if not isinstance(node.tag, str) or depth > 400:
            return
        block = node.tag in _BLOCK
        if block:
            flush()
        in_link = in_link or node.tag == "a"
        if node.text:
            current.append(node.text)
            if in_link:
                linked[0] += len(node.text.strip())
        for child in node:
            walk(child, in_link, depth + 1)
            if child.tail:
                current.append(child.tail)
                if in_link:
                    linked[0] += len(child.tail.strip())
        if block:
            flush()

    walk(element, False, 0)
    flush()
    return lines


def _class_weight(element: lxml.html.HtmlElement) -> int:
    names = f"{element.get('class', '')} {element.get('id', '')}"
    weight = 0
    if _NEGATIVE.search(names):
        weight -= 25
    if _POSITIVE.search(names):
        weight += 25
    return weight


def _main_content(body: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    """The element holding the article text: the best-scoring parent of sentence-bearing blocks."""
    scores: dict[lxml.html.HtmlElement, float] = {}
    for node in body.iter("p", "div", "td", "section", "article", "span", "font", "pre"):
        own = (node.text or "") + "".join((c.tail or "") for c in node if isinstance(c.tag, str))
        if node.tag == "p":
            text = node.text_content()
        elif len(own.strip()) >= 40:
            text = own
        else:
            continue
        text = text.strip()
        if len(text) < 10:
            continue
        score = 1 + len(_PUNCT.findall(text)) + min(len(text) / 100, 3)
        target = node if node.tag != "p" and node.tag != "span" and node.tag != "font" else node.getparent()
        for share, holder in ((1.0, target), (0.5, target.getparent() if target is not None else None)):
            if holder is not None and isinstance(holder.tag, str):
                if holder not in scores:
                    scores[holder] = _class_weight(holder)
                scores[holder] += score * share
    if not scores:
        return body
    best, best_score = body, float("-inf")
    for holder, score in scores.items():
        text = holder.text_content()
        links = sum(len(a.text_content()) for a in holder.iter("a"))
        density = links / max(len(text), 1)
        final = score * (1 - density)
        if final > best_score:
            best, best_score = holder, final
    return best


def _title(doc: lxml.html.HtmlElement, meta: dict[str, str], ld: dict) -> str:
    if meta.get("articletitle"):
        return meta["articletitle"]
    page_title = normalise_line(doc.findtext(".//title") or "")
    squeezed = re.sub(r"\s", "", page_title)
    headings = [re.sub(r"^原创\s*", "", normalise_line(h.text_content())) for h in doc.iter("h1", "h2", "h3")]
    titled = (re.sub(r"^原创\s*", "", normalise_line(e.text_content())) for e in doc.iter("div", "p", "span", "td", "strong")
              if (e.get("class") or e.get("id")) and _TITLE_CLASS.search(f"{e.get('class', '')} {e.get('id', '')}") and len(e) <= 3)
    for group in (headings, titled):  # title-classed elements are only looked at when no heading matches
        for heading in sorted(group, key=len, reverse=True):
            key = re.sub(r"\s", "", heading)
            if len(key) >= 6 and squeezed and (key in squeezed or squeezed in key):
                return heading
    for key in ("og:title", "twitter:title"):
        candidate = meta.get(key, "")
        if len(candidate) >= 4 and squeezed.startswith(re.sub(r"\s", "", candidate)):
            return strip_site_suffix(page_title) if len(page_title) > len(candidate) else candidate
    if page_title:
        return strip_site_suffix(page_title)
    return normalise_line(ld.get("headline", "")) or meta.get("og:title", "") or (headings[0] if headings else "")


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
    for line, _ in lines[start:start + 25]:
        for name, value in parse_meta_line(line).items():
            if name == "author":
                value = ", ".join(parse_authors(value))
            if value:
                found.setdefault(name, value)
        if "date" not in found and is_date_line(line):
            found["date"] = parse_date(line) or ""
    if not found.get("date"):
        # A date printed just under the headline is the publication date.
        for line, _ in lines[start:start + 8]:
            date = parse_date(line[line.find(key[-6:]) + 6 if key and key[-6:] in line else 0:][:120])
            if date:
                found["date"] = date
                break
    return {k: v for k, v in found.items() if v}


def _body_lines(lines: list[tuple[str, int]], title: str) -> list[str]:
    key = re.sub(r"\s", "", title)
    body: list[str] = []
    for line, linked in lines:
        if is_furniture(line) or re.sub(r"\s", "", line) == key:
            continue
        if linked > len(line) * 0.6 and len(line) < 80:
            continue
        if len(line) <= 80 and (parse_meta_line(line) or is_date_line(line)):
            continue
        if len(line) <= 30 and byline_authors(line):
            continue
        body.append(line)
    return body


def parse_html(text: str) -> lxml.html.HtmlElement | None:
    """The lxml tree of a page, or None when lxml cannot build one."""
    try:
        doc = lxml.html.document_fromstring(text.encode("utf-8", "replace"),
                                            parser=lxml.html.HTMLParser(encoding="utf-8", remove_comments=True))
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
    for element in list(doc.iter(*_DROP_TAGS)):
        element.drop_tree()
    body = doc.find("body") if doc.find("body") is not None else doc
    return "\n".join(_body_lines(_lines(_main_content(body) if find_main else body), ""))


def _strip_tags(text: str) -> str:
    text = re.sub(r"(?is)<(script|style)\b.*?</\1\s*>", "", text)
    text = re.sub(r"(?i)<(?:br|/p|/div|/h\d|/li|/tr|/title)\b[^>]*>", "\n", text)
    return _html.unescape(re.sub(r"<[^>]*>", "", text))


def extract_html(text: str, relpath: str) -> Article:
    """One Article from the text of an HTML page; the body may come out empty."""
    doc = parse_html(text)
    body_el = None if doc is None else doc.find("body")
    if doc is None or body_el is None or not normalise_line(body_el.text_content()):
        return extract_text(_strip_tags(text), relpath)
    meta = _meta(doc)
    ld = _json_ld(doc)
    canonical = next((link.get("href") for link in doc.iter("link") if (link.get("rel") or "").lower() == "canonical"), None)
    for element in list(doc.iter(*_DROP_TAGS)):
        element.drop_tree()
    title = _title(doc, meta, ld)
    page_lines = _lines(body_el)
    visible = _visible_meta(page_lines, title)
    main = _main_content(body_el)
    main_lines = _lines(main)
    body = _body_lines(main_lines, title)
    authors = parse_authors(meta.get("author", "")) if "author" in meta and "articletitle" in meta else []
    authors = authors or parse_authors(visible.get("author", ""))
    if not authors:
        for line, _ in main_lines[:4]:
            authors = byline_authors(line)
            if authors:
                break
    authors = authors or parse_authors(meta.get("author", "")) or parse_authors(_ld_name(ld.get("author")))
    source = _first(meta.get("contentsource"), visible.get("source"),
                    re.sub(r"^[来來]源[:：]\s*", "", meta.get("source", "")).split(" ")[0], meta.get("mediaid"),
                    meta.get("article:source"))
    date = (parse_date(meta.get("pubdate")) or parse_date(meta.get("publishdate")) or parse_date(meta.get("article:published_time"))
            or parse_date(meta.get("firstpublishedtime")) or parse_date(meta.get("og:time")) or parse_date(meta.get("apub:time"))
            or parse_date(meta.get("og:release_date")) or parse_date(ld.get("datePublished")) or parse_date(meta.get("weibo:article:create_at"))
            or parse_date(meta.get("publish_time")) or parse_date(meta.get("pubtime")) or visible.get("date")
            or parse_date(meta.get("dateupdate")) or parse_date(meta.get("maketime"))
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
