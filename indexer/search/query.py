"""The query language of the public contract ("Query syntax"): parsing, and which articles match.

The parser is written for Chinese input: full-width spaces, quotes (“…” 「…」 『…』 ＂…＂),
minus (－) and colon (：) are understood like their ASCII forms. It is a single left-to-right
scan, linear in the length of the query, and it never fails: unbalanced quotes and stray
operators are read as literal text (punctuation carries no units, so a clause of punctuation
alone constrains nothing and is dropped).

Proximity: `A NEAR/N B` finds both with at most N characters between them, in either order
(`NEAR` alone: `DEFAULT_NEAR`); `"A B"~N` finds the phrase's parts (its whitespace-separated
words) in order, with at most N characters between them in all. Characters are counted in the
unit stream, as phrases count them: punctuation and whitespace do not count, a Latin word or
number counts its letters. Only upper-case `NEAR` is the operator (`near/5` is two words); a
`NEAR` without operands on both sides is read literally; `A NEAR/5 B NEAR/5 C` is
(A NEAR/5 B) AND (B NEAR/5 C). A proximity clause is one `Clause` with `near` set
(`indexer.search.proximity` decides it).

A parsed query is a list of `Clause`s: AND between groups, OR inside a group, and excluded
clauses. `match_docnums` turns it into the sorted array of the articles that match (decided by
the exact layer, read through `indexer.search.postings`), with set algebra over NumPy arrays; no
Whoosh query is involved. `indexer.search.ranking` orders them.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from indexer.analysis import Unit, composed, fold, units
from indexer.search.postings import ExactPostings
from indexer.search.proximity import near_docnums
from indexer.segment.sortedsets import difference, intersect, union

FIELDS = {"title": ("title_x",), "source": ("source_x",), "author": ("author_x",)}
DEFAULT_FIELDS = ("title_x", "body_x")

_QUOTES = {'"': '"', "＂": "＂", "“": "”", "「": "」", "『": "』", "”": "”"}
_SPACE = " \t\r\n\f\v\u3000\u00a0"
_MINUS = "-－"
_FIELD_RE = re.compile(r"(title|source|author)[:：]", re.IGNORECASE)


DEFAULT_NEAR = 10  # characters between the parts of `A NEAR B` written without /N
MAX_NEAR = 100_000
_NEAR_RE = re.compile(r"NEAR(?:[/／]([0-9０-９]+))?")
_SLOP_RE = re.compile(r"[~～]([0-9０-９]*)(?=[\s\u3000]|$)")


def _number(digits: str | None) -> int:
    """The distance a `NEAR/N` or `~N` writes: DEFAULT_NEAR without one, at most MAX_NEAR
    however many digits (`NEAR/99999999` allows MAX_NEAR, not nothing)."""
    if not digits:
        return DEFAULT_NEAR
    digits = digits.translate({c: ord("0") + c - 0xFF10 for c in range(0xFF10, 0xFF1A)}).lstrip("0") or "0"
    return MAX_NEAR if len(digits) > len(str(MAX_NEAR)) else min(int(digits), MAX_NEAR)


@dataclass(frozen=True)
class Near:
    """A proximity clause's parts (query text each), the most characters allowed between them
    and whether they must come in order (`"A B"~N`) or may come in either (`A NEAR/N B`)."""

    parts: tuple[str, ...]
    distance: int
    ordered: bool
    # per part, whether it was written bare (`空气质量 NEAR/5 报告`: both): a bare operand is an
    # unquoted term, so the search adds the other strait's wording of it (`indexer.search.variants`)
    bare: tuple[bool, ...] = ()

    def syntax(self) -> str:
        """The clause written back as query syntax."""
        if self.ordered:
            return quoted(" ".join(self.parts)) + f"~{self.distance}"
        left, right = (term_syntax(p) if bare else quoted(p) for p, bare in zip(self.parts, self.bare or (True, True)))
        return f"{left} NEAR/{self.distance} {right}"


def term_syntax(text: str) -> str:
    """A term (a NEAR operand, a word of the advanced form) as query syntax: bare when it reads
    back as the same one word, else quoted."""
    bare = (text and not any(ch in _SPACE or ch in _QUOTES or ch in "”」』" for ch in text)
            and text[0] not in _MINUS and not _operator_text(text) and not _FIELD_RE.match(text))
    return text if bare else quoted(text)


def quoted(text: str) -> str:
    """`text` in the first pair of quotes it does not itself contain (as it is when it holds every kind)."""
    for left, right in (('"', '"'), ("「", "」"), ("“", "”"), ("『", "』")):
        if left not in text and right not in text:
            return left + text + right
    return text


@dataclass(frozen=True)
class Clause:
    text: str
    field: str | None = None  # "title", "source", "author" or None for title + body
    quoted: bool = False
    negated: bool = False
    near: Near | None = None  # a proximity clause: `text` is its parts, space-separated

    @property
    def units(self) -> list[Unit]:
        return units(fold(self.text))

    @property
    def sequences(self) -> list[list[Unit]]:
        """The unit sequences the clause looks for: its parts for a proximity clause, else its
        one phrase (what highlighting marks)."""
        if self.near is None:
            return [self.units]
        return [units(fold(p)) for p in self.near.parts]

    @property
    def syntax(self) -> str:
        """The clause as query syntax (without its field prefix and minus)."""
        if self.near is not None:
            return self.near.syntax()
        return quoted(self.text) if self.quoted or any(ch in _SPACE for ch in self.text) else self.text


@dataclass
class ParsedQuery:
    groups: list[list[Clause]] = field(default_factory=list)  # AND of ORs
    excluded: list[Clause] = field(default_factory=list)
    literal: list[str] = field(default_factory=list)  # operators written where they cannot apply: searched as text
    ignored: list[str] = field(default_factory=list)  # an OR by an excluded term or another OR: no term to join

    @property
    def positive(self) -> list[Clause]:
        return [c for g in self.groups for c in g]

    @property
    def is_empty(self) -> bool:
        return not self.groups and not self.excluded


def _scan(text: str) -> list[tuple[str, object]]:
    """Split into ('clause', Clause), ('or', None) and ('near', (distance, as written)) items."""
    items: list[tuple[str, object]] = []
    i, n = 0, len(text)
    while i < n:
        if text[i] in _SPACE:
            i += 1
            continue
        negated = False
        if text[i] in _MINUS and i + 1 < n and text[i + 1] not in _SPACE:
            negated = True
            i += 1
        fieldname = None
        m = _FIELD_RE.match(text, i)
        if m and m.end() < n and text[m.end()] not in _SPACE:
            fieldname = m.group(1).lower()
            i = m.end()
        if text[i] in _QUOTES:
            close = text.find(_QUOTES[text[i]], i + 1)
            if close != -1:
                phrase = text[i + 1:close]
                near = None
                slop = _SLOP_RE.match(text, close + 1)
                i = close + 1
                if slop:
                    i = slop.end()
                    parts = tuple(p for p in phrase.split() if units(fold(p)))
                    if len(parts) > 1:
                        near = Near(parts, _number(slop.group(1)), True)
                items.append(("clause", Clause(phrase, fieldname, True, negated, near)))
                continue
        j = i
        while j < n and text[j] not in _SPACE:
            j += 1
        word = text[i:j]
        near_op = _NEAR_RE.fullmatch(word) if not negated and fieldname is None else None
        if word == "OR" and not negated and fieldname is None:
            items.append(("or", None))
        elif near_op:
            items.append(("near", (_number(near_op.group(1)), word)))
        else:
            items.append(("clause", Clause(word, fieldname, False, negated)))
        i = j
    return items


def _near(left: Clause, right: Clause, distance: int) -> Clause | None:
    """`left NEAR/distance right` as one clause; None where the operator cannot apply (it is then
    read literally): an operand that is itself a proximity clause, has no units, is excluded on
    the right, or names another field than the other."""
    if left.near or right.near or right.negated or not left.units or not right.units:
        return None
    if left.field and right.field and left.field != right.field:
        return None
    return Clause(f"{left.text} {right.text}", left.field or right.field, True, left.negated,
                  Near((left.text, right.text), distance, False, (not left.quoted, not right.quoted)))


def _combine(items: list[tuple[str, object]]) -> list[tuple[str, object]]:
    """Turn `A NEAR/N B` runs of items into proximity clauses (a chain into one clause per
    neighbouring pair, ANDed); a NEAR that cannot apply becomes a literal word."""
    out: list[tuple[str, object]] = []
    i = 0
    while i < len(items):
        kind, value = items[i]
        if kind == "near":
            out.append(("clause", Clause(value[1])))  # no left operand: literal
            i += 1
            continue
        if kind != "clause":
            out.append((kind, value))
            i += 1
            continue
        left = value
        first = True
        while (i + 2 < len(items) and items[i + 1][0] == "near" and items[i + 2][0] == "clause"):
            right = items[i + 2][1]
            combined = _near(left, right, items[i + 1][1][0])
            if combined is None:
                break
            if not first:
                out.append(("and", None))
            out.append(("clause", combined))
            first = False
            left = right
            i += 2
        if first:
            out.append(("clause", left))
        i += 1
    return out


def parse_query(text: str) -> ParsedQuery:
    """Parse any string into a query; never raises.

    An OR joins the terms on either side of it, excluded terms between not counting
    (`A OR -B C` is (A OR C) and not B). A leading or trailing OR is a word (the contract's stray
    operator); one with no term to join on a side inside the query (`A OR -B`, `-B OR A`, the
    second of `A OR OR B`) is ignored. Both are named in the result's notice."""
    parsed = ParsedQuery()
    # composed as the articles' text is (`e` + U+0301 typed is é: `indexer.analysis.composed`)
    text = composed(text or "")
    # a clause of punctuation alone matches nothing and constrains nothing: dropped first, so an
    # OR reaches over it (`A OR ， B` is `A OR B`)
    items = [(kind, c) for kind, c in _combine(_scan(text)) if kind != "clause" or c.units]
    pending_or = placed = False  # an OR waits for its right term; a term has been placed
    for i, (kind, clause) in enumerate(items):
        if kind == "and":  # between the clauses of a NEAR chain: a new group
            pending_or = False
            continue
        if kind == "or":
            if 0 < i < len(items) - 1:
                if pending_or or not placed or not any(k == "clause" and not c.negated for k, c in items[i + 1:]):
                    parsed.ignored.append("OR")
                else:
                    pending_or = True
                continue
            clause = Clause("OR")  # leading or trailing: a word
        assert isinstance(clause, Clause)
        if operator_word(clause):
            parsed.literal.append(clause.text)  # (an operator with nothing to apply to: said in the result's notice)
        if clause.negated:
            parsed.excluded.append(clause)  # (an OR waiting goes on to the next term)
            continue
        if pending_or:
            parsed.groups[-1].append(clause)
        else:
            parsed.groups.append([clause])
        pending_or, placed = False, True
    return parsed


def operator_word(clause: Clause) -> bool:
    """Whether a clause is an operator read as text: `OR`, `NEAR/N` with nothing to apply to,
    a `NEAR/` or `~` whose distance is no whole number (`NEAR/x`, `NEAR/3.5`, `"A B"~3.5`), a
    field prefix with nothing after it (`title: 政府`)."""
    return not clause.quoted and not clause.field and _operator_text(clause.text)


def _operator_text(text: str) -> bool:
    """Whether a bare word is read as an operator, or as one mistyped: `OR`, `NEAR`, `NEAR/N`,
    `NEAR/x`, `~x`, `title:`."""
    return text == "OR" or bool(_NEAR_RE.fullmatch(text)) or operator_problem(text) is not None


_SLOP_LIKE = re.compile(r"[0-9０-９+\-－.．]|[A-Za-z]+$")  # after `~`: a distance mistyped
_WHOLE_THEN = re.compile(r"[0-9０-９]+(?P<fraction>[.．][0-9０-９])?")


def operator_problem(text: str) -> str | None:
    """What is wrong with a word that is an operator mistyped, or None for any other word:
    "near_space" / "slop_space" (a `NEAR/N` or `~N` run into the next word: `NEAR/3，B`),
    "near_number" / "slop_number" (a distance that is no whole number: `NEAR/x`, `NEAR/-1`,
    `NEAR/3.5`, `~x`), "field" (`title:` with a space after it)."""
    if text[:5] in ("NEAR/", "NEAR／") and not _NEAR_RE.fullmatch(text):
        kind, rest = "near", text[5:]
    elif text[:1] in "~～" and _SLOP_LIKE.match(text, 1) and not _SLOP_RE.fullmatch(text):
        kind, rest = "slop", text[1:]  # (`~美丽中国` is a word with a tilde, not a distance)
    elif _FIELD_RE.fullmatch(text):
        return "field"
    else:
        return None
    whole = _WHOLE_THEN.match(rest)
    return f"{kind}_space" if whole and not whole.group("fraction") else f"{kind}_number"


# ------------------------------------------------------------------------------ matching


def field_docnums(exact: ExactPostings, fieldname: str, seq: list[Unit],
                  within: np.ndarray | None = None) -> np.ndarray:
    """Sorted docnums of the articles whose `fieldname` holds the units of `seq` consecutively
    (docs/interfaces.md "Query language"); only those among `within` (sorted) when given."""
    return exact.phrase(fieldname, seq, within)


def clause_docnums(exact: ExactPostings, clause: Clause,
                   check: Callable[[], None] | None = None) -> np.ndarray:
    """Sorted docnums of the articles matching one clause: its phrase (or, for a proximity
    clause, its parts near each other) in any of its fields."""
    fields = FIELDS.get(clause.field or "", DEFAULT_FIELDS)
    if clause.near is not None:
        seqs, near = clause.sequences, clause.near
        found = near_docnums(exact, fields[0], seqs, near.distance, near.ordered, check)
        for f in fields[1:]:
            found = union(found, near_docnums(exact, f, seqs, near.distance, near.ordered, check))
        return found
    seq = clause.units
    found = field_docnums(exact, fields[0], seq)
    for f in fields[1:]:
        found = union(found, field_docnums(exact, f, seq))
    return found


def clause_key(clause: Clause) -> tuple:
    key = (clause.field, tuple(u.text for u in clause.units))
    if clause.near is not None:
        key += (tuple(tuple(u.text for u in s) for s in clause.sequences), clause.near.distance,
                clause.near.ordered)
    return key


def match_docnums(parsed: ParsedQuery, exact: ExactPostings,
                  cache: dict[tuple, np.ndarray] | None = None,
                  check: Callable[[], None] | None = None) -> np.ndarray | None:
    """Sorted docnums of every article the query matches; None when it constrains nothing.

    Each distinct clause is evaluated once (and not again by a later call given the same
    `cache`: a query and its variant-expanded form share their clauses); AND, OR and exclusion
    are operations on sorted arrays, the smallest group first. (Whoosh builds a matcher tree
    as deep as the number of clauses, which a long query — hundreds of repeated words — turned
    into a RecursionError.) `check`, when given, is called before each clause is looked up
    (the search's deadline: it raises to stop).
    """
    cache = {} if cache is None else cache

    def docs(clause: Clause) -> np.ndarray:
        key = clause_key(clause)
        found = cache.get(key)
        if found is None:
            if check is not None:
                check()
            found = cache[key] = clause_docnums(exact, clause, check)
        return found

    def any_of(clauses: list[Clause]) -> np.ndarray:
        found = docs(clauses[0])
        for clause in clauses[1:]:
            found = union(found, docs(clause))
        return found

    groups: dict[frozenset, list[Clause]] = {}
    for g in parsed.groups:
        members = {clause_key(c): c for c in g}
        groups[frozenset(members)] = list(members.values())
    unions = sorted((any_of(group) for group in groups.values()), key=len)
    result: np.ndarray | None = None
    for found in unions:
        result = found if result is None else intersect(result, found)
        if not len(result):
            return result
    if parsed.excluded:
        excluded = any_of(list({clause_key(c): c for c in parsed.excluded}.values()))
        if result is None:
            result = exact.all_docs()
        result = difference(result, excluded)
    return result
