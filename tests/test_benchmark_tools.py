"""The benchmark tools a maintainer runs (`docs/benchmarks.md`) still run: their figures are
only as good as the articles and queries they generate."""
from __future__ import annotations

import json

from helpers import DEMO_ARTICLES

from benchmarks import corpus, user_path


def test_the_corpus_generator_writes_distinct_readable_articles_grown_from_the_sources(tmp_path):
    out = tmp_path / "corpus"
    corpus.main([str(DEMO_ARTICLES), "--size", "300", "--out", str(out), "--files", "4"])
    articles = list(corpus.read_corpus(out))
    assert len(articles) == 300
    assert len({a.id for a in articles}) == 300
    sources = corpus.load_sources([DEMO_ARTICLES])
    assert {a.id for a in sources} <= {a.id for a in articles}  # the sources themselves, then grown ones
    grown = [a for a in articles if a.id.startswith("gen/")]
    assert len(grown) == 300 - len(sources)
    assert all(a.body and a.title for a in grown)
    assert len({a.body for a in grown}) == len(grown)  # every grown article is new


def test_title_queries_are_four_characters_of_the_archives_titles(tmp_path):
    records = [{"id": f"a{k}", "title": f"关于推进第{k}批城乡建设试点工作的通知", "body": "正文。"} for k in range(50)]
    records += [{"id": f"b{k}", "title": f"{k}月份全省生态环境质量状况通报", "body": "正文。"} for k in range(1, 13)]
    (tmp_path / "export.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records),
                                           encoding="utf-8")
    queries = user_path.title_queries(tmp_path, 20)
    assert len(queries) == 20 and len(set(queries)) == 20
    assert all(len(q) == 4 and any(q in r["title"] for r in records) for q in queries)
    one = tmp_path / "one"
    one.mkdir()
    (one / "export.jsonl").write_text(json.dumps(records[0], ensure_ascii=False) + "\n", encoding="utf-8")
    assert set(user_path.title_queries(one, 20)) == {"乡建设试", "关于推进", "于推进第", "城乡建设", "建设试点",
                                                          "工作的通", "作的通知", "批城乡建", "点工作的", "设试点工",
                                                          "试点工作"}  # every one there is


def test_the_benchmark_reads_a_record_id_ending_in_html_as_the_records_own():
    """The comparison checks wensou's top ten against the oracle by record id: a page of the
    HTML tree (`2020/05/<id>.html`) stands for its record, and a record whose own id ends in
    `.html` (`news-html/163/4.html`) for itself."""
    from benchmarks.peers.wensou import _Searcher

    assert _Searcher.id_of("2020/05/rmrb-20200514-04-07.html") == "rmrb-20200514-04-07"
    assert _Searcher.id_of("0000/00/news-html/163/4.html.html") == "news-html/163/4.html"
    assert _Searcher.id_of("news-html/163/4.html") == "news-html/163/4.html"
    assert _Searcher.id_of("rmrb-20200514-04-07") == "rmrb-20200514-04-07"


def test_a_known_item_counts_where_a_repost_of_it_is_shown_for_either_engine():
    from benchmarks.relevance import KnownItem, rank_of

    item = KnownItem("body", "萬元 補助 淹水", "cna-1")
    titles = {"cna-1": "淹水補助擬分3級", "ltn-7": "卓榮泰曝：淹水補助擬分三級", "x-2": "颱風災損", "y-3": "淹水補助擬分3級"}
    # another outlet's version of the story comes second; the answer itself is not shown
    assert rank_of(["x-2", "ltn-7"], item, titles) is None
    assert rank_of(["x-2", "ltn-7"], item, titles, {"cna-1": 5, "ltn-7": 5}) == 2
    # an article of another story is no repost; a copy with the same title always was one
    assert rank_of(["x-2", "ltn-7"], item, titles, {"cna-1": 5, "ltn-7": 6}) is None
    assert rank_of(["x-2", "y-3"], item, titles) == 2


def test_a_clean_body_starts_at_the_labels_first_words_or_after_a_dateline_the_label_left_out():
    from benchmarks.extraction import _field_ok
    from indexer.article import Article
    label = {"first": "9月27日上午，媒体团来到", "last": "取得了新进展。", "must_not": ["编辑：古月"]}
    def body(text: str) -> Article:
        return Article(id="p.html", title="标题", date=None, source=None, authors=[], url=None, column=None,
                       keywords=[], body=text)
    assert _field_ok("clean", body("9月27日上午，媒体团来到五郎溪村。\n工作取得了新进展。"), label)
    assert _field_ok("clean", body("大公网怀化9月27日讯（记者李颖）9月27日上午，媒体团来到五郎溪村。\n工作取得了新进展。"), label)
    assert _field_ok("clean", body("中新网9月27日电 9月27日上午，媒体团来到五郎溪村。\n工作取得了新进展。"), label)
    assert not _field_ok("clean", body("相关阅读：另一篇文章\n9月27日上午，媒体团来到五郎溪村。\n工作取得了新进展。"), label)
    assert not _field_ok("clean", body("9月27日上午，媒体团来到五郎溪村。\n工作取得了新进展。\n编辑：古月"), label)
