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
import itertools
import re
import threading
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

import lxml.etree

from indexer.analysis import fold
from indexer.cjk import HAN
from indexer.dates import date_from_path, english_date, find_date, parse_date

from ..article import Article, Skipped
from .authors import (
    byline_authors,
    byline_paper,
    closing_authors,
    compiled_by,
    credited_outlet,
    dateline,
    lone_name,
    parse_authors,
    posted_by,
    printed_as_editor,
    text_before_signature,
    writer_credit,
)
from .cleaning import (
    EMPTY_LABEL,
    HAN_CHAR,
    SENTENCE_PUNCT,
    SITE_POLICY,
    after_inline_box,
    date_after_headline,
    is_article_end,
    is_date_line,
    is_furniture,
    normalise_line,
    parse_meta_line,
    title_parts,
)
from .content import (
    Element,
    after_deck,
    classed_lead,
    drop_lead_boxes,
    is_link_list,
    lead_before,
    main_content,
    note_line_breaks,
    text_lines,
    text_of,
)
from .headline import choose_title, headline_above, printed_alone, title_element
from .pagemeta import (
    AUTHOR_META,
    DATE_META,
    DATE_META_WEAK,
    KEYWORD_SPLIT,
    SOURCE_META,
    SQUEEZE,
    first,
    json_ld,
    ld_name,
    ld_organisations,
    ld_people,
    microdata,
    page_meta,
    script_date,
    tag_date,
)
from .text import extract_text
from .visible import (
    CLOSING_DATE,
    DATA_SOURCE,
    DATE_THEN_PUBLISHER,
    POSTED_AT,
    PRIVATE_USE,
    SITE_ITSELF,
    author_element,
    classed_elements,
    clean_source,
    meta_authors,
    source_element,
    visible_meta,
)

_PARSERS = threading.local()  # one parser per thread: lxml parsers are not shared safely across threads
_DROP_TAGS = ("script", "style", "noscript", "iframe", "svg", "select", "button", "textarea",
              "input", "nav", "aside", "footer", "template", "object", "embed", "canvas", "video", "audio")


_WIDE_SPACE = re.compile(r" {2,}")
# A social network's post embedded in the article (its text, its author's handle and date, in a
# blockquote the network's script would turn into a card): quoted from elsewhere, not the text.
_EMBED = re.compile(r"(?:^|\s)(?:twitter-tweet|twitter-video|instagram-media|tiktok-embed|fb-post|fb-video|threads-post)(?:\s|$)")


def _drop_embeds(doc: Element) -> None:
    for quote in [q for q in doc.iter("blockquote") if _EMBED.search(q.get("class") or "")]:
        parent = quote.getparent()
        if parent is None:
            continue
        if quote.tail:  # the text after it stays
            before = quote.getprevious()
            if before is not None:
                before.tail = (before.tail or "") + quote.tail
            else:
                parent.text = (parent.text or "") + quote.tail
        parent.remove(quote)


def _unlink_articles(body: Element) -> None:
    """An `<a>` left open before the article (or one that wraps it whole) takes in its headline
    and paragraphs: a link that holds the headline or several paragraphs is no link, but a
    block. (A card of a list that is a link holds a heading and a teaser's few sentences.)"""
    for a in [a for a in body.iter("a") if len(a)]:
        size = 0
        for inner in a.iter("h1", "p"):
            size += _ARTICLE_IN_LINK if inner.tag == "h1" else len(text_of(inner))
            if size >= _ARTICLE_IN_LINK:
                a.tag = "div"
                break


_ARTICLE_IN_LINK = 200  # characters of paragraphs


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


_COUNT = re.compile(r"^\d{1,6}$")
_ENGLISH_BYLINE = re.compile(r"^By\s+[A-Z][\w.'\- ]{1,40}(?:,[^,|｜]{1,40})?(?:\s*[|｜].{1,40})?$")
_NAME_THEN_DATE = re.compile(r"^(?![^\s]*(?:[时時][间間]|日期)\s)[^\s，。,:：]{2,12}\s*(?:19|20)\d{2}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?"
                             r"(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$")
_SIGNATURE_DATE = re.compile(r"^(?:19|20)\d{2}年\d{1,2}月\d{1,2}日$")


# A photo's caption: a line pointing at the picture (`▲ 張竹君表示…`), a picture's credit alone
# (`圖／《迷失安狄》劇照，滿滿額娛樂提供`), or a line closed by its credit
# (`…（程志遠攝）`, `草間彌生（時藝多媒體提供）`, `…（飛行服務隊圖片）`, `…受邀出席。圖：高雄市政府提供`,
# `…籠罩了整個台灣本島。（圖／翻攝自氣象廳網站）`,
# a wire's name after the sentence: `薛夫洛根（右）和占士法蘭高。美聯社`, or a photographer's credit).
_CAPTION = re.compile(r"^▲\s*[^\s:：]|^[图圖]\s*[／/:：][^。！？]{1,40}$|[（(][^（）()]{0,30}(?:[摄攝]|提供|[图圖]片|供[图圖])[）)]$|[。.]\s*[图圖]\s*[:：／/]\s*[^，。：:\s]{2,20}$|"
                      r"[（(]\s*(?:[图圖]片?|照片|[摄攝]影)\s*[／/:：][^（）()]{1,30}[）)]$|"  # `…（圖／翻攝自氣象廳網站）`
                      r"[（(]\s*(?:取自|翻[摄攝]|截[图圖]自?)[^（）()]{1,20}[）)]$|"  # `…（取自微博）`: a picture taken from there
                      r"[)）]\s*©\s*[^。，,©]{1,40}$|"  # `…(香港天文台衛星截圖) © 香港天文台`: a picture's credit closing its caption
                      r"[。.]\s*[(（]?(?:美[聯联]社|路透社?|法新社|[欧歐]新社|美通社|共同社|AP|AFP|Reuters|EPA)[)）]?$|"
                      # closed by a photographer's or supplier's credit without brackets: `湖南日报徐行 摄`,
                      # `…。记者 杨威 摄`, `…合影 某频道 供图`
                      r"\S\s+(?:[摄攝]|供[图圖])$|(?:[记記]者|通[讯訊][员員])\s*[\u4e00-\u9fff]{2,4}[摄攝]$")


# ... or by a screenshot's, an archive picture's or a photo source's credit (`…（网页截图）`,
# `…勝訴。資料圖片`, `…(照片来源/Jionni Anthony Conforti)`, a short one's `(来源：受访者)`): tried only on
# lines holding 截, 料 or 源.
_CAPTION_CREDIT = re.compile(r"[（(][^（）()]{0,10}截[图圖][）)]$|[。.]\s*[资資]料[图圖]片?$|"
                             r"[（(]\s*(?:[图圖]片?|照片|[摄攝]影)[来來]源\s*[／/:：][^（）()]{1,30}[）)]$|"
                             # a short caption closed by its picture's bare source (`陈女士门诊病历。(来源：受访者)`; no comma: a
                             # sentence of the text closed by its story's source is text)
                             r"^[^。！？!?，,；;（）()]{2,24}[。.]?\s*[（(]\s*[来來]源\s*[:：][^（）()]{1,20}[）)]$")


def _is_caption(line: str) -> bool:
    return bool(_CAPTION.search(line) or ("截" in line or "料" in line or "源" in line) and _CAPTION_CREDIT.search(line))


# The list of references under a text, its first entry on the label's line (`参考文献：Russell DH, …`).
_REFERENCES = re.compile(r"^[\[【]?\s*(?:参考(?:文献|文獻)|References)\s*[\]】]?\s*[:：]\s*\S")


_STAFF_CREDIT = re.compile(rf"^(?:翻[译譯]|[审審]校|校[对對]|[编編][译譯]|[审審][核稿])\s*[:：/／|｜]?\s*(?:[{HAN}·]{{2,5}}(?:[、，,\s]+[{HAN}·]{{2,5}}){{0,3}}"
                           r"|[A-Z][a-zA-Z.'\-]+(?:\s[A-Z][a-zA-Z.'\-]+){1,3})$")
_ORIGINAL_TITLE = re.compile(r"^[（(【\[]\s*原[标標][题題]\s*[:：][^（）()【】\[\]]*(?:[（(][^（）()]*[）)][^（）()【】\[\]]*)*[）)】\]]$")


def _column_byline(lines: list[tuple[str, int]]) -> list[str]:
    """The author of a column printed alone on the line above its first paragraph (`顧信之`),
    else [] (two names in a row are a photo's caption)."""
    if len(lines) < 2 or len(lines[1][0]) < 20:
        return []
    return lone_name(lines[0][0])


def _body_lines(lines: list[tuple[str, int]], title: str, *, page: bool = False) -> list[str]:
    """The article's text lines of `lines` (`page`: a whole page's main content, whose
    column byline `_authors` reads)."""
    key = SQUEEZE("", title)
    body: list[str] = []
    if page and _column_byline(lines):
        lines = lines[1:]
    byline = _byline_block([line.strip() for line, _ in lines[:8]])
    if byline is not None:  # `呂嘉鴻` / `BBC中文` over the text: no text (the date line goes below)
        lines = lines[:byline] + lines[byline + 2:]
    resume = 0
    for at, (line, linked) in enumerate(lines):
        if at < resume:
            continue  # a box of related links inside the text
        if body and (is_article_end(line) or _REFERENCES.match(line)) and sum(map(len, body)) >= 50:
            resume = after_inline_box(lines, at) or 0
            if not resume:
                break  # comments, related articles: the article is over
            continue
        if not body:  # `【文/观察者网 熊超然】“埃隆·马斯克…`: a writer's credit opening the text is no text
            line = line[writer_credit(line):]
        # (a line squeezes to the headline only if it is as long and holds its first character)
        if is_furniture(line) or len(line) >= len(key) and (not key or key[0] in line) and SQUEEZE("", line) == key:
            continue
        if date_after_headline(line, title):
            continue  # `学做红烧肉  2005-06-13 15:00:14`: the headline with its date, as a blog prints it
        if linked > len(line) * 0.6 and len(line) < 80:
            continue
        if len(line) <= 80 and parse_meta_line(line):
            continue
        if is_date_line(line) and not (body and _SIGNATURE_DATE.match(line)):
            continue  # a date line under the headline; a document's closing 2022年1月27日 stays
        if len(line) <= 60 and line[0].isascii() and DATE_THEN_PUBLISHER.match(line):
            continue  # `2019-09-26 10:56:28 证券时报网`: the date and publisher under the headline
        if _ORIGINAL_TITLE.match(line):
            continue  # `（原标题：…）`: a reprint's note of the headline it first had
        if not body and _CONTACT.match(line):
            continue  # `聯 絡 人：…` in a press release's header, over the text
        if not body and len(line) <= 100 and _ENGLISH_BYLINE.match(line):
            continue  # `By Ryan Foley, Contributor | 星期三, 2024年07月 24日` over a translated story
        if not body and len(line) <= 40 and _NAME_THEN_DATE.match(line):
            continue  # `教育在线 2019-09-15 20:21`: a column's or publisher's name and the time, over the text
        if len(line) <= 30 and byline_authors(line) or len(line) <= 60 and posted_by(line):
            continue
        if len(line) <= 40 and _STAFF_CREDIT.match(line):
            continue  # `翻译 夏烨`, `审校 魏潇`: who translated or checked it (no authors)
        if len(line) <= 120 and _is_caption(line):
            continue
        body.append(_WIDE_SPACE.sub(" ", line) if "  " in line else line)
    if any(len(line) == 1 for line in body):  # `今` `日` `推` `荐`: a label printed one character a line
        body = [line for i, line in enumerate(body) if len(line) > 1
                or not (i and len(body[i - 1]) == 1 or i + 1 < len(body) and len(body[i + 1]) == 1)]
    for k in range(max(1, len(body) - 4), len(body)):
        if SITE_POLICY.match(body[k]):  # a site's policy closes the text: its promotions may follow
            del body[k:]
            break
    while body:
        if EMPTY_LABEL.match(body[-1]) or len(body) > 1 and (
                SITE_POLICY.match(body[-1]) or _COUNT.match(body[-1]) and body[-2].endswith(("。", "！", "？", "”"))):
            body.pop()  # `附件：` with nothing after it (an empty attachment list), the site's reprint policy, a
            # widget's count after the last sentence (`6`: a rating's votes; a table's total closes no sentence)
        elif len(body) > 2 and _CREDIT_LABEL.match(body[-2]) and len(body[-1]) <= 30 and not _PROSE_MARK.search(body[-1]):
            del body[-2:]  # `作者：` / `吴掬清、胡蝶`, `供稿单位：` / `科学技术发展研究院`: a label over its value
        else:
            break
    if body and "自己一次" in body[-1]:  # the suicide-prevention note run into the last paragraph
        body[-1] = _PREVENTION_NOTE.sub("", body[-1])
    for end in (-1, 0):  # a photo's caption opening or closing the text
        if len(body) > 2 and len(body[end]) <= 300 and _PICTURED.search(body[end]):
            body.pop(end)
    if body:  # `…看法。（记者 张三）`, `…辨认。 华商报记者 杨德合`, `…(完)`: the credit and the end mark are no text
        body[-1] = text_before_signature(body[-1]) or body[-1]
    for k in (1, 2):  # a dispatch's dateline opens the text: what is printed over it is a caption or a deck
        if len(body) > k + 1 and all(len(line) <= 60 for line in body[:k]) and _opens_dispatch(body[k]):
            del body[:k]
            break
    return body


_OWN_DISPATCH = re.compile(r"^本[报報](?:[讯訊]|[" + HAN + r"]{0,6}\d{1,2}月\d{1,2}日[电電讯訊])"
                           r"|^[" + HAN + r"·]{1,20}(?:[网網]|[报報]|社|台|客[户戶][端])[讯訊][\s　]")  # `中工网讯 9月26日，…`


def _opens_dispatch(line: str) -> bool:
    """Whether `line` opens with a dispatch's dateline (`中国日报网7月1日电（记者 王政华）…`,
    `（中央社記者…電）`, `本报讯`): the first line of a report's text."""
    return bool(_OWN_DISPATCH.match(line)) or dateline(line)[0] is not None


# Who to call or write to, printed with a press release's office and date, or with the outlet's
# name, over the text (`聯絡人：…`, `邮箱：news@…`).
_CONTACT = re.compile(r"^[联聯]\s*[络絡系繫]\s*人\s*[:：]|^(?:[邮郵]箱|[电電]子?[邮郵]件?|E-?mail)\s*[:：]\s*[\w.+-]+@[\w-]+(?:\.[\w-]+)+$",
                      re.IGNORECASE)


# The labels of the credits that close an article, printed on a line of their own over their value.
_CREDIT_LABEL = re.compile(r"^(?:作者|[来來]源|稿件[来來]源|信息[来來]源|供稿(?:[单單]位)?|[责責]任[编編][辑輯]|[责責][编編]|[编編][辑輯]|"
                           r"[审審][核稿]|校[对對]|[摄攝]影|通[讯訊][员員]|撰稿|撰文|[发發]布[机機][构構])\s*[:：]$")  # (not 记者：, an interview's speaker)
_PROSE_MARK = re.compile(r"[，。！？；]")  # a credit's value holds none: an answer's sentence does


# Who stands where in a photo (`草間彌生（右）的裝置作品…`, `小勞勃道尼（左二）代言。圖為…`), or
# what it shows: a caption, not text, at either end of the article.
_PICTURED = re.compile(r"[（(](?:前排|後排|后排)?[左右中][一二三四五六七八九]?[）)]|(?:^|[。，])\s*[圖图][為为]")


# `…早鳥票開賣至12月31日止。★再給自己一次機會`: Taiwan papers close stories of suicide with it
_PREVENTION_NOTE = re.compile(r"\s*[★☆※]?\s*(?:珍惜生命\W{0,2})?再[给給]自己一次[机機][会會]\s*$")


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
    if doc is not None:
        note_line_breaks(doc, text)
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
    _drop_embeds(doc)
    body = doc.find("body") if doc.find("body") is not None else doc
    _unlink_articles(body)
    return "\n".join(_body_lines(text_lines(main_content(body) if find_main else body)[0], ""))


def _strip_tags(text: str) -> str:
    text = re.sub(r"(?is)<(script|style)\b.*?</\1\s*>", "", text)
    text = re.sub(r"(?i)<(?:br|/p|/div|/h\d|/li|/tr|/title)\b[^>]*>", "\n", text)
    return _html.unescape(re.sub(r"<[^>]*>", "", text))


LINK_LIST = "a list of links, not an article"


@dataclass
class _Markup:
    """What the page's markup says apart from its text."""

    meta: dict[str, str]
    ld: dict
    micro: dict[str, str]
    canonical: str | None
    title: str  # the `<title>`


@dataclass
class _Layout:
    """The page read as lines: its headline, the main content's lines (`page_lines[start:end]`)
    and what is printed around them (`visible`)."""

    title: str
    main: Element
    page_lines: list[tuple[str, int]]
    start: int
    end: int
    visible: dict[str, str]
    names_under_headline: list[str]
    kicker: str | None = None  # a heading printed right over the headline (引题): no part of it, but printed with it

    @property
    def main_lines(self) -> list[tuple[str, int]]:
        return self.page_lines[self.start:self.end]


_LINE_BREAK = re.compile(r"\s*[\r\n\v\f\x85\u2028\u2029]+\s*")


_TAG_IN_TITLE = re.compile(r"\s*<\s*/?\s*br\s*/?\s*>\s*", re.IGNORECASE)  # `…自己&lt;BR&gt; - 手机财富中文网`: markup as text


def _one_line(title: str) -> str:
    """A title whose heading broke where its HTML did, as one line: the break is a space, or
    nothing where it stands alone between two Chinese characters (`…期间\n安全生产…`; with
    spaces around it, `橫空出世\n 中國半導體`, the space was the title's)."""
    def join(m: re.Match) -> str:
        before, after = title[m.start() - 1:m.start()], title[m.end():m.end() + 1]
        alone = len(m.group().strip("\r\n\v\f\x85\u2028\u2029")) == 0
        return "" if alone and before and after and HAN_CHAR.match(before) and HAN_CHAR.match(after) else " "
    return _LINE_BREAK.sub(join, title).strip()


def extract_html(text: str, relpath: str) -> Article | Skipped:
    """One Article from the text of an HTML page (the body may come out empty), or Skipped with
    `LINK_LIST` when the page's main content is a list of links (a section's index page)."""
    doc = parse_html(text)
    body_el = None if doc is None else doc.find("body")
    if doc is None or body_el is None or not any(normalise_line(piece) for piece in body_el.itertext()):
        return extract_text(_strip_tags(text), relpath)
    markup = _Markup(page_meta(doc), json_ld(doc), microdata(doc) if "itemprop" in text else {},
                     next((link.get("href") for link in doc.iter("link") if (link.get("rel") or "").lower() == "canonical"), None),
                     normalise_line(_TAG_IN_TITLE.sub(" ", doc.findtext(".//title") or "")))
    layout = _layout(doc, body_el, markup)
    if layout is None:
        return Skipped(relpath, LINK_LIST)
    meta, ld = markup.meta, markup.ld
    body = _body_lines(layout.main_lines, layout.title, page=True)
    record = _record_table(layout.main) if layout.main is not body_el else None
    if record is not None:  # a government document's 索引号/发文机关/成文日期 table heads its text
        body = [_WIDE_SPACE.sub(" ", line) for line, _ in text_lines(record)[0]] + body
    if layout.kicker and layout.kicker not in layout.title and not any(layout.kicker in line for line in body[:3]):
        body = [layout.kicker] + body  # left out of the title, it opens the text (as a dump's does)
    keywords_raw = meta.get("keywords") or ld.get("keywords") or ""
    if isinstance(keywords_raw, list):
        keywords_raw = ",".join(str(k) for k in keywords_raw)
    title = _one_line(layout.title)  # a heading's text may break where its HTML did: a title is one line
    # the elements with a class or an id that the source and the author elements are looked for
    # among: read once, when the first of the two is looked for
    classed = functools.cache(lambda: classed_elements(body_el))
    source = _source(body_el, markup, layout, classed)
    if len(body) > 1 and body[0] == source:
        del body[0]  # the outlet's name over the text (`俄罗斯卫星通讯社`): its credit, not a line of it
    return Article(
        id=relpath,
        title=title.strip(PRIVATE_USE).strip() if title and title[-1] >= "\ue000" else title,
        date=_date(text, relpath, markup, layout.visible) or _closing_date(layout) or _english_date(layout),
        source=source,
        authors=_not_the_kicker(_authors(body_el, markup, layout, body, classed), title),
        url=next((u for u in (meta.get("url"), meta.get("og:url"), markup.canonical,
                              ld.get("url") if isinstance(ld.get("url"), str) else None)
                  if u and u.startswith(("http://", "https://"))), None),
        column=first(meta.get("columnname"), meta.get("og:category"), meta.get("article:section"), ld.get("articleSection")),
        keywords=list(dict.fromkeys(k for k in KEYWORD_SPLIT.split(str(keywords_raw)) if k and "<" not in k)),
        body="\n".join(body),
    )


def _layout(doc: Element, body_el: Element, markup: _Markup) -> _Layout | None:
    """The headline, the main content and the lines around them; None for a list of links.
    A page that vouches for its headline is read around the headline and the article only."""
    for aside in body_el.iter("aside", "nav"):  # some mobile templates put the headline and date in an <aside>
        if aside.find(".//h1") is not None:
            aside.tag = "div"
    lxml.etree.strip_elements(doc, *_DROP_TAGS, with_tail=False)
    _drop_embeds(doc)
    _unlink_articles(body_el)
    title, vouched = choose_title(doc, markup.meta, markup.ld, markup.title)
    title_el = title_element(body_el, title)
    subtitle = _subtitle_after(title_el) if vouched else None
    if subtitle and SQUEEZE("", subtitle) not in SQUEEZE("", title):
        title = f"{title} {subtitle}"
    main = main_content(body_el, title_el, title)
    if main is not body_el:
        drop_lead_boxes(main)
    lead = lead_before(main) if main is not body_el else None
    if lead is None and title_el is not None and main is not body_el:
        lead = after_deck(main, title_el)  # the text starts after the headline's block with its deck
    if lead is None and title_el is not None and main is not body_el:
        lead = classed_lead(body_el, title_el, main)
    region = _region(body_el, main, title_el) if vouched and title_el is not None else body_el
    page_lines, start, end = text_lines(region, main, lead)
    visible = visible_meta(page_lines, title) if region is not body_el and not tag_date(markup.meta, markup.ld) else None
    if visible is not None and not visible.get("date"):
        page_lines, start, end = text_lines(body_el, main, lead)  # the date may sit outside: read it all
        visible = None
    main_lines = page_lines[start:end]
    if is_link_list(main_lines):
        return None
    names_under_headline: list[str] = []
    if not vouched and not printed_alone(page_lines[:end], title):
        headline, names_under_headline = headline_above(page_lines, main_lines, markup.title)
        if headline and headline != title:
            title, visible = headline, None
    column = _COLUMN_AFTER.match(title)
    if column and any(line == column.group(1) or line.startswith(column.group(1) + "  ") for line, _ in page_lines[:end]):
        title, visible = column.group(1), None  # `“伪娘”现象心理分析-热点话题`, the page printing the headline alone
    if visible is None:
        visible = visible_meta(page_lines, title)
    if not visible.get("date"):  # a blog's `发表于2005年09月07日 11:57 AM` under the post
        visible["date"] = next((d for d in (parse_date(line) for line, _ in page_lines[end:end + 6]
                                            if len(line) <= 60 and POSTED_AT.search(line)) if d), None)
    for line, _ in page_lines[max(start, end - 5):end + 6]:  # `编辑：… 来源：… 作者：…` closing the article
        meta = parse_meta_line(line) if len(line) <= 80 and not DATA_SOURCE.match(line) else {}
        for name, value in meta.items():
            if name in ("source", "author", "credit") and value:
                visible.setdefault(name, ", ".join(parse_authors(value)) if name == "author" else value)
            elif name == "date" and value and not visible.get("date") and ("source" in meta or "author" in meta):
                visible["date"] = value  # `发布时间：2019年09月18日 20:30 来源：新华社`: the page's own line, with its source
    kicker = _kicker_before(title_el) if vouched else None
    return _Layout(title, main, page_lines, start, end, visible, names_under_headline, kicker)


# A headline with its column's name after a dash or a bar (`…研讨会 - 新闻及通告`, `…心理分析-热点话题`):
# the headline is what comes before it where the page prints that alone (or on a line break's
# one side: `“伪娘”现象心理分析  2010-07-07  来源 ： 新华网`).
_COLUMN_AFTER = re.compile(r"^(\S.{3,}?)\s*[-–—|｜_]\s*([^-–—|｜_\s]{2,8})$")


def _kicker_before(title_el: Element | None) -> str | None:
    """The kicker (引题) printed as a heading right over the headline's element
    (`<h3>庆祝建军节特别报道</h3><h1>…</h1>`): short, no link, no date, label or furniture; or None."""
    found = _neighbour_line(title_el, preceding=True, tags=("h2", "h3", "h4"), most_children=1)
    if found is None or found[0].find(".//a") is not None or is_furniture(found[1]) or find_date(found[1]):
        return None
    return found[1]


def _neighbour_line(title_el: Element | None, *, preceding: bool, tags: tuple[str, ...],
                    most_children: int) -> tuple[Element, str] | None:
    """The element right over (`preceding`) or under the headline's element (comments aside),
    one of `tags` holding at most `most_children` elements, and its line, when that line could
    stand beside a headline: 4-50 characters, no metadata, no label ending with a colon."""
    if title_el is None:
        return None
    element = next(title_el.itersiblings(lxml.etree.Element, preceding=preceding), None)
    if element is None or element.tag not in tags or len(element) > most_children:
        return None
    line = normalise_line(text_of(element))
    if not 4 <= len(line) <= 50 or parse_meta_line(line) or line.endswith(("：", ":")):
        return None
    return element, line


_DASHED = re.compile(r"^[—─－]{1,2}\s*")
_NOT_A_SUBTITLE = re.compile(r"[记記]者|通[讯訊][员員]|[摄攝]|[转轉](?:自|[载載])|[来來]源|作者|撰文|[编編][辑輯]|出[处處]|[图圖]/|/[图圖]")


def _subtitle_after(title_el: Element | None) -> str | None:
    """The subtitle printed right under the headline's element: an `<h2>`/`<h3>` heading, or a
    heading or line of its own that opens with a dash (`<h2>——我市多措并举保障粮食安全</h2>`); or None."""
    found = _neighbour_line(title_el, preceding=False, tags=("h2", "h3", "h4", "p", "div"), most_children=2)
    if found is None:
        return None
    heading, line = found
    dashed = _DASHED.match(line)
    rest = line[dashed.end():] if dashed else line if heading.tag in ("h2", "h3") and not is_furniture(line) else ""
    if not rest:
        return None
    if find_date(rest) or byline_authors(rest) or _NOT_A_SUBTITLE.search(rest):
        return None  # `——本报记者 张三`, `——2024年3月5日`, `——转自新华网`, `—— 摄影 王五`
    return line


def _authors(body_el: Element, markup: _Markup, layout: _Layout, body: list[str], classed: Callable[[], list]) -> list[str]:
    """The authors: the page's own author tag, the printed `作者：` line, names under the
    headline, a byline at the top of the text or a signature at its end, a `posted by`, an
    element classed `author`, then the other meta tags (less the publisher's own name),
    JSON-LD and microdata."""
    meta = markup.meta
    authors = meta_authors(meta.get("author", ""), body_el) if "author" in meta and "articletitle" in meta else []
    authors = authors or parse_authors(layout.visible.get("author", "")) or layout.names_under_headline
    main_lines, page_lines, start = layout.main_lines, layout.page_lines, layout.start
    byline = next((a for a in map(byline_authors, (line for line, _ in main_lines[:8])) if a), [])
    if authors and byline and not set(authors) & set(byline):
        page_text = text_of(body_el)
        if all(printed_as_editor(a, page_text) for a in authors):
            authors = byline  # `作者：朱延静` is the page's 责任编辑 too; the text's `(陈静 奚晓蕾)` wrote it
    found = (authors
             or byline
             or _column_byline(main_lines)
             or next((a for a in map(closing_authors, _closing_lines(main_lines)) if a), [])
             # a credit of who compiled the story on the text's own last lines, past what the walk
             # kept after them (shares, related links)
             or next((a for a in map(compiled_by, body[-4:][::-1]) if a), [])
             or next((a for a in map(posted_by, (line for line, _ in page_lines[max(0, start - 12):start + 4])) if a), [])
             or author_element(classed()))
    if found:
        return found
    houses = _houses(markup)
    return (next((names for names in (_people(meta_authors(meta.get(key, ""), body_el), houses)
                                      for key in AUTHOR_META if _house(meta.get(key, "")) not in houses) if names), [])
            or _people(parse_authors(ld_people(markup.ld.get("author"))), houses)
            or _people(parse_authors(markup.micro.get("author", "")), houses)  # (`itemprop="author" content="某某新聞"`: the site)
            or _name_over_outlet(layout))


# The outlet a byline's name writes for, or its reporter's post there, printed on the line under
# the name (`BBC中文`, `DW 中文`, `美國之音`, `BBC中文記者`, `BBC亞洲商業事務記者`).
_OUTLET_LINE = re.compile(r"^(?:[A-Z][A-Za-z&.]{1,12}\s?(?:中文|News)?|\S{1,10}(?:中文[网網]?|新[闻聞][网網]?|[报報]|之音|[电電]台|[电電][视視]台?)|"
                          r"\S{1,14}(?:[记記]者|特派[员員]|通[讯訊][员員]))$")
# A foreign name as Chinese papers print it, the original after it (`尼克·馬什（Nick Marsh）`).
_FOREIGN_NAME = re.compile(rf"^[{HAN}]{{1,6}}(?:[·・][{HAN}]{{1,8}})+(?:（[A-Za-z .'\-]+）)?$")


def _byline_block(lines: list[str]) -> int | None:
    """Where `lines` (stripped) print a byline as lines of their own: a person's name, the outlet
    it writes for or its post there, the date (`呂嘉鴻` / `BBC中文` / `2023年9月12日`); the
    name's index, else None. The name must read as one (a common surname, or a foreign name
    with its `·`): a column's label over a source and a date (`时政` / `中国新闻网`) is no byline."""
    for i in range(len(lines) - 2):
        name, outlet, date = lines[i:i + 3]
        if ((lone_name(name) or _FOREIGN_NAME.match(name)) and _OUTLET_LINE.match(outlet)
                and not lone_name(outlet) and is_date_line(date)):
            return i
    return None


def _name_over_outlet(layout: _Layout) -> list[str]:
    """The name of a byline printed as lines of their own around the headline (`_byline_block`)."""
    lines = [line.strip() for line, _ in layout.page_lines[max(0, layout.start - 5):layout.start + 6]]
    at = _byline_block(lines)
    return [lines[at]] if at is not None else []


# A column's label printed before the headline (`新聞透視》黑道變網紅…`, `快訊／…`, `中職》…`).
_KICKER = re.compile(r"^([^》／/｜|\s]{2,8})\s*[》／/｜|]")


def _not_the_kicker(authors: list[str], title: str) -> list[str]:
    """The authors less the column's label that opens the headline: a byline listing its column
    among its reporters (`胡欣男 、新聞透視` under `新聞透視》…`) names one person. A columnist's
    name opening an opinion piece's headline (`鍾文音／…`), or the only author named, stays."""
    kicker = _KICKER.match(title or "")
    if not kicker or lone_name(kicker.group(1)) or _FOREIGN_NAME.match(kicker.group(1)):
        return authors
    others = [a for a in authors if a != kicker.group(1)]
    return others or authors  # a pen name or a compound surname alone (`九把刀／…`, `司馬中原／…`) stays


def _closing_lines(main_lines: list[tuple[str, int]]) -> list[str]:
    """The last four lines of the text that are not links, last first: where a signature is
    (a list of related links inside the article's block comes after it)."""
    return [line for line, linked in main_lines if linked <= len(line) * 0.5][-4:][::-1]


_CORPORATE = re.compile(r"[\s,.]*(?:inc|ltd|co|corp|corporation|limited|llc|gmbh|有限公司|股份有限公司|公司|集团|集團)\.?$", re.I)


def _house(name: str) -> str:
    """A publisher's name as compared with an author tag: width and case folded, spaces and a
    trailing `Inc.`/`有限公司` gone (`DIGITIMES Inc.` → `digitimes`)."""
    folded = unicodedata.normalize("NFKC", name).casefold().strip()
    while (shorter := _CORPORATE.sub("", folded)) != folded:
        folded = shorter
    return re.sub(r"\s+", "", folded)


def _house_names(markup: _Markup) -> list[str]:
    """The names the page gives its publishing house (meta publisher, og:site_name, the
    application name, its own source tag, JSON-LD publisher)."""
    names = [markup.meta.get(k, "") for k in ("publisher", "og:site_name", "application-name", "source")]
    publisher = ld_name(markup.ld.get("publisher"))
    return names + [publisher if isinstance(publisher, str) else ""]


def _houses(markup: _Markup) -> set[str]:
    """The page's names of its publishing house, as `_house` compares them; a name in two
    scripts also by each (`NG Plus 新生代`: an author tag `NG Plus` is the house)."""
    names = _house_names(markup)
    return {h for h in map(_house, names + [part for name in names for part in _SCRIPTS_APART.split(name)]) if h}


# The space between a name's Latin part and its Chinese part
_SCRIPTS_APART = re.compile(r"(?<=[A-Za-z0-9])\s+(?=[\u4e00-\u9fff])|(?<=[\u4e00-\u9fff])\s+(?=[A-Za-z])")


def _people(names: list[str], houses: set[str]) -> list[str]:
    """Names of an author tag that are not the publishing house itself (a site that puts its
    own name in `<meta name="author">` while the reporter is printed in the byline)."""
    return [n for n in names if _house(n) not in houses]


def _source(body_el: Element, markup: _Markup, layout: _Layout, classed: Callable[[], list]) -> str | None:
    """The publishing body: a government page's ContentSource, the printed `来源：`, a source
    element, the source meta tags, JSON-LD, and the site itself when nothing names another."""
    meta, visible = markup.meta, layout.visible
    printed_source = clean_source(visible.get("source") or visible.get("credit"))
    if not printed_source and visible.get("placeholder"):
        # `来源：转载文章` under the headline: the page names the real source with the text,
        # on a short line of its own (the last one; a chart's `数据来源：` is no publisher)
        printed_source = next((clean_source(meta_line.get("source")) for meta_line in
                               (parse_meta_line(line) for line, _ in layout.main_lines[::-1] if len(line) <= 40
                                and not DATA_SOURCE.match(line)) if meta_line.get("source")), None)
    content_source = meta.get("contentsource")
    disclosed = visible.get("disclosed_body")
    if content_source and (printed_source or disclosed) and (SITE_ITSELF.search(content_source)
                                                            or _CHANNEL_ACCOUNT.search(content_source)):
        # `辽阳网站` names the site itself, `江西统计 公众号` the social-media account the text was
        # first posted on: the printed `信息来源：辽阳日报`, `发布机构：宜春市统计局` the publisher
        content_source = None
    source = first(content_source, printed_source)
    # the site's name the `<title>` prints, for the names given in Latin letters only: read once, when first asked
    titled = functools.cache(lambda: None if visible.get("placeholder") else _title_site(markup, layout.title, site_first=True))
    source = source or first(source_element(classed()), _dateline_source(layout),
                             *(_in_chinese(re.sub(r"^[来來]源[:：]\s*", "", meta.get(key, "")).split(" ")[0], titled,
                                           same_name=True) for key in SOURCE_META),
                             disclosed,  # a government page's disclosure table: 发布机构
                             ld_name(markup.ld.get("sourceOrganization")), _partner(markup, layout),
                             _site_outlet(_in_chinese(ld_name(markup.ld.get("publisher")), titled)),
                             _site_outlet(_in_chinese(markup.meta.get("og:site_name"), titled)),  # the site
                             # itself, when nothing names another publisher
                             # not where the page says its text came from elsewhere (`来源：转载`) without naming it
                             None if visible.get("placeholder") else _title_site(markup, layout.title),
                             None if visible.get("placeholder") else _site_titled(markup, layout.title))
    return clean_source(source)


# A social-media account (WeChat 公众号, Weibo, Toutiao, Douyin): where a text was posted, not who
# published it (`江西统计 公众号`, `XX发布微信`, `XX官方微博`; not 抖音集团, 中国微博研究中心).
_CHANNEL_ACCOUNT = re.compile(r"公[众眾][号號]|微信[号號]?$|微博$|[头頭][条條][号號]|抖音[号號]")
# A newsroom's desk, which a JSON-LD author may name as an organisation: no partner.
_DESK = re.compile(r"^(?:本[报報网網站台])?(?:[编編][辑輯]部|新[闻聞]中心|[综綜]合[报報][导導]|[记記]者站|[编編][辑輯]中心|[编編][辑輯]室)$")


def _partner(markup: _Markup, layout: _Layout) -> str | None:
    """The organisation JSON-LD names as the article's author, printed on the page, when it is
    not the publishing house under another form of its name (自由時報電子報 for 自由時報, ETtoday
    for ETtoday新聞雲, 聯合新聞網 for 联合新闻网) nor a desk (编辑部): a portal carrying a partner's
    story (author 北京新浪網, publisher 新浪台灣, the partner printed under the headline)."""
    houses = [h for h in (_house_key(n) for n in _house_names(markup)) if h]
    for name in ld_organisations(markup.ld.get("author")):
        name = (_site_outlet(name) or name).strip()
        key = _house_key(name)
        if not key or _DESK.match(name) or any(key in h or h in key for h in houses) or not _printed(name, layout):
            continue
        return name
    return None


def _house_key(name: str) -> str:
    """A house name folded for comparison: `_house`, Traditional as Simplified."""
    return fold(_house(name)) if name else ""


def _printed(name: str, layout: _Layout) -> bool:
    """Whether the page's visible lines print `name` (spaces aside)."""
    key = SQUEEZE("", name)
    return any(key in SQUEEZE("", line) for line, _ in layout.page_lines)


# The end of a site's name (网, 報, 日报, 新闻, 传媒, 电视台, 周刊, News, TV, …): what tells it from a
# column's name among the parts of a `<title>` after the headline.
_SITE_NAME = re.compile(r"(?:[网網站]|[报報]|新[闻聞]|[传傳]媒|媒[体體]|[电電]台|[电電][视視]台?|[周週]刊|[杂雜]志|[雜杂]誌|"
                        r"政府|大学|大學|学院|學院|[中小]学|[中小]學|学校|學校|[医醫]院|研究[院所]|委员会|委員會|News|TV|Daily|Times|Post)$", re.IGNORECASE)
# A column's name that ends like a school's or a hospital's: `中小学`, `民办学校`, `附属医院`, `研究所`.
_GENERIC_INSTITUTION = re.compile(r"^(?:中小|民[办辦]|公[办辦]|公立|私立|附[属屬]|各[级級]|高等|[职職][业業]|[重][点點]|基[层層]|"
                                  r"[综綜]合|[专專]科|定[点點]|研究[院所]$|[中小]学$|[中小]學$|[医醫]院$|学校$|學校$)")
# A column's name that ends like a site's: `新闻`, `图片新闻`, `本地新闻`, `时政新闻`.
_COLUMN_NEWS = re.compile(r"^[^\s]{0,4}新[闻聞]$")
_SLASHED = re.compile(r"\s+/\s+")


def _in_chinese(name: str | None, titled: Callable[[], str | None], *, same_name: bool = False) -> str | None:
    """A site's name (og:site_name, the JSON-LD publisher); where it is given in Latin letters
    only (`Hong Kong's Information Services Department`, `OrangeNews`) and the `<title>` names
    the site in Chinese (`香港政府新聞網 - …`, `…- 橙新聞`), the Chinese name a reader of the page
    sees. `same_name`: only the Latin name followed by the words of a site (a source meta tag's
    `TVBS`, the `<title>`'s `TVBS新聞網`; `Reuters` there is another outlet than the site, and
    `ETtoday論壇新聞` a channel of ETtoday's). `titled`: the name the `<title>` prints
    (`_title_site`, its parts before the headline too), None where the page says its text came
    from elsewhere without naming it."""
    if name and not HAN_CHAR.search(name):
        printed, brand = titled(), name.strip()
        if printed and HAN_CHAR.search(printed) and (not same_name or printed.lower().startswith(brand.lower())
                                                      and _BRAND_SITE.match(printed[len(brand):])):
            return _site_outlet(printed)
    return name


_BRAND_SITE = re.compile(r"^\s*(?:新[闻聞])?(?:[网網]|[电電]?台|[电電][视視]台?)$")  # `TVBS` + `新聞網`


def _title_site(markup: _Markup, title: str, *, site_first: bool = False) -> str | None:
    """The site's name at the end of the `<title>`, for a page that names no publisher
    otherwise (`海葵… -- 上報 / 焦點`, `…_智能_好奇心日报`): of the parts after the headline that
    are not its column, the one the og:title also closes with, else the only one that reads as
    a site's name; None when that is not clear. `site_first`: also the parts before the headline
    when none follows it (`香港政府新聞網 - …`), for a page that names its site in Latin letters
    only (a `<title>` opening with a column, `工作简报 - …`, names no site)."""
    parts = title_parts(markup.title)
    # the parts the headline spans (`知料 | 新加坡在搞的…_36氪`: a headline may hold a separator)
    keys, heads = [SQUEEZE("", part) for part in parts], [SQUEEZE("", part) for part in title_parts(title)]
    first = next((i for i in range(len(parts) - len(heads) + 1) if heads and keys[i:i + len(heads)] == heads), None)
    if first is None:
        return None
    at = first + len(heads) - 1
    if at + 1 == len(parts) and not (site_first and first > 0):
        return None
    meta, ld = markup.meta, markup.ld
    columns = {SQUEEZE("", v) for v in (meta.get("subsection"), meta.get("article:section"), meta.get("columnname"),
                                        markup.micro.get("articleSection"), ld.get("articleSection")) if isinstance(v, str)}
    # (less a slogan after a comma: `维基新闻，自由的新闻源`)
    rest = [_SLOGAN.sub("", name).strip() for part in (parts[at + 1:] or parts[:first][::-1]) for name in _SLASHED.split(part)]
    rest = [name for name in rest if 2 <= len(name) <= 20 and SQUEEZE("", name) not in columns and not SENTENCE_PUNCT.search(name)]
    closing = title_parts(meta.get("og:title", ""))
    if len(closing) > 1 and _SLOGAN.sub("", closing[-1]).strip() in rest:
        return _site_outlet(_SLOGAN.sub("", closing[-1]).strip())
    named = [name for name in rest if len(name) >= 3 and _names_a_site(name)]
    return _site_outlet(named[0]) if len(named) == 1 else None


_SLOGAN = re.compile(r"(?<=[" + HAN + r"])，[^，]{2,20}$")  # a site's slogan after its name, in a `<title>`


def _names_a_site(name: str) -> bool:
    """Whether a title's part reads as a site's or an institution's name (`…网`, `…医院`), not a
    column's (`国际新闻`, `附属医院`)."""
    return bool(_SITE_NAME.search(name)) and not _COLUMN_NEWS.match(name) and not _GENERIC_INSTITUTION.match(name)


def _site_titled(markup: _Markup, headline: str) -> str | None:
    """The site's name where the `<title>` or the og:title gives it alone, none of the headline
    in it (`<title>上海市中西医结合医院</title>`, an og:title `艺颂嗓音中心医院` on every page), for
    a page that names no publisher otherwise."""
    key = SQUEEZE("", headline)
    for value in (markup.title, markup.meta.get("og:title", "")):
        name = normalise_line(value or "")
        squeezed = SQUEEZE("", name)
        if (3 <= len(name) <= 20 and key and squeezed not in key and key not in squeezed and _names_a_site(name)
                and not SENTENCE_PUNCT.search(name) and not _SITE_PART.search(name)):
            return name
    return None


_SITE_PART = re.compile(r"\s+[-–—|｜]\s+|[｜|]")
_PAPER_SITE = re.compile(r"^(.{1,12}[报報])(?:(?:新[闻聞])?[网網]|[电電]子[报報])$")
# A site's name followed by one of its channels: `自由時報 sports 體育頻道`, `人民网-财经频道`, `凤凰网财经频道`.
_SITE_CHANNEL = re.compile(r"^(.+?(?:[网網](?![络絡路站])|[报報](?![网網业業社刊])))[\s-]*(?:[A-Za-z]+\s*)?[^\s]{1,6}[频頻]道$")


# A site's name in Latin letters, then in Chinese (`TNL The News Lens 關鍵評論網`, `TITV News 原視新聞網`):
# the Chinese name, where it reads as a site's or paper's whole name (…網, …報, …台: not `BBC News
# 中文`, `ETtoday 新聞雲`, nor `PeoPo 公民新聞`, `TVBS 新聞網`, `Now 新聞台`, whose Chinese words
# need the brand before them).
_BILINGUAL_SITE = re.compile(rf"^[A-Za-z][A-Za-z0-9 .&'’\-]*\s+((?!新[闻聞]|有[线線]|[电電][视視]|[广廣]播)"
                             rf"[{HAN}]{{2,12}}(?:[网網]|[报報]|[电電]?台|通[讯訊]社|[杂雜][志誌]))$")


# A site's Chinese name, then its brand or address in Latin letters (`三立新聞網 SETN.COM`).
_SITE_THEN_DOMAIN = re.compile(rf"^([{HAN}]{{2,12}}(?:[网網]|[报報]|[电電]?台|通[讯訊]社))\s+[A-Za-z][A-Za-z0-9.&'\-]*(?:\.[A-Za-z]{{2,}})$")


_MOBILE_EDITION = re.compile(r"^手机(?=\S{2,}[网網]$)|(?<=[网網])\s*(?:手机版|移动版|WAP版|wap版)$")


def _site_outlet(name: str | None) -> str | None:
    """The outlet a site's name names: its first part (`明報新聞網 - 每日明報 daily news`), in
    Chinese where it is given in Latin letters first (`TNL The News Lens 關鍵評論網`), less a
    channel after it (`自由時報 sports 體育頻道`), and a paper's for the paper's news site
    (`明報新聞網` → 明報)."""
    if not name:
        return name
    part = _SITE_PART.split(name.strip(), maxsplit=1)[0].strip()
    part = _BILINGUAL_SITE.sub(r"\1", _SITE_THEN_DOMAIN.sub(r"\1", part))
    part = _SITE_CHANNEL.sub(r"\1", part)
    part = _MOBILE_EDITION.sub("", part)  # `手机财富中文网`, `新浪网手机版`: the site's mobile pages are the site's
    return _PAPER_SITE.sub(r"\1", part) or name


def _dateline_source(layout: _Layout) -> str | None:
    """The agency or paper a dateline names at the start of the text (`（中央社記者盧太城台東縣12日電）`,
    `香港文匯報訊（記者 鄭治祖）`) or at its end (`（民視新聞陳韻平、郭文海台北報導）`), or a byline
    just above the text names before its reporter (`聯合報 記者林宸誼／即時報導`, `【聯合晚報╱記者楊正海╱即時報導】`)."""
    main_lines = layout.main_lines
    # (the first lines may be the page's furniture still: a date and read count, a QR code's prompt, a
    # caption; past them only a dateline naming no desk, `〔即時新聞／綜合報導〕`)
    lead = itertools.chain((dateline(line)[0] or credited_outlet(line) for line, _ in main_lines[:3]),
                           (org for org in (dateline(line)[0] for line, _ in main_lines[3:5])
                            if org and not _COLUMN_NEWS.match(org)))
    closing = (dateline(line, closing=True)[0] for line, _ in main_lines[-2:])
    above = (byline_paper(line) or dateline(line)[0] for line, _ in layout.page_lines[max(0, layout.start - 4):layout.start])
    over_text = (byline_paper(line) for line, _ in main_lines[:3])
    return next((org for org in itertools.chain(lead, closing, above, over_text) if org), None)


# `<meta name="others" content="页面生成时间 2024-06-03 14:25:31">`: when the page was written out
# (government sites' CMS), which its PubDate often repeats.
_GENERATED = re.compile(r"页面生成时间\s*(.+)")


def _english_date(layout: _Layout) -> str | None:
    """A date printed in English on a short line about the headline (`06:00 Nov 15, 2019`), when
    the page gives no other."""
    lines = layout.page_lines[max(0, layout.start - 8):layout.start + 2]
    return next((d for d in (english_date(line) for line, _ in lines if len(line) <= 40) if d), None)


def _closing_date(layout: _Layout) -> str | None:
    """A date line closing the article, when the page gives no other date: a broadcast's
    `(2014-12-12 12:00)  中晝新聞`, a notice's date under its text."""
    lines = layout.page_lines[max(layout.start, layout.end - 2):layout.end + 3]
    return next((d for d in (parse_date(line) for line, _ in lines if len(line) <= 30 and CLOSING_DATE.match(line)) if d), None)


def _date(text: str, relpath: str, markup: _Markup, visible: dict[str, str]) -> str | None:
    """The publication date: date meta tags, JSON-LD, microdata, the printed date, weaker tags,
    a date in a script, then the URL's or the file's path. A meta date that is only the time
    the page was generated (a CMS that writes its pages again stamps them anew) yields to an
    earlier date printed with the article."""
    meta, ld = markup.meta, markup.ld
    tagged = next((d for d in (parse_date(meta.get(key)) for key in DATE_META) if d), None)
    generated = _GENERATED.search(meta.get("others") or "")
    if tagged and generated and parse_date(generated.group(1)) == tagged and (visible.get("date") or tagged) < tagged:
        return visible["date"]
    return (tagged
            or parse_date(ld.get("datePublished")) or parse_date(markup.micro.get("datepublished")) or visible.get("date")
            or next((d for d in (parse_date(meta.get(key)) for key in DATE_META_WEAK) if d), None)
            or parse_date(ld.get("dateModified"))
            or script_date(text)
            or date_from_path(meta.get("og:url", "") or markup.canonical or "") or date_from_path(relpath))
