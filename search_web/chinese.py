"""Simplified and Traditional Chinese on the article page: which script a text is written in
(for its `lang`, so browsers pick the right glyphs), and converting it for display (OpenCC).

Display only: the index, the search and the stored article are never converted.
"""
from __future__ import annotations

from functools import cache

import opencc

SCRIPTS = {"hans": ("t2s", "zh-Hans", "简体"), "hant": ("s2t", "zh-Hant", "繁體")}
SAMPLE_CHARS = 4000


@cache
def _converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


def script_of(text: str) -> str:
    """'hant' when the text has more Traditional-only than Simplified-only characters, else 'hans'.

    A character is Traditional-only when converting it to Simplified changes it (經 → 经), and
    Simplified-only the other way round; characters both scripts share (中, 人) count for neither."""
    chars = sorted({c for c in text[:SAMPLE_CHARS] if "\u3400" <= c <= "\u9fff" or "\uf900" <= c <= "\ufaff"})
    if not chars:
        return "hans"
    joined = "\n".join(chars)
    to_hans = _converter("t2s").convert(joined).split("\n")
    to_hant = _converter("s2t").convert(joined).split("\n")
    if len(to_hans) != len(chars) or len(to_hant) != len(chars):  # pragma: no cover - OpenCC keeps lines
        return "hans"
    trad = sum(a != b for a, b in zip(chars, to_hans, strict=True))
    simp = sum(a != b for a, b in zip(chars, to_hant, strict=True))
    return "hant" if trad > simp else "hans"


def lang_of(script: str) -> str:
    return SCRIPTS[script][1]


def convert(text: str, script: str) -> str:
    """The text written in `script` ('hans' or 'hant'), character by character and common phrases."""
    return _converter(SCRIPTS[script][0]).convert(text) if text else text
