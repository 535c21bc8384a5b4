"""Groonga (Debian's `groonga-bin`), the full-text engine of Mroonga and PGroonga: TokenBigram
with NormalizerAuto (NFKC width and case folding; no Traditional/Simplified folding, which is
what Groonga users get), drilldowns for the facets.

The build loads the articles into a new database through the `groonga` command (one process,
commands on stdin); searching keeps one `groonga` process open and sends it one `select` per
query (its answers are one JSON line each). The query is passed in Groonga's query syntax,
whose words separated by spaces are all required and whose "quoted" parts are phrases, like
wensou's.
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

TOP = 10
FACET_LIMIT = 30
DB = "db"
_FULLWIDTH_QUOTES = re.compile(r"[“”「」『』＂]")

if shutil.which("groonga") is None:
    raise ImportError("the groonga peer needs the groonga command (apt-get install groonga-bin)")

SCHEMA = [
    "table_create Docs TABLE_HASH_KEY ShortText",
    "column_create Docs title COLUMN_SCALAR ShortText",
    "column_create Docs body COLUMN_SCALAR LongText",
    "column_create Docs source COLUMN_SCALAR ShortText",
    "column_create Docs authors COLUMN_VECTOR ShortText",
    "column_create Docs date COLUMN_SCALAR ShortText",
    "column_create Docs year COLUMN_SCALAR ShortText",
    "column_create Docs month COLUMN_SCALAR ShortText",
    "table_create Terms TABLE_PAT_KEY ShortText --default_tokenizer TokenBigram --normalizer NormalizerAuto",
    "column_create Terms idx COLUMN_INDEX|WITH_POSITION|WITH_SECTION Docs title,body",
]


def _escape(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def _query(query: str) -> str:
    return _FULLWIDTH_QUOTES.sub('"', query)


class _Searcher:
    def __init__(self, index_dir: Path) -> None:
        self.proc = subprocess.Popen(["groonga", str(index_dir / DB)], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True, encoding="utf-8")

    def _run(self, command: str):
        assert self.proc.stdin and self.proc.stdout
        self.proc.stdin.write(command + "\n")
        self.proc.stdin.flush()
        head, *body = json.loads(self.proc.stdout.readline())
        if head[0] != 0:
            raise RuntimeError(f"groonga: {head}")
        return body[0]

    def search(self, query: str, facets: bool = True):
        cmd = (f"select Docs --match_columns 'title * 3 || body' --query {_escape(_query(query))} "
               f"--limit {TOP} --output_columns _key --sort_keys -_score,-date --cache no")
        if facets:
            cmd += f" --drilldown source,authors,year,month --drilldown_limit {FACET_LIMIT} --drilldown_sort_keys -_nsubrecs"
        result = self._run(cmd)
        hits = result[0]
        total = hits[0][0]
        top = [row[0] for row in hits[2:]]
        groups = {}
        for name, dd in zip(("source", "author", "year", "month"), result[1:]):
            groups[name] = [(row[0], row[1]) for row in dd[2:]]
        return total, top, groups

    def match_ids(self, query: str) -> set[str]:
        result = self._run(f"select Docs --match_columns 'title || body' --query {_escape(_query(query))} "
                           f"--limit -1 --output_columns _key --cache no")
        return {row[0] for row in result[0][2:]}


class Groonga:
    name = "groonga"
    procs = 1

    def prepare(self, inputs):
        return inputs.articles()

    def build(self, articles, index_dir: Path) -> None:
        index_dir.mkdir(parents=True, exist_ok=True)
        proc = subprocess.Popen(["groonga", "-n", str(index_dir / DB)], stdin=subprocess.PIPE,
                                stdout=subprocess.DEVNULL, text=True, encoding="utf-8")
        assert proc.stdin
        for line in SCHEMA:
            proc.stdin.write(line + "\n")
        proc.stdin.write("load --table Docs\n[\n")
        for a in articles:
            rec = {"_key": a.id, "title": a.title or "", "body": a.body or "", "source": a.source or "",
                   "authors": list(a.authors), "date": a.date or "",
                   "year": (a.date or "")[:4], "month": (a.date or "")[:7]}
            proc.stdin.write(json.dumps(rec, ensure_ascii=False) + ",\n")
        proc.stdin.write("]\n")
        proc.stdin.close()
        if proc.wait():
            raise RuntimeError(f"groonga exited with {proc.returncode}")

    def open(self, index_dir: Path) -> _Searcher:
        return _Searcher(index_dir)


ENGINE = Groonga()
