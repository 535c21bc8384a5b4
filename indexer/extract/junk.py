"""Is it text a reader could search? The one place that refuses junk that decodes as "text".

Two checks, both giving the reason a file is skipped (or None when it is fine):

- `unreadable_reason(text)`: decoded text made mostly of control, replacement (U+FFFD) or
  private-use characters: binary data that happened to decode, or a page mangled beyond use.
- `unsearchable_reason(title, body)`: an extracted article with no title and no word a reader
  could search for: no Chinese, Japanese or Korean character and no Latin word or number of a
  sensible length (a single 20,000-letter run is not a word).
"""
from __future__ import annotations

import re

from indexer.cjk import UNIT_RANGES

UNREADABLE_SHARE = 0.3  # above this share of non-space characters, the text is junk
MAX_WORD = 40  # longer runs of letters or digits are not words anyone types into a search box

_CJK = re.compile(f"[{UNIT_RANGES}]")
_WORD = re.compile(rf"(?<![^\W_])[^\W_]{{1,{MAX_WORD}}}(?![^\W_])")
# What `unreadable_reason` counts as bad: controls that are not whitespace, surrogates,
# private-use characters and U+FFFD (a character-class pattern, scanned in C).
_BAD = re.compile("[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f\ud800-\udfff\ue000-\uf8ff\ufffd"
                  "\U000f0000-\U000ffffd\U00100000-\U0010fffd]+")
# Scanning a page with that pattern costs about 1 ms, and counting its whitespace with str.split()
# a quarter of that. Both are bounded in UTF-8 (surrogates passed through) by counting bytes, one
# encode and a bytes.translate each (~0.1 ms in all): every character `_BAD` matches starts with
# one of _BAD_LEADS (itself for a C0 control, C2 for a C1 control, ED for a surrogate, EE/EF for
# private use and U+FFFD, F3/F4 for the private-use planes), every whitespace character with one
# of _SPACE_LEADS (itself for ASCII, C2 for U+0085/U+00A0, E1 for U+1680, E2 for U+2000–U+205F,
# E3 for U+3000). The exact counts are needed only when the bounds do not already settle it.
_BAD_LEADS = bytes(range(0x00, 0x09)) + bytes(range(0x0e, 0x1c)) + b"\x7f\xc2\xed\xee\xef\xf3\xf4"
_NOT_BAD_LEADS = bytes(b for b in range(256) if b not in _BAD_LEADS)
_SPACE_LEADS = bytes(range(0x09, 0x0e)) + bytes(range(0x1c, 0x21)) + b"\xc2\xe1\xe2\xe3"
_NOT_SPACE_LEADS = bytes(b for b in range(256) if b not in _SPACE_LEADS)


def unreadable_reason(text: str) -> str | None:
    """Why `text` is not readable text (mostly control/replacement/private-use), or None."""
    sample = text[:200_000]
    encoded = sample.encode("utf-8", "surrogatepass")
    most_bad = len(encoded.translate(None, _NOT_BAD_LEADS))
    if most_bad <= UNREADABLE_SHARE * (len(sample) - len(encoded.translate(None, _NOT_SPACE_LEADS))):
        return None  # at most that many bad characters, at least that many non-space ones
    chars = sum(map(len, sample.split()))  # str.split() cuts at exactly the str.isspace() characters
    if not chars:
        return None
    bad = sum(map(len, _BAD.findall(sample)))
    if bad > UNREADABLE_SHARE * chars:
        return (f"not text: {100 * bad // chars}% of its characters are control, "
                "replacement or private-use characters")
    return None


def has_searchable_text(text: str) -> bool:
    """True when `text` holds a CJK character or a letter/digit word of at most MAX_WORD."""
    return bool(_CJK.search(text) or _WORD.search(text))


def unsearchable_reason(title: str, body: str) -> str | None:
    """Why an article with this title and body is not worth indexing, or None."""
    if title.strip() and has_searchable_text(title):
        return None
    if has_searchable_text(body):
        return None
    return "no title and no searchable text (no words, only symbols or one endless run of letters)"
