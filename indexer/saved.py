"""Saved searches and their alerts, kept with the index (the archivist's desk).

Files in the index folder, beside CURRENT and outside every generation, so rebuilds and
ingests keep them:

- `saved.json`: `{"searches": [{"name", "query", "sources", "authors", "columns", "from", "to",
  "within", "variants", "created"}]}`, in the order they were saved; filters and dates as the user wrote them
  (validated by `SearchRequest.create`, the one place searches are checked).
- `alerts.json`: `{"at", "generation", "marked": [names], "marked_keys": [keys]}`: when `alerts` last
  ran and which saved searches it marked then, by name and by a digest of name and definition
  (`SavedSearch.mark_key`: a search saved again under an old name with another query is new); `alerts-ids.bin`: the index's article ids at that mark, as a sorted
  array of 64-bit hashes (8 bytes an article: 0.8 MB for 100,000).

An article is *new* for a saved search when it matches the search now and its id was not in the
index at the mark: an article re-ingested (changed or not) keeps its id and is not new; one
added by an ingest or a rebuild is. A saved search the last run did not mark (saved since) only
gets marked: its first run reports nothing.

Every file here is written whole to a temporary file and renamed over the old one, and every
read-modify-write holds an flock on `saved.lock` in the folder: two `saved add` at once both
land, and a reader never sees half a file.
"""
from __future__ import annotations

import hashlib
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from indexer import store
from indexer.backends import desk_dir, is_cluster, open_engine
from indexer.deskfiles import locked, read_json, write_atomic, write_json
from indexer.search.engine import SearchEngine
from indexer.search.request import BadRequest, SearchRequest, SearchTooCostly

SAVED = "saved.json"
ALERTS = "alerts.json"
ALERT_IDS = "alerts-ids.bin"
MAX_NAME = 100
MAX_SAVED = 1000
MAX_NEW = 100  # articles listed per saved search and run in text (newest first); the mark moves past all
# seconds a saved search may take in an alerts run: a batch job, not a person waiting for a page
# (a search's default two seconds made a heavy saved search "not checked", and the mark moved
# past its new articles for good)
ALERT_DEADLINE = 300.0


# ------------------------------------------------------------------- files beside the index


# ------------------------------------------------------------------------- saved searches


DESCRIBE_LABELS = {
    "en": {"source": "source", "author": "author", "column": "column", "from": "from", "to": "to",
           "within": "within", "variants": "without the other strait's wordings"},
    "zh": {"source": "来源", "author": "作者", "column": "栏目", "from": "起", "to": "止",
           "within": "在结果中搜索", "variants": "不找另一岸的说法"},
}


class BadSaved(ValueError):
    """A saved search that cannot be saved (a bad name, a bad filter) or found; one line for the user."""


class SavedExists(BadSaved):
    """A saved search of that name exists and replacing it was not asked for."""


@dataclass(frozen=True)
class SavedSearch:
    name: str
    query: str = ""
    sources: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()
    columns: tuple[str, ...] = ()
    date_from: str = ""
    date_to: str = ""
    within: tuple[str, ...] = ()  # queries its results must also match (search within results)
    variants: bool = True  # unquoted terms also find the other strait's wording
    created: float = field(default=0.0, compare=False)

    def request(self, **overrides) -> SearchRequest:
        """The search it stands for (raises BadRequest only if the rules changed since it was saved)."""
        args = dict(query=self.query, sources=self.sources, authors=self.authors, columns=self.columns,
                    date_from=self.date_from or None, date_to=self.date_to or None, within=self.within,
                    variants=self.variants)
        args.update(overrides)
        return SearchRequest.create(**args)

    def filters(self) -> list[tuple[str, str]]:
        """(parameter, value) pairs of its filters, as the search page's URL names them."""
        out = [("source", v) for v in self.sources] + [("author", v) for v in self.authors]
        out += [("column", v) for v in self.columns]
        out += [(k, v) for k, v in (("from", self.date_from), ("to", self.date_to)) if v]
        out += [("within", v) for v in self.within] + ([] if self.variants else [("variants", "0")])
        return out

    def describe(self, language: str = "en") -> str:
        """Its filters in one line (empty without filters), labelled in `language` (zh, en)."""
        labels = DESCRIBE_LABELS.get(language, DESCRIBE_LABELS["en"])
        return ("，" if language == "zh" else ", ").join(labels[k] if k == "variants" else f"{labels[k]} {v}"
                                                       for k, v in self.filters())

    def mark_key(self) -> str:
        """What the alerts' mark knows the search by: its name and everything it searches, so a
        search saved again under an old name with another query starts with a mark of its own."""
        defined = repr((self.name, self.query, self.sources, self.authors, self.columns, self.date_from,
                        self.date_to, self.within, self.variants))
        return hashlib.blake2b(defined.encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()

    def to_dict(self) -> dict:
        return {"name": self.name, "query": self.query, "sources": list(self.sources),
                "authors": list(self.authors), "columns": list(self.columns),
                "from": self.date_from or None, "to": self.date_to or None, "within": list(self.within),
                "variants": self.variants, "created": _iso(self.created)}

    @classmethod
    def from_dict(cls, d: dict) -> SavedSearch | None:
        try:
            return cls(name=str(d["name"]), query=str(d.get("query") or ""),
                       sources=tuple(map(str, d.get("sources") or ())), authors=tuple(map(str, d.get("authors") or ())),
                       columns=tuple(map(str, d.get("columns") or ())), date_from=str(d.get("from") or ""),
                       date_to=str(d.get("to") or ""), within=tuple(map(str, d.get("within") or ())),
                       variants=d.get("variants") is not False, created=float(d.get("created_ts") or 0.0))
        except (KeyError, TypeError, ValueError):
            return None

    def _stored(self) -> dict:
        d = self.to_dict()
        d["created_ts"] = self.created
        return d


def check_name(name: object) -> str:
    """The name, trimmed; raises BadSaved when it is empty, too long, holds a control character
    or a slash (it names the saved search's feed, /feeds/saved/<name>.atom)."""
    text = unicodedata.normalize("NFC", str(name or "")).strip()
    if not text:
        raise BadSaved("a saved search needs a name")
    if len(text) > MAX_NAME:
        raise BadSaved(f"a name is at most {MAX_NAME} characters")
    if any(unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") for c in text) or "/" in text or "\\" in text:
        raise BadSaved("a name cannot hold control characters or slashes")
    return text


def make(name: object, query: object = "", sources=(), authors=(), columns=(), date_from=None,
         date_to=None, within=(), variants: bool = True) -> SavedSearch:
    """A validated saved search: the filters go through `SearchRequest.create` (raises BadSaved
    with its message); dates are kept as written (`2005年6月` stays so)."""
    name = check_name(name)
    written = [query, date_from, date_to, *sources, *authors, *columns, *within]
    if any(isinstance(v, str) and any(unicodedata.category(c) == "Cc" and c not in "\t\n\r" for c in v)
           for v in written):
        raise BadSaved("a saved query cannot hold control characters")  # (a NUL went raw into the page)
    try:
        req = SearchRequest.create(query=query, sources=sources, authors=authors, columns=columns,
                                   date_from=date_from, date_to=date_to, within=within, variants=variants)
    except BadRequest as exc:
        raise BadSaved(str(exc)) from None
    return SavedSearch(name=name, query=req.query, sources=req.sources, authors=req.authors,
                       columns=tuple(req.columns), date_from=str(date_from or "").strip() if req.date_from else "",
                       date_to=str(date_to or "").strip() if req.date_to else "", within=req.within,
                       variants=req.variants, created=time.time())


def load(index_dir: Path) -> list[SavedSearch]:
    """The saved searches of the index, in the order they were saved."""
    data = read_json(Path(index_dir) / SAVED, {})
    found = [SavedSearch.from_dict(d) for d in (data.get("searches") if isinstance(data, dict) else None) or []
             if isinstance(d, dict)]
    return [s for s in found if s is not None]


def get(index_dir: Path, name: str) -> SavedSearch | None:
    name = unicodedata.normalize("NFC", str(name)).strip()
    return next((s for s in load(index_dir) if s.name == name), None)


def _store(index_dir: Path, searches: list[SavedSearch]) -> None:
    write_json(Path(index_dir) / SAVED, {"searches": [s._stored() for s in searches]})


def add(index_dir: Path, search: SavedSearch, *, replace: bool = False) -> bool:
    """Save `search`; a search of that name is replaced when `replace`, else BadSaved. Returns
    whether one was replaced."""
    index_dir = Path(index_dir)
    with locked(index_dir):
        searches = load(index_dir)
        existing = [s for s in searches if s.name == search.name]
        if existing and not replace:
            raise SavedExists(f"a saved search named {search.name!r} exists already (remove it first)")
        if not existing and len(searches) >= MAX_SAVED:
            raise BadSaved(f"at most {MAX_SAVED} saved searches")
        searches = [search if s.name == search.name else s for s in searches] if existing else searches + [search]
        _store(index_dir, searches)
        return bool(existing)


def remove(index_dir: Path, name: str) -> None:
    """Forget a saved search (BadSaved when there is none of that name)."""
    index_dir = Path(index_dir)
    name = unicodedata.normalize("NFC", str(name)).strip()
    with locked(index_dir):
        searches = load(index_dir)
        kept = [s for s in searches if s.name != name]
        if len(kept) == len(searches):
            raise BadSaved(f"no saved search named {name!r}")
        _store(index_dir, kept)


# --------------------------------------------------------------------------------- alerts


def id_hashes(ids) -> np.ndarray:
    """64-bit hashes of article ids, in their order (blake2b: the same in every process)."""
    return np.fromiter((int.from_bytes(hashlib.blake2b(i.encode("utf-8", "surrogatepass"), digest_size=8).digest(),
                                       "little") for i in ids), dtype=np.uint64, count=len(ids))


def _read_mark(index_dir: Path) -> tuple[dict, np.ndarray | None]:
    info = read_json(index_dir / ALERTS, {})
    if not isinstance(info, dict):
        info = {}
    try:
        raw = (index_dir / ALERT_IDS).read_bytes()
    except FileNotFoundError:
        return info, None
    if len(raw) % 8:
        return {}, None  # damaged: treated as no mark (the next run sets one)
    return info, np.frombuffer(raw, dtype="<u8").astype(np.uint64)


@dataclass
class Alert:
    name: str
    query: str
    new: list[dict]  # {"id", "title", "date"}, newest first
    first: bool = False  # this run only set the mark
    more: int = 0  # new articles beyond those listed
    too_costly: bool = False  # the search took longer than the engine allows: not checked this time

    def to_dict(self) -> dict:
        return {"name": self.name, "query": self.query, "new": self.new}


def run_alerts(index_dir: Path | str, engine_factory: Callable[[Path], object] | None = None,
               limit: int | None = MAX_NEW) -> list[Alert]:
    """Per saved search, the articles new since the last run (see the module docstring), then
    move the mark to now: at most `limit` listed per search (None: every one; the mark moves
    past all, so what is not listed now never is). `index_dir` is an index folder or an
    OpenSearch index (whose desk folder holds the searches and the mark:
    `indexer.backends.desk_dir`). Raises store.NoIndex when there is no index."""
    if is_cluster(index_dir):
        with open_engine(index_dir) as engine:
            generation = engine.live_index()
            if generation is None:
                raise store.NoIndex(f"no index at {index_dir}: run `cli.py rebuild` first")
            ids = engine.article_ids()

            def new_matching(search: SavedSearch, fresh: list[str]) -> tuple[list[dict], int]:
                try:
                    return engine.fresh_matches(search.request(deadline=ALERT_DEADLINE), fresh, limit)
                except BadRequest:  # saved under rules that have changed since: it finds nothing
                    return [], 0

            return _mark(desk_dir(index_dir), generation, ids, new_matching)
    return _run_on_folder(Path(index_dir), engine_factory, limit)


def _run_on_folder(index_dir: Path, engine_factory, limit: int | None) -> list[Alert]:
    if store.current_generation(index_dir) is None:
        raise store.NoIndex(f"no index at {index_dir}: run `cli.py rebuild` first")
    with locked(index_dir):  # the generation is read under the lock the mark is written under
        gen = store.current_generation(index_dir)
        if gen is None:
            raise store.NoIndex(f"no index at {index_dir}: run `cli.py rebuild` first")
        ids = index_ids(gen)
    docnums: dict = {}  # generation → the fresh articles' docnums in it, looked up once
    with (engine_factory or SearchEngine)(index_dir) as engine:
        return _mark(index_dir, gen.name, ids,
                     lambda search, fresh: _new_matching(engine, search, fresh, docnums, limit))


def _mark(desk: Path, generation: str, ids: list[str], new_matching) -> list[Alert]:
    """The alerts of the saved searches in `desk` against the index's `ids` now (`new_matching`
    lists what one search finds among the fresh ids), then the mark moved to `ids`."""
    with locked(desk):
        searches = load(desk)
        info, before = _read_mark(desk)
        keyed = "marked_keys" in info  # (a mark written before searches were known by their definition: by name)
        marked = set(info.get("marked_keys" if keyed else "marked") or ()) if before is not None else set()
        hashes = id_hashes(ids)
        fresh = [] if before is None else [ids[i] for i in np.flatnonzero(~np.isin(hashes, before)).tolist()]
        out = []
        for s in searches:
            if (s.mark_key() if keyed else s.name) not in marked:
                out.append(Alert(s.name, s.query, [], first=True))
                continue
            new, more = new_matching(s, fresh) if fresh else ([], 0)
            out.append(Alert(s.name, s.query, new, more=max(more, 0), too_costly=more < 0))
        write_atomic(desk / ALERT_IDS, np.unique(hashes).astype("<u8").tobytes())
        write_json(desk / ALERTS, {"at": time.time(), "generation": generation, "marked": [s.name for s in searches],
                                   "marked_keys": [s.mark_key() for s in searches]})
    return out


def _new_matching(engine, search: SavedSearch, fresh: list[str], docnums: dict,
                  limit: int | None) -> tuple[list[dict], int]:
    """({"id", "title", "date"} of the `fresh` ids `search` matches, newest first, at most
    `limit` (None: all); how many more there are, -1 when the search was too costly to run). Ids are looked
    up in the generation the search ran on (`docnums` caches them per generation)."""
    try:
        m = engine.matching(search.request(deadline=ALERT_DEADLINE))
    except BadRequest:  # saved under rules that have changed since: it finds nothing
        return [], 0
    except SearchTooCostly:  # past the engine's time limit: not checked this time
        return [], -1
    if m.gen.name not in docnums:
        looked_up = (m.searcher.document_number(id=i) for i in fresh)
        docnums[m.gen.name] = np.asarray(sorted(d for d in looked_up if d is not None), dtype=np.int64)
    found = docnums[m.gen.name]
    if not len(found):
        return [], 0
    found = found[np.isin(found, m.everything)]
    days = m.gen.docvalues.days
    ordered = sorted(found.tolist(), key=lambda d: (-int(days[d]), d))
    new = []
    for d in ordered[:limit]:
        f = m.searcher.stored_fields(d)
        new.append({"id": f["id"], "title": f.get("title") or "", "date": f.get("date")})
    return new, len(ordered) - len(new)


def index_ids(gen_path: Path) -> list[str]:
    """The ids of a generation's live articles, from each segment's terms of the `id` field (no
    column or stored field is read, but a deleted article's id). An id an ingest replaced is
    deleted in one segment and live in another: it counts."""
    ix = store.open_generation(gen_path)
    reader = ix.reader()
    try:
        ids: set[str] = set()
        for leaf, _ in reader.leaf_readers():
            gone = {leaf.stored_fields(d).get("id") for d in leaf.deleted_docs_set} if leaf.has_deletions() else set()
            for term in leaf.lexicon("id"):
                text = term.decode("utf-8") if isinstance(term, bytes) else term
                if text not in gone:
                    ids.add(text)
        return sorted(ids)
    finally:
        reader.close()
        ix.close()


def _iso(ts: float) -> str | None:
    if not ts:
        return None
    import datetime as dt

    return dt.datetime.fromtimestamp(ts, dt.UTC).isoformat(timespec="seconds")
