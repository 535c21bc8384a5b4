"""Where a query's phrases are marked (snippets, titles, the article page): the linear-time
matcher of `indexer.search.spans` marks exactly what the phrase pattern of `indexer.search.highlight` marks,
for one phrase or hundreds, in any script, width or case."""
from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st
from test_concordance import units_at
from test_search import oracle_units

from indexer.analysis import fold, units
from indexer.search import spans
from indexer.search.highlight import compile_patterns, match_spans, snippet
from indexer.search.spans import Matcher, Projection

_PIECES = ["生", "态", "環", "境", "保", "護", "生態", "环境", "ab", "AB", "ｃｄ", "12", "x", "İ", "ς",
           " ", "，", "。", "\n", "「", "」", "\u3000", "-", "_", "・", "ア", "𠀀", "⼀", "一"]
_TEXT = st.lists(st.sampled_from(_PIECES), max_size=60).map("".join)
_PHRASE = st.lists(st.sampled_from(_PIECES), min_size=1, max_size=4).map("".join).filter(
    lambda p: bool(units(fold(p))))


def oracle_spans(text: str, phrases: list[str]) -> list[tuple[int, int]]:
    """Every occurrence of each phrase as a run of units (test_concordance's `units_at`), from
    left to right, occurrences that overlap joined into one span (生态环境 and 环境保护 in
    生态环境保护 mark its six characters; occurrences that only touch stay two)."""
    have = units_at(text)
    texts = [u for u, _, _ in have]
    found = set()
    for p in phrases:
        want = oracle_units(p)
        for i in range(len(have) - len(want) + 1):
            if texts[i:i + len(want)] == want:
                found.add((have[i][1], have[i + len(want) - 1][2]))
    out: list[tuple[int, int]] = []
    for s, e in sorted(found):
        if out and s < out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


_OVERLAPPING = [("我们要加强生态环境保护工作", ["生态环境", "环境保护"]), ("生態環境", ["生态", "态环"]),
                ("ab 生态 cd", ["ab 生", "生态 cd"]), ("生态环境保护", ["环境保护", "生态环境", "生态"])]


def _overlapping_examples(test):
    """The test tried first on texts where the phrases' occurrences overlap (rare at random)."""
    for text, phrases in reversed(_OVERLAPPING):
        test = example(text, phrases)(test)
    return test


@settings(max_examples=500, deadline=None)
@given(_TEXT, st.lists(_PHRASE, min_size=1, max_size=6))
@_overlapping_examples
def test_the_matcher_marks_every_occurrence_overlapping_ones_joined(text, phrases):
    seqs = [units(fold(p)) for p in phrases]
    assert Matcher(seqs).spans(text) == oracle_spans(text, phrases)


@settings(max_examples=300, deadline=None)
@given(_TEXT, st.lists(_PHRASE, min_size=1, max_size=6))
@example("生゛生", ["生生"])  # ゛ is a kana unit, no word character: the search does not find 生生 there
@example("唐纳德・特朗普说", ["唐纳德特朗普"])  # ・ is punctuation: it does
def test_the_matcher_marks_the_same_characters_as_the_phrase_pattern(text, phrases):
    seqs = [units(fold(p)) for p in phrases]
    assert Matcher(seqs).spans(text) == match_spans(text, compile_patterns(seqs))


@settings(max_examples=300, deadline=None)
@given(_TEXT, st.lists(_PHRASE, min_size=1, max_size=6))
@_overlapping_examples
def test_the_phrase_pattern_marks_every_occurrence_overlapping_ones_joined(text, phrases):
    assert match_spans(text, compile_patterns(units(fold(p)) for p in phrases)) == oracle_spans(text, phrases)


@settings(max_examples=200, deadline=None)
@given(_TEXT, st.lists(_PHRASE, min_size=1, max_size=4))
def test_snippets_are_the_same_through_either(text, phrases):
    seqs = [units(fold(phrases[0]))]
    assert snippet(text, Matcher(seqs), size=20) == snippet(text, compile_patterns(seqs), size=20)


def test_hundreds_of_phrases_at_once():
    words = [a + b for a in "生态环境保护发展经济社会" for b in "生态环境保护发展经济社会"]
    text = "经济社会发展，生态环境保护。" * 50
    seqs = [units(w) for w in words]
    assert Matcher(seqs).spans(text) == match_spans(text, compile_patterns(seqs))


def test_a_final_sigma_is_marked_as_the_search_folds_it():
    # fold lower-cases Σ by its context (ΑΣ → ας), as the index does; the phrase pattern of one
    # character class per character cannot, so this is where the matcher and it differ
    assert Matcher([units(fold("ΑΣ"))]).spans("ΑΣ ας") == [(0, 2), (3, 5)]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(_PIECES + ["ΑΣ", "Σ"]), max_size=60).map("".join))
def test_the_folding_table_folds_like_fold(text):
    spans.folded_code_points("x" * spans._TABLE_AFTER)  # past the threshold: the table is used
    assert spans.folded_code_points(text).tobytes().decode("utf-32-le", "surrogatepass") == fold(text)


def test_the_projection_maps_back_to_the_original_text():
    proj = Projection("生態， 環境 AB，cd。12")
    assert proj.text == "生态环境ab cd 12"
    assert [proj.original(p) for p in range(len(proj.text)) if proj.text[p] != " "] == \
        [0, 1, 4, 5, 7, 8, 10, 11, 13, 14]
    assert proj.counted(proj.text.index("c")) == 6  # the space between ab and cd does not count
