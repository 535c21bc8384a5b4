"""The advanced-search form: its fields written as the query syntax (docs/interfaces.md "Query language").

The form's fields arrive as URL parameters (`all`, `phrase`, `none`, `in_title`, `by_source`,
`by_author`, with `from`/`to` as usual); `write_query` turns them into one query string, and the
search page answers as if that query had been typed (the box shows the syntax the form wrote;
the page names the ordinary search URL as canonical, and app.js puts it in the address bar).
"""
from __future__ import annotations

import re

from werkzeug.datastructures import MultiDict

from indexer.search.query import quoted, term_syntax

FIELDS = ("all", "phrase", "none", "in_title", "by_source", "by_author")
_SPACE = re.compile(r"[\s\u3000]+")


def is_advanced(args: MultiDict[str, str]) -> bool:
    return any(name in args for name in FIELDS)


def as_search(args: MultiDict[str, str]) -> MultiDict[str, str]:
    """The URL parameters with the form's fields replaced by the query they write (added to any `q`)."""
    written = write_query(args)
    q = " ".join(x for x in ((args.get("q") or "").strip(), written) if x)
    rest = [(k, v) for k, v in args.items(multi=True) if k not in FIELDS and k != "q" and v.strip()]
    return MultiDict(([("q", q)] if q else []) + rest)


def _words(text: str | None) -> list[str]:
    return [w for w in _SPACE.split(text or "") if w]


def _term(word: str) -> str:
    """One word as a term (quoted when the syntax would read it otherwise: `-x`, `OR`, `NEAR/5`,
    `title:x`, a quote) as the query language writes one (`indexer.search.query.term_syntax`)."""
    return term_syntax(word)


def write_query(args: MultiDict[str, str]) -> str:
    """all words (each must match), "exact phrase", -none -of -these, each restricted to
    `title:` when `in_title` is set; then source:… and author:… restrictions."""
    prefix = "title:" if args.get("in_title") else ""
    parts = [prefix + _term(w) for w in _words(args.get("all"))]
    phrase = _SPACE.sub(" ", args.get("phrase") or "").strip()
    if phrase:
        parts.append(prefix + quoted(phrase))
    parts += ["-" + _term(w) for w in _words(args.get("none"))]
    for field, name in (("source", "by_source"), ("author", "by_author")):
        value = _SPACE.sub(" ", args.get(name) or "").strip()
        if value:
            parts.append(f"{field}:" + term_syntax(value))
    return " ".join(parts)
