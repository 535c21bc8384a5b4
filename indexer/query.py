"""The query language of CONTRACT.md "Query syntax": parsing and translation to Whoosh queries.

The parser is written for Chinese input: full-width spaces, quotes (“…” 「…」 『…』 ＂…＂),
minus (－) and colon (：) are understood like their ASCII forms. It is a single left-to-right
scan, linear in the length of the query, and it never fails: unbalanced quotes and stray
operators are read as literal text (punctuation carries no units, so a clause of punctuation
alone constrains nothing and is dropped).

A parsed query is a list of `Clause`s: AND between groups, OR inside a group, and excluded
clauses. `match_docnums` turns it into the set of articles that match (decided by the exact
representation), `build_rank_query` into the Whoosh query that ranks them (jieba words, and the
whole query as one phrase for articles where its parts stand together).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from whoosh import query as Q

from indexer.analysis import Unit, fold, position_terms, query_words, units

FIELDS = {"title": ("title_x",), "source": ("source_x",), "author": ("author_x",)}
DEFAULT_FIELDS = ("title_x", "body_x")
WORD_FIELDS = ("title", "body")
MAX_PREFIX_EXPANSION = 5000
TITLE_PHRASE_SCORE = 10.0
MAX_RANK_WORDS = 32  # ranking only: more words add time, not better order

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


# ------------------------------------------------------------------------- Whoosh queries


def phrase_query(fieldname: str, seq: list[Unit], reader) -> Q.Query:
    """Articles whose `fieldname` holds the units of `seq` consecutively (CONTRACT phrase)."""
    terms = [t.text for t in position_terms(seq)]
    last = seq[-1]
    if last.cjk and len(seq) > 1:
        if seq[-2].cjk:
            terms.pop()  # the last character is already inside the preceding bigram
        return _phrase(fieldname, terms)  # after a Latin unit it is indexed as itself too
    if not last.cjk:
        return _phrase(fieldname, terms)
    # A single CJK character: in an article it may be followed by another one (indexed as a
    # bigram starting with it) or not (indexed alone).
    expansions = [last.text] + [w for w in reader.expand_prefix(fieldname, last.text)
                                if w != last.text][:MAX_PREFIX_EXPANSION]
    return Q.Or([Q.Term(fieldname, w) for w in expansions])


def _phrase(fieldname: str, terms: list[str]) -> Q.Query:
    if len(terms) == 1:
        return Q.Term(fieldname, terms[0])
    return Q.Phrase(fieldname, terms)


def clause_query(clause: Clause, reader) -> Q.Query:
    """The Whoosh query for one clause: its phrase in each of its fields."""
    seq = clause.units
    fields = FIELDS.get(clause.field or "", DEFAULT_FIELDS)
    parts = [phrase_query(f, seq, reader) for f in fields]
    return parts[0] if len(parts) == 1 else Q.Or(parts)


def _clause_key(clause: Clause) -> tuple:
    return (clause.field, tuple(u.text for u in clause.units))


def match_docnums(parsed: ParsedQuery, searcher) -> set[int] | None:
    """The docnums of every article the query matches; None when it constrains nothing.

    Each distinct clause is evaluated once by Whoosh; AND, OR and exclusion are set algebra.
    (Whoosh builds a matcher tree as deep as the number of clauses, which a long query —
    hundreds of repeated words — turned into a RecursionError or minutes of work.)
    """
    reader = searcher.reader()
    cache: dict[tuple, set[int]] = {}

    def docs(clause: Clause) -> set[int]:
        key = _clause_key(clause)
        found = cache.get(key)
        if found is None:
            found = cache[key] = set(searcher.docs_for_query(clause_query(clause, reader)))
        return found

    result: set[int] | None = None
    groups: dict[frozenset, list[Clause]] = {}
    for g in parsed.groups:
        members = {_clause_key(c): c for c in g}
        groups[frozenset(members)] = list(members.values())
    for group in sorted(groups.values(), key=len):
        union: set[int] = set()
        for clause in group:
            union |= docs(clause)
        result = union if result is None else result & union
        if not result:
            return set()
    if parsed.excluded:
        excluded: set[int] = set()
        for clause in {_clause_key(c): c for c in parsed.excluded}.values():
            excluded |= docs(clause)
        if result is None:
            result = set(reader.all_doc_ids())
        result -= excluded
    return result


def build_rank_query(parsed: ParsedQuery, reader) -> Q.Query | None:
    """Scoring only: jieba words in title/body, and the positive clauses as one phrase."""
    words: list[str] = []
    for clause in parsed.positive:
        if clause.field in (None, "title"):
            words.extend(query_words(clause.text))
    words = list(dict.fromkeys(words))[:MAX_RANK_WORDS]
    parts: list[Q.Query] = [Q.Term(f, w) for w in words for f in WORD_FIELDS]
    # A clause standing in the title counts even where jieba cut the title differently.
    title_clauses = {_clause_key(c): c for c in parsed.positive if c.field in (None, "title")}
    for clause in list(title_clauses.values())[:MAX_RANK_WORDS]:
        parts.append(Q.ConstantScoreQuery(phrase_query("title_x", clause.units, reader), score=TITLE_PHRASE_SCORE))
    together = [u for c in parsed.positive if c.field is None for u in c.units]
    if len(parsed.positive) > 1 and 1 < len(together) <= MAX_RANK_WORDS:
        for f in DEFAULT_FIELDS:
            parts.append(Q.ConstantScoreQuery(phrase_query(f, together, reader), score=2.0))
    if not parts:
        return None
    return Q.Or(parts)
