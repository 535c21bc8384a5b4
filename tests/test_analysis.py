"""Chinese text analysis (indexer/analysis.py): folding, units, exact terms, words, and the Whoosh
components. Offsets are true offsets into the ORIGINAL text, and the two ways of computing the exact
representation (Whoosh chain, indexing fast path) never drift apart."""
from __future__ import annotations

import re
import warnings
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indexer.analysis import (
    ExactAnalyzer,
    WordAnalyzer,
    exact_postings,
    exact_terms,
    fold,
    segmenter,
    units,
    word_tokens,
)

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "index_data" / "articles" / "mee-2024-02-05-party-building.txt"

_TEXTS = st.text(alphabet=st.one_of(
    st.sampled_from("生態環境部黨組書記孫金龍在旗幟雜誌發表的一二三年月日ＡＢＣａｂｃ１２３　，。「」《》、·-_ \n\t"),
    st.characters(codec="utf-8", exclude_categories=("Cs",)),
), max_size=200)


def _strip_non_units(text: str) -> str:
    return "".join(u.text for u in units(fold(text)))


# ------------------------------------------------------------------------------------ fold


@pytest.mark.parametrize("original,folded", [
    ("生態環境部", "生态环境部"), ("ＡＢＣ", "abc"), ("ABC", "abc"), ("１２３", "123"),
    ("\u3000", " "), ("，", ","), ("（", "("), ("臺灣", "台湾"), ("孫金龍", "孙金龙"),
])
def test_fold_maps_width_case_and_script(original, folded):
    assert fold(original) == folded


@settings(max_examples=300)
@given(_TEXTS)
def test_fold_keeps_the_length(text):
    assert len(fold(text)) == len(text)


def test_fold_keeps_the_length_of_every_bmp_character():
    text = "".join(chr(cp) for cp in range(0x20, 0xFFFF) if not 0xD800 <= cp < 0xE000)
    assert len(fold(text)) == len(text)


def test_fold_is_idempotent_so_a_simplified_query_folds_like_the_traditional_text():
    """fold(fold(x)) == fold(x): otherwise a query written in the folded (Simplified) form of a
    word folds once more, to something else, and misses the text it was taken from."""
    text = "".join(chr(cp) for cp in range(0x3400, 0xA000)) + "".join(chr(cp) for cp in range(0xF900, 0xFB00))
    once = fold(text)
    twice = fold(once)
    drift = [(text[i], once[i], twice[i]) for i in range(len(text)) if once[i] != twice[i]]
    assert not drift, f"{len(drift)} characters fold twice: {drift[:10]}"


# ----------------------------------------------------------------------------- units, terms


def test_units_are_cjk_characters_and_whole_latin_words():
    text = fold("2005年ＡＢＣ股，生態 abc_def")
    assert [u.text for u in units(text)] == ["2005", "年", "abc", "股", "生", "态", "abc", "def"]


def test_exact_terms_are_bigrams_then_a_unigram_before_latin_or_the_end():
    seq = units(fold("生態環境 A股2005年"))
    assert [(t.text, t.pos) for t in exact_terms(seq)] == [
        ("生态", 0), ("态环", 1), ("环境", 2), ("境", 3), ("a", 4), ("股", 5), ("2005", 6), ("年", 7)]


@settings(max_examples=300)
@given(_TEXTS)
def test_unit_and_term_offsets_point_into_the_original_text(text):
    folded = fold(text)
    seq = units(folded)
    for u in seq:
        assert fold(text[u.start:u.end]) == u.text
    for term in exact_terms(seq):
        assert _strip_non_units(text[term.start:term.end]) == term.text


def _chain_postings(text: str) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for t in ExactAnalyzer()(text, positions=True, chars=True):
        assert _strip_non_units(text[t.startchar:t.endchar]) == t.text
        out.setdefault(t.text, []).append(t.pos)
    return out


@settings(max_examples=300)
@given(_TEXTS)
def test_whoosh_exact_chain_equals_the_indexing_fast_path(text):
    assert _chain_postings(text) == exact_postings(text)


def test_whoosh_exact_chain_equals_the_fast_path_on_every_demo_article(demo_articles):
    for article in demo_articles.values():
        for text in (article.title, article.body, article.source or ""):
            assert _chain_postings(text) == exact_postings(text), article.id


# ------------------------------------------------------------------------------------ words


@settings(max_examples=200)
@given(_TEXTS)
def test_words_carry_true_positions_and_offsets(text):
    words = word_tokens(text)
    assert [w.pos for w in words] == list(range(len(words)))
    assert [w.start for w in words] == sorted(w.start for w in words)
    for w in words:
        assert fold(text[w.start:w.end]) == w.text
    chain = [(t.text, t.pos, t.startchar, t.endchar) for t in WordAnalyzer()(text, positions=True, chars=True)]
    assert chain == [(w.text, w.pos, w.start, w.end) for w in words]


def test_words_of_the_seed_sentence():
    text = "生態環境部黨組堅持以習近平新時代中國特色社會主義思想為指導"
    words = word_tokens(text)
    assert "".join(w.text for w in words) == fold(text)
    assert words[0].text == "生态环境部"  # from the user dictionary
    for w in words:
        assert fold(text[w.start:w.end]) == w.text


def test_rjieba_segments_like_jieba_on_the_seed_article():
    """rjieba is used for speed on the promise that it cuts exactly like jieba (same dictionary,
    same user words); checked sentence by sentence on the seed article."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import jieba

        jieba.setLogLevel(60)
        reference = jieba.Tokenizer()
        reference.initialize()
    from indexer.analysis import _user_words

    for word, freq, tag in _user_words():
        reference.add_word(word, freq, tag)
    text = fold(SEED.read_text(encoding="utf-8"))
    runs = re.findall(r"[\u4e00-\u9fff]+", text)
    assert len(runs) > 100
    differ = [(run, segmenter.cut(run), list(reference.cut(run, HMM=True))) for run in runs
              if segmenter.cut(run) != list(reference.cut(run, HMM=True))]
    rate = 1 - len(differ) / len(runs)
    assert not differ, f"identical on {rate:.1%} of {len(runs)} runs; first differences: {differ[:3]}"
