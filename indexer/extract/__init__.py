"""Extraction: raw file bytes in, clean `Article`s (or `Skipped` with a reason) out.

`extract_file` is the one entry point; it never raises for bad content. Modules: `encoding`
(bytes → text), `dates`, `authors`, `cleaning` (furniture and metadata line rules shared by
HTML and text), `html`, `text` (text dumps) and `records` (JSON Lines / JSON arrays).
"""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import PurePath

from ..analysis import composed
from ..article import Article, Skipped
from .encoding import decode, decode_records
from .html import extract_html
from .junk import unreadable_reason, unsearchable_reason
from .records import extract_records
from .text import extract_text
from .webarchive import MHTML_SUFFIXES, saved_page

HTML_SUFFIXES: frozenset[str] = frozenset({".html", ".htm", ".shtml"}) | MHTML_SUFFIXES  # pages, with a site's template
SUPPORTED_SUFFIXES: frozenset[str] = HTML_SUFFIXES | {".txt", ".jsonl", ".json"}

__all__ = ["HTML_SUFFIXES", "SUPPORTED_SUFFIXES", "extract_file"]


def extract_file(data: bytes, relpath: str, *, field_map: dict[str, str] | None = None) -> Iterator[Article | Skipped]:
    """Articles from the bytes of one file; `relpath` (POSIX) is its id and names it in Skipped.

    HTML and text give one Article; JSON Lines and arrays one per record, bad records as
    Skipped(f"{relpath}:{lineno}", reason). A file that is junk, empty or holds no article text
    gives one Skipped(relpath, reason). Never raises for bad content. An article's text is in
    Unicode's composed form (`_composed`).
    """
    for item in _extract_file(data, relpath, field_map):
        yield _composed(item) if isinstance(item, Article) else item


_TEXT_FIELDS = ("title", "body", "source", "column")


def _composed(article: Article) -> Article:
    """The article with an accent stored apart from its letter in its text fields (`e` + U+0301,
    as some editors and macOS file names write it) composed into the one character a reader
    types (é: `indexer.analysis.composed`), so `"étude"` finds it (the query is composed too).
    The id and the URL stay as they are."""
    for name in _TEXT_FIELDS:
        value = getattr(article, name)
        if value:
            setattr(article, name, composed(value))
    article.authors = [composed(v) for v in article.authors]
    article.keywords = [composed(v) for v in article.keywords]
    return article


def _extract_file(data: bytes, relpath: str, field_map: dict[str, str] | None) -> Iterator[Article | Skipped]:
    path = PurePath(relpath)
    relpath, suffix = path.as_posix(), path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        yield Skipped(relpath, f"unsupported file type {suffix or '(none)'}")
        return
    if not data or data.isspace():  # (not data.strip(), without copying the file)
        yield Skipped(relpath, "empty file")
        return
    saved_from = None
    if suffix in MHTML_SUFFIXES:  # a page saved as one file: the page is its first HTML part
        found = saved_page(data)
        if found is None:
            yield Skipped(relpath, "no web page in the saved archive (MHTML)")
            return
        data, saved_from = found
    text = decode(data)
    if suffix in (".jsonl", ".json"):
        yield from _records_file(data, text, relpath, suffix == ".json", field_map)
        return
    if text is None:
        yield Skipped(relpath, "not text (binary or undecodable bytes)")
        return
    text = text.replace("\x00", "")
    if not text or text.isspace():
        yield Skipped(relpath, "empty file")
        return
    junk = unreadable_reason(text)
    if junk:
        yield Skipped(relpath, junk)
        return
    try:
        article = extract_html(text, relpath) if suffix in HTML_SUFFIXES else extract_text(text, relpath)
    except RecursionError:
        yield Skipped(relpath, "page structure too deep to read")
        return
    if isinstance(article, Skipped):
        yield article
        return
    if not article.body.strip():
        yield Skipped(relpath, "no article text found")
        return
    junk = unreadable_reason(article.title + article.body) or unsearchable_reason(article.title, article.body)
    if junk:
        yield Skipped(relpath, junk)
        return
    if saved_from and not article.url:
        article.url = saved_from
    yield article


def _records_file(data: bytes, text: str | None, relpath: str, json_array: bool,
                  field_map: dict[str, str] | None) -> Iterator[Article | Skipped]:
    """The records of a JSON or JSON Lines file, judged record by record: what a crashed writer
    or a bad copy left in it (a run of NULs, a line of garbage) is reported by its line and the
    good records are kept, as in a large export read in parts. Only a file that gives no
    article at all is skipped as a whole, with why it is not text."""
    reason = None
    if text is None:
        reason = "not text (binary or undecodable bytes)"
        text = decode_records(data)
        if text is None:
            yield Skipped(relpath, reason)
            return
    text = text.replace("\x00", "")
    if not text or text.isspace():
        yield Skipped(relpath, "empty file")
        return
    reason = reason or unreadable_reason(text)
    items = extract_records(text, relpath, json_array=json_array, field_map=field_map)
    if reason is None:
        yield from items
        return
    items = list(items)
    if any(isinstance(item, Article) for item in items):
        yield from items
    else:
        yield Skipped(relpath, reason)
