"""Turn raw file bytes into text: BOMs, strict UTF-8, then GB18030 or Big5, whichever reads as Chinese.

Declared charsets are only a tie-breaker, because real pages lie about them (a page saying
gb2312 that is really UTF-8 is common). Returns None for bytes that are not text at all.
"""
from __future__ import annotations

import codecs
import re

import numpy as np

from indexer.cjk import WIDE

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

# Characters frequent in both Simplified and Traditional Chinese prose; a wrong legacy
# decoding produces rare characters instead, so counting these tells GB18030 from Big5.
_COMMON = frozenset(
    "的一是不了人我在有他这這中大来來上国國个個到说說们們为為子和你地出道也时時年得就那要下以生会會"
    "自着著去之过過家学學对對可她里裡后後小么麼心多天而能好都然没沒日于於起还還发發成事只作当當想看文无無"
    "开開手十用主行方又如前所本见見经經头頭面公同三已老从從动動两兩长長知民样樣现現分将將外但身些与與高意进進"
    "把法此实實回二理美点點月明其种種声聲全工己话話儿兒者向情部正名定女问問力机機给給等几幾很业業最间間新什打"
    "便位因重被走电電四第门門相次东東政海口使教西再平真听聽世气氣信北少关關并並内內加化由却代军軍产產入先山五"
    "太水万萬市眼体體别別处處总總才场場师師书書比住员員九笑性通目华華报報立马馬命张張活难難神数數件安表原車车"
    "，。、：；“”（）《》！？"
)
_CHARSET_RE = re.compile(rb"""charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.IGNORECASE)
_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "gb18030": "gb18030", "x-gbk": "gb18030",
            "big5": "big5", "big5-hkscs": "big5hkscs", "cp950": "cp950", "utf-8": "utf-8", "utf8": "utf-8"}


def declared_charset(data: bytes) -> str | None:
    """The charset a page declares in its first few kilobytes (normalised), or None."""
    match = _CHARSET_RE.search(data[:4096])
    if not match:
        return None
    return _ALIASES.get(match.group(1).decode("ascii", "ignore").lower())


# Both counted over the sample's code points in NumPy (~0.15 ms for a 20,000-character sample, a
# sixth of deleting the other characters with a regular expression; it runs twice for a page that
# reads both as GB18030 and Big5). WIDE is one range up to the last code point: its first is the bound.
_COMMON_CODES = np.array(sorted(map(ord, _COMMON)), dtype=np.uint32)
if WIDE != WIDE[0] + "-\U0010ffff":
    raise ValueError("WIDE is expected to run from its first code point to the last one")
_WIDE_FROM = ord(WIDE[0])


def _score(text: str) -> float:
    """The share of the CJK characters (U+2E80 and up) of `text` that are common ones."""
    if not text:
        return 0.0
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    common = int(np.count_nonzero(np.isin(codes, _COMMON_CODES)))
    cjk = int(np.count_nonzero(codes >= _WIDE_FROM)) or 1
    return common / cjk


# Every byte but the control bytes text does not use (all below 32 except tab, LF, FF, CR and ESC):
# deleting these leaves the controls to count, in one C pass.
_NOT_CONTROL = bytes(b for b in range(256) if b >= 32 or b in (9, 10, 12, 13, 27))


def looks_binary(data: bytes) -> bool:
    """True for bytes that are not text in any encoding: NULs or many control bytes."""
    sample = data[:8192]
    if not sample:
        return False
    if sample.count(b"\x00") > max(8, len(sample) // 20):
        return True
    return len(sample.translate(None, _NOT_CONTROL)) > len(sample) // 20


_CONTROL_BYTES = bytes(b for b in range(256) if b not in _NOT_CONTROL)  # (no trail byte of UTF-8, GBK or Big5)


def decode_records(data: bytes) -> str | None:
    """The text of a file of JSON records that `decode` took for binary because of bytes a
    crashed writer or a bad copy left in it (a run of NULs, a line of control bytes): decoded
    without them, so that its good records are read and its bad lines reported. None for
    UTF-16 without a byte order mark (NULs in every other byte), or bytes still not text."""
    if abs(data[0::2].count(0) - data[1::2].count(0)) > len(data) // 8:  # UTF-16's NULs take one side
        return None
    return decode(data.translate(None, _CONTROL_BYTES))


def decode(data: bytes) -> str | None:
    """Decode bytes to text, detecting the encoding; None when they are not readable text."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec)
            except UnicodeDecodeError:
                return None
    if looks_binary(data):
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    candidates: dict[str, str] = {}
    for name, codecs_ in (("gb18030", ("gb18030",)), ("big5hkscs", ("big5hkscs", "cp950"))):
        for codec in codecs_:  # cp950: Windows' Big5, whose euro sign (A3 E1) Big5-HKSCS lacks
            try:
                candidates[name] = data.decode(codec)
                break
            except UnicodeDecodeError:
                continue
    if not candidates:
        text = _mostly(data, "utf-8")  # UTF-8 with a few bad bytes (misread GBK or Big5 has many)
        if text is not None:
            return text
    # A page one of the two cannot read strictly (a stray byte, a pasted character of another
    # encoding) competes with its reading without the few unreadable bytes: GB18030 reads almost
    # any bytes, so a Big5 page with one bad byte must not become GB18030 mojibake.
    for name in ("gb18030", "big5hkscs"):
        if name not in candidates:
            lenient = _mostly(data, name)
            if lenient is not None:
                candidates[name] = lenient
    declared = declared_charset(data)
    if len(candidates) == 2:
        sample = {c: t[:20000] for c, t in candidates.items()}
        scores = {c: _score(t) for c, t in sample.items()}
        best = max(scores, key=scores.get)
        if declared in ("big5", "cp950", "big5hkscs") and scores["big5hkscs"] >= scores["gb18030"] * 0.8:
            best = "big5hkscs"
        return candidates[best]
    if candidates:
        return next(iter(candidates.values()))
    return _utf8_and_gbk(data)  # else junk in every encoding (None)


def _gbk_run(error: UnicodeDecodeError) -> tuple[str, int]:
    """A decode error handler: the bytes UTF-8 could not read, as GB18030 (a character of two
    or four bytes), else U+FFFD for one byte."""
    raw = error.object
    for width in (2, 4):
        try:
            return raw[error.start:error.start + width].decode("gb18030"), error.start + width
        except UnicodeDecodeError:
            continue
    return "\ufffd", error.start + 1


codecs.register_error("wensou-gbk-run", _gbk_run)


def _utf8_and_gbk(data: bytes) -> str | None:
    """A UTF-8 page with runs of GBK in it (a footer pasted from an older template: `版权所有：…`
    in GB2312), each run read as GB18030, when what neither reads is as few bytes as `_mostly`
    allows (and then left out); else None."""
    return _mostly(data, "utf-8", errors="wensou-gbk-run")


def _mostly(data: bytes, codec: str, errors: str = "replace") -> str | None:
    """`data` in `codec` without the bytes it cannot read, when those are few (at most 3, or one
    character in 200); else None. (`errors`: a handler that gives U+FFFD for what it cannot read.)"""
    text = data.decode(codec, errors=errors)
    if text.count("\ufffd") <= max(3, len(text) // 200):
        return text.replace("\ufffd", "")
    return None
