"""Cross-strait wording: an unquoted term also finds the other side's word; a phrase stays exact."""
from __future__ import annotations

import json

import pytest

from indexer.analysis import fold
from indexer.search.query import parse_query
from indexer.search.request import SearchRequest
from indexer.search.suggest import suggestions
from indexer.search.variant_tables import build_table
from indexer.search.variants import TABLE, clause_variants, variants


def test_readme_example_finds_the_taiwan_wording():
    assert "高品質發展" in variants("高质量发展")
    assert "高质量发展" in variants("高品質發展")


@pytest.mark.parametrize("mainland,taiwan", [
    ("软件", "軟體"), ("信息", "資訊"), ("网络", "網路"), ("数据库", "資料庫"), ("打印", "列印"),
    ("服务器", "伺服器"), ("视频", "影片"), ("人工智能", "人工智慧"),
])
def test_opencc_and_own_pairs_both_ways(mainland, taiwan):
    assert taiwan in variants(mainland)
    assert fold(mainland) in map(fold, variants(taiwan))


def test_shipped_table_is_what_the_installed_opencc_gives():
    # the table is computed once and shipped (computing it costs every process ~0.4 s); after an
    # OpenCC upgrade or an edit of the lists in indexer/search/variant_tables.py, `python -m indexer.search.variant_tables`
    assert json.loads(TABLE.read_text(encoding="utf-8")) == build_table(), \
        "indexer/data/variants.json is stale: run `python -m indexer.search.variant_tables`"


def test_shipped_traditional_tables_are_what_opencc_and_jieba_give():
    from indexer.search.variant_tables import build_traditional
    from indexer.search.variants import TRADITIONAL

    assert json.loads(TRADITIONAL.read_text(encoding="utf-8")) == build_traditional(), \
        "indexer/data/traditional.json is stale: run `python -m indexer.search.variant_tables`"


def test_skipping_opencc_for_terms_without_a_convertible_character_loses_no_script_variant(demo_articles):
    # every 1- to 4-character piece of the demo titles and the start of their bodies, both scripts
    from indexer.search.variants import _opencc_script_variants, script_variants

    terms = {"了解", "瞭解", "项链", "睡着", "亲昵", "昵称", "暅", "乾隆", "皇后", "头发", "理发"}
    for article in demo_articles.values():
        text = (article.title or "") + (article.body or "")[:300]
        for size in range(1, 5):
            terms.update(text[i:i + size] for i in range(len(text) - size + 1))
    checked = 0
    for term in sorted(terms):
        if term.strip() and "\x00" not in term:
            assert script_variants(term) == _opencc_script_variants(term.strip()), term
            checked += bool(_opencc_script_variants(term.strip()))
    assert checked >= 5  # some terms do have a script variant


@pytest.mark.slow
def test_no_dictionary_word_in_either_script_loses_its_script_variant_to_the_shortcut():
    # jieba's whole dictionary (Simplified) and its OpenCC Traditional forms: wherever OpenCC's
    # phrase conversion gives a variant, the character shortcut must let the term through
    import os

    import jieba

    from indexer.search.variants import _opencc_script_variants, _script_chars, _to_traditional, script_variants

    with open(os.path.join(os.path.dirname(jieba.__file__), "dict.txt"), encoding="utf-8") as f:
        words = [line.split()[0] for line in f]
    terms = set(words) | {_to_traditional()(w) for w in words}
    chars = _script_chars()
    with_variant = [t for t in terms if _opencc_script_variants(t)]
    assert len(with_variant) > 1000
    assert [t for t in with_variant if not any(c in chars for c in t + fold(t))] == []
    assert script_variants("了解") == ["瞭解"]
    assert "发" not in chars and "發" not in chars  # 發/髮 both fold to 发: OpenCC not needed for 发展


def test_taiwan_wordings_are_written_like_opencc_writes_them_without_loading_it(demo_articles):
    # every Taiwan wording of the table, alone and inside other words, and pieces of the demo
    # articles in Simplified form: the shipped tables give OpenCC's s2tw wherever they decide
    from indexer.analysis import fold
    from indexer.search.variants import _table, _to_traditional, _traditional

    texts = set()
    for t in _table()["taiwan"]:
        texts.update((t, "推动" + t + "发展", "高" + t, t + "头发"))
    for article in demo_articles.values():
        text = fold(article.title or "") + fold((article.body or "")[:200])
        texts.update(text[i:i + 6] for i in range(0, len(text), 3))
    convert = _to_traditional()
    differ = [(t, _traditional(t), convert(t)) for t in sorted(texts) if _traditional(t) != convert(t)]
    assert len(texts) > 5000
    # where they differ, OpenCC matched a phrase across two of jieba's words (推动执行长发展 →
    # 推動執行長髮展, from 长发 "long hair"); the same characters either way, written otherwise
    assert all(fold(ours) == fold(theirs) == t for t, ours, theirs in differ), differ[:5]
    assert len(differ) <= len(texts) // 100, differ[:5]
    assert _traditional("高品质发展") == "高品質發展" and _traditional("理发店") == convert("理发店")


def test_a_taiwan_variant_is_shown_without_loading_opencc():
    import subprocess
    import sys

    code = ("import sys; from indexer.search.variants import variants; "
            "print(variants('高质量发展'), 'opencc' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=str(TABLE.parents[2])).stdout
    assert out.strip() == "['高品質發展'] False"


def test_a_script_difference_alone_is_not_a_variant():
    for term in ("發展", "生態環境", "环境保护", "黨組書記"):
        assert variants(term) == []
    # every variant differs from the term in folded form
    assert all(fold(v) != fold("網路安全") for v in variants("網路安全"))


def test_where_folding_misses_a_character_opencc_phrase_conversion_finds_it():
    # 瞭 and 著 are Simplified characters too, so folding keeps them: 瞭解 ≠ 了解, 睡著 ≠ 睡着.
    assert variants("了解") == ["瞭解"] and variants("瞭解") == ["了解"]
    assert variants("睡着") == ["睡著"]
    assert variants("计划") == ["計畫"]  # Taiwan's standard form, which folds to 计画


def test_words_with_another_meaning_are_not_expanded():
    # 文件 is a mainland "document" (official documents!) and a Taiwan "file"; 访问 an official visit.
    assert variants("文件") == []
    assert variants("访问") == []


def test_only_unquoted_clauses_are_expanded():
    parsed = parse_query('高质量发展 "软件" -信息 source:网络')
    expanded = clause_variants(parsed.positive)
    assert expanded == {0: ["高品質發展"]}
    assert clause_variants(parse_query('"高质量发展"').positive) == {}


def test_quoted_phrase_stays_exact_and_its_variant_is_suggested(demo_engine):
    def count(q: str) -> int:
        return demo_engine.search(SearchRequest.create(q)).total

    assert count('"高质量发展"') == 0  # the demo article says 高品質發展
    assert count('"高品質發展"') == 1
    found = suggestions(parse_query('"高质量发展"'), count)
    assert {"query": '"高品質發展"', "total": 1, "kind": "variant"} in found


def test_engine_unquoted_term_finds_the_other_wording_and_says_so(demo_engine):
    result = demo_engine.search(SearchRequest.create("高质量发展"))
    assert [h.id for h in result.hits] == ["mee-2024-02-05-party-building.txt"]
    assert result.variants == ["高品質發展"]
    assert "<mark>高品質發展</mark>" in result.hits[0].title_html
    without = demo_engine.search(SearchRequest.create("高质量发展", variants=False))
    assert without.total == 0 and without.variants == []
    assert {"query": "高品質發展", "total": 1, "kind": "variant"} in [s.__dict__ for s in without.suggestions]


def test_engine_quoted_phrase_is_not_expanded_and_suggests_the_variant(demo_engine):
    result = demo_engine.search(SearchRequest.create('"高质量发展"'))
    assert result.total == 0 and result.variants == []
    suggested = result.to_dict()["suggestions"]
    assert suggested[0] == {"query": '"高品質發展"', "total": 1, "kind": "variant"}  # 也可搜索「高品質發展」（1 篇）
    assert {"query": "高质量发展", "total": 1, "kind": "unquoted"} in suggested  # unquoted, it expands


def test_engine_ranks_the_wording_as_typed_first(tmp_path):
    from helpers import write_jsonl

    from indexer.ingest.run import run_ingest
    from indexer.search.engine import SearchEngine

    write_jsonl(tmp_path / "in" / "a.jsonl", [
        {"id": "tw", "title": "軟體產業軟體人才", "date": "2024-05-02", "source": "乙",
         "content": "軟體產業持續成長，軟體人才需求大增，軟體公司紛紛加薪，政府推動軟體園區。"},
        {"id": "cn", "title": "产业观察", "date": "2024-05-01", "source": "甲",
         "content": "今年制造业回暖，其中工业软件企业订单增加，多地出台支持政策，鼓励企业加大研发投入。"},
    ])
    run_ingest(tmp_path / "ix", [tmp_path / "in"], rebuild=True)
    with SearchEngine(tmp_path / "ix") as engine:
        result = engine.search(SearchRequest.create("软件"))
        assert [h.id for h in result.hits] == ["cn", "tw"] and result.variants == ["軟體"]
        assert [h.id for h in engine.search(SearchRequest.create("軟體")).hits] == ["tw", "cn"]


# ---------------------------------------------------------------- an index's own pairs (editors)

def test_an_editors_pair_applies_to_the_next_search_without_a_rebuild(tmp_path):
    from click.testing import CliRunner
    from helpers import write_jsonl

    from cli import cli
    from indexer.search.engine import SearchEngine
    from search_web import create_app

    def run(*args: str, code: int = 0):
        result = CliRunner().invoke(cli, ["--index", str(tmp_path / "ix"), *args], catch_exceptions=False)
        assert result.exit_code == code, result.output
        return result.output

    write_jsonl(tmp_path / "in" / "a.jsonl", [
        {"id": "tw", "title": "馬鈴薯豐收", "date": "2024-05-02", "source": "乙",
         "content": "今年馬鈴薯豐收，馬鈴薯價格回落，農民忙著採收馬鈴薯。"},
        {"id": "cn", "title": "土豆上市", "date": "2024-05-01", "source": "甲",
         "content": "新一季土豆大量上市，市场上土豆供应充足，价格平稳。"},
    ])
    run("rebuild", str(tmp_path / "in"))
    engine = SearchEngine(tmp_path / "ix")  # one engine throughout, as a server keeps it
    client = create_app({"INDEX_DIR": tmp_path / "ix", "WARM_UP": False}).test_client()

    def found(q: str) -> tuple[list[str], list[str]]:
        r = engine.search(SearchRequest.create(q))
        return [h.id for h in r.hits], r.variants

    assert found("土豆") == (["cn"], [])
    assert run("variants", "add", "土豆", "馬鈴薯").startswith("已添加")
    assert found("土豆") == (["cn", "tw"], ["馬鈴薯"])  # the wording as typed first; shown as written
    assert found("马铃薯") == (["tw", "cn"], ["土豆"])
    assert found("新一季土豆") == (["cn"], [])  # a longer term: its variant finds nothing more
    assert found('"土豆"') == (["cn"], [])  # a quoted phrase stays exact
    assert client.get("/api/search?q=土豆").get_json()["variants"] == ["馬鈴薯"]
    assert [h.id for h in engine.search(SearchRequest.create("土豆", variants=False)).hits] == ["cn"]

    assert json.loads(run("variants", "list", "--format", "json")) == [{"a": "土豆", "b": "馬鈴薯"}]
    assert run("variants", "list") == "土豆 / 馬鈴薯\n"
    assert run("variants", "add", "马铃薯", "土豆").startswith("已经配对")  # either order, folded
    run("rebuild")  # the pairs live beside the generations
    assert found("土豆") == (["cn", "tw"], ["馬鈴薯"])

    run("variants", "remove", "馬鈴薯", "土豆")
    assert found("土豆") == (["cn"], [])
    assert client.get("/api/search?q=土豆").get_json()["variants"] == []
    assert json.loads(run("variants", "list", "--format", "json")) == []
    engine.close()


def test_bad_pairs_are_refused(tmp_path):
    from click.testing import CliRunner

    from cli import cli

    def run(*args: str):
        return CliRunner().invoke(cli, ["--index", str(tmp_path / "ix"), *args], catch_exceptions=False)

    assert run("variants", "add", "土", "马铃薯").exit_code == 2  # single characters are never replaced
    assert run("variants", "add", "发展", "發展").exit_code == 2  # folding joins them already
    assert run("variants", "add", "土豆", "。。").exit_code == 2  # nothing to search
    removed = run("variants", "remove", "质量", "品質")
    assert removed.exit_code == 1 and "内置的对照" in removed.output  # (a shipped pair)
    assert run("variants", "add", "质量", "品質").output.endswith("（自带的词表已经配对）\n")


def test_a_server_loads_opencc_before_its_first_request(tmp_path):
    # OpenCC's converters take ~70 ms to load: a command-line search loads them when its query
    # needs them, a server at start, so no reader's first such query waits for them
    from helpers import write_jsonl

    from indexer.ingest.run import run_ingest
    from indexer.search import variants as variants_module
    from search_web import create_app

    write_jsonl(tmp_path / "in" / "a.jsonl", [{"id": "a", "title": "人类命运共同体", "content": "构建人类命运共同体。"}])
    run_ingest(tmp_path / "ix", [tmp_path / "in"], rebuild=True)
    variants_module._to_traditional.cache_clear()
    variants_module._to_simplified.cache_clear()
    create_app({"INDEX_DIR": tmp_path / "ix", "WARM_UP": True})
    assert variants_module._to_traditional.cache_info().currsize == 1
    assert variants_module._to_simplified.cache_info().currsize == 1
