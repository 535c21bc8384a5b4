"""A large JSON Lines file is read in parts on every core, and gives exactly what reading it
whole gives: the same articles with the same ids (default ids `file#record` included), the same
bad records with the same line numbers, the same content hash (so an unchanged file is
recognised either way), and an index that holds every record."""
from __future__ import annotations

import json
import random

import pytest

from indexer.article import Article, Skipped
from indexer.extract import extract_file
from indexer.ingest import reading
from indexer.ingest.files import SourceFile
from indexer.ingest.reading import extracted, job_for
from indexer.ingest.report import IngestOptions
from indexer.ingest.run import run_ingest
from indexer.ingest.sources import ReadOptions
from indexer.search.engine import SearchEngine
from indexer.search.request import SearchRequest


def _export(path, n: int, seed: int = 7) -> list[str]:
    """n records with blank lines, CRLF endings, bad lines, records without ids and U+2028."""
    rng = random.Random(seed)
    lines = []
    for i in range(n):
        rec = {"title": f"第{i}号公告{rng.choice(['', chr(0x2028)])}", "date": f"2024-01-{i % 28 + 1:02d}",
               "body": f"关于城市发展的公告，编号记号{i:05d}。" + "内容" * rng.randrange(1, 200)}
        if i % 5:
            rec["id"] = f"n{i}"
        lines.append(json.dumps(rec, ensure_ascii=False))
        if i % 97 == 0:
            lines.append("")  # blank: not a record
        if i % 131 == 0:
            lines.append('{"id": "broken", ')  # bad record, reported by line number
    text = "".join(line + ("\r\n" if k % 3 == 0 else "\n") for k, line in enumerate(lines))
    path.write_text(text, encoding="utf-8")
    return lines


def _key(item):
    if isinstance(item, Skipped):
        return ("skipped", item.path, item.reason)
    return ("article", item.id, item.title, item.body)


@pytest.mark.parametrize("procs", [1, 2])
def test_a_file_read_in_parts_gives_what_a_whole_read_gives(tmp_path, monkeypatch, procs):
    path = tmp_path / "export.jsonl"
    _export(path, 1500)
    monkeypatch.setattr(reading, "PART_BYTES", 16 * 1024)  # the file is ~40 parts
    sf = SourceFile(path, "export.jsonl", str(tmp_path))
    whole = list(extract_file(path.read_bytes(), "export.jsonl"))
    files = extracted([sf], [job_for(sf, ReadOptions(), None)], procs)
    _, digest, parts = next(files)
    items = list(parts)  # a file's items are consumed before the next file is asked for
    assert list(files) == []
    assert len(reading.in_parts(path, "export.jsonl", 1024, "").ranges) > 30
    assert [_key(i) for i in items] == [_key(i) for i in whole]
    assert sum(isinstance(i, Article) for i in items) == 1500
    assert any(isinstance(i, Skipped) and i.path.startswith("export.jsonl:") for i in items)
    [(_, whole_digest, _)] = list(extracted([sf], [job_for(sf, ReadOptions(max_data_mb=1024), None)], 1))
    monkeypatch.setattr(reading, "PART_BYTES", 1 << 30)  # read whole
    [(_, digest_whole_read, _)] = list(extracted([sf], [job_for(sf, ReadOptions(), None)], 1))
    assert digest == whole_digest == digest_whole_read
    # unchanged: recognised from the parts' hash without extracting anything
    monkeypatch.setattr(reading, "PART_BYTES", 16 * 1024)
    [(_, _, unchanged)] = list(extracted([sf], [job_for(sf, ReadOptions(), digest)], procs))
    assert unchanged == reading.UNCHANGED


def test_an_index_built_from_one_large_export_holds_every_record(tmp_path, monkeypatch):
    feed = tmp_path / "feed"
    feed.mkdir()
    _export(feed / "a.jsonl", 1200, seed=1)
    monkeypatch.setattr(reading, "PART_BYTES", 32 * 1024)
    monkeypatch.setattr(reading, "PARALLEL_MIN_BYTES", 1)
    report = run_ingest(tmp_path / "index", [feed], rebuild=True, options=IngestOptions())
    assert report.articles == 1200 and report.records_skipped == len(range(0, 1200, 131))
    assert report.skipped[0].path == "a.jsonl:3"  # record 1, a blank line, then the broken one
    default_ids = [a.id for a in extract_file((feed / "a.jsonl").read_bytes(), "a.jsonl")
                   if isinstance(a, Article) and "#" in a.id]
    assert len(default_ids) == 240
    with SearchEngine(tmp_path / "index") as engine:
        assert engine.search(SearchRequest.create("公告")).total == 1200
        assert engine.search(SearchRequest.create('"记号01199"')).total == 1
        assert all(engine.article(aid) is not None for aid in default_ids)


@pytest.mark.parametrize("procs", [1, 2])
def test_the_progress_of_one_large_export_moves_part_by_part(tmp_path, monkeypatch, procs):
    """One export per source is how users bring an archive: the progress (bytes) moves while
    the one file is read, not once at its end, and ends at the bytes of every file."""
    feed = tmp_path / "feed"
    feed.mkdir()
    _export(feed / "a.jsonl", 1200, seed=1)
    (feed / "b.jsonl").write_text('{"id": "b1", "title": "另一条", "body": "另一条消息的正文。"}\n', encoding="utf-8")
    monkeypatch.setattr(reading, "PART_BYTES", 32 * 1024)
    monkeypatch.setattr(reading, "PARALLEL_MIN_BYTES", 1)
    seen = []
    run_ingest(tmp_path / "index", [feed], rebuild=True, options=IngestOptions(procs=procs),
               progress=lambda done, total: seen.append((done, total)))
    size = sum(f.stat().st_size for f in feed.iterdir())
    assert {total for _, total in seen} == {size}
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)
    assert seen[-1] == (size, size)
    assert len([done for done, _ in seen if done < (feed / "a.jsonl").stat().st_size]) > 10


@pytest.mark.parametrize("procs", [1, 2])
def test_an_export_over_the_data_limit_is_read_but_its_records_over_it(tmp_path, monkeypatch, procs):
    """`--max-data-mb` bounds what is held at once: a JSON Lines export larger than it is read in
    parts, every record kept, but a record over it (within a part, across several parts, or the
    file's last line without a line end) is skipped and reported by its line number, and the
    records after it keep the numbers (default ids) a whole read gives them."""
    monkeypatch.setattr(reading, "PART_BYTES", 64 * 1024)  # 36 kB fits in a part, 180 kB spans three
    path = tmp_path / "export.jsonl"
    lines = _export(path, 600, seed=3)
    huge = {40: 12_000, 300: 60_000, len(lines): 14_000}  # index in lines → characters of body
    for at in sorted(huge, reverse=True):
        lines.insert(at, json.dumps({"id": f"huge{at}", "title": "大", "body": "长" * huge[at]}, ensure_ascii=False))
    path.write_text("\n".join(lines), encoding="utf-8")  # no line end after the last
    limit_mb = 30_000 / 1048576  # 30 kB: each huge record's 36-180 kB is over it, the others under
    whole = [i for i in extract_file(path.read_bytes(), "export.jsonl") if isinstance(i, Article)]
    sf = SourceFile(path, "export.jsonl", str(tmp_path))
    [(_, _, items)] = [(a, b, list(c)) for a, b, c in extracted([sf], [job_for(sf, ReadOptions(max_data_mb=limit_mb), None)], procs)]
    skipped = [i for i in items if isinstance(i, Skipped) and "over the" in i.reason]
    assert sorted(int(i.path.rsplit(":", 1)[1]) for i in skipped) == sorted(
        k + 1 for k, line in enumerate(lines) if line.startswith('{"id": "huge'))
    assert all("--max-data-mb" in i.reason for i in skipped)
    articles = [i for i in items if isinstance(i, Article)]
    assert [_key(a) for a in articles] == [_key(a) for a in whole if not a.id.startswith("huge")]
    assert len(articles) == 600


def test_a_byte_order_mark_and_long_blank_lines_are_no_records(tmp_path, monkeypatch):
    """A UTF-8 byte order mark alone on the first line, and a line of only whitespace longer than
    the limit, are blank lines as a whole read sees them: no record skipped, no number shifted."""
    monkeypatch.setattr(reading, "PART_BYTES", 256)
    lines = [json.dumps({"title": f"第{i}篇", "body": "正文" * (i % 7 + 1)}, ensure_ascii=False) for i in range(30)]
    lines[10:10] = [" " * 3000]  # over the limit, across several parts
    path = tmp_path / "export.jsonl"
    path.write_bytes(b"\xef\xbb\xbf\r\n" + "\r\n".join(lines).encode("utf-8") + b"\r\n")
    sf = SourceFile(path, "export.jsonl", str(tmp_path))
    [(_, _, items)] = [(a, b, list(c)) for a, b, c in
                       extracted([sf], [job_for(sf, ReadOptions(max_data_mb=1000 / 1048576), None)], 1)]
    whole = list(extract_file(path.read_bytes(), "export.jsonl"))
    assert [_key(i) for i in items] == [_key(i) for i in whole]
    assert sum(isinstance(i, Article) for i in items) == 30
