"""Which file gave which articles (a generation's catalogue.sqlite), and the rules for ids.

The catalogue maps each file read (by absolute path) to its content hash, the options it was
read with, the source it came from and the articles it gave (id, content hash). It decides
whether an arriving article is stored, and under which id (docs/interfaces.md "The article",
`id`). Ids are identity:

- an article with an id of its own is stored, even when its title and text equal another
  article's (the same story printed on two pages): identical content is a repost, collapsed
  at search time (`indexer.stories`), never a reason to drop an id. Such articles are counted
  as kept reposts;
- an id already taken by another article *from the same source* is a duplicate (a feed that
  repeats an id): the first is kept, the repeat reported;
- an id already taken by an article from *another* source is stored under the source
  folder's name as a prefix (`site-b/1.html`), so two sites saved the same way both stay.

It lives on disk, in SQLite, so that what an ingest holds in memory does not grow with the
archive (as a dict it took about 450 MB at a million articles, twice over when a rebuild
replaced a generation of that size). A new catalogue is written beside the index while its
generation is built (`CatalogueBuilder`) and moved into the generation when it is committed;
a generation's own is only ever read (opened immutable: its checksum stays true). Indexes
written before it hold a manifest.json, read once into memory by `Catalogue.of_generation`.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import re
import sqlite3
import urllib.parse
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path, PurePath

from indexer import integrity, store
from indexer.article import Article

_BUILDING = "catalogue-{pid}.tmp"  # a catalogue being written, in the index folder

# Unchanged (read again and found as it was) or updated (read again from a changed file) in
# this run; NEITHER for everything else (added now, or kept from files not read now).
NEITHER, FOUND_UNCHANGED, FOUND_UPDATED = 0, 1, 2

_SCHEMA = """
CREATE TABLE IF NOT EXISTS files (n INTEGER PRIMARY KEY, key BLOB UNIQUE NOT NULL, hash TEXT, opts BLOB,
                                  source BLOB);
CREATE TABLE IF NOT EXISTS articles (seq INTEGER PRIMARY KEY, id BLOB UNIQUE NOT NULL, file INTEGER NOT NULL,
                                     chash BLOB, state INTEGER NOT NULL DEFAULT 0, rhash BLOB);
CREATE INDEX IF NOT EXISTS articles_file ON articles (file);
CREATE INDEX IF NOT EXISTS articles_chash ON articles (chash);
""" + """
CREATE TABLE IF NOT EXISTS copies (id BLOB NOT NULL, file INTEGER NOT NULL, chash BLOB, rhash BLOB);
CREATE INDEX IF NOT EXISTS copies_id ON copies (id);
CREATE INDEX IF NOT EXISTS copies_file ON copies (file);
"""  # copies: another source's file holding the same record under a stored id (`admit`, `keep_copies`)


def content_hash(article: Article) -> bytes:
    """What makes two articles the same article: their title and text."""
    return hashlib.blake2b(f"{article.title}\n{article.body}".encode("utf-8", "surrogatepass"),
                           digest_size=12).digest()


def record_hash(article: Article) -> bytes:
    """Every field of the article as read (its id, title, date, source, authors, URL, column,
    keywords and text): an article of a re-read file whose record hash is the one stored
    before is reported unchanged."""
    fields = [getattr(article, name) for name in _ARTICLE_FIELDS]  # (`dataclasses.asdict` copies: 2.5× slower)
    return hashlib.blake2b(json.dumps(fields, ensure_ascii=False).encode("utf-8", "surrogatepass"),
                           digest_size=12).digest()


_ARTICLE_FIELDS = tuple(f.name for f in dataclasses.fields(Article))


def _keeps_record_hashes(db: sqlite3.Connection) -> bool:
    """Whether the catalogue has the record hash column (one written before it was kept has not)."""
    return any(row[1] == "rhash" for row in db.execute("PRAGMA table_info(articles)"))


def _b(text: str | None) -> bytes | None:
    """Text as stored: UTF-8 that keeps lone surrogates (a file name that is not UTF-8 is
    decoded with them, and so are ids made from it). Byte order is code-point order."""
    return None if text is None else text.encode("utf-8", "surrogatepass")


def _s(raw: bytes | None) -> str | None:
    return None if raw is None else bytes(raw).decode("utf-8", "surrogatepass")


class Catalogue:
    """A catalogue to read: files, their options and hashes, and which file holds each id."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db
        self._record_hashes = _keeps_record_hashes(db)

    @classmethod
    def of_generation(cls, gen: Path | None) -> Catalogue:
        """The catalogue of generation `gen` (read only; empty for None or a generation that
        has none). A damaged one is read as empty, as a damaged manifest always was: the
        segments then hold articles no file accounts for, which the ingest refuses."""
        path = None if gen is None else gen / store.CATALOGUE
        if path is not None and path.exists():
            if integrity.intact(path):
                uri = "file:" + urllib.parse.quote(str(path.absolute())) + "?mode=ro&immutable=1"
                return cls(sqlite3.connect(uri, uri=True, check_same_thread=False))
            gen = None
        db = sqlite3.connect(":memory:", check_same_thread=False)
        db.executescript(_SCHEMA)
        manifest = store.read_json(gen / store.MANIFEST, {}) if gen is not None else {}
        _load_manifest(db, manifest.get("files", {}), manifest.get("options"))
        db.commit()  # (a backup waits for an open transaction to end)
        return cls(db)

    def close(self) -> None:
        self.db.close()

    # -- files

    def file(self, key: str) -> dict | None:
        """{"hash", "opts", "source"} of the file `key` (an absolute path), None if not read."""
        row = self.db.execute("SELECT hash, opts, source FROM files WHERE key = ?", (_b(key),)).fetchone()
        return None if row is None else {"hash": row[0], "opts": _s(row[1]), "source": _s(row[2])}

    def file_keys(self, under: set[str] | None = None) -> list[str]:
        """The keys of every file recorded, or of those read from one of the paths `under`, or
        lying in one of them (a subfolder of a source; a row of an old catalogue without one)."""
        if under is None:
            return [_s(k) for (k,) in self.db.execute("SELECT key FROM files")]
        folders = tuple(p.rstrip("/") + "/" for p in under)
        return [key for key, src in ((_s(k), _s(s)) for (k, s) in self.db.execute("SELECT key, source FROM files"))
                if src in under or key in under or key.startswith(folders)]

    def files_holding_ids_under(self, prefix: str) -> set[str]:
        """The keys of the files holding an article whose id starts with `prefix` (a range of
        the ids' own index: no article is read for a prefix none has)."""
        low = _b(prefix)
        return {_s(k) for (k,) in self.db.execute(
            "SELECT DISTINCT f.key FROM articles a JOIN files f ON a.file = f.n WHERE a.id >= ? AND a.id < ?",
            (low, low + b"\xff"))}  # (0xFF is in no UTF-8 text: every id starting so is below it)

    def ids_of(self, key: str) -> list[str]:
        return [_s(a) for (a,) in self.db.execute(
            "SELECT a.id FROM articles a JOIN files f ON a.file = f.n WHERE f.key = ? ORDER BY a.seq", (_b(key),))]

    # -- articles

    def has(self, aid: str) -> bool:
        return self.db.execute("SELECT 1 FROM articles WHERE id = ?", (_b(aid),)).fetchone() is not None

    def record_hash_of(self, aid: str) -> bytes | None:
        """The stored `record_hash` of article `aid` (None: unknown, or not kept then)."""
        if not self._record_hashes:
            return None
        row = self.db.execute("SELECT rhash FROM articles WHERE id = ?", (_b(aid),)).fetchone()
        return None if row is None or row[0] is None else bytes(row[0])

    def file_of(self, aid: str) -> tuple[str, str | None]:
        """(file key, source) of the article `aid` ("" and None when unknown)."""
        row = self.db.execute("SELECT f.key, f.source FROM articles a JOIN files f ON a.file = f.n WHERE a.id = ?",
                              (_b(aid),)).fetchone()
        return ("", None) if row is None else (_s(row[0]), _s(row[1]))

    def sorted_ids(self) -> Iterator[str]:
        """Every id, in code-point order (streamed)."""
        for (aid,) in self.db.execute("SELECT id FROM articles ORDER BY id"):
            yield _s(aid)

    def article_count(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM articles").fetchone()[0]

    def per_source(self) -> Counter:
        """Article counts by source path."""
        return Counter({_s(source): n for source, n in self.db.execute(
            "SELECT f.source, COUNT(*) FROM articles a JOIN files f ON a.file = f.n GROUP BY f.source")})

    def states(self) -> Counter:
        """How many articles are FOUND_UNCHANGED, FOUND_UPDATED or NEITHER in this run."""
        return Counter(dict(self.db.execute("SELECT state, COUNT(*) FROM articles GROUP BY state")))


class CatalogueBuilder(Catalogue):
    """The catalogue of a generation being built: an empty one (a rebuild) or a copy of the
    live generation's (an ingest), written in the index folder until `commit` moves it into
    the new generation."""

    def __init__(self, index_dir: Path, base: Catalogue | None = None) -> None:
        self.path = Path(index_dir) / _BUILDING.format(pid=os.getpid())
        self.path.unlink(missing_ok=True)
        db = sqlite3.connect(str(self.path), check_same_thread=False)
        try:
            self._prepare(db, base)
        except BaseException:  # (a full disk): nothing half-written is left in the index folder
            db.close()
            self.path.unlink(missing_ok=True)
            raise
        super().__init__(db)
        # the ids stored in this run (`admit`): which of a repost group were read now (`reposts`)
        db.execute("CREATE TEMP TABLE admitted (id BLOB PRIMARY KEY)")
        self._file: tuple[str, int, bytes | None] | None = None  # the file admitting now: key, n, source
        # (id, key of the later file it was taken from): ids a file read now took from a later file
        # of its source (`admit`)
        self.displaced: list[tuple[str, str]] = []

    @staticmethod
    def _prepare(db: sqlite3.Connection, base: Catalogue | None) -> None:
        """The live generation's catalogue copied into `db` (none for a rebuild), its schema current."""
        if base is not None:
            base.db.backup(db)
        # a catalogue being built is thrown away whole if the build fails: no journal, no syncs
        # until the end, and a bounded page cache (16 MB) whatever the archive's size
        for pragma in ("journal_mode = OFF", "synchronous = OFF", "cache_size = -16000"):
            db.execute(f"PRAGMA {pragma}").fetchall()  # (a statement left unfinished would lock the file)
        if base is not None:
            db.execute("UPDATE articles SET state = ?", (NEITHER,))
            if not _keeps_record_hashes(db):
                db.execute("ALTER TABLE articles ADD COLUMN rhash BLOB")
        db.executescript(_SCHEMA)  # (a catalogue of an older version gains the tables it lacks)
        db.commit()  # no transaction open while the writers are forked

    @staticmethod
    def remove_stale(index_dir: Path) -> None:
        """Remove catalogues left by writers that died (called under the write lock)."""
        for item in Path(index_dir).glob(_BUILDING.format(pid="*")):
            item.unlink(missing_ok=True)

    def commit(self, gen: Path) -> None:
        """Write the catalogue to disk and move it into generation `gen`."""
        self.db.commit()
        self.db.execute("PRAGMA optimize")
        self.db.close()
        with open(self.path, "rb+") as f:
            os.fsync(f.fileno())
        os.replace(self.path, gen / store.CATALOGUE)

    def discard(self) -> None:
        try:
            self.db.close()
        finally:
            self.path.unlink(missing_ok=True)

    # -- changes

    def drop(self, key: str) -> list[str]:
        """Forget the file's articles; returns their ids (to delete from the index)."""
        row = self.db.execute("SELECT n FROM files WHERE key = ?", (_b(key),)).fetchone()
        if row is None:
            return []
        ids = [_s(a) for (a,) in self.db.execute("SELECT id FROM articles WHERE file = ? ORDER BY seq", row)]
        self.db.execute("DELETE FROM articles WHERE file = ?", row)
        self.db.execute("DELETE FROM copies WHERE file = ?", row)
        self.db.execute("DELETE FROM files WHERE n = ?", row)
        self._file = None
        return ids

    def keep_copies(self, deleted: list[str], old_record: Callable[[str], bytes | None]) -> list[str]:
        """Of the ids deleted from the index in this run (`deleted`), the ones to delete still.

        An id whose record another file holds as well (recorded by `admit` as a copy: the same
        record from another source, or a repeat of the id within one source) stays in the index
        when no file read now gives it again and the copy is the record the index holds
        (`old_record(id)`: its record hash there), in a file that is still there: the copy's file
        becomes its file, so an ingest never loses an article another file still holds. A copy
        that is another record (or whose article a file read now changed) is not that article:
        its file is marked to be read again at its next ingest, where it is stored as a rebuild
        would store it, and the copy forgotten."""
        kept: set[str] = set()
        for aid in dict.fromkeys(deleted):
            copies = self.db.execute("SELECT c.rowid, c.file, c.chash, c.rhash, f.key FROM copies c JOIN files f "
                                     "ON c.file = f.n WHERE c.id = ? ORDER BY c.rowid", (_b(aid),)).fetchall()
            if not copies:
                continue
            now = self.db.execute("SELECT rhash FROM articles WHERE id = ?", (_b(aid),)).fetchone()
            if now is not None:  # given again now: its copies of that record stay copies
                stale = [c for c in copies if now[0] is None or c[3] != now[0]]
            else:
                held = old_record(aid)
                same = next((c for c in copies if held is not None and c[3] == held and os.path.lexists(_s(c[4]))), None)
                if same is not None:
                    self.db.execute("INSERT INTO articles (id, file, chash, state, rhash) VALUES (?, ?, ?, ?, ?)",
                                    (_b(aid), same[1], same[2], NEITHER, same[3]))
                    self.db.execute("DELETE FROM copies WHERE rowid = ?", (same[0],))
                    kept.add(aid)
                stale = [c for c in copies if c is not same]
            for c in stale:
                self.db.execute("UPDATE files SET hash = NULL WHERE n = ?", (c[1],))
                self.db.execute("DELETE FROM copies WHERE rowid = ?", (c[0],))
        return [aid for aid in deleted if aid not in kept]

    def _note_copy(self, aid: str, file: int, chash: bytes, rhash: bytes) -> None:
        """File `file` holds a record under the stored id `aid` too (`keep_copies`)."""
        self.db.execute("INSERT INTO copies (id, file, chash, rhash) VALUES (?, ?, ?, ?)", (_b(aid), file, chash, rhash))

    def start_file(self, key: str, digest: str, opts: str, source: str) -> None:
        """Record file `key` as read now (its earlier articles forgotten: `drop` them first)."""
        self.db.execute("INSERT OR REPLACE INTO files (key, hash, opts, source) VALUES (?, ?, ?, ?)",
                        (_b(key), digest, _b(opts), _b(source)))
        self._file = None

    def mark_file(self, key: str, state: int) -> None:
        """Mark every article of file `key` FOUND_UNCHANGED or FOUND_UPDATED in this run."""
        self.db.execute("UPDATE articles SET state = ? WHERE file = (SELECT n FROM files WHERE key = ?)",
                        (state, _b(key)))

    def admit(self, key: str, source_name: str, article: Article,
              state_of: Callable[[str], int], rhash: bytes, earlier: str | None = None) -> tuple[bool, str | None]:
        """Store `article` as one of file `key`'s articles (`rhash`: its `record_hash`),
        renaming its id if it must; `state_of(id)`: what the article stored under that id is
        against the live index (NEITHER, FOUND_UNCHANGED, FOUND_UPDATED) — asked of the id it
        is stored under, so a record renamed because its id is another source's is new, not
        an update of that other article.

        `earlier`: the id this file's record was stored under instead of its own the last
        time it was read (`renamed_before`); kept while free, so ids stay what they were.

        Returns (stored, note): not stored, the note says which id it repeats; stored, the note
        (if any) says which id it was given instead of its own."""
        stored, note = self._admit(key, source_name, article, state_of, rhash, earlier)
        if stored:
            self.db.execute("INSERT OR IGNORE INTO temp.admitted VALUES (?)", (_b(article.id),))
        return stored, note

    def _admit(self, key: str, source_name: str, article: Article,
               state_of: Callable[[str], int], rhash: bytes, earlier: str | None) -> tuple[bool, str | None]:
        if self._file is None or self._file[0] != key:
            n, source = self.db.execute("SELECT n, source FROM files WHERE key = ?", (_b(key),)).fetchone()
            self._file = (key, n, source)
        _, n, source = self._file
        chash = content_hash(article)
        aid = article.id
        note = None
        insert = "INSERT OR IGNORE INTO articles (id, file, chash, state, rhash) VALUES (?, ?, ?, ?, ?)"
        if earlier and earlier != aid and self.db.execute(insert, (_b(earlier), n, chash, state_of(earlier), rhash)).rowcount:
            article.id = earlier  # the id it had: a rebuild does not move it to the one freed since
            return True, None
        if self.db.execute(insert, (_b(aid), n, chash, state_of(aid), rhash)).rowcount == 0:  # the id is taken
            owner = self.db.execute("SELECT f.key, f.source, a.rhash, a.file, a.chash FROM articles a JOIN files f "
                                    "ON a.file = f.n WHERE a.id = ?", (_b(aid),)).fetchone()
            if owner[1] == source and read_before(key, _s(owner[0])):
                # an id repeated within a source is the record of the file a rebuild reads first: this
                # file, read now, comes before the one holding it (not read now), so it takes the id
                self._note_copy(aid, owner[3], owner[4], owner[2])
                self.db.execute("UPDATE articles SET file = ?, chash = ?, state = ?, rhash = ? WHERE id = ?",
                                (n, chash, state_of(aid), rhash, _b(aid)))
                self.displaced.append((aid, _s(owner[0])))
                article.id = aid
                return True, None
            if owner[1] == source:
                self._note_copy(aid, n, chash, rhash)
                return False, f"duplicate of article {aid!r} (same id)"
            if owner[2] is not None and owner[2] == rhash:  # the same record again, from another source
                self._note_copy(aid, n, chash, rhash)
                return False, f"duplicate of article {aid!r} (same id, same record)"
            candidate, k = f"{source_name}/{aid}", 2
            while self.has(candidate):
                candidate, k = f"{source_name}-{k}/{aid}", k + 1
            note = (f"id {aid!r} already belongs to a different article from {_s(owner[1]) or _s(owner[0])}; "
                    f"stored as {candidate!r}")
            aid = candidate
            self.db.execute(insert, (_b(aid), n, chash, state_of(aid), rhash))
        article.id = aid
        return True, note

    def reposts(self) -> int:
        """Of the articles stored in this run, how many repeat the title and text of another
        stored article: in each group of equal content, its members read now less one (the one
        it is a repost of), or all of them when that one was stored before and not read now.
        (Counting as they come said 2 of a pair both read again: each met the other's copy.)"""
        return self.db.execute(
            "SELECT COALESCE(SUM(MIN(r, s - 1)), 0) FROM (SELECT COUNT(*) AS s, "
            "SUM(id IN (SELECT id FROM temp.admitted)) AS r FROM articles GROUP BY chash HAVING COUNT(*) > 1)"
        ).fetchone()[0]


def read_before(key: str, other: str) -> bool:
    """Whether file `key` comes before file `other` in the order a folder is read (each folder's
    entries by name, a subfolder where its name falls: the paths' parts compared in turn)."""
    return PurePath(key).parts < PurePath(other).parts


def renamed_before(ids: list[str], source_name: str) -> dict[str, str]:
    """Own id → the id given instead (`admit`: `{source}/{id}`, `{source}-2/{id}`…), for the
    ids of one file's articles as stored."""
    prefix = re.compile(re.escape(source_name) + r"(?:-\d+)?/")
    stored = set(ids)
    found = {}
    for aid in ids:
        m = prefix.match(aid)
        own = aid[m.end():] if m else ""
        if own and own not in stored:  # (an own id that merely starts so was stored as itself)
            found.setdefault(own, aid)
    return found


def compare_ids(before: Catalogue, after: Catalogue) -> tuple[int, list[str]]:
    """(how many ids `after` holds that `before` does not, the ids `before` holds that `after`
    does not): one merge of the two sorted lists, streamed."""
    added, gone = 0, []
    old, new = before.sorted_ids(), after.sorted_ids()
    a, b = next(old, None), next(new, None)
    while a is not None or b is not None:
        if b is None or (a is not None and a < b):
            gone.append(a)
            a = next(old, None)
        elif a is None or b < a:
            added += 1
            b = next(new, None)
        else:
            a, b = next(old, None), next(new, None)
    return added, gone


def _load_manifest(db: sqlite3.Connection, files: dict, default_opts: str | None) -> None:
    """The catalogue of an index written before it was on disk: manifest.json's
    `{key: {"hash", "opts", "source", "articles": [[id, url, content hash], ...]}}`."""
    for key, rec in files.items():
        cur = db.execute("INSERT INTO files (key, hash, opts, source) VALUES (?, ?, ?, ?)",
                         (_b(key), rec.get("hash"), _b(rec.get("opts", default_opts)), _b(rec.get("source"))))
        for article in rec.get("articles", []):
            aid, chash = article[0], (article[2] if len(article) > 2 else None)
            db.execute("INSERT OR IGNORE INTO articles (id, file, chash) VALUES (?, ?, ?)",
                       (_b(aid), cur.lastrowid, bytes.fromhex(chash) if chash else None))
