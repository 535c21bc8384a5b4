"""Queries to suggest when a search finds nothing or little: never an empty page without a way on.

`suggestions(parsed, count)` proposes, in this order, queries that are checked to find
something (through the `count(query_string) -> int` callback, which the engine answers with
its exact total):

- "variant": each clause in the other side of the strait's wording (a quoted phrase is never
  expanded by the search itself, so here is where its variant is offered: 也可搜索「高品質發展」);
- "drop_term": the query without its rarest positive clause (the one that finds fewest
  articles on its own), when it has more than one;
- "unquoted": the query with its phrases unquoted (their words may then stand apart).

Each suggestion is a dict {"query", "total", "kind"}, the contract's Suggestion; only those
finding more than the query itself (and at least one article) are returned, best first within
a kind, at most `limit`.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from indexer.search.query import Clause, ParsedQuery
from indexer.search.variants import variants

FEW = 3  # a search with fewer results than this gets suggestions
MAX_CLAUSES = 8  # a longer query gets only its first distinct clauses tried (each is a count)


def clause_text(clause: Clause, text: str | None = None, unquote: bool = False) -> str:
    """A clause written back as query syntax (its text replaced by `text` when given; a phrase
    written without its quotes with `unquote`, so its words become separate terms)."""
    near = getattr(clause, "near", None)  # a proximity clause (A NEAR/5 B) keeps its operator
    body = clause.text if text is None else text
    if near is not None and not unquote:
        body = near.syntax() if text is None else text  # (a replacement written as syntax already)
    elif not unquote and (clause.quoted or any(ch.isspace() for ch in body)):
        body = f'"{body}"'
    prefix = ("-" if clause.negated else "") + (f"{clause.field}:" if clause.field else "")
    return prefix + body


def query_text(parsed: ParsedQuery, replace: dict[int, str] | None = None, drop: int | None = None,
               unquote: bool = False) -> str:
    """The query as text, with clause number i (in `parsed.positive` order) replaced or dropped."""
    replace = replace or {}
    parts: list[str] = []
    i = 0
    for group in parsed.groups:
        members = []
        for clause in group:
            if i != drop:
                members.append(clause_text(clause, replace.get(i), unquote=unquote and clause.quoted))
            i += 1
        if members:
            parts.append(" OR ".join(members))
    parts += [clause_text(c) for c in parsed.excluded]
    return " ".join(parts)


def suggestions(parsed: ParsedQuery, count: Callable[[str], int], total: int | None = None,
                limit: int = 5) -> list[dict]:
    """Suggested queries that find more than `total` (counted with `count` when not given)."""
    positive = parsed.positive
    if not positive:
        return []
    if total is None:
        total = count(query_text(parsed))
    seen = {query_text(parsed)}
    out: list[dict] = []

    def offer(query: str, kind: str) -> None:
        if query in seen or not query.strip():
            return
        seen.add(query)
        n = count(query)
        if n > total and n > 0:
            out.append({"query": query, "total": n, "kind": kind})

    first: dict[tuple, int] = {}  # each distinct clause once: (field, text, quoted) → index
    for i, c in enumerate(positive):
        first.setdefault((c.field, c.text, c.quoted), i)
    distinct = list(first.values())[:MAX_CLAUSES]
    for i in distinct:
        clause = positive[i]
        if clause.field in (None, "title") and clause.near is not None:
            near = clause.near  # each part in the other wording, the operator kept
            for k, part in enumerate(near.parts):
                for v in variants(part):
                    parts = near.parts[:k] + (v,) + near.parts[k + 1:]
                    offer(query_text(parsed, replace={i: replace(near, parts=parts).syntax()}), "variant")
        elif clause.field in (None, "title"):
            for v in variants(clause.text):
                offer(query_text(parsed, replace={i: v}), "variant")
    if 1 < len(first) <= MAX_CLAUSES:
        rarest = min((count(clause_text(positive[i])), i) for i in distinct)[1]
        offer(query_text(parsed, drop=rarest), "drop_term")
    if any(c.quoted for c in positive):
        offer(query_text(parsed, unquote=True), "unquoted")
    order = {"variant": 0, "drop_term": 1, "unquoted": 2}
    out.sort(key=lambda s: (order[s["kind"]], -s["total"]))
    return out[:limit]
