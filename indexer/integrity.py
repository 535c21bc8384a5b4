"""Trust in the index on disk: every file a generation holds has a recorded size and CRC32.

When a writer finishes a generation, `record` writes ``checksums.json`` beside its files::

    {"format": 2,                       # the index format (see FORMAT below)
     "algorithm": "crc32",
     "files": {"MAIN_x.wx": {"size": 896312, "crc32": 1234, "head": 55, "tail": 66, "mtime_ns": ...},
               ...},                    # every file of the generation but this one and lock files
     "self": 789}                       # CRC32 of this object without "self" (canonical JSON)

`head` and `tail` are the CRC32 of the first and last 4 KiB. Two levels of verification use it:

- `verify_open` (every time a generation is opened, and before one goes live): the record's
  own checksum, then for each file its size, its head and tail, and, when its modification
  time is not the recorded one (the file was written to since), its whole CRC32. About a
  millisecond for a typical generation, so any change made through the file system is caught
  before a search reads the file, while decay of the medium under an unchanged file is left to:
- `verify_full` (`wensou check`): every byte of every file.

Generations written before checksums were recorded (no ``checksums.json``: index format 1)
open unverified; `check` says they cannot be vouched for. A generation whose record names
another format is refused with its version and `rebuild` as the fix.
"""
from __future__ import annotations

import json
import os
import re
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path

CHECKSUMS = "checksums.json"
_SINCE_CHECKSUMS = "catalogue.sqlite"  # a file only generations written with a checksum record hold
FORMAT = 2  # 1: no checksums.json (before they were recorded); 2: checksums.json, exact layer WENSOUX2
EDGE = 4096  # bytes of the head and tail checksummed on their own
_CHUNK = 1 << 22
# never listed: Whoosh's lock file (created empty by a writer, held with flock) and temporary files
_LOCK_MARK = "LOCK"


@dataclass
class Damage:
    """One file of a generation that is not as written."""

    file: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file} ({self.reason})"


@dataclass
class Report:
    """What a verification found: `damaged` files (empty: all good)."""

    generation: str
    format: int
    files: int = 0
    bytes: int = 0
    damaged: list[Damage] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.damaged


class FormatError(Exception):
    """The generation was written in an index format this code does not read."""

    def __init__(self, generation: str, version, message: str) -> None:
        super().__init__(message)
        self.generation = generation
        self.version = version


def listed(gen: Path) -> list[Path]:
    """The files of a generation that its checksums cover."""
    return sorted(f for f in gen.iterdir()
                  if f.is_file() and f.name != CHECKSUMS and _LOCK_MARK not in f.name.upper()
                  and not f.name.endswith(".tmp"))


def crc32_file(path: Path | str) -> tuple[int, int]:
    """(CRC32 of the whole file, bytes read)."""
    crc, n = 0, 0
    with open(path, "rb", buffering=0) as f:
        while True:
            data = f.read(_CHUNK)
            if not data:
                return crc, n
            crc = zlib.crc32(data, crc)
            n += len(data)


def _edges(fd: int, size: int) -> tuple[int, int]:
    head = os.pread(fd, min(EDGE, size), 0)
    tail = os.pread(fd, min(EDGE, size), max(0, size - EDGE))
    return zlib.crc32(head), zlib.crc32(tail)


def file_entry(path: Path, known: dict | None = None) -> dict:
    """The record of one file; `known` (another generation's record of the same inode, not
    written to since) is reused instead of reading the file again."""
    st = os.stat(path)
    if known and known.get("size") == st.st_size and known.get("mtime_ns") == st.st_mtime_ns \
            and known.get("ino") == st.st_ino:
        return dict(known)
    crc, n = crc32_file(path)
    fd = os.open(path, os.O_RDONLY)
    try:
        head, tail = _edges(fd, n)
    finally:
        os.close(fd)
    return {"size": n, "crc32": crc, "head": head, "tail": tail, "mtime_ns": st.st_mtime_ns, "ino": st.st_ino}


def _canonical(data: dict) -> bytes:
    body = {k: v for k, v in data.items() if k != "self"}
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _write(gen: Path, data: dict) -> None:
    data = {**data, "self": zlib.crc32(_canonical(data))}
    tmp = gen / (CHECKSUMS + ".tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(data, f, ensure_ascii=False, sort_keys=True)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, gen / CHECKSUMS)


def record(gen: Path, base: Path | None = None, extra: dict | None = None) -> dict:
    """Write the checksums of every file of `gen` (files hard-linked from `base`, the
    generation an ingest started from, keep its record when untouched since). `extra`: other
    measurements kept with them; those of `base` are carried over where not given."""
    reuse, carried = {}, {}
    if base is not None:
        try:
            old = load(base)
        except (FormatError, ValueError, OSError):
            old = None
        if old:
            reuse = old["files"]
            carried = {k: v for k, v in old.items() if k not in ("format", "algorithm", "files", "written", "self")}
    files = {f.name: file_entry(f, reuse.get(f.name)) for f in listed(gen)}
    data = {**carried, **(extra or {}), "format": FORMAT, "algorithm": "crc32", "files": files,
            "written": time.time()}
    _write(gen, data)
    return data


def update(gen: Path, name: str) -> None:
    """Record the new content of one file rewritten in a finished generation (the recorded
    sources of an ingest that changed nothing). No-op for a generation without checksums."""
    try:
        data = load(gen)
    except (FormatError, ValueError, OSError):
        return
    if data is None:
        return
    data["files"][name] = file_entry(gen / name)
    _write(gen, data)


def load(gen: Path) -> dict | None:
    """The generation's record; None when it has none (format 1). Raises FormatError for
    another format, ValueError when the record itself is damaged."""
    try:
        raw = (gen / CHECKSUMS).read_bytes()
    except FileNotFoundError:
        if (gen / _SINCE_CHECKSUMS).exists():  # written by a wensou that records checksums: it was lost
            raise ValueError(f"{CHECKSUMS} is missing") from None
        return None
    try:
        data = json.loads(raw)
    except ValueError:
        raise ValueError(f"{CHECKSUMS} is not valid JSON") from None
    if not isinstance(data, dict):
        raise ValueError(f"{CHECKSUMS} is not a checksum record")
    version = data.get("format")
    if version != FORMAT:
        if isinstance(version, int) and version < FORMAT:
            raise FormatError(gen.name, version,
                              f"{gen.name} is in index format {version}, older than this wensou reads "
                              f"(format {FORMAT}): run `wensou rebuild` to write it again")
        if isinstance(version, int):
            raise FormatError(gen.name, version,
                              f"{gen.name} is in index format {version}, newer than this wensou reads "
                              f"(format {FORMAT}): upgrade wensou, or run `wensou rebuild` with this one")
        raise ValueError(f"{CHECKSUMS} names no index format")
    if data.get("self") != zlib.crc32(_canonical(data)) or not isinstance(data.get("files"), dict):
        raise ValueError(f"{CHECKSUMS} does not match its own checksum")
    return data


def _check(gen: Path, name: str, entry: dict, full: bool) -> tuple[str | None, int]:
    """(why the file is damaged or None, bytes read)."""
    path = gen / name
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return "missing", 0
    except OSError as exc:
        return f"unreadable: {exc.strerror}", 0
    if st.st_size != entry.get("size"):
        return f"{st.st_size} bytes, {entry.get('size')} written", 0
    try:
        if full or st.st_mtime_ns != entry.get("mtime_ns"):
            crc, n = crc32_file(path)
            return (None if crc == entry.get("crc32") and n == entry.get("size") else "checksum mismatch"), n
        fd = os.open(path, os.O_RDONLY)
        try:
            head, tail = _edges(fd, st.st_size)
        finally:
            os.close(fd)
    except OSError as exc:
        return f"unreadable: {exc.strerror}", 0
    if (head, tail) != (entry.get("head"), entry.get("tail")):
        return "checksum mismatch", 2 * EDGE
    return None, 2 * EDGE


def verify(gen: Path, full: bool = False, skip: frozenset[str] = frozenset()) -> Report:
    """Verify a generation (see the module docstring); raises FormatError. A damaged record
    is reported as the damage of checksums.json."""
    t0 = time.perf_counter()
    try:
        data = load(gen)
    except ValueError as exc:
        return Report(gen.name, FORMAT, damaged=[Damage(CHECKSUMS, str(exc))], seconds=time.perf_counter() - t0)
    if data is None:
        return Report(gen.name, 1, seconds=time.perf_counter() - t0)
    report = Report(gen.name, FORMAT)
    for name, entry in sorted(data["files"].items()):
        if name in skip:
            continue
        why, n = _check(gen, name, entry, full)
        report.files += 1
        report.bytes += n
        if why:
            report.damaged.append(Damage(name, why))
    report.seconds = time.perf_counter() - t0
    return report


# the recorded sources are rewritten in a live generation by an ingest that changes nothing
# (checksums updated right after): opening a generation for search does not need them
OPEN_SKIP = frozenset({"sources.json"})


def verify_open(gen: Path) -> Report:
    """The cheap verification done whenever a generation is opened (see the module docstring)."""
    return verify(gen, full=False, skip=OPEN_SKIP)


def verify_full(gen: Path) -> Report:
    return verify(gen, full=True)


def _recorded(path: Path) -> dict | None:
    """The checksum record of one file of a generation; None when no (readable) record covers it."""
    try:
        record_ = load(path.parent)
    except (FormatError, ValueError, OSError):
        return None
    return record_["files"].get(path.name) if record_ else None


def intact(path: Path) -> bool:
    """Whether a file of a generation matches its checksum, read whole (in pieces: it may be
    large); True for a file no record covers."""
    entry = _recorded(path)
    return entry is None or crc32_file(path) == (entry.get("crc32"), entry.get("size"))


def verified_bytes(path: Path) -> bytes | None:
    """The bytes of a small file of a generation, None when its checksum says it is damaged
    (files not covered by a record are returned as they are)."""
    data = path.read_bytes()
    entry = _recorded(path)
    if entry is not None and (zlib.crc32(data) != entry.get("crc32") or len(data) != entry.get("size")):
        return None
    return data


# ------------------------------------------------------------------------- what damage touches

_SEGMENT_RE = re.compile(r"(MAIN_[0-9a-z]+)[._]")
_WHOLE = {  # generation-wide files: what each holds
    CHECKSUMS: "the checksums of every file",
    "catalogue.sqlite": "which file gave which article (used by the next ingest)",
    "manifest.json": "which file gave which article (an older index's; used by the next ingest)",
    "build.json": "the report of the build",
    "sources.json": "the recorded sources (used by the next rebuild)",
    "clusters.npy": "the reposts of every article (collapsing)",
}


def segment_of(name: str) -> str | None:
    """The Whoosh segment a file belongs to (`MAIN_x.wx`, `minhash-MAIN_x.npy`), or None."""
    m = _SEGMENT_RE.search(name)
    return m.group(1) if m else None


def affected(gen: Path, damaged: list[Damage]) -> list[dict]:
    """For each damaged file, which articles it holds: a segment's file holds that segment's
    articles (their ids, when the segment's stored fields or id terms can still be read), the
    table of contents every article, the metadata what `_WHOLE` says."""
    if not damaged:
        return []
    wanted = {segment_of(d.file) for d in damaged}
    segments = _segments(gen, wanted)
    out = []
    for d in damaged:
        entry: dict = {"file": d.file, "reason": d.reason, "segment": None, "articles": None, "ids": None}
        seg_id = segment_of(d.file)
        if d.file.endswith(".toc"):
            entry["holds"] = "the table of contents: every article"
            entry["articles"] = sum(n for n, _ in segments.values()) if segments else None
        elif seg_id is not None:
            entry["segment"] = seg_id
            n, ids = segments.get(seg_id, (None, None))
            entry["articles"] = n
            entry["ids"] = ids
            entry["holds"] = f"segment {seg_id}" + ("" if n is not None else " (not in the table of contents)")
        else:
            entry["holds"] = _WHOLE.get(d.file, "generation metadata")
        out.append(entry)
    return out


def _segments(gen: Path, wanted: set) -> dict[str, tuple[int, list[str] | None]]:
    """Segment id -> (live articles, their ids or None when unreadable, or not `wanted`), as
    far as readable."""
    try:
        from whoosh import index as whoosh_index
        from whoosh.reading import SegmentReader

        ix = whoosh_index.open_dir(str(gen))
        toc = ix._read_toc()
    except Exception:  # noqa: BLE001 - the table of contents itself is damaged: nothing to say
        return {}
    found = {}
    for seg in toc.segments:
        n = seg.doc_count()
        ids = None
        if seg.segment_id() not in wanted:
            found[seg.segment_id()] = (n, None)
            continue
        try:
            reader = SegmentReader(ix.storage, toc.schema, seg)
            try:
                ids = _ids(reader)
            finally:
                reader.close()
        except Exception:  # noqa: BLE001 - a damaged segment: its count from the TOC is all there is
            ids = None
        found[seg.segment_id()] = (n, ids)
    return found


def _ids(reader) -> list[str] | None:
    try:
        return sorted(reader.stored_fields(d)["id"] for d in reader.all_doc_ids())
    except Exception:  # noqa: BLE001 - the stored fields are damaged: the id terms may not be
        pass
    try:
        return sorted(t.decode("utf-8") if isinstance(t, bytes) else t for t in reader.lexicon("id"))
    except Exception:  # noqa: BLE001
        return None
