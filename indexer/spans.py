"""Where a query's phrases occur in a text: spans in the original text, found in time linear in
the text for each phrase (no regular-expression alternation, whose cost grows with the number
of phrases at every character: 330 phrases over a page of 1,000 snippets took 12 s).

The text is folded (`indexer.analysis.fold`: same length, so offsets are true offsets into the
original) and *projected*: every run of non-unit characters (whitespace, punctuation) removed,
except that a run between two Latin characters becomes one space, so Latin words stay apart. A
phrase matches where its units, written the same way, occur in the projection with no Latin
character touching either end — the contract's phrase (docs/interfaces.md "Query syntax").

`Matcher` is what the engine gives `indexer.highlight` in place of a compiled pattern (it has
the `finditer` that highlighting calls); `Projection` also serves the concordance and the
proximity of parts in a text (`indexer.concordance`).
"""
from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache

from indexer.analysis import _CJK_RANGES, Unit, fold


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern, re.Pattern]:
    """(runs of non-unit characters, one CJK character): compiled on first use."""
    return re.compile(f"(?:[^\\w{_CJK_RANGES}]|_)+"), re.compile(f"[{_CJK_RANGES}]")


def phrase_text(seq: Sequence[Unit]) -> str:
    """A unit sequence as the projection writes it."""
    out = []
    for i, u in enumerate(seq):
        if i and not u.cjk and not seq[i - 1].cjk:
            out.append(" ")
        out.append(u.text)
    return "".join(out)


class Projection:
    """A text's units as one string (see the module's docstring), mapped back to the text."""

    __slots__ = ("text", "_proj_at", "_orig_at", "_spaces")

    def __init__(self, original: str) -> None:
        folded = fold(original)
        non_unit, cjk = _patterns()
        pieces: list[str] = []
        proj_at: list[int] = []  # where each kept piece starts in the projection...
        orig_at: list[int] = []  # ...and in the original text
        spaces: list[int] = []  # projection positions of the spaces put between Latin words
        pos = length = 0
        n = len(folded)
        for m in non_unit.finditer(folded):
            s, e = m.span()
            if s > pos:
                pieces.append(folded[pos:s])
                proj_at.append(length)
                orig_at.append(pos)
                length += s - pos
            if 0 < s and e < n and not cjk.match(folded, s - 1) and not cjk.match(folded, e):
                pieces.append(" ")
                proj_at.append(length)
                orig_at.append(s)
                spaces.append(length)
                length += 1
            pos = e
        if pos < n:
            pieces.append(folded[pos:])
            proj_at.append(length)
            orig_at.append(pos)
        self.text = "".join(pieces)
        self._proj_at, self._orig_at, self._spaces = proj_at, orig_at, spaces

    def original(self, p: int) -> int:
        """The original offset of the projection's character `p` (a unit character)."""
        k = bisect.bisect_right(self._proj_at, p) - 1
        return self._orig_at[k] + p - self._proj_at[k]

    def counted(self, p: int) -> int:
        """`p` in counted characters: the spaces put between Latin words don't count."""
        return p - bisect.bisect_left(self._spaces, p)

    def find(self, seq: Sequence[Unit], limit: int | None = None) -> list[int]:
        """Projection starts of every occurrence (overlapping ones too) of the phrase `seq`."""
        needle = phrase_text(seq)
        if not needle:
            return []
        text = self.text
        check_start, check_end = not seq[0].cjk, not seq[-1].cjk
        _, cjk = _patterns()
        found: list[int] = []
        p = text.find(needle)
        while p != -1:
            e = p + len(needle)
            if (not check_start or p == 0 or text[p - 1] == " " or cjk.match(text, p - 1)) and \
                    (not check_end or e == len(text) or text[e] == " " or cjk.match(text, e)):
                found.append(p)
                if limit is not None and len(found) >= limit:
                    break
            p = text.find(needle, p + 1)
        return found

    def span(self, p: int, seq: Sequence[Unit]) -> tuple[int, int]:
        """The original (start, end) of the occurrence of `seq` at projection position `p`."""
        return self.original(p), self.original(p + len(phrase_text(seq)) - 1) + 1


class _Match:
    __slots__ = ("_span",)

    def __init__(self, span: tuple[int, int]) -> None:
        self._span = span

    def start(self) -> int:
        return self._span[0]

    def end(self) -> int:
        return self._span[1]

    def span(self) -> tuple[int, int]:
        return self._span


class Matcher:
    """The occurrences of several phrases in a text, as non-overlapping spans from left to
    right (the longest where two begin together), like a compiled alternation of them."""

    def __init__(self, sequences: Iterable[Sequence[Unit]]) -> None:
        unique = {tuple(u.text for u in s): list(s) for s in sequences if s}
        self.sequences = list(unique.values())

    def __bool__(self) -> bool:
        return bool(self.sequences)

    def spans(self, text: str, limit: int = 10_000) -> list[tuple[int, int]]:
        if not text or not self.sequences:
            return []
        proj = Projection(text)
        found = []
        for seq in self.sequences:
            n = len(phrase_text(seq))
            found += [(p, p + n) for p in proj.find(seq, limit=4 * limit)]
        found.sort(key=lambda s: (s[0], -s[1]))
        out: list[tuple[int, int]] = []
        end = -1
        for s, e in found:
            if s >= end:
                out.append((proj.original(s), proj.original(e - 1) + 1))
                end = e
                if len(out) >= limit:
                    break
        return out

    def finditer(self, text: str) -> Iterator[_Match]:
        """The spans as match objects (`start()`, `end()`): what `indexer.highlight` reads."""
        return (_Match(s) for s in self.spans(text))


def query_matchers(parsed) -> tuple[Matcher | None, Matcher | None]:
    """(title, body) matchers of a parsed query (`indexer.query.ParsedQuery`): `title:` clauses
    mark titles only, `source:`/`author:` and excluded clauses nothing, a proximity clause each
    of its parts (as `indexer.highlight.query_patterns` decides for patterns)."""
    title = Matcher(s for c in parsed.positive if c.field in (None, "title") for s in c.sequences)
    body = Matcher(s for c in parsed.positive if c.field is None for s in c.sequences)
    return (title or None), (body or None)
