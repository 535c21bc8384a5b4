"""Chinese text analysis shared by indexing, querying and highlighting.

One chain, three uses. Every piece works on the *folded* text, which has exactly as many
characters as the original, so character offsets found in it are true offsets into the
original text (that is what lets the highlighter mark Traditional text for a Simplified
query).

- `fold`: NFKC width folding (only where it maps one character to one character), case
  folding and Traditional→Simplified folding with OpenCC's character table (context free,
  so a phrase folds the same way inside a query and inside any article).
- Units: every CJK character is one unit, every run of Latin letters or digits is one unit;
  whitespace and punctuation are not units. A phrase matches where its units appear
  consecutively (docs/interfaces.md "Query language").
- The unit stream (`unit_stream`): the units of a text as one string, CJK characters as they
  are and each Latin unit between two marks; the exact layer (`indexer.segment`) keys it by
  characters and character pairs and finds phrases in it. This decides what matches,
  independently of any segmenter.
- Words (`word_tokens`, `word_counts`): jieba segmentation (rjieba when available) of the
  folded CJK runs, plus Latin units; they rank. `query_words` cuts a query the same way.

What counts as a unit's script is `indexer.cjk`'s; the Whoosh schema's word field calls
`word_counts` (`indexer.segment.schema`), and highlighting uses `units` and `unfolded_class`.
"""
from __future__ import annotations

import json
import os
import re
import threading
import unicodedata
from collections import Counter
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

import numpy as np

from indexer import paths
from indexer.cjk import UNIT_BOUNDS, UNIT_RANGES

# --------------------------------------------------------------------------- folding


_UNIT_RE = re.compile(f"([{UNIT_RANGES}])|([^\\W_{UNIT_RANGES}]+)")
_LATIN_RE = re.compile(f"[^\\W_{UNIT_RANGES}]+")
# No pattern of its own for "a CJK character": a class of these ranges costs 2-4 ms to compile
# at every start-up, and the unit pattern's first group already tells (see `_starts_cjk`).


FOLD_TABLE_FILE = paths.PACKAGE_DATA / "fold.json"  # written by `python -m indexer.analysis_tables`


def _load_fold_table() -> dict[int, str]:
    """The shipped fold table (building it loads OpenCC: ~60 ms of every process's start);
    a test keeps it equal to `indexer.analysis_tables.build_fold_table()` with the installed OpenCC."""
    with open(FOLD_TABLE_FILE, encoding="utf-8") as f:
        return {int(cp): ch for cp, ch in json.load(f).items()}


FOLD_TABLE = _load_fold_table()  # code point -> its folded character (read by indexer.search.spans too)
_GAP = re.compile(r"[\W_]")
# Whether a character parts two units is decided by its folded form: these are no word
# characters but fold to one (Ⓐ → a, ⼀ → 一: inside a unit once folded), and word characters
# that fold to none (ﾞ → ゙: a gap once folded). Patterns over the original text use them.
FOLDS_INTO_WORD = "".join(sorted(chr(cp) for cp, ch in FOLD_TABLE.items() if _GAP.match(chr(cp)) and not _GAP.match(ch)))
FOLDS_INTO_GAP = "".join(sorted(chr(cp) for cp, ch in FOLD_TABLE.items() if not _GAP.match(chr(cp)) and _GAP.match(ch)))


_FOLD_BY_ARRAY_FROM = 64  # characters: longer texts are folded through a NumPy lookup table


@lru_cache(maxsize=1)
def _fold_array() -> np.ndarray:
    """FOLD_TABLE as one code point → code point array over the Basic Multilingual Plane (the
    few characters beyond it, mathematical letters and compatibility ideographs, are looked up
    one by one): `str.translate` looks every character up in a dict, several times slower than
    indexing an array on a body."""
    table = np.arange(0x10000, dtype=np.uint32)
    for cp, ch in FOLD_TABLE.items():
        if cp <= 0xFFFF:
            table[cp] = ord(ch)
    return table


def _translate(text: str) -> str:
    """`text.translate(FOLD_TABLE)` (lone surrogates pass as they are)."""
    if len(text) < _FOLD_BY_ARRAY_FROM:
        return text.translate(FOLD_TABLE)
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    if int(codes.max()) > 0xFFFF:
        folded = _fold_array()[np.minimum(codes, 0xFFFF)]
        for i in np.flatnonzero(codes > 0xFFFF).tolist():
            cp = int(codes[i])
            folded[i] = ord(FOLD_TABLE[cp]) if cp in FOLD_TABLE else cp
    else:
        folded = _fold_array()[codes]
    return folded.tobytes().decode("utf-32-le", "surrogatepass")


def fold(text: str) -> str:
    """Fold width, case and script; the result has exactly as many characters as `text`."""
    folded = _translate(text)
    lowered = folded.lower()
    if len(lowered) != len(folded):  # e.g. 'İ'.lower() has two characters
        lowered = "".join(c.lower() if len(c.lower()) == 1 else c for c in folded)
    return lowered


@lru_cache(maxsize=1)
def _marked_letters() -> re.Pattern:
    """A character with the combining marks after it (the marks: every code point of a nonzero
    canonical combining class), as ranges: built on first use only, for a text not in NFC."""
    ranges, start = [], None
    for cp in range(0x110000 + 1):
        marks = cp < 0x110000 and unicodedata.combining(chr(cp)) > 0
        if marks and start is None:
            start = cp
        elif not marks and start is not None:
            ranges.append(f"{re.escape(chr(start))}-{re.escape(chr(cp - 1))}")
            start = None
    return re.compile(f"[^{''.join(ranges)}][{''.join(ranges)}]+")


def composed(text: str) -> str:
    """`text` with each letter and the accents stored apart after it as the one character Unicode
    has for them, where it has one (`e` + U+0301 is é: NFC), and nothing else changed: NFC of the
    whole text would also replace a compatibility ideograph with its unified one (U+2F804 by
    你), a character the article prints and its snippet shows. The articles' text and the query
    go through it, so an accent typed either way finds both."""
    if unicodedata.is_normalized("NFC", text):
        return text
    return _marked_letters().sub(lambda m: unicodedata.normalize("NFC", m.group()), text)


@lru_cache(maxsize=1)
def _unfold_map() -> dict[str, str]:
    """folded character → every other character that folds to it (built on first use).

    Only characters the fold table maps, or whose case folds, can fold to something else, so
    only those are looked at (case beyond U+2000 too: Ⅱ → ⅱ, Ⓐ → ⓐ).
    """
    candidates = set(FOLD_TABLE) | set(range(0x2000)) | _cased_beyond()
    chars = "".join(chr(cp) for cp in sorted(candidates))
    inverse: dict[str, list[str]] = {}
    for original, folded in zip(chars, fold(chars)):
        if original != folded:
            inverse.setdefault(folded, []).append(original)
    return {k: "".join(v) for k, v in inverse.items()}


# The blocks beyond U+2000 of the BMP that hold characters with another lower case (letterlike
# and enclosed forms, Glagolitic, Coptic, Latin and Cyrillic extensions, Cherokee, full-width):
# a test checks they are every such character of Python's Unicode tables.
CASED_BEYOND_2000 = ((0x2000, 0x2E00), (0xA640, 0xA800), (0xAB30, 0xABC0), (0xFF00, 0xFFF0))


def _cased_beyond() -> set[int]:
    """The code points of CASED_BEYOND_2000 whose lower case is another character (Ⅱ → ⅱ)."""
    return {cp for lo, hi in CASED_BEYOND_2000 for cp in range(lo, hi) if chr(cp).lower() != chr(cp)}


def fold_variants(ch: str) -> str:
    """The folded character `ch` and every character that folds to it (態 and 态 for 态)."""
    return ch + _unfold_map().get(ch, "")


def unfolded_class(ch: str) -> str:
    """A regex matching any character that folds to the folded character `ch`."""
    others = _unfold_map().get(ch)
    return f"[{re.escape(ch + others)}]" if others else re.escape(ch)


def is_cjk(ch: str) -> bool:
    return _starts_cjk(ch)


def _cjk_table() -> tuple[bytes, list[tuple[int, int]]]:
    """(one byte per code point of the Basic Multilingual Plane: 1 where it is a CJK unit,
    the ranges of CJK units beyond it), from UNIT_BOUNDS."""
    table = bytearray(0x10000)
    astral = []
    for lo, hi in UNIT_BOUNDS:
        if hi < 0x10000:
            table[lo:hi + 1] = b"\x01" * (hi - lo + 1)
        else:
            astral.append((lo, hi))
    return bytes(table), astral


_CJK_BMP, _CJK_ASTRAL = _cjk_table()


def _starts_cjk(piece: str) -> bool:
    """Whether a segmenter's piece opens with a CJK unit (asked for every distinct piece of
    every article: a table lookup, not a regular expression)."""
    if not piece:
        return False
    c = ord(piece[0])
    if c < 0x10000:
        return _CJK_BMP[c] == 1
    return any(lo <= c <= hi for lo, hi in _CJK_ASTRAL)


# Word characters that fold into a unit of the other kind: half-width katakana (ｶ → カ) and the
# Hangzhou numerals 〸〹〺 (→ 十廿卅) are Latin-like to `re` but CJK units once folded, so a
# pattern's "no Latin letter touches this Latin word" check misreads them (`ｶ5`: 5 is whole).
FOLDS_ACROSS = "".join(sorted(chr(cp) for cp, ch in FOLD_TABLE.items()
                              if not _GAP.match(chr(cp)) and not _GAP.match(ch) and _starts_cjk(chr(cp)) != _starts_cjk(ch)))


# ----------------------------------------------------------------------------- units


class Unit(NamedTuple):
    text: str  # folded
    start: int
    end: int
    cjk: bool


def units(folded: str) -> list[Unit]:
    """The unit sequence of folded text: CJK characters one by one, Latin words/numbers whole."""
    return [
        Unit(m.group(), m.start(), m.end(), m.group(1) is not None)
        for m in _UNIT_RE.finditer(folded)
    ]


# Marks of the unit stream: a Latin unit is written between two LATIN_MARKs; the values of a
# multi-valued field (and the articles of a batch) are separated by a VALUE_MARK. Neither is a
# unit, and both are removed from the text before the stream is written.
LATIN_MARK = "\x01"
VALUE_MARK = "\x02"
_MARKS = {ord(LATIN_MARK): " ", ord(VALUE_MARK): " "}
_NON_UNIT_PATTERN = f"(?:[^\\w\x01{UNIT_RANGES}]|_)+"  # compiled on first use (indexing)


def unit_stream(folded: str) -> str:
    """The units of folded text as one string: CJK characters as they are, each Latin unit
    between two LATIN_MARKs, everything else (whitespace, punctuation) removed.

    A phrase matches where its own stream occurs in the article's stream (docs/interfaces.md,
    "Query language"): a CJK character is one character of the stream, and the marks keep a Latin unit
    from matching inside a longer one. Two regular-expression passes at C speed.
    """
    if LATIN_MARK in folded or VALUE_MARK in folded:
        folded = folded.translate(_MARKS)
    marked = _LATIN_RE.sub(LATIN_MARK + r"\g<0>" + LATIN_MARK, folded)
    return re.sub(_NON_UNIT_PATTERN, "", marked)


def units_stream(seq: list[Unit]) -> str:
    """`unit_stream` of a unit sequence (a parsed query clause)."""
    return "".join(u.text if u.cjk else LATIN_MARK + u.text + LATIN_MARK for u in seq)


# ----------------------------------------------------------------------------- words


class _Segmenter:
    """jieba segmentation, through rjieba when installed (same dictionary and algorithm).

    Two instances, one cut. Articles go through jieba's full dictionary (rjieba builds it in
    ~0.1 s). A query that comes first in a process (a `cli.py search`) is cut by an instance
    holding only the dictionary words that occur inside it (and inside the user words), looked
    up in `JIEBA_WORDS`, plus one filler entry that brings the frequency total to the full
    dictionary's: jieba's cut of a text depends only on the words found inside the text and on
    that total, so both instances cut alike (a test compares them sentence by sentence).
    """

    def __init__(self) -> None:
        self._cut = None
        self._lock = threading.Lock()
        self._query_cuts = 0

    def _load(self):
        entries = list(_user_words())
        try:
            import rjieba  # builds its default instance on import (~0.1 s): use that one

            for word, freq, tag in entries:
                rjieba.add_word(word, freq, tag)
            return rjieba.cut
        except ImportError:  # pragma: no cover - the pinned requirements include rjieba
            import jieba

            jieba.setLogLevel(60)
            for word, freq, tag in entries:
                jieba.add_word(word, freq, tag)
            return lambda s: list(jieba.cut(s))

    def load(self) -> None:
        """Build the full dictionary now (a server, before its first request)."""
        if self._cut is None:
            with self._lock:
                if self._cut is None:
                    self._cut = self._load()

    def cut(self, text: str) -> list[str]:
        if self._cut is None:
            self.load()
        return self._cut(text)

    def cut_query(self, text: str) -> list[str]:
        """`cut`, without building the full dictionary for the first few queries of a process
        (a command-line search cuts one or two): each costs ~0.1 ms per dictionary lookup."""
        self._query_cuts += 1
        if self._cut is None and len(text) <= _QUERY_CUT_MAX and self._query_cuts <= _QUERY_CUTS_ALONE:
            jieba_class = _rjieba_class()
            if jieba_class is not None:
                instance = jieba_class.empty()
                for word, freq, tag in _words_inside(text):
                    instance.add_word(word, freq, tag)
                return instance.cut(text)
        return self.cut(text)


_QUERY_CUT_MAX = 200  # longer texts (an article's) are cheaper through the full dictionary
_QUERY_CUTS_ALONE = 8  # past these, the process is a long-lived one: build the full dictionary
JIEBA_WORDS = paths.PACKAGE_DATA / "jieba_words.txt"  # written by `python -m indexer.analysis_tables`
_FILLER = "\ue000\ue001"  # private-use characters: never inside a text jieba cuts


def _rjieba_class():
    """rjieba's `Jieba` class without the package's import, which builds the full dictionary.

    The package module only re-exports the extension module's class and builds a default
    instance; the extension module is loaded alone and registered under its own name, so a
    later `import rjieba` (an article to cut) finds it and does not load it twice.
    """
    import importlib.machinery
    import importlib.util
    import sys

    module = sys.modules.get("rjieba.rjieba")
    if module is None:
        spec = importlib.util.find_spec("rjieba")
        if spec is None or not spec.submodule_search_locations:
            return None
        folder = Path(next(iter(spec.submodule_search_locations)))
        found = [p for p in folder.glob("rjieba.*")
                 if any(p.name.endswith(x) for x in importlib.machinery.EXTENSION_SUFFIXES)]
        if not found:
            return None
        loader = importlib.machinery.ExtensionFileLoader("rjieba.rjieba", str(found[0]))
        module_spec = importlib.util.spec_from_file_location("rjieba.rjieba", found[0], loader=loader)
        module = importlib.util.module_from_spec(module_spec)
        loader.exec_module(module)
        sys.modules["rjieba.rjieba"] = module
    return module.Jieba


class _WordFile:
    """jieba's dictionary as sorted `word frequency` lines after a `#total N` line, searched in
    place (memory-mapped) so a query reads a few hundred bytes of it, not 4 MB."""

    def __init__(self, path: Path) -> None:
        import mmap

        with open(path, "rb") as f:
            self._mm = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        first = self._mm.find(b"\n") + 1
        self.total = int(self._mm[:first].split()[1])
        self._first = first

    def seek(self, key: bytes) -> tuple[int | None, bool]:
        """(frequency of `key` or None, whether some word starts with `key`)."""
        mm = self._mm
        lo, hi = self._first, len(mm)
        while lo < hi:  # the first line whose word is >= key
            mid = (lo + hi) // 2
            start = max(lo, mm.rfind(b"\n", 0, mid) + 1)
            if mm[start:mm.find(b" ", start)] < key:
                lo = mm.find(b"\n", start) + 1
            else:
                hi = start
        if lo >= len(mm):
            return None, False
        space = mm.find(b" ", lo)
        word = mm[lo:space]
        if word == key:
            return int(mm[space + 1:mm.find(b"\n", space)]), True
        return None, word.startswith(key)


@lru_cache(maxsize=1)
def _word_file() -> _WordFile:
    return _WordFile(JIEBA_WORDS)


def is_dictionary_word(word: str) -> bool:
    """Whether `word` is in jieba's dictionary (looked up in the shipped word list)."""
    return _word_file().seek(word.encode("utf-8"))[0] is not None


def _words_inside(text: str) -> list[tuple[str, int | None, str | None]]:
    """The entries to add to an empty jieba instance so it cuts `text` like the full one: the
    dictionary words inside `text` and inside each user word, the filler, then the user words
    in their order (a user word without a frequency is given one from the words inside it)."""
    users = _user_entries()
    found = dict(_dictionary_words_inside(tuple(w for w, _, _ in users)))
    found.update(_dictionary_words_inside((text,)))
    entries: list[tuple[str, int | None, str | None]] = [(w, f, None) for w, f in found.items()]
    entries.append((_FILLER, _word_file().total - sum(found.values()), None))
    return entries + list(users)


@lru_cache(maxsize=1)
def _user_entries() -> tuple[tuple[str, int | None, str | None], ...]:
    return tuple(_user_words())


@lru_cache(maxsize=64)
def _dictionary_words_inside(pieces: tuple[str, ...]) -> dict[str, int]:
    """word → frequency for every dictionary word inside the pieces (each start, extended
    while some dictionary word begins with what is taken)."""
    words = _word_file()
    found: dict[str, int] = {}
    for piece in pieces:
        for i in range(len(piece)):
            for j in range(i + 1, len(piece) + 1):
                freq, longer = words.seek(piece[i:j].encode("utf-8"))
                if freq is not None:
                    found[piece[i:j]] = freq
                if not longer:
                    break
    return found


def jieba_dictionary() -> tuple[dict[str, int], int]:
    """(word → frequency, frequency total) of jieba's dictionary (the one rjieba embeds), read
    from the installed jieba package."""
    import jieba

    freqs: dict[str, int] = {}
    total = 0
    with open(Path(jieba.__file__).parent / "dict.txt", encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if parts:
                freqs[parts[0]] = int(parts[1])  # a repeated word keeps its last frequency...
                total += int(parts[1])  # ...and counts in the total each time (as jieba does)
    return freqs, total


USER_DICT = Path(os.environ.get("WENSOU_USER_DICT") or paths.USER_DICT)


def _user_words() -> Iterator[tuple[str, int | None, str | None]]:
    """Domain terms from the user dictionary (jieba's format: word [freq [tag]]), folded."""
    try:
        lines = USER_DICT.read_text(encoding="utf-8").splitlines()
    except OSError:
        return
    for line in lines:
        parts = line.split("#", 1)[0].split()
        if not parts:
            continue
        freq = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
        tag = parts[2] if len(parts) > 2 else None
        yield fold(parts[0]), freq, tag


segmenter = _Segmenter()


class Word(NamedTuple):
    text: str
    pos: int
    start: int
    end: int


def _words(folded: str, cut=None) -> Iterator[tuple[str, int]]:
    """(word, start) for the jieba words of CJK text and the whole Latin words/numbers.

    The whole text goes to the segmenter in one call (a call per CJK run cost 8x more);
    whatever it returns that is not CJK is split into Latin units, punctuation dropped.
    """
    start = 0
    for piece in (cut or segmenter.cut)(folded):
        if _starts_cjk(piece):
            yield piece, start
        elif not piece.isspace():
            for m in _LATIN_RE.finditer(piece):
                yield m.group(), start + m.start()
        start += len(piece)


def word_tokens(text: str) -> list[Word]:
    """jieba words of the CJK runs and whole Latin words/numbers, with true positions."""
    return [Word(w, i, s, s + len(w)) for i, (w, s) in enumerate(_words(fold(text)))]


def word_counts(text: str, folded: str | None = None) -> dict[str, int]:
    """word → frequency for the ranking representation of `text` (the indexing fast path).

    The same words as `word_tokens`; each distinct piece the segmenter returns is looked at once.
    """
    pieces = Counter(segmenter.cut(fold(text) if folded is None else folded))
    pieces.pop("", None)
    counts: dict[str, int] = {}
    table, latin = _CJK_BMP, _LATIN_RE.findall
    for piece, n in pieces.items():  # `_starts_cjk` inlined: this loop runs for every word of every article
        c = ord(piece[0])
        if table[c] if c < 0x10000 else _starts_cjk(piece):
            counts[piece] = counts.get(piece, 0) + n
        elif not piece.isspace():
            for w in latin(piece):
                counts[w] = counts.get(w, 0) + n
    return counts


@lru_cache(maxsize=4096)
def query_words(text: str) -> tuple[str, ...]:
    """The words of a query, as `word_tokens` gives them (cut by `_Segmenter.cut_query`)."""
    return tuple(w for w, _ in _words(fold(text), segmenter.cut_query))
