"""Brute-force oracle for exactness: which articles a query must match, by plain substring tests.

Written independently of the engine, using only `indexer.analysis.fold`. The units of a text
are its CJK characters one by one and its Latin words and numbers whole (after folding); a
phrase matches an article when the folded title or the folded body holds the phrase's units
consecutively, with only whitespace or punctuation (anything that is not a unit) between them
(docs/interfaces.md "Query language"). An unquoted query of several words needs every word to match.
"""
from __future__ import annotations

import re

from indexer.analysis import fold

_CJK = ("\u3005-\u3007\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
        "\U00020000-\U0003134f")
_UNIT = re.compile(f"[{_CJK}]|[^\\W_{_CJK}]+")
_SEP = "\x01"
_QUOTED = re.compile(r'"([^"]*)"|“([^”]*)”|「([^」]*)」|『([^』]*)』')


def unit_string(text: str) -> str:
    """The folded units of `text`, each enclosed in separators, so substring = consecutive units."""
    found = _UNIT.findall(fold(text or ""))
    return _SEP + _SEP.join(found) + _SEP if found else ""


def query_phrases(query: str) -> list[str]:
    """The phrases a simple query (words and quoted phrases, no operators) must all contain."""
    phrases = [next(g for g in m.groups() if g is not None) for m in _QUOTED.finditer(query)]
    phrases += _QUOTED.sub(" ", query).split()
    return [p for p in phrases if unit_string(p)]


class Oracle:
    def __init__(self, articles) -> None:
        self._texts = [(a.id, unit_string(a.title), unit_string(a.body)) for a in articles]

    def matches(self, query: str) -> set[str]:
        keys = [unit_string(p) for p in query_phrases(query)]
        if not keys:
            return set()
        return {aid for aid, title, body in self._texts if all(k in title or k in body for k in keys)}
