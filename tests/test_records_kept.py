"""Every record kept: JSON Lines read by `\\n` alone, and ids as identity.

A JSON Lines export is read record by record on `\\n`: characters such as U+2028 (LINE
SEPARATOR), U+2029, NEL, VT and FF are ordinary characters inside a record's strings. Two
records with ids of their own are two articles even when their text is identical (the same
story printed on two pages): both are findable by id, and a search collapses them into one hit.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

from helpers import cli, ok

ODD = "\u2028\u2029\x85\x0b\x0c"


def test_a_jsonl_file_with_line_separators_inside_strings_is_read_whole(tmp_path):
    records = [
        {"id": f"hk-{i}", "title": f"立法會會議第{i}次{ODD[i]}紀要", "date": "2024-05-0" + str(i + 1),
         "body": f"立法會今日舉行會議。{ODD[i]}議員就房屋政策提出質詢，記號甲{i}。"}
        for i in range(len(ODD))
    ]
    feed = tmp_path / "feed" / "hk.jsonl"
    feed.parent.mkdir()
    # json.dumps(ensure_ascii=False) writes U+2028 etc. raw, as crawlers' exports do
    feed.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    assert "\u2028" in feed.read_text(encoding="utf-8")
    index = tmp_path / "index"
    result = cli(index, "rebuild", str(feed.parent), "--format", "json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["records_skipped"] == 0 and report["skipped"] == [] and report["articles"] == len(ODD)
    for i in range(len(ODD)):
        shown = json.loads(ok(index, "show", f"hk-{i}", "--format", "json").stdout)
        assert f"記號甲{i}" in shown["body"] or f"记号甲{i}" in shown["body"]
    # a line that is not JSON is still reported with its own line number
    feed.write_text(feed.read_text(encoding="utf-8") + "{\"id\": \"broken\n", encoding="utf-8")
    result = cli(index, "rebuild", "--format", "json")
    report = json.loads(result.stdout)
    assert report["records_skipped"] == 1 and report["articles"] == len(ODD)
    assert [s["path"] for s in report["skipped"]] == [f"hk.jsonl:{len(ODD) + 1}"]


def test_control_characters_written_raw_inside_strings_keep_the_record(tmp_path):
    """Crawlers write a tab, a CR, VT or FF raw inside a string (strict JSON wants them escaped,
    as `json.dumps` does): the record is read whole, in a JSON Lines file and in a JSON array."""
    feed = tmp_path / "feed"
    feed.mkdir()
    raw = ["\t", "\r", "\x0b", "\x0c"]
    lines = [f'{{"id": "c{i}", "title": "控制字符{i}", "body": "甲{ch}乙的正文内容足够长，记号丙{i}。"}}'
             for i, ch in enumerate(raw)]
    (feed / "a.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (feed / "b.json").write_text('[{"id": "arr", "title": "数组", "body": "甲\x0c乙的正文，记号丁。"}]', encoding="utf-8")
    index = tmp_path / "index"
    report = json.loads(ok(index, "rebuild", str(feed), "--format", "json").stdout)
    assert report["skipped"] == [] and report["articles"] == len(raw) + 1
    for i in range(len(raw)):
        body = json.loads(ok(index, "show", f"c{i}", "--format", "json").stdout)["body"]
        assert f"记号丙{i}" in body
    assert "记号丁" in json.loads(ok(index, "show", "arr", "--format", "json").stdout)["body"]


def test_exports_concatenated_each_with_its_byte_order_mark_keep_every_record(tmp_path):
    """Two Windows exports joined with `cat`: the second one's UTF-8 byte order mark opens a line
    in the middle of the file, and that record was reported as invalid JSON."""
    feed = tmp_path / "feed"
    feed.mkdir()
    one = '{"id": "w1", "title": "第一份导出", "body": "第一份导出的正文内容足够长，记号甲。"}\n'
    two = '{"id": "w2", "title": "第二份导出", "body": "第二份导出的正文内容足够长，记号乙。"}\n'
    (feed / "joined.jsonl").write_bytes(b"\xef\xbb\xbf" + one.encode() + b"\xef\xbb\xbf" + two.encode())
    index = tmp_path / "index"
    report = json.loads(ok(index, "rebuild", str(feed), "--format", "json").stdout)
    assert report["articles"] == 2 and report["records_skipped"] == 0, report
    assert "记号乙" in json.loads(ok(index, "show", "w2", "--format", "json").stdout)["body"]


def test_records_with_their_own_ids_and_identical_text_are_both_kept_and_collapse(tmp_path):
    text = {"title": "全国人大常委会举行第十次会议", "date": "2020-05-14",
            "body": "全国人大常委会今日在京举行第十次会议，审议民法典草案。会议听取了关于草案修改情况的汇报，"
                    "委员们分组审议后认为草案已经比较成熟，建议提请大会审议。记号重印。"}
    records = [{"id": "rmrb-20200514-04-07", **text}, {"id": "rmrb-20200514-01-02", **text},
               {"id": "rmrb-20200514-02-01", "title": "另一篇报道", "date": "2020-05-14",
                "body": "各地推进复工复产。"}]
    feed = tmp_path / "feed" / "rmrb.jsonl"
    feed.parent.mkdir()
    feed.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    index = tmp_path / "index"
    report = json.loads(ok(index, "rebuild", str(feed.parent), "--format", "json").stdout)
    assert report["articles"] == 3 and report["duplicates"] == [] and report["reposts"] == 1
    for rid in ("rmrb-20200514-04-07", "rmrb-20200514-01-02"):
        assert json.loads(ok(index, "show", rid, "--format", "json").stdout)["title"] == text["title"]
    collapsed = json.loads(ok(index, "search", "记号重印", "--format", "json").stdout)
    assert collapsed["total"] == 2 and len(collapsed["hits"]) == 1 and collapsed["hits"][0]["duplicates"] == 1
    every = json.loads(ok(index, "search", "记号重印", "--no-collapse", "--format", "json").stdout)
    assert {h["id"] for h in every["hits"]} == {"rmrb-20200514-04-07", "rmrb-20200514-01-02"}


def test_reposts_read_again_are_counted_as_a_rebuild_counts_them(tmp_path):
    """Two identical pages read again (new options: every file re-read) were reported as two
    kept reposts, each meeting the other's earlier copy; the index holds one pair."""
    folder = tmp_path / "pages"
    folder.mkdir()
    same = "重复的通知\n\n这是同一篇通知的正文，两个文件内容相同，记号同文。\n"
    (folder / "a.txt").write_text(same, encoding="utf-8")
    (folder / "b.txt").write_text(same, encoding="utf-8")
    (folder / "c.txt").write_text("另一篇通知\n\n这是另一篇通知的正文，内容不同，记号异文。\n", encoding="utf-8")
    index = tmp_path / "index"
    said = lambda *a: json.loads(ok(index, *a, "--format", "json").stdout)["reposts"]  # noqa: E731
    assert said("ingest", str(folder), "--source-name", "甲") == 1
    assert said("ingest", str(folder), "--source-name", "乙") == 1
    assert said("rebuild") == 1
    (folder / "d.txt").write_text(same, encoding="utf-8")  # a third copy, the others not read again
    assert said("ingest", str(folder)) == 1


def test_short_reposts_collapse_too_and_short_texts_under_other_titles_stay_apart(tmp_path):
    """A body too short to judge by its shingles (a brief, a notice's `详见附件`) still collapses
    with a record of the same title and text; another title over the same short text is another
    article (two notices, one attachment line)."""
    brief = {"title": "重复文章一", "body": "这是一篇被转载的短讯，长江流域生态保护取得进展，记号短讯。"}
    notice = "详见附件。记号附件。"
    records = [{"id": "11", "date": "2021-06-01", "source": "甲报", **brief},
               {"id": "12", "date": "2021-06-02", "source": "乙报", **brief},
               {"id": "n1", "title": "关于甲事项的通知", "body": notice},
               {"id": "n2", "title": "关于乙事项的通知", "body": notice}]
    feed = tmp_path / "feed" / "a.jsonl"
    feed.parent.mkdir()
    feed.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    index = tmp_path / "index"
    report = json.loads(ok(index, "rebuild", str(feed.parent), "--format", "json").stdout)
    assert report["articles"] == 4 and report["reposts"] == 1
    collapsed = json.loads(ok(index, "search", "记号短讯", "--format", "json").stdout)
    assert collapsed["total"] == 2 and len(collapsed["hits"]) == 1 and collapsed["hits"][0]["duplicates"] == 1
    apart = json.loads(ok(index, "search", "记号附件", "--format", "json").stdout)
    assert apart["total"] == 2 and len(apart["hits"]) == 2
    # the same short notice (one title, 详见附件) a year apart is two notices, not a repost
    notices = [{"id": f"s{i}", "title": "双随机一公开抽查结果公示", "date": day, "source": "某局", "body": "详见附件。记号公示。"}
               for i, day in enumerate(("2023-03-01", "2024-09-01", "2024-09-02"))]
    feed.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in notices), encoding="utf-8")
    ok(index, "rebuild")
    found = json.loads(ok(index, "search", "记号公示", "--format", "json").stdout)
    assert found["total"] == 3 and found["stories"] == 2


def test_an_id_repeated_within_one_source_is_reported_not_stored_twice(tmp_path):
    feed = tmp_path / "feed" / "a.jsonl"
    feed.parent.mkdir()
    feed.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in [
        {"id": "x1", "title": "第一篇", "body": "内容甲。"}, {"id": "y1", "title": "第二篇", "body": "内容丙。"}])
        + "\n" + json.dumps({"id": "x1", "title": "第一篇改", "body": "内容乙。"}, ensure_ascii=False) + "\n",
        encoding="utf-8")
    index = tmp_path / "index"
    report = json.loads(ok(index, "rebuild", str(feed.parent), "--format", "json").stdout)
    assert report["articles"] == 2 and len(report["duplicates"]) == 1 and "x1" in report["duplicates"][0]
    assert report["duplicates"][0].startswith("a.jsonl:4"), report["duplicates"]  # the dropped record's line


def test_an_id_repeated_in_two_files_of_a_source_is_the_earlier_files_record_for_ingest_and_rebuild(tmp_path):
    """A tester: b.jsonl held X1 (甲); then a.jsonl, read first by a rebuild, gave X1 another record
    (乙). The ingest kept 甲 and the nightly rebuild silently turned the article into 乙. Both keep
    the record of the file a folder is read in first (a subfolder where its name falls)."""
    feed = tmp_path / "feed"
    (feed / "sub").mkdir(parents=True)
    index = tmp_path / "index"

    def record(title: str) -> str:
        return json.dumps({"id": "X1", "title": title, "body": f"{title}的正文内容。", "date": "2024-02-05"},
                          ensure_ascii=False) + "\n"

    def title() -> str:
        return json.loads(ok(index, "show", "X1", "--format", "json").stdout)["title"]

    (feed / "sub" / "b.jsonl").write_text(record("文章甲"), encoding="utf-8")
    ok(index, "ingest", str(feed))
    (feed / "a.jsonl").write_text(record("文章乙"), encoding="utf-8")  # read before sub/b.jsonl
    report = json.loads(ok(index, "ingest", str(feed), "--format", "json").stdout)
    assert (report["updated"], title()) == (1, "文章乙")
    # ... and sub/b.jsonl's record is said to be a repeat, by the ingest as by the rebuild: by its line
    said = report["duplicates"]
    assert said == ["sub/b.jsonl:1: duplicate of article 'X1' (same id)"]
    report = json.loads(ok(index, "rebuild", "--format", "json").stdout)
    assert (report["updated"], report["unchanged"], title()) == (0, 1, "文章乙")
    assert report["duplicates"] == said
    (feed / "a.jsonl").unlink()  # the earlier file gone: the later one's record is the article again
    ok(index, "ingest", str(feed), "--prune")
    ok(index, "ingest", str(feed))
    assert title() == "文章甲"
    ok(index, "rebuild")
    assert title() == "文章甲"


def test_a_reader_for_another_store_gets_every_article_the_index_would_hold(tmp_path):
    """`read_into` (how a cluster is fed) reads as a rebuild does: the same articles, in the order
    read, the same ids for colliding records, the same report of bad lines and reposts."""
    from indexer.ingest.run import read_into, run_ingest
    from indexer.ingest.writer import HeldArticles
    from indexer.search.engine import SearchEngine
    from indexer.search.request import SearchRequest

    feed = tmp_path / "feed"
    feed.mkdir()
    same = {"title": "同一篇", "date": "2020-05-14", "body": "全国人大常委会今日在京举行会议。" * 5}
    lines = [json.dumps({"id": "a1", **same}, ensure_ascii=False),
             json.dumps({"id": "a2", **same}, ensure_ascii=False),
             json.dumps({"id": "a3", "title": f"含{ODD}的标题", "date": "2020-05-15", "body": f"正文{ODD}记号乙"},
                        ensure_ascii=False),
             "{not json",
             json.dumps({"id": "a1", "title": "重复的编号", "body": "另一篇"}, ensure_ascii=False)]
    (feed / "x.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")

    class Held(HeldArticles):  # and when each step came
        state = "new"

        def start(self):
            self.state = "started"

        def add(self, article):
            assert self.state == "started"
            super().add(article)

        def commit(self):
            self.state = "committed"

        def cancel(self):
            self.state = "cancelled"

    held = Held()
    report, sources = read_into(held, tmp_path / "work", [feed])
    embedded = run_ingest(tmp_path / "index", [feed], rebuild=True)
    assert held.state == "committed" and [s.path for s in sources] == [str(feed.resolve())]
    assert [a.id for a in held.articles] == ["a1", "a2", "a3"]
    assert held.articles[2].body.endswith("记号乙") and ODD in held.articles[2].title
    with SearchEngine(tmp_path / "index") as engine:
        ids = {h.id for h in engine.search(SearchRequest.create("", per_page=100, collapse=False)).hits}
    assert ids == {a.id for a in held.articles}
    for field in ("articles", "reposts", "records_skipped"):
        assert getattr(report, field) == getattr(embedded, field), field
    assert [str(s) for s in report.skipped] == [str(s) for s in embedded.skipped]
    assert [str(s) for s in report.duplicates] == [str(s) for s in embedded.duplicates]
    assert report.articles == 3 and report.records_skipped == 1 and len(report.duplicates) == 1


def test_a_record_renamed_because_another_source_has_its_id_is_counted_added_not_updated(tmp_path):
    """Two crawlers numbered their records alike (`gen/0001` in each): the second source's
    records are stored under new ids and reported as added; the first source's articles were
    not updated, and the report must not say they were."""
    def export(folder, source, marker):
        folder.mkdir(parents=True)
        (folder / f"{source}.jsonl").write_text("".join(json.dumps(
            {"id": f"gen/{i:04d}", "title": f"{source}第{i}篇", "date": "2024-05-01", "source": source,
             "body": f"{source}的报道内容，第{i}篇，记号{marker}{i}。"}, ensure_ascii=False) + "\n" for i in range(3)),
            encoding="utf-8")
        return folder

    index = tmp_path / "index"
    ok(index, "rebuild", str(export(tmp_path / "a", "甲社", "甲")))
    report = json.loads(ok(index, "ingest", str(export(tmp_path / "b", "乙社", "乙")), "--format", "json").stdout)
    assert (report["added"], report["updated"], report["unchanged"]) == (3, 0, 0)
    assert report["articles"] == 6 and len(report["renamed"]) == 3
    assert json.loads(ok(index, "show", "gen/0001", "--format", "json").stdout)["source"] == "甲社"
    again = json.loads(ok(index, "ingest", str(tmp_path / "b"), "--format", "json").stdout)
    assert (again["added"], again["updated"], again["articles"]) == (0, 0, 6)


def test_the_same_record_in_two_sources_is_one_article_and_a_changed_one_is_renamed(tmp_path):
    """An export copied into two folders holds the same records under the same ids: each is
    stored once (a duplicate, as the same article again), not renamed as 'a different article';
    a record whose id is taken by a different record is still stored under a new id."""
    records = [{"id": f"p{i}", "title": f"公告第{i}号", "date": "2024-05-01", "source": "某部",
                "body": f"公告的正文内容，第{i}号，记号复本{i}。"} for i in range(3)]

    def folder(name, rows):
        (tmp_path / name).mkdir()
        (tmp_path / name / "a.jsonl").write_text(
            "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
        return str(tmp_path / name)

    changed = [dict(r) for r in records]
    changed[2]["body"] = "改过的正文，记号改本。"
    index = tmp_path / "index"
    report = json.loads(ok(index, "rebuild", folder("x", records), folder("y", changed), "--format", "json").stdout)
    assert report["articles"] == 4 and len(report["duplicates"]) == 2 and len(report["renamed"]) == 1
    assert all("different article" not in str(d) for d in report["duplicates"])
    found = json.loads(ok(index, "search", "记号复本", "--no-collapse", "--format", "json").stdout)
    assert sorted(h["id"] for h in found["hits"]) == ["p0", "p1", "p2"]
    assert json.loads(ok(index, "search", "记号改本", "--format", "json").stdout)["hits"][0]["id"] == "y/p2"
    again = json.loads(ok(index, "rebuild", "--format", "json").stdout)
    assert again["articles"] == 4 and again["added"] == 0 and again["removed"] == 0


def test_an_id_given_instead_of_a_taken_one_stays_when_the_taken_one_is_freed(tmp_path):
    """Two sites' pages share a name (1.html): the second was stored as site-b/1.html. When the
    first site's page is renamed, a rebuild keeps site-b/1.html where it was — a citation of it
    still opens it, and 1.html does not silently become another article — and reports the
    first page's old id removed, its new one added, site-b's unchanged."""
    def site(name: str) -> Path:
        folder = tmp_path / name
        folder.mkdir()
        (folder / "1.html").write_text(
            f"<html><head><title>{name}的新闻标题在这里</title></head><body><h1>{name}的新闻标题在这里</h1>"
            f"<p>这是{name}的正文第一段，讲述了一件发生在本市的新闻事件，内容相当具体。</p>"
            "<p>这是正文的第二段，记者采访了多位市民，他们都表达了自己的看法。</p></body></html>", encoding="utf-8")
        return folder

    index = tmp_path / "index"
    ok(index, "ingest", str(site("site-a")))
    ok(index, "ingest", str(site("site-b")))
    assert json.loads(ok(index, "show", "site-b/1.html", "--format", "json").stdout)["title"] == "site-b的新闻标题在这里"
    (tmp_path / "site-a" / "1.html").rename(tmp_path / "site-a" / "2.html")
    report = json.loads(ok(index, "rebuild", "--format", "json").stdout)
    assert (report["added"], report["unchanged"], report["updated"], report["removed"]) == (1, 1, 0, 1)
    assert [r["id"] for r in report["removed_articles"]] == ["1.html"] and report["renamed"] == []
    assert json.loads(ok(index, "show", "site-b/1.html", "--format", "json").stdout)["title"] == "site-b的新闻标题在这里"
    assert json.loads(ok(index, "show", "2.html", "--format", "json").stdout)["title"] == "site-a的新闻标题在这里"
    assert cli(index, "show", "1.html").returncode != 0


def test_an_article_another_source_still_holds_stays_when_its_first_source_drops_it(tmp_path):
    """The same record in two sources is stored once; when the first source's file no longer
    holds it (or is gone, with --prune), the article stays, now the second source's, as a
    rebuild of both would keep it; where the first source changes the record, the second
    source's copy is read again at its next ingest and stored under a renamed id."""
    def write(folder: str, rows: list[dict]) -> str:
        (tmp_path / folder).mkdir(exist_ok=True)
        (tmp_path / folder / "a.jsonl").write_text(
            "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
        return str(tmp_path / folder)

    shared = {"id": "k1", "title": "共享文章", "date": "2024-01-02", "body": "两个来源都有的同一条记录，记号共享。"}
    only_1 = {"id": "k2", "title": "只在一", "date": "2024-01-03", "body": "只在第一个来源，记号甲。"}
    only_2 = {"id": "k3", "title": "只在二", "date": "2024-01-04", "body": "只在第二个来源，记号乙。"}
    q1, q2 = write("q1", [shared, only_1]), write("q2", [shared, only_2])
    index = tmp_path / "index"
    report = json.loads(ok(index, "ingest", q1, q2, "--format", "json").stdout)
    assert report["articles"] == 3 and len(report["duplicates"]) == 1
    write("q1", [only_1])
    report = json.loads(ok(index, "ingest", q1, "--format", "json").stdout)
    assert report["removed"] == 0 and report["articles"] == 3
    assert json.loads(ok(index, "show", "k1", "--format", "json").stdout)["title"] == "共享文章"
    # the file it is kept for is q2's now: when that drops it too, the article goes
    write("q2", [only_2])
    report = json.loads(ok(index, "ingest", q2, "--format", "json").stdout)
    assert report["removed"] == 1 and cli(index, "show", "k1").returncode != 0
    # a copy whose first source's file is gone (`--prune`) stays too
    index = tmp_path / "index-prune"
    q1, q2 = write("p1", [shared, only_1]), write("p2", [shared, only_2])
    ok(index, "ingest", q1, q2)
    (tmp_path / "p1" / "a.jsonl").unlink()
    (tmp_path / "p1" / "b.jsonl").write_text(json.dumps(only_1, ensure_ascii=False) + "\n", encoding="utf-8")
    report = json.loads(ok(index, "ingest", q1, "--prune", "--format", "json").stdout)
    assert report["removed"] == 0 and report["articles"] == 3 and report["duplicates"] == []
    assert json.loads(ok(index, "show", "k1", "--format", "json").stdout)["title"] == "共享文章"
    # (k2, moved into the source's new file b.jsonl, is the same article, not a repeat of its id)
    assert json.loads(ok(index, "show", "k2", "--format", "json").stdout)["title"] == "只在一"

    # a changed record in the first source: the second's copy is stored under a renamed id
    index = tmp_path / "index2"
    q1, q2 = write("r1", [shared]), write("r2", [shared, only_2])
    ok(index, "ingest", q1, q2)
    write("r1", [{**shared, "body": "改过的正文，记号改过。"}])
    ok(index, "ingest", q1)
    report = json.loads(ok(index, "ingest", q2, "--format", "json").stdout)
    assert report["added"] == 1 and [r for r in report["renamed"] if "k1" in str(r)]
    found = json.loads(ok(index, "search", "记号共享", "--format", "json").stdout)
    assert [h["id"] for h in found["hits"]] == ["r2/k1"]


def test_a_records_odd_value_costs_that_record_at_most_never_its_neighbours_or_the_run(tmp_path):
    """A hostile-input tester's records: a lone surrogate escape (an emoji a crawler cut in two)
    crashed the whole rebuild; a 400-digit date or a number where HTML was expected threw away
    every record of the file; a body given as a list of paragraphs or inside an object was kept
    empty without a word."""
    good = "国务院新闻办公室今天举行新闻发布会，介绍生态环境保护工作进展情况。"
    huge = "1" + "0" * 400
    lines = [
        '{"id": "a", "title": "截断的表情", "body": "' + good + '记号甲\\udfff"}',
        '{"id": "b\\udc80", "title": "坏编号", "source": "某报\\ud83d", "body": "' + good + '记号乙"}',
        '{"id": "c", "title": "巨大的日期", "date": ' + huge + ', "body": "' + good + '记号丙"}',
        '{"id": "d", "title": "数字网页", "html": 0.5}',
        json.dumps({"id": "e", "title": ["分段", "标题"], "body": [good, "记号丁。"]}, ensure_ascii=False),
        json.dumps({"id": "f", "title": "对象正文", "content": {"text": good + "记号戊。"}}, ensure_ascii=False),
    ]
    feed = tmp_path / "feed" / "odd.jsonl"
    feed.parent.mkdir()
    feed.write_text("\n".join(lines) + "\n", encoding="utf-8")
    index = tmp_path / "index"
    report = json.loads(ok(index, "rebuild", str(feed.parent), "--format", "json").stdout)
    assert report["articles"] == 6 and report["records_skipped"] == 0, report
    for mark in ("记号甲", "记号乙", "记号丙", "记号丁", "记号戊"):
        assert json.loads(ok(index, "search", mark, "--format", "json").stdout)["total"] == 1, mark
    assert json.loads(ok(index, "show", "b\ufffd", "--format", "json").stdout)["source"] == "某报\ufffd"
    assert json.loads(ok(index, "show", "c", "--format", "json").stdout)["date"] is None
    shown = json.loads(ok(index, "show", "e", "--format", "json").stdout)
    assert shown["title"] == "分段 标题" and shown["body"].endswith("\n记号丁。")


def test_a_file_name_that_is_not_utf8_is_read_and_named_not_a_crash(tmp_path):
    """An archive unzipped from Windows names its files in GBK: the rebuild crashed writing the
    id (and the report, for a skipped one)."""
    folder = tmp_path / "site"
    folder.mkdir()
    page = ("<html><head><title>GBK文件名的页面</title></head><body><h1>GBK文件名的页面</h1>"
            "<p>国务院新闻办公室今天举行新闻发布会，介绍生态环境保护工作进展情况，记号己。</p></body></html>")
    (folder / os.fsdecode("文件".encode("gbk") + b".html")).write_text(page, encoding="utf-8")
    (folder / os.fsdecode("空".encode("gbk") + b".html")).write_text("", encoding="utf-8")
    index = tmp_path / "index"
    report = json.loads(ok(index, "rebuild", str(folder), "--format", "json").stdout)
    assert report["articles"] == 1 and [s["path"] for s in report["skipped"]] == ["空.html"]
    assert json.loads(ok(index, "search", "记号己", "--format", "json").stdout)["hits"][0]["id"] == "文件.html"


def test_a_copy_is_kept_only_while_it_is_the_record_the_index_holds(tmp_path):
    """A review's cases: the first source changes the shared record, then drops it — the index
    must not keep the changed text no file holds (the second source's copy is read again at its
    next ingest instead); a record moved into a new file of its source while the old file is
    still there (the new one read first) stays."""
    def write(folder: str, name: str, rows: list[dict]) -> str:
        (tmp_path / folder).mkdir(exist_ok=True)
        (tmp_path / folder / name).write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
                                              encoding="utf-8")
        return str(tmp_path / folder)

    shared = {"id": "k1", "title": "共享文章", "body": "两个来源都有的同一条记录，记号共享。"}
    other = {"id": "k2", "title": "只在一", "body": "只在第一个来源，记号甲。"}
    index = tmp_path / "index"
    q1, q2 = write("q1", "a.jsonl", [shared, other]), write("q2", "a.jsonl", [shared])
    ok(index, "ingest", q1, q2)
    write("q1", "a.jsonl", [{**shared, "body": "第一个来源改过的正文，记号改过。"}, other])
    ok(index, "ingest", q1)
    write("q1", "a.jsonl", [other])
    ok(index, "ingest", q1)
    assert json.loads(ok(index, "search", "记号改过", "--format", "json").stdout)["total"] == 0
    report = json.loads(ok(index, "ingest", q2, "--format", "json").stdout)
    assert report["added"] == 1
    assert [h["id"] for h in json.loads(ok(index, "search", "记号共享", "--format", "json").stdout)["hits"]] == ["k1"]

    # within one source: k1 moves from z.jsonl into a new a.jsonl (read first), z.jsonl stays
    index = tmp_path / "index2"
    src = write("s", "z.jsonl", [shared, other])
    ok(index, "ingest", src)
    write("s", "a.jsonl", [shared])
    write("s", "z.jsonl", [other])
    report = json.loads(ok(index, "ingest", src, "--format", "json").stdout)
    assert report["removed"] == 0 and report["articles"] == 2
    assert json.loads(ok(index, "show", "k1", "--format", "json").stdout)["title"] == "共享文章"


def test_files_of_other_kinds_in_a_folder_are_counted_not_passed_over_in_silence(tmp_path):
    """A tester's archive of .htm.gz pages gave 0 articles with no word of them."""
    import gzip
    folder = tmp_path / "site"
    (folder / "page_files").mkdir(parents=True)
    (folder / "ok.html").write_text("<html><head><title>正常页面标题</title></head><body><h1>正常页面标题</h1>"
                                    "<p>国务院新闻办公室今天举行新闻发布会，介绍生态环境保护工作进展情况。</p></body></html>",
                                    encoding="utf-8")
    (folder / "old.htm.gz").write_bytes(gzip.compress(b"<html></html>"))
    (folder / "page_files" / "a.png").write_bytes(b"\x89PNG")
    (folder / "page_files" / "b.png").write_bytes(b"\x89PNG")
    report = json.loads(ok(tmp_path / "index", "rebuild", str(folder), "--format", "json").stdout)
    assert report["articles"] == 1 and report["other_files"] == {".png": 2, ".htm.gz": 1}
    line = cli(tmp_path / "index", "rebuild").stdout
    assert "另有 3 个其他类型的文件未读（.png 2、.htm.gz 1）" in line
