"""Filters on source, author and column as the engine applies them, the values they chose, and
the notices a result carries about them (a filter value unknown to the index, a query with
nothing searchable)."""
from __future__ import annotations

import numpy as np

from indexer.article import split_sources
from indexer.search.docvalues import DocValues
from indexer.search.facets import containing, resolve, value_facet
from indexer.search.query import ParsedQuery, operator_problem, parse_query
from indexer.search.request import (
    SearchRequest,
)
from indexer.search.result import FacetValue

_FILTER_LABELS = {"source": "来源", "author": "作者", "column": "栏目"}


def filter_values(docvalues: DocValues, req: SearchRequest) -> list[tuple[list[str], object]]:
    """(values, labels) of each value filter the request sets (source values split into the
    publishing bodies they name)."""
    out = []
    if req.sources:
        out.append(([v for s in req.sources for v in (split_sources(s) or [s])], docvalues.sources))
    if req.authors:
        out.append((list(req.authors), docvalues.authors))
    if req.columns:
        out.append((list(req.columns), docvalues.column))
    return out


def chosen_values(docvalues: DocValues, req: SearchRequest) -> tuple[dict[str, list[str]], dict[str, list[FacetValue]]]:
    """(facet name → the index's values the request's filters select, shown as selected in the
    facets, with any value naming none as typed; facet name → values that contain a filter
    value naming none, with their article counts in the index)."""
    chosen: dict[str, list[str]] = {"source": [], "author": [], "column": []}
    hints: dict[str, list[FacetValue]] = {}
    for name, values, labels in (("source", [v for s in req.sources for v in (split_sources(s) or [s])],
                                  docvalues.sources),
                                 ("author", list(req.authors), docvalues.authors),
                                 ("column", list(req.columns), docvalues.column)):
        if not values:
            continue
        names, unknown = resolve(labels, values)
        chosen[name] = names + unknown
        for v in unknown:
            found = containing(labels, v, docvalues.live_docs)
            if found:
                hints.setdefault(name, []).extend(found)
    return chosen, hints


def filter_notice(hints: dict[str, list[FacetValue]]) -> str | None:
    """A sentence offering the values that contain a filter value naming none."""
    parts = []
    for name, values in hints.items():
        offered = "、".join(f"{v.value}（{v.count} 篇）" for v in values)
        parts.append(f"{_FILTER_LABELS[name]}按完整名称筛选；包含所填文字的{_FILTER_LABELS[name]}有：{offered}")
    return "。".join(parts) + "。" if parts else None


def nothing_searchable(query: str, parsed: ParsedQuery) -> bool:
    """Whether a query has text but nothing to search in it (only punctuation or symbols);
    an empty query lists everything."""
    return bool(query.strip(" \t\r\n\f\v\u3000\u00a0")) and parsed.is_empty


def unsearchable_text(request: SearchRequest, parsed: ParsedQuery) -> str | None:
    """The query, else the first within-query, that has text but nothing to search in it: the
    search finds nothing and its notice names that text (a `within=!!!` narrows to nothing, as
    `q=!!!` finds nothing: never silently ignored)."""
    if nothing_searchable(request.query, parsed):
        return request.query
    return next((t for t in request.within if nothing_searchable(t, parse_query(t))), None)


# why an operator was read as text (`query.operator_problem`; "near": a NEAR with nothing to join)
_OPERATOR_PROBLEMS = (
    ("near_space", "NEAR/N 和后面的词之间要空一格"),
    ("near_number", "NEAR/ 后面要写一个整数（相隔的字数），例如 NEAR/10"),
    ("near", "NEAR 两边各要一个词或短语（不能是排除词、另一个字段或另一个 NEAR）"),
    ("slop_space", "\"…\"~N 和后面的词之间要空一格"),
    ("slop_number", "~ 后面要写一个整数（相隔的字数），例如 \"A B\"~5"),
    ("field", "title:、source:、author: 后面要紧跟要搜的词，不空格，例如 title:政府"),
    ("OR", "OR 两边各要一个词或短语"),
)


def literal_notice(parsed: ParsedQuery) -> str | None:
    """Sentences saying which operators of the query were searched as text, being written where
    they cannot apply (`疫情 NEAR/3 -COVID`, `OR 经济`, `NEAR/x`), and which ORs were ignored,
    having no term to join on one side (`A OR -B`), or None."""
    said = []
    if parsed.literal:
        shown = "、".join(f"「{op}」" for op in dict.fromkeys(parsed.literal))
        problems = {"OR" if op == "OR" else operator_problem(op) or "near" for op in parsed.literal}
        why = [sentence for problem, sentence in _OPERATOR_PROBLEMS if problem in problems]
        said.append(f"{shown}没有可以组合的词语，已按文字搜索：{'；'.join(why)}。")
    if parsed.ignored:
        said.append("「OR」一边没有可以连接的词语（排除词和另一个 OR 不算），已忽略。")
    return "".join(said) or None


def notice(unsearchable: str | None, parsed: ParsedQuery, hints: dict[str, list[FacetValue]]) -> str | None:
    """The result's notice: why nothing was searched, which operators were read as text, and
    the filter values offered for one naming none, in that order (each backend's result says it so)."""
    return " ".join(n for n in (unsearchable_notice(unsearchable) if unsearchable is not None else None,
                                literal_notice(parsed), filter_notice(hints)) if n) or None


def unsearchable_notice(query: str) -> str:
    shown = query if len(query) <= 40 else query[:40] + "…"
    return f"查询「{shown}」中没有可以搜索的文字（只有标点、符号或空白），因此没有结果；请输入汉字、字母或数字。"


def top_values_of(labels, docs: np.ndarray, limit: int = 10) -> list[dict]:
    """The most frequent values among `docs`, each value's spellings one entry as the facets
    count them (生态环境部 and 生態環境部: one source)."""
    values, _ = value_facet(labels, docs, (), limit, folded_ties=False)  # (ties as the cluster's stats: by value)
    return [{"value": v.value, "count": v.count} for v in values]
