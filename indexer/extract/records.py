"""Articles from JSON Lines (`.jsonl`) and JSON arrays (`.json`) of records.

A record's fields are renamed by the caller's `field_map` first, then by the crawler names we
know (`content`/`text` → body, `article_id` → id, `pub_date`/`publish_time`/`published_at`/
`publish_date`/`published_date` → date, `source_name` → source, `sources` (a list, as `export`
writes it) → source, `tags` → keywords, `category` → column). Where a record has both, the
article's own name wins (`body` over `content`); a human-readable `source_name` wins over a
`source` code such as `"CNA"`.
`html` stands for the body and is cleaned like a page; `author` (a string, maybe with a title
or several names separated by `;`) stands for `authors`. Values of the wrong type are coerced
where the meaning is clear and dropped otherwise; a record without title and body, or that is a
listing page rather than an article (its address or title says so, and its text is no sentences
but headlines), is skipped with its line number and the reason.
"""
from __future__ import annotations

import dataclasses
import html as _html
import json
import re
from collections.abc import Iterator

from indexer.dates import record_date

from ..article import Article, Skipped
from .authors import parse_authors
from .cleaning import normalise_line, parse_meta_line
from .html import html_body_text

CRAWLER_NAMES = {
    "content": "body", "text": "body", "article_id": "id", "pub_date": "date", "publish_time": "date",
    "published_at": "date", "publish_date": "date", "published_date": "date", "pubdate": "date",
    "source_name": "source", "tags": "keywords", "category_name": "column", "category": "column",
    "author": "authors", "headline": "title", "link": "url", "sources": "source",
}
# Other spellings of the fields, matched after the names above and ignoring case, `_`, `-` and
# spaces (`PubDate`, `publishTime`, `article_title`): crawlers' camelCase and exports with
# Chinese column names (八爪鱼, 火车头 and hand-made sheets: 标题, 正文, 发布时间, 来源 …)
_LOOSE_NAMES = {
    **{name: name for name in ("title", "body", "date", "source", "authors", "url", "column", "keywords", "html")},
    **{"articletitle": "title", "newstitle": "title", "articlecontent": "body", "newscontent": "body",
       "contenttext": "body", "articlebody": "body", "contenthtml": "html", "htmlcontent": "html",
       "publishtime": "date", "publishdate": "date", "pubtime": "date", "ptime": "date", "releasedate": "date",
       "releasetime": "date", "posttime": "date", "datetime": "date", "articledate": "date",
       "sourcename": "source", "media": "source", "medianame": "source", "authorname": "authors",
       "articleurl": "url", "newsurl": "url", "link": "url", "channel": "column", "section": "column",
       "categoryname": "column", "category": "column", "keyword": "keywords", "tags": "keywords",
       "author": "authors", "content": "body", "text": "body",
       "headline": "title", "pubdate": "date"},
    **dict.fromkeys(("标题", "標題", "题目", "題目", "文章标题", "新闻标题", "新聞標題"), "title"),
    **dict.fromkeys(("正文", "内容", "內容", "全文", "文章内容", "新闻内容", "新聞內容", "正文内容"), "body"),
    **dict.fromkeys(("发布时间", "發布時間", "發佈時間", "发布日期", "發布日期", "發佈日期", "日期", "时间", "時間",
                     "发表时间", "發表時間", "发文日期", "發文日期", "成文日期"), "date"),
    **dict.fromkeys(("来源", "來源", "信息来源", "資料來源", "资料来源", "新闻来源", "新聞來源", "发布机构", "發布機關"), "source"),
    **dict.fromkeys(("作者", "记者", "記者", "撰稿", "撰稿人"), "authors"),
    **dict.fromkeys(("链接", "鏈接", "連結", "网址", "網址", "原文链接", "原文鏈接", "原文連結", "文章链接"), "url"),
    **dict.fromkeys(("栏目", "欄目", "频道", "頻道", "分类", "分類", "版面"), "column"),
    **dict.fromkeys(("关键词", "關鍵詞", "关键字", "關鍵字", "标签", "標籤"), "keywords"),
}


def _loose(key: str) -> str:
    return re.sub(r"[\s_\-]+", "", key).lower()


# What `--field-map theirs=ours` may map a record's field to: an article's field, or `html` (a
# page to clean into the body) and `author` (one string for `authors`).
MAPPABLE_FIELDS = tuple(sorted({*(f.name for f in dataclasses.fields(Article)), "html", "author"}))  # (not `line`, a ClassVar)
# Which of several names wins when a record has more than one for a field: the article's own
# name before a crawler's (`body` before `content`), but a `source_name` before a `source` code.
_PREFERENCE = {"source": ("source_name", "source", "sources"), "column": ("column", "category_name", "category"),
               "body": ("body", "content", "text"), "title": ("title", "headline"), "url": ("url", "link"),
               "id": ("id", "article_id")}
# A listing page's address ends at the list (`/category/city/`, `/tag/china`, `/news/`): an
# article's goes on to its own name or number (`/category/city/2024/0205-renewal.html`, readhub's
# `/topic/7uX4…`).
_LISTING_URL = re.compile(r"/(?:search|tag|tags|topic|collection|author|category|list|channel)(?:/[A-Za-z_-]{0,30})?/?$"
                          r"|/(?:life|world|news|politics|sports)/?$", re.IGNORECASE)
# An article's text: two sentences or more (a listing page's text is headlines and links).
_SENTENCES = re.compile(r"[。！？!?]")
# A listing page's title names a list, or is nothing but one or two short section names and
# the site's name ("生活|TVBS新聞網", "鳳凰颱風穿台｜火線話題｜壹蘋新聞網"). A headline with a
# kicker ("快讯｜…", "转载｜…", "独家｜…") ends in the headline, not in a site name, and stays.
_LISTING_TITLE = re.compile(
    r"文章列表|列表\s*[|｜│]"
    r"|^(?:[^|｜│]{1,6}\s*[|｜│]\s*){1,2}[^|｜│]{0,10}"
    r"(?:网|網|网站|網站|新闻|新聞|频道|頻道|日报|日報|晚报|晚報|时报|時報|Online|News|NEWS|\.com|\.cn|\.tw)\s*$")
_ENTITY = re.compile(r"&(?:#\d+|#x[0-9a-f]+|[a-z]+);", re.IGNORECASE)
# Markup in a crawler's title: a search-result crawl marks the words searched for
# (`<em>国务院</em>常务会议`), a CMS export keeps its `<font>`/`<br>`: those inline formatting
# tags only, never text (a `<script>` or `<img>` in a title stays text, shown escaped)
_TITLE_TAG = re.compile(r"</?(?:em|b|strong|i|u|font|span|mark|small|big|sup|sub|br)(?:\s[^<>]*)?/?>", re.IGNORECASE)


def _text(value: object) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, float) and value.is_integer() and abs(value) < 2 ** 53:
        return str(int(value))  # JSON's 2.0 is the number 2 (pandas writes ids so): the id "2"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return None


# a keyword separator outside brackets (`入出境管理(出入境管理，出境，入境)` is one keyword)
_KEYWORD_SEPARATOR = re.compile(r"[;；,，、|](?![^()（）]*[)）])")


def _keywords(value: object) -> list[str]:
    if isinstance(value, str):
        return [k for k in (normalise_line(p) for p in _KEYWORD_SEPARATOR.split(value)) if k]
    if isinstance(value, (list, tuple)):
        return [k for k in (normalise_line(_text(v) or "") for v in value) if k]
    return []


# a crawler that copied the page's whole metadata line into `source`: its label, and the time after it
_SOURCE_LABEL = re.compile(r"^\s*(?:来源|來源|稿源|出处|出處|信息来源|資料來源|资料来源|文章来源|文章來源)\s*[:：]")
_DAY_TIME = r"(?:19|20)\d{2}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?(?:\s*\d{1,2}:\d{2}(?::\d{2})?)?"
_TIME_AROUND = re.compile(rf"^\s*{_DAY_TIME}\s+|\s+{_DAY_TIME}\s*$")


def _source(value: object) -> str | None:
    """A source as one string: a list of publishing bodies (`["新华社", "人民日报"]`, as `export`
    writes `sources`) joined by 、, which `sources` splits again; an object by its name; a copied
    metadata line (`来源：新华网 2024-02-05 10:00`) by the publisher it names."""
    if isinstance(value, (list, tuple)):
        value = "、".join(dict.fromkeys(t for t in (_source(v) for v in value) if t))
    elif isinstance(value, dict):
        value = next((v for v in (_text(value.get(k)) for k in ("name", "title", "value")) if v), None)
    text = _TIME_AROUND.sub("", normalise_line(_text(value) or "")).strip()
    if _SOURCE_LABEL.match(text):
        text = _TIME_AROUND.sub("", parse_meta_line(text).get("source") or "").strip()
    return text or None


def _blank(value: object) -> bool:
    """Nothing in it: a crawler's field with text wins over the article's own name left blank."""
    return value is None or value in ([], {}) or isinstance(value, str) and not value.strip()


# fields with one value: a Scrapy item gives every field as a list (`"url": ["http://…"]`). Not
# the id: a list given as an id was never one (the record's default id stands, as it always has)
_ONE_VALUED = frozenset({"title", "date", "url", "column"})


def _rename(record: dict, field_map: dict[str, str] | None) -> dict:
    renamed = _renamed(record, field_map)
    for field in _ONE_VALUED & renamed.keys():
        value = renamed[field]
        if isinstance(value, (list, tuple)) and len(value) == 1:
            renamed[field] = value[0]
    return renamed


def _renamed(record: dict, field_map: dict[str, str] | None) -> dict:
    renamed: dict = {}
    mapped = {theirs: ("authors" if ours == "author" else ours) for theirs, ours in (field_map or {}).items()}
    for theirs, ours in mapped.items():
        if theirs in record:
            renamed[ours] = record[theirs]
    for field, names in _PREFERENCE.items():
        if field not in renamed:
            for name in names:
                if name not in mapped and not _blank(record.get(name)):
                    renamed[field] = record[name]
                    break
    for key, value in record.items():
        if key in mapped:
            continue
        ours = key if key in Article.__dataclass_fields__ or key == "html" else CRAWLER_NAMES.get(key)
        if ours and ours not in renamed and not _blank(value):
            renamed[ours] = value
    for key, value in record.items():  # the other spellings fill what is still missing
        ours = None if key in mapped or not isinstance(key, str) else _LOOSE_NAMES.get(_loose(key))
        if ours and ours not in renamed and not _blank(value):
            renamed[ours] = value
    return renamed


def _paragraphs(value: object, sep: str = "\n") -> str | None:
    """A text given as its parts: a list of paragraphs (`["第一段。", "第二段。"]`), or an object
    holding it (`{"text": "…"}`), as one string; a string or number as `_text` reads it."""
    if isinstance(value, (list, tuple)):
        parts = [p for p in (_paragraphs(v, sep) for v in value) if p]
        return sep.join(parts) if parts else None
    if isinstance(value, dict):
        return next((t for t in (_paragraphs(value.get(k), sep) for k in ("text", "content", "body", "value")) if t), None)
    return _text(value)


def _tag_gap(tag: re.Match) -> str:
    """What a formatting tag leaves in a title: nothing, but a space for a line break between
    two Latin words (`Hello<br>World`; `通知<br>（全文）` joins)."""
    text, start, end = tag.string, tag.start(), tag.end()
    latin = start > 0 and end < len(text) and text[start - 1].isascii() and text[start - 1].isalnum() \
        and text[end].isascii() and text[end].isalnum()
    return " " if latin and tag.group(0)[1:3].lower() == "br" else ""


def _unescaped(text: str) -> str:
    """A text's character references read, as often as it holds them (`&amp;lt;`, escaped twice
    by a crawler, is `<`): what is stored holds none, so `export` then `rebuild` reads it back
    unchanged."""
    for _ in range(3):
        if not _ENTITY.search(text):
            break
        text = _html.unescape(text)
    return text


_BLOCK_TAG = re.compile(r"<(?:p|div|table|tr|li|h[1-6]|section|article|blockquote)\b", re.IGNORECASE)


def _body(fields: dict) -> str:
    body = _paragraphs(fields.get("body")) or ""
    if body and re.search(r"<(?:p|div|br|span|table)\b", body, re.IGNORECASE):
        if "\n" in body and not _BLOCK_TAG.search(body):  # text with a <br> or <span> in it: its lines are its
            body = body.replace("\n", "<br>")           # paragraphs, not an HTML source's line wrapping
        return html_body_text(body)
    html = _paragraphs(fields.get("html"))
    if not body and html:
        return html_body_text(html)
    body = _unescaped(body)
    return "\n".join(line for line in (normalise_line(x) for x in body.splitlines()) if line)


def record_to_article(record: object, default_id: str, field_map: dict[str, str] | None = None) -> Article | str:
    """An Article from one JSON record, or the reason it is not one."""
    if not isinstance(record, dict):
        return f"record is a JSON {type(record).__name__}, not an object"
    fields = _rename(record, field_map)
    title = normalise_line(_unescaped(_TITLE_TAG.sub(_tag_gap, _paragraphs(fields.get("title"), " ") or "")))
    body = _body(fields)
    if not title and not body:
        return "record has neither title nor body"
    url = _text(fields.get("url"))
    if ((url and _LISTING_URL.search(url.split("?")[0])) or _LISTING_TITLE.search(title)) \
            and len(_SENTENCES.findall(body)) < 2:
        return "record is a listing page, not an article"
    authors = fields.get("authors")
    article = Article(
        id=_text(fields.get("id")) or default_id,
        title=title,
        date=record_date(fields.get("date")),
        source=_source(fields.get("source")),
        authors=parse_authors(authors) if isinstance(authors, (str, list, tuple, dict)) else [],
        url=url,
        column=normalise_line(_text(fields.get("column")) or "") or None,
        keywords=_keywords(fields.get("keywords")),
        body=body,
    )
    if not body:
        article.unread_text = _unread_text(record, field_map)
    return article


def _unread_text(record: dict, field_map: dict[str, str] | None) -> str | None:
    """The field of a record with no text under a known name that is read as nothing and holds
    the most text (a sentence's worth at least), or None: what `--field-map NAME=body` reads."""
    longest = max(((len(v.strip()), k) for k, v in record.items()
                   if isinstance(v, str) and len(v.strip()) >= 20 and not _rename({k: v}, field_map)), default=None)
    return longest[1] if longest else None


def extract_records(text: str, relpath: str, *, json_array: bool,
                    field_map: dict[str, str] | None = None,
                    first_line: int = 1, first_record: int = 1) -> Iterator[Article | Skipped]:
    """Articles from JSON Lines (one record a line) or a JSON array; bad records become Skipped.

    `first_line`, `first_record`: where `text` starts in its file when it is one piece of a
    large JSON Lines file read in parts (line numbers in reports and default ids
    `relpath#record` are the whole file's)."""
    items = None
    if json_array:  # a .json file: one JSON text (an array, a record, an API's reply holding the
        try:        # records), else JSON Lines under another name
            data = json.loads(text, strict=False)  # (control characters inside strings: see _lines)
        except (ValueError, RecursionError) as error:
            if text.lstrip().startswith("["):
                yield Skipped(relpath, f"invalid JSON: {error}")
                return
        else:
            items = data if isinstance(data, list) else _records_inside(data, field_map)
            if items is None:
                items = [data]
            json_array = True
            if not items:  # `[]`, an API's reply of an empty page: said, not a file skipped unnamed
                yield Skipped(relpath, "no records in it (an empty list)")
                return
    if items is not None:
        numbered = ((n, n, item) for n, item in enumerate(items, 1))
    else:
        json_array = False
        numbered = _lines(text, first_line, first_record)
    for n, where, item in numbered:
        if isinstance(item, Skipped):
            yield Skipped(f"{relpath}:{where}", item.reason)
            continue
        try:
            result = record_to_article(item, f"{relpath}#{n}", field_map)
        except (ArithmeticError, TypeError, ValueError, AttributeError, RecursionError) as error:
            # one record's odd value (a date of 400 digits, a number where HTML was expected) is
            # that record's fault: its neighbours are read, and it is reported by its own line
            result = f"could not be read: {type(error).__name__}: {error}"
        if isinstance(result, str):
            yield Skipped(f"{relpath}:{where}", result)
        else:
            if not json_array:
                result.line = where  # a duplicate's report names its line
            yield _without_surrogates(result)


def _records_inside(data: object, field_map: dict[str, str] | None) -> list | None:
    """The records of an API's reply or a CMS dump saved whole, when `data` (an object) is no
    record itself: the record it holds (`{"code": 0, "data": {article}}`), else the list that
    holds the most articles (`{"data": {"list": [...], "hotTags": [...]}}`: a title and a text
    each; a list of related headlines has no text), three levels down at most; None when
    there is none. An object of records keyed by their ids (`{"n0": {…}, "n1": {…}}`, as a
    Firebase export or a Python dict dumped whole writes them) is such a list. [] for a reply
    whose list is empty (`{"data": {"list": []}}`), when the object itself is no record."""
    if not isinstance(data, dict) or _is_record(data, field_map, whole=True):
        return None
    keyed = _keyed_records(data, field_map)
    if keyed is not None:
        return keyed
    best, best_key = None, (0, 0, 0)
    for level in _objects_under(data, 3):
        for value in level:
            if isinstance(value, dict) and _is_record(value, field_map, whole=True):
                return [value]  # the nearest article: a detail endpoint's reply
            value = _keyed_records(value, field_map) or value
            if isinstance(value, list) and any(isinstance(v, dict) for v in value):
                items = [v for v in value if isinstance(v, dict)]
                key = (sum(_is_record(v, field_map, whole=True) for v in items),
                       sum(_is_record(v, field_map, whole=False) for v in items), len(items))
                if key[1] and key > best_key:  # (a list of pictures or tags holds no article)
                    best, best_key = value, key
        if best is not None:
            return best
    if not _is_record(data, field_map, whole=False) and _holds_empty_list(data):
        return []  # a reply whose list of records is empty (`{"data": {"list": []}}`)
    return None


def _holds_empty_list(data: dict) -> bool:
    return any(isinstance(v, list) and not v for level in _objects_under(data, 3) for v in level)


def _keyed_records(value: object, field_map: dict[str, str] | None) -> list | None:
    """The records of an object whose values are records keyed by their ids (most of them an
    article's: a title and a text), each record without an id of its own given its key; else
    None."""
    if not isinstance(value, dict) or len(value) < 2 or not all(isinstance(v, dict) for v in value.values()):
        return None
    if 2 * sum(_is_record(v, field_map, whole=True) for v in value.values()) <= len(value):
        return None
    return [v if _text(_rename(v, field_map).get("id")) else {**v, "id": str(k)} for k, v in value.items()]


def _is_record(value: dict, field_map: dict[str, str] | None, *, whole: bool) -> bool:
    """An article's record: a title and a text (`whole`), or either; a list of objects under
    a text's name (`"content": [{…}, {…}]`, a page of results) is no text."""
    renamed = _rename(value, field_map)
    title = isinstance(renamed.get("title"), str) and bool(renamed["title"].strip())
    text = any(_is_text(renamed.get(k)) for k in ("body", "html"))
    return title and text if whole else title or text


def _is_text(value: object) -> bool:
    if isinstance(value, str):
        return bool(value.strip())
    return isinstance(value, (list, tuple)) and any(isinstance(v, str) and v.strip() for v in value)


def _objects_under(data: dict, depth: int):
    """The values under `data`, level by level (its own first), `depth` levels down."""
    level = list(data.values())
    for _ in range(depth):
        if not level:
            return
        yield level
        level = [v for item in level if isinstance(item, dict) for v in item.values()]


_SURROGATE = re.compile("[\ud800-\udfff]")


def _without_surrogates(article: Article) -> Article:
    """The article with every lone surrogate (a JSON `\\udfff` escape without its pair: an emoji a
    crawler cut in two) read as U+FFFD, as a page's undecodable bytes are: no text can be
    written, indexed or shown with one."""
    for name in ("id", "title", "body", "source", "url", "column", "date"):
        value = getattr(article, name, None)
        if isinstance(value, str) and _SURROGATE.search(value):
            setattr(article, name, _SURROGATE.sub("\ufffd", value))
    for name in ("authors", "keywords"):
        values = getattr(article, name, None)
        if isinstance(values, list) and any(isinstance(v, str) and _SURROGATE.search(v) for v in values):
            setattr(article, name, [_SURROGATE.sub("\ufffd", v) if isinstance(v, str) else v for v in values])
    return article


# A blank line holds only ASCII whitespace (the same test as `bytes.strip()`, so a reader that
# counts records in raw bytes agrees); any other line is a record or a bad record.
BLANK = " \t\n\r\x0b\x0c"


def _lines(text: str, first_line: int = 1, first_record: int = 1) -> Iterator[tuple[int, int, object]]:
    """(record number, line number, record or Skipped) for each non-blank line.

    JSON Lines separates records by `\n` alone (a `\r` before it is part of the line ending):
    U+2028, U+2029, NEL, VT and FF are ordinary characters inside a record's strings, so
    `str.splitlines()`, which splits on them too, must not be used here. Control characters
    written raw inside a string (a tab, a CR, VT, FF), which strict JSON wants escaped, are read
    as themselves: crawlers write them so, and the record is whole (`json.loads(strict=False)`).
    A UTF-8 byte order mark opening a line (files concatenated, each written with one) is no part
    of the record."""
    n = first_record - 1
    for lineno, line in enumerate(text.split("\n"), first_line):
        line = line.removesuffix("\r")
        if not line.strip(BLANK):
            continue
        if line[0] == "\ufeff":
            line = line[1:]  # a byte order mark opening a line: exports concatenated, each with its own
        n += 1
        try:
            yield n, lineno, json.loads(line, strict=False)
        except (ValueError, RecursionError) as error:
            yield n, lineno, Skipped("", f"invalid JSON: {error}")
