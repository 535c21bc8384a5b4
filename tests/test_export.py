"""`export` (docs/interfaces.md "Command line"): every article, or those a query and filters
match, as JSON Lines records of the contract's fields; `rebuild` from an export gives an index
that answers every search the same way.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import DEMO_ARTICLES, cli, ok

from indexer.ingest.run import run_ingest
from indexer.search.engine import SearchEngine
from indexer.search.export import export_records, jsonl_line
from indexer.search.request import SearchRequest

FIELDS = ["id", "title", "date", "source", "authors", "url", "column", "keywords", "body", "sources"]
QUERIES = ["", "行政院", '"中華民國"', "環境 保護", "生态环境部", "法規 -修正", "title:辦法", "source:內政部",
           "author:賴幸媛", "大陸委員會 OR 環保署", "2005"]


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    index = tmp_path_factory.mktemp("export") / "index"
    run_ingest(index, [DEMO_ARTICLES], rebuild=True)
    return index


def _answers(index: Path) -> dict:
    with SearchEngine(index) as engine:
        out = {}
        for q in QUERIES:
            for sort in ("relevance", "newest"):
                r = engine.search(SearchRequest.create(q, sort=sort, per_page=1000))
                out[(q, sort)] = (r.total, r.stories, [h.id for h in r.hits],
                                  {k: [(v.value, v.count) for v in vs] for k, vs in r.facets.items()})
        return out


def test_an_export_rebuilt_answers_every_search_the_same(demo, tmp_path):
    dump = tmp_path / "all.jsonl"
    proc = ok(demo, "export")
    dump.write_text(proc.stdout, encoding="utf-8")
    lines = proc.stdout.split("\n")
    assert lines[-1] == "" and all(lines[:-1])
    records = [json.loads(line) for line in lines[:-1]]
    assert all(sorted(r) == sorted(FIELDS) for r in records)
    with SearchEngine(demo) as engine:
        assert len(records) == engine.article_count()
        for r in records:
            assert engine.article(r["id"]).to_dict() == r

    copy = tmp_path / "copy"
    ok(copy, "rebuild", dump)
    assert _answers(copy) == _answers(demo)
    with SearchEngine(copy) as engine:
        assert all(engine.article(r["id"]).to_dict() == r for r in records)


def test_a_query_and_filters_export_exactly_the_articles_search_finds(demo):
    with SearchEngine(demo) as engine:
        found = engine.search(SearchRequest.create("行政院", sources=["大陸委員會"], date_from="2005",
                                                   per_page=1000, collapse=False))
    assert 0 < found.total < 86
    proc = ok(demo, "export", "行政院", "--source", "大陸委員會", "--from", "2005")
    ids = [json.loads(line)["id"] for line in proc.stdout.splitlines()]
    assert sorted(ids) == sorted(h.id for h in found.hits) and len(ids) == found.total


def test_an_empty_export_says_on_stderr_what_the_search_would(demo):
    """A filter value naming no source exported nothing and said nothing; the search offers the
    sources containing it. The export says the same on stderr (stdout stays the records)."""
    proc = ok(demo, "export", "--source", "大陸委")
    assert proc.stdout == "" and "大陸委員會" in proc.stderr
    assert ok(demo, "export", "行政院", "--source", "大陸委員會").stderr == ""


def test_every_page_of_a_large_result_is_exported_once(demo, monkeypatch):
    from indexer.search import export as export_mod

    monkeypatch.setattr(export_mod, "PAGE", 7)  # pages of 7: the boundaries are crossed many times
    ids = [r["id"] for r in export_records(demo, SearchRequest.create("行政院"))]
    with SearchEngine(demo) as engine:
        total = engine.search(SearchRequest.create("行政院", collapse=False)).total
    assert len(ids) == len(set(ids)) == total > 14


def test_a_record_is_one_line_whatever_its_text_holds():
    record = {"id": "x", "body": "第一行\n第二行\u2028第三\u2029段\r末尾", "title": "標題"}
    line = jsonl_line(record)
    assert line.endswith("\n") and line.count("\n") == 1
    assert "\u2028" not in line and "\u2029" not in line and "標題" in line  # UTF-8 kept as is
    assert json.loads(line) == record


def test_export_without_an_index_is_one_error_line(tmp_path):
    proc = cli(tmp_path / "none", "export")
    assert proc.returncode == 1 and proc.stdout == "" and proc.stderr.startswith("错误：")
    assert proc.stderr.count("\n") == 1
