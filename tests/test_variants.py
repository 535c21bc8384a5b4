"""Cross-strait wording: an unquoted term also finds the other side's word; a phrase stays exact."""
from __future__ import annotations

import pytest

from indexer.analysis import fold
from indexer.query import parse_query
from indexer.search import SearchRequest
from indexer.suggest import suggestions
from indexer.variants import clause_variants, variants


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


def test_a_script_difference_alone_is_not_a_variant():
    for term in ("發展", "生態環境", "环境保护", "黨組書記"):
        assert variants(term) == []
    # every variant differs from the term in folded form
    assert all(fold(v) != fold("網路安全") for v in variants("網路安全"))


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
