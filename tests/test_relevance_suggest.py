"""Suggestions for a search that finds nothing or little: each one is checked to find something."""
from __future__ import annotations

from indexer.search.query import parse_query
from indexer.search.request import SearchRequest
from indexer.search.suggest import query_text, suggestions


def _counter(engine):
    def count(q: str) -> int:
        return engine.search(SearchRequest.create(q)).total
    return count


def test_drop_the_rarest_term(demo_engine):
    count = _counter(demo_engine)
    assert count("黨組書記 不存在的词语") == 0
    found = suggestions(parse_query("黨組書記 不存在的词语"), count)
    assert found[0]["kind"] == "drop_term"
    assert found[0]["query"] == "黨組書記"
    assert found[0]["total"] == count("黨組書記") > 0


def test_unquote_a_phrase_that_finds_nothing(demo_engine):
    count = _counter(demo_engine)
    query = '"孫金龍 黨組書記"'  # both in the seed article, in the other order
    assert count(query) == 0
    found = suggestions(parse_query(query), count)
    assert found == [{"query": "孫金龍 黨組書記", "total": count("孫金龍 黨組書記"), "kind": "unquoted"}]
    assert found[0]["total"] > 0


def test_nothing_to_suggest_when_nothing_finds_more(demo_engine):
    count = _counter(demo_engine)
    assert suggestions(parse_query("不存在的词语"), count) == []
    assert suggestions(parse_query(""), count) == []


def test_query_text_keeps_operators():
    parsed = parse_query('a OR b title:"c d" -e')
    assert query_text(parsed) == 'a OR b title:"c d" -e'
    assert query_text(parsed, drop=0) == 'b title:"c d" -e'
    assert query_text(parsed, replace={1: "x"}) == 'a OR x title:"c d" -e'


def test_closeness_ranks_words_standing_together_above_scattered_ones():
    """The proximity measure of ranking: the query's words side by side score 1, a few
    characters apart less, far apart less still, and an article missing one of them 0."""
    from indexer.analysis import fold, units
    from indexer.search.ranking import closeness

    words = [units(fold("生态")), units(fold("环境"))]
    together, near, far, missing = closeness(
        ["保护生态环境", "生态保护和环境治理", "生态" + "很长的一段别的文字" * 10 + "环境", "只有生态"], words)
    assert together == 1.0
    assert 1.0 > near > far > missing == 0.0
