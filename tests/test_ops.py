"""Operations: rebuilds and ingests never interrupt searching and never lose the index.

Every test drives the real command line in child processes (docs/interfaces.md "Command line"): a server that
keeps answering while the index is rebuilt under it, writers killed with SIGKILL at chosen
moments, two rebuilds started together, and the reports an operator reads (stats, the rebuild's
summary line).
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest
from helpers import (
    REPO,
    children_of,
    cli,
    cli_args,
    generations,
    get_json,
    live_generation,
    ok,
    search_url,
    served,
    stats,
    total,
    wait_gone,
    write_article,
    write_corpus,
)

from indexer import store

pytestmark = pytest.mark.slow

BASE_N = 120  # the index every kill starts from
BIG_N = 1500  # large enough that a rebuild of it runs for a second or more


@pytest.fixture(scope="module")
def big_corpus(tmp_path_factory) -> Path:
    return write_corpus(tmp_path_factory.mktemp("big") / "articles", BIG_N, "新")


@pytest.fixture(scope="module")
def long_corpus(tmp_path_factory) -> Path:
    """The big corpus with ten times the text an article: reading and extracting it lasts long
    enough to be caught at it (extraction of the short articles takes a few hundredths of a
    second, shorter than a scan of the process table)."""
    return write_corpus(tmp_path_factory.mktemp("long") / "articles", BIG_N, "新", body_words=400)


@pytest.fixture(scope="module")
def base_corpus(tmp_path_factory) -> Path:
    return write_corpus(tmp_path_factory.mktemp("base") / "articles", BASE_N, "旧")


@pytest.fixture
def base_index(tmp_path, base_corpus) -> Path:
    index = tmp_path / "index"
    ok(index, "rebuild", base_corpus)
    return index


# ------------------------------------------------------------------ serving through writes


class Clients:
    """Four threads searching the server as fast as they can, recording every failure."""

    QUERIES = ("文库", "记号甲", "记号乙", '"文库测试文章"', "经济 发展")

    def __init__(self, base: str, threads: int = 4) -> None:
        self.base = base
        self.failures: list[str] = []
        self.totals: set[int] = set()
        self.requests = 0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._run, args=(n,), daemon=True) for n in range(threads)]

    def _run(self, n: int) -> None:
        i = n
        while not self._stop.is_set():
            q = self.QUERIES[i % len(self.QUERIES)]
            i += 1
            try:
                status, data = get_json(search_url(self.base, q, per_page=5, page=1 + i % 2))
                good = status == 200 and isinstance(data.get("total"), int) and isinstance(data.get("hits"), list)
                with self._lock:
                    self.requests += 1
                    if not good:
                        self.failures.append(f"{q}: {status} {str(data)[:200]}")
                    elif q == "文库":
                        self.totals.add(data["total"])
            except Exception as exc:  # noqa: BLE001 - every failure is collected and asserted
                with self._lock:
                    self.requests += 1
                    self.failures.append(f"{q}: {type(exc).__name__}: {exc}")

    def __enter__(self) -> Clients:
        for t in self._threads:
            t.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        for t in self._threads:
            t.join(timeout=60)


def test_searching_goes_on_through_rebuilds_and_ingests(tmp_path):
    a = write_corpus(tmp_path / "a", 80, "甲")
    b = write_corpus(tmp_path / "b", 120, "乙")
    index = tmp_path / "index"
    ok(index, "rebuild", a)
    with served(index, tmp_path / "serve.log") as base:
        assert get_json(f"{base}/healthz")[1] == {"status": "ok", "articles": 80}
        with Clients(base) as clients:
            time.sleep(0.5)
            ok(index, "rebuild", b)  # a different number of articles
            # the server follows without a restart: the very next requests see the new index
            assert get_json(f"{base}/healthz")[1]["articles"] == 120
            assert get_json(search_url(base, "文库"))[1]["total"] == 120
            assert get_json(search_url(base, "记号甲"))[1]["total"] == 0
            assert get_json(search_url(base, "记号乙"))[1]["total"] == 120
            time.sleep(0.3)
            ok(index, "rebuild", a)  # and back: the first generation is removed under the server
            assert get_json(f"{base}/healthz")[1]["articles"] == 80
            write_article(a / "extra" / "new.txt", "文库新增文章", "这是一篇记号乙的新文章，介绍城市发展的最新情况和下一步的工作安排。")
            ok(index, "ingest", a)
            assert get_json(f"{base}/healthz")[1]["articles"] == 81
            assert get_json(search_url(base, "记号乙"))[1]["total"] == 1
            ok(index, "rebuild", b)
            time.sleep(0.5)
        assert clients.failures == [], f"{len(clients.failures)} of {clients.requests} failed: {clients.failures[:5]}"
        assert clients.requests > 40
        assert clients.totals <= {80, 81, 120}
        assert get_json(f"{base}/healthz")[1]["articles"] == 120
        assert get_json(search_url(base, "文库"))[1]["total"] == 120


# ------------------------------------------------------------------------------- SIGKILL


def _start(index: Path, *args, output=subprocess.DEVNULL) -> subprocess.Popen:
    """Start a command. Output of killed commands goes nowhere: reading it would wait for the
    processes they forked, which inherit the pipes, to end."""
    return subprocess.Popen(cli_args(index, *args), stdout=output, stderr=output, cwd=REPO)


def _new_generation(index: Path, before: str) -> Path | None:
    for name in generations(index):
        if name != before:
            return index / name
    return None


def _wait_for(cond, proc: subprocess.Popen, timeout: float = 60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = cond()
        if found or proc.poll() is not None:
            return found
        time.sleep(0.002)
    raise AssertionError("the writer neither reached the kill point nor finished")


def _kill(proc: subprocess.Popen) -> list[int]:
    """SIGKILL the command's process (as `kill -9 PID` or the OOM killer would); returns the
    child processes it had, which the kernel does not kill with it."""
    kids = children_of(proc.pid)
    proc.kill()
    proc.wait()
    return kids


def _reap(pids: list[int]) -> None:
    """Stop what a test started and left behind, so one failure does not spill into the next."""
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    wait_gone(pids, timeout=10)


def _check_after_kill(index: Path, before: str, command: str) -> None:
    """The index opens and searches: the old generation, or (if the kill came after the
    switch) the complete new one; never anything in between. The recorded sources are the
    live generation's own: the base corpus before the switch, the big corpus (too) after it.

    Both corpora name their files a00000.txt…, with different text, so an ingest of the big
    corpus into the base index keeps every article: the big corpus' first BASE_N files get the
    folder's name as a prefix (BASE_N + BIG_N articles). A rebuild holds the big corpus only."""
    now = live_generation(index)
    data = stats(index)
    assert data["generation"] == now
    if now == before:
        expected, old, recorded = BASE_N, BASE_N, ["base"]
    elif command == "ingest":
        expected, old, recorded = BASE_N + BIG_N, BASE_N, ["base", "big"]
    else:
        expected, old, recorded = BIG_N, 0, ["big"]
    assert data["articles"] == expected, f"live {now} (was {before}) has {data['articles']} articles"
    assert total(index, "文库") == expected
    assert total(index, "记号旧") == old
    listed = json.loads(ok(index, "sources", "--format", "json").stdout)["sources"]
    assert [Path(s["path"]).parent.name.rstrip("0123456789") for s in listed] == recorded, listed


def _lock_is_free(index: Path, orphans: list[int]) -> None:
    """The killed writer is dead, so its lock must be free now: nothing it forked may hold it."""
    try:
        with store.WriteLock(index):
            pass
    except store.IndexBusy as exc:
        alive = [p for p in orphans if Path(f"/proc/{p}").exists()]
        raise AssertionError(f"stale lock after the writer was killed: {exc}; "
                             f"processes it forked, still alive: {alive}") from None


def _recover(index: Path, base_corpus: Path, orphans: list[int]) -> None:
    """The next writer, started at once, must not find a stale lock, and cleans up."""
    proc = cli(index, "ingest", base_corpus)
    alive = [p for p in orphans if Path(f"/proc/{p}").exists()]
    assert proc.returncode == 0, (
        f"the next ingest right after the kill exited {proc.returncode}: {proc.stderr.strip()} "
        f"(processes forked by the killed writer still alive: {alive})")
    gens = generations(index)
    assert live_generation(index) in gens
    assert len(gens) <= store.KEEP_GENERATIONS, gens
    for g in gens:
        assert (index / g / store.BUILD_INFO).exists(), f"{g} is unfinished and was not removed"


KILL_POINTS = {
    # the writer's worker processes are reading and extracting the files: a rebuild or ingest
    # streams, so its new generation's folder exists from the start and the files are read while
    # segments are written; the first moment with workers alive and the generation unfinished
    # (most of that time the extraction workers are alive, beside the segment writers)
    "extracting": lambda index, before, pid: children_of(pid) and not (
        (g := _new_generation(index, before)) and (g / store.BUILD_INFO).exists()),
    # the new generation's directory exists: its segments and table of contents are being written
    "writing": lambda index, before, pid: _new_generation(index, before),
    # ... and, for a parallel rebuild, the forked segment writers are at work
    "writing-workers": lambda index, before, pid: _new_generation(index, before) and children_of(pid),
    # the new generation is complete (build.json written) and may or may not be live yet
    "finished": lambda index, before, pid: (g := _new_generation(index, before)) and (g / store.BUILD_INFO).exists(),
}


@pytest.mark.parametrize(("command", "moment"), [
    ("rebuild", "extracting"), ("rebuild", "writing-workers"), ("rebuild", "finished"),
    ("ingest", "extracting"), ("ingest", "writing"), ("ingest", "finished"),
])
def test_a_writer_killed_during_its_commit_never_loses_the_index(command, moment, base_index, base_corpus,
                                                                 big_corpus, long_corpus):
    """Kill while workers read the files, while the new generation is written (the commit), or
    once it is complete but perhaps not yet live."""
    before = live_generation(base_index)
    proc = _start(base_index, command, long_corpus if moment == "extracting" else big_corpus)
    reached = _wait_for(lambda: KILL_POINTS[moment](base_index, before, proc.pid), proc)
    hit_before_switch = live_generation(base_index) == before
    orphans = _kill(proc)
    try:
        assert reached, f"{command} finished before reaching {moment}"
        if moment != "finished":
            assert hit_before_switch, f"{command} was too fast to be killed while {moment}"
        _lock_is_free(base_index, orphans)
        _check_after_kill(base_index, before, command)
        _recover(base_index, base_corpus, orphans)
        if moment == "writing":  # and the next full rebuild goes live
            assert f"共 {BIG_N} 篇文章" in ok(base_index, "rebuild", big_corpus).stdout
            assert stats(base_index)["articles"] == BIG_N
        if command == "rebuild" and live_generation(base_index) == before:
            # the previous index and its recorded sources are intact: a rebuild from them works
            assert f"共 {BASE_N} 篇文章" in ok(base_index, "rebuild").stdout
    finally:
        _reap(orphans)


# --------------------------------------------------------------------- two writers at once


def test_two_rebuilds_at_once_one_wins_the_other_exits_1(base_index, big_corpus, base_corpus):
    before = set(generations(base_index))
    procs = [_start(base_index, "rebuild", big_corpus, output=subprocess.PIPE) for _ in range(2)]
    results = [(p.wait(timeout=120), p.stdout.read().decode(), p.stderr.read().decode()) for p in procs]
    for p in procs:
        p.stdout.close()
        p.stderr.close()
    codes = sorted(r[0] for r in results)
    assert codes == [0, 1], results
    winner = next(r for r in results if r[0] == 0)
    loser = next(r for r in results if r[0] == 1)
    assert "另一个重建或导入正在写" in loser[2], loser
    assert loser[1] == ""
    assert f"共 {BIG_N} 篇文章" in winner[1]
    # consistent: the winner's generation is live, the loser left nothing behind
    added = set(generations(base_index)) - before
    assert added == {live_generation(base_index)}
    assert stats(base_index)["articles"] == BIG_N == total(base_index, "记号新")


def test_an_ingest_during_a_rebuild_exits_1_without_touching_the_index(base_index, big_corpus, base_corpus):
    before = live_generation(base_index)
    rebuild = _start(base_index, "rebuild", big_corpus)
    try:
        _wait_for(lambda: (base_index / store.LOCK).exists() and (base_index / store.LOCK).read_text().strip(),
                  rebuild)
        assert rebuild.poll() is None, "the rebuild finished too fast for this test"
        busy = cli(base_index, "ingest", base_corpus)
        assert busy.returncode == 1
        assert "另一个重建或导入正在写" in busy.stderr
        assert live_generation(base_index) == before
    finally:
        rebuild.wait(timeout=120)
    assert rebuild.returncode == 0
    assert stats(base_index)["articles"] == BIG_N


# ---------------------------------------------------------------------- what operators read


def test_rebuild_prints_one_summary_line_for_cron_mail(tmp_path):
    articles = write_corpus(tmp_path / "articles", 5, "甲")
    (articles / "broken.json").write_text("{not json", encoding="utf-8")
    proc = ok(tmp_path / "index", "rebuild", articles)
    lines = proc.stdout.splitlines()
    assert len(lines) == 1, proc.stdout
    assert lines[0].startswith("重建：gen-") and "，共 5 篇文章" in lines[0]
    assert "读了 6 个文件，跳过 1 个" in lines[0]
    assert "broken.json" in proc.stderr and "broken.json" not in proc.stdout


def test_stats_reports_generation_build_time_counts_and_skipped_files(tmp_path):
    articles = write_corpus(tmp_path / "articles", 5, "甲")
    (articles / "broken.json").write_text("{not json", encoding="utf-8")
    index = tmp_path / "index"
    ok(index, "rebuild", articles)
    data = stats(index)
    assert data["articles"] == 5
    assert data["generation"] == live_generation(index)
    b = data["last_build"]
    assert b["mode"] == "rebuild"
    assert b["started"] and b["finished"] and b["started"] <= b["finished"]
    assert isinstance(b["seconds"], (int, float)) and b["seconds"] >= 0
    assert (b["files"], b["added"], b["updated"], b["unchanged"], b["removed"]) == (6, 5, 0, 0, 0)
    assert len(b["skipped"]) == 1 and b["skipped"][0]["path"].startswith("broken.json")
    assert b["skipped"][0]["reason"]

    write_article(articles / "a00001.txt", "文库测试文章第1号（修订）", "修订后的正文。")
    (articles / "broken.json").unlink()
    ok(index, "ingest", articles)
    b = stats(index)["last_build"]
    assert (b["mode"], b["files"], b["added"], b["updated"], b["unchanged"], b["skipped"]) == \
        ("ingest", 5, 0, 1, 4, [])

    text = ok(index, "stats").stdout
    assert f"第 {live_generation(index)} 代" in text
    assert "上次建索引：导入，完成于" in text and "更新 1" in text and "未变 4" in text


def test_stats_json_is_valid_json_on_stdout_only(tmp_path):
    index = tmp_path / "index"
    ok(index, "rebuild", write_corpus(tmp_path / "articles", 3, "甲"))
    proc = ok(index, "stats", "--format", "json")
    assert json.loads(proc.stdout)["articles"] == 3


# ------------------------------------------------------------------- the lock and the disk


def _paused(index: Path, point: str, flag: Path, *args) -> subprocess.Popen:
    """Start a command that holds still at the writer's checkpoint `point` (`store.checkpoint`)
    until `flag`, which it creates there, is removed."""
    env = {**os.environ, "WENSOU_PAUSE_AT": point, "WENSOU_PAUSE_FILE": str(flag)}
    return subprocess.Popen(cli_args(index, *args), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            cwd=REPO, env=env, text=True)


def _wait_paused(proc: subprocess.Popen, flag: Path) -> None:
    deadline = time.monotonic() + 120
    while not flag.exists():
        assert proc.poll() is None, f"the writer ended before its checkpoint: {proc.communicate()}"
        assert time.monotonic() < deadline, "the writer never reached its checkpoint"
        time.sleep(0.01)


def test_deleting_the_lock_file_lets_no_second_writer_in(base_index, base_corpus, big_corpus, tmp_path):
    before = live_generation(base_index)
    flag = tmp_path / "paused"
    first = _paused(base_index, "new-generation", flag, "rebuild", big_corpus)
    try:
        _wait_paused(first, flag)
        unfinished = _new_generation(base_index, before)
        assert unfinished is not None and not (unfinished / store.BUILD_INFO).exists()
        (base_index / store.LOCK).unlink()  # what an operator "cleaning a stale lock" does
        for command in ("rebuild", "ingest"):
            second = cli(base_index, command, base_corpus)
            assert second.returncode == 1, second.stderr
            assert "另一个重建或导入正在写" in second.stderr
        # and a cleanup that runs anyway leaves the generation a live writer holds
        store.remove_stale_generations(base_index)
        assert unfinished.exists() and live_generation(base_index) == before
    finally:
        flag.unlink(missing_ok=True)
    out, err = first.communicate(timeout=300)
    assert first.returncode == 0, err
    assert unfinished.name in out and f"共 {BIG_N} 篇文章" in out
    assert live_generation(base_index) == unfinished.name
    assert stats(base_index)["articles"] == BIG_N


@pytest.fixture
def small_disk(tmp_path):
    """A 48 MB file system of its own (tmpfs), to be filled up."""
    mnt = tmp_path / "disk"
    mnt.mkdir()
    proc = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=48m", "tmpfs", str(mnt)],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        pytest.skip(f"mounting a small tmpfs is not permitted here: {proc.stderr.strip()}")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], check=False)


def _fill(disk: Path, leave: int) -> Path:
    """Fill the file system but `leave` bytes."""
    st = os.statvfs(disk)
    filler = disk / "filler"
    with open(filler, "ab") as f:
        f.write(b"\0" * max(0, st.f_bavail * st.f_frsize - leave))
    return filler


def _one_error_line(proc) -> str:
    err = proc.stderr
    assert proc.returncode == 1, (proc.returncode, err)
    assert "Traceback" not in err and err.startswith("错误：") and err.count("\n") == 1, err
    return err


def test_a_rebuild_that_cannot_fit_is_refused_before_it_starts(small_disk, tmp_path):
    index = small_disk / "index"
    articles = write_corpus(tmp_path / "articles", 200, "甲")
    ok(index, "rebuild", articles)
    live = live_generation(index)
    _fill(small_disk, 2 << 20)
    err = _one_error_line(cli(index, "rebuild", articles))
    assert "磁盘空间不够：大约需要" in err and "只剩" in err and "现用索引保持不变" in err
    assert str(index) in err
    assert generations(index) == [live] and total(index, "记号甲") == 200


def test_a_disk_filling_up_during_a_rebuild_leaves_the_live_index_and_no_partial_generation(small_disk, tmp_path):
    index = small_disk / "index"
    articles = write_corpus(tmp_path / "articles", 200, "甲")
    ok(index, "rebuild", articles)
    live = live_generation(index)
    flag = tmp_path / "paused"
    writer = _paused(index, "new-generation", flag, "rebuild", articles)  # procs: 2 segment writers
    try:
        _wait_paused(writer, flag)
        filler = _fill(small_disk, 64 << 10)
    finally:
        flag.unlink(missing_ok=True)
    out, err = writer.communicate(timeout=300)
    proc = subprocess.CompletedProcess(writer.args, writer.returncode, out, err)
    line = _one_error_line(proc)
    assert "时磁盘空间用完了" in line and "现用索引保持不变" in line  # (said in Chinese, as every error line)
    assert generations(index) == [live]
    filler.unlink()
    assert total(index, "记号甲") == 200
    ok(index, "check")


@pytest.mark.parametrize("command", ["ingest", "rebuild"])
def test_a_disk_already_full_is_said_as_a_full_disk_and_leaves_nothing_behind(small_disk, tmp_path, command):
    """With a few kilobytes left, the catalogue being written was SQLite's first to fail: its
    English "database or disk is full" was printed as an unreadable file, and an empty
    catalogue-NNNN.tmp stayed in the index folder."""
    index = small_disk / "index"
    articles = write_corpus(tmp_path / "articles", 50, "甲")
    ok(index, "rebuild", articles)
    live = live_generation(index)
    (articles / "new.jsonl").write_text('{"id": "n1", "title": "新的", "body": "记号甲的新文章。"}\n', encoding="utf-8")
    filler = _fill(small_disk, 16 << 10)
    try:
        line = _one_error_line(cli(index, command, articles))
        assert "磁盘空间" in line and "现用索引保持不变" in line and "disk is full" not in line, line
        assert not list(index.glob("catalogue-*.tmp"))
        assert generations(index) == [live]
    finally:
        filler.unlink()
    assert total(index, "记号甲") == 50
    ok(index, "check")
