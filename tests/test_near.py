"""Proximity operators (docs/interfaces.md "Query syntax"): `A NEAR/N B` and `"A B"~N`, against a
brute-force oracle over folded texts.

The oracle is written independently of `indexer` (apart from `fold`, the contract's folding): it
cuts a text into units (`oracle_units` of test_search.py), gives each unit its offset in counted
characters (a CJK character counts one, a Latin word or number its letters; whitespace and
punctuation nothing), finds every occurrence of each part as a run of units, and tries every
pair (NEAR) or every chain in order (~N).
"""
from __future__ import annotations

import itertools
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_search import oracle_units

from indexer.analysis import fold, unit_stream, units
from indexer.ingest.run import run_ingest
from indexer.search.engine import SearchEngine
from indexer.search.proximity import stream_matches
from indexer.search.query import DEFAULT_NEAR, Clause, Near, parse_query
from indexer.search.request import SearchRequest

# ----------------------------------------------------------------------------------- oracle


def occurrences(text: str, part: str) -> list[tuple[int, int]]:
    """(start, end) in counted characters of every occurrence of `part`'s units in `text`."""
    have, want = oracle_units(text), oracle_units(part)
    offsets = list(itertools.accumulate((len(u) for u in have), initial=0))
    k = len(want)
    return [(offsets[i], offsets[i + k]) for i in range(len(have) - k + 1) if have[i:i + k] == want]


def oracle_near(text: str, a: str, b: str, n: int) -> bool:
    for x in occurrences(text, a):
        for y in occurrences(text, b):
            if x != y and max(x[0], y[0]) - min(x[1], y[1]) <= n:
                return True
    return False


def oracle_ordered(text: str, parts: list[str], n: int) -> bool:
    found = [occurrences(text, p) for p in parts]
    for chain in itertools.product(*found):
        if all(chain[i + 1][0] >= chain[i][1] for i in range(len(chain) - 1)):
            if sum(chain[i + 1][0] - chain[i][1] for i in range(len(chain) - 1)) <= n:
                return True
    return False


# ------------------------------------------------------------------------ texts and parts

_PIECES = ["生", "态", "環", "境", "保", "護", "生態", "环境", "保护", "ab", "AB", "ｃｄ", "12", "x",
           " ", "，", "。", "「", "」", "\u3000", "-", "_", "𠀀", "𠀀生"]  # 𠀀: beyond the BMP
_TEXT = st.lists(st.sampled_from(_PIECES), max_size=40).map("".join)
_PART = st.lists(st.sampled_from(["生", "态", "環", "境", "保", "护", "ab", "cd", "12", "x", " ", "𠀀"]),
                 min_size=1, max_size=3).map("".join).filter(lambda p: bool(oracle_units(p)))


@settings(max_examples=400, deadline=None)
@given(st.lists(_TEXT, min_size=1, max_size=5), _PART, _PART, st.integers(0, 12))
def test_near_in_unit_streams_agrees_with_the_oracle(texts, a, b, n):
    streams = [unit_stream(fold(t)) for t in texts]
    found = stream_matches(streams, [units(fold(a)), units(fold(b))], n, ordered=False).tolist()
    assert found == [i for i, t in enumerate(texts) if oracle_near(t, a, b, n)]


@settings(max_examples=400, deadline=None)
@given(st.lists(_TEXT, min_size=1, max_size=5), st.lists(_PART, min_size=2, max_size=3), st.integers(0, 12))
def test_ordered_parts_in_unit_streams_agree_with_the_oracle(texts, parts, n):
    streams = [unit_stream(fold(t)) for t in texts]
    found = stream_matches(streams, [units(fold(p)) for p in parts], n, ordered=True).tolist()
    assert found == [i for i, t in enumerate(texts) if oracle_ordered(t, parts, n)]


# ------------------------------------------------------------------ the query language


def test_near_with_a_distance_is_one_proximity_clause():
    parsed = parse_query("生态 NEAR/5 保护")
    assert parsed.groups == [[Clause("生态 保护", None, True, False, Near(("生态", "保护"), 5, False, (True, True)))]]


def test_near_without_a_distance_uses_the_default():
    assert parse_query("生态 NEAR 保护").positive[0].near == Near(("生态", "保护"), DEFAULT_NEAR, False, (True, True))
    assert parse_query('"生态" NEAR 保护').positive[0].near.bare == (False, True)


def test_a_phrase_with_a_tilde_keeps_its_parts_in_order():
    assert parse_query('"生态 保护"~3').positive[0].near == Near(("生态", "保护"), 3, True)
    assert parse_query("「生态 保护」～３").positive[0].near == Near(("生态", "保护"), 3, True)
    assert parse_query('"生态保护"~3').positive[0] == Clause("生态保护", quoted=True)  # one part: the phrase


@pytest.mark.parametrize("text", ["near/5 生态", "生态 near/5 保护", "NEAR/5 生态", "生态 NEAR/5", "生态 NEAR/x 保护"])
def test_lower_case_or_missing_operands_are_read_literally(text):
    assert all(c.near is None for c in parse_query(text).positive)


def test_a_chain_is_each_neighbouring_pair():
    parsed = parse_query("生态 NEAR/2 环境 NEAR/3 保护")
    assert [c.near for g in parsed.groups for c in g] == [Near(("生态", "环境"), 2, False, (True, True)),
                                                         Near(("环境", "保护"), 3, False, (True, True))]


def test_the_clause_writes_back_as_query_syntax():
    for text in ("生态 NEAR/5 保护", '"生态 保护"~3', "「生态 环境」 NEAR/2 保护", '"生态" NEAR/5 保护'):
        clause = parse_query(text).positive[0]
        assert parse_query(clause.syntax).positive[0] == clause


# ------------------------------------------------------------------------- the engine


def _corpus(seed: int, n: int) -> list[dict]:
    rng = random.Random(seed)
    return [{"id": f"n{i:03d}", "title": "".join(rng.choice(_PIECES) for _ in range(rng.randint(1, 6))) or "题",
             "date": f"2020-01-{i % 28 + 1:02d}",
             "body": "".join(rng.choice(_PIECES) for _ in range(rng.randint(5, 60)))} for i in range(n)]


@pytest.fixture(scope="module")
def near_index(tmp_path_factory):
    from helpers import write_jsonl

    folder = tmp_path_factory.mktemp("near")
    records = _corpus(11, 120)
    write_jsonl(folder / "articles" / "near.jsonl", records)
    run_ingest(folder / "index", [folder / "articles"], rebuild=True)
    engine = SearchEngine(folder / "index")
    yield engine, {r["id"]: r for r in records}
    engine.close()


def _found(engine, query: str) -> set[str]:
    result = engine.search(SearchRequest.create(query, per_page=1000, collapse=False, variants=False))
    return {h.id for h in result.hits}


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(_PART, _PART, st.integers(0, 8), st.booleans())
def test_near_queries_find_exactly_the_articles_the_oracle_finds(near_index, a, b, n, ordered):
    engine, records = near_index
    a, b = a.strip(), b.strip()
    if " " in a or " " in b or not a or not b:
        return
    query = f'"{a} {b}"~{n}' if ordered else f"{a} NEAR/{n} {b}"
    check = (lambda t: oracle_ordered(t, [a, b], n)) if ordered else (lambda t: oracle_near(t, a, b, n))
    expected = {i for i, r in records.items() if check(r["title"]) or check(r["body"])}
    assert _found(engine, query) == expected, query


def test_near_is_folded_like_phrases(near_index):
    engine, _ = near_index
    assert _found(engine, "生態 NEAR/3 保護") == _found(engine, "生态 NEAR/3 保护") == _found(engine, "生态 NEAR/3 保護")
    assert _found(engine, "AB NEAR/2 cd") == _found(engine, "ａｂ NEAR/2 CD")


def test_a_larger_distance_never_finds_less(near_index):
    engine, _ = near_index
    found = [_found(engine, f"生 NEAR/{n} 护") for n in (0, 2, 5, 20, 1_000_000, 99_999_999, 10 ** 30)]
    assert all(x <= y for x, y in zip(found, found[1:]))
    assert found[-1] and found[0] != found[-1]
    # a distance of eight digits and more is the largest one, not a literal word that finds nothing
    assert found[-1] == found[-2] == found[-3] == _found(engine, f'"生 护"~{10 ** 30}') | _found(engine, f'"护 生"~{10 ** 30}')


def test_excluding_a_near_clause(near_index):
    engine, records = near_index
    everything = set(records)
    assert _found(engine, "-生态 NEAR/2 保护") == everything - _found(engine, "生态 NEAR/2 保护")


def test_snippets_mark_both_parts(near_index):
    engine, _ = near_index
    result = engine.search(SearchRequest.create("生态 NEAR/4 保护", per_page=50, variants=False))
    assert result.hits
    for hit in result.hits:
        marked = {fold(m) for m in _marks(hit.snippet + hit.title_html)}
        assert {"生态", "保护"} <= {"".join(oracle_units(m)) for m in marked}, hit.snippet


@pytest.fixture(scope="module")
def strait_index(tmp_path_factory):
    from helpers import write_jsonl

    folder = tmp_path_factory.mktemp("strait")
    filler = "今年以来各地持续推进治理工作，成效明显。" * 3
    records = [
        {"id": "typed", "title": "一", "date": "2024-01-01", "body": "全国空气质量监测报告今日发布。"},
        {"id": "taiwan", "title": "二", "date": "2024-01-02", "body": "全台空氣品質監測報告今日公布。"},
        {"id": "taiwan2", "title": "五", "date": "2024-01-05", "body": "本月空氣品質報告出爐。"},
        {"id": "apart", "title": "三", "date": "2024-01-03", "body": f"空氣品質持續改善。{filler}年度報告另行公布。"},
        {"id": "neither", "title": "四", "date": "2024-01-04", "body": "水質監測報告今日公布。"},
    ]
    write_jsonl(folder / "articles" / "strait.jsonl", records)
    run_ingest(folder / "index", [folder / "articles"], rebuild=True)
    engine = SearchEngine(folder / "index")
    yield engine
    engine.close()


def test_a_bare_near_operand_finds_the_other_straits_wording_ranked_after_the_typed_one(strait_index):
    # an unquoted term finds the other side's wording (空气质量 / 空氣品質); as a NEAR operand too
    result = strait_index.search(SearchRequest.create("空气质量 NEAR/5 报告", collapse=False))
    assert [h.id for h in result.hits][0] == "typed" and {h.id for h in result.hits[1:]} == {"taiwan", "taiwan2"}
    assert result.variants == ["空氣品質"]
    assert all("<mark>空氣品質</mark>" in h.snippet and "<mark>報告</mark>" in h.snippet for h in result.hits[1:])
    # the distance still holds for the other wording: 空氣品質 far from 報告 is not found
    assert "apart" not in {h.id for h in result.hits}
    assert [h.id for h in strait_index.search(SearchRequest.create("空气质量 NEAR/5 报告", variants=False)).hits] == [
        "typed"]


def test_both_near_operands_get_their_wordings_in_turn():
    from indexer.search.variants import clause_variants, variants

    parsed = parse_query("乔治亚 NEAR/5 乙太网路")
    found = clause_variants(parsed.positive)[0]
    # the left word's wordings are not crowded out by the right one's (each has several)
    assert set(variants("乔治亚")[:2]) <= set(found) and variants("乙太网路")[0] in found
    # a text wholly in the other wording is searched even when one side's wordings are many
    from indexer.search.variants import expand

    alternatives = [c.near.parts for c in expand(parse_query("以太网 NEAR/5 便携式"))[0].groups[0][1:]]
    assert (variants("以太网")[0], variants("便携式")[0]) in alternatives
    mirrored = [c.near.parts for c in expand(parse_query("软件 NEAR/2 软件"))[0].groups[0][1:]]
    assert len(mirrored) == len({frozenset(p) for p in mirrored})  # 軟體 NEAR 软件 once, not also 软件 NEAR 軟體


def test_a_quoted_near_operand_and_an_ordered_phrase_stay_as_typed_and_their_wording_is_suggested(strait_index):
    for query, suggested in (('"空气质量" NEAR/5 报告', '"空氣品質" NEAR/5 报告'),
                             ('"空气质量 报告"~5', '"空氣品質 报告"~5')):
        result = strait_index.search(SearchRequest.create(query, collapse=False))
        assert [h.id for h in result.hits] == ["typed"] and result.variants == [], query
        # the other wording is offered as a proximity query still, not flattened into a phrase
        offered = {s.query: s.total for s in result.suggestions if s.kind == "variant"}
        assert offered == {suggested: 2}, query  # (taiwan and taiwan2: more than the query's one)


def _marks(html: str) -> list[str]:
    import re

    return re.findall(r"<mark>(.*?)</mark>", html)


def test_an_operator_read_as_text_is_named_in_the_results_notice(demo_engine):
    """`疫情 NEAR/3 -COVID` (an excluded right operand), a leading or trailing OR: the operator is
    searched as text (the contract's rule), so the search finds nothing, and the notice says
    which operator and why, not silence. A NEAR that applies, or one quoted, says nothing."""
    from indexer.search.request import SearchRequest

    for query, operator in (("委員會 NEAR/3 -修正", "「NEAR/3」"), ("OR 委員會", "「OR」"), ("委員會 OR", "「OR」"),
                            ("委員會 NEAR/x 修正", "「NEAR/x」"), ("委員會 NEAR/3.5 修正", "「NEAR/3.5」")):
        notice = demo_engine.search(SearchRequest.create(query)).notice
        assert notice and operator in notice and "按文字搜索" in notice, (query, notice)
    assert "整数" in demo_engine.search(SearchRequest.create("委員會 NEAR/-1 修正")).notice  # a distance mistyped
    assert "空一格" in demo_engine.search(SearchRequest.create("委員會 NEAR/3，修正")).notice  # no space after it
    # a decimal distance is a distance mistyped, not a missing space
    notice = demo_engine.search(SearchRequest.create("委員會 NEAR/3.5 修正")).notice
    assert "整数" in notice and "空一格" not in notice
    # an ordered phrase's `~` with no whole number after it, and a field prefix with a space
    # after it: read as text, and said (no more a silent empty page)
    for query, operator, why in (('"委員會 修正"~3.5', "「~3.5」", "整数"), ('"委員會 修正"~x', "「~x」", "整数"),
                                 ('"委員會 修正"~-2', "「~-2」", "整数"), ('"委員會 修正"~3，', "「~3，」", "空一格"),
                                 ("title: 委員會", "「title:」", "紧跟")):
        notice = demo_engine.search(SearchRequest.create(query)).notice
        assert notice and operator in notice and why in notice and "按文字搜索" in notice, (query, notice)
    for query in ('"委員會 修正"~3', "title:委員會", "~委員會"):  # a distance, a field, a word with a tilde
        assert demo_engine.search(SearchRequest.create(query)).notice is None, query
    # an OR with no term on one side (by an excluded term, by another OR) is ignored, and said:
    # the search finds what the query without it finds
    for query, without in (("委員會 OR -修正", "委員會 -修正"), ("-修正 OR 委員會", "委員會 -修正"),
                           ("委員會 OR OR 修正", "委員會 OR 修正")):
        result = demo_engine.search(SearchRequest.create(query))
        assert result.notice and "「OR」" in result.notice and "已忽略" in result.notice, (query, result.notice)
        assert result.total == demo_engine.search(SearchRequest.create(without)).total > 0, query
    for query in ("委員會 NEAR 修正", '"NEAR/3" 委員會', "委員會 OR 修正"):
        assert demo_engine.search(SearchRequest.create(query)).notice is None, query
