"""Incremental ingest and index generations (docs/interfaces.md "Command line": ingest, rebuild).

Unchanged files are skipped by content hash, changed files replace their articles, deleted
files' articles stay until `--prune` or a rebuild, duplicates are stored once and reported; old
generations are removed, keeping the live one and the previous good one, and whatever a killed
writer left half-written is removed by the next writer.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import (
    generations,
    get_json,
    live_generation,
    ok,
    search_url,
    served,
    stats,
    total,
    write_article,
    write_corpus,
    write_jsonl,
)

from indexer import store

pytestmark = pytest.mark.slow


def _report(index: Path, *args) -> tuple[dict, str]:
    proc = ok(index, *args, "--format", "json")
    return json.loads(proc.stdout), proc.stderr


def _inodes(gen: Path) -> dict[str, int]:
    return {f.name: f.stat().st_ino for f in gen.iterdir() if f.is_file()}


def test_unchanged_files_are_counted_unchanged_and_not_rewritten(tmp_path):
    articles = write_corpus(tmp_path / "articles", 6, "甲")
    index = tmp_path / "index"
    ok(index, "rebuild", articles)
    first = index / live_generation(index)
    segments = {n: i for n, i in _inodes(first).items() if n.startswith("MAIN_") and n != "MAIN_WRITELOCK"}
    report, _ = _report(index, "ingest", articles)
    assert (report["unchanged"], report["added"], report["updated"], report["removed"]) == (6, 0, 0, 0)
    assert report["articles"] == 6 and report["changed"] is False
    assert live_generation(index) == first.name  # nothing changed: no new generation

    write_article(articles / "extra.txt", "文库追加", "追加的报道，介绍城市发展的最新情况和下一步的工作安排。")
    report, _ = _report(index, "ingest", articles)
    assert (report["unchanged"], report["added"]) == (6, 1)
    second = index / live_generation(index)
    assert second != first
    # the new generation shares the old one's segment files (hard links): nothing was rewritten
    now = _inodes(second)
    assert segments and all(now.get(n) == i for n, i in segments.items())
    assert total(index, "记号甲") == 6


def test_a_changed_file_replaces_its_articles(tmp_path):
    articles = write_corpus(tmp_path / "articles", 4, "甲")
    records = [{"id": f"rec-{i}", "title": f"公报第{i}号", "date": "2024-05-0{i}",
                "body": f"原先的公报正文第{i}条，内容涉及旧版规定的实施细则和相关说明。"} for i in (1, 2, 3)]
    feed = write_jsonl(articles / "feed.jsonl", records)
    index = tmp_path / "index"
    ok(index, "rebuild", articles)
    assert stats(index)["articles"] == 7

    write_article(articles / "a00001.txt", "文库测试文章第1号", "改写后的正文，提到了全新的湿地保护条例。")
    write_jsonl(feed, [{**records[0], "body": "修订后的公报正文，内容涉及新版规定的实施细则和相关说明。"}, records[1]])
    report, _ = _report(index, "ingest", articles)
    # counted per file: feed.jsonl changed, so both of its remaining records count as updated
    assert (report["updated"], report["removed"], report["unchanged"], report["added"]) == (3, 1, 3, 0)
    assert report["articles"] == stats(index)["articles"] == 6
    assert total(index, "湿地保护条例") == 1
    assert total(index, "记号甲") == 3  # the old text of a00001 is gone
    assert total(index, "修订后的公报正文") == 1
    assert total(index, "原先的公报正文第1条") == 0
    assert total(index, "原先的公报正文第3条") == 0


def test_a_deleted_files_articles_stay_until_prune_and_go_with_a_rebuild(tmp_path):
    articles = write_corpus(tmp_path / "articles", 5, "甲")
    index = tmp_path / "index"
    ok(index, "rebuild", articles)
    (articles / "a00002.txt").unlink()

    report, _ = _report(index, "ingest", articles)
    assert report["removed"] == 0 and report["articles"] == 5
    assert total(index, '"文库测试文章第2号"') == 1

    report, _ = _report(index, "ingest", "--prune", articles)
    assert report["removed"] == 1 and report["articles"] == 4
    assert total(index, '"文库测试文章第2号"') == 0
    assert stats(index)["articles"] == 4

    (articles / "a00003.txt").unlink()
    ok(index, "rebuild", articles)
    assert stats(index)["articles"] == 3
    assert total(index, '"文库测试文章第3号"') == 0


def test_an_id_repeated_is_stored_once_and_a_new_id_with_the_same_url_is_kept(tmp_path):
    folder = tmp_path / "articles"
    body = "这是一篇关于城市交通治理的报道，介绍了地铁线路建设和公交优化的进展情况。"
    write_jsonl(folder / "one.jsonl", [
        {"id": "x-1", "title": "交通治理新进展", "date": "2024-01-02", "url": "http://example.cn/a/1.html", "body": body},
    ])
    write_jsonl(folder / "two.jsonl", [
        {"id": "x-1", "title": "交通治理新进展（转载）", "date": "2024-01-02", "body": body},  # same id
        {"id": "y-9", "title": "交通治理新进展", "date": "2024-01-02", "url": "http://example.cn/a/1.html",
         "body": body},  # same URL under another id: ids are identity, so an article of its own
    ])
    index = tmp_path / "index"
    report, err = _report(index, "rebuild", folder)
    assert report["articles"] == 2 and len(report["duplicates"]) == 1 and report["reposts"] == 1
    assert stats(index)["articles"] == 2 and total(index, "交通治理") == 2
    assert "编号相同" in err and "two.jsonl" in err
    assert json.loads(ok(index, "show", "y-9", "--format", "json").stdout)["url"] == "http://example.cn/a/1.html"

    # an incremental ingest of the same folder changes nothing and keeps the first copy
    report, _ = _report(index, "ingest", folder)
    assert report["articles"] == 2
    assert json.loads(ok(index, "show", "x-1", "--format", "json").stdout)["title"] == "交通治理新进展"


def test_an_ingest_is_seen_by_a_running_server_without_restart(tmp_path):
    articles = write_corpus(tmp_path / "articles", 10, "甲")
    index = tmp_path / "index"
    ok(index, "rebuild", articles)
    with served(index, tmp_path / "serve.log") as base:
        assert get_json(f"{base}/healthz")[1]["articles"] == 10
        write_article(articles / "new" / "b.txt", "文库新增报道",
                      "这是一篇新增的报道，记号乙，介绍城市发展的最新情况和下一步的工作安排。")
        ok(index, "ingest", articles)
        assert get_json(f"{base}/healthz")[1]["articles"] == 11
        assert get_json(search_url(base, "记号乙"))[1]["total"] == 1
        (articles / "a00000.txt").unlink()
        ok(index, "ingest", "--prune", articles)
        assert get_json(f"{base}/healthz")[1]["articles"] == 10
        assert get_json(search_url(base, '"文库测试文章第0号"'))[1]["total"] == 0


# ---------------------------------------------------------------------------- generations


def test_only_the_live_and_the_previous_generation_remain(tmp_path):
    articles = write_corpus(tmp_path / "articles", 3, "甲")
    index = tmp_path / "index"
    lives = []
    for n in range(4):
        write_article(articles / f"extra{n}.txt", f"文库追加{n}", "追加的报道，介绍城市发展的最新情况和下一步的工作安排。")
        ok(index, "rebuild" if n % 2 == 0 else "ingest", articles)
        lives.append(live_generation(index))
    assert len(set(lives)) == 4
    assert generations(index) == sorted(lives[-2:])
    assert stats(index)["articles"] == 7
    assert sorted(os.listdir(index)) == sorted([store.CURRENT, store.LOCK, *lives[-2:]])


def test_an_unfinished_rebuild_generation_is_removed_by_the_next_writer(tmp_path):
    articles = write_corpus(tmp_path / "articles", 3, "甲")
    index = tmp_path / "index"
    ok(index, "rebuild", articles)
    live = live_generation(index)
    # what a rebuild killed while writing leaves: a new, empty generation beside the live one
    gen, ix = store.new_generation(index, None)
    ix.close()
    (gen / "MAIN_half.seg").write_bytes(b"\0" * 100)
    store.release_generation(gen)  # its writer died: the kernel dropped its hold on the generation
    assert stats(index)["articles"] == 3  # readers never see it
    ok(index, "ingest", articles)
    assert not gen.exists()
    assert live in generations(index)


def test_an_unfinished_ingest_generation_is_removed_by_the_next_writer(tmp_path):
    articles = write_corpus(tmp_path / "articles", 3, "甲")
    index = tmp_path / "index"
    ok(index, "rebuild", articles)
    write_article(articles / "extra.txt", "文库追加", "追加的报道，介绍城市发展的最新情况和下一步的工作安排。")
    ok(index, "ingest", articles)
    previous, live = generations(index)[0], live_generation(index)
    assert {previous, live} == set(generations(index)) and previous != live
    # what an ingest killed while writing leaves: a new generation started from links to the live one
    gen, ix = store.new_generation(index, index / live)
    ix.close()
    (gen / "MAIN_half.seg").write_bytes(b"\0" * 100)
    store.release_generation(gen)  # its writer died: the kernel dropped its hold on the generation
    assert stats(index)["articles"] == 4
    write_article(articles / "extra2.txt", "文库再追加", "再追加的报道，介绍乡村发展的最新情况和下一步的工作安排。")
    ok(index, "ingest", articles)
    assert not gen.exists(), "the half-written generation of a killed ingest was kept"
    # and the generation that was live before this ingest is the one kept beside the new one
    assert set(generations(index)) == {live, live_generation(index)}
    assert stats(index)["articles"] == 5


_HOLD_LOCK = """
import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDONLY | os.O_DIRECTORY)
fcntl.flock(fd, fcntl.LOCK_EX)
print("held", flush=True)
time.sleep(float(sys.argv[2]))
"""


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_the_next_writer_waits_out_a_killed_writers_dying_children(tmp_path):
    """kill -9 of a writer while it forks a worker: the child holds a copy of the lock for a
    moment; the next writer waits for it instead of refusing with "another rebuild is writing"."""
    index = tmp_path / "index"
    index.mkdir()
    (index / store.LOCK).write_text(str(_dead_pid()), encoding="ascii")  # the killed writer's pid
    child = subprocess.Popen([sys.executable, "-c", _HOLD_LOCK, str(index), "0.5"], stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "held"
        with store.WriteLock(index):
            assert child.poll() is not None  # taken only once the orphan let go
    finally:
        child.kill()
        child.communicate()


def test_a_live_writer_is_refused_at_once(tmp_path):
    index = tmp_path / "index"
    index.mkdir()
    holder = subprocess.Popen([sys.executable, "-c", _HOLD_LOCK, str(index), "30"], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        (index / store.LOCK).write_text(str(holder.pid), encoding="ascii")
        started = time.monotonic()
        with pytest.raises(store.IndexBusy, match=f"another rebuild or ingest is writing .*pid {holder.pid}"):
            with store.WriteLock(index):
                pass
        assert time.monotonic() - started < store.ORPHANED_LOCK_WAIT  # no waiting on a writer at work
    finally:
        holder.kill()
        holder.communicate()
