"""SQLite FTS5 with the `trigram` tokenizer (Python's own sqlite3, SQLite >= 3.34).

One FTS5 table holds title and body; metadata lives in ordinary tables keyed by the same rowid,
and facets are GROUP BY counts over the matching rowids. Each query word or quoted phrase of 3
or more characters is a quoted FTS5 string in MATCH; shorter ones use the documented
`LIKE '%…%'` fallback (trigrams cannot index them, so SQLite scans). No Traditional/Simplified
or width folding: that is what FTS5 users get.
"""
from __future__ import annotations

import re
import sqlite3
from pathlib import Path

TOP = 10
FACET_LIMIT = 30
_QUOTED = re.compile(r'"([^"]*)"|“([^”]*)”|「([^」]*)」|『([^』]*)』')
DB = "fts.sqlite3"

if tuple(int(x) for x in sqlite3.sqlite_version.split(".")) < (3, 34):
    raise ImportError(f"the FTS5 trigram tokenizer needs SQLite 3.34 or later, not {sqlite3.sqlite_version}")


def _terms(query: str) -> list[str]:
    terms = [next(g for g in m.groups() if g is not None) for m in _QUOTED.finditer(query)]
    return [t for t in terms + _QUOTED.sub(" ", query).split() if t.strip()]


def _like(term: str) -> str:
    return "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _where(query: str) -> tuple[str, list[str], bool]:
    """SQL condition on `docs`, its parameters, and whether MATCH (hence bm25 rank) is used."""
    terms = _terms(query)
    long_terms = [t for t in terms if len(t) >= 3]
    short = [t for t in terms if len(t) < 3]
    conds, params = [], []
    if long_terms:
        conds.append("docs MATCH ?")
        params.append(" AND ".join('"' + t.replace('"', '""') + '"' for t in long_terms))
    for t in short:
        conds.append("(title LIKE ? ESCAPE '\\' OR body LIKE ? ESCAPE '\\')")
        params += [_like(t), _like(t)]
    return (" AND ".join(conds) or "0"), params, bool(long_terms)


class _Searcher:
    def __init__(self, index_dir: Path) -> None:
        self.db = sqlite3.connect(str(Path(index_dir) / DB))

    def search(self, query: str, facets: bool = True):
        where, params, ranked = _where(query)
        order = "ORDER BY rank" if ranked else "ORDER BY meta.date DESC"
        db = self.db
        top = [r[0] for r in db.execute(
            f"SELECT meta.id FROM docs JOIN meta ON meta.rowid = docs.rowid WHERE {where} {order} LIMIT {TOP}",
            params)]
        if not facets:
            total = db.execute(f"SELECT count(*) FROM docs WHERE {where}", params).fetchone()[0]
            return total, top, {}
        db.execute("DROP TABLE IF EXISTS temp.hits")
        db.execute(f"CREATE TEMP TABLE hits AS SELECT rowid AS r FROM docs WHERE {where}", params)
        total = db.execute("SELECT count(*) FROM hits").fetchone()[0]
        groups = {}
        for name, sql in (
            ("source", "SELECT m.source, count(*) c FROM hits JOIN meta m ON m.rowid = hits.r "
                       "WHERE m.source IS NOT NULL GROUP BY m.source"),
            ("author", "SELECT a.author, count(*) c FROM hits JOIN authors a ON a.doc = hits.r GROUP BY a.author"),
            ("year", "SELECT substr(m.date, 1, 4), count(*) c FROM hits JOIN meta m ON m.rowid = hits.r "
                     "WHERE m.date IS NOT NULL GROUP BY 1"),
            ("month", "SELECT substr(m.date, 1, 7), count(*) c FROM hits JOIN meta m ON m.rowid = hits.r "
                      "WHERE m.date IS NOT NULL GROUP BY 1"),
        ):
            groups[name] = list(db.execute(f"{sql} ORDER BY c DESC, 1 LIMIT {FACET_LIMIT}"))
        return total, top, groups

    def match_ids(self, query: str) -> set[str]:
        where, params, _ = _where(query)
        return {r[0] for r in self.db.execute(
            f"SELECT meta.id FROM docs JOIN meta ON meta.rowid = docs.rowid WHERE {where}", params)}


class Fts5:
    name = "fts5"
    procs = 1

    def prepare(self, inputs):
        return inputs.articles()

    def build(self, articles, index_dir: Path) -> None:
        index_dir.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(str(index_dir / DB))
        db.executescript("""
            CREATE VIRTUAL TABLE docs USING fts5(title, body, tokenize='trigram');
            CREATE TABLE meta(rowid INTEGER PRIMARY KEY, id TEXT UNIQUE, source TEXT, date TEXT);
            CREATE TABLE authors(doc INTEGER, author TEXT);
        """)
        with db:
            db.executemany("INSERT INTO docs(rowid, title, body) VALUES (?, ?, ?)",
                           ((n, a.title or "", a.body or "") for n, a in enumerate(articles, 1)))
            db.executemany("INSERT INTO meta VALUES (?, ?, ?, ?)",
                           ((n, a.id, a.source, a.date) for n, a in enumerate(articles, 1)))
            db.executemany("INSERT INTO authors VALUES (?, ?)",
                           ((n, x) for n, a in enumerate(articles, 1) for x in a.authors))
            db.execute("CREATE INDEX authors_doc ON authors(doc)")
            db.execute("INSERT INTO docs(docs) VALUES ('optimize')")
        db.close()

    def open(self, index_dir: Path) -> _Searcher:
        return _Searcher(index_dir)


ENGINE = Fts5()
