"""wensou against Groonga, Whoosh + jieba's ChineseAnalyzer and SQLite FTS5 trigram, same articles,
same run.

    python -m benchmarks.compare --corpus CORPUS [--corpus CORPUS ...] --sizes 1000,10000,100000 \
        [--engines wensou,groonga,whoosh-jieba,fts5] [--out docs/] [--workdir /tmp/wensou-bench]

The articles of each size are grown from the corpora given (`benchmarks.corpus`: the source
articles, then distinct recombined ones), written as JSON Lines files that every engine reads;
wensou builds them with `cli.py rebuild`.

For each size and engine, in fresh child processes (so engines never share memory or caches):
- build: index build time, articles/s, index size on disk, peak RSS of the building process
  (and of its largest worker process, for engines that fork);
- open: a new process opens the index and answers a first query (time after imports, and
  from process start);
- exactness: every matching id of each query of the mix against the brute-force oracle
  (`benchmarks.oracle`, run over the generated articles of that size), as precision and recall;
- latency: the query mix (top-10, with and without facets), warm, `--reps` times: p50/p95/max.
A build or query phase over its time budget is killed and reported as "skipped: over budget".
Results accumulate in `<workdir>/results.json` (runs with other sizes add to them); the tables
are printed as Markdown and the scale plot is written to `<out>/scale.png`.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

_REPO = Path(__file__).resolve().parent.parent
ENGINES = ("wensou", "groonga", "whoosh-jieba", "fts5")

# The query mix: (query, kind). Queries are typed the way a user types them; quoted phrases use
# ASCII quotes, which all three engines read as a phrase.
QUERY_MIX: list[tuple[str, str]] = [
    *((q, "two-character word") for q in ("发展", "经济", "改革", "创新", "扶贫", "生态", "教育", "香港", "科技", "军队")),
    *((q, "longer phrase") for q in ("一带一路", "脱贫攻坚", "生态环境保护", "人类命运共同体", "粤港澳大湾区",
                                     "高质量发展", "新中国成立70周年", "全面建成小康社会")),
    *((q, "quoted phrase") for q in ('"改革开放"', '"中华人民共和国"', '"乡村振兴"', '"习近平新时代中国特色社会主义思想"',
                                     '"打赢蓝天保卫战"', '"一带一路"', '"5G"', '"70周年"')),
    *((q, "Traditional") for q in ("經濟", "發展", "生態環境", "改革開放", "一帶一路", '"脫貧攻堅"', "粵港澳大灣區", "國慶")),
    *((q, "Simplified") for q in ("国庆", "生态环境")),
    *((q, "several words") for q in ("经济 发展", "香港 暴力", "科技 创新 人才", '"一带一路" 合作')),
    *((q, "single character") for q in ("年", "的")),
    *((q, "several words") for q in ("疫情 防控", "香港 示威")),
    *((q, "quoted phrase") for q in ('"中国共产党"', '"国务院关于"')),
]
FIRST_QUERY = "经济"


# ------------------------------------------------------------------------------ children


# The shapes in which users bring an archive; wensou is built from each, the peers (which
# read the articles themselves) once.
SHAPES = {
    "sources": "one JSON Lines export per source (3 files)",
    "parts": "many JSON Lines part files",
    "html": "a folder tree of HTML pages, one article a page",
}
SOURCE_FILES = 3
NIGHTLY = 500  # new articles ingested into the built index, as a nightly job would


class _Inputs:
    def __init__(self, workdir: Path, size: int, shape: str = "parts") -> None:
        self.workdir, self.size = workdir, size
        self.jsonl = workdir / f"input-{size}"  # a folder of JSON Lines part files: every peer reads these
        self.shaped = _shape_folder(workdir, size, shape)  # the same articles in the shape wensou reads

    def articles(self):
        from benchmarks.corpus import read_corpus

        return list(read_corpus(self.jsonl))


def _rss_mb(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # Linux: KiB


def _dir_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def _shape_folder(workdir: Path, size: int, shape: str) -> Path:
    return workdir / (f"input-{size}" if shape == "parts" else f"input-{size}-{shape}")


_PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{title}_新闻中心</title>
<meta name="ArticleTitle" content="{title}"><meta name="PubDate" content="{date}">
<meta name="ContentSource" content="{source}"></head>
<body><div class="nav"><a href="/">首页</a> | <a href="/news/">新闻</a> | <a href="/gov/">政务</a></div>
<div class="article"><h1>{title}</h1><div class="info">来源：{source}　发布时间：{date}</div>
<div class="content">{paragraphs}</div></div>
<div class="share">分享到：微信 微博</div><div class="footer">版权所有 © 新闻中心　京ICP备00000000号</div>
</body></html>
"""


def _write_shapes(workdir: Path, size: int, shapes: list[str]) -> None:
    """The articles of `input-<size>` written again in each shape the user brings (not timed)."""
    import hashlib
    import html as html_mod
    import shutil

    from benchmarks.corpus import read_corpus

    for shape in shapes:
        folder = _shape_folder(workdir, size, shape)
        if shape == "parts" or folder.exists():
            continue
        tmp = folder.with_name(folder.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        if shape == "sources":  # records of one source together, as a CMS or crawler exports them
            outs = [open(tmp / f"source-{k}.jsonl", "w", encoding="utf-8") for k in range(SOURCE_FILES)]
            try:
                for a in read_corpus(_shape_folder(workdir, size, "parts")):
                    k = hashlib.blake2b((a.source or "").encode(), digest_size=2).digest()[0] % SOURCE_FILES
                    outs[k].write(json.dumps(a.to_dict(), ensure_ascii=False) + "\n")
            finally:
                for f in outs:
                    f.close()
        else:  # a saved site: pages in year/month folders, navigation and footer around the article
            esc = html_mod.escape
            for a in read_corpus(_shape_folder(workdir, size, "parts")):
                year, month = (a.date or "0000-00").split("-")[:2]
                path = tmp / year / month / f"{a.id}.html"
                path.parent.mkdir(parents=True, exist_ok=True)
                paragraphs = "".join(f"<p>{esc(p)}</p>" for p in a.body.split("\n"))
                path.write_text(_PAGE.format(title=esc(a.title), date=esc(a.date or ""), source=esc(a.source or ""),
                                             paragraphs=paragraphs), encoding="utf-8")
        tmp.rename(folder)


def _child_build(engine_name: str, size: int, workdir: Path, shape: str = "parts") -> dict:
    from benchmarks import peers

    engine = peers.load(engine_name)
    index_dir = workdir / f"{engine_name}-{size}"
    prepared = engine.prepare(_Inputs(workdir, size, shape))
    rss_before = _rss_mb(resource.RUSAGE_SELF)
    t0 = time.perf_counter()
    tree_peak = engine.build(prepared, index_dir)  # engines that run a command: its tree's peak bytes
    seconds = time.perf_counter() - t0
    return {"build_s": seconds, "articles_per_s": size / seconds, "index_bytes": _dir_bytes(index_dir),
            "rss_before_mb": rss_before, "peak_rss_mb": _rss_mb(resource.RUSAGE_SELF),
            "peak_worker_rss_mb": _rss_mb(resource.RUSAGE_CHILDREN), "procs": engine.procs,
            "tree_peak_mb": tree_peak / 2**20 if tree_peak else None}


def _pct(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, max(0, int(round(p / 100 * len(s) + 0.5)) - 1))]


def _child_query(engine_name: str, size: int, workdir: Path, reps: int, exact: bool) -> dict:
    t_imports = time.perf_counter()
    from benchmarks import peers

    engine = peers.load(engine_name)
    index_dir = workdir / f"{engine_name}-{size}"
    t0 = time.perf_counter()
    searcher = engine.open(index_dir)
    searcher.search(FIRST_QUERY, facets=True)
    first_at = time.time()
    open_ms = (time.perf_counter() - t0) * 1000
    out: dict = {"open_ms": open_ms, "imports_ms": (t0 - t_imports) * 1000, "first_answer_at": first_at}

    oracle_path = workdir / f"oracle-{size}.json"
    oracle = json.loads(oracle_path.read_text(encoding="utf-8")) if oracle_path.exists() else None
    exact = exact and oracle is not None
    per_query = []
    for query, kind in QUERY_MIX:
        want = set(oracle["matches"][query]) if oracle else set()
        want_n = len(want) if oracle else None
        total, top, _ = searcher.search(query, facets=True)
        row = {"query": query, "kind": kind, "oracle": want_n, "total": total,
               "top_in_oracle": sum(1 for i in top if i in want), "top": len(top)}
        if exact:
            got = searcher.match_ids(query)
            tp = len(got & want)
            row.update(found=len(got), true_pos=tp,
                       precision=tp / len(got) if got else 1.0,
                       recall=tp / want_n if want_n else 1.0,
                       exact=tp == len(got) == want_n)
        per_query.append(row)
    out["queries"] = per_query

    for facets in (True, False):  # warm-up pass, then the timed repetitions
        for query, _ in QUERY_MIX:
            searcher.search(query, facets=facets)
    samples: dict[str, list[float]] = {"facets": [], "nofacets": []}
    per_query_ms: dict[str, list[float]] = {q: [] for q, _ in QUERY_MIX}
    for _ in range(reps):
        for facets in (True, False):
            for query, _ in QUERY_MIX:
                t = time.perf_counter()
                searcher.search(query, facets=facets)
                ms = (time.perf_counter() - t) * 1000
                samples["facets" if facets else "nofacets"].append(ms)
                if facets:
                    per_query_ms[query].append(ms)
    for mode, values in samples.items():
        out[mode] = {"p50": _pct(values, 50), "p95": _pct(values, 95), "max": max(values), "n": len(values)}
    out["per_query_facets_ms"] = {q: statistics.median(v) for q, v in per_query_ms.items()}
    out["rss_mb"] = _rss_mb(resource.RUSAGE_SELF)
    return out


# ------------------------------------------------------------------------------- parent


def _run_child(args: list[str], budget: float) -> tuple[dict | None, str, float]:
    """Run a child phase; (result, error, spawned_at). Over budget: killed with its workers."""
    spawned = time.time()
    proc = subprocess.Popen([sys.executable, "-m", "benchmarks.compare", *args], cwd=_REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        stdout, stderr = proc.communicate(timeout=budget)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        return None, f"skipped: over budget ({budget:.0f} s)", spawned
    if proc.returncode != 0:
        return None, f"failed (exit {proc.returncode}): {stderr.strip().splitlines()[-1:] or ''}", spawned
    return json.loads(stdout.strip().splitlines()[-1]), "", spawned


def _machine() -> dict:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    import sqlite3

    def git(*a: str) -> str:
        try:
            return subprocess.run(["git", *a], cwd=_REPO, capture_output=True, text=True, timeout=10).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return ""

    return {"nproc": os.cpu_count(), "cpu": cpu, "ram_gib": round(ram, 1), "python": platform.python_version(),
            "sqlite": sqlite3.sqlite_version, "load": os.getloadavg(), "commit": git("rev-parse", "--short", "HEAD"),
            "modified_indexer_files": git("status", "--porcelain", "--", "indexer").splitlines()}


def _prepare(corpora: list[Path], workdir: Path, sizes: list[int], reuse: bool = False) -> dict:
    """Write the articles of each size (JSON Lines folders) and the oracle's matches for every
    query of the mix over them. With `reuse`, a size whose folder, oracle and record
    (`corpus-<size>.json`, written with them) are already in `workdir` is kept as it is."""
    from benchmarks.corpus import Generator, load_sources, write_corpus
    from benchmarks.oracle import query_phrases, unit_string

    info: dict = {"corpora": [str(c) for c in corpora], "text_bytes": {}}
    if reuse:
        for size in sizes:
            record = workdir / f"corpus-{size}.json"
            if record.exists() and (workdir / f"input-{size}").is_dir() and (workdir / f"oracle-{size}.json").exists():
                info["text_bytes"][str(size)] = json.loads(record.read_text())["text_bytes"]
        sizes = [s for s in sizes if str(s) not in info["text_bytes"]]
        if not sizes:
            return info
    t0 = time.perf_counter()
    gen = Generator(load_sources(corpora))
    info.update(source_articles=len(gen.articles), extract_s=round(time.perf_counter() - t0, 1))
    keys = {q: [unit_string(p) for p in query_phrases(q)] for q, _ in QUERY_MIX}
    for size in sizes:
        folder = workdir / f"input-{size}"
        if folder.exists():
            import shutil

            shutil.rmtree(folder)
        matches: dict[str, list[str]] = {q: [] for q in keys}

        def articles(size=size, matches=matches):
            for a in gen(size):
                title, body = unit_string(a.title), unit_string(a.body)
                for q, ks in keys.items():
                    if ks and all(k in title or k in body for k in ks):
                        matches[q].append(a.id)
                yield a

        info["text_bytes"][str(size)] = write_corpus(articles(), folder, files=max(64, size // 500))
        (workdir / f"oracle-{size}.json").write_text(json.dumps({"matches": matches}, ensure_ascii=False),
                                                     encoding="utf-8")
        with open(workdir / f"nightly-{size}.jsonl", "w", encoding="utf-8") as f:  # new articles for a nightly ingest
            for k in range(size, size + NIGHTLY):
                f.write(json.dumps(gen.article(k).to_dict(), ensure_ascii=False) + "\n")
        (workdir / f"corpus-{size}.json").write_text(json.dumps({"text_bytes": info["text_bytes"][str(size)]}))
    return info


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, action="append", help="source corpus (repeat for several)")
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--engines", default=",".join(ENGINES))
    parser.add_argument("--shapes", default="sources",
                        help=f"input shapes wensou is built from, comma-separated: {', '.join(SHAPES)} "
                             "(the peers are built once)")
    parser.add_argument("--out", type=Path, default=_REPO / "docs")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/wensou-bench"))
    parser.add_argument("--max-build-seconds", type=float, default=900)
    parser.add_argument("--max-query-seconds", type=float, default=900)
    parser.add_argument("--reps", type=int, default=3, help="timed passes over the query mix")
    parser.add_argument("--exact-max-size", type=int, default=20000,
                        help="check full matched sets only up to this size (0: every size)")
    parser.add_argument("--report-only", action="store_true", help="print tables and plot from results.json")
    parser.add_argument("--reuse-inputs", action="store_true",
                        help="keep the articles and oracle of a size already written in --workdir")
    parser.add_argument("--child", choices=("build", "query"), help=argparse.SUPPRESS)
    parser.add_argument("--engine", help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--shape", default="parts", help=argparse.SUPPRESS)
    parser.add_argument("--exact", type=int, default=1, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    workdir = args.workdir.resolve()

    if args.child == "build":
        print(json.dumps(_child_build(args.engine, args.size, workdir, args.shape)))
        return
    if args.child == "query":
        print(json.dumps(_child_query(args.engine, args.size, workdir, args.reps, bool(args.exact))))
        return

    workdir.mkdir(parents=True, exist_ok=True)
    results_path = workdir / "results.json"
    results = json.loads(results_path.read_text()) if results_path.exists() else {"runs": {}}
    if not args.report_only:
        sizes = sorted({int(s) for s in args.sizes.split(",") if s.strip()})
        engines = [e.strip() for e in args.engines.split(",") if e.strip()]
        results["machine"] = _machine()
        print(f"machine: {results['machine']}", flush=True)
        if not args.corpus:
            parser.error("--corpus is required (one or more source corpus folders)")
        prepared = _prepare([c.resolve() for c in args.corpus], workdir, sizes, args.reuse_inputs)
        old_bytes = results.get("corpus", {}).get("text_bytes", {})
        results["corpus"] = {**prepared, "text_bytes": {**old_bytes, **prepared["text_bytes"]}}
        print(f"corpus: {results['corpus']}", flush=True)
        shapes = [s.strip() for s in args.shapes.split(",") if s.strip()]
        if unknown := [s for s in shapes if s not in SHAPES]:
            parser.error(f"unknown shape {unknown[0]!r}; choose from {', '.join(SHAPES)}")
        for size in sizes:
            _write_shapes(workdir, size, shapes)
            runs = [(e, sh) for e in engines for sh in (shapes if e == "wensou" else shapes[:1])]
            for engine, shape in runs:
                key = f"{engine}@{size}" if engine != "wensou" else f"{engine}[{shape}]@{size}"
                entry: dict = {"engine": engine, "size": size, "load_at_start": os.getloadavg()[0],
                               "commit": results["machine"]["commit"],
                               "modified_indexer_files": results["machine"]["modified_indexer_files"]}
                if engine == "wensou":
                    entry["shape"] = shape
                import shutil

                shutil.rmtree(workdir / f"{engine}-{size}", ignore_errors=True)
                build, err, _ = _run_child(["--child", "build", "--engine", engine, "--size", str(size),
                                            "--workdir", str(workdir), "--shape", shape], args.max_build_seconds)
                entry["build"] = build or {"error": err}
                if build:
                    os.sync()  # the queries start once the build's writes are on disk, for every engine
                    exact = int(not args.exact_max_size or size <= args.exact_max_size)
                    query, err, spawned = _run_child(
                        ["--child", "query", "--engine", engine, "--size", str(size), "--workdir", str(workdir),
                         "--reps", str(args.reps), "--exact", str(exact)], args.max_query_seconds)
                    if query:
                        query["cold_ms"] = (query.pop("first_answer_at") - spawned) * 1000
                    entry["query"] = query or {"error": err}
                    if engine == "wensou" and shape == "sources":
                        entry["nightly"] = _nightly_ingest(workdir, size)
                entry["load_at_end"] = os.getloadavg()[0]
                results["runs"][key] = entry
                results_path.write_text(json.dumps(results, ensure_ascii=False, indent=1))
                print(_one_line(entry), flush=True)
                shutil.rmtree(workdir / f"{engine}-{size}", ignore_errors=True)
    print(tables(results))
    args.out.mkdir(parents=True, exist_ok=True)
    plot(results, args.out / "scale.png")
    print(f"plot: {args.out / 'scale.png'}")


def _nightly_ingest(workdir: Path, size: int) -> dict:
    """`cli.py ingest` of NIGHTLY new articles (one JSON Lines file) into the index just built."""
    from benchmarks.rebuild import run_measured

    new = workdir / f"nightly-{size}.jsonl"
    if not new.exists():
        return {"error": f"{new.name} missing (rerun without --reuse-inputs)"}
    wall, peak, result = run_measured([sys.executable, str(_REPO / "cli.py"), "--index", str(workdir / f"wensou-{size}"),
                                       "ingest", str(new), "--format", "json"], pss=True)
    if result.returncode:
        return {"error": result.stderr.strip()[-300:]}
    report = json.loads(result.stdout)
    return {"seconds": wall, "added": report["added"], "articles": report["articles"], "tree_peak_mb": peak / 2**20}


# ------------------------------------------------------------------------------ report


def _runs(results: dict) -> list[dict]:
    order = {e: i for i, e in enumerate(ENGINES)}
    return sorted(results["runs"].values(), key=lambda r: (r["size"], order.get(r["engine"], 9)))


def _name(run: dict) -> str:
    """The engine's name in the tables, with the run's label when it has one (a run merged in
    from another session: `label`, and `text_bytes` when its articles were other ones)."""
    name = f"{run['engine']} ({run['label']})" if run.get("label") else run["engine"]
    return f"{name}, {SHAPES[run['shape']]}" if run.get("shape") else name


def _text_bytes(results: dict, run: dict) -> int | None:
    return run.get("text_bytes") or results.get("corpus", {}).get("text_bytes", {}).get(str(run["size"]))


def _ok(run: dict) -> bool:
    return "error" not in run.get("build", {"error": 1}) and "error" not in run.get("query", {"error": 1})


def tables(results: dict) -> str:
    """The Markdown tables of docs/benchmarks.md from the accumulated results."""
    lines = ["### Build, open and query latency", "",
             "| size | engine | build s | articles/s | index MB (× text) | peak RSS MB (build; largest worker) "
             "| open + 1st query ms (cold process ms) | top-10 + facets p50 / p95 / max ms "
             "| top-10, no facets p50 / p95 / max ms | load avg start → end |",
             "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in _runs(results):
        b, q = r.get("build", {}), r.get("query", {})
        load = f"{r.get('load_at_start', 0):.1f} → {r.get('load_at_end', 0):.1f}"
        if "error" in b:
            lines.append(f"| {r['size']} | {_name(r)} | {b['error']} | | | | | | | {load} |")
            continue
        if b.get("tree_peak_mb"):
            rss = f"{b['tree_peak_mb']:.0f} (process tree)"
        else:
            rss = f"{b['peak_rss_mb']:.0f}" + (f"; {b['peak_worker_rss_mb']:.0f}" if b["peak_worker_rss_mb"] > 1 else "")
        text = _text_bytes(results, r)
        ratio = f" ({b['index_bytes'] / text:.2f}×)" if text else ""
        head = (f"| {r['size']} | {_name(r)} | {b['build_s']:.1f} | {b['articles_per_s']:.0f} "
                f"| {b['index_bytes'] / 1e6:.1f}{ratio} | {rss} ")
        if "error" in q:
            lines.append(head + f"| {q.get('error', 'not run')} | | | {load} |")
            continue
        f, n = q["facets"], q["nofacets"]
        lines.append(head + f"| {q['open_ms']:.0f} ({q['cold_ms']:.0f}) "
                     f"| {f['p50']:.1f} / {f['p95']:.1f} / {f['max']:.1f} "
                     f"| {n['p50']:.1f} / {n['p95']:.1f} / {n['max']:.1f} | {load} |")
    lines += ["", "### Exactness against the oracle (every matching id, all queries of the mix)", "",
              "| size | engine | queries exact | mean precision | mean recall | queries with recall 0 "
              "| totals equal to oracle |",
              "|---:|---|---:|---:|---:|---:|---:|"]
    for r in _runs(results):
        if not _ok(r):
            continue
        qs = r["query"]["queries"]
        totals = sum(1 for x in qs if x["total"] == x["oracle"])
        if qs[0]["oracle"] is None:
            lines.append(f"| {r['size']} | {_name(r)} | (no oracle at this size) | | | | |")
            continue
        if "precision" not in qs[0]:
            lines.append(f"| {r['size']} | {_name(r)} | (sets not checked) | | | | {totals}/{len(qs)} |")
            continue
        lines.append(f"| {r['size']} | {_name(r)} | {sum(x['exact'] for x in qs)}/{len(qs)} "
                     f"| {statistics.mean(x['precision'] for x in qs):.3f} "
                     f"| {statistics.mean(x['recall'] for x in qs):.3f} "
                     f"| {sum(1 for x in qs if x['oracle'] and x['recall'] == 0)} | {totals}/{len(qs)} |")
    checked = [r for r in _runs(results) if _ok(r) and "precision" in r["query"]["queries"][0]]
    if checked:
        size = max(r["size"] for r in checked)
        at = [r for r in checked if r["size"] == size]
        lines += ["", f"### Per query at {size} articles: matched (precision / recall); median ms with facets", "",
                  "| query | kind | oracle | " + " | ".join(r["engine"] for r in at) + " |",
                  "|---|---|---:|" + "---:|" * len(at)]
        for i, (query, kind) in enumerate(QUERY_MIX):
            cells = []
            for r in at:
                x = r["query"]["queries"][i]
                ms = r["query"]["per_query_facets_ms"][query]
                cells.append(f"{x['found']} ({x['precision']:.2f} / {x['recall']:.2f}); {ms:.1f} ms")
            want = at[0]["query"]["queries"][i]["oracle"]
            lines.append(f"| `{query}` | {kind} | {want} | " + " | ".join(cells) + " |")
    lines += ["", "### Scale curve", "", "| size | " + " | ".join(
        f"{e} build s | {e} p95 facets ms" for e in ENGINES) + " |", "|---:|" + "---:|---:|" * len(ENGINES)]
    by = {(r["engine"], r["size"]): r for r in _runs(results)}
    for size in sorted({r["size"] for r in _runs(results)}):
        cells = []
        for e in ENGINES:
            r = by.get((e, size))
            if r is None:
                cells += ["", ""]
                continue
            b, q = r.get("build", {}), r.get("query", {})
            mark = "*" if r.get("label") else ""
            cells.append("skipped" if "error" in b else f"{b['build_s']:.1f}{mark}")
            cells.append("" if "error" in b else ("—" if "error" in q else f"{q['facets']['p95']:.1f}{mark}"))
        lines.append(f"| {size} | " + " | ".join(cells) + " |")
    if any(r.get("label") for r in _runs(results)):
        lines += ["", "\\* a run from another session (its label is in the first table)."]
    lines += ["", "### Issue 10 targets (wensou)", "",
              "| size | articles/s (≥ 600) | × Whoosh+jieba (≥ 3) | index ÷ text (≤ 3) | rebuild peak MB (≤ 1024) "
              "| p50 / p95 ms (≤ 10 / 50) | slowest query with < 100 matches (≤ 5 ms) | 年 / 的 ms (≤ 150) |",
              "|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for size in sorted({r["size"] for r in _runs(results)}):
        w, j = by.get(("wensou", size)), by.get(("whoosh-jieba", size))
        if not w or not _ok(w):
            continue
        b, q = w["build"], w["query"]
        speed = (f"{j['build']['build_s'] / b['build_s']:.2f}" if j and "error" not in j.get("build", {"error": 1})
                 else "—")
        text = _text_bytes(results, w)
        per = q["per_query_facets_ms"]
        few = [(per[x["query"]], x["query"], x["total"]) for x in q["queries"] if x["total"] < 100]
        slow_few = max(few) if few else None
        few_cell = f"{slow_few[0]:.1f} (`{slow_few[1]}`, {slow_few[2]} matches)" if slow_few else "—"
        lines.append(f"| {size} | {b['articles_per_s']:.0f} | {speed} "
                     f"| {b['index_bytes'] / text:.2f} | {b.get('tree_peak_mb') or b['peak_rss_mb']:.0f} "
                     f"| {q['facets']['p50']:.1f} / {q['facets']['p95']:.1f} | {few_cell} "
                     f"| {per.get('年', 0):.0f} / {per.get('的', 0):.0f} |" if text else f"| {size} | … |")
    return "\n".join(lines)


def plot(results: dict, path: Path) -> None:
    """Index build time and p95 query latency (top-10 with facets) against size, per engine."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4.2))
    for engine, style in zip(ENGINES, ("o-", "D-.", "s--", "^:")):
        runs = [r for r in _runs(results) if r["engine"] == engine and "error" not in r.get("build", {"error": 1})]
        if runs:
            ax1.plot([r["size"] for r in runs], [r["build"]["build_s"] for r in runs], style, label=engine)
        for r in runs:  # a run from another session: ringed
            if r.get("label"):
                ax1.plot([r["size"]], [r["build"]["build_s"]], "o", ms=14, mfc="none", color="grey")
        runs = [r for r in runs if _ok(r)]
        if runs:
            ax2.plot([r["size"] for r in runs], [r["query"]["facets"]["p95"] for r in runs], style, label=engine)
        for r in runs:
            if r.get("label"):
                ax2.plot([r["size"]], [r["query"]["facets"]["p95"]], "o", ms=14, mfc="none", color="grey")
    for ax, title, unit in ((ax1, "Index build time", "seconds"), (ax2, "Query p95, top-10 with facets", "ms")):
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("articles")
        ax.set_ylabel(unit)
        ax.set_title(title)
        ax.grid(True, which="both", alpha=0.3)
        ax.legend()
    m = results.get("machine", {})
    ringed = "; ringed: a run from another session" if any(r.get("label") for r in _runs(results)) else ""
    fig.suptitle(f"wensou vs Groonga vs Whoosh+jieba vs SQLite FTS5 trigram — {m.get('nproc')} cores, "
                 f"{m.get('cpu', '')}{ringed}",
                 fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _one_line(entry: dict) -> str:
    b, q = entry.get("build", {}), entry.get("query", {})
    head = f"{entry['engine']:>13}{'[' + entry['shape'] + ']' if entry.get('shape') else ''} @ {entry['size']:>6}:"
    if "error" in b:
        return f"{head} build {b['error']}"
    s = f"{head} build {b['build_s']:.1f}s ({b['articles_per_s']:.0f}/s) {b['index_bytes'] / 1e6:.0f} MB"
    if "error" in q:
        return f"{s}; queries {q['error']}"
    n = len(q["queries"])
    if "exact" in q["queries"][0]:
        exact = f"exact {sum(1 for r in q['queries'] if r['exact'])}/{n}"
    else:
        exact = f"sets not checked, totals = oracle {sum(1 for r in q['queries'] if r['total'] == r['oracle'])}/{n}"
    nightly = entry.get("nightly")
    if nightly:
        nightly = ("; nightly ingest " + (nightly["error"] if "error" in nightly else
                   f"of {nightly['added']} in {nightly['seconds']:.1f} s (tree PSS {nightly['tree_peak_mb']:.0f} MB)"))
    return (f"{s}, tree {'PSS' if entry.get('shape') else 'RSS'} {b.get('tree_peak_mb') or 0:.0f} MB; "
            f"open {q['open_ms']:.0f} ms; p50/p95 facets {q['facets']['p50']:.1f}/{q['facets']['p95']:.1f} ms, "
            f"no facets p95 {q['nofacets']['p95']:.1f} ms; {exact}{nightly or ''}")


if __name__ == "__main__":
    main()
