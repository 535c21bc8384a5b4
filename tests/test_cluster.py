"""The OpenSearch backend against the embedded index, on a real 3-node local cluster.

A session fixture starts the cluster with `indexer.cluster.start` (Java 17 and Maven are needed:
the first run resolves OpenSearch from Maven Central); without them the fixture FAILS, it does not
skip. Every search below runs on both backends over the demo articles and must agree: totals,
stories, the very set of matching articles, facet counts, pages. The last test stops a node under
search load and checks no search is lost or wrong.
"""
from __future__ import annotations

import json
import shutil
import subprocess
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import DEMO_ARTICLES, children_of, cli_args, wait_gone

from indexer import cluster
from indexer.backends import open_engine
from indexer.backends.opensearch import OpenSearchEngine
from indexer.ingest.run import run_ingest
from indexer.search.engine import SearchEngine
from indexer.search.request import SearchRequest

NODES = 3


@pytest.fixture(scope="session")
def local_cluster(tmp_path_factory):
    """A 3-node cluster on free local ports, stopped at the end: its state (`cluster.start`)."""
    missing = [tool for tool in ("java", "mvn") if shutil.which(tool) is None]
    if missing:
        pytest.fail(f"the cluster tests need {' and '.join(missing)} (Debian: openjdk-17-jdk-headless maven)")
    data = tmp_path_factory.mktemp("cluster")
    http, transport = cluster.free_ports(NODES)
    state = cluster.start(NODES, data, http_port=http, transport_port=transport)
    yield state
    cluster.stop(data)


@pytest.fixture(scope="session")
def cluster_url(local_cluster) -> str:
    return cluster.url_of(local_cluster)


@pytest.fixture(scope="session")
def engines(cluster_url, demo_index):
    """{"embedded": SearchEngine, "opensearch": OpenSearchEngine} over the same demo articles."""
    remote = open_engine(f"{cluster_url}/oracle")
    assert isinstance(remote, OpenSearchEngine)
    report = remote.rebuild([DEMO_ARTICLES])
    assert report.articles > 80
    return {"embedded": SearchEngine(demo_index), "opensearch": remote}


def both(engines, **params):
    request = SearchRequest.create(**params)
    return engines["embedded"].search(request), engines["opensearch"].search(request)


def every_id(engine, **params) -> list[str]:
    result = engine.search(SearchRequest.create(per_page=1000, collapse=False, **params))
    assert len(result.hits) == result.total
    return sorted(h.id for h in result.hits)


def facet_counts(result) -> dict:
    return {name: sorted((v.value, v.count, v.selected) for v in values) for name, values in result.facets.items()}


QUERIES = [
    "",  # everything
    "生态环境",  # Simplified query, Traditional text
    "生態環境部",
    '"生态环境部"',
    "「環境保護」",
    "行政院",
    "行政院 -公告",
    "title:环境",
    "author:龚照胜",
    "source:金融监督管理委员会",
    "保险 OR 工程",
    "信息",  # the other strait's wording (資訊) is found too
    '"環境 保護"',  # whitespace inside a phrase does not count
    "环境保护 工作",
    "OECD",  # Latin words, case folded, whole
    "oecd",
    "dioxin",
    "dibenzo",  # a whole word: not inside dibenzofuran
    "0910027650",  # digits
    "gov.tw",
    '"中華民國94年"',
    "台湾",
    "臺灣",
    "不存在的词语组合",
    "!!!",  # nothing searchable
    "环境 NEAR/3 环境",  # A NEAR A: two occurrences, never one standing for both parts
    "生态 NEAR/2 生態",
    "质量 NEAR/3 品质",  # the bare operand's other wording (品質) makes both parts one word
]


def test_stopping_a_cluster_reaps_a_node_that_died_on_its_own(tmp_path):
    """A node killed from outside (kill -9, the OOM killer) is a zombie child of the process that
    started it until waited for: `stop` waits for it, as for the nodes it stops."""
    import os
    import signal

    node = subprocess.Popen(["sleep", "60"], start_new_session=True)
    cluster._CHILDREN[node.pid] = node
    cluster._write_state(tmp_path, {"nodes": [{"name": "n0", "http": 1, "transport": 2, "pid": node.pid}]})
    os.kill(node.pid, signal.SIGKILL)
    time.sleep(0.2)
    assert cluster.stop(tmp_path) == []  # it was not running
    assert node.returncode == -signal.SIGKILL and node.pid not in cluster._CHILDREN


def test_a_within_query_of_punctuation_finds_nothing_on_both_backends(engines):
    embedded, remote = both(engines, query="信息", within=["!!!"])
    assert remote.total == embedded.total == 0 and remote.notice == embedded.notice and "「!!!」" in remote.notice


@pytest.mark.parametrize("query", QUERIES)
def test_same_articles_found_by_both_backends(engines, query):
    embedded, remote = both(engines, query=query, per_page=1000, collapse=False)
    assert remote.total == embedded.total
    assert sorted(h.id for h in remote.hits) == sorted(h.id for h in embedded.hits)
    assert facet_counts(remote) == facet_counts(embedded)
    assert remote.variants == embedded.variants
    assert remote.notice == embedded.notice


def test_traditional_and_simplified_find_the_same_articles(engines):
    remote = engines["opensearch"]
    simplified = every_id(remote, query='"生态环境部"')
    assert simplified and simplified == every_id(remote, query='"生態環境部"')
    assert every_id(remote, query="台湾") == every_id(remote, query="臺灣")


def test_phrases_are_exact(engines):
    remote = engines["opensearch"]
    # consecutive characters, whatever punctuation or spaces stand between them
    assert every_id(remote, query='"環境 保護"') == every_id(remote, query='"环境保护"')
    # characters present but apart are no phrase
    for engine in engines.values():
        assert every_id(engine, query='"部生態"') == []


@pytest.mark.parametrize("params", [
    {"sources": ["生态环境部"]},  # a Simplified filter value selects the Traditional one
    {"sources": ["公共工程委員會", "經濟部"]},
    {"authors": ["郭瑤琪"]},
    {"columns": ["處分"]},
    {"date_from": "2005-01", "date_to": "2005-06"},
    {"date_from": "民國94年"},
    {"query": "行政院", "sources": ["公共工程委員會"], "date_to": "2005"},
    {"sources": ["央视"]},  # names no value: hints and a notice
])
def test_filters_agree(engines, params):
    embedded, remote = both(engines, per_page=1000, collapse=False, **params)
    assert remote.total == embedded.total
    assert sorted(h.id for h in remote.hits) == sorted(h.id for h in embedded.hits)
    assert facet_counts(remote) == facet_counts(embedded)
    assert remote.notice == embedded.notice


@pytest.mark.parametrize("sort", ["relevance", "newest", "oldest"])
def test_pages_and_totals_agree(engines, sort):
    seen: list[str] = []
    for page in (1, 2, 3, 10):
        embedded, remote = both(engines, query="行政院", sort=sort, page=page, per_page=10)
        assert (remote.total, remote.stories, remote.pages) == (embedded.total, embedded.stories, embedded.pages)
        assert len(remote.hits) == len(embedded.hits)
        seen += [h.id for h in remote.hits]
        if sort != "relevance":  # by date: the same order (ties by load order)
            assert [h.date for h in remote.hits] == [h.date for h in embedded.hits]
    assert len(seen) == len(set(seen))  # no article on two pages


def test_hits_are_marked_like_the_embedded_engine(engines):
    embedded, remote = both(engines, query='"生態環境部"')
    assert remote.hits[0].id == embedded.hits[0].id
    assert "<mark>" in remote.hits[0].snippet
    assert remote.hits[0].snippet == embedded.hits[0].snippet
    assert remote.hits[0].title_html == embedded.hits[0].title_html


def test_show_and_stats_agree(engines):
    embedded, remote = engines["embedded"], engines["opensearch"]
    ids = every_id(embedded, query="")
    for article_id in (ids[0], ids[len(ids) // 2], ids[-1]):
        assert remote.article(article_id) == embedded.article(article_id)
    assert remote.article("no-such-article") is None
    e, r = embedded.stats(), remote.stats()
    assert r["articles"] == e["articles"]
    assert r["date_range"] == e["date_range"]
    assert r["top_sources"] == e["top_sources"]
    assert r["top_authors"] == e["top_authors"]


def test_cli_on_the_cluster(cluster_url, engines, tmp_path):
    from cli import cli

    runner = CliRunner()
    url = f"{cluster_url}/oracle"
    out = runner.invoke(cli, ["--index", url, "search", "生态环境", "--format", "json"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.output)["total"] == engines["embedded"].search(SearchRequest.create("生态环境")).total
    shown = runner.invoke(cli, ["--index", url, "show", "mee-2024-02-05-party-building.txt", "--format", "json"])
    assert shown.exit_code == 0 and json.loads(shown.output)["source"] == "生態環境部"
    status = runner.invoke(cli, ["cluster", "status", "--format", "json", "--data", str(tmp_path)])
    assert status.exit_code == 1  # no cluster was started from that folder


@pytest.mark.parametrize("args", [
    ["export"], ["export", "行政院", "--from", "2005"], ["export", "--source", "公共工程委员会"],
    ["concordance", "行政院", "--format", "json"], ["concordance", "发展", "--sort", "left", "--format", "csv"],
    ["concordance", "行政院 OR 生态", "--width", "5", "--within", "公告", "--format", "json"],
])
def test_exports_and_the_concordance_are_the_same_on_the_cluster(cluster_url, engines, demo_index, args):
    """Every command works on both backends: the same records, lines and counts, in the same order."""
    from cli import cli

    runner = CliRunner()

    def output(index) -> object:
        out = runner.invoke(cli, ["--index", str(index), *args])
        assert out.exit_code == 0, out.output
        if "json" in args:
            got = json.loads(out.output)
            got.pop("took_ms")
            return got
        return out.output

    embedded = output(demo_index)
    assert embedded and embedded == output(f"{cluster_url}/oracle")


def test_sources_and_check_on_the_cluster(cluster_url, engines):
    from cli import cli

    runner = CliRunner()
    url = f"{cluster_url}/oracle"
    listed = runner.invoke(cli, ["--index", url, "sources", "--format", "json"])
    assert listed.exit_code == 0, listed.output
    got = json.loads(listed.output)
    assert got["generation"] == engines["opensearch"].live_index()
    assert [(s["path"], s["articles"]) for s in got["sources"]] == [
        (str(DEMO_ARTICLES.resolve()), engines["embedded"].article_count())]
    checked = runner.invoke(cli, ["--index", url, "check", "--format", "json"])
    assert checked.exit_code == 0, checked.output
    report = json.loads(checked.output)
    assert (report["ok"], report["damaged"], report["generation"]) == (True, [], got["generation"])
    assert report["files"] == 2 * 3  # three primary shards and their replicas, every one started


def test_the_desk_works_on_the_cluster(cluster_url, tmp_path, write_jsonl_file, monkeypatch):
    """Saved searches, alerts and the index's own variant pairs on an OpenSearch index: kept in
    its desk folder, they behave as on an index folder."""
    from cli import cli

    monkeypatch.setenv("WENSOU_DESK", str(tmp_path / "desks"))
    runner = CliRunner()
    url = f"{cluster_url}/desk"

    def run(*args) -> str:
        out = runner.invoke(cli, ["--index", url, *args])
        assert out.exit_code == 0, out.output
        return out.output

    open_engine(url).rebuild([write_jsonl_file(tmp_path / "a", 3)])
    run("saved", "add", "正文", "正文内容")
    assert json.loads(run("saved", "list", "--format", "json"))[0]["query"] == "正文内容"
    assert json.loads(run("alerts", "--format", "json")) == [{"name": "正文", "query": "正文内容", "new": []}]
    run("ingest", str(write_jsonl_file(tmp_path / "b", 5)))  # a3 and a4 are new
    assert [n["id"] for n in json.loads(run("alerts", "--format", "json"))[0]["new"]] == ["a4", "a3"]
    assert json.loads(run("alerts", "--format", "json"))[0]["new"] == []
    assert json.loads(run("search", "标题3 OR 题目", "--format", "json"))["total"] == 1
    run("variants", "add", "标题", "题目")
    assert json.loads(run("variants", "list", "--format", "json")) == [{"a": "标题", "b": "题目"}]
    found = json.loads(run("search", "题目", "--format", "json"))
    assert (found["total"], found["variants"]) == (5, ["标题"])
    # the searches that found nothing are kept in the desk too, for `stats` and its page
    assert json.loads(run("search", "没有这样的词语", "--format", "json"))["total"] == 0
    assert json.loads(run("stats", "--format", "json"))["zero_hits"] == [{"query": "没有这样的词语", "count": 1}]
    assert (tmp_path / "desks").is_dir() and not Path("opensearch:").exists()


def test_a_cluster_builds_skipped_files_name_their_source_as_the_embedded_indexs_do(cluster_url, tmp_path,
                                                                                      write_jsonl_file):
    folder = write_jsonl_file(tmp_path / "a", 3)
    (folder / "empty.html").write_bytes(b"")
    remote = open_engine(f"{cluster_url}/skipped")
    remote.rebuild([folder])
    run_ingest(tmp_path / "index", [folder], rebuild=True)
    with SearchEngine(tmp_path / "index") as embedded:
        expected = embedded.stats()["last_build"]["skipped"]
    assert expected == [{"path": "empty.html", "reason": "empty file", "source": str(folder)}]
    assert remote.stats()["last_build"]["skipped"] == expected


def test_web_on_the_cluster(cluster_url, engines):
    from search_web import create_app

    client = create_app({"INDEX_DIR": f"{cluster_url}/oracle", "TESTING": True}).test_client()
    expected = engines["embedded"].search(SearchRequest.create("行政院", sources=["公共工程委员会"]))
    got = client.get("/api/search?q=行政院&source=公共工程委员会")
    assert got.status_code == 200
    assert (got.json["total"], got.json["facets"]["year"]) == (
        expected.total, [{"value": v.value, "count": v.count, "selected": v.selected}
                         for v in expected.facets["year"]])
    assert client.get("/api/articles/mee-2024-02-05-party-building.txt").json["source"] == "生態環境部"
    assert client.get("/healthz").json["articles"] == engines["embedded"].article_count()
    concordance = client.get("/api/concordance.csv?q=行政院")
    here = create_app({"INDEX_DIR": engines["embedded"].index_dir, "TESTING": True}).test_client()
    assert concordance.status_code == 200
    assert concordance.data == here.get("/api/concordance.csv?q=行政院").data
    exported = client.get("/api/search.csv?q=行政院&source=公共工程委员会&sort=oldest")
    assert exported.status_code == 200
    assert exported.data == here.get("/api/search.csv?q=行政院&source=公共工程委员会&sort=oldest").data


def test_cluster_status_lists_every_node(local_cluster):
    info = cluster.status(local_cluster["data"])
    assert info["url"] == cluster.url_of(local_cluster)
    assert [n["up"] for n in info["nodes"]] == [True] * NODES
    assert info["health"] == "green"
    from cli import cli

    shown = CliRunner().invoke(cli, ["cluster", "status", "--format", "json", "--data", local_cluster["data"]])
    assert shown.exit_code == 0
    assert json.loads(shown.output)["nodes"] == info["nodes"]
    again = CliRunner().invoke(cli, ["cluster", "start", "--data", local_cluster["data"]])
    assert again.exit_code == 1 and "already running" in again.output


def test_rebuild_switches_the_alias_and_drops_the_old_index(cluster_url, tmp_path, write_jsonl_file):
    engine = open_engine(f"{cluster_url}/switch")
    first = engine.rebuild([write_jsonl_file(tmp_path / "a", 3)])
    assert engine.live_index() == first.generation and engine.article_count() == 3
    second = engine.rebuild([write_jsonl_file(tmp_path / "b", 5)])
    assert engine.live_index() == second.generation != first.generation
    assert engine.article_count() == 5
    assert (second.added, second.unchanged, second.removed) == (2, 3, 0)
    indices = engine.client.request("GET", "/_cat/indices/switch-*", params={"format": "json"})
    assert [row["index"] for row in indices] == [second.generation]
    third = engine.rebuild([write_jsonl_file(tmp_path / "c", 2)])  # fewer articles: the rest counted
    assert (third.unchanged, third.removed) == (2, 3)
    assert [r.id for r in third.removed_articles] == ["a2", "a3", "a4"]


def test_a_rebuild_missing_a_recorded_source_fails_on_both_backends(cluster_url, tmp_path):
    """An unmounted or moved source must not take its articles with it: the rebuild from the
    recorded sources fails (exit 1, the live index kept) unless --drop-missing forgets it, as
    on the embedded index (the cluster dropped its articles and forgot it, exit 0)."""
    for n, name in ((1, "kept"), (2, "moved")):
        (tmp_path / name).mkdir()
        (tmp_path / name / "a.jsonl").write_text(json.dumps(
            {"id": f"m{n}", "title": f"第{n}篇", "date": "2024-01-01", "source": "甲", "body": f"第{n}篇文章。"},
            ensure_ascii=False) + "\n", encoding="utf-8")
    for index in (tmp_path / "embedded", f"{cluster_url}/missing-source"):
        assert subprocess.run(cli_args(index, "rebuild", tmp_path / "kept", tmp_path / "moved"),
                              capture_output=True).returncode == 0
    (tmp_path / "moved").rename(tmp_path / "elsewhere")
    for index in (tmp_path / "embedded", f"{cluster_url}/missing-source"):
        failed = subprocess.run(cli_args(index, "rebuild"), capture_output=True, text=True)
        assert failed.returncode == 1 and str(tmp_path / "moved") in failed.stderr, (index, failed.stderr)
        with open_engine(str(index)) as engine:
            assert engine.search(SearchRequest.create("")).total == 2, index
        dropped = subprocess.run(cli_args(index, "rebuild", "--drop-missing", "--format", "json"),
                                 capture_output=True, text=True)
        assert dropped.returncode == 0, dropped.stderr
        report = json.loads(dropped.stdout)
        assert report["dropped_sources"] == [str(tmp_path / "moved")], index
        assert "（）" not in dropped.stderr and "m2" in dropped.stderr  # the article named, with why
        with open_engine(str(index)) as engine:
            assert [h.id for h in engine.search(SearchRequest.create("")).hits] == ["m1"], index
        shown = subprocess.run(cli_args(index, "sources", "--format", "json"), capture_output=True, text=True)
        assert [s["path"] for s in json.loads(shown.stdout)["sources"]] == [str(tmp_path / "kept")], index


def test_a_cluster_rebuild_reads_each_recorded_source_as_recorded_and_refuses_an_empty_mount_point(cluster_url, tmp_path):
    """The cluster's rebuild read its recorded sources with the default options (the wire's
    --source-name lost) and took an empty mount point for a source without articles (all of
    them removed, exit 0): it reads them as the embedded rebuild does now."""
    wire, mount = tmp_path / "wire", tmp_path / "mount"
    for folder, aid in ((wire, "w1"), (mount, "d1")):
        folder.mkdir()
        (folder / "a.jsonl").write_text(json.dumps({"id": aid, "title": f"{aid}篇", "date": "2024-01-01",
                                                    "body": f"{aid}的正文。"}, ensure_ascii=False) + "\n", encoding="utf-8")
    indexes = (tmp_path / "embedded", f"{cluster_url}/recorded-options")
    for index in indexes:
        for args in (("ingest", wire, "--source-name", "通讯社"), ("ingest", mount), ("rebuild",)):
            done = subprocess.run(cli_args(index, *args), capture_output=True, text=True)
            assert done.returncode == 0, (index, args, done.stderr)
        with open_engine(str(index)) as engine:
            assert [h.id for h in engine.search(SearchRequest.create("", sources=("通讯社",))).hits] == ["w1"], index
    (mount / "a.jsonl").rename(tmp_path / "a.jsonl")  # the disk unmounted: its mount point is there, empty
    for index in indexes:
        failed = subprocess.run(cli_args(index, "rebuild"), capture_output=True, text=True)
        assert failed.returncode == 1 and str(mount) in failed.stderr, (index, failed.stderr)
        with open_engine(str(index)) as engine:
            assert engine.search(SearchRequest.create("")).total == 2, index


def test_a_rebuilds_replicas_are_copied_not_indexed_again(cluster_url, tmp_path, write_jsonl_file):
    """Each shard's replica starts as a copy of its primary's files: no article is indexed a
    second time on the way (which doubled the cluster's work in a rebuild)."""
    engine = open_engine(f"{cluster_url}/copied")
    report = engine.rebuild([write_jsonl_file(tmp_path / "a", 300)])
    recoveries = engine.client.request("GET", f"/{report.generation}/_recovery", params={"active_only": "false"})
    # finished copies (the cluster may be moving a shard to balance the nodes meanwhile)
    copies = [s for s in recoveries[report.generation]["shards"] if not s["primary"] and s["stage"] == "DONE"]
    assert {s["id"] for s in copies} == {0, 1, 2}  # a replica of each of the 3 shards
    assert sum(s["translog"]["recovered"] for s in copies) == 0
    assert sum(s["index"]["size"]["total_in_bytes"] for s in copies) > 10_000
    assert engine.article_count() == 300


def test_ingest_adds_new_and_skips_unchanged(cluster_url, tmp_path, write_jsonl_file):
    engine = open_engine(f"{cluster_url}/upsert")
    engine.rebuild([write_jsonl_file(tmp_path / "a", 3)])
    report = engine.ingest([write_jsonl_file(tmp_path / "b", 4)])
    assert (report.added, report.unchanged) == (1, 3)
    assert engine.article_count() == 4
    changed = write_jsonl_file(tmp_path / "c", 4, body="改写后的正文")
    report = engine.ingest([changed])
    assert (report.added, report.updated) == (0, 4)
    assert engine.search(SearchRequest.create('"改写后的正文"')).total == 4


@pytest.fixture
def write_jsonl_file():
    def write(folder, n, body="正文内容"):
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "articles.jsonl"
        with open(path, "w", encoding="utf-8") as f:
            for i in range(n):
                f.write(json.dumps({"id": f"a{i}", "title": f"标题{i}", "date": f"2024-01-{i + 1:02d}",
                                    "source": "测试社", "body": f"{body}第{i}篇。"}, ensure_ascii=False) + "\n")
        return folder
    return write


def _many_long_articles(folder):
    """4,000 articles of about 600 characters: a load of several seconds, to kill something during."""
    folder.mkdir()
    with open(folder / "many.jsonl", "w", encoding="utf-8") as f:
        for i in range(4000):
            f.write(json.dumps({"id": f"m{i}", "title": f"长文{i}", "date": "2024-02-01",
                                "body": f"第{i}篇正文。" + "城市发展与乡村振兴的报道内容。" * 40}, ensure_ascii=False) + "\n")
    return folder


def test_a_rebuild_killed_while_loading_leaves_the_old_index_and_no_lock(cluster_url, tmp_path, write_jsonl_file):
    """kill -9 of `rebuild` once its new physical index is being loaded: the alias still serves
    the whole old index, and the next rebuild (right away: the dead holder's lock is stale) goes
    live and drops the half-loaded index."""
    url = f"{cluster_url}/killed"
    engine = open_engine(url)
    old = engine.rebuild([write_jsonl_file(tmp_path / "a", 3)]).generation
    big = _many_long_articles(tmp_path / "big")
    proc = subprocess.Popen(cli_args(url, "rebuild", big), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def loading() -> bool:
        rows = engine.client.request("GET", "/_cat/indices/killed-*", params={"format": "json"}) or []
        return any(r["index"] != old for r in rows)

    deadline = time.monotonic() + 300
    while not loading():
        assert proc.poll() is None, "the rebuild ended before it began loading"
        assert time.monotonic() < deadline
        time.sleep(0.05)
    kids = children_of(proc.pid)
    proc.kill()
    proc.wait()
    wait_gone(kids)
    assert engine.live_index() == old and engine.article_count() == 3
    assert engine.search(SearchRequest.create('"正文内容"')).total == 3
    report = engine.rebuild([write_jsonl_file(tmp_path / "c", 4)])
    assert engine.live_index() == report.generation != old and engine.article_count() == 4
    rows = engine.client.request("GET", "/_cat/indices/killed-*", params={"format": "json"})
    assert [r["index"] for r in rows] == [report.generation]


def test_a_second_rebuild_at_the_same_time_is_refused(cluster_url, tmp_path, write_jsonl_file):
    from indexer import store
    from indexer.backends.cluster_lock import RebuildLock

    engine = open_engine(f"{cluster_url}/busy")
    with RebuildLock(engine.client, "busy"):  # a rebuild at work (this process: alive)
        with pytest.raises(store.IndexBusy, match="another rebuild of 'busy' is running"):
            engine.rebuild([write_jsonl_file(tmp_path / "a", 2)])
    assert engine.rebuild([write_jsonl_file(tmp_path / "a", 2)]).articles == 2


def _bodies(n: int, seed: int = 5) -> list[str]:
    """`n` distinct bodies of 300 common characters (each far from the others)."""
    import random

    rng = random.Random(seed)
    chars = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处理府研质"
    return ["".join(rng.choice(chars) for _ in range(300)) for _ in range(n)]


def test_a_rebuild_finds_the_stories_among_what_it_reads(cluster_url, tmp_path):
    """A rebuild streams articles into the cluster as it reads them; the reposts among them are
    found when all are read, and collapse as on the embedded index: same stories, each named
    after its first article, same counts."""
    from indexer.ingest.run import run_ingest

    bodies = _bodies(4, seed=11)
    folder = tmp_path / "feed"
    folder.mkdir()
    records = [(f"o{i}", f"原文{i}", body) for i, body in enumerate(bodies)]
    records += [("p0", "转载甲", bodies[1]), ("p1", "转载乙", bodies[1][:290] + "另加一句话"), ("p2", "转载丙", bodies[3])]
    with open(folder / "a.jsonl", "w", encoding="utf-8") as f:
        for n, (rid, title, body) in enumerate(records):
            f.write(json.dumps({"id": rid, "title": title, "date": f"2024-03-{n + 1:02d}", "body": body},
                               ensure_ascii=False) + "\n")
    remote = open_engine(f"{cluster_url}/streamed")
    report = remote.rebuild([folder])
    assert (report.articles, report.added) == (7, 7)
    run_ingest(tmp_path / "embedded", [folder], rebuild=True)
    with SearchEngine(tmp_path / "embedded") as embedded:
        for engine in (embedded, remote):
            result = engine.search(SearchRequest.create("", sort="oldest"))
            assert (result.total, result.stories) == (7, 4)
            assert [(h.id, h.duplicates) for h in result.hits] == [("o0", 0), ("o1", 2), ("o2", 0), ("o3", 1)]
            assert engine.search(SearchRequest.create("", story="p1")).total == 3


def test_reposts_collapse_like_the_embedded_index(cluster_url, tmp_path):
    """A repost ingested later joins the story of the article it repeats, on both backends."""
    from indexer.ingest.run import run_ingest

    bodies = _bodies(3)
    first, later = tmp_path / "first", tmp_path / "later"
    first.mkdir()
    later.mkdir()
    with open(first / "a.jsonl", "w", encoding="utf-8") as f:
        for i, body in enumerate(bodies):
            f.write(json.dumps({"id": f"r{i}", "title": f"原文{i}", "date": "2024-03-0" + str(i + 1),
                                "body": body}, ensure_ascii=False) + "\n")
    with open(later / "b.jsonl", "w", encoding="utf-8") as f:
        f.write(json.dumps({"id": "repost", "title": "转载", "date": "2024-03-09", "body": bodies[0]},
                           ensure_ascii=False) + "\n")
    remote = open_engine(f"{cluster_url}/reposts")
    remote.rebuild([first])
    remote.ingest([later])
    folder = tmp_path / "embedded"
    run_ingest(folder, [first], rebuild=True)
    run_ingest(folder, [later])
    with SearchEngine(folder) as embedded:
        for engine in (embedded, remote):
            result = engine.search(SearchRequest.create("", sort="oldest"))
            assert (result.total, result.stories) == (4, 3)
            assert [h.duplicates for h in result.hits] == [1, 0, 0]
            assert engine.search(SearchRequest.create("", story="repost")).total == 2


def test_an_updated_story_head_that_no_longer_repeats_its_reposts_leaves_them_together(cluster_url, tmp_path):
    """The first article of a story is given a new headline (it stays the story's head), then
    rewritten (an ingest of the same id with another body): it stands alone, and its two
    reposts stay one story between them, on both backends."""
    from indexer.ingest.run import run_ingest

    bodies = _bodies(3, seed=21)
    archive = tmp_path / "archive"
    archive.mkdir()
    records = [("h0", "原文", bodies[0]), ("o1", "另一篇", bodies[1]), ("p0", "转载甲", bodies[0]),
               ("p1", "转载乙", bodies[0][:290] + "另加一句话")]

    def export(records):
        with open(archive / "a.jsonl", "w", encoding="utf-8") as f:
            for n, (rid, title, body) in enumerate(records):
                f.write(json.dumps({"id": rid, "title": title, "date": f"2024-03-{n + 1:02d}", "body": body},
                                   ensure_ascii=False) + "\n")

    export(records)
    remote = open_engine(f"{cluster_url}/rehead")
    remote.rebuild([archive])
    folder = tmp_path / "embedded"
    run_ingest(folder, [archive], rebuild=True)
    assert remote.search(SearchRequest.create("", sort="oldest")).stories == 2
    export([("h0", "原文（新标题）", bodies[0])] + records[1:])  # a new headline: still the story's head
    remote.ingest([archive])
    run_ingest(folder, [archive])
    with SearchEngine(folder) as embedded:
        for engine in (embedded, remote):
            result = engine.search(SearchRequest.create("", sort="oldest"))
            assert (result.total, result.stories) == (4, 2)
            assert [(h.id, h.duplicates) for h in result.hits] == [("h0", 2), ("o1", 0)]
    export([("h0", "原文（改写）", bodies[2])] + records[1:])  # the export again, its first article rewritten
    assert remote.ingest([archive]).updated == 1
    run_ingest(folder, [archive])
    with SearchEngine(folder) as embedded:
        for engine in (embedded, remote):
            result = engine.search(SearchRequest.create("", sort="oldest"))
            assert (result.total, result.stories) == (4, 3)
            assert [(h.id, h.duplicates) for h in result.hits] == [("h0", 0), ("o1", 0), ("p0", 1)]
            assert engine.search(SearchRequest.create("", story="p1")).total == 2
            assert engine.search(SearchRequest.create("", story="h0")).total == 1


def test_a_node_killed_under_search_load_and_during_a_rebuild(local_cluster, engines, tmp_path, write_jsonl_file):
    """Last: kills one node (kill -9) while searches run and while a rebuild loads. Every index
    has one replica on 3 nodes, so each search, while the node goes down and after, gives the full
    answer from the remaining copies; the rebuild either fails and leaves its alias on the whole
    old index, or completes; the next rebuild succeeds on the nodes left."""
    import os
    import signal

    remote = engines["opensearch"]
    expected = remote.search(SearchRequest.create("行政院", per_page=5)).total
    results: list[int] = []
    errors: list[str] = []
    stop = threading.Event()

    def load():
        deadline = time.monotonic() + 180
        while not stop.is_set() and time.monotonic() < deadline:
            try:
                results.append(remote.search(SearchRequest.create("行政院", per_page=5)).total)
            except Exception as exc:  # noqa: BLE001 (the test reports any failure)
                errors.append(repr(exc))
            time.sleep(0.05)

    url = f"{cluster.url_of(local_cluster)}/nodekill"
    rebuilt = open_engine(url)
    old = rebuilt.rebuild([write_jsonl_file(tmp_path / "old", 5)]).generation
    big = _many_long_articles(tmp_path / "big")
    outcome: list = []

    def rebuild():
        try:
            outcome.append(open_engine(url).rebuild([big]))
        except Exception as exc:  # noqa: BLE001 (either outcome is checked below)
            outcome.append(exc)

    searching, rebuilding = threading.Thread(target=load), threading.Thread(target=rebuild)
    searching.start()
    rebuilding.start()
    deadline = time.monotonic() + 300
    while not any(r["index"] != old for r in rebuilt.client.request("GET", "/_cat/indices/nodekill-*",
                                                                     params={"format": "json"}) or []):
        assert rebuilding.is_alive() and time.monotonic() < deadline, "the rebuild never began loading"
        time.sleep(0.05)
    victim = local_cluster["nodes"][-1]
    os.kill(victim["pid"], signal.SIGKILL)
    rebuilding.join()
    time.sleep(3.0)
    stop.set()
    searching.join()
    assert not errors
    assert results and set(results) == {expected}
    after = cluster.status(local_cluster["data"])
    assert [n["up"] for n in after["nodes"]] == [True] * (NODES - 1) + [False]
    assert remote.search(SearchRequest.create("行政院", per_page=5)).total == expected
    if isinstance(outcome[0], Exception):  # the alias still serves the whole old index
        assert rebuilt.live_index() == old and rebuilt.article_count() == 5
    else:
        assert rebuilt.live_index() == outcome[0].generation and rebuilt.article_count() == 4000
    again = rebuilt.rebuild([write_jsonl_file(tmp_path / "again", 6)])
    assert rebuilt.live_index() == again.generation and rebuilt.article_count() == 6


def test_an_immense_column_or_author_does_not_fail_the_rebuild(cluster_url, tmp_path):
    """Lucene refuses a term over 32,766 bytes; one article with a column or author that long
    (a crawler's mistake) is still loaded and found, and the others with it."""
    folder = tmp_path / "immense"
    folder.mkdir()
    rows = [{"id": "plain", "title": "普通文章", "date": "2024-01-02", "body": "正文内容记号丙。" * 10},
            {"id": "huge", "title": "栏目过长", "date": "2024-01-03", "column": "栏" * 12000,
             "authors": ["名" * 12000], "body": "另一篇正文记号丁。" * 10}]
    (folder / "a.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    remote = open_engine(f"{cluster_url}/immense")
    assert remote.rebuild([folder]).articles == 2
    assert [h.id for h in remote.search(SearchRequest.create("记号丁")).hits] == ["huge"]
    assert remote.article("huge").column == "栏" * 12000
    assert remote.search(SearchRequest.create("记号丙")).total == 1


def test_facets_merge_spellings_and_related_articles_on_the_cluster(cluster_url, tmp_path):
    # One value spelled in either script is one facet entry, counting each article once, on
    # both backends; related articles are found on both (the cluster's had always been none).
    from helpers import write_jsonl

    from indexer.backends.opensearch_documents import MAX_RESULT_WINDOW
    from indexer.ingest.run import run_ingest

    bodies = ["生态环境部通报全国空气质量状况，细颗粒物浓度同比下降，优良天数比例上升。",
              "京津冀及周边地区大气污染防治攻坚行动持续推进，重污染天数明显减少。",
              "长江流域水质监测结果公布，国控断面水质优良比例继续提高，空气质量总体稳定。",
              "全国土壤污染状况详查完成，农用地土壤环境质量总体稳定，重点行业企业用地调查推进。",
              "海洋生态环境状况公报发布，近岸海域水质总体改善，海洋垃圾监测范围扩大。",
              "全国碳排放权交易市场运行平稳，配额成交量稳步增长，空气质量与减污降碳协同推进。",
              "核与辐射安全监管持续加强，运行核电机组安全状况良好，环境辐射水平处于本底范围。"]
    records = [{"id": f"s{i}", "title": f"生态环境通报第{i}期", "date": f"2024-02-{i + 1:02d}",
                "source": ("生态环境部", "生態環境部", "生态环境部、新华社")[i % 3],
                "authors": [("张伟", "張偉")[i % 2]], "column": ("要闻", "要聞")[i % 2],
                "body": bodies[i]} for i in range(7)]
    write_jsonl(tmp_path / "articles" / "a.jsonl", records)
    run_ingest(tmp_path / "index", [tmp_path / "articles"], rebuild=True)
    engines = {"embedded": SearchEngine(tmp_path / "index"), "opensearch": open_engine(f"{cluster_url}/spellings")}
    engines["opensearch"].rebuild([tmp_path / "articles"])
    for params in ({"query": ""}, {"query": "污染", "sources": ["生態環境部"]}, {"authors": ["張偉"]},
                   {"query": "", "facet_size": 1}):
        embedded, remote = both(engines, collapse=False, per_page=100, **params)
        assert remote.total == embedded.total
        assert facet_counts(remote) == facet_counts(embedded), params
        assert remote.facets_truncated == embedded.facets_truncated, params
    listed = {v.value: v.count for v in both(engines, query="")[1].facets["source"]}
    assert listed == {"生态环境部": 7, "新华社": 2}  # 7 articles: the two spellings one value, no article twice
    # a chosen value no matching article holds: one entry, spelled as chosen, on both backends
    for chosen in ("生態環境部", "生态环境部"):
        for result in both(engines, query="没有这个词", sources=[chosen]):
            assert [(v.value, v.count, v.selected) for v in result.facets["source"]] == [(chosen, 0, True)], chosen
    related = engines["opensearch"].related("s0")
    assert related and {h.id for h in related} <= {r["id"] for r in records}
    # pages past the 10,000th hit are served, as the embedded index serves them
    settings = engines["opensearch"].client.request("GET", f"/{engines['opensearch'].live_index()}/_settings")
    assert int(next(iter(settings.values()))["settings"]["index"]["max_result_window"]) == MAX_RESULT_WINDOW
