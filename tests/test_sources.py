"""Nothing a user ingested is lost, and nothing that is not an article gets in (issue 12).

Through the real command line (docs/interfaces.md "Command line": ingest, rebuild, sources; "Article": id):
the index records the paths it was read from, `rebuild` without PATH reads them all again, a
recorded source that is gone fails the rebuild unless `--drop-missing`, two sites saved the same
way keep both articles, junk is skipped with a reason, kicker headlines stay, and the reports'
counts are what the index holds.
"""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from helpers import DEMO_ARTICLES, cli, live_generation, ok, stats, total, write_article, write_corpus, write_jsonl

pytestmark = pytest.mark.slow

HOSTILE = Path(__file__).resolve().parent / "hostile"


def report(index: Path, *args) -> tuple[dict, str]:
    proc = ok(index, *args, "--format", "json")
    return json.loads(proc.stdout), proc.stderr


def sources(index: Path) -> list[dict]:
    return json.loads(ok(index, "sources", "--format", "json").stdout)["sources"]


def demo_count() -> int:
    return sum(1 for line in (DEMO_ARTICLES / "ey-gazette-sample.jsonl").read_text(encoding="utf-8").splitlines()
               if line.strip()) + 1  # and the one text page


def assert_adds_up(rep: dict, index: Path) -> None:
    """The report's counts are what the index holds, and add up."""
    assert rep["articles"] == stats(index)["articles"] == total(index, "")
    assert rep["articles"] == rep["previous_articles"] + rep["added"] - rep["removed"]
    assert len(rep["removed_articles"]) == rep["removed"]


def page(path: Path, title: str, body: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f'<html><head><meta charset="utf-8"><title>{title}</title></head><body><h1>{title}</h1>'
                    f"<p>{body}</p><p>发布时间：2024-04-01</p></body></html>", encoding="utf-8")
    return path


# ----------------------------------------------------------------------- recorded sources


def test_ingest_then_rebuild_keeps_every_article(tmp_path):
    index = tmp_path / "index"
    first, _ = report(index, "rebuild")  # a new index starts with the demo articles
    assert first["articles"] == demo_count()
    mine = tmp_path / "my-folder"  # records that name no source: --source-name fills it
    write_jsonl(mine / "mine.jsonl", [{"id": f"m{i}", "title": f"我的文章{i}", "body": f"我的正文第{i}篇，记号丙。"}
                                      for i in range(4)])
    rep, _ = report(index, "ingest", mine, "--source-name", "我的来源")
    assert (rep["added"], rep["articles"]) == (4, demo_count() + 4)
    assert_adds_up(rep, index)

    rep, err = report(index, "rebuild")  # what the nightly timer runs
    assert rep["articles"] == demo_count() + 4
    assert (rep["removed"], rep["added"]) == (0, 0) and "removed" not in err
    assert total(index, "记号丙") == 4
    assert_adds_up(rep, index)
    # ... each source read with the options it was recorded with
    assert json.loads(ok(index, "search", "记号丙", "--source", "我的来源", "--format", "json").stdout)["total"] == 4

    listed = sources(index)
    assert [s["path"] for s in listed] == [str(DEMO_ARTICLES), str(mine)]
    assert [s["articles"] for s in listed] == [demo_count(), 4]
    assert listed[1]["options"]["source_name"] == "我的来源" and listed[1]["last_read"]
    text = ok(index, "sources").stdout
    assert str(mine) in text and "4 篇文章" in text and "--source-name 我的来源" in text


def test_rebuild_with_paths_replaces_the_recorded_sources(tmp_path):
    index = tmp_path / "index"
    a = write_corpus(tmp_path / "a", 3, "甲")
    b = write_corpus(tmp_path / "b", 2, "乙")
    ok(index, "ingest", a)
    ok(index, "ingest", b)
    rep, err = report(index, "rebuild", b)
    assert rep["articles"] == 2 and rep["removed"] == 3
    assert err.count("移除 ") == 3 and "它的来源不再读取" in err
    assert [s["path"] for s in sources(index)] == [str(b)]
    assert report(index, "rebuild")[0]["articles"] == 2


def _archive_with_a_wire_recorded_inside(tmp_path: Path) -> tuple[Path, Path, Path]:
    """An index of ARCHIVE (a page) with ARCHIVE/wire (one record) recorded on its own with
    `--source-name 通讯社`: (index, archive, wire)."""
    index = tmp_path / "index"
    archive = tmp_path / "archive"
    page(archive / "local" / "1.html", "本地新闻", "本地记者报道城市交通建设的新进展。记号本地。")
    wire = archive / "wire"
    write_jsonl(wire / "feed.jsonl", [{"id": "w1", "title": "通稿一", "body": "通稿正文，记号通稿。"}])
    ok(index, "ingest", archive)
    ok(index, "ingest", wire, "--source-name", "通讯社")
    return index, archive, wire


def test_rebuild_of_a_recorded_path_keeps_its_source_name_unless_options_are_given(tmp_path):
    """`rebuild ARCHIVE` after `ingest ARCHIVE/wire --source-name 通讯社` once stripped the
    source from every wire article (the rebuild read every path with the default options)."""
    index, archive, wire = _archive_with_a_wire_recorded_inside(tmp_path)
    by = lambda source: json.loads(ok(index, "search", "记号通稿", "--source", source, "--format", "json").stdout)["total"]  # noqa: E731
    wired = lambda: by("通讯社")  # noqa: E731
    assert wired() == 1
    rep, _ = report(index, "rebuild", wire)
    assert (rep["articles"], rep["updated"]) == (1, 0) and wired() == 1
    ok(index, "ingest", archive)
    rep, _ = report(index, "rebuild", archive)
    assert (rep["articles"], rep["updated"], rep["removed"]) == (2, 0, 0) and wired() == 1
    assert {s["path"]: s["options"]["source_name"] for s in sources(index)} == {str(archive): None, str(wire): "通讯社"}
    # a reading option given is the user's new choice for the paths given
    rep, _ = report(index, "rebuild", wire, "--source-name", "新华社")
    assert rep["updated"] == 1 and wired() == 0 and by("新华社") == 1


def test_one_reading_option_given_keeps_the_others_recorded(tmp_path):
    """`ingest feed --source-name 某报` after the feed was read with `--field-map article=body`
    once read it with the default map: every body empty, every article "updated"."""
    index = tmp_path / "index"
    feed = tmp_path / "feed"
    write_jsonl(feed / "export.jsonl", [{"id": f"c{i}", "title": f"标题{i}", "article": f"正文记号{i}，关于城市交通。"}
                                        for i in range(3)])
    ok(index, "ingest", feed, "--field-map", "article=body")
    assert total(index, "正文记号1") == 1
    rep, _ = report(index, "ingest", feed, "--source-name", "某报")
    assert rep["updated"] == 3 and total(index, "正文记号1") == 1
    assert json.loads(ok(index, "search", "正文记号1", "--source", "某报", "--format", "json").stdout)["total"] == 1
    [recorded] = sources(index)
    assert (recorded["options"]["source_name"], recorded["options"]["field_map"]) == ("某报", {"article": "body"})
    rep, _ = report(index, "rebuild", feed, "--max-file-mb", "8")
    assert (rep["updated"], rep["articles"]) == (0, 3) and total(index, "正文记号2") == 1


def test_a_missing_source_fails_the_rebuild_and_drop_missing_forgets_it(tmp_path):
    index = tmp_path / "index"
    disk = write_corpus(tmp_path / "disk", 5, "盘")
    local = write_corpus(tmp_path / "local", 3, "本")
    ok(index, "ingest", local)
    ok(index, "ingest", disk)
    before = live_generation(index)
    disk.rename(tmp_path / "disk-unmounted")

    proc = cli(index, "rebuild")
    assert proc.returncode == 1
    assert proc.stdout == "" and "Traceback" not in proc.stderr
    assert str(disk) in proc.stderr and "--drop-missing" in proc.stderr
    assert live_generation(index) == before  # the live index is untouched and still answers
    assert stats(index)["articles"] == 8 and total(index, "记号盘") == 5
    assert len(sources(index)) == 2

    # an unmounted disk often leaves its empty mount point: that is missing too
    disk.mkdir()
    assert cli(index, "rebuild").returncode == 1
    assert live_generation(index) == before

    rep, err = report(index, "rebuild", "--drop-missing")
    assert rep["articles"] == 3 and rep["removed"] == 5 and rep["dropped_sources"] == [str(disk)]
    assert err.count("移除 ") == 5 and "它的来源已不再记录" in err and f"不再记录来源 {disk}" in err
    assert total(index, "记号盘") == 0 and total(index, "记号本") == 3
    assert [s["path"] for s in sources(index)] == [str(local)]
    assert_adds_up(rep, index)


def test_files_gone_from_a_present_source_are_removed_counted_and_listed(tmp_path):
    index = tmp_path / "index"
    folder = write_corpus(tmp_path / "articles", 5, "甲")
    ok(index, "rebuild", folder)
    (folder / "a00001.txt").unlink()
    (folder / "a00003.txt").unlink()
    rep, err = report(index, "rebuild")
    assert rep["removed"] == 2 and rep["articles"] == 3
    assert sorted(r["id"] for r in rep["removed_articles"]) == ["a00001.txt", "a00003.txt"]
    assert "移除 a00001.txt（a00001.txt）：它的文件已不存在" in err
    assert_adds_up(rep, index)


# ------------------------------------------------------------------------------- ids


def test_two_folders_with_the_same_relative_paths_keep_both_articles(tmp_path):
    index = tmp_path / "index"
    a = page(tmp_path / "site-a" / "1.html", "甲站的报道", "甲站记者报道城市交通建设的新进展。记号甲站。")
    b = page(tmp_path / "site-b" / "1.html", "乙站的报道", "乙站记者报道乡村教育发展的新情况。记号乙站。")
    ok(index, "ingest", a.parent)
    rep, err = report(index, "ingest", b.parent)
    assert rep["added"] == 1 and rep["articles"] == 2 and rep["duplicates"] == []
    assert "改名 1.html" in err and "site-b/1.html" in err
    assert json.loads(ok(index, "show", "1.html", "--format", "json").stdout)["title"] == "甲站的报道"
    assert json.loads(ok(index, "show", "site-b/1.html", "--format", "json").stdout)["title"] == "乙站的报道"

    # the same page saved a third time under its own id is an article of its own: kept, counted
    # as a repost, and collapsed with the first copy in results
    shutil.copytree(b.parent, tmp_path / "site-c")
    rep, err = report(index, "ingest", tmp_path / "site-c")
    assert rep["articles"] == 3 and rep["duplicates"] == [] and rep["reposts"] == 1 and "site-c/1.html" in err

    rep, _ = report(index, "rebuild")  # the same ids again, in the order the sources were recorded
    assert rep["articles"] == 3 and rep["removed"] == 0
    assert total(index, "记号乙站") == 2
    assert json.loads(ok(index, "show", "site-c/1.html", "--format", "json").stdout)["title"] == "乙站的报道"
    assert json.loads(ok(index, "show", "site-b/1.html", "--format", "json").stdout)["title"] == "乙站的报道"


def test_a_folder_recorded_inside_another_keeps_its_options_its_ids_and_the_nightly_rebuild(tmp_path):
    index = tmp_path / "index"
    archive = tmp_path / "archive"
    page(archive / "local" / "1.html", "本地新闻", "本地记者报道城市交通建设的新进展。记号本地。")
    wire = archive / "wire"
    write_jsonl(wire / "feed.jsonl", [{"id": "w1", "title": "通稿一", "body": "通稿正文，记号通稿。"}])
    page(wire / "2.html", "通稿二", "通稿二的正文报道乡村教育发展的新情况。记号通稿。")
    ok(index, "ingest", archive)
    # the wire folder's articles name no source: the user gives it one, for that folder alone
    ok(index, "ingest", wire, "--source-name", "通讯社")
    by_source = {"--source": "通讯社", "--format": "json"}
    wired = lambda: json.loads(ok(index, "search", "记号通稿", *[x for kv in by_source.items() for x in kv]).stdout)["total"]  # noqa: E731
    assert wired() == 2
    # the next nightly runs: the outer folder read again keeps the inner one's options (no
    # articles "updated" back and forth), and the rebuild neither fails nor skips anything
    rep, _ = report(index, "ingest", archive)
    assert (rep["changed"], rep["updated"], rep["unchanged"]) == (False, 0, 3)
    rep, err = report(index, "rebuild")
    assert (rep["articles"], rep["removed"], rep["files_skipped"], rep["dropped_sources"]) == (3, 0, 0, [])
    assert "跳过" not in err and wired() == 2
    assert {s["path"]: s["articles"] for s in sources(index)} == {str(archive): 1, str(wire): 2}
    # a page new in the inner folder gets the id the rebuild gives it: relative to the folder
    # recorded first, whichever of the two is read
    page(wire / "3.html", "通稿三", "通稿三的正文说明新的政策措施。记号通稿。")
    ok(index, "ingest", wire, "--source-name", "通讯社")
    ids = lambda: sorted(json.loads(line)["id"] for line in ok(index, "export").stdout.split("\n") if line)  # noqa: E731
    assert ids() == ["local/1.html", "w1", "wire/2.html", "wire/3.html"]
    rep, _ = report(index, "rebuild")
    assert (rep["added"], rep["removed"]) == (0, 0) and ids() == ["local/1.html", "w1", "wire/2.html", "wire/3.html"]
    assert wired() == 3


def test_a_folder_recorded_inside_another_deleted_then_pruned_is_forgotten(tmp_path):
    """`ingest ARCHIVE --prune` after ARCHIVE/wire (recorded on its own) was deleted removed its
    articles but left `sources` listing it, gone, with no articles, until a rebuild."""
    index, archive, wire = _archive_with_a_wire_recorded_inside(tmp_path)
    shutil.rmtree(wire)
    rep, err = report(index, "ingest", archive, "--prune")
    assert (rep["removed"], rep["articles"]) == (1, 1) and "移除 w1" in err
    assert [s["path"] for s in sources(index)] == [str(archive)]
    assert total(index, "记号通稿") == 0 and total(index, "记号本地") == 1


def test_an_unmounted_folder_holding_recorded_folders_fails_the_rebuild_and_loses_nothing(tmp_path):
    """The review: an archive folder whose files all lie in folders recorded on their own, found
    empty (its disk not mounted): the inner folders were taken for deleted, their articles
    removed and the sources forgotten, where the rebuild must refuse."""
    index = tmp_path / "index"
    archive = tmp_path / "archive"
    page(archive / "xinhua" / "1.html", "新华社的稿件", "新华社报道城市交通建设的新进展。记号新华。")
    page(archive / "other" / "2.html", "别的稿件", "另一家报道乡村教育发展的新情况。记号别家。")
    ok(index, "ingest", archive)
    ok(index, "ingest", archive / "xinhua", "--source-name", "新华社")
    ok(index, "ingest", archive / "other", "--source-name", "别家")
    before = live_generation(index)
    shutil.move(str(archive), str(tmp_path / "unmounted"))
    archive.mkdir()  # the empty mount point
    proc = cli(index, "rebuild")
    assert proc.returncode == 1 and "--drop-missing" in proc.stderr
    assert live_generation(index) == before and total(index, "记号新华") == 1 and total(index, "记号别家") == 1
    assert len(sources(index)) == 3


def test_a_file_recorded_on_its_own_inside_a_folder_read_later_keeps_its_name_as_its_id(tmp_path):
    index = tmp_path / "index"
    folder = tmp_path / "folder"
    one = page(folder / "sub" / "a.html", "单独导入的页面", "这个页面先被单独导入。记号单独。")
    page(folder / "b.html", "文件夹里的页面", "这个页面随文件夹导入。记号文件夹。")
    ok(index, "ingest", one)
    ok(index, "ingest", folder)
    ids = lambda: sorted(json.loads(line)["id"] for line in ok(index, "export").stdout.split("\n") if line)  # noqa: E731
    assert ids() == ["a.html", "b.html"]
    page(one, "单独导入的页面（更新）", "这个页面先被单独导入，后来改过。记号单独。")  # re-read through the folder
    rep, err = report(index, "ingest", folder)
    assert (rep["updated"], rep["removed"], rep["files_skipped"]) == (1, 0, 0), err
    assert ids() == ["a.html", "b.html"]
    rep, _ = report(index, "rebuild")
    assert (rep["removed"], rep["added"]) == (0, 0) and ids() == ["a.html", "b.html"]
    # deleted from the folder, which is there: a file gone from a present source, not a missing disk
    one.unlink()
    rep, err = report(index, "rebuild")
    assert (rep["removed"], rep["dropped_sources"], ids()) == (1, [], ["b.html"]) and "它的文件已不存在" in err
    assert [s["path"] for s in sources(index)] == [str(folder)]


# -------------------------------------------------------------------- what gets in


def test_junk_is_skipped_with_reasons_and_the_gbk_page_beside_it_kept(tmp_path):
    folder = tmp_path / "drop"
    folder.mkdir()
    for name in ("binary-junk.html", "png-renamed.html", "all-nuls.html", "dddd.html", "private-use.txt",
                 "declared-utf8-is-gbk.html"):
        shutil.copy(HOSTILE / name, folder / name)
    index = tmp_path / "index"
    rep, err = report(index, "rebuild", folder)
    reasons = {s["path"]: s["reason"] for s in rep["skipped"]}
    assert set(reasons) == {"binary-junk.html", "png-renamed.html", "all-nuls.html", "dddd.html", "private-use.txt"}
    assert "not text" in reasons["png-renamed.html"] and "not text" in reasons["all-nuls.html"]
    assert "no title and no searchable text" in reasons["dddd.html"]
    assert "private-use" in reasons["private-use.txt"]
    for name in reasons:
        assert f"跳过 {name}：" in err  # relative to the folder given, as in the JSON
    assert rep["articles"] == 1 and rep["files"] == 6 and rep["files_skipped"] == 5
    assert json.loads(ok(index, "show", "declared-utf8-is-gbk.html", "--format", "json").stdout)["title"] == \
        "交通运输部推进冷链物流发展"


def test_kicker_headlines_are_indexed_and_listing_pages_are_not(tmp_path):
    feed = write_jsonl(tmp_path / "feed" / "feed.jsonl", [
        {"id": "k1", "title": "转载｜以家国情怀守护人民健康", "body": "卫生健康系统以家国情怀守护人民健康。"},
        {"id": "k2", "title": "快讯｜国务院常务会议部署稳就业工作", "body": "国务院常务会议部署稳就业工作。"},
        {"id": "k3", "title": "独家｜专访国家统计局负责人", "body": "国家统计局负责人接受专访。"},
        {"id": "k4", "title": "视频｜长江流域全面禁渔", "body": "长江流域全面禁渔进入第五年。"},
        {"id": "l1", "title": "生活|TVBS新聞網", "body": "生活新聞列表。"},
        {"id": "l2", "title": "作者：王小明 的文章列表｜某某新聞網", "body": "王小明的文章。"},
    ])
    index = tmp_path / "index"
    rep, err = report(index, "ingest", feed.parent)
    assert rep["articles"] == 4 and rep["records_skipped"] == 2
    assert "feed.jsonl:5：这条记录是列表页" in err and "feed.jsonl:6：这条记录是列表页" in err
    for aid in ("k1", "k2", "k3", "k4"):
        assert ok(index, "show", aid).returncode == 0
    assert total(index, "以家国情怀守护人民健康") == 1


def test_a_page_saved_as_one_file_with_its_pictures_is_read_past_the_page_size_bound(tmp_path):
    import base64

    html = ("<html><head><meta charset='utf-8'><title>带图片的保存页面</title></head><body><h1>带图片的保存页面</h1>"
            "<p>这是一篇保存为单个文件的网页正文，图片很大，但正文很短。记号单文件。</p></body></html>")
    picture = base64.encodebytes(os.urandom(13 << 20))  # 17 MB once encoded: over --max-file-mb's 16
    saved = tmp_path / "saved" / "page.mhtml"
    saved.parent.mkdir()
    saved.write_bytes(b"MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=\"B\"\r\n\r\n--B\r\n"
                      b"Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
                      + html.encode() + b"\r\n--B\r\nContent-Type: image/png\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                      + picture + b"\r\n--B--\r\n")
    index = tmp_path / "index"
    rep, _ = report(index, "rebuild", saved.parent)
    assert rep["articles"] == 1 and total(index, "记号单文件") == 1


def test_a_page_saved_complete_is_one_article_not_its_frames(tmp_path):
    """A browser's "save page, complete": `公告.htm` beside `公告_files/` holding its pictures,
    scripts and frames (an ad's `saved_resource.html` reads like an article). The frames are
    counted among the other files; a folder named so without its page is read as any folder."""
    saved = tmp_path / "saved"
    page(saved / "公告.htm", "交通运输部推进冷链物流发展", "交通运输部推进冷链物流发展。记号公告。")
    page(saved / "公告_files" / "saved_resource.html", "热门推荐", "这是广告框架里的文字，热门商品优惠多多。记号广告。")
    (saved / "公告_files" / "jquery.js").write_text("var x;", encoding="utf-8")
    page(saved / "news_files" / "1.html", "没有同名页面的文件夹", "这个文件夹旁边没有同名的页面。记号文件夹。")
    index = tmp_path / "index"
    rep, err = report(index, "rebuild", saved)
    assert rep["articles"] == 2 and rep["other_files"] == {".html": 1, ".js": 1}
    assert total(index, "记号公告") == 1 and total(index, "记号文件夹") == 1 and total(index, "记号广告") == 0


# -------------------------------------------------------------------- reports and exits


def test_report_counts_equal_what_the_index_holds(tmp_path):
    index = tmp_path / "index"
    folder = write_corpus(tmp_path / "articles", 6, "甲")
    body = "这是一篇关于城市交通治理的报道，介绍了地铁线路建设和公交优化的进展情况。"
    write_jsonl(folder / "feed.jsonl", [
        {"id": "x-1", "title": "交通治理新进展", "url": "http://example.cn/1", "body": body},
        {"id": "x-1", "title": "交通治理新进展（转载）", "body": body},
        {"id": "y-2", "title": "同一网址", "url": "http://example.cn/1", "body": body + "又一遍"},
        "not a record",
    ])
    (folder / "dddd.html").write_text("D" * 20000, encoding="ascii")
    rep, err = report(index, "rebuild", folder)
    assert rep["articles"] == 8 and len(rep["duplicates"]) == 1  # y-2 has an id of its own: kept
    assert (rep["files"], rep["files_skipped"], rep["records_skipped"]) == (8, 1, 1)
    assert rep["added"] + rep["updated"] + rep["unchanged"] == rep["articles"]
    assert_adds_up(rep, index)

    write_article(folder / "a00002.txt", "文库测试文章第2号", "改写后的正文，提到了全新的湿地保护条例。")
    (folder / "a00004.txt").unlink()
    write_article(folder / "new" / "b.txt", "新增", "新增的报道，介绍城市发展的最新情况和下一步的工作安排。")
    rep, _ = report(index, "ingest", "--prune", folder)
    assert (rep["added"], rep["updated"], rep["removed"], rep["unchanged"]) == (1, 1, 1, 6)
    assert_adds_up(rep, index)
    rep, _ = report(index, "rebuild")
    assert (rep["added"], rep["removed"], rep["articles"]) == (0, 0, 8)
    assert_adds_up(rep, index)


def test_an_ingest_that_changes_nothing_leaves_the_live_generation(tmp_path):
    index = tmp_path / "index"
    folder = write_corpus(tmp_path / "articles", 3, "甲")
    ok(index, "rebuild", folder)
    before = live_generation(index)
    proc = ok(index, "ingest", folder)
    assert live_generation(index) == before
    assert proc.stdout.startswith(f"导入：没有变化，{before} 中的 3 篇文章继续使用")
    assert "（新增 0，更新 0，未变 3，移除 0" in proc.stdout


def test_an_ingest_of_nothing_readable_exits_1_and_keeps_the_index(tmp_path):
    index = tmp_path / "index"
    ok(index, "rebuild", write_corpus(tmp_path / "articles", 2, "甲"))
    before = live_generation(index)
    junk = tmp_path / "junk"
    junk.mkdir()
    shutil.copy(HOSTILE / "dddd.html", junk / "dddd.html")
    write_jsonl(junk / "sub" / "bad.jsonl", [{"id": "only", "title": ""}])
    proc = cli(index, "ingest", junk)
    assert proc.returncode == 1
    assert "跳过 dddd.html：" in proc.stderr and "跳过 sub/bad.jsonl:1：" in proc.stderr
    assert "没有读到任何文章" in proc.stderr
    assert live_generation(index) == before and stats(index)["articles"] == 2
    assert [s["path"] for s in sources(index)] == [str(tmp_path / "articles")]


def test_a_json_file_over_its_limit_names_the_flag_that_raises_it(tmp_path):
    index = tmp_path / "index"
    folder = tmp_path / "feed"
    write_jsonl(folder / "big.jsonl", [{"id": f"r{i}", "title": f"记录{i}", "body": "正文" * 200} for i in range(5)])
    write_article(folder / "page.txt", "一页", "一页正文，介绍城市发展的最新情况。")
    proc = cli(index, "ingest", folder, "--max-data-mb", "0.001")
    assert proc.returncode == 0, proc.stderr
    line = next(x for x in proc.stderr.splitlines() if x.startswith("跳过 big.jsonl"))
    assert "--max-data-mb" in line and "--max-file-mb" not in line
    assert cli(index, "ingest", folder, "--max-data-mb", "1").returncode == 0
    assert total(index, "记录3") == 1
    assert sources(index)[0]["options"]["max_data_mb"] == 1


def test_rebuild_options_without_paths_are_bad_usage(tmp_path):
    index = tmp_path / "index"
    ok(index, "rebuild", write_corpus(tmp_path / "articles", 2, "甲"))
    assert cli(index, "rebuild", "--source-name", "x").returncode == 2
    assert cli(index, "rebuild", tmp_path / "articles", "--drop-missing").returncode == 2


def test_an_index_without_a_record_of_sources_is_not_rebuilt_from_a_guess(tmp_path):
    """An index built before sources were recorded: a rebuild without PATH does not replace
    its articles with the demo folder's; `rebuild PATH...` once records them."""
    index = tmp_path / "index"
    folder = write_corpus(tmp_path / "articles", 3, "甲")
    ok(index, "rebuild", folder)
    (index / live_generation(index) / "sources.json").unlink()
    before = live_generation(index)
    proc = cli(index, "rebuild")
    assert proc.returncode == 1 and "rebuild PATH" in proc.stderr
    assert live_generation(index) == before and stats(index)["articles"] == 3
    assert "没有记录来源" in ok(index, "sources").stdout
    ok(index, "rebuild", folder)
    assert report(index, "rebuild")[0]["articles"] == 3
