"""Highlighting: where a query's clauses occur in a text, as HTML with `<mark>` around each match.

Matches are found with the same notion of a phrase as the index: the clause's units in order,
with only non-unit characters (whitespace, punctuation) between them, Latin words whole. The
pattern matches the original text directly: each folded character of the query stands for
every character that folds to it (发 → [发發]), so a Simplified query marks Traditional text
without folding whole articles. A phrase is marked whole; everything else is HTML-escaped.

Which clauses mark what is decided here too (`query_patterns`): `title:` clauses mark titles
only, `source:`/`author:` clauses and excluded clauses mark nothing.

`mark_article` marks one whole article (the article page, `show -q`): with the other strait's
wording of unquoted terms as the search finds them (`高质量发展` marks 高品質發展), through the
engine's linear-time matchers (`indexer.search.spans`).
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from html import escape

from indexer.analysis import FOLDS_ACROSS, FOLDS_INTO_GAP, FOLDS_INTO_WORD, Unit, fold, unfolded_class
from indexer.article import Article
from indexer.cjk import UNIT_BOUNDS, UNIT_RANGES
from indexer.search.query import ParsedQuery, parse_query
from indexer.search.spans import Matcher
from indexer.search.variants import expand

_LATIN = f"[^\\W_{UNIT_RANGES}]"
SNIPPET_CHARS = 160


def clause_pattern(seq: list[Unit]) -> str:
    """The units in order, only non-unit characters between them, Latin words whole.

    Word characters are either CJK or Latin (`indexer.analysis` units), so two Latin units are
    always apart by at least one non-word character, and a Latin unit next to a CJK one is
    whole on that side already: only the phrase's two ends need the (costly to compile) check
    that no Latin character touches them.
    """
    parts = []
    for i, u in enumerate(seq):
        if i:
            parts.append("[\\W_]+?" if not (u.cjk or seq[i - 1].cjk) else "[\\W_]*?")
        chars = "".join(unfolded_class(c) for c in u.text)
        if not u.cjk and i == 0:
            chars = f"(?<!{_LATIN})" + chars
        if not u.cjk and i == len(seq) - 1:
            chars += f"(?!{_LATIN})"
        parts.append(chars)
    return "".join(parts)


@lru_cache(maxsize=1)
def _odd() -> tuple[re.Pattern, re.Pattern]:
    """The characters a pattern would take for something else, so that a text holding one is
    marked by a Matcher (which reads the folded text and knows every unit) instead:
    - those whose being a gap or part of a unit changes when folded (Ⓐ → a, ⼀ → 一, ﾞ → ゙), or
      whose unit changes kind (ｶ → カ: a letter to `re`, a CJK unit once folded);
    - CJK units that are no word characters to `re` (the kana sound marks ゛ ゜, unassigned code
      points of the CJK blocks), which a pattern's gap `[\\W_]` would step over as punctuation;
    - every CJK unit beyond the BMP (rare: the extensions' characters).
    Such characters are rare in articles; a pattern that knew them would cost milliseconds more
    to compile for every query.

    As two patterns, (those in the BMP, those beyond it): a class holding characters beyond the
    BMP is matched by `re` some thirty times slower (1.2 ms on a body of 8,700 characters, for
    every hit of every search), and most texts hold none of them (`_is_odd`)."""
    odd = FOLDS_INTO_WORD + FOLDS_INTO_GAP + FOLDS_ACROSS + "".join(
        chr(cp) for lo, hi in UNIT_BOUNDS if hi <= 0xFFFF for cp in range(lo, hi + 1) if not chr(cp).isalnum())
    beyond = "".join(f"{chr(lo)}-{chr(hi)}" for lo, hi in UNIT_BOUNDS if lo > 0xFFFF)
    bmp = "".join(c for c in odd if c <= "\uffff")
    astral = "".join(c for c in odd if c > "\uffff")
    return re.compile(f"[{re.escape(bmp)}]"), re.compile(f"[{re.escape(astral)}{beyond}]")


def _is_odd(text: str) -> bool:
    """Whether `text` holds a character of `_odd`."""
    bmp, astral = _odd()
    if bmp.search(text) is not None:
        return True
    # a character beyond the BMP is two UTF-16 units (a cheap test, in C, for texts that hold none)
    return len(text.encode("utf-16-le", "surrogatepass")) != 2 * len(text) and astral.search(text) is not None


class Patterns:
    """A few phrases as one compiled pattern."""

    def __init__(self, sequences: list[list[Unit]]) -> None:
        self.sequences = sequences
        # the phrase of more units first: of two that begin together the longer is taken (ab生, not
        # ab, in ab生), as the matcher takes it
        longest = {}
        for seq in sequences:
            pat = clause_pattern(seq)
            longest[pat] = max(longest.get(pat, 0), len(seq))
        pats = sorted(longest, key=lambda p: (longest[p], len(p)), reverse=True)
        self.pattern = re.compile("|".join(pats))
        self._matcher: Matcher | None = None
        self._may_overlap = _may_overlap(sequences)

    def spans(self, text: str, limit: int | None = None) -> list[tuple[int, int]]:
        """Where the phrases occur in `text`, left to right, occurrences that overlap joined
        into one span (like `Matcher.spans`): 环境保护 is found inside 生态环境保护 after 生态环境.
        One scan in C from each match's end where no occurrence can begin inside another and
        reach past it (most queries); else, and for the characters a pattern would misread,
        the linear-time matcher (trying each position after a match's start could take the
        text's length times the match's: 哈哈 in a page of 哈)."""
        if self._may_overlap or _is_odd(text):
            if self._matcher is None:
                self._matcher = Matcher(self.sequences)
            return self._matcher.spans(text, limit)
        out: list[tuple[int, int]] = []
        for m in self.pattern.finditer(text):
            if m.end() > m.start():
                out.append(m.span())
                if limit is not None and len(out) >= limit:
                    break
        return out


def _may_overlap(sequences: list[list[Unit]]) -> bool:
    """Whether an occurrence of one phrase can begin inside another's and reach past its end: a
    proper end of one phrase's units is the start of another's (or its own: 哈哈 in 哈哈哈), which
    goes on after it."""
    texts = {tuple(u.text for u in s) for s in sequences if s}
    for a in texts:
        for b in texts:
            for k in range(1, len(a)):
                if len(b) > len(a) - k and a[k:] == b[:len(a) - k]:
                    return True
    return False


def compile_patterns(sequences: Iterable[list[Unit]]) -> Patterns | None:
    seqs = [s for s in sequences if s]
    return Patterns(seqs) if seqs else None


def match_spans(text: str, pattern: Patterns | Matcher | None, limit: int | None = None) -> list[tuple[int, int]]:
    """Where `pattern`'s phrases occur in `text` (every one, or the first `limit`), overlapping ones joined."""
    if pattern is None or not text:
        return []
    return pattern.spans(text, limit)


def mark(text: str, spans: list[tuple[int, int]], start: int = 0, end: int | None = None) -> str:
    """`text[start:end]` as HTML with the spans inside it wrapped in <mark>."""
    end = len(text) if end is None else end
    out, pos = [], start
    for s, e in spans:
        if e <= start or s >= end:
            continue
        s, e = max(s, start), min(e, end)
        out.append(escape(text[pos:s], quote=False))
        out.append("<mark>" + escape(text[s:e], quote=False) + "</mark>")
        pos = e
    out.append(escape(text[pos:end], quote=False))
    return "".join(out)


def highlight(text: str, pattern: Patterns | Matcher | None) -> str:
    """The whole text as HTML, every match marked."""
    return mark(text, match_spans(text, pattern))


def snippet(text: str, pattern: Patterns | Matcher | None, size: int = SNIPPET_CHARS) -> str:
    """A window of about `size` characters around the densest matches, as HTML."""
    text = text or ""
    spans = match_spans(text, pattern, limit=2000)
    if not spans:
        head = text[:size].strip()
        return escape(head, quote=False) + ("…" if len(text) > size else "")
    best = _densest(text, spans, size)
    first = spans[best][0]
    start = max(0, first - size // 4)
    # start after a sentence break when one is near, so the snippet reads well
    cut = max(text.rfind(ch, start, first) for ch in "。！？!?\n")
    if cut != -1 and first - cut < size // 2:
        start = cut + 1
    end = min(len(text), start + size)
    # never a match cut in two (`…the <mark>rel</mark>` of "release notes"): the window ends
    # before a later match it would cut, takes the whole of the one it is about (a quoted
    # sentence longer than the window), and starts at the start of one it would cut
    last = spans[best][1]
    end = max(last, next((s for s, e in spans if first < s < end < e), end))
    start = next((s for s, e in spans if s < start < e), start)
    body = mark(text, spans, start, end).strip()
    return ("…" if start > 0 else "") + body + ("…" if end < len(text) else "")


def _densest(text: str, spans: list[tuple[int, int]], size: int) -> int:
    """The index of the span that starts the window of `size` characters covering the most
    distinct matched strings (folded: 发展 and 發展 are one), then the most matches; the first
    such. One pass: each span enters and leaves the window once (a common word matches up to
    2,000 times in a long article, and counting each window anew was most of a snippet)."""
    kinds: dict[str, int] = {}  # a matched string as printed → its folded string's number
    numbers: dict[str, int] = {}
    ids = []
    for a, b in spans:
        s = text[a:b]
        k = kinds.get(s)
        if k is None:
            k = kinds[s] = numbers.setdefault(fold(s), len(numbers))
        ids.append(k)
    inside = [0] * len(numbers)  # matches of each string in the window spans[i:j]
    distinct = 0
    best, best_key = 0, (-1, -1)
    j, n = 0, len(spans)
    for i, (s, _) in enumerate(spans):
        j = max(j, i)  # a span longer than the window leaves it empty
        while j < n and spans[j][1] <= s + size:
            if not inside[ids[j]]:
                distinct += 1
            inside[ids[j]] += 1
            j += 1
        key = (distinct, j - i)
        if key > best_key:
            best, best_key = i, key
        if j > i:  # span i leaves the window
            inside[ids[i]] -= 1
            if not inside[ids[i]]:
                distinct -= 1
    return best


# ------------------------------------------------------------------------ what to mark


def query_patterns(parsed: ParsedQuery) -> tuple[Patterns | Matcher | None, Patterns | Matcher | None]:
    """Highlight patterns (title, body) for a parsed query: `title:` clauses mark titles only;
    fielded source/author clauses mark neither; excluded clauses mark nothing."""
    title = compile_patterns(c.units for c in parsed.positive if c.field in (None, "title"))
    body = compile_patterns(c.units for c in parsed.positive if c.field is None)
    return title, body


FEW_PHRASES = 8  # up to this many phrases, one regular expression of them is cheaper than a Matcher


def query_matchers(parsed) -> tuple:
    """(title, body) matchers of a parsed query (`indexer.search.query.ParsedQuery`): `title:` clauses
    mark titles only, `source:`/`author:` and excluded clauses nothing, a proximity clause each
    of its parts (as `query_patterns` decides for patterns). Up to
    FEW_PHRASES phrases, one compiled pattern of them (fast for a few; its cost grows with
    their number), else an `indexer.search.spans.Matcher` (linear in the text whatever their number).
    None where nothing is marked."""
    def matcher(seqs: list) -> object:
        distinct = list({tuple(u.text for u in s): s for s in seqs if s}.values())
        if not distinct:
            return None
        return compile_patterns(distinct) if len(distinct) <= FEW_PHRASES else Matcher(distinct)

    title = matcher([s for c in parsed.positive if c.field in (None, "title") for s in c.sequences])
    body = matcher([s for c in parsed.positive if c.field is None for s in c.sequences])
    return title, body


def article_matchers(query: str, *, variants: bool = True):
    """(title, body) matchers for marking a whole article: the query's phrases and, unless
    `variants` is off, the other strait's wording of its unquoted terms (as the search finds
    articles by them: 高质量发展 also marks 高品質發展), proximity clauses part by part."""
    parsed = parse_query(query)
    if variants:
        parsed, _ = expand(parsed)
    return query_matchers(parsed)


def mark_article(article: Article, query: str, *, variants: bool = True) -> tuple[str, str]:
    """(title_html, body_html) with the query's matches marked and everything else escaped;
    `variants` as in `article_matchers`."""
    title_pat, body_pat = article_matchers(query, variants=variants)
    return highlight(article.title, title_pat), highlight(article.body, body_pat)
