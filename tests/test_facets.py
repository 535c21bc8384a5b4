"""Facets and filters a user narrows results with (docs/interfaces.md "Search result (JSON)", "Query syntax"):
a joint document counts for each of its publishing bodies, the column (栏目) facet, several
values of one filter find either, and every facet says whether its list was cut."""
from __future__ import annotations

import numpy as np
import pytest
from helpers import write_jsonl
from hypothesis import given, settings
from hypothesis import strategies as st

from indexer.ingest.run import run_ingest
from indexer.search.engine import SearchEngine
from indexer.search.request import SearchRequest

JOINT = [
    {"id": "j1", "title": "內政部銓敘部會銜令", "date": "2005-06-01", "source": "內政部;銓敘部", "column": "法規",
     "body": "內政部與銓敘部會銜發布修正條文。"},
    {"id": "j2", "title": "內政部公告", "date": "2005-07-01", "source": "內政部", "column": "公告",
     "body": "內政部公告事項。"},
    {"id": "j3", "title": "銓敘部令", "date": "2006-01-01", "source": "銓敘部", "column": "法規",
     "body": "銓敘部修正條文。"},
    {"id": "j4", "title": "財政部新聞稿", "date": "2006-02-01", "source": "財政部", "body": "財政部說明預算。"},
]
# 35 more bodies, body k publishing k % 7 + 1 articles: more sources than one facet list holds
MANY = [{"id": f"m{k}-{i}", "title": f"機關{k:02d}公告第{i}號", "date": f"2007-{k % 12 + 1:02d}-01",
         "source": f"機關{k:02d}", "column": "公告", "body": f"機關{k:02d}公告事項第{i}號。"}
        for k in range(35) for i in range(k % 7 + 1)]


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("facets")
    write_jsonl(folder / "articles" / "joint.jsonl", JOINT)
    write_jsonl(folder / "articles" / "many.jsonl", MANY)
    run_ingest(folder / "index", [folder / "articles"], rebuild=True)
    return folder


@pytest.fixture(scope="module")
def engine(folder):
    with SearchEngine(folder / "index") as engine:
        yield engine


def search(engine, **params):
    return engine.search(SearchRequest.create(per_page=1000, **params))


def counts(result, facet: str) -> dict[str, int]:
    return {v.value: v.count for v in result.facets[facet]}


def test_a_joint_document_counts_for_each_body_and_either_filter_finds_it(engine):
    everything = search(engine, facet_size=1000)
    assert counts(everything, "source")["內政部"] == 2 and counts(everything, "source")["銓敘部"] == 2
    assert "內政部;銓敘部" not in counts(everything, "source")
    assert {h.id for h in search(engine, sources=["內政部"]).hits} == {"j1", "j2"}
    assert {h.id for h in search(engine, sources=["銓敘部"]).hits} == {"j1", "j3"}
    assert {h.id for h in search(engine, sources=["內政部", "銓敘部"]).hits} == {"j1", "j2", "j3"}  # either
    joint = search(engine, query="會銜").hits
    assert [(h.source, h.sources) for h in joint] == [("內政部;銓敘部", ["內政部", "銓敘部"])]
    assert search(engine, query="會銜").to_dict()["hits"][0]["sources"] == ["內政部", "銓敘部"]


def test_the_column_facet_counts_and_its_filter_takes_either_value(engine):
    result = search(engine, query="修正 OR 公告 OR 預算")
    assert counts(result, "column") == {"公告": len(MANY) + 1, "法規": 2}  # j4 has no column
    assert {h.id for h in search(engine, columns=["法規"]).hits} == {"j1", "j3"}
    assert search(engine, columns=["法規", "公告"]).total == len(MANY) + 3
    # across filters all must hold: 法規 from 內政部 is j1 alone
    narrowed = search(engine, columns=["法規"], sources=["內政部"])
    assert [h.id for h in narrowed.hits] == ["j1"]
    assert [(v.value, v.count, v.selected) for v in narrowed.facets["column"]] == [("法規", 1, True)]
    assert search(engine, columns=["沒有這個欄目"]).total == 0


def test_facet_size_cuts_the_lists_and_each_facet_says_whether_it_was_cut(engine):
    default = search(engine)
    assert len(default.facets["source"]) == 30 and default.facets_truncated["source"] is True
    assert default.facets_truncated["column"] is False and len(default.facets["column"]) == 2
    assert default.facets_truncated["year"] is False and default.facets_truncated["month"] is False
    top = [(v.value, v.count) for v in default.facets["source"]]
    assert [c for _, c in top] == sorted((c for _, c in top), reverse=True)  # by count

    small = search(engine, facet_size=3)
    assert [(v.value, v.count) for v in small.facets["source"]] == top[:3]
    assert small.facets_truncated == {"source": True, "author": False, "column": False, "decade": False,
                                      "year": False, "month": False}
    assert small.to_dict()["facets_truncated"]["source"] is True

    whole = search(engine, facet_size=1000)
    assert len(whole.facets["source"]) == 35 + 3 and whole.facets_truncated["source"] is False

    # a chosen value is listed even when it falls outside the cut, with its count
    last_value = whole.facets["source"][-1].value
    chosen = search(engine, facet_size=3, sources=[last_value, top[0][0]])
    listed = {v.value: (v.count, v.selected) for v in chosen.facets["source"]}
    assert listed[last_value] == (counts(whole, "source")[last_value], True)


def test_every_articles_values_are_left_alone_by_the_cycle_collector(engine):
    """Each article's date, source, authors and column, held for facets and filters, are tuples of
    strings, which the cycle collector stops walking once it has seen them; as lists, every full
    collection walked them all (at 100,000 articles, half the pause it made in a search)."""
    import gc

    search(engine)
    gc.collect()
    values = engine._live.generation().docvalues
    held = [values.dates, values.source_strings, values.sources.names, values.authors.names, values.column.names]
    assert len(values.dates) == len(JOINT) + len(MANY) and len(values.sources.names) > 30
    assert not [v for v in held if gc.is_tracked(v)]


def test_facets_and_filters_follow_a_new_generation(folder, engine):
    before = search(engine, columns=["新聞稿"])
    assert before.total == 0
    changed = [dict(r, column="新聞稿") if r["id"] == "j4" else r for r in JOINT]
    write_jsonl(folder / "articles" / "joint.jsonl", changed)
    run_ingest(folder / "index", [folder / "articles"])  # an incremental ingest: the file changed
    after = search(engine, columns=["新聞稿"])
    assert [h.id for h in after.hits] == ["j4"]
    assert counts(search(engine), "column")["新聞稿"] == 1
    assert search(engine).total == len(JOINT) + len(MANY)  # the replaced version is not counted
    write_jsonl(folder / "articles" / "joint.jsonl", JOINT)
    run_ingest(folder / "index", [folder / "articles"])
    assert search(engine, columns=["新聞稿"]).total == 0


def test_an_index_written_before_the_column_column_keeps_its_column_facet(tmp_path, monkeypatch):
    """An index whose segments hold the column (栏目) only as a stored field (written before
    the `column_col` column existed): its facet and filter still work, and an incremental
    ingest into it adds articles whose column counts with the old ones."""
    from whoosh import fields

    from indexer import store
    from indexer.ingest import writer
    from indexer.segment import schema

    def old_schema():
        s = schema.build_schema()
        s.remove("column_col")
        return s

    def old_fields(article):
        doc = schema.document_fields(article)
        del doc["column_col"]
        return doc

    with monkeypatch.context() as m:
        m.setattr(store, "build_schema", old_schema)
        m.setattr(writer, "document_fields", old_fields)
        write_jsonl(tmp_path / "articles" / "joint.jsonl", JOINT)
        run_ingest(tmp_path / "index", [tmp_path / "articles"], rebuild=True)
    ix = store.open_generation(store.current_generation(tmp_path / "index"))
    assert "column_col" not in ix.schema.names()
    with SearchEngine(tmp_path / "index") as engine:
        assert counts(search(engine, query="修正 OR 公告"), "column") == {"公告": 1, "法規": 2}
        assert {h.id for h in search(engine, columns=["法規"]).hits} == {"j1", "j3"}
    write_jsonl(tmp_path / "articles" / "more.jsonl", [
        {"id": "n1", "title": "新法規", "date": "2008-01-01", "source": "內政部", "column": "法規",
         "body": "內政部修正條文。"}])
    run_ingest(tmp_path / "index", [tmp_path / "articles"])
    ix = store.open_generation(store.current_generation(tmp_path / "index"))
    assert isinstance(ix.schema["column_col"], fields.COLUMN)  # the new segment has the column
    with SearchEngine(tmp_path / "index") as engine:
        assert counts(search(engine, query="修正 OR 公告"), "column") == {"公告": 1, "法規": 3}
        assert {h.id for h in search(engine, columns=["法規"]).hits} == {"j1", "j3", "n1"}


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.sampled_from(["生態環境部", "行政院", "內政部", "銓敘部", "a", "b"]), max_size=4, unique=True),
                max_size=40), st.randoms())
def test_value_counts_equal_a_count_of_every_value_of_the_chosen_articles(per_doc, rnd):
    # articles with no value, one value (counted through the first-value column) and several
    from collections import Counter

    from indexer.search.docvalues import Labels

    labels = Labels(per_doc)
    docs = sorted(rnd.sample(range(len(per_doc)), rnd.randrange(len(per_doc) + 1)))
    counts = labels.counts(np.array(docs, dtype=np.int64))
    expected = Counter(v for d in docs for v in per_doc[d])
    assert {labels.names[i]: int(c) for i, c in enumerate(counts) if c} == dict(expected)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.sampled_from(["生態環境部", "生态环境部", "ＡＢ", "ab", "內政部", "a"]), max_size=4, unique=True),
                max_size=40), st.randoms())
def test_a_merged_facet_counts_each_article_holding_any_spelling_once(per_doc, rnd):
    from indexer.search.docvalues import Labels
    from indexer.search.facets import fold_key, value_facet

    labels = Labels(per_doc)
    docs = sorted(rnd.sample(range(len(per_doc)), rnd.randrange(len(per_doc) + 1)))
    listed, _ = value_facet(labels, np.array(docs, dtype=np.int64), [], 100)
    expected: dict[str, int] = {}
    for d in docs:
        for key in {fold_key(v) for v in per_doc[d]}:
            expected[key] = expected.get(key, 0) + 1
    assert {fold_key(v.value): v.count for v in listed} == expected
    assert len({fold_key(v.value) for v in listed}) == len(listed)


# ------------------------------------------------- filters folded like queries, whole values


def test_a_filter_value_in_the_other_script_or_width_finds_the_same_articles(engine):
    traditional = {h.id for h in search(engine, sources=["內政部"]).hits}
    assert traditional == {"j1", "j2"}
    for value in ("内政部", " 內政部 ", "内政部;铨叙部"):
        assert {h.id for h in search(engine, sources=[value]).hits} >= traditional, value
    assert {h.id for h in search(engine, sources=["铨叙部"]).hits} == {"j1", "j3"}
    assert {h.id for h in search(engine, columns=["法规"]).hits} == {"j1", "j3"}
    chosen = search(engine, sources=["内政部"])
    assert [(v.value, v.selected) for v in chosen.facets["source"] if v.selected] == [("內政部", True)]
    assert chosen.notice is None and chosen.filter_hints == {}


def test_a_filter_value_naming_no_value_offers_those_containing_it(engine):
    result = search(engine, sources=["机关0"])  # 機關00 … 機關09: whole values only, so none matches
    assert result.total == 0
    offered = [v.value for v in result.filter_hints["source"]]
    assert offered and all(v.startswith("機關0") for v in offered)
    assert result.notice and "機關0" in result.notice
    assert result.to_dict()["filter_hints"]["source"][0]["value"] == offered[0]
    nothing = search(engine, sources=["沒有這個機關"])
    assert nothing.total == 0 and nothing.filter_hints == {}


def test_spellings_of_one_source_are_one_facet_entry_whose_count_its_filter_finds(tmp_path):
    """A filter takes 生态环境部 and 生態環境部 as one value, so the facet lists them as one: the
    spelling most articles use, counting every article once (one holding both spellings too),
    and clicking it finds as many as it says; selected, it is one selected entry."""
    records = ([{"id": f"s{i}", "title": "公告", "body": "环境公告事项。", "source": "生态环境部"} for i in range(3)]
               + [{"id": f"t{i}", "title": "公告", "body": "环境公告事项。", "source": "生態環境部"} for i in range(2)]
               + [{"id": "both", "title": "公告", "body": "环境公告事项。", "source": "生态环境部;生態環境部"},
                  {"id": "other", "title": "公告", "body": "环境公告事项。", "source": "財政部"}])
    write_jsonl(tmp_path / "a" / "s.jsonl", records)
    run_ingest(tmp_path / "index", [tmp_path / "a"], rebuild=True)
    with SearchEngine(tmp_path / "index") as e:
        listed = counts(search(e, query="环境"), "source")
        assert listed == {"生态环境部": 6, "財政部": 1}
        for spelling in ("生态环境部", "生態環境部"):
            chosen = search(e, query="环境", sources=[spelling])
            assert chosen.total == 6
            assert [(v.value, v.count) for v in chosen.facets["source"] if v.selected] == [("生态环境部", 6)]
            # chosen, and held by no article found: still one entry, spelled as it was chosen
            none = search(e, query="没有这个词", sources=[spelling])
            assert [(v.value, v.count, v.selected) for v in none.facets["source"]] == [(spelling, 0, True)]


def test_author_filters_fold_too(tmp_path):
    write_jsonl(tmp_path / "a" / "a.jsonl", [{"id": "x", "title": "公告", "body": "公告事項。", "author": "郭瑤琪"}])
    run_ingest(tmp_path / "index", [tmp_path / "a"], rebuild=True)
    with SearchEngine(tmp_path / "index") as e:
        assert [h.id for h in search(e, authors=["郭瑶琪"]).hits] == ["x"]
        assert search(e, authors=["郭瑶"]).filter_hints["author"][0].value == "郭瑤琪"


def test_the_date_facet_has_decades_years_and_months(engine):
    result = search(engine)
    years = counts(result, "year")
    decades = counts(result, "decade")
    assert decades == {"2000s": sum(years.values())}
    assert [v.value for v in result.facets["decade"]] == sorted(decades, reverse=True)
    assert sum(counts(result, "month").values()) == sum(years.values()) == sum(decades.values())
    assert set(result.to_dict()["facets"]) >= {"decade", "year", "month"}
    narrowed = search(engine, date_from="2006", date_to="2006")
    assert counts(narrowed, "decade") == {"2000s": counts(narrowed, "year")["2006"]}


def test_decades_split_at_the_turn_of_each(tmp_path):
    records = [{"id": f"d{i}", "title": "公告", "body": "公告事項。", "date": d}
               for i, d in enumerate(["1999-12-31", "2000-01-01", "2009-06-01", "2010-01-01", "2011-02-03"])]
    write_jsonl(tmp_path / "a" / "d.jsonl", records)
    run_ingest(tmp_path / "index", [tmp_path / "a"], rebuild=True)
    with SearchEngine(tmp_path / "index") as e:
        result = search(e)
        assert [(v.value, v.count) for v in result.facets["decade"]] == [("2010s", 2), ("2000s", 2), ("1990s", 1)]


def test_values_tied_in_count_are_listed_by_their_folded_form_as_the_cluster_lists_them(tmp_path):
    """葉 folds to 叶, which sorts before 吴 (吳 folded): the cluster's aggregation orders ties by the
    folded value, so the embedded index does too, and a list cut at one value shows the same one."""
    rows = [{"id": f"a{i}", "title": f"公告第{i}號", "date": "2005-06-01", "authors": [name], "body": f"公告事項第{i}號。"}
            for i, name in enumerate(["吳茂昆", "葉金川"])]
    write_jsonl(tmp_path / "articles" / "a.jsonl", rows)
    run_ingest(tmp_path / "index", [tmp_path / "articles"], rebuild=True)
    with SearchEngine(tmp_path / "index") as engine:
        assert [v.value for v in search(engine, facet_size=1000).facets["author"]] == ["葉金川", "吳茂昆"]
        assert [v.value for v in search(engine, facet_size=1).facets["author"]] == ["葉金川"]
