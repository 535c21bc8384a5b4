"""Articles from plain-text dumps of pages (`.txt`): metadata from the lines, the rest is body.

The header is what comes before the first paragraph (the first indented line when the text
indents its paragraphs, else the first long line). In the header: furniture is dropped, metadata
lines (`2024-02-05 來源:…`) and signature/byline lines give date, source and authors, and the
first remaining line is the title; the line right below it, when it directly follows, is the
subtitle (title and subtitle are joined by one space). A newspaper header of exactly three lines
(引题, 主题, 副题: the layout of People's Daily e-paper dumps; a blank third line makes the
引题 and 主题 of one) is read by position: the kicker is left out of the title and opens the
text. A date in the file name is used when the text has none.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from indexer.dates import date_from_path, day_alone

from ..article import Article
from .authors import byline_authors, parse_authors, signature_authors
from .cleaning import LATER_DATE, is_date_line, is_furniture, normalise_line, parse_meta_line, title_parts

_INDENT = re.compile(r"^[ \t\u3000\u00a0]{2,}|^\u3000")
_PARAGRAPH_END = re.compile(r"[。！？!?；;…”」』\"]$")
_NOTICE_END = re.compile(r"[。！？!?；;…][”」』\"]?$")  # a sentence's end, maybe inside its quote


@dataclass
class LineFacts:
    """What the lines of a page say about it, apart from the body."""

    title_lines: list[str] = field(default_factory=list)
    date: str | None = None
    source: str | None = None
    authors: list[str] = field(default_factory=list)
    body: list[str] = field(default_factory=list)

    lead: list[str] = field(default_factory=list)  # text of the header after the headline (`各区县…：`)
    later: str | None = None  # an update's or a writing's date (`更新时间：…`)
    credit: str | None = None  # the day a print edition's credit gives (`《人民日报》（2024年02月04日 第01版）`), where nothing else dates it

    def take_meta(self, meta: dict[str, str]) -> None:
        """Fill date/source/authors from a parsed metadata line, first value wins (an update's or
        a writing's date only where no line gives a publication date)."""
        if meta.get(LATER_DATE):
            self.later = self.later or meta.get("date")
        elif meta.get("date") and not self.date:
            self.date = meta["date"]
        if meta.get("source") and not self.source:
            self.source = meta["source"]
        if meta.get("author") and not self.authors:
            self.authors = parse_authors(meta["author"])

    def take_furniture(self, line: str) -> bool:
        """What a line of the page's furniture still says: a metadata line that also counts its
        readers (`发布时间：… 来源：… 浏览次数：235`), a print edition's credit and its day."""
        meta = parse_meta_line(line) if len(line) <= 80 else {}
        if meta.get("credit"):
            self.credit = self.credit or meta.get("date")
        elif meta.get("date") and (meta.get("source") or meta.get("author")):
            self.take_meta(meta)
            return True
        return False


def _is_paragraph(raw: str, indented_text: bool) -> bool:
    line = normalise_line(raw)
    if not line or is_furniture(line) or parse_meta_line(line) or is_date_line(line):
        return False
    if indented_text:
        return bool(_INDENT.match(raw))
    return len(line) >= 40 or (len(line) >= 15 and bool(_PARAGRAPH_END.search(line)))


def _body_start(raw_lines: list[str]) -> int:
    long_lines = [r for r in raw_lines if len(normalise_line(r)) >= 40]
    indented = sum(1 for r in long_lines if _INDENT.match(r))
    indented_text = bool(long_lines) and indented * 2 >= len(long_lines)
    for i, raw in enumerate(raw_lines):
        if _is_paragraph(raw, indented_text):
            return i
    # No paragraph: a short notice of a sentence or two (`国务院办公厅发布通知。`) starts at its
    # first sentence after its headline (the first line of text that is not furniture, a date or
    # metadata), as the same text in a page is read.
    headline = None
    for i, raw in enumerate(raw_lines):
        line = normalise_line(raw)
        if not line or is_furniture(line) or parse_meta_line(line) or is_date_line(line):
            continue
        if headline is None:
            headline = i
        elif len(line) >= 6 and _NOTICE_END.search(line):
            return i
    return len(raw_lines)


# a notice's or a speech's salutation (`各区县应急管理局，市级有关部门：`, `同志们，朋友们：`), or a
# sentence: not a widget's label left in the header (`视力保护色：`)
_SALUTATION = re.compile(r"^(?:各|致|尊敬的|亲爱的|親愛的|全体|全體|同志们|同志們|.{2,40}[，,、].{1,40})[^：:]*[：:]$")
_LEAD_SENTENCE = re.compile(r"^.{8,}[。！？!?；;…][”」』\"]?$")
_SITE_BANNER = re.compile(r"^.{2,16}(?:门户网站|門戶網站|网站|網站|政府网|政府網|人民政府|官方网站|官网)$")


def _read_header(raw_header: list[str], facts: LineFacts) -> None:
    if len(raw_header) == 3 and normalise_line(raw_header[1]) and not any(
        parse_meta_line(line) or is_furniture(line) or day_alone(line)  # (a headline over its date is no 引题)
        for line in map(normalise_line, raw_header) if line
    ):
        # 引题 / 主题 / 副题, by position: the kicker is no part of the headline, but it is printed
        # with it (`《求是》杂志发表习近平总书记重要文章`), so it opens the text, findable.
        facts.title_lines = [normalise_line(r) for r in raw_header[1:] if normalise_line(r)]
        facts.lead = [kicker] if (kicker := normalise_line(raw_header[0])) else []
        return
    # Runs of adjacent candidate title lines; the run a date/source line follows is the headline
    # (site banners and breadcrumbs come before it), else the first run that is not a site banner.
    runs: list[list[str]] = []
    anchored: list[str] | None = None
    run_open = False
    for raw in raw_header:
        line = normalise_line(raw)
        if not line:
            run_open = False
            continue
        if is_furniture(line):
            if facts.take_furniture(line) and anchored is None and runs:
                anchored = runs[-1]
            run_open = False
            continue
        meta = parse_meta_line(line)
        bare = None if meta else day_alone(line)  # `中華民國94年1月3日`, `二〇二四年二月五日` alone on their line
        if meta or bare or is_date_line(line):
            facts.take_meta(meta or {"date": bare or parse_meta_line("日期：" + line).get("date", "")})
            if anchored is None and runs:
                anchored = runs[-1]
            run_open = False
            continue
        names = byline_authors(line) or signature_authors(line)
        if names:
            if not facts.authors:
                facts.authors = names
            run_open = False
            continue
        if run_open:
            runs[-1].append(line)
        else:
            runs.append([line])
            run_open = True
    if not runs:
        return
    lines = [line for run in runs for line in run]
    # A `<title>`-like line (`headline_site name`) whose headline is printed again on its own line.
    titled = next((part for line in lines if len(title_parts(line)) > 1 for part in title_parts(line)
                   if part in lines and not _SITE_BANNER.match(part)), None)
    if anchored is None and titled:
        facts.title_lines = [titled]
        return
    chosen = anchored or next((run for run in runs if not (len(run) == 1 and _SITE_BANNER.match(run[0]))), runs[0])
    facts.title_lines = chosen[:2] if anchored is None or len(chosen) <= 2 else chosen[-2:]
    # what the header prints after its headline and metadata, ending as text does (a notice's
    # salutation `各区县应急管理局，市级有关部门：`, a short first sentence): the text's first lines
    after = runs[next(i for i, run in enumerate(runs) if run is chosen) + 1:] if anchored is not None else []
    facts.lead = [line for run in after for line in run if _SALUTATION.match(line) or _LEAD_SENTENCE.search(line)]


def read_lines(raw_lines: list[str]) -> LineFacts:
    """Title, metadata and body lines from the lines of a text dump."""
    facts = LineFacts()
    start = _body_start(raw_lines)
    _read_header(raw_lines[:start], facts)
    body_lines = [normalise_line(r) for r in raw_lines[start:]]
    body_lines = [b for b in body_lines if b]
    for i, line in enumerate(body_lines):
        if is_furniture(line):
            facts.take_furniture(line)
            continue
        meta = parse_meta_line(line) if len(line) <= 60 else {}
        if meta:
            facts.take_meta(meta)
            continue
        if i < 4 or i >= len(body_lines) - 2:
            names = byline_authors(line)
            if names:
                if not facts.authors:
                    facts.authors = names
                if len(line) <= 30:
                    continue
        facts.body.append(line)
    facts.body[:0] = facts.lead
    facts.date = facts.date or facts.later or facts.credit
    return facts


_TITLE_LABEL = re.compile(r"^(?:[标標]\s*[题題]|[题題]\s*目)\s*[:：]\s*")  # `标题：…` names the headline


def extract_text(text: str, relpath: str) -> Article:
    """One Article from the text of a `.txt` dump; the body may come out empty."""
    facts = read_lines(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    return Article(
        id=relpath,
        title=_TITLE_LABEL.sub("", " ".join(facts.title_lines)),
        date=facts.date or date_from_path(relpath),
        source=facts.source,
        authors=facts.authors,
        body="\n".join(facts.body),
    )
