"""What the command line says to people: Chinese by default, English on request, JSON the same in both."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import cli
from indexer.messages import Messages, choose_language
from tests.helpers import write_jsonl

RECORDS = [
    {"id": "m1", "title": "生态环境部发布公告", "body": "生态环境部今日发布公告，推进生态环境保护工作。", "date": "2024-02-05",
     "source": "生态环境部"},
    {"id": "m2", "title": "【独家】财政部发布数据", "body": "财政部今日发布数据，谈到财政收入。", "date": "2024-03-01",
     "source": "财政部"},
]


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    folder = tmp_path_factory.mktemp("messages")
    write_jsonl(folder / "articles" / "a.jsonl", RECORDS)
    (folder / "articles" / "scan.html").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    result = CliRunner().invoke(cli, ["--index", str(folder / "index"), "rebuild", str(folder / "articles")])
    assert result.exit_code == 0, result.output
    return folder


def run(*args: str, env: dict | None = None):
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)


@pytest.mark.parametrize(("option", "env", "expected"), [
    (None, {}, "zh"),
    (None, {"LANG": "C.UTF-8"}, "zh"),
    (None, {"LANG": "POSIX"}, "zh"),
    (None, {"LANG": "zh_CN.UTF-8"}, "zh"),
    (None, {"LANG": "en_US.UTF-8"}, "en"),
    (None, {"LANG": "en"}, "en"),
    (None, {"LANG": "zh_CN.UTF-8", "LC_ALL": "en_GB.UTF-8"}, "en"),  # LC_ALL wins, as in POSIX
    (None, {"LANG": "english-like"}, "zh"),
    (None, {"LANG": "en_US.UTF-8", "WENSOU_LANG": "zh"}, "zh"),
    (None, {"WENSOU_LANG": "en"}, "en"),
    ("en", {"WENSOU_LANG": "zh"}, "en"),
    ("zh", {"LANG": "en_US.UTF-8"}, "zh"),
])
def test_the_language_is_chinese_unless_english_is_asked_for(option, env, expected):
    assert choose_language(option, env) == expected


def test_search_speaks_chinese_by_default_and_english_with_lang_en(index):
    zh = run("--index", str(index / "index"), "search", "生态环境部")
    assert zh.exit_code == 0 and zh.stdout.startswith("共 1 条结果（") and "第 1 页，共 1 页" in zh.stdout
    assert "来源：生态环境部 (1)" in zh.stdout
    en = run("--lang", "en", "--index", str(index / "index"), "search", "生态环境部")
    assert en.stdout.startswith("1 result (") and "1 results" not in en.stdout and ", page 1 of 1" in en.stdout
    assert "source: 生态环境部 (1)" in en.stdout
    both = run("--index", str(index / "index"), "search", "发布")
    assert run("--lang", "en", "--index", str(index / "index"), "search", "发布").stdout.startswith("2 results (")
    assert both.stdout.startswith("共 2 条结果")


def test_english_from_the_environment_and_the_locale(index):
    for env in ({"WENSOU_LANG": "en"}, {"LANG": "en_US.UTF-8"}):
        assert run("--index", str(index / "index"), "search", "生态环境部", env=env).stdout.startswith("1 result (")
    assert run("--index", str(index / "index"), "search", "生态环境部",
               env={"LANG": "C.UTF-8"}).stdout.startswith("共 1 条结果")


def test_json_is_the_same_in_both_languages(index):
    zh = run("--index", str(index / "index"), "search", "发布", "--format", "json")
    en = run("--lang", "en", "--index", str(index / "index"), "search", "发布", "--format", "json")
    a, b = json.loads(zh.stdout), json.loads(en.stdout)
    a.pop("took_ms"), b.pop("took_ms")
    assert a == b


def test_skip_reasons_are_shown_in_the_readers_language_and_kept_in_english_in_json(index):
    target = index / "index2"
    zh = run("--index", str(target), "rebuild", str(index / "articles"))
    assert "跳过 scan.html：不是文本" in zh.stderr and "not text" not in zh.stderr
    assert zh.stdout.startswith("重建：") and "读了 2 个文件，跳过 1 个" in zh.stdout
    en = run("--lang", "en", "--index", str(target), "rebuild", str(index / "articles"))
    assert "skipped scan.html: not text" in en.stderr and en.stdout.startswith("rebuild: ")
    data = json.loads(run("--index", str(target), "rebuild", str(index / "articles"), "--format", "json").stdout)
    assert data["skipped"][0]["reason"].startswith("not text")


def test_errors_speak_the_same_language_as_the_rest(index):
    zh = run("--index", str(index / "index"), "show", "no-such-id")
    assert zh.exit_code == 1 and zh.stderr.startswith("错误：没有编号为 'no-such-id' 的文章")
    en = run("--lang", "en", "--index", str(index / "index"), "show", "no-such-id")
    assert en.stderr.startswith("error: no article with id 'no-such-id'")


def test_the_ingest_errors_of_the_library_are_said_in_chinese_too(index, tmp_path):
    (tmp_path / "junk").mkdir()
    (tmp_path / "junk" / "scan.html").write_bytes(b"\x00\x01\x02")
    zh = run("--index", str(tmp_path / "index"), "rebuild", str(tmp_path / "junk"))
    assert zh.exit_code == 1 and zh.stderr.splitlines()[-1] == "错误：没有读到任何文章；现用索引保持不变"
    en = run("--lang", "en", "--index", str(tmp_path / "index"), "rebuild", str(tmp_path / "junk"))
    assert en.stderr.splitlines()[-1] == "error: no article could be read; the live index is kept"
    zh = Messages("zh")
    assert zh.reason("recorded source missing: /mnt/a; the live index is kept. Mount or restore it, or run "
                     "`rebuild --drop-missing` to forget it").startswith("记录的来源不见了：/mnt/a；")
    assert zh.reason("not enough disk space to rebuild: about 12 MB needed, 3 MB free in /ix; the live "
                     "index is kept") == "磁盘空间不够：大约需要 12 MB，/ix 只剩 3 MB；现用索引保持不变"
    assert zh.reason("not enough disk space to rebuild: about 12 MB needed, 3 MB free in /ix; nothing was "
                     "written") == "磁盘空间不够：大约需要 12 MB，/ix 只剩 3 MB；什么也没有写"


def test_a_missing_index_and_a_bad_wording_pair_are_said_in_chinese_too(index, tmp_path):
    zh = run("--index", str(tmp_path / "none"), "search", "经济")
    assert zh.exit_code == 1 and zh.stderr.startswith("错误：") and "还没有索引" in zh.stderr
    en = run("--lang", "en", "--index", str(tmp_path / "none"), "search", "经济")
    assert "no index at" in en.stderr
    bad = run("--index", str(index / "index"), "variants", "add", "发", "發")
    assert bad.exit_code == 2 and "一种说法须有 2 到 50 个字符" in bad.output
    missing = run("--index", str(index / "index"), "variants", "remove", "甲乙", "丙丁")
    assert missing.exit_code == 1 and "甲乙 / 丙丁 不是这个索引的对照" in missing.stderr


def test_a_cluster_that_does_not_answer_is_said_in_chinese_and_named_as_written(tmp_path):
    """The cluster client's error was printed in English after 错误：; the index a message names
    is the URL as written (pathlib had taken a slash of its //)."""
    import socket

    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"opensearch://127.0.0.1:{port}/nobody"
    zh = run("--index", url, "sources")
    assert zh.exit_code == 1 and zh.stderr.startswith("错误：集群没有一个节点应答"), zh.stderr
    assert "no node" not in zh.stderr
    en = run("--lang", "en", "--index", url, "sources")
    assert en.stderr.startswith("error: no node of the cluster answered"), en.stderr
    from indexer.backends import spec_text

    assert spec_text(Path(url)) == url and spec_text(Path("index_data/index")) == "index_data/index"


def test_ingest_prune_on_a_cluster_is_refused_not_silently_ignored(tmp_path):
    """Nothing on a cluster records which file gave an article: `ingest --prune` there removed
    nothing and said 没有变化; it is refused (usage, exit 2) and points to `rebuild`."""
    refused = run("--index", "opensearch://127.0.0.1:9/nobody", "ingest", "--prune", str(tmp_path))
    assert refused.exit_code == 2 and "--prune" in refused.stderr and "rebuild" in refused.stderr
    assert refused.stderr.startswith("错误：集群上的索引不能用 --prune")


def test_a_headline_with_brackets_is_printed_as_it_is_when_piped(index):
    out = run("--index", str(index / "index"), "search", "财政部").stdout
    assert "1. 【独家】财政部发布数据\n" in out and "\x1b[" not in out


def test_every_reason_the_catalogue_knows_is_translated_and_an_unknown_one_kept():
    zh = Messages("zh")
    assert zh.reason("a list of links, not an article") == "只是一串链接，不是文章"
    assert zh.reason("file is 50.0 MB, over the 16 MB limit (raise it with --max-file-mb)") == \
        "文件有 50.0 MB，超过 16 MB 的上限（用 --max-file-mb 调高）"
    assert zh.reason("its file was skipped: empty file") == "它的文件被跳过：空文件"
    # what the system says, inside a reason too (a port taken, a folder this user may not write)
    assert zh.reason("cannot listen on 127.0.0.1:8799: Address already in use") == "无法在 127.0.0.1:8799 上监听：地址已被占用"
    assert zh.reason("Permission denied") == "没有权限" and zh.reason("unable to open database file") == "无法打开数据库文件"
    assert zh.reason("not an article file (supported: .htm, .html)") == "不是文章文件（支持的有：.htm, .html）"
    assert zh.reason("no space left on the device while writing /x/gen-1/MAIN_a.pst (0 MB free); the unfinished "
                     "generation was removed and the live index is kept") == \
        "写 /x/gen-1/MAIN_a.pst 时磁盘空间用完了（剩 0 MB）；没写完的一代已经删除，现用索引保持不变"
    assert zh.reason("something new") == "something new"
    assert Messages("en").reason("empty file") == "empty file"


def test_an_ingests_notes_on_ids_and_a_busy_port_are_said_in_chinese(tmp_path):
    """The notes of a record seen in two sources (the same record; another record under its id)
    and a port already in use were printed in English among Chinese lines."""
    zh = Messages("zh")
    assert zh.reason("duplicate of article 'm2' (same id, same record)") == "与文章 'm2' 重复（编号相同，记录相同）"
    assert zh.reason("id 'm1' already belongs to a different article from /data/c4; stored as 'site-b/m1'") == \
        "编号 'm1' 已属于来自 /data/c4 的另一篇文章；存为 'site-b/m1'"
    assert zh.reason("cannot listen on 127.0.0.1:18765: Address already in use") == \
        "无法在 127.0.0.1:18765 上监听：地址已被占用"
    for folder, rid in (("a", "m1"), ("b", "m1"), ("c", "m2")):
        body = "同一条记录" if rid == "m2" else f"来自{folder}的不同记录"
        write_jsonl(tmp_path / folder / "x.jsonl", [{"id": rid, "title": "标题", "body": body + "，内容足够。"}])
    write_jsonl(tmp_path / "d" / "x.jsonl", [{"id": "m2", "title": "标题", "body": "同一条记录，内容足够。"}])
    result = CliRunner().invoke(cli, ["--index", str(tmp_path / "ix"), "ingest", *(str(tmp_path / f) for f in "abcd")])
    assert result.exit_code == 0, result.output
    assert "已属于来自" in result.output and "重复（编号相同，记录相同）" in result.output
    assert "already belongs" not in result.output and "same record" not in result.output


def test_show_labels_the_article_fields_in_the_readers_language(tmp_path):
    write_jsonl(tmp_path / "a" / "a.jsonl", [dict(RECORDS[0], url="https://example.gov.cn/a.html", column="公告")])
    index = str(tmp_path / "index")
    assert run("--index", index, "rebuild", str(tmp_path / "a")).exit_code == 0
    zh = run("--index", index, "show", "m1").stdout
    assert "网址：https://example.gov.cn/a.html\n" in zh and "栏目：公告\n" in zh
    en = run("--lang", "en", "--index", index, "show", "m1").stdout
    assert "url: https://example.gov.cn/a.html\n" in en and "column: 公告\n" in en


def test_stats_lists_twenty_skipped_files_and_says_how_many_more(tmp_path):
    write_jsonl(tmp_path / "articles" / "a.jsonl", RECORDS)
    for i in range(23):
        (tmp_path / "articles" / f"empty{i:02d}.txt").write_text("", encoding="utf-8")
    assert run("--index", str(tmp_path / "index"), "rebuild", str(tmp_path / "articles")).exit_code == 0
    out = run("--index", str(tmp_path / "index"), "stats").stdout
    assert sum(line.startswith("  跳过 ") for line in out.splitlines()) == 20
    assert "… 另有 3 个（stats --format json 全部列出）" in out
    data = json.loads(run("--index", str(tmp_path / "index"), "stats", "--format", "json").stdout)
    assert len(data["last_build"]["skipped"]) == 23


def test_english_counts_one_article_in_the_singular_and_lists_other_files_with_commas():
    from types import SimpleNamespace

    from indexer.messages import Messages
    report = SimpleNamespace(mode="ingest", changed=True, articles=1, generation="gen-1", added=1, updated=0,
                             unchanged=0, removed=0, duplicates=[], reposts=0, files=1, files_skipped=0,
                             records_skipped=0, seconds=0.1, other_files={".md": 2, ".py": 1}, renamed=[], cut=[],
                             removed_articles=[], skipped=[])
    line = Messages("en").summary(report)
    assert "1 article in gen-1" in line and "(.md 2, .py 1)" in line, line
    assert "（.md 2、.py 1）" in Messages("zh").summary(report)


def test_the_alerts_line_says_how_many_of_the_new_articles_are_not_listed():
    from indexer.messages import Messages
    more = Messages("en").say("alerts.more", n=29)
    assert Messages("en").say("alerts.new", name="all", n=129, more=more) == "all: 129 new (29 of them not listed)"


def test_a_rebuild_left_with_no_source_says_so_not_that_paths_were_given(tmp_path):
    """`rebuild --drop-missing` when every recorded source is gone: no paths were given."""
    from helpers import write_jsonl

    from indexer.ingest.report import IngestOptions
    from indexer.ingest.run import NothingToIngest, run_ingest
    write_jsonl(tmp_path / "feed" / "a.jsonl", [{"id": "a1", "title": "标题", "body": "正文内容。"}])
    run_ingest(tmp_path / "index", [tmp_path / "feed"], rebuild=True)
    (tmp_path / "feed" / "a.jsonl").unlink()
    (tmp_path / "feed").rmdir()
    with pytest.raises(NothingToIngest, match="no article files found in the recorded sources"):
        run_ingest(tmp_path / "index", [], rebuild=True, options=IngestOptions(drop_missing=True))
    from indexer.messages import Messages
    assert Messages("zh").reason("no article files found in the recorded sources; the live index is kept") \
        == "记录的来源中没有文章文件；现用索引保持不变"


@pytest.mark.parametrize(("args", "english"), [
    (["search", "x", "--from", "2024-13-45"], "the from date cannot be read: 2024-13-45"),
    (["search", "x", "--from", "2025", "--to", "2019"], "the from date 2025-01-01 is after the to date 2019-12-31"),
    (["saved", "add", "坏日期", "x", "--to", "2024-13"], "the to date cannot be read: 2024-13"),
    (["concordance", "x", "--from", "2024-13-45"], "the from date cannot be read"),
])
def test_a_bad_date_filter_is_said_in_english_under_lang_en_and_in_chinese_otherwise(index, args, english):
    """A tester: `--lang en search x --from 2024-13-45` answered 起始日期无法识别…"""
    en = run("--lang", "en", "--index", str(index / "index"), *args)
    assert en.exit_code == 2 and english in en.stderr and "日期无法识别" not in en.stderr, en.stderr
    zh = run("--index", str(index / "index"), *args)
    assert zh.exit_code == 2 and "日期" in zh.stderr
