"""Reading and extracting files, in worker processes for large runs: at most two files each
ahead, a large JSON Lines file cut at line ends into parts read on every core, every body cut
to its bound where it is extracted; results come back in the order of the files."""
from __future__ import annotations

import hashlib
import multiprocessing
import os
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from indexer import processes
from indexer.article import Skipped
from indexer.extract import extract_file
from indexer.extract.encoding import decode, decode_records
from indexer.extract.records import extract_records
from indexer.extract.webarchive import MHTML_SUFFIXES
from indexer.ingest.files import JSON_SUFFIXES, SourceFile, os_reason, read_source
from indexer.ingest.report import Cut
from indexer.ingest.sources import ReadOptions

PARALLEL_MIN_FILES = 64  # below this (and PARALLEL_MIN_BYTES), worker processes cost more than they save
PARALLEL_MIN_BYTES = 16 * 1024 * 1024


def _bounded(items: list, limit: int) -> list:
    """The items with every article's body cut to `limit` characters (at a line end where one is
    near), each cut followed by a Cut naming it. Runs where the articles are extracted, so a
    record of 70 million characters never travels to the writers whole: memory and the article
    page stay bounded by the limit, not by the largest record."""
    out = []
    for item in items:
        out.append(item)
        if isinstance(item, Skipped) or len(item.body) <= limit:
            continue
        full = len(item.body)
        end = item.body.rfind("\n", limit - limit // 10, limit)
        item.body = item.body[:end if end > 0 else limit]
        out.append(Cut(item.id, f"body of {full:,} characters indexed and shown up to {len(item.body):,} "
                                f"(raise it with --max-body-chars)"))
    return out


UNCHANGED = "unchanged"


def _read_and_extract(job: tuple) -> tuple[str | None, str | Skipped | list]:
    """Read one file, hash it, and extract it unless its hash is the one already indexed.

    Runs in worker processes for large runs, so it takes and returns plain picklable values.
    """
    path, relpath, previous_hash, limit_mb, flag, field_map, max_body = job
    data = read_source(path, relpath, limit_mb, flag)
    if isinstance(data, Skipped):
        return None, data
    digest = hashlib.blake2b(data, digest_size=16).hexdigest()
    if digest == previous_hash:
        return digest, UNCHANGED
    try:
        return digest, _bounded(extract_file(data, relpath, field_map=field_map), max_body)
    except Exception as exc:  # a bug on one odd file must not stop the run: report it
        return digest, Skipped(relpath, f"could not be read: {type(exc).__name__}: {exc}")


# why a file as a whole could not be read now (a crawler half-way through writing it, a copy cut
# short, bytes gone bad), as against a file read that holds no article (a listing page)
_UNREADABLE_NOW = ("not text", "invalid JSON", "empty file", "could not be read")


def unreadable_now(result: object, relpath: str) -> Skipped | None:
    """The Skipped of an extraction that could not read the file at all (`_UNREADABLE_NOW`),
    else None: an ingest keeps what the file gave before, as for a file it may not open."""
    if isinstance(result, list) and len(result) == 1 and isinstance(result[0], Skipped) \
            and result[0].path == relpath and result[0].reason.startswith(_UNREADABLE_NOW):
        return result[0]
    return None


def job_for(sf: SourceFile, opts: ReadOptions, previous_hash: str | None) -> tuple:
    # an archive of a saved page (.mht) holds its pictures too: bounded as data, not as a page
    if sf.path.suffix.lower() in JSON_SUFFIXES | MHTML_SUFFIXES:
        limit, flag = opts.max_data_mb, "--max-data-mb"
    else:
        limit, flag = opts.max_page_mb, "--max-file-mb"
    return sf.path, sf.relpath, previous_hash, limit, flag, opts.field_map, opts.max_body_chars


# ------------------------------------------------------------ large JSON Lines files in parts

PART_BYTES = 4 * 1024 * 1024  # a JSON Lines file over twice this is read in parts of about this size
_WIDE_BOMS = (b"\xff\xfe", b"\xfe\xff")  # UTF-16/32: a `\n` byte is not a line end there
_BOM = b"\xef\xbb\xbf"  # UTF-8's, at the start of a file


@dataclass
class _Parts:
    """A large JSON Lines file cut at line ends into byte ranges that workers read and extract
    on their own: (start, end, first line number, first record number, why it is skipped) each;
    the last is None but for a range that is one record over the limit (read by nobody)."""

    digest: str
    ranges: list[tuple[int, int, int, int, str | None]]


class _Cutter:
    """The ranges of a JSON Lines file as its pieces (whole lines) go by, each record over
    `limit` bytes a range of its own, skipped with `reason(size)`."""

    def __init__(self, limit: int, reason) -> None:
        self.limit, self.reason = limit, reason
        self.ranges: list[tuple[int, int, int, int, str | None]] = []
        self.start, self.line, self.record = 0, 1, 1

    def piece(self, piece: bytes) -> None:
        lines = piece.split(b"\n")
        if piece.endswith(b"\n"):
            lines.pop()
        if all(len(x) <= self.limit for x in lines):
            self._run(lines, len(piece))
            return
        run: list[bytes] = []  # rare: records over the limit among them; the lines between are ranges
        for k, x in enumerate(lines):
            size = len(x) + (k < len(lines) - 1 or piece.endswith(b"\n"))  # the file's last line may have no end
            if len(x) > self.limit:
                self._run(run, sum(len(y) + 1 for y in run))
                run = []
                self.oversized(size, blank=not x.strip())
            else:
                run.append(x)
        self._run(run, sum(len(y) + 1 for y in run) - (bool(run) and not piece.endswith(b"\n")))

    def _run(self, lines: list[bytes], size: int) -> None:
        if lines:
            self.ranges.append((self.start, self.start + size, self.line, self.record, None))
            self.line += len(lines)
            self.record += sum(1 for x in lines if x.strip())
            if self.start == 0 and lines[0].startswith(_BOM) and not lines[0][len(_BOM):].strip():
                self.record -= 1  # a byte order mark alone on the first line: a blank line, no record
            self.start += size

    def oversized(self, size: int, blank: bool = False) -> None:
        """One line of `size` bytes (its line end included) over the limit, not read: a record
        skipped, or (`blank`: only whitespace) no record at all."""
        if not blank:
            self.ranges.append((self.start, self.start + size, self.line, self.record, self.reason(size)))
            self.record += 1
        self.start += size
        self.line += 1


def in_parts(path: Path, relpath: str, limit_mb: float, flag: str) -> _Parts | Skipped | None:
    """The parts of a JSON Lines file large enough to be read in parallel (None: read it whole).

    One pass over the file, PART_BYTES at a time: its content hash (the same as a whole read's,
    so an unchanged file is recognised either way), and for each part its first line and
    record number (records are the lines that are not blank, as `extract_records` counts them).
    A file read in parts is never held whole, so `limit_mb` bounds each record, not the file:
    a record over it is skipped and reported by its line number (and never held either), and a
    JSON Lines export of any size is read. A file over the limit is read in parts however small."""
    try:
        size = path.stat().st_size
    except OSError:
        return None  # read_source reports it
    limit = int(limit_mb * 1024 * 1024)
    if path.suffix.lower() != ".jsonl" or (size <= 2 * PART_BYTES and size <= limit):
        return None
    h = hashlib.blake2b(digest_size=16)
    cutter = _Cutter(limit, lambda n: f"record of {n / 1048576:.{1 if n >= 1048576 else 3}f} MB, over the "
                                      f"{limit_mb:g} MB limit (raise it with {flag})")
    try:
        with open(path, "rb") as f:
            if f.read(4).startswith(_WIDE_BOMS):
                return None
            f.seek(0)
            carry: list[bytes] = []  # the unfinished line, as read (joined once its end comes)
            held = skipping = 0  # bytes in carry; bytes of a record over the limit dropped so far
            blank = True  # the dropped record is only whitespace so far
            while True:
                block = f.read(PART_BYTES)
                h.update(block)
                if skipping:  # inside a record over the limit: drop it up to its line end
                    end = block.find(b"\n")
                    if end < 0 and block:
                        skipping += len(block)
                        blank = blank and not block.strip()
                        continue
                    blank = blank and not block[:max(end, 0)].strip()
                    cutter.oversized(skipping + (end + 1 if end >= 0 else 0), blank)
                    skipping, block = 0, block[end + 1:] if end >= 0 else b""
                    if not block:
                        if end < 0:
                            break
                        continue
                if block and b"\n" not in block:  # a line longer than a part: keep reading, or drop it past the limit
                    carry.append(block)
                    held += len(block)
                    if held > limit:
                        blank = not any(b.strip() for b in carry)
                        carry, held, skipping = [], 0, held
                    continue
                data = b"".join(carry) + block if carry else block
                carry, held = [], 0
                if not data:
                    break
                cut = data.rfind(b"\n") + 1 if block else len(data)
                if cut:
                    cutter.piece(data[:cut])
                if cut < len(data):
                    carry, held = [data[cut:]], len(data) - cut
                if not block:
                    break
    except OSError as exc:
        return Skipped(relpath, os_reason(exc))
    return _Parts(h.hexdigest(), cutter.ranges)


def _extract_part(job: tuple) -> list:
    """Read and extract one part of a large JSON Lines file (in a worker process)."""
    path, relpath, (start, end, first_line, first_record, skipped), field_map, max_body = job
    if skipped:
        return [Skipped(f"{relpath}:{first_line}", skipped)]
    try:
        with open(path, "rb") as f:
            data = os.pread(f.fileno(), end - start, start)
    except OSError as exc:
        return [Skipped(f"{relpath}:{first_line}", os_reason(exc))]
    text = decode(data) or decode_records(data)  # (a run of NULs in the part: its good records kept)
    if text is None:
        last = first_line + data.count(b"\n") - (1 if data.endswith(b"\n") else 0)
        return [Skipped(f"{relpath}:{first_line}-{last}", "not text (binary or undecodable bytes)")]
    del data  # a part that is one huge record: hold its text once, not its bytes too
    try:
        if "\x00" in text:
            text = text.replace("\x00", "")
        return _bounded(extract_records(text, relpath, json_array=False, field_map=field_map,
                                        first_line=first_line, first_record=first_record), max_body)
    except Exception as exc:  # a bug on one odd record must not stop the run: report it
        return [Skipped(f"{relpath}:{first_line}", f"could not be read: {type(exc).__name__}: {exc}")]


def worth_parallel(files: list[SourceFile]) -> bool:
    """Many files, or much text however few files hold it (one export per source)."""
    if len(files) >= PARALLEL_MIN_FILES:
        return True
    total = 0
    for sf in files:
        try:
            total += sf.path.stat().st_size
        except OSError:
            continue
        if total >= PARALLEL_MIN_BYTES:
            return True
    return False


def _plan(sf: SourceFile, job: tuple) -> tuple:
    """What reading one file takes: ("whole", job), ("parts", digest, [part jobs]) or a result
    known without a worker: ("done", digest, unchanged | Skipped)."""
    path, relpath, previous_hash, limit, flag, field_map, max_body = job
    parts = in_parts(path, relpath, limit, flag)
    if parts is None:
        return ("whole", job)
    if isinstance(parts, Skipped):
        return ("done", None, parts)
    if parts.digest == previous_hash:
        return ("done", parts.digest, UNCHANGED)
    return ("parts", parts.digest, [(path, relpath, r, field_map, max_body) for r in parts.ranges])


def file_bytes(sf: SourceFile) -> int:
    """A file's size, what reading it advances the progress by (0 when it cannot be read)."""
    try:
        return sf.path.stat().st_size
    except OSError:
        return 0


def _part_bytes(part_job: tuple) -> int:
    start, end = part_job[2][:2]
    return end - start


def extracted(files: list[SourceFile], jobs: list[tuple], procs: int,
              advanced: Callable[[int], None] | None = None):
    """(SourceFile, digest, unchanged | Skipped | items) for each file, in order.

    Files are read and extracted in `procs` worker processes, a large JSON Lines file in parts
    spread over all of them, so one export of 100,000 records is read on every core like a
    folder of many small files. Only a few jobs are in flight ahead of the writer (Pool.imap
    would read everything while the slower indexing runs, holding all the articles here), and a
    large file's articles arrive part by part: memory does not grow with the largest file.

    `advanced(n)` is called once the items of n more bytes have been consumed (a whole file's
    size, or a part's): the progress of one large export moves part by part, not once at its end."""
    follow = advanced is not None  # (a whole file's size is a stat: asked only when progress is followed)
    advanced = advanced or (lambda n: None)
    if procs <= 1:
        for sf, job in zip(files, jobs):
            plan = _plan(sf, job)
            if plan[0] == "whole":
                yield (sf, *_read_and_extract(job))
            elif plan[0] == "done":
                yield (sf, plan[1], plan[2])
            else:
                yield (sf, plan[1], _parts_in_turn(plan[2], advanced))
                continue
            if follow:
                advanced(file_bytes(sf))
        return
    with multiprocessing.get_context("fork").Pool(procs, initializer=processes.die_with_parent) as pool:
        window = 2 * procs
        pending: deque = deque()  # (kind, async result) in the order they are to be handed out

        def submit():
            for sf, job in zip(files, jobs):
                plan = _plan(sf, job)
                if plan[0] == "whole":
                    yield sf, "whole", pool.apply_async(_read_and_extract, (job,)), None
                elif plan[0] == "done":
                    yield sf, "done", plan, None
                else:
                    sizes = [_part_bytes(part) for part in plan[2]]
                    for part in plan[2]:
                        yield sf, "part", pool.apply_async(_extract_part, (part,)), (plan[1], sizes)

        def results():
            """(sf, kind, value, part info) in order, at most `window` jobs ahead."""
            for item in submit():
                pending.append(item)
                while len(pending) > window:
                    yield _resolve(pending.popleft())
            while pending:
                yield _resolve(pending.popleft())

        stream = results()
        for sf, kind, value, info in stream:
            if kind == "whole":
                yield (sf, *value)
            elif kind == "done":
                yield (sf, value[1], value[2])
            else:
                digest, sizes = info
                parts = _PartItems(value, stream, sizes, advanced)
                yield (sf, digest, parts)
                if not parts.done:
                    raise RuntimeError("a file's items must be consumed before the next file is asked for")
                continue
            if follow:
                advanced(file_bytes(sf))


def _parts_in_turn(part_jobs: list[tuple], advanced: Callable[[int], None]):
    """The items of a file's parts, read one after the other in this process."""
    for part in part_jobs:
        yield from _extract_part(part)
        advanced(_part_bytes(part))


def _resolve(item: tuple) -> tuple:
    sf, kind, value, info = item
    return (sf, kind, value.get() if kind in ("whole", "part") else value, info)


class _PartItems:
    """The items of a file read in parts (`sizes`: each part's bytes): the first part's, then
    the next parts' taken from `stream`, which they share with the files after it: iterate it
    to the end before asking for the next file."""

    def __init__(self, first: list, stream, sizes: list[int], advanced: Callable[[int], None]) -> None:
        self._first, self._stream, self._sizes, self._advanced = first, stream, sizes, advanced
        self.done = False

    def __iter__(self):
        yield from self._first
        self._first = []
        self._advanced(self._sizes[0])
        for size in self._sizes[1:]:
            _, kind, items, _info = next(self._stream)
            assert kind == "part"
            yield from items
            self._advanced(size)
        self.done = True
