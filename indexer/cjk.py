"""What counts as Chinese (and its neighbours) in wensou's text handling: one definition each.

- `UNIT_RANGES`: the scripts written without spaces, where every character is one unit of a
  phrase (docs/interfaces.md "Query language"): CJK ideographs (basic, extension A,
  compatibility, extensions B–G), 々 〆 〇 (〇 is the zero of Chinese numerals: 二〇〇五年), kana
  (less its two punctuation marks) and hangul. `UNIT_BOUNDS` is the same as (first, last) code points. The analysis chain, the
  exact layer, the highlighter and the linear-time matchers all read these.
- `HAN`: Chinese characters as extraction reads names, bylines and headlines (basic, extension
  A, compatibility ideographs); `PRIVATE_USE`: the private-use area where legacy encodings put
  glyphs inside names.
- `WIDE`: everything from the CJK radicals up (U+2E80–U+10FFFF), as the encoding check counts
  the text a decoding produced.

Each is a fragment of a regular-expression character class (`[{UNIT_RANGES}]`).
"""
from __future__ import annotations

UNIT_RANGES = (
    "\u3005-\u3007"  # 々 〆 〇
    "\u3040-\u309f"  # hiragana
    "\u30a1-\u30fa"  # katakana, less ゠ (U+30A0) and the middle dot ・ (U+30FB): punctuation
    "\u30fc-\u30ff"  # (唐纳德・特朗普 is found by 唐纳德·特朗普 and 唐纳德特朗普)
    "\u3400-\u4dbf"  # CJK extension A
    "\u4e00-\u9fff"  # CJK unified ideographs
    "\uac00-\ud7af"  # hangul syllables
    "\uf900-\ufaff"  # CJK compatibility ideographs
    "\U00020000-\U0003134f"  # CJK extensions B-G
)
HAN = "\u3400-\u9fff\uf900-\ufaff"
PRIVATE_USE = "\ue000-\uf8ff"
WIDE = "\u2e80-\U0010ffff"


def _bounds(ranges: str) -> tuple[tuple[int, int], ...]:
    out, i = [], 0
    while i < len(ranges):
        lo = ord(ranges[i])
        if i + 2 < len(ranges) and ranges[i + 1] == "-":
            out.append((lo, ord(ranges[i + 2])))
            i += 3
        else:
            out.append((lo, lo))
            i += 1
    return tuple(out)


UNIT_BOUNDS = _bounds(UNIT_RANGES)


def is_han(c: str) -> bool:
    """Whether one character is a Chinese character (`HAN`)."""
    return "\u3400" <= c <= "\u9fff" or "\uf900" <= c <= "\ufaff"
