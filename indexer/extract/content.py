"""Where a page's article is: the page cut into lines, and the main-content element.

`text_lines` cuts an element into lines at block elements (table rows stay one line, cells
separated by spaces) and counts the link characters of each line. `main_content` scores every
piece of sentence text (punctuation and Chinese characters) and passes the score to its container,
readability style; containers lose by their link density, by sitting before the headline
(sidebars) or after a 评论 / 相关阅读 heading (comments, related articles). `lead_before` finds a
lead paragraph printed just before the main content, outside it.
"""
from __future__ import annotations

import functools
import itertools
import re
import threading
from collections.abc import Callable, Iterator

import lxml.etree

from indexer.dates import find_date

from .cleaning import SENTENCE_PUNCT, fold_spaces, is_article_end, normalise_line

Element = lxml.etree._Element
_BLOCK = frozenset(["p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table", "section", "article", "header", "blockquote", "pre", "dd", "dt", "dl", "center", "form", "main", "figure", "figcaption", "hr", "tbody"])
_POSITIVE = re.compile(r"article|content|body|text|main|detail|post|entry|story|trs_?editor|rich_media|artibody|zoom|news_?txt|con", re.IGNORECASE)
_NEGATIVE = re.compile(r"comment|foot|nav|sidebar|side|related|recommend|share|breadcrumb|crumb|banner|menu|copyright|"
                       r"hot|rank|list|login|header|toolbar|widget|promo|ad-|ads|advert|tags?$|bottom|top|right|left", re.IGNORECASE)
_PUNCT = re.compile(r"[，。！？；,.!?;：、]")

_CELLS = frozenset(["td", "th"])
_HARD_BREAK = re.compile(r"[\r\n\x1f]+")
_LINE_END = "\x00"  # never in a tree's text (XML forbids NUL)
_DOCUMENT_LINK = re.compile(r"\.(?:docx?|xlsx?|pdf|wps|ofd|zip|rar|7z|pptx?|et|txt)(?:[?#].*)?$", re.IGNORECASE)


def text_of(element: Element) -> str:
    """All the text inside an element: `"".join(element.itertext())`, serialised by libxml2 (~5× faster)."""
    return lxml.etree.tostring(element, method="text", encoding=str, with_tail=False)


def text_lines(element: Element, mark: Element | None = None,
           mark_from: Element | None = None) -> tuple[list[tuple[str, int]], int, int]:
    """The text of an element cut into lines at block elements, each with its count of link characters.

    Table cells do not end a line: a table row becomes one line with its cells separated by
    spaces, so that a table that is the article keeps its text row by row. Links to documents
    (attachments: `.docx`, `.pdf`, …) do not count as link text. Returns the lines and the
    range of lines `[start, end)` that lie inside `mark` (an element inside `element`), or from
    the start of `mark_from` (an earlier sibling of `mark`) to the end of `mark`.
    """
    stretches, counts, marks = _stretches(element, mark, mark if mark_from is None else mark_from)
    lines: list[tuple[str, int]] = []
    if mark is None or mark is element:
        _add_lines(lines, stretches, counts, 0, len(counts))
        return lines, 0, len(lines)
    lines_before: dict[int, int] = {}  # stretch → how many lines come before it
    bounds = sorted({0, *marks, len(counts)})
    for start, end in zip(bounds, bounds[1:]):
        lines_before[start] = len(lines)
        _add_lines(lines, stretches, counts, start, end)
    lines_before[len(counts)] = len(lines)
    return lines, lines_before[marks[0]], lines_before[marks[1]]


def _stretches(element: Element, mark: Element | None, mark_from: Element | None
               ) -> tuple[list[str], list[int], list[int]]:
    """The texts of an element in one pass over its tree, as stretches between block boundaries
    (a _LINE_END wherever a block element starts or ends after some text that is not whitespace;
    whitespace alone would make an empty line: it stays, to be stripped from the next one),
    the link characters of each, and the stretch where `mark_from` starts and the one after the
    end of `mark`; the stretches are cut after one join."""
    pieces: list[str] = []
    counts: list[int] = []  # link characters of each stretch
    linked = in_link = 0
    open_line = False  # a text other than whitespace came since the last _LINE_END
    links: list[int] = []  # for each open <a>: 1 when its text counts as link text
    marks = [0, 0]
    kept_breaks = _keeping_line_breaks(element)  # (most pages have none)
    in_kept = 0  # how many of them are open
    for event, node in lxml.etree.iterwalk(element, events=("start", "end")):  # elements only
        tag, start = node.tag, event == "start"
        if tag in _BLOCK or node is mark or start and node is mark_from:
            if open_line:
                pieces.append(_LINE_END)
                counts.append(linked)
                linked, open_line = 0, False
            if start and node is mark_from:
                marks[0] = len(counts)
            elif not start and node is mark:
                marks[1] = len(counts)
        elif tag in _CELLS:
            pieces.append("\x1f")
        if kept_breaks and node in kept_breaks:
            in_kept += 1 if start else -1
        if start:
            if tag == "a":
                counted = 0 if _DOCUMENT_LINK.search(node.get("href") or "") else 1
                links.append(counted)
                in_link += counted
            text = node.text
        else:
            if tag == "a":
                in_link -= links.pop()
            text = node.tail if node is not element else None
        if in_kept and text and "\n" in text:  # in a block that keeps its line breaks: each is a line's end
            *lines, text = text.split("\n")
            for part in lines:
                if part:
                    pieces.append(part)
                    open_line = open_line or not part.isspace()
                    if in_link:
                        linked += len(part.strip())
                if open_line:
                    pieces.append(_LINE_END)
                    counts.append(linked)
                    linked, open_line = 0, False
        if text:
            pieces.append(text)
            open_line = open_line or not text.isspace()
            if in_link:
                linked += len(text.strip())
    pieces.append(_LINE_END)  # the last stretch (whitespace, when no text came after the last _LINE_END)
    counts.append(linked)
    return fold_spaces("".join(pieces)).split(_LINE_END), counts, marks  # (NUL is no space, nor part of `&&`)


# What keeps a text's line breaks, as a browser shows it: `<pre>`, `<textarea>` or a CSS `white-space`
# of pre, pre-wrap, pre-line or break-spaces (`<div style="white-space:pre-line;">` holding a story's
# paragraphs one a line).
_KEEPS_BREAKS = re.compile(r"white-space\s*:\s*(?:pre|break-spaces)", re.IGNORECASE)


_STYLED = lxml.etree.XPath("//*[@style]")
_kept = threading.local()  # the document `parse_html` built last, and its elements keeping line breaks


def note_line_breaks(doc: Element, markup: str) -> None:
    """Called with each page parsed (`markup` its HTML): which of its elements keep their text's
    line breaks, looked for in the tree only where the markup names such an element or style
    (most pages name none). Found with `str.find`: a pattern scanning a whole page, or an XPath
    testing every element's style, cost a millisecond a page."""
    tags = any(tag in markup for tag in ("<pre", "<PRE", "<textarea", "<TEXTAREA"))
    _kept.found = _find_keeping(doc, tags=tags, styles=_names_kept_breaks(markup))
    _kept.root = doc  # (held until the next page: `is` compares the same living object)


def _find_keeping(doc: Element, *, tags: bool = True, styles: bool = True) -> set:
    """The elements of `doc` that keep their text's line breaks: its `<pre>` and `<textarea>`
    (`tags`), those styled so (`styles`)."""
    found: set = set(doc.iter("pre", "textarea")) if tags else set()
    if styles:
        found.update(node for node in _STYLED(doc) if _KEEPS_BREAKS.search(node.get("style") or ""))
    return found


def _names_kept_breaks(markup: str) -> bool:
    for word in ("white-space", "WHITE-SPACE"):
        at = markup.find(word)
        while at >= 0:
            if markup[at + 11:at + 40].lstrip(" \t:").lower().startswith(("pre", "break-spaces")):
                return True
            at = markup.find(word, at + 11)
    return False


def _keeping_line_breaks(element: Element) -> set:
    """The elements of `element`'s document that keep their text's line breaks."""
    root = element.getroottree().getroot()
    if getattr(_kept, "root", None) is not root:  # a tree `parse_html` did not build: its markup is not at hand
        _kept.found, _kept.root = _find_keeping(root), root
    return _kept.found


def _add_lines(lines: list[tuple[str, int]], stretches: list[str], counts: list[int], start: int, end: int) -> None:
    """The lines of stretches `start` to `end` (empty ones give none), each with its link characters.

    The stretches' spaces are folded already (`fold_spaces`): stripping makes them normalised lines.
    """
    for i in range(start, end):
        text = stretches[i].strip()
        if not text:
            continue
        if "\n" in text or "\r" in text or "\x1f" in text:
            # Line breaks in the source and cell boundaries become two spaces, so that a value on a
            # metadata line ends there (`来源：新京报  举报`).
            text = "  ".join(part for part in (p.strip() for p in _HARD_BREAK.split(text)) if part)
            if not text:
                continue
        lines.append((text, min(counts[i], len(text))))


@functools.lru_cache(maxsize=4096)
def _names_weight(names: str) -> int:
    """The weight of a `class id` string (pages repeat the same few class names many times)."""
    return (25 if _POSITIVE.search(names) else 0) - (25 if _NEGATIVE.search(names) else 0)


def _class_weight(element: Element) -> int:
    weight = _names_weight(f"{element.get('class', '')} {element.get('id', '')}")
    if (element.get("itemprop") or "").lower() == "articlebody":
        weight += 50
    return weight


# Elements whose own text is scored, and how far up a paragraph's score is passed.
_SCORED = ("p", "div", "td", "th", "li", "dd", "section", "article", "span", "font", "pre", "blockquote", "center")
_INLINE = frozenset(["span", "font", "a", "b", "strong", "em", "i", "u", "sub", "sup", "small", "big", "label"])
_ROW_PARTS = frozenset(["tr", "tbody", "thead", "tfoot"])


def _container_of(node: Element, own_len: int) -> Element | None:
    """The element a scored text belongs to: itself when it holds a run of text, else its block parent.

    A block holds a run of text when its own text is long or broken by two `<br>` or more.
    Inline wrappers (`<span>`, `<font>`) climb to their block; a short cell climbs to its table
    and a list item to its list, so that a table or list is scored as a whole.
    """
    if node.tag in ("div", "td", "th", "section", "article", "pre", "center") and (
            own_len >= 150 or sum(1 for _ in node.iterchildren("br")) >= 2):
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


# Class names of a photo's caption (`<p class="imgcaption">`, `<figcaption>`) and of a summary box
# (`<div class="summary">`, `<div class="article-abstract">`): printed over the text.
_CAPTION_BOX = re.compile(r"^(?:wp-caption-text|caption|(?:img|pic|photo|image|figure)[-_]?(?:caption|desc|txt|text|title|note|info))$",
                          re.IGNORECASE)
_SUMMARY_BOX = re.compile(r"^(?:summary|abstract|digest|zhaiyao|(?:article|news|ng|post)[-_]?(?:summary|abstract))$", re.IGNORECASE)
# An author's card over the text (`<section class="authors-wrapper">`: name, photo, a bio of the
# writer or the partner outlet, follow buttons): about who wrote it, not the text.
_AUTHOR_CARD = re.compile(r"^authors?[-_]?(?:wrapper|box|card|bio|profile|intro)$", re.IGNORECASE)


# A box that says it is a summary (`<div><em>摘要</em><i>|</i>听说，…</div>`), whatever its class:
# its label alone or before a separator; and the label opening a box's text with spaces removed.
_SUMMARY_NAMES = r"(?:摘\s*要|[内內]容提要|提\s*要|[导導]\s*[读讀语語]|核心提示)"
_SUMMARY_WORD = r"^[【\[]?" + _SUMMARY_NAMES + r"\s*[】\]]?\s*"
_SUMMARY_LABEL = re.compile(_SUMMARY_WORD + r"(?:[:：|｜丨]|$)|^[【\[]\s*" + _SUMMARY_NAMES + r"\s*[】\]]")
_LABEL_OPENING = re.compile(_SUMMARY_WORD + r"[:：|｜丨]?")


def lead_box(element: Element) -> str | None:
    """"caption" or "summary" for an element printed over the text as one, else None."""
    names = (element.get("class") or "").split()
    if element.tag == "figcaption" or any(_CAPTION_BOX.match(n) for n in names):
        return "caption"
    if any(_SUMMARY_BOX.match(n) for n in names):
        return "summary"
    head, first = (element.text or "").strip(), element
    while not head and len(first) and first[0].tag in _INLINE:
        first = first[0]  # (the label in its own `<em>`, `<strong><font>`)
        head = (first.text or "").strip()
    label = _SUMMARY_LABEL.match(head[:10]) if head else None
    # (the box holds the summary after its label: a label alone, `<span>导 语</span>`, is no box)
    return "summary" if label and (label.end() < len(head) or len(text_of(element).strip()) > len(head)) else None


_PROSE = re.compile(r"[，。]")
_TRUNCATED = re.compile(r"(?:\.{3}|…)\s*$")


def drop_lead_boxes(main: Element) -> None:
    """Remove the caption boxes printed in the main content before its first paragraph of prose
    (`<p class="imgcaption">6月16日，…集团正式挂牌成立。</p>` under the photo the text opens with),
    and the summary boxes there that are a teaser cut short (`…采访当...`) or repeat a sentence
    the text holds: their tails stay. A summary that is text of its own (an abstract, a notice's
    summary) stays, and so does every box where no prose follows them (a gallery's captions)."""
    boxes: list[tuple[Element, str]] = []
    for element in main.iterdescendants():
        if not isinstance(element.tag, str) or any(element is b or b in element.iterancestors() for b, _ in boxes):
            continue
        text = (element.text or "").strip()
        if not text:
            continue
        box, kind = element, lead_box(element)
        while box is not main and kind is None:
            box = box.getparent()
            kind = lead_box(box) if box is not main else None
        if kind is not None:
            boxes.append((box, kind))
        elif (len(text) >= 30 and _PROSE.search(text) and element.tag not in ("a", "h1", "h2", "h3")
              and next(element.iterancestors("a"), None) is None):
            break  # (a link's text is another article's headline; a heading is no prose)
    else:
        return  # no prose outside the boxes: a gallery's text is its captions
    whole = _SPACE.sub("", text_of(main))
    for box, kind in boxes:
        if kind == "summary" and not _teaser(box, whole, 2):
            continue  # a summary of its own: text
        parent, tail = box.getparent(), box.tail
        if parent is None:
            continue
        if tail:
            before = box.getprevious()
            if before is not None:
                before.tail = (before.tail or "") + tail
            else:
                parent.text = (parent.text or "") + tail
        parent.remove(box)


def _teaser(box: Element, text: str, times: int) -> bool:
    """Whether a summary box is a teaser, not text of its own: cut short (`…采访当...`), or one of
    its sentences is printed `times` times in `text` (spaces removed: the text it summarises)."""
    said = _LABEL_OPENING.sub("", _SPACE.sub("", text_of(box)))  # (what it repeats, without its `摘要|`)
    if _TRUNCATED.search(said):
        return True
    # (any of its sentences: a lead rewritten for the box may keep only its last one, `…是最美好的梦想。`)
    return any(len(s) >= 12 and text.count(s) >= times for s in re.split(r"(?<=[。！？])", said))


def _teaser_over(node: Element, main: Element) -> bool:
    """Whether `node`, printed before the main content, is a lead box repeating the text's lead."""
    return bool(lead_box(node)) and _teaser(node, _SPACE.sub("", text_of(main)), 1)


def _author_cards(node: Element) -> list[Element]:
    """The author's cards (_AUTHOR_CARD) that `node` is or holds."""
    return [e for e in node.xpath("descendant-or-self::*[contains(@class, 'uthor')]")
            if any(_AUTHOR_CARD.match(name) for name in e.get("class").split())]


def lead_before(main: Element) -> Element | None:
    """A lead paragraph printed just before the main content, outside it (`<p class="chapo">`), or None.

    Up to two earlier siblings are taken when each is a block of sentences without links.
    """
    first = None
    node = main.getprevious()
    for _ in range(2):
        while node is not None and (not isinstance(node.tag, str) or not text_of(node).strip()):
            node = node.getprevious()
        if node is None or node.tag not in ("p", "div", "section", "blockquote"):
            break
        if _teaser_over(node, main):
            break  # a teaser over the text, repeating its lead, is not the text's
        text, shortest = _beside_headline(node)
        if len(text) < shortest or len(_PUNCT.findall(text)) < 2 or link_density(node) > 0.1:
            break
        if shortest < 40 and not _SENTENCE_ENDS.search(text):
            break  # beside the headline, a deck that ends no sentence (`因缺钱导致…；目前已被取保候审`): no lead
        first = node
        _drop_card_bios(node)
        node = node.getprevious()
    return first if first is not None else _lead_above(main)


def _drop_card_bios(node: Element) -> None:
    """Remove the sentences of the author's cards in a lead's block (a partner outlet's or the
    writer's bio beside the lead: `時代雜誌是全球最受信賴的新聞來源…`); the names stay."""
    for card in _author_cards(node):
        for element in list(card.iter("p", "div", "span")):
            text = (element.text or "").strip()
            if len(text) >= 30 and _SENTENCE_ENDS.search(text) and element.getparent() is not None:
                element.text = None


def classed_lead(body: Element, title_el: Element, main: Element) -> Element | None:
    """A lead paragraph named as one (`<p class="t-content__chapo">`, a CMS's `field-news-story-lead`)
    between the headline and the main content, with the byline, the date or the share bar between
    it and the text (so no sibling of the text's block): the first such element after the
    headline, when it is prose without links (40 to 600 characters of sentences) that the text
    does not repeat; else None."""
    seen_title = False
    main_text = functools.cache(lambda: _SPACE.sub("", text_of(main)))  # read at the first block named a lead
    for node in body.iter("p", "div", "section", title_el.tag, main.tag):
        if node is main:
            return None
        if node is title_el:
            seen_title = True
        elif seen_title and _named_lead(node, main_text) and not any(a is title_el for a in node.iterancestors()):
            while True:  # the innermost: a block holding the date line and the lead is no lead
                inner = next((d for d in node.iterdescendants("p", "div", "section") if _named_lead(d, main_text)), None)
                if inner is None:
                    return node
                node = inner
    return None


def _named_lead(node: Element, main_text: Callable[[], str]) -> bool:
    """Whether `node` is named a lead and holds one the main content's text (`main_text`) does not repeat."""
    if not _LEAD_NAME.search(" ".join((node.get("class") or "", node.get("id") or ""))):
        return False
    text = text_of(node).strip()
    return 40 <= len(text) <= 600 and len(_LEAD_PUNCT.findall(text)) >= 2 and link_density(node) <= 0.1 \
        and _SPACE.sub("", text)[:20] not in main_text()


_LEAD_NAME = re.compile(r"(?:^|[-_\s])(?:lead|chapo|standfirst|dek)(?:[-_\s]|$)", re.IGNORECASE)


def after_deck(main: Element, title_el: Element) -> Element | None:
    """Where the text starts when the main content holds the headline's own block, with a deck
    that ends no sentence and maybe a date (潇湘晨报's e-paper: `<div><h1>…</h1><p>因缺钱导致…；
    目前已被取保候审</p><h6>2014年5月21日</h6></div>` over the text's block): the first element
    with text after that block, or None."""
    header = title_el.getparent()
    if header is None or header is main or main not in set(header.iterancestors()):
        return None
    beside, shortest = _beside_headline(header)
    if shortest == 40 or not beside or _SENTENCE_ENDS.search(beside):
        return None  # (no headline there, or nothing beside it, or a lead printed with it)
    after = header.getnext()
    while after is not None and (not isinstance(after.tag, str) or not text_of(after).strip()):
        after = after.getnext()
    return after if after is not None and len(_SENTENCE_ENDS.findall(text_of(after))) >= 2 else None


def _beside_headline(node: Element) -> tuple[str, int]:
    """The text of `node` (stripped) less that of a headline (`<h1>`) in it (a header holding the
    headline, a byline and a one-line summary is no lead for the headline's sentences) and of an
    author's card (the writer's or a partner outlet's bio is no lead either), and the fewest
    characters a lead there has: 20 beside a headline (printed with it), else 40."""
    text, shortest = text_of(node).strip(), 40
    for heading in node.iter("h1"):
        text, shortest = text.replace(text_of(heading).strip(), "", 1), 20
    for card in _author_cards(node):
        text = text.replace(text_of(card).strip(), "", 1)
    return text.strip(), shortest


_SENTENCE_ENDS = re.compile(r"[。！？!?]")
_LEAD_PUNCT = re.compile(r"[，。！？]")  # sentences (a block of labels and dates has colons and dots)


def _lead_above(main: Element) -> Element | None:
    """A lead printed before the block that holds the main content (`<div id="leadin"><h1>…</h1>
    <div class="leadin"><p>…</p></div></div> <div id="content">…`): the element with text just
    before the main content, when only empty elements (ads whose scripts are gone) stand
    between, it sits outside the main content's parent, and it is short prose without links."""
    holder = main
    for level in range(4):
        node = holder.getprevious()
        while node is not None and (not isinstance(node.tag, str) or not text_of(node).strip()):
            node = node.getprevious()
        if node is not None:
            if _teaser_over(node, main):
                return None  # a teaser over the text, repeating its lead, is not the text's
            text, shortest = _beside_headline(node)
            if level and node.tag in ("p", "div", "section") and shortest <= len(text) <= 600 \
                    and len(_LEAD_PUNCT.findall(text)) >= 2 and link_density(node) <= 0.1:
                return node
            return None
        holder = holder.getparent()
        if holder is None:
            return None
    return None


def link_density(holder: Element) -> float:
    """The share of an element's text that sits inside links (links to documents excepted);
    all of it for an element inside a link that is a list's entry or holds little more than
    it: a card of a sidebar's list (`<li><a href><div class="content">a post's teaser</div>
    </a></li>`), never the text (an `<a>` left open that takes in the page holds its
    navigation and footer too)."""
    text = len(text_of(holder).strip())
    for a in holder.iterancestors("a"):
        if a.get("href") and (a.getparent() is not None and a.getparent().tag == "li"
                              or len(text_of(a).strip()) < 1.2 * text + 30):
            return 1.0
    links = sum(len(text_of(a).strip()) for a in holder.iter("a") if not _DOCUMENT_LINK.search(a.get("href") or ""))
    return min(links / (text or 1), 1.0)


LINK_LIST_MIN_LINKS = 10  # fewer link lines are a related-articles box at most


def is_link_list(lines: list[tuple[str, int]]) -> bool:
    """Whether lines of main content (from `text_lines`) are a list of links rather than an article.

    A list page (`政策文件列表`: forty dated links under a heading) has many lines that are mostly
    link text, most of its text inside links, and next to no prose: a line of unlinked text with
    sentence punctuation. An article keeps its paragraphs, however many related links follow them,
    and a photo gallery its one long caption (a paragraph of 80 characters or more).
    """
    link_lines = link_chars = total = prose = longest = 0
    for line, linked in lines:
        total += len(line)
        link_chars += linked
        if linked * 2 >= len(line):
            link_lines += 1
        elif len(line) - linked >= 30 and len(SENTENCE_PUNCT.findall(line)) >= 2:
            prose += len(line) - linked
            longest = max(longest, len(line) - linked)
    return (link_lines >= LINK_LIST_MIN_LINKS and link_chars * 2 >= total
            and longest < 80 and prose * 6 < link_chars)


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


_HEADING_TAGS = ("h2", "h3", "h4", "h5", "div", "p", "span", "td", "strong", "b", "a", "li", "dt")


def _after(body: Element, start: Element | None, tags: tuple[str, ...]) -> Iterator[Element]:
    """The elements of `tags` in `body` after `start` in document order (its descendants first),
    or all of them when `start` is None. None when `start` is not one of `tags`: this walks from
    `start` only once it has met it among `tags` (an `<h1>` headline is never met)."""
    if start is None:
        yield from body.iter(*tags)
        return
    if start.tag not in tags:
        return
    yield from start.iterdescendants(*tags)
    node = start
    while node is not None and node is not body:
        for sibling in node.itersiblings():
            yield from sibling.iter(*tags)
        node = node.getparent()


def _comments_heading(body: Element, title_el: Element | None) -> Element | None:
    """The first short element after the headline that starts a comments or related-articles block."""
    for element in _after(body, title_el, _HEADING_TAGS):
        text = element.text  # (whitespace alone is no heading)
        if text and len(text) <= 40 and not text.isspace() and len(element) <= 2 and is_article_end(normalise_line(text)):
            return element
    return None


def _follows(element: Element, path: dict) -> bool:
    """Whether `element` comes after the end of the element that `path` leads to and does not contain it."""
    if element in path:
        return False
    child, node = element, element.getparent()
    while node is not None and node not in path:
        child, node = node, node.getparent()
    if node is None or path[node] is node:  # (inside the element `path` leads to: not after it)
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
    if other is node:  # `element` sits inside the headline's own element (an <h1> holding blocks)
        return False
    return node.index(child) < node.index(other)


def _scores(body: Element) -> dict[Element, float]:
    """Each container's score: the sentence-bearing text it holds (and half its children's)."""
    scores: dict[Element, float] = {}
    for node in body.iter(*_SCORED):
        tag = node.tag
        if tag == "p":
            text = text_of(node) if len(node) else node.text
            if not text:
                continue
        elif len(node):  # its own text: its text and its children's tails
            text = node.text or ""
            for child in node:
                tail = child.tail
                if tail:
                    text += tail
        else:
            text = node.text
            if not text:
                continue
        text = text.strip()
        if len(text) < 4:
            continue
        # Characters beyond U+07FF take three bytes in UTF-8: Chinese text and full-width punctuation.
        cjk = (len(text.encode("utf-8", "surrogatepass")) - len(text)) // 2
        if cjk < 2:
            continue
        punct = len(_PUNCT.findall(text))
        if cjk < 6 and not punct and tag not in _CELLS:
            continue
        score = 1 + punct + min(cjk / 50, 3)
        target = _container_of(node, len(text))
        for share, holder in ((1.0, target), (0.5, target.getparent() if target is not None else None)):
            if holder is not None and isinstance(holder.tag, str):
                if holder not in scores:
                    scores[holder] = _class_weight(holder)
                scores[holder] += score * share
    return scores


def main_content(body: Element, title_el: Element | None = None, title: str = "") -> Element:
    """The element holding the article text: the best-scoring container of sentence-bearing text.

    Every piece of text with Chinese sentences in it scores by its punctuation and length and
    passes the score to its container (and half to the container's parent). A container scores
    less the more of its text is links, and half when it sits before the headline (a sidebar).
    """
    scores = _scores(body)
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
        final = score * (1 - link_density(holder))
        if title_el is not None and _precedes(holder, title_el, title_path):
            final *= 0.5
        if comments_path and (_follows(holder, comments_path) or holder is comments_box):
            final *= 0.3  # under a 评论 / 相关阅读 heading: comments or related articles
        if final > best_score:
            best, best_score = holder, final
    post = _first_post(best, scores, title_el, title)
    return _joined_parts(best) if post is best else post  # a blog's posts are not parts of one text


# What an ad's slot between two parts of a text prints: nothing, or that it is an ad.
_AD_SLOT = re.compile(r"^\s*(?:[广廣]告|赞助|贊助|advertisement|advertising|ad|sponsored)?\s*$", re.IGNORECASE)


def _joined_parts(best: Element) -> Element:
    """The block holding every part of a text split by ads: where `best` (or one of its first
    three ancestors) is one of two or more siblings of the same shape (tag, class) that hold
    sentences and no headings of their own, and everything else in their parent is an ad's slot
    (empty or saying 广告: `<div class="article-partial">` × 5 between `<div class="big_ad">廣告
    </div>`, New York Times Chinese), their parent; else `best`. Posts of a blog and a next
    story loaded under the article carry headings, and a `下一篇` link is no ad."""
    node = best
    for _ in range(4):
        parent = node.getparent()
        if parent is None or node.tag in ("body", "html"):
            return best
        shape = _shape(node)
        parts = [child for child in parent if _shape(child) == shape]
        if len(parts) >= 2 and node.get("class"):
            others = [child for child in parent if _shape(child) != shape and isinstance(child.tag, str)]
            if (all(_PUNCT.search(text_of(part)) and next(part.iter("h1", "h2", "h3"), None) is None for part in parts)
                    and all(_AD_SLOT.match(text_of(other)) for other in others)):
                return parent
            return best
        node = parent
    return best


_DIGITS = re.compile(r"\d+")
_SPACE = re.compile(r"\s+")


def _shape(element: Element) -> tuple:
    """What repeated post containers share: tag, class and id with its digits dropped (`p5189` → `p`)."""
    return element.tag, element.get("class", ""), _DIGITS.sub("", element.get("id", ""))


def _first_post(best: Element, scores: dict, title_el: Element | None, title: str) -> Element:
    """On a page of several posts (a blog's archive), the post the page leads with.

    Posts are three or more siblings of the same shape (tag, class, id stem) around the best
    container, holding sentences (not a row of links), nearly all (80%) printing a date of their
    own; sections of one article do not each carry a date. The post holding the headline (or
    opening with the page's title) is taken, else the first one; inside it, its own
    best-scoring container. Any other page keeps `best`.
    """
    node = best
    for _ in range(10):
        parent = node.getparent()
        if parent is None or node.tag == "body":
            break
        shape = _shape(node)
        posts = [child for child in parent if child.tag == shape[0] and _shape(child) == shape]
        if len(posts) >= 3:
            texts = {post: text_of(post) for post in posts}
            posts = [post for post in posts if len(_PUNCT.findall(texts[post])) >= 3]  # sentences
            # Each post's date read once (after NFKC: ~0.3 ms for 4,000 characters with full-width
            # punctuation), `node`'s first: nothing is chosen here unless it is one of the dated.
            date_of = functools.cache(lambda post, texts=texts: find_date(texts[post][:4000]))
            if node not in posts or not date_of(node) or sum(1 for _ in itertools.islice(filter(date_of, posts), 3)) < 3:
                node = parent
                continue
            posts = [post for post in posts if link_density(post) < 0.5]  # not a row of links
            dated = [post for post in posts if date_of(post)]
            if len(dated) >= 3 and len(dated) >= 0.8 * len(posts) and node in dated:
                key = _SPACE.sub("", title)
                chosen = next((post for post in dated if title_el is not None
                               and (post is title_el or post in title_el.iterancestors())), None)
                if chosen is None:  # (an element's truth is whether it has children: never tested so)
                    chosen = next((post for post in dated if len(key) >= 4
                                   and _SPACE.sub("", texts[post]).startswith(key)), dated[0])
                if chosen is node:
                    return best
                inside = [(score, holder) for holder, score in scores.items()
                          if holder is chosen or chosen in holder.iterancestors()]
                return max(inside, key=lambda item: item[0])[1] if inside else chosen
        node = parent
    return best
