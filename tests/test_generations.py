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
    cli,
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
    # counted per article: feed.jsonl changed, but its rec-2 is as it was
    assert (report["updated"], report["removed"], report["unchanged"], report["added"]) == (2, 1, 4, 0)
    assert report["articles"] == stats(index)["articles"] == 6
    assert total(index, "湿地保护条例") == 1
    assert total(index, "记号甲") == 3  # the old text of a00001 is gone
    assert total(index, "修订后的公报正文") == 1
    assert total(index, "原先的公报正文第1条") == 0
    assert total(index, "原先的公报正文第3条") == 0
    # a field other than the text changed is a change too
    write_jsonl(feed, [{**records[0], "body": "修订后的公报正文，内容涉及新版规定的实施细则和相关说明。"},
                       {**records[1], "date": "2024-06-02"}])
    report, _ = _report(index, "ingest", articles)
    assert (report["updated"], report["unchanged"], report["added"], report["removed"]) == (1, 5, 0, 0)


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


def test_ingest_of_another_folder_with_prune_leaves_an_unmounted_sources_articles(tmp_path):
    # a recorded source on a disk not mounted (an empty mount point): `ingest OTHER --prune`
    # emptied it ("its file is gone"), and the rebuild's missing-source guard no longer fired
    one, two = write_corpus(tmp_path / "one", 4, "甲"), write_corpus(tmp_path / "two", 3, "乙", start=10)
    index = tmp_path / "index"
    ok(index, "rebuild", one, two)
    (tmp_path / "one").rename(tmp_path / "one-away")
    (tmp_path / "one").mkdir()  # the mount point, empty
    report, _ = _report(index, "ingest", "--prune", two)
    assert report["removed"] == 0 and stats(index)["articles"] == 7
    assert cli(index, "rebuild").returncode == 1  # still missing as a whole: the rebuild refuses
    (tmp_path / "two" / "a00011.txt").unlink()  # within the folder given, pruning still prunes
    report, _ = _report(index, "ingest", "--prune", two)
    assert report["removed"] == 1 and stats(index)["articles"] == 6
    sub = write_corpus(two / "sub", 2, "丙", start=20)  # and within a subfolder of a source, given alone
    ok(index, "ingest", two)
    (sub / "a00020.txt").unlink()
    report, _ = _report(index, "ingest", "--prune", sub)
    assert report["removed"] == 1 and stats(index)["articles"] == 7


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


def test_a_server_keeps_no_generation_open_once_it_is_two_switches_old(tmp_path):
    # the warm-up searches in the server's main thread, which serves no request, and a pooled
    # thread may sit idle through switches: their searchers (and the exact layer's mapped files)
    # stayed on the first generation, the files deleted by the writer, their space never freed
    import threading

    from indexer.ingest.run import run_ingest
    from search_web import create_app

    articles = write_corpus(tmp_path / "articles", 5, "甲")
    index = tmp_path / "index"
    run_ingest(index, [articles], rebuild=True)
    first = live_generation(index)
    client = create_app({"INDEX_DIR": index, "WARM_UP": True}).test_client()

    def ask() -> None:  # each request on a thread of its own, as a server's threads take them
        t = threading.Thread(target=lambda: client.get("/api/search?q=文库"))
        t.start()
        t.join()

    def held() -> list[str]:
        names = []
        for fd in os.listdir("/proc/self/fd"):
            try:
                names.append(os.readlink(f"/proc/self/fd/{fd}"))
            except OSError:
                continue
        return [n for n in names if first in n]

    go, done = threading.Event(), threading.Event()

    def pooled() -> None:  # a server's pooled thread: one request, then idle through the switches
        client.get("/api/search?q=文库")
        done.set()
        go.wait()

    idle = threading.Thread(target=pooled)
    idle.start()
    done.wait()
    ask()
    assert held()
    for _ in range(2):
        run_ingest(index, [articles], rebuild=True)
        ask()
    import gc
    gc.collect()
    with open("/proc/self/maps", encoding="utf-8") as f:
        maps = [line for line in f if first in line]
    go.set()
    idle.join()
    assert live_generation(index) != first and held() == [] and maps == []


@pytest.mark.parametrize("damage", ["deleted", "dangling"])
def test_a_lost_current_pointer_is_restored_by_the_next_writer_and_nothing_is_deleted(tmp_path, damage):
    """A tester: with CURRENT deleted (or naming a generation that is gone), the nightly ingest
    of one source deleted every intact generation and kept that source alone; `rebuild`, the
    documented recovery, started again from the demo articles."""
    a, b = write_corpus(tmp_path / "a", 3, "甲"), write_corpus(tmp_path / "b", 2, "乙")
    index = tmp_path / "index"
    ok(index, "ingest", a)
    ok(index, "ingest", b)
    live = live_generation(index)
    if damage == "deleted":
        (index / store.CURRENT).unlink()
    else:
        (index / store.CURRENT).write_text("gen-19990101T000000-1-000000\n", encoding="utf-8")
    assert cli(index, "stats").returncode == 1  # readers: no index, until a writer restores it
    rep, err = _report(index, "ingest", b)
    assert rep["restored"] == live and live in err and "CURRENT" in err
    assert (rep["added"], rep["removed"], rep["articles"]) == (0, 0, 5)
    assert total(index, "记号甲") == 3 and total(index, "记号乙") == 2
    (index / store.CURRENT).unlink()
    rep, _ = _report(index, "rebuild")  # the recorded sources of the restored generation
    assert (rep["articles"], rep["removed"]) == (5, 0) and rep["restored"]
    assert [s["path"] for s in json.loads(ok(index, "sources", "--format", "json").stdout)["sources"]] == [str(a), str(b)]


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


def test_an_index_written_with_a_manifest_is_ingested_into_and_keeps_every_id(tmp_path):
    """Indexes written before the catalogue moved to disk hold manifest.json: the next ingest
    reads it, knows which file gave which article (unchanged files stay unchanged, a changed
    one replaces its articles), and writes the new generation's catalogue.sqlite."""
    from indexer import integrity
    from indexer.ingest.catalogue import Catalogue

    articles = write_corpus(tmp_path / "articles", 4, "甲")
    index = tmp_path / "index"
    ok(index, "rebuild", articles)
    gen = index / live_generation(index)
    cat = Catalogue.of_generation(gen)
    files = {key: {"hash": cat.file(key)["hash"], "opts": cat.file(key)["opts"], "source": cat.file(key)["source"],
                   "articles": [[aid, None, None] for aid in cat.ids_of(key)]} for key in cat.file_keys()}
    cat.close()
    (gen / "catalogue.sqlite").unlink()
    (gen / "manifest.json").write_text(json.dumps({"files": files}, ensure_ascii=False), encoding="utf-8")
    integrity.record(gen)  # as that version wrote it

    changed = sorted(articles.iterdir())[0]
    write_article(changed, "改写的标题", "改写后的正文，介绍城市发展的最新情况。")
    report, _ = _report(index, "ingest", articles)
    assert (report["previous_articles"], report["unchanged"], report["updated"], report["added"],
            report["removed"]) == (4, 3, 1, 0, 0)
    new = index / live_generation(index)
    assert (new / "catalogue.sqlite").exists() and not (new / "manifest.json").exists()
    assert total(index, "改写的标题") == 1 and total(index, "甲") == 3
    report, _ = _report(index, "ingest", articles)  # and the catalogue it wrote is read back
    assert (report["unchanged"], report["changed"]) == (4, False)


def test_a_catalogue_being_built_is_removed_when_the_build_fails(tmp_path):
    articles = write_corpus(tmp_path / "articles", 3, "甲")
    index = tmp_path / "index"
    ok(index, "rebuild", articles)
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "export.jsonl").write_text("not json\n{\"title\": \n", encoding="utf-8")  # read, and gives nothing
    proc = cli(index, "ingest", str(broken))
    assert proc.returncode != 0 and "现用索引保持不变" in proc.stderr  # the live index is kept
    assert not list(index.glob("catalogue-*")) and total(index, "甲") == 3


def test_nightly_ingests_merge_their_small_segments_and_never_rewrite_the_large_ones(tmp_path, monkeypatch):
    """Each ingest adds a segment. The small ones are merged once there are several; a large
    segment (a rebuild's) is never rewritten by an ingest, however many segments there are:
    Whoosh's own policy merged a whole million-article index at a nightly ingest of 500."""
    from indexer.ingest.report import IngestOptions
    from indexer.ingest.run import run_ingest
    from indexer.segment import segment_writer

    monkeypatch.setattr(segment_writer, "MERGE_BELOW", 10)
    monkeypatch.setattr(segment_writer, "MERGE_AT", 3)
    index = tmp_path / "index"
    run_ingest(index, [write_corpus(tmp_path / "base", 20, "甲")], rebuild=True, options=IngestOptions(procs=1))
    large = {n: i for n, i in _inodes(index / live_generation(index)).items() if n.endswith(".wx")}
    assert len(large) == 1
    counts = []
    for night in range(6):
        folder = write_corpus(tmp_path / f"night{night}", 2, f"夜{night}", start=100 + 2 * night)
        run_ingest(index, [folder], options=IngestOptions(procs=1))
        gen = index / live_generation(index)
        wx = {n: i for n, i in _inodes(gen).items() if n.endswith(".wx")}
        assert {n: wx.get(n) for n in large} == large  # the rebuild's segment: the same file, not rewritten
        counts.append(len(wx))
    assert max(counts) <= 1 + 3 + 1 and counts[-1] < max(counts)  # the small ones were merged
    assert total(index, "文库") == 32 and all(total(index, f"记号夜{n}") == 2 for n in range(6))


def test_a_rebuilds_segment_of_few_long_articles_is_never_merged_by_a_nightly_ingest(tmp_path, monkeypatch):
    """A rebuild closes a segment by what its writer holds, not by its count of articles: a
    segment of a gazette's volumes holds a few hundred articles in 100 MB. Counted by articles
    alone it looked small, and a million-article index's nightly ingest of 500 was merging 31
    such segments (3 GB) through Whoosh after five minutes. Small is also small in bytes."""
    from indexer.ingest.report import IngestOptions
    from indexer.ingest.run import run_ingest
    from indexer.segment import segment_writer

    index = tmp_path / "index"
    run_ingest(index, [write_corpus(tmp_path / "volumes", 6, "卷", body_words=6000)], rebuild=True,
               options=IngestOptions(procs=1))
    large = {n: i for n, i in _inodes(index / live_generation(index)).items() if n.endswith(".wx")}
    (volume_id,) = (n.split("_", 1)[1].split(".")[0] for n in large)
    volume_bytes = sum(f.stat().st_size for f in (index / live_generation(index)).glob(f"*_{volume_id}.*"))
    monkeypatch.setattr(segment_writer, "MERGE_BELOW", 100)  # six articles: small by their count
    monkeypatch.setattr(segment_writer, "MERGE_AT", 3)
    monkeypatch.setattr(segment_writer, "MERGE_BYTES", volume_bytes // 2)  # not by their bytes
    counts = []
    for night in range(5):
        folder = write_corpus(tmp_path / f"night{night}", 2, f"夜{night}", start=100 + 2 * night)
        run_ingest(index, [folder], options=IngestOptions(procs=1))
        wx = {n: i for n, i in _inodes(index / live_generation(index)).items() if n.endswith(".wx")}
        assert {n: wx.get(n) for n in large} == large  # the volumes' segment: the same file, not rewritten
        counts.append(len(wx))
    assert max(counts) <= 1 + 3 and any(b < a for a, b in zip(counts, counts[1:]))  # nightly ones merged
    assert total(index, "记号卷") == 6 and all(total(index, f"记号夜{n}") == 2 for n in range(5))


def test_a_starting_server_reads_the_live_generation_into_memory_as_far_as_it_fits(tmp_path, monkeypatch):
    """On a machine just started, searches would read the index from disk page by page (at a
    million articles first asks took past the deadline): the warm-up has the kernel read the
    live generation's files first, smallest first, within half the memory available."""
    from helpers import build_index

    from indexer import generations
    from indexer.search.engine import SearchEngine
    from search_web import create_app

    index = build_index(tmp_path)
    live = index / live_generation(index)
    sizes = sorted(f.stat().st_size for f in live.iterdir() if f.is_file())
    assert generations.prefetch(live, budget=10**12) == sum(sizes)
    assert generations.prefetch(live, budget=sum(sizes[:3])) == sum(sizes[:3])  # the smallest that fit
    assert generations.prefetch(live, budget=0) == 0
    monkeypatch.setattr(generations, "_available_memory", lambda: 2 * sum(sizes[:5]))
    assert generations.prefetch(live) == sum(sizes[:5])

    asked = []
    real = SearchEngine.prefetch
    monkeypatch.setattr(SearchEngine, "prefetch", lambda self: asked.append(real(self)) or asked[-1])
    client = create_app({"INDEX_DIR": index}).test_client()
    assert asked == [sum(sizes[:5])]
    assert client.get("/api/search?q=环境").get_json()["total"] > 0


def _hide(monkeypatch, hidden: str, statable: str | None) -> None:
    """Ingest's view of the disk as a user without read permission has it: what lies under
    `hidden` cannot be listed or looked at (stat says "permission denied", `os.path.exists`
    False), except `statable` itself (a closed folder can still be seen to be there)."""
    import types

    import indexer.ingest.files as files
    import indexer.ingest.run as run

    def denied(path) -> bool:
        return os.fspath(path).startswith(hidden)

    def scandir(path="."):
        if denied(path):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return os.scandir(path)

    def stat(path, *a, **k):
        if denied(path) and os.fspath(path) != statable:
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return os.stat(path, *a, **k)

    fake_path = types.SimpleNamespace(**{n: getattr(os.path, n) for n in dir(os.path) if not n.startswith("__")})
    fake_path.exists = lambda p: not denied(p) and os.path.exists(p)
    fake_os = types.SimpleNamespace(**{n: getattr(os, n) for n in dir(os) if not n.startswith("__")})
    fake_os.scandir, fake_os.stat, fake_os.path = scandir, stat, fake_path
    monkeypatch.setattr(files, "os", fake_os)
    monkeypatch.setattr(run, "os", fake_os)


def test_a_folder_that_cannot_be_read_is_not_taken_for_gone(tmp_path, monkeypatch):
    # A folder without read permission hides files that are there. Its articles stay through
    # `ingest --prune`; a rebuild, which would leave them out (a permission slip in a sync
    # emptied most of an operations tester's index, exit 0), stops instead and names the
    # folder: the live index stays, as after the ingest.
    from indexer.ingest.report import IngestOptions, PartsUnreadable, SourceUnreadable
    from indexer.ingest.run import run_ingest

    articles = write_corpus(tmp_path / "articles", 2, "甲")
    write_corpus(articles / "sub", 2, "乙", start=2)
    index = tmp_path / "index"
    assert run_ingest(index, [articles], rebuild=True).articles == 4
    _hide(monkeypatch, str(articles / "sub"), str(articles / "sub"))

    report = run_ingest(index, [articles], options=IngestOptions(prune=True))
    assert [(s.path, s.reason) for s in report.skipped] == [("sub", "cannot read: permission denied")]
    assert report.removed == 0 and report.articles == 4
    live = store.current_generation(index)
    for paths in ([articles], None):
        with pytest.raises(PartsUnreadable, match="cannot be read") as refused:
            run_ingest(index, paths, rebuild=True)
        assert refused.value.missing == [str(articles / "sub")]
        assert store.current_generation(index) == live and store.open_generation(live).doc_count() == 4

    # a recorded source hidden as a whole (a folder above it unreadable) is not gone: a rebuild
    # of the recorded sources stops, even with --drop-missing, and the live index stays
    _hide(monkeypatch, str(articles), None)
    with pytest.raises(SourceUnreadable, match="cannot be read"):
        run_ingest(index, None, rebuild=True, options=IngestOptions(drop_missing=True))
    monkeypatch.undo()
    assert run_ingest(index, None, rebuild=True).articles == 4  # readable again: every article back


def test_a_source_whose_every_folder_is_closed_is_not_taken_for_gone(tmp_path, monkeypatch):
    # the source folder itself can be read, but the folders holding its files cannot: not an
    # empty mount point (missing, forgotten with --drop-missing) but closed — the rebuild stops
    from indexer.ingest.report import IngestOptions, SourceUnreadable
    from indexer.ingest.run import run_ingest

    source = tmp_path / "src"
    write_corpus(source / "2024", 2, "丙")
    index = tmp_path / "index"
    assert run_ingest(index, [source], rebuild=True).articles == 2
    _hide(monkeypatch, str(source / "2024"), str(source / "2024"))
    with pytest.raises(SourceUnreadable, match="cannot be read"):
        run_ingest(index, None, rebuild=True, options=IngestOptions(drop_missing=True))
