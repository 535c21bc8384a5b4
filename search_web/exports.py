"""Results as files: CSV for spreadsheets and an Atom feed for feed readers.

Both render `SearchResult`s the engine returned for the same URL parameters as the page.
CSV (`indexer.search.csvtable`, the one CSV writer: BOM, formula-like cells neutralised): a
header row, every matching article (streamed, no limit). Atom: the newest `FEED_SIZE` articles, newest first, text with characters
XML cannot carry removed, and every value escaped by the XML serialiser.
"""
from __future__ import annotations

import itertools
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime

from indexer.search.csvtable import csv_table
from indexer.search.result import Hit

CSV_COLUMNS = ("id", "title", "date", "source", "authors", "column", "url", "duplicates", "score")
FEED_SIZE = 50
ATOM = "http://www.w3.org/2005/Atom"
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def csv_rows(hits: Iterable[Hit]) -> Iterator[str]:
    """The CSV text, chunk by chunk: BOM and header first, then one line per hit."""
    return csv_table(itertools.chain([CSV_COLUMNS], ([getattr(hit, name, None) for name in CSV_COLUMNS] for hit in hits)))


def xml_text(value: object) -> str:
    """Text XML 1.0 can carry: control characters and lone surrogates removed."""
    return _XML_INVALID.sub("", "" if value is None else str(value))


def _stamp(date: str) -> str:
    return f"{date}T00:00:00Z"


def atom_feed(*, title: str, feed_url: str, page_url: str, hits: list[Hit],
              article_url: Callable[[str], str]) -> bytes:
    """An Atom document: one entry per hit (newest first as given), linking to its page here and,
    where known, to the original; the snippet (HTML, matches marked) as the summary."""
    ET.register_namespace("", ATOM)

    def sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        el = ET.SubElement(parent, f"{{{ATOM}}}{tag}", {k: xml_text(v) for k, v in attrs.items()})
        if text is not None:
            el.text = xml_text(text)
        return el

    feed = ET.Element(f"{{{ATOM}}}feed")
    sub(feed, "title", title)
    sub(feed, "id", feed_url)
    sub(feed, "link", rel="self", href=feed_url, type="application/atom+xml")
    sub(feed, "link", rel="alternate", href=page_url, type="text/html")
    dates = [h.date for h in hits if h.date]
    updated = _stamp(max(dates)) if dates else datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    sub(feed, "updated", updated)
    sub(sub(feed, "author"), "name", "文搜")
    sub(feed, "generator", "wensou")
    for hit in hits:
        entry = sub(feed, "entry")
        link = article_url(hit.id)
        sub(entry, "title", hit.title or hit.id)
        sub(entry, "id", link)
        sub(entry, "link", rel="alternate", href=link, type="text/html")
        if hit.url and hit.url.lower().startswith(("http://", "https://")):
            sub(entry, "link", rel="via", href=hit.url)
        sub(entry, "updated", _stamp(hit.date) if hit.date else updated)  # (undated: as the feed, not 1970)
        if hit.date:
            sub(entry, "published", _stamp(hit.date))
        for name in hit.authors or ([hit.source] if hit.source else []):
            sub(sub(entry, "author"), "name", name)
        if hit.column:
            sub(entry, "category", term=hit.column)
        sub(entry, "summary", hit.snippet, type="html")
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)
