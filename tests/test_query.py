"""Query syntax (docs/interfaces.md "Query language"): the parser, and what each operator does to the result
set, checked against the brute-force oracle of test_search.py over the demo articles."""
from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_search import Oracle, ids, oracle_units

from indexer.search.query import Clause, parse_query
from indexer.search.request import SearchRequest

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def oracle(demo_articles) -> Oracle:
    return Oracle(demo_articles)


# ---------------------------------------------------------------------------------- parsing


def test_terms_separated_by_ascii_or_full_width_spaces_are_all_required():
    for text in ("生態 環境", "生態\u3000環境", "  生態\t環境\u3000 "):
        parsed = parse_query(text)
        assert parsed.groups == [[Clause("生態")], [Clause("環境")]]
        assert not parsed.excluded


@pytest.mark.parametrize("text", ['"生態 環境"', "“生態 環境”", "「生態 環境」", "『生態 環境』", "＂生態 環境＂"])
def test_every_quote_style_makes_one_phrase(text):
    assert parse_query(text).groups == [[Clause("生態 環境", quoted=True)]]


def test_or_joins_its_neighbours_into_one_group():
    parsed = parse_query("顧問 OR 證券 修正")
    assert parsed.groups == [[Clause("顧問"), Clause("證券")], [Clause("修正")]]


@pytest.mark.parametrize("text", ["-修正", "－修正", '-"修正 條文"', "-「修正條文」", "－『修正』"])
def test_minus_excludes_a_term_or_a_phrase(text):
    parsed = parse_query("委員會 " + text)
    assert parsed.groups == [[Clause("委員會")]]
    assert len(parsed.excluded) == 1 and parsed.excluded[0].negated


@pytest.mark.parametrize("prefix,field", [("title:", "title"), ("title：", "title"), ("TITLE:", "title"),
                                          ("source:", "source"), ("source：", "source"),
                                          ("author:", "author"), ("author：", "author")])
def test_field_prefixes_with_ascii_and_full_width_colon(prefix, field):
    assert parse_query(prefix + "辦法").groups == [[Clause("辦法", field)]]
    assert parse_query(prefix + "「修正 辦法」").groups == [[Clause("修正 辦法", field, quoted=True)]]
    assert parse_query("-" + prefix + "辦法").excluded == [Clause("辦法", field, negated=True)]


@pytest.mark.parametrize("text,expected_texts", [
    ('"生態', ['"生態']),  # an unbalanced quote is read literally
    ("生態 OR", ["生態", "OR"]),  # a trailing OR is a word
    ("OR 生態", ["OR", "生態"]),  # so is a leading one
    ("title: 生態", ["title:", "生態"]),  # a prefix with nothing after it
])
def test_stray_operators_are_read_literally(text, expected_texts):
    parsed = parse_query(text)
    assert ([c.text for c in parsed.positive], parsed.excluded) == (expected_texts, [])


def test_an_or_by_an_excluded_term_or_another_or_is_ignored_and_said_on_either_side():
    """OR joins the terms beside it, excluded ones between not counting. With no term on one side
    inside the query (`A OR -B` was read as A -B silently, `-B OR A` searched the word OR and found
    nothing, `A OR OR B` dropped one silently) the OR is ignored either way, and named."""
    for text in ('"生態" OR -"環境"', '-"環境" OR "生態"'):
        parsed = parse_query(text)
        assert ([c.text for c in parsed.positive], [c.text for c in parsed.excluded]) == (["生態"], ["環境"]), text
        assert (parsed.literal, parsed.ignored) == ([], ["OR"]), text
    parsed = parse_query("生態 OR OR 環境")
    assert (parsed.groups, parsed.ignored) == ([[Clause("生態"), Clause("環境")]], ["OR"])
    parsed = parse_query("生態 OR 環境 OR -污染")  # the last OR has no term on its right
    assert (parsed.groups, parsed.ignored) == ([[Clause("生態"), Clause("環境")]], ["OR"])
    parsed = parse_query("生態 OR -污染 環境")  # an excluded term between does not count
    assert (parsed.groups, parsed.ignored) == ([[Clause("生態"), Clause("環境")]], [])
    assert parse_query("生態 OR ， 環境").groups == [[Clause("生態"), Clause("環境")]]  # punctuation is nothing


def test_punctuation_alone_constrains_nothing():
    assert parse_query("「」 - ， OR").groups == [[Clause("OR")]]  # the stray OR is a word; the rest is nothing
    assert parse_query("").is_empty and parse_query("   \u3000").is_empty


_OPERATORS = st.sampled_from(['"', "“", "”", "「", "」", "『", "』", "＂", "-", "－", " ", "\u3000", "OR", " OR ",
                              "title:", "source：", "author:", ":", "：", "\\", "*", "(", ")", "\x00", "\n"])
_WORDS = st.sampled_from(["生態", "環境", "委員會", "a", "ABC", "2005", "年", "的", "ｘ"])
_QUERY = st.one_of(st.text(max_size=2000), st.lists(st.one_of(_OPERATORS, _WORDS), max_size=700).map("".join))


@settings(max_examples=300, deadline=None)
@given(_QUERY)
def test_any_string_parses(text):
    parsed = parse_query(text)
    for clause in parsed.positive + parsed.excluded:
        assert clause.units  # clauses without units are dropped, never kept as match-nothing


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(max_size=300), st.lists(st.one_of(_OPERATORS, _WORDS), max_size=60).map("".join)))
def test_any_string_is_a_valid_search(demo_engine, text):
    result = demo_engine.search(SearchRequest.create(text, per_page=5))
    assert 0 <= result.total <= demo_engine.article_count()
    assert len(result.hits) <= 5


_PATHOLOGICAL = ['"' * 2000, "「" * 2000, "-" * 2000, "OR " * 666, "title:" * 333, "-「" * 1000,
                 "a " * 1000, "的 " * 1000, "委員會 " * 500, '"a' * 1000, "a OR " * 400, "\x00" * 2000]


# each pathological query, and what it must find: nothing searchable, its one repeated word, or
# (where its last word is a stray OR or an unclosed quote's run) nothing the demo articles hold
_PATHOLOGICAL_FINDS = [
    ('"' * 2000, None), ("「" * 2000, None), ("-" * 2000, None), ("-「" * 1000, None), ("\x00" * 2000, None),
    ("title:" * 333, None), ('"a' * 1000, None), ("OR " * 666, "OR"), ("a OR " * 400, "OR"),
    ("a " * 1000, "a"), ("的 " * 1000, "的"), ("委員會 " * 500, "委員會"), ("的 " * 400, "的"),
]


@pytest.mark.parametrize(("text", "word"), _PATHOLOGICAL_FINDS, ids=lambda t: repr(t[:8]) + f"x{len(t)}"
                         if isinstance(t, str) and len(t) > 50 else str(t))
def test_pathological_queries_find_what_they_say(demo_engine, oracle, text, word):
    """A 2,000-character query is allowed: it neither fails nor finds what it does not say. (How
    long such queries take is measured by `python -m benchmarks.pathological`, not in a test.)"""
    assert ids(demo_engine, text) == (set() if word is None else oracle.having(word))


def test_excluding_one_word_a_thousand_times_is_excluding_it_once(demo_engine, oracle):
    assert ids(demo_engine, "-的 " * 600) == ids(demo_engine, "") - oracle.having("的")


# ------------------------------------------------------------------ what the operators match


def test_terms_are_anded(demo_engine, oracle):
    assert ids(demo_engine, "委員會 修正") == oracle.having("委員會") & oracle.having("修正")
    assert ids(demo_engine, "委員會 修正 辦法") == oracle.having("委員會") & oracle.having("修正") & oracle.having("辦法")


def test_or_gives_either(demo_engine, oracle):
    expected = oracle.having("顧問") | oracle.having("證券")
    assert ids(demo_engine, "顧問 OR 證券") == expected
    assert ids(demo_engine, "顧問 OR 證券 修正") == expected & oracle.having("修正")


@pytest.mark.parametrize("minus", ["-", "－"])
def test_exclusion_of_a_term_and_a_phrase(demo_engine, oracle, minus):
    base = oracle.having("委員會")
    assert ids(demo_engine, f"委員會 {minus}修正") == base - oracle.having("修正")
    assert ids(demo_engine, f'委員會 {minus}"採購契約"') == base - oracle.having("採購契約")
    assert ids(demo_engine, f"委員會 {minus}「采购 契约」") == base - oracle.having("採購契約")
    everything = ids(demo_engine, "")
    assert ids(demo_engine, f"{minus}修正") == everything - oracle.having("修正")


@pytest.mark.parametrize("colon", [":", "："])
def test_title_restricts_to_titles(demo_engine, oracle, colon):
    for term in ("辦法", "修正", "委員會"):
        expected = oracle.having(term, fields=("title",))
        assert expected < oracle.having(term)
        assert ids(demo_engine, f"title{colon}{term}") == expected
        assert ids(demo_engine, f"title{colon}「{term}」") == expected


@pytest.mark.parametrize("colon", [":", "："])
def test_source_and_author_restrict_to_those_fields(demo_engine, demo_articles, colon):
    def having(field, phrase):
        needle = "\x1f".join(oracle_units(phrase))
        out = set()
        for aid, a in demo_articles.items():
            values = [a.source or ""] if field == "source" else a.authors
            if any(needle in "\x1f".join(oracle_units(v)) for v in values):
                out.add(aid)
        return out

    for field, value in (("source", "公共工程"), ("source", "委員會"), ("source", "金融监督"),
                         ("author", "郭瑤琪"), ("author", "郭瑶琪"), ("author", "李金龍")):
        expected = having(field, value)
        assert expected, (field, value)
        assert ids(demo_engine, f"{field}{colon}{value}") == expected, (field, value)


def test_all_quote_styles_find_the_same(demo_engine, oracle):
    expected = oracle.having("採購契約要項")
    assert expected
    for q in ('"採購契約要項"', "“採購契約要項”", "「採購契約要項」", "『採購契約要項』", "＂采购契约要项＂"):
        assert ids(demo_engine, q) == expected, q


def test_full_width_space_separates_like_a_space(demo_engine):
    assert ids(demo_engine, "委員會\u3000修正") == ids(demo_engine, "委員會 修正")


def test_case_and_width_are_folded(demo_engine, oracle):
    expected = oracle.having("OCDF")
    assert expected
    for q in ("OCDF", "ocdf", "ＯＣＤＦ", "ｏｃｄｆ", "OcDf", '"ＯＣＤＦ"'):
        assert ids(demo_engine, q) == expected, q
    assert ids(demo_engine, "２００５") == ids(demo_engine, "2005")


def test_simplified_finds_traditional_and_the_other_way_round(demo_engine, oracle):
    expected = oracle.having("生態環境部")
    assert expected
    assert ids(demo_engine, "生态环境部") == ids(demo_engine, "生態環境部") == expected
