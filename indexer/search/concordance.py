"""Concordance (KWIC, keyword in context): every occurrence of a query's phrases in the articles
it matches, with `width` characters of context on each side, sorted by date, source, left or
right context, and counted per year.

    concordance(engine, request, width=30, sort="date") -> Concordance

`request` is the search's own `SearchRequest` (query, filters, `within`, variants): the
articles are exactly those the search finds. What counts as an occurrence:

- every occurrence (overlapping ones too) of each positive phrase or term of the query, found
  as the search finds phrases (its units in order, only whitespace or punctuation between
  them, Latin words whole; Traditional/Simplified, width and case folded), in the body and in
  the title (`title:` clauses: the title only; `source:` / `author:` clauses: none);
- for a proximity clause (`A NEAR/N B`, `"A B"~N`), each occurrence of its first part that has
  the others near it as the clause asks (the others are then in the context);
- the other strait's wording of unquoted terms, when the search added it (`variants`).

Bounded: the matching articles are read in the search's order (relevance, newest or oldest, as
`request.sort` says), at most `max_articles` of them, and at most `max_lines` lines are kept (the
first found), then sorted; `total` and `per_year` count every occurrence in the articles read.
Reading stops when the request's deadline (`SearchRequest.deadline`, else the engine's) has
passed, with what was read so far (finding the articles past it raises `SearchTooCostly`, as a
search does). When anything was left out, `truncated` is true and `note` says what, in Chinese.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import asdict, dataclass

import numpy as np

from indexer.analysis import fold
from indexer.generations import stored_article
from indexer.search.csvtable import csv_table
from indexer.search.proximity import near_mask
from indexer.search.query import ParsedQuery
from indexer.search.request import BadRequest, SearchRequest
from indexer.search.spans import Projection, phrase_text

SORTS = ("date", "source", "left", "right")
DEFAULT_WIDTH = 30
MAX_WIDTH = 200
MAX_LINES = 10_000
MAX_ARTICLES = 5_000
CSV_HEADER = ("id", "date", "source", "title", "field", "position", "left", "match", "right")
_SPACES = re.compile(r"\s")


@dataclass
class Line:
    """One occurrence: `left` + `match` + `right` are the article's text from `position`
    (characters into the field's text) minus len(left); whitespace shown as spaces."""

    id: str
    title: str
    date: str | None
    source: str | None
    field: str  # "title" or "body"
    position: int
    left: str
    match: str
    right: str


@dataclass
class Concordance:
    query: str
    width: int
    sort: str
    lines: list[Line]
    total: int  # occurrences in the articles read (lines may hold fewer: max_lines)
    articles: int  # articles the query matches
    articles_read: int  # of those, read (max_articles)
    per_year: list[tuple[str | None, int]]  # occurrences per year, oldest first; None: undated
    truncated: bool = False
    note: str | None = None
    took_ms: float = 0.0

    def to_dict(self) -> dict:
        return {"query": self.query, "width": self.width, "sort": self.sort, "total": self.total,
                "articles": self.articles, "articles_read": self.articles_read,
                "truncated": self.truncated, "note": self.note, "took_ms": self.took_ms,
                "per_year": [{"year": y, "count": c} for y, c in self.per_year],
                "lines": [asdict(line) for line in self.lines]}

    def csv_rows(self) -> Iterator[list]:
        """The header row, then one row per line (CSV_HEADER's columns)."""
        yield list(CSV_HEADER)
        for x in self.lines:
            yield [x.id, x.date or "", x.source or "", x.title, x.field, x.position, x.left, x.match, x.right]

    def csv_chunks(self) -> Iterator[str]:
        """The CSV as text pieces to stream (`indexer.search.csvtable`: a byte-order mark, the
        header row, the lines; a cell a spreadsheet would run as a formula neutralised)."""
        return csv_table(self.csv_rows())


def options(width=None, sort=None) -> tuple[int, str]:
    """Validate the concordance's own parameters (from the CLI or a URL); raises BadRequest."""
    if width is None or (isinstance(width, str) and not width.strip()):
        w = DEFAULT_WIDTH
    else:
        try:
            w = int(str(width).strip()) if not isinstance(width, bool) else -1
        except ValueError:
            w = -1
        if not 1 <= w <= MAX_WIDTH:
            raise BadRequest(f"上下文宽度（width）必须是 1 到 {MAX_WIDTH} 之间的整数")
    s = "date" if sort is None or (isinstance(sort, str) and not sort.strip()) else sort
    if not isinstance(s, str) or s.strip() not in SORTS:
        raise BadRequest("索引行排序（sort）只能是 date（日期）、source（来源）、left（左侧上下文）或 right（右侧上下文）")
    return w, s.strip()


def article_lines(article, parsed: ParsedQuery, width: int) -> list[Line]:
    """The concordance lines of one article for a parsed query, in text order (title first)."""
    out: list[Line] = []
    for fieldname, text in (("title", article.title or ""), ("body", article.body or "")):
        clauses = [c for c in parsed.positive if c.field is None or (c.field == "title" and fieldname == "title")]
        if not clauses or not text:
            continue
        proj = Projection(text)
        spans: set[tuple[int, int]] = set()
        for clause in clauses:
            seqs = [s for s in clause.sequences if s]
            if clause.near is None:
                for p in proj.find(seqs[0]):
                    spans.add(proj.span(p, seqs[0]))
                continue
            found = [proj.find(s) for s in seqs]
            starts = [np.array([proj.counted(p) for p in f], dtype=np.int64) for f in found]
            lengths = [len(phrase_text(s)) - sum(1 for a, b in zip(s, s[1:]) if not a.cjk and not b.cjk)
                       for s in seqs]
            docs = [np.zeros(len(f), dtype=np.int64) for f in found]
            mask = near_mask(docs, starts, lengths, clause.near.distance, clause.near.ordered)
            for p, ok in zip(found[0], mask.tolist()):
                if ok:
                    spans.add(proj.span(p, seqs[0]))
        for s, e in sorted(spans):
            out.append(Line(article.id, article.title, article.date, article.source, fieldname, s,
                            _shown(text[max(0, s - width):s]), _shown(text[s:e]), _shown(text[e:e + width])))
    return out


def _shown(text: str) -> str:
    return _SPACES.sub(" ", text)


def _sort_key(sort: str):
    def by_date(x: Line):
        return (x.date is None, x.date or "", x.id, x.field != "title", x.position)

    if sort == "date":
        return by_date
    if sort == "source":
        return lambda x: (x.source is None, fold(x.source or ""), *by_date(x))
    if sort == "left":
        return lambda x: (fold(x.left)[::-1], fold(x.match), *by_date(x))
    return lambda x: (fold(x.match), fold(x.right), *by_date(x))


def concordance(engine, request: SearchRequest, width: int = DEFAULT_WIDTH, sort: str = "date",
                max_lines: int = MAX_LINES, max_articles: int = MAX_ARTICLES) -> Concordance:
    """The concordance of `request` over `engine` (an `indexer.search.SearchEngine`); `width`
    and `sort` as `options` validates them. Raises what a search raises."""
    import time

    t0 = time.perf_counter()
    width, sort = options(width, sort)
    matching = engine.matching(request)
    parsed = matching.marking
    n_articles = len(matching.everything)
    ordered = [d for d, _ in matching.order(min(n_articles, max_articles))] if parsed.positive else []
    lines: list[Line] = []
    years: Counter = Counter()
    total = 0
    searcher = matching.searcher
    stopped = False
    for read, docnum in enumerate(ordered):
        if matching.deadline.passed():
            ordered, stopped = ordered[:read], True  # the deadline passed: what was read so far
            break
        found = article_lines(stored_article(searcher.stored_fields(docnum)), parsed, width)
        total += len(found)
        for x in found:
            years[x.date[:4] if x.date else None] += 1
        lines += found[:max(0, max_lines - len(lines))]
    lines.sort(key=_sort_key(sort))
    notes = []
    if parsed.positive and len(ordered) < n_articles:
        why = f"（{matching.deadline.seconds:g} 秒的时限已到）" if stopped else ""
        notes.append(f"匹配的 {n_articles} 篇文章中只读取了排在前面的 {len(ordered)} 篇{why}")
    if total > len(lines):
        notes.append(f"共 {total} 处，只列出先找到的 {len(lines)} 处")
    if not parsed.positive and n_articles:
        notes.append("查询中没有可列出的词语或短语")
    per_year = sorted(years.items(), key=lambda kv: (kv[0] is None, kv[0] or ""))
    # what a search's notice says of the same request (nothing searchable, an operator read as
    # text, a filter value naming none with the values containing it): never a bare 0
    said = matching.notice()
    return Concordance(query=request.query, width=width, sort=sort, lines=lines, total=total,
                       articles=n_articles, articles_read=len(ordered), per_year=per_year,
                       truncated=bool(notes) and (len(ordered) < n_articles or total > len(lines)),
                       note=" ".join(n for n in (said, "；".join(notes)) if n) or None,
                       took_ms=round((time.perf_counter() - t0) * 1000, 2))
