"""What a page's markup says about its article, apart from its text: meta tags, JSON-LD and
microdata, a publication date in a script; the keys that name a date, source or author, and
the choice among several candidate values."""
from __future__ import annotations

import html as _html
import json
import re

import lxml.etree

from indexer.dates import parse_date

from .cleaning import (
    normalise_line,
)
from .content import Element, text_of

KEYWORD_SPLIT = re.compile(r"[,;，；、|｜\s]+")
TAG = re.compile(r"<[^>]*>")
SQUEEZE = re.compile(r"\s").sub  # text without its whitespace: SQUEEZE("", text)


def page_meta(doc: Element) -> dict[str, str]:
    found: dict[str, str] = {}
    for element in doc.iter("meta"):
        key = element.get("name") or element.get("property") or element.get("itemprop") or element.get("http-equiv")
        value = element.get("content")
        if key and value and value.strip():
            found.setdefault(SQUEEZE("", key).lower(), normalise_line(TAG.sub("", _html.unescape(value))))
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


def json_ld(doc: Element) -> dict:
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


_MICRODATA = ("datePublished", "author", "publisher")  # the `itemprop` values read


def microdata(doc: Element) -> dict[str, str]:
    """`itemprop` values on elements other than `<meta>` (`<time itemprop="datePublished" datetime=…>`)."""
    found: dict[str, str] = {}
    # (a walk testing the attribute: a third of the time of the XPath query that selected them)
    for element in doc.iter(lxml.etree.Element):
        key = element.get("itemprop")
        if key not in _MICRODATA:
            continue
        key = key.lower()
        value = element.get("content") or element.get("datetime") or text_of(element)
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
# Script variables that hold the publication time (`var ct = "1581517074"` on WeChat articles).
SCRIPT_DATE_KEYS = ("publish_time", "publishTime", "pubtime", "pubTime", "publish_date", "publishDate", "pubDate",
                    "create_time", "createTime", "ct")
_SCRIPT_VALUE = r"\b\s*[=:]\s*[\"']?(\d{10}|\d{4}-\d{1,2}-\d{1,2})"
# One pattern per first letter of the keys, so that each starts with a literal prefix the regex
# engine skips to (`pub`, `c`); one pattern for all keys was tried at every p and c of the page.
_SCRIPT_DATES = tuple(re.compile("(?:" + "|".join(key for key in SCRIPT_DATE_KEYS if key[0] == first) + ")" + _SCRIPT_VALUE)
                      for first in sorted({key[0] for key in SCRIPT_DATE_KEYS}))
_WORD_CHAR = re.compile(r"\w")


def script_date(text: str) -> str | None:
    """A publication time written into a script variable, as a last resort before the URL.

    The first key in the page that starts a word and is followed by a value wins (no key holds
    another, so the patterns' matches never overlap and the earliest of their first is it).
    """
    found = None
    for pattern in _SCRIPT_DATES:
        match = next((m for m in pattern.finditer(text) if not m.start() or not _WORD_CHAR.match(text, m.start() - 1)),
                     None)
        if match and (found is None or match.start() < found.start()):
            found = match
    if not found:
        return None
    value = found.group(1)
    return parse_date(int(value)) if value.isdigit() else parse_date(value)


# Meta tags that give the headline itself (government pages, academic journals).
TITLE_META = ("articletitle", "citation_title")
# Meta tags naming the author, tried in order after the visible byline.
AUTHOR_META = ("author", "article:author", "citation_author", "citation_authors", "dc.creator", "byl")
# Where it names its publishing body when no visible 来源 line does (after ContentSource and the visible line).
SOURCE_META = ("source", "mediaid", "article:source", "og:article:source")


def tag_date(meta: dict[str, str], ld: dict) -> str | None:
    """The publication date from meta tags and JSON-LD, or None."""
    return next((d for d in (parse_date(meta.get(key)) for key in DATE_META) if d), None) or parse_date(ld.get("datePublished"))


def first(*values: object) -> str | None:
    for value in values:
        if isinstance(value, str) and value.strip():
            return normalise_line(value)
    return None


def ld_name(value: object) -> object:
    if isinstance(value, list):
        return [ld_name(v) for v in value]
    if isinstance(value, dict):
        return value.get("name")
    return value


def ld_people(value: object) -> object:
    """The names of a JSON-LD `author` (`ld_name`) less the authors typed as organisations
    (`Organization`, `NewsMediaOrganization`, `GovernmentOrganization`, `Corporation`…): a site
    that names itself as the author (`中央通訊社 Central News Agency`, `BBC News 中文`) prints no
    byline there."""
    if isinstance(value, list):
        return ld_name([v for v in value if not _organisation(v)])
    return None if _organisation(value) else ld_name(value)


def ld_organisations(value: object) -> list[str]:
    """The names of a JSON-LD `author`'s entries typed as organisations."""
    entries = value if isinstance(value, list) else [value]
    return [name for v in entries if _organisation(v) and isinstance(name := v.get("name"), str) and name.strip()]


def _organisation(value: object) -> bool:
    types = value.get("@type") if isinstance(value, dict) else None
    return any(isinstance(t, str) and t.casefold().endswith(("organization", "organisation", "corporation"))
               for t in (types if isinstance(types, list) else [types]))
