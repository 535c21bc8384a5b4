"""Known-item relevance: does the article a reader remembers come first, in wensou and in the recipe?

    python -m benchmarks.relevance CORPUS_DIR [CORPUS_DIR ...] [--articles 3000] [--seed 13]
        [--per-kind 50] [--workdir /tmp/wensou-relevance] [--engines wensou,whoosh-jieba]

The articles of the given folders (read through `indexer.extract`, as ingest reads them) are
sampled (`--articles`, with `--seed`), and a known-item query set is generated from them with
the same seed (`make_queries`, below):

- "title": 2–3 words (jieba words of two or more characters, in title order) of an article's title;
- "body": the 3 most distinctive words of an article's body (tf-idf over the sampled articles);
- "body-jieba": the 3 keywords `jieba.analyse.extract_tags` gives for the body (tf-idf with
  jieba's own general-language idf table: words frequent in the article, not only rare ones, so
  many articles match and the ranking decides);
- "cross-script": the same for an article written in Traditional characters, typed in Simplified
  (OpenCC `t2s` of each word), as a mainland reader would type what they remember.

Words are cut by jieba from the folded text and taken from the article as written (folding keeps
offsets), so a query is in the article's own script unless the kind says otherwise. The same
articles are indexed into wensou (`run_ingest` from a JSON Lines file, `SearchEngine`) and into
the plain jieba + Whoosh recipe (`benchmarks/peers/whoosh_jieba.py`: BM25F over title and
content, queries through `MultifieldParser` as typed). A query's answer counts when the article,
or one with the same title (a repost), is among the top 10. Printed: MRR@10 and success@1
(answer ranked first) per query kind and overall, for each engine, as a Markdown table.
"""
from __future__ import annotations

import argparse
import math
import random
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from indexer.analysis import fold, is_cjk, word_tokens

KINDS = ("title", "body", "body-jieba", "cross-script")
TOP = 10


@dataclass(frozen=True)
class KnownItem:
    kind: str
    query: str
    answer: str  # article id


# ----------------------------------------------------------------------------- articles


def load(folders: list[Path], n: int, seed: int):
    """`n` articles sampled (seeded) from every article in `folders`; no repeated ids or bodies."""
    from benchmarks.corpus import load_articles

    articles, seen_ids, seen_bodies = [], set(), set()
    for folder in folders:
        found, _ = load_articles(folder)
        for a in found:
            key = fold(a.body or "")
            if a.id in seen_ids or not a.title or len(key) < 50 or key in seen_bodies:
                continue
            seen_ids.add(a.id)
            seen_bodies.add(key)
            articles.append(a)
    rng = random.Random(seed)
    return rng.sample(articles, min(n, len(articles)))


def is_traditional(text: str) -> bool:
    cjk = [c for c in text if is_cjk(c)]
    return bool(cjk) and sum(fold(c) != c for c in cjk) / len(cjk) > 0.05


def _words(text: str) -> list[str]:
    """The text's jieba words of two or more CJK characters, as written (original script)."""
    return [text[w.start:w.end] for w in word_tokens(text)
            if len(w.text) >= 2 and all(is_cjk(c) for c in w.text)]


# ------------------------------------------------------------------------------ queries


def make_queries(articles, per_kind: int, seed: int) -> list[KnownItem]:
    """The known-item set: `per_kind` queries of each kind from randomly chosen articles."""
    import opencc

    rng = random.Random(seed * 7919 + 1)
    body_words = {a.id: _words(a.body) for a in articles}
    df: Counter = Counter()
    for words in body_words.values():
        df.update({fold(w) for w in words})
    n = len(articles)

    def distinctive(a, k: int) -> list[str]:
        tf = Counter(body_words[a.id])
        scored = {}
        for w, c in tf.items():
            key = fold(w)
            score = (1 + math.log(c)) * math.log(n / df[key])
            if key not in scored or score > scored[key][0]:
                scored[key] = (score, w)
        best = sorted(scored.values(), key=lambda x: (-x[0], x[1]))[:k]
        return [w for _, w in best]

    import logging

    import jieba
    import jieba.analyse

    jieba.setLogLevel(logging.WARNING)
    t2s = opencc.OpenCC("t2s").convert
    items: list[KnownItem] = []
    order = list(articles)
    rng.shuffle(order)
    counts = dict.fromkeys(KINDS, 0)
    for a in order:
        if counts["title"] < per_kind:
            words = list(dict.fromkeys(_words(a.title)))
            if len(words) >= 2:
                k = min(len(words), rng.choice((2, 3)))
                picked = sorted(rng.sample(range(len(words)), k))
                items.append(KnownItem("title", " ".join(words[i] for i in picked), a.id))
                counts["title"] += 1
                continue
        if counts["body"] < per_kind:
            words = distinctive(a, 3)
            if len(words) == 3:
                items.append(KnownItem("body", " ".join(words), a.id))
                counts["body"] += 1
                continue
        if counts["body-jieba"] < per_kind:
            tags = jieba.analyse.extract_tags(a.body, topK=3)
            if len(tags) == 3 and all(len(t) >= 2 and all(is_cjk(c) for c in t) for t in tags):
                items.append(KnownItem("body-jieba", " ".join(tags), a.id))
                counts["body-jieba"] += 1
                continue
        if counts["cross-script"] < per_kind and is_traditional(a.title + a.body):
            words = distinctive(a, 3)
            simplified = [t2s(w) for w in words]
            if len(words) == 3 and simplified != words:
                items.append(KnownItem("cross-script", " ".join(simplified), a.id))
                counts["cross-script"] += 1
                continue
        if all(c >= per_kind for c in counts.values()):
            break
    return items


# ------------------------------------------------------------------------------ engines


def build_engines(articles, workdir: Path, names: list[str], reuse: bool = False) -> dict:
    """name → object with search(query) -> (total, top-10 ids), built over `articles`.

    With `reuse`, indexes left in `workdir` by a run over the same articles are searched again
    instead of rebuilt (for trying query-time settings)."""
    import hashlib

    from benchmarks.corpus import write_jsonl

    workdir.mkdir(parents=True, exist_ok=True)
    stamp = hashlib.sha256("\n".join(a.id for a in articles).encode()).hexdigest()
    stamp_file = workdir / "articles.sha256"
    reuse = reuse and stamp_file.exists() and stamp_file.read_text() == stamp
    stamp_file.unlink(missing_ok=True)
    engines = {}
    if "wensou" in names and reuse:
        from indexer.search import SearchEngine

        engines["wensou"] = _Wensou(SearchEngine(workdir / "wensou"))
    elif "wensou" in names:
        from indexer.ingest import run_ingest
        from indexer.search import SearchEngine

        jsonl = workdir / "articles.jsonl"
        write_jsonl(articles, jsonl)
        t = time.perf_counter()
        run_ingest(workdir / "wensou", [jsonl], rebuild=True)
        print(f"wensou built in {time.perf_counter() - t:.1f} s", file=sys.stderr)
        engines["wensou"] = _Wensou(SearchEngine(workdir / "wensou"))
    if "whoosh-jieba" in names and reuse:
        from benchmarks.peers.whoosh_jieba import ENGINE

        engines["whoosh-jieba"] = ENGINE.open(workdir / "whoosh-jieba")
    elif "whoosh-jieba" in names:
        import shutil

        from benchmarks.peers.whoosh_jieba import ENGINE

        target = workdir / "whoosh-jieba"
        shutil.rmtree(target, ignore_errors=True)
        t = time.perf_counter()
        ENGINE.build(articles, target)
        print(f"whoosh-jieba built in {time.perf_counter() - t:.1f} s", file=sys.stderr)
        engines["whoosh-jieba"] = ENGINE.open(target)
    stamp_file.write_text(stamp)
    return engines


class _Wensou:
    def __init__(self, engine) -> None:
        self.engine = engine

    def search(self, query: str, facets: bool = False):
        from indexer.search import SearchRequest

        r = self.engine.search(SearchRequest.create(query, per_page=TOP))
        return r.total, [h.id for h in r.hits], {}


# ------------------------------------------------------------------------------ scoring


def rank_of(ids: list[str], item: KnownItem, title_of: dict[str, str]) -> int | None:
    """1-based rank of the answer (the article or one with the same title) in the top 10."""
    want = fold(title_of[item.answer]).strip()
    for i, aid in enumerate(ids[:TOP], 1):
        if aid == item.answer or fold(title_of.get(aid, "")).strip() == want:
            return i
    return None


def evaluate(engine, items: list[KnownItem], title_of: dict[str, str]) -> dict[str, list[int | None]]:
    ranks: dict[str, list[int | None]] = {k: [] for k in KINDS}
    for item in items:
        _, ids, _ = engine.search(item.query, facets=False)
        ranks[item.kind].append(rank_of(ids, item, title_of))
    return ranks


def mrr(ranks: list[int | None]) -> float:
    return sum(1 / r for r in ranks if r) / len(ranks) if ranks else 0.0


def success1(ranks: list[int | None]) -> float:
    return sum(r == 1 for r in ranks) / len(ranks) if ranks else 0.0


def table(results: dict[str, dict[str, list[int | None]]], items: list[KnownItem]) -> str:
    names = list(results)
    counts = Counter(i.kind for i in items)
    head = "| queries made from | n | " + " | ".join(f"{n} MRR@10 (success@1)" for n in names) + " |"
    lines = [head, "|---|---:|" + "---:|" * len(names)]
    labels = {"title": "2–3 words of the title", "body": "3 of the body's most distinctive words",
              "body-jieba": "3 body keywords by jieba's tf-idf (`extract_tags`)",
              "cross-script": "body words of a Traditional article, typed in Simplified"}
    for kind in KINDS:
        cells = [f"{mrr(results[n][kind]):.3f} ({success1(results[n][kind]):.0%})" for n in names]
        lines.append(f"| {labels[kind]} | {counts[kind]} | " + " | ".join(cells) + " |")
    cells = []
    for n in names:
        every = [r for k in KINDS for r in results[n][k]]
        cells.append(f"**{mrr(every):.3f}** ({success1(every):.0%})")
    lines.append(f"| all | {len(items)} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def apply_setting(setting: str) -> None:
    """`module.NAME=value`: set a module constant (a number) for this run only."""
    import importlib

    target, value = setting.split("=", 1)
    module, name = target.rsplit(".", 1)
    mod = importlib.import_module(module)
    if not hasattr(mod, name):
        raise SystemExit(f"{module} has no {name}")
    setattr(mod, name, float(value))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("corpus", nargs="+", type=Path, help="folders of articles (any format ingest reads)")
    p.add_argument("--articles", type=int, default=3000)
    p.add_argument("--seed", type=int, default=13)
    p.add_argument("--per-kind", type=int, default=50)
    p.add_argument("--workdir", type=Path, default=Path("/tmp/wensou-relevance"))
    p.add_argument("--engines", default="wensou,whoosh-jieba")
    p.add_argument("--reuse", action="store_true", help="search indexes of the same articles left in --workdir")
    p.add_argument("--set", action="append", default=[], metavar="MODULE.NAME=VALUE",
                   help="try a ranking setting, e.g. indexer.query.TITLE_PHRASE_SCORE=5 (repeatable)")
    p.add_argument("--show-misses", action="store_true", help="print each query wensou ranks below 1")
    args = p.parse_args(argv)
    articles = load(args.corpus, args.articles, args.seed)
    items = make_queries(articles, args.per_kind, args.seed)
    title_of = {a.id: a.title for a in articles}
    engines = build_engines(articles, args.workdir, args.engines.split(","), reuse=args.reuse)
    for setting in args.set:
        apply_setting(setting)
    results = {name: evaluate(engine, items, title_of) for name, engine in engines.items()}
    print(f"{len(articles)} articles from {', '.join(f.name for f in args.corpus)}; seed {args.seed}; "
          f"{len(items)} known-item queries\n")
    print(table(results, items))
    if args.show_misses:
        for name, engine in engines.items():
            for item in items:
                _, ids, _ = engine.search(item.query, facets=False)
                r = rank_of(ids, item, title_of)
                if r != 1:
                    print(f"{name}\t{item.kind}\t{item.query}\t{r}\t{title_of[item.answer][:30]}"
                          f"\t{[title_of.get(i, '')[:20] for i in ids[:2]]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
