"""The command line (docs/interfaces.md "Command line"): search, show, stats, ingest and rebuild through click's
CliRunner on small indexes of their own; exit codes 0 done, 1 nothing could be done, 2 bad usage."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import write_jsonl

from cli import cli

REPO = Path(__file__).resolve().parent.parent

RECORDS = [
    {"id": "r1", "title": "生態環境部發布公告", "date": "2024-02-05", "source": "生態環境部", "author": "孫金龍",
     "body": "生態環境部今日發布公告，推進生態環境保護工作。"},
    {"id": "r2", "title": "財政部新聞稿", "date": "2023-12-01", "source": "財政部",
     "body": "財政部說明預算執行情形，並提到生態環境支出。"},
    {"id": "r3", "title": "無來源的消息", "date": "2023-01-15", "body": "這篇文章沒有來源，談到A股市場。"},
]


def run(index: Path, *args: str):
    return CliRunner().invoke(cli, ["--index", str(index), *args], catch_exceptions=False)


@pytest.fixture()
def small_index(tmp_path) -> Path:
    write_jsonl(tmp_path / "articles" / "news.jsonl", RECORDS)
    index = tmp_path / "index"
    result = run(index, "rebuild", str(tmp_path / "articles"))
    assert result.exit_code == 0, result.output
    return index


def test_search_json_has_the_contracts_keys(small_index):
    result = run(small_index, "search", "生态环境", "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert set(data) == {"query", "total", "page", "per_page", "took_ms", "sort", "stories", "hits", "facets",
                         "facets_truncated", "variants", "suggestions", "within", "pages", "notice",
                         "filter_hints"}
    assert data["query"] == "生态环境" and data["total"] == 2 and data["page"] == 1 and data["per_page"] == 10
    assert data["sort"] == "relevance" and data["stories"] == 2
    nothing = json.loads(run(small_index, "search", "没有这个词语", "--format", "json").stdout)
    assert (nothing["total"], nothing["pages"]) == (0, 0)  # pages, none of them empty: no page at all
    assert run(small_index, "search", "没有这个词语").stdout.startswith("共 0 条结果（")
    for hit in data["hits"]:
        assert {"id", "title", "date", "source", "sources", "authors", "url", "column", "score", "snippet",
                "duplicates"} <= set(hit)
        assert "<mark>生態環境</mark>" in hit["snippet"]
    assert set(data["facets"]) == {"source", "author", "column", "decade", "year", "month"}
    assert set(data["facets_truncated"]) == set(data["facets"])
    assert {"value": "生態環境部", "count": 1}.items() <= data["facets"]["source"][0].items() or \
        any(v["value"] == "生態環境部" and v["count"] == 1 for v in data["facets"]["source"])
    assert sorted((v["value"], v["count"]) for v in data["facets"]["year"]) == [("2023", 1), ("2024", 1)]


def test_search_filters_and_paging_options(small_index):
    data = json.loads(run(small_index, "search", "", "--from", "2023-06", "--to", "2024", "--sort", "oldest",
                          "--per-page", "1", "--page", "2", "--format", "json").stdout)
    assert data["total"] == 2 and [h["id"] for h in data["hits"]] == ["r1"]
    data = json.loads(run(small_index, "search", "", "--source", "財政部", "--source", "生態環境部",
                          "--format", "json").stdout)
    assert data["total"] == 2


def test_search_column_dates_and_result_options(tmp_path):
    records = [dict(r, column=c) for r, c in zip(RECORDS, ("公告", "新聞稿", "公告"))]
    write_jsonl(tmp_path / "articles" / "news.jsonl", records)
    index = tmp_path / "index"
    assert run(index, "rebuild", str(tmp_path / "articles")).exit_code == 0

    def ids(*args: str) -> list[str]:
        result = run(index, "search", *args, "--sort", "oldest", "--format", "json")
        assert result.exit_code == 0, result.output
        return [h["id"] for h in json.loads(result.stdout)["hits"]]

    assert ids("", "--column", "公告") == ["r3", "r1"]
    assert ids("", "--column", "公告", "--column", "新聞稿") == ["r3", "r2", "r1"]
    assert ids("", "--column", "公告", "--source", "生態環境部") == ["r1"]
    assert ids("", "--from", "民國112年12月", "--to", "2023年12月") == ["r2"]
    assert ids("生态环境", "--no-collapse", "--no-variants") == ["r2", "r1"]
    text = run(index, "search", "")
    assert "栏目：公告 (2), 新聞稿 (1)" in text.stdout
    bad = run(index, "search", "", "--from", "2020-13-45")
    assert bad.exit_code == 2 and "起始日期无法识别：2020-13-45" in bad.output


def test_piped_search_text_is_the_headline_as_printed_without_marks(small_index):
    result = run(small_index, "search", "生态环境部")
    assert result.exit_code == 0
    assert "1. 生態環境部發布公告\n" in result.stdout  # real headlines hold 【】: matches are not bracketed
    assert "【" not in result.stdout and "<mark>" not in result.stdout and "\x1b[" not in result.stdout
    assert result.stdout.startswith("共 1 条结果（")


@pytest.mark.parametrize("args", [["--from", "yesterday"], ["--from", "2024-13"], ["--from", "2024", "--to", "2023"],
                                  ["--per-page", "0"], ["--sort", "best"]])
def test_bad_search_options_exit_2(small_index, args):
    result = run(small_index, "search", "生態", *args)
    assert result.exit_code == 2
    assert "error" in result.stderr.lower() or "invalid" in result.stderr.lower()


def test_search_without_an_index_exits_1(tmp_path):
    result = run(tmp_path / "nothing", "search", "生態")
    assert result.exit_code == 1
    assert "rebuild" in result.stderr


def test_show_an_article_and_an_unknown_id(small_index):
    result = run(small_index, "show", "r1", "--format", "json")
    assert result.exit_code == 0
    article = json.loads(result.stdout)
    assert article["id"] == "r1" and article["authors"] == ["孫金龍"] and article["date"] == "2024-02-05"
    text = run(small_index, "show", "r1", "-q", "生态")
    assert text.exit_code == 0 and text.stdout.startswith("生態環境部發布公告\n")
    missing = run(small_index, "show", "no-such-id")
    assert missing.exit_code == 1
    assert "no-such-id" in missing.stderr


def test_stats_counts_a_sources_spellings_as_one_as_the_facet_does(tmp_path):
    write_jsonl(tmp_path / "feed" / "a.jsonl", [
        {"id": "a1", "title": "公告一", "source": "生态环境部", "body": "生态环境部发布公告。"},
        {"id": "a2", "title": "公告二", "source": "生態環境部", "body": "生態環境部發布公告。"},
        {"id": "a3", "title": "公告三", "source": "财政部", "body": "财政部发布公告。"}])
    index = tmp_path / "index"
    assert run(index, "rebuild", str(tmp_path / "feed")).exit_code == 0
    top = json.loads(run(index, "stats", "--format", "json").stdout)["top_sources"]
    facet = json.loads(run(index, "search", "", "--format", "json").stdout)["facets"]["source"]
    assert top == [{"value": "生态环境部", "count": 2}, {"value": "财政部", "count": 1}]
    assert [(f["value"], f["count"]) for f in facet] == [(t["value"], t["count"]) for t in top]


def test_stats_json_counts(small_index):
    result = run(small_index, "stats", "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["articles"] == 3
    assert data["date_range"] == {"from": "2023-01-15", "to": "2024-02-05"}
    assert sorted((v["value"], v["count"]) for v in data["top_sources"]) == [("生態環境部", 1), ("財政部", 1)]
    assert data["top_authors"] == [{"value": "孫金龍", "count": 1}]
    assert data["index_size_bytes"] > 0 and data["last_build"]["mode"] == "rebuild"
    assert run(small_index, "stats").exit_code == 0


def test_rebuild_of_an_empty_folder_exits_1_and_keeps_the_previous_index(small_index, tmp_path):
    before = (small_index / "CURRENT").read_bytes()
    empty = tmp_path / "empty"
    empty.mkdir()
    result = run(small_index, "rebuild", str(empty))
    assert result.exit_code == 1
    assert (small_index / "CURRENT").read_bytes() == before
    assert json.loads(run(small_index, "search", "", "--format", "json").stdout)["total"] == 3


def test_ingest_reports_a_broken_line_and_indexes_the_good_records(small_index, tmp_path):
    feed = tmp_path / "more" / "feed.jsonl"
    feed.parent.mkdir()
    good = [{"id": "n1", "title": "交通部公告", "date": "2024-03-01", "body": "交通部公告高速公路施工。"},
            {"id": "n2", "title": "教育部公告", "date": "2024-03-02", "body": "教育部公告新學年度課程。"}]
    feed.write_text(json.dumps(good[0], ensure_ascii=False) + "\n{\"id\": \"broken\", \"title\": \n"
                    + json.dumps(good[1], ensure_ascii=False) + "\n", encoding="utf-8")
    result = run(small_index, "ingest", str(feed))
    assert result.exit_code == 0, result.output
    assert "feed.jsonl:2" in result.stderr
    data = json.loads(run(small_index, "search", "公告", "--format", "json").stdout)
    assert {h["id"] for h in data["hits"]} == {"r1", "n1", "n2"}
    assert json.loads(run(small_index, "stats", "--format", "json").stdout)["articles"] == 5


def test_a_query_beginning_with_the_exclusion_operator_is_a_query_not_an_option(small_index):
    """`search '-財政 生態'` is a query (any input is one), on every command that takes one,
    with options after it; a mistyped long option is still an error."""
    found = json.loads(run(small_index, "search", "-財政 生態", "--format", "json").stdout)
    assert found["query"] == "-財政 生態" and [h["id"] for h in found["hits"]] == ["r1"]
    alone = json.loads(run(small_index, "search", "-財政", "--per-page", "5", "--format", "json").stdout)
    assert sorted(h["id"] for h in alone["hits"]) == ["r1", "r3"] and alone["per_page"] == 5
    assert [json.loads(line)["id"] for line in run(small_index, "export", "-財政 生態").stdout.splitlines()] == ["r1"]
    kwic = json.loads(run(small_index, "concordance", "-財政 生態", "--format", "json").stdout)
    assert {line["id"] for line in kwic["lines"]} == {"r1"}
    assert run(small_index, "saved", "add", "無財政", "-財政 生態").exit_code == 0
    typo = run(small_index, "search", "生態", "--sourse", "財政部")
    assert typo.exit_code == 2 and "--sourse" in typo.output


def test_records_whose_text_is_under_an_unknown_name_get_a_hint_of_the_field_map(tmp_path):
    """An export whose text is under a name not read (`article`) became title-only articles
    and nothing said so: the report names the field and the --field-map that reads it."""
    write_jsonl(tmp_path / "feed" / "export.jsonl", [
        {"uid": f"c{i}", "title": f"标题{i}", "article": f"这是第{i}篇文章的正文，写了城市交通建设的新进展。"} for i in range(3)])
    index = tmp_path / "index"
    done = run(index, "ingest", str(tmp_path / "feed"), "--format", "json")
    assert json.loads(done.stdout)["notes"] == [{"path": "export.jsonl", "reason": "3 records with a title and no text: "
                                                 "field 'article' holds text (--field-map article=body reads it)"}]
    text = run(index, "ingest", str(tmp_path / "feed"), "--field-map", "article=body")
    assert "提示" not in text.output and "正文" not in text.output
    assert json.loads(run(index, "search", "城市交通", "--format", "json").stdout)["total"] == 3
    write_jsonl(tmp_path / "feed" / "export.jsonl", [{"id": "t1", "title": "只有标题"}])
    said = run(index, "ingest", str(tmp_path / "feed"), "--field-map", "article=body")
    assert "提示 export.jsonl：1 条记录有标题而没有正文\n" in said.output


def test_field_map_and_source_name(tmp_path):
    write_jsonl(tmp_path / "crawl" / "crawl.jsonl", [
        {"uid": "c1", "headline_zh": "經濟部記者會", "when": "2024-04-01", "txt": "經濟部說明產業政策。"},
        {"uid": "c2", "headline_zh": "勞動部記者會", "when": "2024-04-02", "txt": "勞動部說明基本工資。",
         "source": "勞動部"},
    ])
    index = tmp_path / "index"
    result = run(index, "ingest", str(tmp_path / "crawl"), "--field-map", "uid=id,headline_zh=title,when=date,txt=body",
                 "--source-name", "爬蟲來源")
    assert result.exit_code == 0, result.output
    c1 = json.loads(run(index, "show", "c1", "--format", "json").stdout)
    c2 = json.loads(run(index, "show", "c2", "--format", "json").stdout)
    assert (c1["title"], c1["date"], c1["body"], c1["source"]) == ("經濟部記者會", "2024-04-01", "經濟部說明產業政策。", "爬蟲來源")
    assert c2["source"] == "勞動部"  # --source-name only fills a missing source
    data = json.loads(run(index, "search", "记者会", "--source", "爬蟲來源", "--format", "json").stdout)
    assert [h["id"] for h in data["hits"]] == ["c1"]
    assert run(index, "ingest", str(tmp_path / "crawl"), "--field-map", "nonsense").exit_code == 2
    # a field that is no article's (a typo) is a usage error, not every article's title emptied
    typo = run(index, "ingest", str(tmp_path / "crawl"), "--field-map", "headline_zh=titel")
    assert typo.exit_code == 2 and "'titel' 不是文章的字段" in typo.output
    assert "line" not in typo.output.split("可用：")[1]  # (a record's line number is no field to map to)
    assert json.loads(run(index, "show", "c1", "--format", "json").stdout)["title"] == "經濟部記者會"

    # the nightly `ingest PATH` of a cron job, no option given: the path keeps the options it was
    # recorded with (it had silently dropped them, every article's title and source emptied)
    write_jsonl(tmp_path / "crawl" / "crawl.jsonl", [
        {"uid": "c1", "headline_zh": "經濟部記者會", "when": "2024-04-01", "txt": "經濟部說明產業政策。"},
        {"uid": "c3", "headline_zh": "內政部記者會", "when": "2024-04-03", "txt": "內政部說明防災措施。"},
    ])
    nightly = json.loads(run(index, "ingest", str(tmp_path / "crawl"), "--format", "json").stdout)
    assert nightly["added"] == 1
    c3 = json.loads(run(index, "show", "c3", "--format", "json").stdout)
    assert (c3["title"], c3["source"]) == ("內政部記者會", "爬蟲來源")
    assert json.loads(run(index, "sources", "--format", "json").stdout)["sources"][0]["options"]["source_name"] == "爬蟲來源"
    # a reading option given replaces its recorded value only: the others are kept (--field-map
    # given anew once dropped the recorded --source-name, as --source-name dropped the map)
    run(index, "ingest", str(tmp_path / "crawl"), "--field-map", "uid=id,headline_zh=title,when=date,txt=body")
    assert json.loads(run(index, "show", "c3", "--format", "json").stdout)["source"] == "爬蟲來源"
    run(index, "ingest", str(tmp_path / "crawl"), "--source-name", "")  # given empty: no name to fill in
    assert json.loads(run(index, "show", "c3", "--format", "json").stdout)["source"] is None
    assert json.loads(run(index, "show", "c3", "--format", "json").stdout)["title"] == "內政部記者會"
    assert run(index, "ingest", str(tmp_path / "crawl"), "--field-map", "uid=id,txt=html,who=author").exit_code == 0


@pytest.mark.slow
def test_the_real_command_line_process(small_index):
    out = subprocess.run([sys.executable, "-X", "dev", "-W", "error", "cli.py", "--index", str(small_index),
                          "search", "A股", "--format", "json"], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert [h["id"] for h in json.loads(out.stdout)["hits"]] == ["r3"]
    bad = subprocess.run([sys.executable, "cli.py", "--index", str(small_index), "search", "x", "--from", "soon"],
                         cwd=REPO, capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2


def test_search_text_says_which_variants_it_searched_and_what_to_try(demo_index):
    found = run(demo_index, "search", "高质量发展")
    assert found.exit_code == 0
    assert "同时搜索了：高品質發展" in found.output
    assert "高品質發展" in found.output.split("\n1. ")[1]
    quoted = run(demo_index, "search", '"高质量发展"')
    assert quoted.exit_code == 0 and quoted.output.startswith("共 0 条结果")
    assert '试试："高品質發展"（1 条结果）' in quoted.output
    english = CliRunner().invoke(cli, ["--lang", "en", "--index", str(demo_index), "search", '"高质量发展"'])
    assert english.output.startswith("0 results") and 'try: "高品質發展"  (1 result)\n' in english.output


def test_a_folder_that_may_not_be_written_or_ctrl_c_is_one_line_never_a_traceback(tmp_path, monkeypatch):
    from indexer import saved
    from indexer.ingest import run as ingest_run

    index = tmp_path / "index"
    run(index, "rebuild")

    def closed(*args, **kwargs):
        raise PermissionError(1, "Operation not permitted", str(index / "saved.lock"))

    monkeypatch.setattr(saved, "add", closed)
    result = CliRunner().invoke(cli, ["--index", str(index), "saved", "add", "s1", "生态"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "无法读写" in result.output and "saved.lock" in result.output and "Operation not permitted" in result.output

    def sqlite_closed(*args, **kwargs):
        import sqlite3
        raise sqlite3.OperationalError("unable to open database file")

    monkeypatch.setattr(ingest_run, "run_ingest", sqlite_closed)
    monkeypatch.setattr("cli.run_ingest", sqlite_closed, raising=False)
    result = CliRunner().invoke(cli, ["--index", str(index), "ingest", str(tmp_path)])
    assert result.exit_code == 1 and "无法打开数据库文件" in result.output  # (SQLite's words, in Chinese)

    def closed_pipe(*args, **kwargs):
        raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setattr(saved, "add", closed_pipe)
    result = CliRunner().invoke(cli, ["--index", str(index), "saved", "add", "s1", "生态"])
    assert "无法读写" not in result.output  # a reader gone (`| head`) is no folder refusing a write

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(saved, "add", interrupted)
    result = CliRunner().invoke(cli, ["--index", str(index), "saved", "add", "s1", "生态"])
    assert result.exit_code == 130 and result.output.strip() == "已中断（Ctrl-C）：在线索引保持不变"
