"""The advanced-search form: its fields written as the query syntax (CONTRACT.md "Query syntax").

The form's fields arrive as URL parameters (`all`, `phrase`, `none`, `in_title`, `by_source`,
`by_author`, with `from`/`to` as usual); `write_query` turns them into one query string, and the
page redirects to the ordinary search URL, so the search box shows the syntax the form wrote.
"""
from __future__ import annotations

import re

from werkzeug.datastructures import MultiDict

FIELDS = ("all", "phrase", "none", "in_title", "by_source", "by_author")
QUOTES = (('"', '"'), ("“", "”"), ("「", "」"), ("『", "』"))
_SPACE = re.compile(r"[\s\u3000]+")


def is_advanced(args: MultiDict[str, str]) -> bool:
    return any(name in args for name in FIELDS)


def _words(text: str | None) -> list[str]:
    return [w for w in _SPACE.split(text or "") if w]


def _quoted(text: str) -> str:
    """A phrase in the first pair of quotes it does not itself contain."""
    for left, right in QUOTES:
        if left not in text and right not in text:
            return f"{left}{text}{right}"
    return text  # every kind of quote inside: its words must all match instead


def _term(word: str) -> str:
    """One word as a term; quoted when it holds something the syntax would read otherwise."""
    if word.startswith(("-", "－")) or ":" in word or "：" in word or word.upper() == "OR" \
            or any(q in word for pair in QUOTES for q in pair):
        return _quoted(word)
    return word


def write_query(args: MultiDict[str, str]) -> str:
    """all words (each must match), "exact phrase", -none -of -these, each restricted to
    `title:` when `in_title` is set; then source:… and author:… restrictions."""
    prefix = "title:" if args.get("in_title") else ""
    parts = [prefix + _term(w) for w in _words(args.get("all"))]
    phrase = _SPACE.sub(" ", args.get("phrase") or "").strip()
    if phrase:
        parts.append(prefix + _quoted(phrase))
    parts += ["-" + _term(w) for w in _words(args.get("none"))]
    for field, name in (("source", "by_source"), ("author", "by_author")):
        value = _SPACE.sub(" ", args.get(name) or "").strip()
        if value:
            parts.append(f"{field}:" + (_quoted(value) if " " in value or any(
                q in value for pair in QUOTES for q in pair) else value))
    return " ".join(parts)
