"""Simplified and Traditional Chinese on the article page: which script a text is written in
(for its `lang`, so browsers pick the right glyphs), and converting it for display (OpenCC).

Display only: the index, the search and the stored article are never converted.
"""
from __future__ import annotations

from functools import cache

import opencc

from indexer.cjk import is_han

SCRIPTS = {"hans": ("t2s", "zh-Hans", "简体"), "hant": ("s2t", "zh-Hant", "繁體")}
SAMPLE_CHARS = 4000


@cache
def _converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


@cache
def _lean(char: str) -> int:
    """+1 for a Traditional-only character (converting it to Simplified changes it: 經 → 经),
    -1 for a Simplified-only one, 0 for one both scripts share (中, 人). Cached per character."""
    if _converter("t2s").convert(char) != char:
        return 1
    if _converter("s2t").convert(char) != char:
        return -1
    return 0


def script_of(text: str) -> str:
    """'hant' when the text has more Traditional-only than Simplified-only characters, else 'hans'."""
    lean = sum(_lean(c) for c in set(text[:SAMPLE_CHARS]) if is_han(c))
    return "hant" if lean > 0 else "hans"


def lang_of(script: str) -> str:
    return SCRIPTS[script][1]


def lang_of_text(text: str | None) -> str:
    """The `lang` value for a piece of text: zh-Hant or zh-Hans."""
    return lang_of(script_of(text or ""))


def convert(text: str, script: str) -> str:
    """The text written in `script` ('hans' or 'hant'), character by character and common phrases."""
    return _converter(SCRIPTS[script][0]).convert(text) if text else text
