"""Trust in the index on disk (docs/operations.md "Damage and disk space"): every file of a
generation has a recorded size and CRC32; a damaged file is named by `check`, and a search that
would read it fails with one line instead of answering from it; a damaged live generation is
never served when an intact previous one can be, and `/healthz` says so; an index of another
format is refused with its version and the fix.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import zlib
from pathlib import Path

import pytest
from helpers import DEMO_ARTICLES, cli, live_generation, ok, write_article

from indexer import integrity, store
from indexer.ingest.run import run_ingest
from indexer.search.engine import SearchEngine
from indexer.search.request import SearchRequest

QUERY = "行政院"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, int]:
    """The demo articles in one generation, and the total of QUERY on it."""
    index = tmp_path_factory.mktemp("integrity") / "index"
    run_ingest(index, [DEMO_ARTICLES], rebuild=True)
    with SearchEngine(index) as engine:
        expected = engine.search(SearchRequest.create(QUERY)).total
    assert expected > 0
    return index, expected


def _copy(built_index: Path, tmp_path: Path) -> tuple[Path, Path]:
    index = tmp_path / "index"
    shutil.copytree(built_index, index)  # copy2: modification times kept, as a backup restore does
    return index, index / live_generation(index)


def _file(gen: Path, marker: str) -> Path:
    found = sorted(f for f in gen.iterdir() if marker in f.name and f.is_file())
    assert found, f"no file with {marker!r} in {sorted(os.listdir(gen))}"
    return found[0]


def _flip(path: Path, at: float = 0.5) -> None:
    """Flip every bit of one byte, as a failing disk or a stray write would."""
    data = bytearray(path.read_bytes())
    i = min(len(data) - 1, int(len(data) * at))
    data[i] ^= 0xFF
    path.write_bytes(bytes(data))


def _search(index: Path) -> int:
    with SearchEngine(index) as engine:
        return engine.search(SearchRequest.create(QUERY)).total


# every kind of file a generation holds
KINDS = {
    "exact layer": ".wx",
    "stored fields": "._stored.col",
    "date column": ".date.col",
    "source column": ".source.col",
    "column (栏目) column": ".column_col.col",
    "field lengths": "._body_len.col",
    "word postings": ".pst",
    "term table": ".trm",
    "table of contents": ".toc",
    "repost signatures": "minhash-",
    "repost clusters": "clusters.npy",
    "catalogue": "catalogue.sqlite",
    "build report": "build.json",
    "checksums": integrity.CHECKSUMS,
}


@pytest.mark.parametrize("kind", KINDS)
def test_a_flipped_byte_is_named_by_check_and_searches_fail_closed(kind, built, tmp_path):
    base, _expected = built
    index, gen = _copy(base, tmp_path)
    damaged = _file(gen, KINDS[kind])
    _flip(damaged)

    report = integrity.verify_full(gen)
    assert [d.file for d in report.damaged] == [damaged.name]
    with pytest.raises(store.IndexDamaged) as caught:
        _search(index)
    message = str(caught.value)
    assert damaged.name in message and "\n" not in message and "rebuild" in message


def test_damaged_recorded_sources_leave_searching_right_and_are_named_by_check(built, tmp_path):
    base, expected = built
    index, gen = _copy(base, tmp_path)
    _flip(gen / store.SOURCES)
    assert [d.file for d in integrity.verify_full(gen).damaged] == [store.SOURCES]
    assert _search(index) == expected  # search never reads them
    # and a rebuild from the recorded sources does not trust them
    from indexer.ingest.sources import read_sources
    assert read_sources(gen) is None


def test_a_flip_under_an_unchanged_modification_time_is_found_by_check(built, tmp_path):
    """Decay of the medium leaves the file's time as it was: opening does not read every byte,
    `check` does."""
    base, _ = built
    index, gen = _copy(base, tmp_path)
    wx = _file(gen, ".wx")
    st = wx.stat()
    _flip(wx)
    os.utime(wx, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert integrity.verify_open(gen).ok
    assert [d.file for d in integrity.verify_full(gen).damaged] == [wx.name]


def test_a_damaged_generation_is_said_in_chinese_file_by_file(built, tmp_path):
    """The error line of a search on a damaged generation listed its files' reasons in English
    (`MAIN_….wx (checksum mismatch)`) inside the Chinese sentence; `check` already said them in
    Chinese."""
    base, _ = built
    index, gen = _copy(base, tmp_path)
    wx = _file(gen, ".wx")
    _flip(wx)
    catalogue = gen / store.CATALOGUE
    with open(catalogue, "r+b") as f:
        f.truncate(catalogue.stat().st_size - 1)
    err = cli(index, "search", "环境").stderr
    assert err.startswith("错误：索引") and f"{wx.name}（校验和不符）" in err, err
    assert f"{store.CATALOGUE}（现为 " in err and "mismatch" not in err and "written" not in err
    assert "mismatch" in cli(index, "--lang", "en", "search", "环境").stderr


def test_a_truncated_or_missing_file_is_refused_at_open(built, tmp_path):
    base, _ = built
    index, gen = _copy(base, tmp_path)
    stored = _file(gen, "._stored.col")
    with open(stored, "r+b") as f:
        f.truncate(stored.stat().st_size - 1)
    (gen / _file(gen, ".trm").name).unlink()
    report = integrity.verify_open(gen)
    assert {d.file: d.reason for d in report.damaged} == {
        stored.name: f"{stored.stat().st_size} bytes, {stored.stat().st_size + 1} written",
        _file_name_of(base, ".trm"): "missing"}
    with pytest.raises(store.IndexDamaged):
        _search(index)


def test_a_lost_checksum_record_is_damage_said_as_json_not_an_old_index(built, tmp_path):
    """A tester: a generation of this format whose checksums.json was deleted was taken for one
    written before checksums (format 1): `check --format json` printed no JSON, only an error
    calling it old, and searches read it unverified. It is damage: named, searches refused."""
    base, _ = built
    index, gen = _copy(base, tmp_path)
    (gen / integrity.CHECKSUMS).unlink()
    proc = cli(index, "check", "--format", "json")
    assert proc.returncode == 1
    data = json.loads(proc.stdout)
    assert data["ok"] is False and [d["file"] for d in data["damaged"]] == [integrity.CHECKSUMS]
    assert "不见了" in cli(index, "check").stdout
    with pytest.raises(store.IndexDamaged):
        _search(index)


def _file_name_of(index: Path, marker: str) -> str:
    return _file(index / live_generation(index), marker).name


def test_check_lists_the_articles_a_damaged_segment_file_holds(built, tmp_path):
    base, _ = built
    index, gen = _copy(base, tmp_path)
    wx = _file(gen, ".wx")
    _flip(wx)
    proc = cli(index, "check", "--format", "json")
    assert proc.returncode == 1
    data = json.loads(proc.stdout)
    assert data["ok"] is False and data["generation"] == gen.name
    [entry] = data["damaged"]
    assert entry["file"] == wx.name and entry["reason"] == "checksum mismatch"
    assert entry["segment"] == integrity.segment_of(wx.name)
    with SearchEngine(base) as engine:
        everything = engine.search(SearchRequest.create("", per_page=1000))
    assert entry["articles"] == everything.total and sorted(entry["ids"]) == sorted(h.id for h in everything.hits)

    text = cli(index, "check")
    assert text.returncode == 1
    assert f"已损坏 {wx.name}（校验和不符）：分段 {entry['segment']}，{entry['articles']} 篇文章：" in text.stdout
    said = text.stdout.replace(wx.name, "").replace(entry["segment"], "")
    assert not re.search(r"checksum|segment|articles|bytes|written|which file", said), said  # Chinese, not half English
    assert "Traceback" not in text.stderr
    english = cli(index, "--lang", "en", "check")
    assert f"damaged {wx.name} (checksum mismatch): segment" in english.stdout

    # the command line's search: one line on stderr, exit 1
    found = cli(index, "search", QUERY)
    assert found.returncode == 1 and found.stdout == ""
    assert found.stderr.startswith("错误：索引 gen-") and found.stderr.count("\n") == 1, found.stderr
    assert wx.name in found.stderr


def test_check_of_an_intact_index_exits_0(built, tmp_path):
    base, _ = built
    index, gen = _copy(base, tmp_path)
    proc = ok(index, "check")
    assert proc.stdout.startswith(f"{gen.name}：") and proc.stdout.rstrip().endswith("全部完好")
    data = json.loads(ok(index, "check", "--format", "json").stdout)
    assert data["ok"] is True and data["damaged"] == [] and data["files"] >= 10


def test_check_is_not_fooled_by_generations_switched_and_removed_while_it_reads(built, tmp_path, monkeypatch):
    """A tester: a `check` slow on a large index, two ingests meanwhile: the generation it was
    reading was removed under it, and it exited 1 listing every file as missing."""
    from click.testing import CliRunner

    from cli import cli as wensou

    base, _ = built
    index, first = _copy(base, tmp_path)
    real, calls = integrity.verify_full, []

    def slow(gen):
        calls.append(gen.name)
        if len(calls) == 1:  # two writers finish while it reads the first generation
            for n in (1, 2):
                write_article(tmp_path / f"more{n}" / "a.txt", f"附加文章{n}", f"行政院附加的文章正文{n}。")
                run_ingest(index, [tmp_path / f"more{n}"])
        return real(gen)

    monkeypatch.setattr(integrity, "verify_full", slow)
    result = CliRunner().invoke(wensou, ["--index", str(index), "check", "--format", "json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["ok"] is True, result.output
    assert calls[0] == first.name and data["generation"] == live_generation(index) != first.name


def test_a_damaged_live_generation_is_not_served_while_the_previous_one_is_intact(built, tmp_path):
    base, expected = built
    index, first = _copy(base, tmp_path)
    run_ingest(index, [DEMO_ARTICLES], rebuild=True)
    live = index / live_generation(index)
    assert live != first and first.exists()
    _flip(_file(live, ".wx"))

    with SearchEngine(index) as engine:
        assert engine.search(SearchRequest.create(QUERY)).total == expected

    from search_web import create_app
    app = create_app({"INDEX_DIR": index, "WARM_UP": False})
    health = app.test_client().get("/healthz").get_json()
    assert health["status"] == "degraded" and health["articles"] == expected_articles(base)
    assert live.name in health["reason"] and first.name in health["reason"]
    # the command line says so once, in its language
    said = ok(index, "stats").stderr
    assert said.startswith(f"警告：索引 {live.name} 已损坏：") and f"现在使用上一代 {first.name}" in said, said
    assert ok(index, "--lang", "en", "stats").stderr.startswith(f"warning: index generation {live.name} is damaged")


def test_an_idle_server_falls_back_to_the_generation_live_before_not_the_one_it_had_open(built, tmp_path):
    """A tester: a server that last searched two switches ago held the first generation open;
    the live one damaged, it fell back to that one, removed from disk since: every search a 500."""
    base, expected = built
    index, first = _copy(base, tmp_path)
    extra = tmp_path / "extra"
    write_article(extra / "a.txt", "附加文章", "行政院附加的文章正文，用来让第二代多一篇文章。")
    with SearchEngine(index) as engine:
        assert engine.search(SearchRequest.create(QUERY)).total == expected  # it holds the first open
        run_ingest(index, [extra])  # the second generation
        second = index / live_generation(index)
        run_ingest(index, None, rebuild=True)  # the third; the first is removed
        live = index / live_generation(index)
        assert not first.exists() and second.exists() and live != second
        _flip(_file(live, ".wx"))
        assert engine.search(SearchRequest.create(QUERY)).total == expected + 1  # the second's
        from indexer.generations import degraded
        assert second.name in degraded(index)


def test_a_damaged_live_generation_falls_back_to_the_one_live_before_it_not_an_aborted_one(built, tmp_path):
    # a rebuild stopped at its switch (killed, or the machine stopped) leaves a finished
    # generation that never went live; it is newer than the live one and must never be served
    base, expected = built
    index, first = _copy(base, tmp_path)
    run_ingest(index, [DEMO_ARTICLES], rebuild=True)
    live = index / live_generation(index)
    other = tmp_path / "other"
    write_article(other / "articles" / "a.txt", "文库另一批", "另一批的报道，介绍城市发展的最新情况和下一步的工作安排。")
    run_ingest(other / "index", [other / "articles"], rebuild=True)  # one article
    # (as a writer killed after finishing its generation, before the switch, leaves it: newer)
    shutil.copytree(other / "index" / live_generation(other / "index"), index / "gen-99991231T000000-1-000000")
    _flip(_file(live, ".wx"))
    with SearchEngine(index) as engine:
        assert engine.search(SearchRequest.create(QUERY)).total == expected
        assert engine.article_count() == expected_articles(base)
    # names need not sort by time (two in one second, two machines' clocks): the one its record
    # names is served whatever its name's order
    early = index / "gen-00000000T000000-1-000000"
    live.rename(early)
    (index / store.CURRENT).write_text(early.name, encoding="utf-8")
    with SearchEngine(index) as engine:
        assert engine.article_count() == expected_articles(base)


def expected_articles(index: Path) -> int:
    with SearchEngine(index) as engine:
        return engine.article_count()


def test_with_no_intact_generation_the_web_answers_503_with_the_reason(built, tmp_path):
    base, _ = built
    index, gen = _copy(base, tmp_path)
    _flip(_file(gen, ".wx"))
    from search_web import create_app
    client = create_app({"INDEX_DIR": index, "WARM_UP": False}).test_client()
    response = client.get("/api/search", query_string={"q": QUERY})
    assert response.status_code == 503 and f"索引 {gen.name} 已损坏" in response.get_json()["error"]  # Chinese on every route
    page = client.get("/", query_string={"q": QUERY})
    assert page.status_code == 503 and "索引文件已损坏" in page.get_data(as_text=True)


def test_a_new_generation_damaged_before_the_switch_never_goes_live(built, tmp_path, monkeypatch):
    base, expected = built
    index, live = _copy(base, tmp_path)

    def damage(name: str) -> None:
        if name == "before-switch":
            new = next(g for g in index.iterdir() if g.name.startswith("gen-") and g != live)
            _flip(_file(new, ".wx"))

    monkeypatch.setattr(store, "checkpoint", damage)
    with pytest.raises(store.IndexDamaged):
        run_ingest(index, [DEMO_ARTICLES], rebuild=True)
    assert live_generation(index) == live.name
    assert sorted(g.name for g in index.iterdir() if g.is_dir()) == [live.name]  # the damaged one removed
    assert _search(index) == expected


def test_an_ingest_never_builds_on_a_damaged_generation(built, tmp_path):
    base, _ = built
    index, live = _copy(base, tmp_path)
    _flip(_file(live, ".pst"))
    extra = tmp_path / "extra"
    write_article(extra / "a.txt", "文库新增报道", "一篇新的报道，介绍城市发展的最新情况和下一步的工作安排。")
    with pytest.raises(store.IndexDamaged):
        run_ingest(index, [extra])
    assert live_generation(index) == live.name


def test_a_nightly_ingest_with_nothing_new_does_not_report_success_over_a_damaged_index(built, tmp_path):
    """The same sources read again with nothing changed: the ingest said "no changes, the
    articles continue in use" and exited 0 while every search of the index failed. It verifies
    the generation it keeps, as one it builds on, and says what is damaged and how to fix it."""
    base, _ = built
    index, live = _copy(base, tmp_path)
    run_ingest(index, [DEMO_ARTICLES])  # nothing new: fine while intact
    _flip(_file(live, ".wx"))
    done = cli(index, "ingest", str(DEMO_ARTICLES))
    assert done.returncode == 1, done.stdout + done.stderr
    assert "已损坏" in done.stderr and "rebuild" in done.stderr
    assert live_generation(index) == live.name


def _set_format(gen: Path, version: int) -> None:
    """Rewrite the generation's record as an older (or newer) wensou would have written it."""
    path = gen / integrity.CHECKSUMS
    data = json.loads(path.read_text(encoding="utf-8"))
    data["format"] = version
    data.pop("self")
    data["self"] = zlib.crc32(json.dumps(data, sort_keys=True, ensure_ascii=False,
                                         separators=(",", ":")).encode("utf-8"))
    path.write_text(json.dumps(data), encoding="utf-8")


@pytest.mark.parametrize(("version", "word"), [(1, "older"), (integrity.FORMAT + 1, "newer")])
def test_another_format_is_refused_with_its_version_and_rebuild_as_the_fix(version, word, built, tmp_path):
    base, expected = built
    index, gen = _copy(base, tmp_path)
    _set_format(gen, version)
    proc = cli(index, "search", QUERY)
    assert proc.returncode == 1
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
    assert f"index format {version}, {word}" in proc.stderr and "rebuild" in proc.stderr
    assert cli(index, "check").returncode == 1
    ok(index, "rebuild")  # the fix: from the recorded sources
    assert _search(index) == expected


def test_a_generation_written_before_checksums_opens_and_check_says_it_cannot_vouch(built, tmp_path):
    base, expected = built
    index, gen = _copy(base, tmp_path)
    (gen / integrity.CHECKSUMS).unlink()
    (gen / "catalogue.sqlite").unlink()  # (generations of then had none: a manifest.json, if anything)
    assert _search(index) == expected
    proc = cli(index, "check")
    assert proc.returncode == 1 and "写于记录校验和之前" in proc.stderr


def test_an_ingest_reuses_the_checksums_of_the_files_it_links(tmp_path, monkeypatch):
    index = tmp_path / "index"
    run_ingest(index, [DEMO_ARTICLES], rebuild=True)
    live = index / live_generation(index)
    read = []
    real = integrity.crc32_file
    monkeypatch.setattr(integrity, "crc32_file", lambda p: read.append(Path(p).name) or real(p))
    extra = tmp_path / "extra"
    write_article(extra / "a.txt", "文库新增报道", "一篇新的报道，介绍城市发展的最新情况和下一步的工作安排。")
    run_ingest(index, [extra])
    new = index / live_generation(index)
    assert new != live
    linked = {f.name for f in live.glob("MAIN_*") if (new / f.name).exists()
              and (new / f.name).stat().st_ino == f.stat().st_ino}
    assert linked and not linked & set(read)
    assert integrity.verify_full(new).ok


def test_a_file_written_to_under_a_running_engine_is_refused_at_the_next_check(built, tmp_path, monkeypatch):
    from indexer import generations

    base, expected = built
    index, gen = _copy(base, tmp_path)
    monkeypatch.setattr(generations, "RECHECK_SECONDS", 0.0)  # a server's next check, without the wait
    with SearchEngine(index) as engine:
        assert engine.search(SearchRequest.create(QUERY)).total == expected
        _flip(_file(gen, "._stored.col"))
        with pytest.raises(store.IndexDamaged):
            engine.search(SearchRequest.create(QUERY))
