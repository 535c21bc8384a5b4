"""The headline of an HTML page: the meta title, a heading matching the `<title>`, or — when
the page does not vouch for its `<title>` — the headline printed above the first paragraph
(with the names printed under it), and the element that holds it."""
from __future__ import annotations

import functools
import re

from .authors import byline_authors, parse_authors
from .cleaning import (
    EMPTY_LABEL,
    HAN_CHAR,
    SENTENCE_PUNCT,
    is_date_line,
    is_furniture,
    normalise_line,
    parse_meta_line,
    strip_site_suffix,
)
from .content import Element, text_of
from .pagemeta import (
    SQUEEZE,
    TITLE_META,
)

_TITLE_CLASS = re.compile(r"title|headline|biaoti", re.IGNORECASE)


def title_element(body: Element, title: str) -> Element | None:
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
_SITE_ONLY = re.compile(r"^[-–—|｜_:：·•]")  # a `<title>` whose headline part is empty: ` - 某某網頁`
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


def _in_order(short: str, long: str) -> bool:
    """Whether every character of `short` stands in `long`, in the same order (others between)."""
    rest = iter(long)
    return all(ch in rest for ch in short)


def _titled_texts(doc: Element) -> list[str]:
    """The texts of the page's elements classed as a title (`<div class="article-title">`) that
    hold at most three elements."""
    return [_ORIGINAL.sub("", normalise_line(text_of(e))) for e in doc.iter("div", "p", "span", "td", "strong")
            if _names_a_title(e.get("class"), e.get("id")) and len(e) <= 3]


def choose_title(doc: Element, meta: dict[str, str], ld: dict, page_title: str) -> tuple[str, bool]:
    """The headline, and whether the page vouches for it (meta tag, a heading or JSON-LD that matches `<title>`).

    `page_title`: the page's `<title>` as one line. An unvouched title is the `<title>` without its
    site suffix, checked later against the lines above the article text.
    """
    for key in TITLE_META:
        if meta.get(key):
            return _printed_quotes(doc, meta[key]), True
    squeezed = whole_title = SQUEEZE("", page_title)
    # a page whose titles all give the site's name (`風傳媒 一個有國際觀…` as og:title, og:site_name
    # and <title>) vouches for no headline: it is looked for above the text
    site = {SQUEEZE("", normalise_line(meta[k])) for k in ("og:site_name", "application-name") if meta.get(k)}
    if squeezed in site:
        squeezed = ""
    heads = [(h.tag, _ORIGINAL.sub("", normalise_line(text_of(h)))) for h in doc.iter("h1", "h2", "h3")]
    headings = [text for _, text in heads]
    # (the title-classed elements' texts: a walk over the whole page, taken only where no heading settles it)
    titled = functools.cache(lambda: _titled_texts(doc))
    # the page's one <h1> printing the `<title>`'s headline: the headline, though the og:title
    # (and a sidebar's copy of it) gives a shorter form (`華為：新款5G…` against `華為新款5G…`)
    # — when the `<title>` names a site after it (not a logo's <h1> equal to a `<title>` that is
    # only the site's name) and the og:title's characters all stand in the <h1> in their order
    shown = strip_site_suffix(normalise_line(meta.get("og:title", "")))  # the og:title less the site's name
    shared = SQUEEZE("", shown)
    h1s = [text for tag, text in heads if tag == "h1"]
    title_head = SQUEEZE("", strip_site_suffix(page_title))
    if (len(h1s) == 1 and len(h1s[0]) >= 4 and title_head != whole_title
            and SQUEEZE("", h1s[0]) == title_head and _in_order(shared, title_head)):
        return h1s[0], True
    if len(shared) >= 4 and shared not in site:  # a heading the page also gives as its og:title (its `<title>` may name only the site)
        printed = (next((h for h in headings if SQUEEZE("", h) == shared), None)
                   or next((h for h in titled() if SQUEEZE("", h) == shared), None))
        if printed:
            return printed, True
        # a heading the og:title wraps in the site's name (`成報新聞(輕鐵…60毫米)`): most of it
        inside = [h for h in headings + titled() if len(SQUEEZE("", h)) >= max(6, len(shared) / 2) and SQUEEZE("", h) in shared]
        if inside:
            return max(inside, key=len), True
    for group in (lambda: headings, titled):  # title-classed elements are only looked at when no heading matches
        for heading in sorted(group(), key=len, reverse=True):
            key = SQUEEZE("", heading)
            if len(key) >= 6 and squeezed and (key in squeezed or squeezed in key):
                return heading, True
    for key in ("og:title", "twitter:title"):
        candidate = meta.get(key, "")
        if len(candidate) >= 4 and squeezed.startswith(SQUEEZE("", candidate)) and squeezed:
            # the `<title>` is the og:title and the site's name, or both are (`… - 新頭殼 newtalk`)
            whole = len(SQUEEZE("", page_title)) > len(SQUEEZE("", candidate)) or SQUEEZE("", candidate) == squeezed
            return (strip_site_suffix(page_title) if whole else candidate), True
    if (not squeezed or _SITE_ONLY.match(page_title)) and len(shared) >= 4 and shared not in site:
        return shown, True  # a `<title>` of the site's name alone (` - 星島日報網頁`): the og:title gives the headline
    headline = normalise_line(ld.get("headline", "")) if isinstance(ld.get("headline"), str) else ""
    if headline and SQUEEZE("", headline) in squeezed:
        return headline, True
    if page_title:
        return strip_site_suffix(page_title), False
    return headline or meta.get("og:title", "") or (headings[0] if headings else ""), False


_URL_LINE = re.compile(r"^(?:https?://|www\.)\S*$", re.IGNORECASE)
_SECTION_HEADING = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]|[(（][一二三四五六七八九十]+[)）]|\d+(?:\.\d+)*[、.．]\s*\S)")
_CREDIT = re.compile(r"[记記]者|通[讯訊][员員]|供[图圖]|[摄攝]影|/文|文/|[图圖]/")


_ORG_SIGNATURE = re.compile(r"(?:[课課]题组|委员会|委員會|研究所|研究院|研究中心|办公室|辦公室|[编編][辑輯]部)$")


_DESK = re.compile(r"^\S{1,4}中心$")  # 編譯中心, 新闻中心, 融媒体中心: the desk that wrote it

_PARAGRAPH_END = re.compile(r"[。！？!?…”」』]$")
_YEAR_MONTH = re.compile(r"^(?:19|20)\d{2}\s*[年/.-]\s*\d{1,2}\s*月?$")
_TRAILING_JUNK = re.compile(r"[\s\-–—|｜]+$")
_SENTENCE_END = re.compile(r"(?:[。；;，,：:．]|…+|\.{3,})$")
# A photo's caption: a sentence, then its credit in brackets (`上诉人张三。（某台新闻截图）`); no headline.
_CAPTION = re.compile(r"[。！？]\s*[（(][^（）()]{1,20}[）)]$")
_TRAILING_DATE = re.compile(r"\s*(?:[发發][表布][于於]?\s*)?(?:(?:19|20)\d{2}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}|\d{1,2}/\d{1,2}/(?:19|20)\d{2}).*$")
_POSTED = re.compile(r"[发發][表布]|[时時][间間]|日期|作者|[阅閱][读讀]|[评評][论論]|[浏瀏][览覽]|[点點][击擊]|posted", re.IGNORECASE)
_SUBTITLE = re.compile(r"^[—─－-]{1,2}")
# A labelled field of a page's record of the article (`文号：某政发〔2024〕5号`, `承办人：王小明`,
# `所属栏目：工作动态`): printed between the headline and the text, never the headline.
_FIELD_LINE = re.compile(r"^(?:索引[号號]|主[题題]分[类類]|[发發]文(?:机[关關]|字[号號]|[单單]位)|成文日期|公文[种種][类類]|信息分[类類]|"
                         r"主[题題][词詞]|有效性|生成日期|所[属屬](?:机[构構]|[栏欄]目|[类類]别|[类類]別|[单單]位)|文[号號]|"
                         r"承[办辦](?:人|[单單]位|部[门門]|[处處]室|科室)?|[责責]任(?:部[门門]|[单單]位)|公[开開](?:方式|范[围圍]|範圍|形式|[时時]限)|"
                         r"[访訪][问問](?:量|次[数數])|[浏瀏][览覽](?:量|次[数數])|[点點][击擊](?:量|[数數]|率))"
                         r"\s*[:：]")


def _is_paragraph(line: str) -> bool:
    return (len(line) >= 40 or (len(line) >= 15 and bool(_PARAGRAPH_END.search(line)))
            or (len(line) >= 20 and len(SENTENCE_PUNCT.findall(line)) >= 2))


_TITLE_SEPARATORS = "-_|｜—–·  "  # what parts a <title> (`headline-site`, `headline_site`)


def headline_above(page_lines: list[tuple[str, int]], main_lines: list[tuple[str, int]],
                   page_title: str = "") -> tuple[str, list[str]]:
    """The headline printed just above the article's first paragraph (with its subtitle), and a name-only line under it.

    Walks up from the first paragraph of the main content over date, source and byline lines;
    the first short line that is not a sentence and not furniture is the headline (a blog's
    headline is often a link to itself, so links count). Where the line over it is the start of
    the page's `<title>` (`page_title`), that line is the headline and this one its subtitle.
    """
    first_line = next((line for line, _ in main_lines if not is_furniture(line)), None)
    paragraph = next((line for line, linked in main_lines if _is_paragraph(line) and linked < len(line) * 0.5), None)
    if first_line is None or paragraph is None:
        return "", []
    start = next((i for i, (line, _) in enumerate(page_lines) if line == first_line), 0)
    # (the paragraph may come before the first line that is no furniture: a photo's 图说：… caption)
    start = min(start, next((i for i, (line, _) in enumerate(page_lines) if line == paragraph), start))
    at = next((i for i in range(start, len(page_lines)) if page_lines[i][0] == paragraph), None)
    if at is None:
        return "", []
    subtitle: list[str] = []
    names: list[str] = []
    for i in range(at - 1, max(0, at - 12) - 1, -1):
        line, linked = page_lines[i]
        if is_furniture(line) or is_date_line(line) or _YEAR_MONTH.match(line) or (len(line) <= 80 and parse_meta_line(line)):
            continue
        if EMPTY_LABEL.match(line) or _FIELD_LINE.match(line):  # `撰稿：` with its name left blank; `文号：…`
            continue
        dated = _TRAILING_DATE.search(line)
        if dated and len(line) <= 90:  # `湘菜粤菜 兵分两路 (图) 2005-06-14 03:25:55`: headline and date on one line
            line = line[:dated.start()].strip()
            if len(line) < 3 or _POSTED.search(line):
                continue
        if _URL_LINE.match(line) or _SECTION_HEADING.match(line) or _CAPTION.search(line):
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
        if _ORG_SIGNATURE.search(line) and len(line) <= 30 or _DESK.match(line):
            continue  # a report's authoring body, or a newsroom's desk, under its title
        if len(line) < 3 or len(line) > 60 or _SENTENCE_END.search(line) or linked > len(line) * 0.5 and subtitle:
            break
        if _SUBTITLE.match(line) and not subtitle:
            subtitle = [line]
            continue
        over, over_linked = page_lines[i - 1] if i else ("", 0)
        over = over.strip()
        if (page_title and len(over) >= 6 and page_title.startswith(over) and len(page_title) > len(over) + 1
                and page_title[len(over)] in _TITLE_SEPARATORS and not over_linked and not _SENTENCE_END.search(over)
                and (line.strip() not in page_title or SQUEEZE("", over + line) == SQUEEZE("", page_title))):
            # (not a site's name or logo over a headline: a <title> that is the name alone, a link
            # home, a <title> that holds the headline too, unless it is the two lines' words and no more)
            subtitle, line = [line, *subtitle], over  # `三代传承，…70周年` over `青春为祖国歌唱，…`: <title> names the first
        return " ".join([_TRAILING_JUNK.sub("", line), *subtitle]), names
    return "", []


def printed_alone(lines: list[tuple[str, int]], title: str) -> bool:
    """Whether the page prints `title` as a line of its own, not as a link and not as its first
    line (old saved pages echo the `<title>` there); only titles with some Chinese in them count."""
    if len(HAN_CHAR.findall(title)) < 4:
        return False
    return any(line == title and linked < len(line) * 0.5 for line, linked in lines[1:])
