"""Cross-strait vocabulary at search time: the other side's wording of a term (软件 / 軟體,
信息 / 資訊, 质量 / 品質).

Script folding (`indexer.analysis.fold`) already joins 發展 and 发展; it cannot join two
different words for one thing. The pairing of such words is shipped as `data/variants.json`
(built from OpenCC's Taiwan phrase tables and a reviewed list: `indexer.search.variant_tables`)
and loaded on first use. Pairs are compared in folded form, so script differences alone never
make a variant.

Script variants: folding maps each Traditional character to one Simplified character, so where a
Traditional character stands for two Simplified ones it can miss: 瞭解 folds to 瞭解, not 了解;
項鍊 to 项炼, not 项链; 睡著 to 睡著, not 睡着. OpenCC's phrase-aware conversion knows these
(`s2tw` of a Simplified term, `tw2s` of a Traditional one); where its answer folds differently
from the term, that is a variant too.
`variants(term)` replaces every paired wording inside the term (longest first) and returns
the other side's wording, Taiwan wordings written in Traditional characters. Single characters
are never replaced.

An index may add its own pairs (`variants add A B`, edited by `indexer.variant_pairs`):
`variants.json` in the index folder, beside CURRENT, so rebuilds keep it, merged with the
shipped tables (`index_wording`). The engine passes its index folder to `expand`, which stats
the file on each search (one `stat`, microseconds) and reads it again only when it changed: a
new pair applies to the next search, without a rebuild or a restart.
"""
from __future__ import annotations

import itertools
import json
import os
import threading
from functools import lru_cache
from pathlib import Path

from indexer.analysis import fold, is_dictionary_word, segmenter, units
from indexer.paths import PACKAGE_DATA
from indexer.search.query import Clause, Near, ParsedQuery

TABLE = PACKAGE_DATA / "variants.json"  # written by `python -m indexer.search.variant_tables` (build_table)
TRADITIONAL = PACKAGE_DATA / "traditional.json"  # written with it (build_traditional)

MAX_VARIANTS = 4


@lru_cache(maxsize=1)
def _table() -> dict:
    return json.loads(TABLE.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def pairs() -> dict[str, tuple[str, ...]]:
    """folded wording → folded wordings of the other side (both directions)."""
    return {k: tuple(v) for k, v in _table()["pairs"].items()}


@lru_cache(maxsize=1)
def _taiwan_side() -> frozenset[str]:
    """Folded wordings of the table that are Taiwan's (written in Traditional characters when shown)."""
    return frozenset(_table()["taiwan"])


@lru_cache(maxsize=1)
def _to_traditional():
    import opencc

    return opencc.OpenCC("s2tw").convert


@lru_cache(maxsize=1)
def _traditional_tables() -> tuple[dict[int, str], frozenset[str], dict[str, str]]:
    t = json.loads(TRADITIONAL.read_text(encoding="utf-8"))
    return ({ord(k): v for k, v in t["traditional"].items()}, frozenset(t["ambiguous"]), t["traditional_words"])


def _traditional(text: str) -> str:
    """`text` (folded: Simplified characters) in Traditional characters, as OpenCC's `s2tw`
    writes it, from the shipped tables where they decide it (OpenCC takes ~0.1 s to load: a
    third of a command-line search): character by character where no character is one that
    some word converts otherwise; else word by word (jieba's cut), a dictionary word from its
    own entry or its characters; OpenCC only for a word it does not know holding such a
    character."""
    own, ambiguous, words = _traditional_tables()
    if not any(c in ambiguous for c in text):
        return text.translate(own)
    out = []
    for piece in segmenter.cut_query(text):
        if piece in words:
            out.append(words[piece])
        elif not any(c in ambiguous for c in piece) or len(piece) > 1 and is_dictionary_word(piece):
            out.append(piece.translate(own))
        else:  # such a character alone, or in a word jieba's dictionary lacks: context decides
            return _to_traditional()(text)
    return "".join(out)


@lru_cache(maxsize=1)
def _to_simplified():
    import opencc

    return opencc.OpenCC("tw2s").convert


def load() -> None:
    """Load OpenCC's two converters now: a server does at start, so that its first query
    holding a character whose conversion depends on the word (人类命运共同体) does not wait
    ~70 ms for them. A command-line search loads them only when its query needs them."""
    _to_traditional()
    _to_simplified()


def script_variants(term: str) -> list[str]:
    """The term as OpenCC's phrase conversion writes it in the other script, when that folds
    differently from the term (else [])."""
    term = term.strip()
    if not term or "\x00" in term:  # OpenCC reads its input as a C string: a NUL ends it
        return []
    chars = _script_chars()
    if not any(c in chars for c in term + fold(term)):
        return []  # no character whose conversion can fold differently: OpenCC not needed
    return _opencc_script_variants(term)


@lru_cache(maxsize=1)
def _script_chars() -> frozenset[str]:
    return frozenset(_table()["script_chars"])


def _opencc_script_variants(term: str) -> list[str]:
    folded = fold(term)
    traditional = _to_traditional()(term)
    # Simplified input has a Traditional form that differs from it; Traditional input does not.
    other = traditional if folded == term and traditional != term else _to_simplified()(term)
    if not other or fold(other) == folded or not _has_units(other):
        return []
    return [other]


def _has_units(text: str) -> bool:
    return bool(units(fold(text)))


@lru_cache(maxsize=1)
def _max_len() -> int:
    return max(map(len, pairs()), default=0)


def _matches(folded: str, wording: Wording | None = None) -> list[tuple[int, int, tuple[str, ...]]]:
    """(start, end, partners) for paired wordings in `folded`, longest match first, no overlap."""
    table, longest = (pairs(), _max_len()) if wording is None else (wording.table, wording.longest)
    out = []
    i, n = 0, len(folded)
    while i < n:
        for length in range(min(longest, n - i), 1, -1):
            partners = table.get(folded[i:i + length])
            if partners:
                out.append((i, i + length, partners))
                i += length
                break
        else:
            i += 1
    return out


# ------------------------------------------------------------------ an index's own pairs

INDEX_FILE = "variants.json"  # in the index folder: {"pairs": [[A, B], ...]} as the editor wrote them


class Wording:
    """The shipped pairing merged with an index's own pairs (compared by identity: one object
    per version of the file, so the per-term cache keys on it)."""

    def __init__(self, own: list[tuple[str, str]]) -> None:
        self.own = own
        table = dict(pairs())
        taiwan = set(_taiwan_side())
        for a, b in own:
            fa, fb = fold(a), fold(b)
            table[fa] = tuple(dict.fromkeys(table.get(fa, ()) + (fb,)))
            table[fb] = tuple(dict.fromkeys(table.get(fb, ()) + (fa,)))
            taiwan.update(fold(w) for w in (a, b) if fold(w) != w)  # written in Traditional: shown so
        self.table = table
        self.taiwan = frozenset(taiwan)
        self.longest = max(map(len, table), default=0)


_index_cache: dict[Path, tuple[tuple, Wording | None]] = {}
_index_lock = threading.Lock()


def _stamp(path: Path) -> tuple | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_ino, st.st_mtime_ns, st.st_size


def index_pairs(index_dir: Path | str) -> list[tuple[str, str]]:
    """The index's own pairs, as written, in the order they were added ([] without a file; a
    file that is not the JSON written here counts as none)."""
    try:
        data = json.loads((Path(index_dir) / INDEX_FILE).read_text(encoding="utf-8"))
        return [(str(a), str(b)) for a, b in data["pairs"]]
    except (OSError, ValueError, KeyError, TypeError):
        return []


def index_wording(index_dir: Path | str | None) -> Wording | None:
    """The pairing a search over `index_dir` uses: None (the shipped tables alone) when the index
    has no pairs of its own; re-read only when the file changed (inode, mtime, size)."""
    if index_dir is None:
        return None
    path = Path(index_dir) / INDEX_FILE
    stamp = _stamp(path)
    if stamp is None:
        return None
    cached = _index_cache.get(path)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    with _index_lock:
        own = index_pairs(index_dir)
        wording = Wording(own) if own else None
        _index_cache[path] = (stamp, wording)
        return wording


@lru_cache(maxsize=4096)
def variants(term: str, wording: Wording | None = None) -> list[str]:
    """The other side's wordings of `term` (at most MAX_VARIANTS; [] when it has none); with
    `wording`, an index's own pairs too (`index_wording`).

    >>> variants("高质量发展")
    ['高品質發展']
    """
    folded = fold(term.strip())
    found = _matches(folded, wording)
    out: list[str] = script_variants(term)
    if not found:
        return out
    taiwan = _taiwan_side() if wording is None else wording.taiwan
    # One variant per choice of partner; the first partner everywhere, then each alternative.
    choices = [[p[0] for _, _, p in found]]
    for k, (_, _, partners) in enumerate(found):
        for alt in partners[1:]:
            choice = list(choices[0])
            choice[k] = alt
            choices.append(choice)
    for choice in choices:
        pieces, last, to_taiwan = [], 0, False
        for (start, end, _), partner in zip(found, choice):
            pieces.append(folded[last:start])
            pieces.append(partner)
            to_taiwan = to_taiwan or partner in taiwan
            last = end
        pieces.append(folded[last:])
        text = "".join(pieces)
        shown = _traditional(text) if to_taiwan else text
        if fold(shown) != text:  # s2tw chose a character that folds elsewhere: keep folded
            shown = text
        if text != folded and all(fold(o) != text for o in out):
            out.append(shown)
        if len(out) >= MAX_VARIANTS:
            break
    return out


def alternatives(clause: Clause, wording: Wording | None = None) -> list[tuple[Clause, list[str]]]:
    """The clauses a search ORs with `clause` (an `indexer.search.query.Clause`), each with the
    wordings it adds: the other strait's wording of an unquoted term searching titles and bodies
    (not source:/author:, not excluded). A quoted phrase stays exact (script folding only; its
    variant is offered as a suggestion instead). A proximity clause `A NEAR/N B` is ORed with
    itself over its bare operands' variants (空气质量 NEAR/5 报告 also finds 空氣品質…報告), at most
    MAX_VARIANTS of them; `"A B"~N` is a quoted phrase."""
    if clause.negated or clause.field not in (None, "title"):
        return []
    near = clause.near
    if near is None:
        return [] if clause.quoted else [(Clause(v, clause.field, False, False), [v])
                                          for v in variants(clause.text, wording)]
    if near.ordered or not any(near.bare):
        return []
    others = [variants(part, wording) if bare else [] for part, bare in zip(near.parts, near.bare)]
    # each side's wordings with the other side as typed, taken in turn (neither side's crowds the
    # other's out), then both sides' first wordings together
    one_side = [[tuple(v if k == side else p for k, p in enumerate(near.parts)) for v in found]
                for side, found in enumerate(others)]
    chosen = [parts for turn in itertools.zip_longest(*one_side) for parts in turn if parts is not None]
    both = [tuple(found[0] for found in others)] if all(others) else []  # a text wholly in the other wording
    chosen = chosen[:MAX_VARIANTS - len(both)] + both
    seen: set[frozenset] = {frozenset(near.parts)}  # A NEAR B is B NEAR A: a mirrored pair once
    out: list[tuple[Clause, list[str]]] = []
    for parts in chosen:
        if frozenset(parts) in seen:
            continue
        seen.add(frozenset(parts))
        out.append((Clause(" ".join(parts), clause.field, True, False, Near(parts, near.distance, False, near.bare)),
                    [p for p, typed in zip(parts, near.parts) if p != typed]))
    return out


def clause_variants(clauses, wording: Wording | None = None) -> dict[int, list[str]]:
    """index → the wordings the search adds for each clause it expands (`alternatives`)."""
    out: dict[int, list[str]] = {}
    for i, clause in enumerate(clauses):
        found = [w for _, words in alternatives(clause, wording) for w in words]
        if found:
            out[i] = list(dict.fromkeys(found))
    return out


def expand(parsed, index_dir: Path | str | None = None):
    """(the query with each expandable clause ORed with its variants, the variants added).

    `parsed` is an `indexer.search.query.ParsedQuery`; the result is a new one (the original is kept
    for ranking the wording as typed first). With `index_dir`, the index's own pairs count too."""
    wording = index_wording(index_dir)
    found = {i: alts for i, clause in enumerate(parsed.positive) if (alts := alternatives(clause, wording))}
    if not found:
        return parsed, []
    groups, added, first = [], [], 0  # first: the group's first clause's place in parsed.positive
    for group in parsed.groups:
        members = list(group)
        for i in range(first, first + len(group)):
            for alternative, words in found.get(i, []):
                members.append(alternative)
                added.extend(words)
        first += len(group)
        groups.append(members)
    return ParsedQuery(groups=groups, excluded=list(parsed.excluded)), list(dict.fromkeys(added))
