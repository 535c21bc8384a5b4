"""Chinese text analysis (indexer/analysis.py): folding, units, unit streams and words. Offsets are
true offsets into the ORIGINAL text, and the indexing fast paths (`unit_stream`, `word_counts`)
never drift from the unit and word sequences they stand for."""
from __future__ import annotations

import re
import warnings
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indexer.analysis import (
    FOLD_TABLE,
    LATIN_MARK,
    fold,
    segmenter,
    unit_stream,
    units,
    units_stream,
    word_counts,
    word_tokens,
)

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "index_data" / "articles" / "mee-2024-02-05-party-building.txt"

_TEXTS = st.text(alphabet=st.one_of(
    st.sampled_from("生態環境部黨組書記孫金龍在旗幟雜誌發表的一二三年月日ＡＢＣａｂｃ１２３　，。「」《》、·-_ \n\t"),
    st.characters(codec="utf-8", exclude_categories=("Cs",)),
), max_size=200)


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


@settings(max_examples=300)
@given(_TEXTS)
def test_unit_offsets_point_into_the_original_text(text):
    for u in units(fold(text)):
        assert fold(text[u.start:u.end]) == u.text


@settings(max_examples=500)
@given(_TEXTS)
def test_the_indexed_unit_stream_is_the_unit_sequence(text):
    """The stream the exact layer indexes (two regex passes) equals the one built unit by unit."""
    folded = fold(text)
    assert unit_stream(folded) == units_stream(units(folded))


def test_unit_stream_marks_latin_units_and_drops_punctuation():
    assert unit_stream(fold("2005年ＡＢＣ股，生態 abc_def")) == \
        "\x012005\x01年\x01abc\x01股生态\x01abc\x01\x01def\x01"
    # marks in the text itself are punctuation, never taken for a Latin unit's marks
    assert unit_stream("中\x01文\x02ab") == "中文" + LATIN_MARK + "ab" + LATIN_MARK


def test_demo_articles_stream_like_their_units(demo_articles):
    for article in demo_articles.values():
        for text in (article.title, article.body, article.source or ""):
            folded = fold(text)
            assert unit_stream(folded) == units_stream(units(folded)), article.id


# ------------------------------------------------------------------------------------ words


@settings(max_examples=200)
@given(_TEXTS)
def test_words_carry_true_positions_and_offsets(text):
    words = word_tokens(text)
    assert [w.pos for w in words] == list(range(len(words)))
    assert [w.start for w in words] == sorted(w.start for w in words)
    for w in words:
        assert fold(text[w.start:w.end]) == w.text
    counts: dict[str, int] = {}
    for w in words:
        counts[w.text] = counts.get(w.text, 0) + 1
    assert word_counts(text) == counts


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


def test_every_cased_character_beyond_u2000_is_in_the_blocks_marking_looks_at():
    # a highlight pattern marks a character only as one of those folding to the query's (Ⅱ期 marks Ⅱ期)
    from indexer.analysis import _cased_beyond, unfolded_class

    every = {cp for cp in [*range(0x2000, 0xD800), *range(0xE000, 0x10000)] if chr(cp).lower() != chr(cp)}
    assert _cased_beyond() == every
    assert "Ⅱ" in unfolded_class("ⅱ") and "Ꙁ" in unfolded_class("ꙁ")


def test_shipped_fold_table_is_what_the_installed_opencc_gives():
    # shipped so that no process builds it (OpenCC's load is most of a CLI search's start-up);
    # after an OpenCC upgrade: `python -m indexer.analysis_tables`
    from indexer import analysis, analysis_tables

    assert analysis.FOLD_TABLE == analysis_tables.build_fold_table(), \
        "indexer/data/fold.json is stale: run `python -m indexer.analysis_tables`"


def test_shipped_jieba_word_list_is_jiebas_dictionary():
    # the sorted word list a query is cut with before jieba's full dictionary is built;
    # after a jieba upgrade: `python -m indexer.analysis_tables`
    from indexer import analysis, analysis_tables

    assert analysis.JIEBA_WORDS.read_bytes() == analysis_tables.jieba_words(), \
        "indexer/data/jieba_words.txt is stale: run `python -m indexer.analysis_tables`"


def test_a_query_cut_before_the_full_dictionary_is_built_is_jiebas_cut(demo_articles):
    # every sentence of the demo articles (both scripts, Latin, digits, the user words among
    # them) and every user word alone, cut as a query by a fresh segmenter, which builds no
    # full dictionary for it, and by the full dictionary
    from indexer.analysis import _Segmenter, _user_words

    sentences = {w for w, _, _ in _user_words()} | {"高质量发展的新时代", "covid-19疫情防控", "行政院公报第30卷"}
    for article in demo_articles.values():
        for text in (article.title or "", article.body or ""):
            sentences.update(s[:60] for s in re.split(r"[。！？\n]", fold(text)) if s.strip())
    assert len(sentences) > 1000
    differ = []
    for sentence in sorted(sentences):
        fresh = _Segmenter()
        cut = fresh.cut_query(sentence)
        assert fresh._cut is None  # cut without the full dictionary
        if cut != segmenter.cut(sentence):
            differ.append((sentence, cut, segmenter.cut(sentence)))
    assert not differ, differ[:3]


def test_a_long_lived_process_builds_the_full_dictionary_after_a_few_queries():
    from indexer.analysis import _Segmenter

    fresh = _Segmenter()
    cuts = [fresh.cut_query("生态环境部发布公告") for _ in range(20)]
    assert fresh._cut is not None
    assert all(cut == segmenter.cut("生态环境部发布公告") for cut in cuts)


def test_a_long_text_folds_as_each_of_its_characters_does():
    """Long texts are folded through an array, short ones through the table: the same result,
    astral characters, characters folding to astral ones and lone surrogates included."""
    chars = "".join(chr(cp) for cp in sorted(FOLD_TABLE)) + "中國臺灣ＡＢＣ𠀀\U0002a6a5\ud800ｶﾞ"
    text = (chars * 3)[:20000]
    assert fold(text) == "".join(fold(c) for c in text)
    assert len(fold(text)) == len(text)
