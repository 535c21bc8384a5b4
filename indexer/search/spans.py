"""Where a query's phrases occur in a text: spans in the original text, found in time linear in
the text (no regular-expression alternation, whose cost grows with the number of phrases at
every character: 330 phrases over a page of 1,000 snippets took 12 s).

The text is folded (`indexer.analysis.fold`: same length, so offsets are true offsets into the
original) and *projected*: every run of non-unit characters (whitespace, punctuation) removed,
except that a run between two Latin characters becomes one space, so Latin words stay apart. A
phrase matches where its units, written the same way, occur in the projection with no Latin
character touching either end — the contract's phrase (docs/interfaces.md "Query syntax"). The
projection is computed with NumPy over the text's code points (a table classifies each one as
CJK, Latin or neither, as `indexer.analysis` does); phrases are found all at once per length,
by hashing every window of the projection and looking the hashes up among the phrases'.

`Matcher` is what the engine gives `indexer.search.highlight` in place of a compiled pattern (it has
the `finditer` that highlighting calls); `Projection` also serves the concordance and the
proximity of parts in a text (`indexer.search.concordance`).
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache

import numpy as np

from indexer.analysis import FOLD_TABLE, Unit, fold
from indexer.cjk import UNIT_BOUNDS

_NONE, _CJK_CLASS, _LATIN_CLASS = 0, 1, 2
_CJK_BEYOND_BMP = next(b for b in UNIT_BOUNDS if b[0] > 0xFFFF)  # the CJK extensions beyond the BMP
_HASH_BASE = np.uint64(0x100000001B3)


@lru_cache(maxsize=1)
def _class_table() -> np.ndarray:
    """For every code point of the Basic Multilingual Plane: CJK unit, Latin unit character
    (a word character: `str.isalnum`, as the regular expressions' \\w less `_`) or neither."""
    table = np.fromiter((c.isalnum() for c in map(chr, range(0x10000))), dtype=bool, count=0x10000)
    table = table.astype(np.uint8) * _LATIN_CLASS
    for lo, hi in UNIT_BOUNDS:
        if lo <= 0xFFFF:
            table[lo:min(hi, 0xFFFF) + 1] = _CJK_CLASS
    return table


def _classes(cps: np.ndarray) -> np.ndarray:
    cls = _class_table()[np.minimum(cps, 0xFFFF)]
    for i in np.flatnonzero(cps > 0xFFFF).tolist():
        cp = int(cps[i])
        cls[i] = (_CJK_CLASS if _CJK_BEYOND_BMP[0] <= cp <= _CJK_BEYOND_BMP[1]
                  else _LATIN_CLASS if chr(cp).isalnum() else _NONE)
    return cls


@lru_cache(maxsize=1)
def _fold_table() -> np.ndarray:
    """`fold` of every code point of the Basic Multilingual Plane, one character each (fold keeps
    lengths): the table's mappings, then lower case where it is one character."""
    table = np.arange(0x10000, dtype=np.uint32)
    for cp in range(0x10000):
        c = chr(cp)
        low = c.lower()
        if low != c and len(low) == 1:
            table[cp] = ord(low)
    for cp in FOLD_TABLE:
        if cp <= 0xFFFF:
            table[cp] = ord(fold(chr(cp)))
    return table


_FINAL_SIGMA = 0x3A3  # Σ lower-cases by its context (σ or ς): such texts are folded whole


_TABLE_AFTER = 200_000  # characters folded by `fold` before the table (~25 ms to build) pays
_folded_chars = 0


def folded_code_points(text: str) -> np.ndarray:
    """The code points of `fold(text)`: through a table once a process has folded enough text
    (`fold` itself costs ~0.2 µs a character; a command-line search folds little)."""
    global _folded_chars
    cps = _code_points(text)
    if _folded_chars < _TABLE_AFTER or (len(cps) and (cps == _FINAL_SIGMA).any()):
        _folded_chars += len(text)
        return _code_points(fold(text))
    out = _fold_table()[np.minimum(cps, 0xFFFF)]
    for i in np.flatnonzero(cps > 0xFFFF).tolist():
        out[i] = ord(fold(chr(int(cps[i]))))
    return out


def _code_points(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def phrase_text(seq: Sequence[Unit]) -> str:
    """A unit sequence as the projection writes it."""
    out = []
    for i, u in enumerate(seq):
        if i and not u.cjk and not seq[i - 1].cjk:
            out.append(" ")
        out.append(u.text)
    return "".join(out)


def _window_hashes(cps: np.ndarray, length: int) -> np.ndarray:
    """A polynomial hash of every `length` consecutive code points of `cps`."""
    n = len(cps) - length + 1
    h = np.zeros(n, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(length):
            h *= _HASH_BASE
            h += cps[j:j + n].astype(np.uint64)
    return h


_MASK = (1 << 64) - 1


class Needles:
    """Phrases (as `phrase_text` writes them) grouped by length, with the hash
    `_window_hashes` gives each: computed once for a query, looked for in every text."""

    def __init__(self, needles: Iterable[str]) -> None:
        groups: dict[int, set[str]] = {}
        for needle in needles:
            if needle:
                groups.setdefault(len(needle), set()).add(needle)
        self.by_length: dict[int, tuple[np.ndarray, set[str]]] = {}
        base = int(_HASH_BASE)
        for length, group in groups.items():
            hashes = set()
            for needle in group:
                h = 0
                for ch in needle:
                    h = (h * base + ord(ch)) & _MASK
                hashes.add(h)
            self.by_length[length] = (np.array(sorted(hashes), dtype=np.uint64), group)


class Projection:
    """A text's units as one string (see the module's docstring), mapped back to the text."""

    __slots__ = ("text", "_cps", "_cls", "_orig", "_seps")

    def __init__(self, original: str) -> None:
        cps = folded_code_points(original)
        cls = _classes(cps)
        unit = cls != _NONE
        # runs of non-unit characters: those between two Latin characters become one space
        starts = np.flatnonzero(~unit & np.concatenate(([True], unit[:-1])))
        units_at = np.flatnonzero(unit)
        nxt = np.searchsorted(units_at, starts)
        inside = (starts > 0) & (nxt < len(units_at))
        starts, nxt = starts[inside], nxt[inside]
        sep = starts[(cls[starts - 1] == _LATIN_CLASS) & (cls[units_at[nxt]] == _LATIN_CLASS)]
        keep = unit.copy()
        keep[sep] = True
        out = cps.copy()
        out[sep] = ord(" ")
        out_cls = cls.copy()
        out_cls[sep] = _NONE
        self._orig = np.flatnonzero(keep)  # projection position → original position
        self._cps = out[keep]
        self._cls = out_cls[keep]
        self._seps = np.searchsorted(self._orig, sep)  # projection positions of the spaces put in
        self.text = self._cps.tobytes().decode("utf-32-le", "surrogatepass")

    def original(self, p: int) -> int:
        """The original offset of the projection's character `p` (a unit character)."""
        return int(self._orig[p])

    def counted(self, p: int) -> int:
        """`p` in counted characters: the spaces put between Latin words don't count."""
        return p - int(np.searchsorted(self._seps, p))

    def _whole(self, at: np.ndarray, length: int) -> np.ndarray:
        """Of the occurrences starting at `at`, `length` long, those no Latin character
        touches: a Latin unit is matched whole."""
        cls, n = self._cls, len(self._cls)
        if not len(at):
            return at
        first_latin = cls[at] == _LATIN_CLASS
        before = np.where(at > 0, cls[np.maximum(at - 1, 0)], _NONE)
        last = at + length - 1
        last_latin = cls[last] == _LATIN_CLASS
        after = np.where(last + 1 < n, cls[np.minimum(last + 1, n - 1)], _NONE)
        return at[~(first_latin & (before == _LATIN_CLASS)) & ~(last_latin & (after == _LATIN_CLASS))]

    def find_all(self, needles: Needles | Iterable[str]) -> list[tuple[int, int]]:
        """(start, length) in the projection of every occurrence (overlapping ones too) of each
        of `needles` (phrases as `phrase_text` writes them), by start."""
        if not isinstance(needles, Needles):
            needles = Needles(needles)
        found: list[tuple[int, int]] = []
        cps, text = self._cps, self.text
        for length, (hashes, group) in needles.by_length.items():
            if length > len(cps):
                continue
            windows = _window_hashes(cps, length)
            idx = np.minimum(np.searchsorted(hashes, windows), len(hashes) - 1)
            at = np.flatnonzero(hashes[idx] == windows)
            at = self._whole(at, length)
            found += [(p, length) for p in at.tolist() if text[p:p + length] in group]
        found.sort()
        return found

    def find(self, seq: Sequence[Unit], limit: int | None = None) -> list[int]:
        """Projection starts of every occurrence (overlapping ones too) of the phrase `seq`."""
        starts = [p for p, _ in self.find_all([phrase_text(seq)])]
        return starts[:limit] if limit is not None else starts

    def span(self, p: int, seq: Sequence[Unit]) -> tuple[int, int]:
        """The original (start, end) of the occurrence of `seq` at projection position `p`."""
        return self.original(p), self.original(p + len(phrase_text(seq)) - 1) + 1


class Matcher:
    """The occurrences of several phrases in a text, as spans from left to right, occurrences
    that overlap joined into one (生态环境 and 环境保护 in 生态环境保护: the six characters)."""

    def __init__(self, sequences: Iterable[Sequence[Unit]]) -> None:
        unique = {tuple(u.text for u in s): list(s) for s in sequences if s}
        self.sequences = list(unique.values())
        self._needles = Needles(phrase_text(s) for s in self.sequences)

    def __bool__(self) -> bool:
        return bool(self.sequences)

    def spans(self, text: str, limit: int | None = None) -> list[tuple[int, int]]:
        """Where the phrases occur in `text`, overlapping occurrences joined (the first `limit`
        spans when given: a snippet needs a few, an article page every one)."""
        if not text or not self.sequences:
            return []
        proj = Projection(text)
        out: list[tuple[int, int]] = []
        end = -1
        for p, length in sorted(proj.find_all(self._needles), key=lambda o: (o[0], -o[1])):
            if p < end:  # overlaps the last span: joined to it
                if p + length > end:
                    end = p + length
                    out[-1] = (out[-1][0], end)
                continue
            if limit is not None and len(out) >= limit:
                break
            out.append((p, p + length))
            end = p + length
        if not out:
            return out
        bounds = np.array(out, dtype=np.int64)
        starts = proj._orig[bounds[:, 0]]
        ends = proj._orig[bounds[:, 1] - 1] + 1
        return list(zip(starts.tolist(), ends.tolist()))
