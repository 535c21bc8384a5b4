"""The query language of the public contract ("Query syntax"): parsing, and which articles match.

The parser is written for Chinese input: full-width spaces, quotes (“…” 「…」 『…』 ＂…＂),
minus (－) and colon (：) are understood like their ASCII forms. It is a single left-to-right
scan, linear in the length of the query, and it never fails: unbalanced quotes and stray
operators are read as literal text (punctuation carries no units, so a clause of punctuation
alone constrains nothing and is dropped).

A parsed query is a list of `Clause`s: AND between groups, OR inside a group, and excluded
clauses. `match_docnums` turns it into the sorted array of the articles that match (decided by
the exact layer, read through `indexer.postings`), with set algebra over NumPy arrays; no
Whoosh query is involved. `indexer.ranking` orders them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from indexer.analysis import Unit, fold, units
from indexer.exact import difference, intersect, union
from indexer.postings import ExactPostings

FIELDS = {"title": ("title_x",), "source": ("source_x",), "author": ("author_x",)}
DEFAULT_FIELDS = ("title_x", "body_x")

_QUOTES = {'"': '"', "＂": "＂", "“": "”", "「": "」", "『": "』", "”": "”"}
_SPACE = " \t\r\n\f\v\u3000\u00a0"
_MINUS = "-－"
_FIELD_RE = re.compile(r"(title|source|author)[:：]", re.IGNORECASE)


@dataclass(frozen=True)
class Clause:
    text: str
    field: str | None = None  # "title", "source", "author" or None for title + body
    quoted: bool = False
    negated: bool = False

    @property
    def units(self) -> list[Unit]:
        return units(fold(self.text))


@dataclass
class ParsedQuery:
    groups: list[list[Clause]] = field(default_factory=list)  # AND of ORs
    excluded: list[Clause] = field(default_factory=list)

    @property
    def positive(self) -> list[Clause]:
        return [c for g in self.groups for c in g]

    @property
    def is_empty(self) -> bool:
        return not self.groups and not self.excluded


def _scan(text: str) -> list[tuple[str, Clause | None]]:
    """Split into ('clause', Clause) and ('or', None) items."""
    items: list[tuple[str, Clause | None]] = []
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
                items.append(("clause", Clause(text[i + 1:close], fieldname, True, negated)))
                i = close + 1
                continue
        j = i
        while j < n and text[j] not in _SPACE:
            j += 1
        word = text[i:j]
        if word == "OR" and not negated and fieldname is None:
            items.append(("or", None))
        else:
            items.append(("clause", Clause(word, fieldname, False, negated)))
        i = j
    return items


def parse_query(text: str) -> ParsedQuery:
    """Parse any string into a query; never raises."""
    parsed = ParsedQuery()
    pending_or = False
    for kind, clause in _scan(text or ""):
        if kind == "or":
            pending_or = bool(parsed.groups)  # a leading OR is read literally below
            if not pending_or:
                clause = Clause("OR")
            else:
                continue
        assert clause is not None
        if not clause.units:
            continue  # punctuation only: matches nothing, constrains nothing
        if clause.negated:
            parsed.excluded.append(clause)
        elif pending_or:
            parsed.groups[-1].append(clause)
        else:
            parsed.groups.append([clause])
        pending_or = False
    if pending_or and parsed.groups:  # a trailing OR: read literally
        parsed.groups.append([Clause("OR")])
    return parsed


# ------------------------------------------------------------------------------ matching


def field_docnums(exact: ExactPostings, fieldname: str, seq: list[Unit],
                  within: np.ndarray | None = None) -> np.ndarray:
    """Sorted docnums of the articles whose `fieldname` holds the units of `seq` consecutively
    (docs/interfaces.md "Query language"); only those among `within` (sorted) when given."""
    return exact.phrase(fieldname, seq, within)


def clause_docnums(exact: ExactPostings, clause: Clause) -> np.ndarray:
    """Sorted docnums of the articles matching one clause: its phrase in any of its fields."""
    fields = FIELDS.get(clause.field or "", DEFAULT_FIELDS)
    seq = clause.units
    found = field_docnums(exact, fields[0], seq)
    for f in fields[1:]:
        found = union(found, field_docnums(exact, f, seq))
    return found


def clause_key(clause: Clause) -> tuple:
    return (clause.field, tuple(u.text for u in clause.units))


def match_docnums(parsed: ParsedQuery, exact: ExactPostings,
                  cache: dict[tuple, np.ndarray] | None = None) -> np.ndarray | None:
    """Sorted docnums of every article the query matches; None when it constrains nothing.

    Each distinct clause is evaluated once (and not again by a later call given the same
    `cache`: a query and its variant-expanded form share their clauses); AND, OR and exclusion
    are operations on sorted arrays, the smallest group first. (Whoosh builds a matcher tree
    as deep as the number of clauses, which a long query — hundreds of repeated words — turned
    into a RecursionError.)
    """
    cache = {} if cache is None else cache

    def docs(clause: Clause) -> np.ndarray:
        key = clause_key(clause)
        found = cache.get(key)
        if found is None:
            found = cache[key] = clause_docnums(exact, clause)
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
