"""The zero-hit log: queries that found nothing, with how often, kept with the index.

What an archivist reads to learn what people look for and do not find (a wording to pair with
`variants add`, a source not yet ingested). Only the query text and a count are kept: no
address, no time of each search, no filters. `zerohits.json` in the index folder, beside
CURRENT (rebuilds keep it), or in a cluster index's desk folder (`indexer.backends.desk_dir`): `{"queries": {query: [count, last seen (unix time)]}}`, at most
`MAX_QUERIES` of them; when full, the rarest, longest unseen query makes room for a new one.

`record` is called by either engine after every search (`indexer.search`, `indexer.backends.opensearch`). It must never
fail or slow a search: it does nothing unless the search is a real first page that found
nothing for a query with text and no filter or within-query (`台湾 --from 2020` finding nothing
says nothing of 台湾); then it takes an flock of its own (held for the read and the
write of a small file, so concurrent writers add up), writes without fsync (a count lost in a
crash is no loss), and swallows every error (a read-only index folder, a full disk).
Searches inside `not_recorded()` (the server's warm-up) are not counted.
"""
from __future__ import annotations

import contextlib
import contextvars
import fcntl
import json
import os
import time
from collections.abc import Iterator
from pathlib import Path

from indexer.backends.spec import desk_dir, is_cluster

FILE = "zerohits.json"
LOCK = "zerohits.lock"
MAX_QUERIES = 500
MAX_QUERY_CHARS = 200  # longer queries are kept cut to this length

_NARROWING = ("sources", "authors", "columns", "date_from", "date_to", "within", "story")  # what narrows a query
_recording: contextvars.ContextVar[bool] = contextvars.ContextVar("wensou_zerohits_recording", default=True)


@contextlib.contextmanager
def not_recorded() -> Iterator[None]:
    """Searches run inside this block are not counted (a warm-up is no one's search)."""
    token = _recording.set(False)
    try:
        yield
    finally:
        _recording.reset(token)


def normalise(query: str) -> str:
    """The query as counted: whitespace runs as one space, trimmed, at most MAX_QUERY_CHARS."""
    return " ".join(query.split())[:MAX_QUERY_CHARS]


def record(index_dir: Path | str, request, total: int) -> None:
    """Count `request`'s query when it found nothing (see the module docstring); never raises."""
    try:
        if total or getattr(request, "page", 1) != 1 or not _recording.get():
            return
        if any(getattr(request, name, None) for name in _NARROWING):
            return  # its nothing may be the filters' (the log keeps the query alone: it would mislead)
        query = normalise(getattr(request, "query", "") or "")
        if not query:
            return
        folder, desk = _folder(index_dir)
        _add(folder, query, desk)
    except Exception:  # noqa: BLE001 - the log must never fail a search
        return


def _folder(index: Path | str) -> tuple[Path, bool]:
    """Where the log of an --index value is kept, and whether that is a cluster index's desk."""
    return (desk_dir(index), True) if is_cluster(index) else (Path(index), False)


def _add(index_dir: Path, query: str, desk: bool = False) -> None:
    if desk:
        index_dir.mkdir(parents=True, exist_ok=True)  # the desk's folder, ours to make
    elif not (index_dir / "CURRENT").exists():
        return  # not an index folder: create nothing in it
    fd = os.open(index_dir / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        queries = _read(index_dir)
        count, _ = queries.pop(query, (0, 0.0))
        while len(queries) >= MAX_QUERIES:  # full: the rarest query, the longest unseen of them, goes
            del queries[min(queries, key=lambda q: queries[q])]
        queries[query] = (count + 1, time.time())
        path = index_dir / FILE
        tmp = path.with_name(f".{FILE}.{os.getpid()}.tmp")
        try:
            tmp.write_text(json.dumps({"queries": {q: [c, round(t, 3)] for q, (c, t) in queries.items()}},
                                      ensure_ascii=False), encoding="utf-8")
            os.replace(tmp, path)
        except OSError:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
    finally:
        os.close(fd)


def _read(index_dir: Path) -> dict[str, tuple[int, float]]:
    try:
        data = json.loads((index_dir / FILE).read_text(encoding="utf-8"))
        return {str(q): (int(v[0]), float(v[1])) for q, v in data["queries"].items()}
    except (OSError, ValueError, KeyError, TypeError, IndexError, AttributeError):
        return {}


def top(index_dir: Path | str, limit: int = 20) -> list[dict]:
    """The most frequent zero-hit queries, `[{"query", "count"}]`, most frequent first (then the
    most recently seen)."""
    queries = _read(_folder(index_dir)[0])
    ranked = sorted(queries.items(), key=lambda kv: (-kv[1][0], -kv[1][1], kv[0]))[:limit]
    return [{"query": q, "count": c} for q, (c, _) in ranked]
