"""Known-item relevance: does the article a reader remembers come first, in wensou and in the recipe?

    python -m benchmarks.relevance CORPUS_DIR [CORPUS_DIR ...] [--articles 3000] [--seed 13]
        [--per-kind 50] [--workdir /tmp/wensou-relevance] [--engines wensou,whoosh-jieba]
        [--split held|train|all] [--tune MODULE.NAME=V1,V2,... ...] [--reuse]

Each CORPUS_DIR is one archive, indexed on its own: its articles (read through `indexer.extract`,
as ingest reads them; `--articles` of them sampled with `--seed`) go into wensou (`run_ingest`
from a JSON Lines file, `SearchEngine`) and into the plain jieba + Whoosh recipe
(`benchmarks/peers/whoosh_jieba.py`: BM25F over title and content, queries through
`MultifieldParser` as typed). Known-item queries are generated from each archive with the same
seed (`make_queries`, below), on different principles:

- "title": 2–3 words (jieba words of two or more characters, in title order) of an article's title;
- "body": the 3 most distinctive words of an article's body ((1 + log tf) × idf over the archive:
  rare words, which few other articles hold);
- "body-tfidf": 2–4 words drawn at random from the 8 with the highest tf × idf (raw term count
  against the archive): words the article holds many times, so a long article about them is
  the answer and shorter ones mentioning them compete;
- "body-jieba": the 3 keywords `jieba.analyse.extract_tags` gives for the body (tf-idf with
  jieba's own general-language idf table: words frequent in the article, not only rare ones);
- "cross-script": the body words of an article written in Traditional characters, typed in
  Simplified (OpenCC `t2s` of each word), as a mainland reader would type what they remember.

Words are cut by jieba from the folded text and taken from the article as written (folding keeps
offsets), so a query is in the article's own script unless the kind says otherwise; no query is
quoted. A query's answer counts when the article, or a repost of it, is among the top 10: one
with the same title, or (`--reposts story`, the default) one of the same story as the wensou
index of the archive clusters its articles (`indexer.stories`; measured on labelled real reposts
by `benchmarks.reposts`). The same credit is given to both engines: wensou shows a story once,
under its best-ranked article, where the recipe lists every copy; `--reposts title` counts only
the article itself and copies with its title.

Split: a query belongs to the held-back half when the SHA-256 of its answer's folded title and
body says so (`held_back`); the split is fixed by the articles, not by the seed. Tuning
(`--tune`: coordinate ascent over the values given for each setting, on the training half only)
never sees the held-back queries. Printed per archive and query kind, and pooled: MRR@10,
success@1 and success@10 of each engine, and the difference wensou − recipe with its paired
bootstrap 95% confidence interval (`BOOTSTRAP` resamples of the queries).
"""
from __future__ import annotations

import argparse
import hashlib
import math
import random
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from indexer.analysis import fold, is_cjk, word_tokens

KINDS = ("title", "body", "body-tfidf", "body-jieba", "cross-script")
LABELS = {"title": "2–3 words of the title", "body": "3 of the body's rarest distinctive words",
          "body-tfidf": "2–4 of the body's top tf×idf words",
          "body-jieba": "3 body keywords by jieba's tf-idf (`extract_tags`)",
          "cross-script": "body words of a Traditional article, typed in Simplified"}
TOP = 10
HELD_BACK_SHARE = 0.5  # of the articles (by hash) whose queries tuning never sees
BOOTSTRAP = 2000
LONG_CHARS = 2000  # answers at least this long are also reported on their own
RECIPE = "whoosh-jieba"


@dataclass(frozen=True)
class KnownItem:
    kind: str
    query: str
    answer: str  # article id
    corpus: str = ""
    held: bool = False  # in the held-back half
    long: bool = False  # the answer's body has at least LONG_CHARS characters


def held_back(title: str, body: str) -> bool:
    """Whether an article's queries are held back from tuning: fixed by its folded text."""
    digest = hashlib.sha256(fold(title + "\n" + body).encode("utf-8")).digest()
    return int.from_bytes(digest[:4], "big") / 2**32 < HELD_BACK_SHARE


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


def make_queries(articles, per_kind: int, seed: int, corpus: str = "") -> list[KnownItem]:
    """The known-item set: `per_kind` queries of each kind from randomly chosen articles (one
    query per article)."""
    import opencc

    rng = random.Random(seed * 7919 + 1)
    body_words = {a.id: _words(a.body) for a in articles}
    df: Counter = Counter()
    for words in body_words.values():
        df.update({fold(w) for w in words})
    n = len(articles)

    def scored_words(a, tf_weight) -> list[str]:
        tf = Counter(body_words[a.id])
        scored = {}
        for w, c in tf.items():
            key = fold(w)
            score = tf_weight(c) * math.log(n / df[key])
            if key not in scored or score > scored[key][0]:
                scored[key] = (score, w)
        return [w for s, w in sorted(scored.values(), key=lambda x: (-x[0], x[1])) if s > 0]

    def distinctive(a, k: int) -> list[str]:
        return scored_words(a, lambda c: 1 + math.log(c))[:k]

    import logging

    import jieba
    import jieba.analyse

    jieba.setLogLevel(logging.WARNING)
    t2s = opencc.OpenCC("t2s").convert
    items: list[KnownItem] = []
    order = list(articles)
    rng.shuffle(order)
    counts = dict.fromkeys(KINDS, 0)

    def add(kind: str, words: list[str], a) -> None:
        items.append(KnownItem(kind, " ".join(words), a.id, corpus, held_back(a.title, a.body),
                               len(a.body) >= LONG_CHARS))
        counts[kind] += 1

    for a in order:
        if counts["title"] < per_kind:
            words = list(dict.fromkeys(_words(a.title)))
            if len(words) >= 2:
                k = min(len(words), rng.choice((2, 3)))
                picked = sorted(rng.sample(range(len(words)), k))
                add("title", [words[i] for i in picked], a)
                continue
        if counts["body"] < per_kind:
            words = distinctive(a, 3)
            if len(words) == 3:
                add("body", words, a)
                continue
        if counts["body-tfidf"] < per_kind:
            top = scored_words(a, float)[:8]
            k = rng.choice((2, 3, 4))
            if len(top) >= k:
                add("body-tfidf", [top[i] for i in sorted(rng.sample(range(len(top)), k))], a)
                continue
        if counts["body-jieba"] < per_kind:
            tags = jieba.analyse.extract_tags(a.body, topK=3)
            if len(tags) == 3 and all(len(t) >= 2 and all(is_cjk(c) for c in t) for t in tags):
                add("body-jieba", tags, a)
                continue
        if counts["cross-script"] < per_kind and is_traditional(a.title + a.body):
            words = distinctive(a, 3)
            simplified = [t2s(w) for w in words]
            if len(words) == 3 and simplified != words:
                add("cross-script", simplified, a)
                continue
        if all(c >= per_kind for c in counts.values()):
            break
    return items


# ------------------------------------------------------------------------------ engines


def build_engines(articles, workdir: Path, names: list[str], reuse: bool = False) -> dict:
    """name → object with search(query) -> (total, top-10 ids), built over `articles`.

    With `reuse`, indexes left in `workdir` by a run over the same articles are searched again
    instead of rebuilt (for trying query-time settings)."""
    from benchmarks.corpus import write_jsonl

    workdir.mkdir(parents=True, exist_ok=True)
    stamp = hashlib.sha256("\n".join(a.id for a in articles).encode()).hexdigest()
    stamp_file = workdir / "articles.sha256"
    reuse = reuse and stamp_file.exists() and stamp_file.read_text() == stamp
    stamp_file.unlink(missing_ok=True)
    engines = {}
    if "wensou" in names and reuse:
        from indexer.search.engine import SearchEngine

        engines["wensou"] = _Wensou(SearchEngine(workdir / "wensou"))
    elif "wensou" in names:
        from indexer.ingest.run import run_ingest
        from indexer.search.engine import SearchEngine

        jsonl = workdir / "articles.jsonl"
        write_jsonl(articles, jsonl)
        t = time.perf_counter()
        run_ingest(workdir / "wensou", [jsonl], rebuild=True)
        print(f"wensou built in {time.perf_counter() - t:.1f} s", file=sys.stderr)
        engines["wensou"] = _Wensou(SearchEngine(workdir / "wensou"))
    if RECIPE in names and reuse:
        from benchmarks.peers.whoosh_jieba import ENGINE

        engines[RECIPE] = ENGINE.open(workdir / RECIPE)
    elif RECIPE in names:
        import shutil

        from benchmarks.peers.whoosh_jieba import ENGINE

        target = workdir / RECIPE
        shutil.rmtree(target, ignore_errors=True)
        t = time.perf_counter()
        ENGINE.build(articles, target)
        print(f"{RECIPE} built in {time.perf_counter() - t:.1f} s", file=sys.stderr)
        engines[RECIPE] = ENGINE.open(target)
    stamp_file.write_text(stamp)
    return engines


class _Wensou:
    def __init__(self, engine) -> None:
        self.engine = engine

    def search(self, query: str, facets: bool = False):
        from indexer.search.request import SearchRequest

        r = self.engine.search(SearchRequest.create(query, per_page=TOP))
        return r.total, [h.id for h in r.hits], {}

    def stories(self) -> dict[str, int]:
        """Article id → its story (a docnum), for the articles whose story holds others."""
        from indexer.search.request import SearchRequest

        m = self.engine.matching(SearchRequest.create("的"))
        if m.stories is None:
            return {}
        live = np.asarray(m.gen.docvalues.live_docs)
        ids = np.asarray(m.stories)
        shared = np.bincount(ids[live], minlength=len(ids)) > 1  # deleted articles are no reposts
        return {m.searcher.stored_fields(int(d))["id"]: int(ids[d]) for d in live[shared[ids[live]]]}

    def ranked(self, query: str) -> list[str]:
        """The ids of the top 10 as `search` orders them (reposts collapsed), without its
        facets, snippets and marking: what tuning compares, many times over."""
        from indexer import stories
        from indexer.search.request import SearchRequest

        m = self.engine.matching(SearchRequest.create(query, per_page=TOP))
        docs = [d for d, _ in m.order(4 * TOP)]
        if m.stories is not None:
            docs = stories.collapse(docs, m.everything, m.stories)[0]
        return [m.searcher.stored_fields(d)["id"] for d in docs[:TOP]]


# ------------------------------------------------------------------------------ scoring


def rank_of(ids: list[str], item: KnownItem, title_of: dict[str, str],
            story_of: dict[str, int] | None = None) -> int | None:
    """1-based rank of the answer (the article, one with the same title, or one of its story in
    `story_of`: article id → story) in the top 10."""
    want = fold(title_of[item.answer]).strip()
    story = (story_of or {}).get(item.answer)
    for i, aid in enumerate(ids[:TOP], 1):
        if aid == item.answer or fold(title_of.get(aid, "")).strip() == want:
            return i
        if story is not None and story_of.get(aid) == story:
            return i
    return None


def evaluate(engine, items: list[KnownItem], title_of: dict[str, str]) -> list[int | None]:
    """The answer's rank (None: not in the top 10) for each of `items`."""
    return [rank_of(engine.search(item.query, facets=False)[1], item, title_of) for item in items]


def reciprocal(ranks) -> np.ndarray:
    return np.array([1 / r if r else 0.0 for r in ranks])


def at(ranks, k: int) -> np.ndarray:
    return np.array([1.0 if r and r <= k else 0.0 for r in ranks])


METRICS = {"MRR@10": reciprocal, "S@1": lambda r: at(r, 1), "S@10": lambda r: at(r, TOP)}


def mrr(ranks) -> float:
    return float(reciprocal(ranks).mean()) if len(ranks) else 0.0


def success1(ranks) -> float:
    return float(at(ranks, 1).mean()) if len(ranks) else 0.0


def difference_ci(a: np.ndarray, b: np.ndarray, seed: int = 0) -> tuple[float, float, float]:
    """Mean of a − b (paired per query) and its bootstrap 95% confidence interval."""
    d = a - b
    if not len(d):
        return 0.0, 0.0, 0.0
    rng = np.random.default_rng(seed)
    means = d[rng.integers(0, len(d), size=(BOOTSTRAP, len(d)))].mean(axis=1)
    lo, hi = np.percentile(means, [2.5, 97.5])
    return float(d.mean()), float(lo), float(hi)


def groups(items: list[KnownItem]) -> list[tuple[str, str, list[int]]]:
    """(archive, kind, indices of its items) per archive and kind, then pooled per kind
    (archive "all"), then answers of at least LONG_CHARS, then everything."""
    out = []
    corpora = list(dict.fromkeys(i.corpus for i in items))
    for c in corpora:
        for k in KINDS:
            idx = [j for j, i in enumerate(items) if i.corpus == c and i.kind == k]
            if idx:
                out.append((c, k, idx))
    if len(corpora) > 1:
        for k in KINDS:
            idx = [j for j, i in enumerate(items) if i.kind == k]
            if idx:
                out.append(("all", k, idx))
    long = [j for j, i in enumerate(items) if i.long]
    if long:
        out.append(("all", f"answers ≥ {LONG_CHARS:,} chars", long))
    out.append(("all", "all", list(range(len(items)))))
    return out


def table(results: dict[str, list[int | None]], items: list[KnownItem]) -> str:
    """One Markdown row per archive and kind: each engine's MRR@10 / S@1 / S@10, and wensou −
    recipe with its 95% confidence interval (when both engines ran)."""
    names = list(results)
    compare = "wensou" in results and RECIPE in results
    head = "| archive | queries | n | " + " | ".join(f"{n} MRR@10 (S@1, S@10)" for n in names)
    if compare:
        head += " | Δ MRR@10 [95% CI] | Δ S@1 [95% CI] | Δ S@10 [95% CI]"
    cols = len(names) + (3 if compare else 0)
    lines = [head + " |", "|---|---|---:|" + "---:|" * cols]
    for corpus, kind, idx in groups(items):
        cells = []
        for n in names:
            r = [results[n][j] for j in idx]
            cells.append(f"{mrr(r):.3f} ({success1(r):.0%}, {at(r, TOP).mean():.0%})")
        if compare:
            for f in METRICS.values():
                a = f([results["wensou"][j] for j in idx])
                b = f([results[RECIPE][j] for j in idx])
                mean, lo, hi = difference_ci(a, b)
                cells.append(f"{mean:+.3f} [{lo:+.3f}, {hi:+.3f}]")
        label = LABELS.get(kind, kind)
        bold = "**" if kind == "all" else ""
        lines.append(f"| {corpus} | {bold}{label}{bold} | {len(idx)} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


# ------------------------------------------------------------------------------- tuning


def apply_setting(setting: str) -> None:
    """`module.NAME=value`: set a module constant (a number) for this run only."""
    import importlib

    target, value = setting.split("=", 1)
    module, name = target.rsplit(".", 1)
    mod = importlib.import_module(module)
    if not hasattr(mod, name):
        raise SystemExit(f"{module} has no {name}")
    current = getattr(mod, name)
    setattr(mod, name, int(float(value)) if isinstance(current, int) else float(value))


def objective(ranks: list[int | None], recipe: list[int | None], items: list[KnownItem]) -> float:
    """What tuning maximises: the mean MRR@10 over (archive, kind) groups, less each group's
    shortfall against the recipe (a kind behind the recipe costs twice)."""
    total, n = 0.0, 0
    for corpus, _kind, idx in groups(items):
        if corpus == "all":
            continue
        ours = mrr([ranks[j] for j in idx])
        theirs = mrr([recipe[j] for j in idx]) if recipe else ours
        total += ours - max(0.0, theirs - ours)
        n += 1
    return total / max(n, 1)


def tune(grid: dict[str, list[str]], score, rounds: int = 2) -> dict[str, str]:
    """Coordinate ascent: each setting in turn takes the value of its list that scores best with
    the others fixed (ties keep the current value), for `rounds` passes; returns the choice."""
    current = {name: values[0] for name, values in grid.items()}
    for name, value in current.items():
        apply_setting(f"{name}={value}")
    best = score()
    print(f"start {current}: {best:.4f}", file=sys.stderr)
    for _ in range(rounds):
        changed = False
        for name, values in grid.items():
            for value in values:
                if value == current[name]:
                    continue
                apply_setting(f"{name}={value}")
                s = score()
                print(f"  {name}={value}: {s:.4f}", file=sys.stderr)
                if s > best + 1e-9:
                    best, current[name], changed = s, value, True
            apply_setting(f"{name}={current[name]}")
        print(f"pass: {current}: {best:.4f}", file=sys.stderr)
        if not changed:
            break
    return current


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("corpus", nargs="+", type=Path, help="folders of articles (any format ingest reads), one archive each")
    p.add_argument("--articles", type=int, default=3000, help="articles sampled from each archive")
    p.add_argument("--seed", type=int, default=13)
    p.add_argument("--per-kind", type=int, default=50, help="queries of each kind per archive")
    p.add_argument("--workdir", type=Path, default=Path("/tmp/wensou-relevance"))
    p.add_argument("--engines", default=f"wensou,{RECIPE}")
    p.add_argument("--split", choices=("held", "train", "all"), default="held",
                   help="which queries the table reports (tuning uses only train)")
    p.add_argument("--reuse", action="store_true", help="search indexes of the same articles left in --workdir")
    p.add_argument("--set", action="append", default=[], metavar="MODULE.NAME=VALUE",
                   help="try a ranking setting, e.g. indexer.search.ranking.K1=1.2 (repeatable)")
    p.add_argument("--tune", action="append", default=[], metavar="MODULE.NAME=V1,V2,...",
                   help="a setting and the values coordinate ascent tries on the training half "
                        "(first value: the start); repeatable")
    p.add_argument("--rounds", type=int, default=2)
    p.add_argument("--reposts", choices=("story", "title"), default="story",
                   help="what counts as a repost of the answer: its story in the wensou index, or its title only")
    p.add_argument("--show-misses", action="store_true", help="print each query wensou ranks below 1")
    args = p.parse_args(argv)
    items: list[KnownItem] = []
    title_of: dict[str, str] = {}
    engines: dict[str, dict] = {}  # archive → engine name → engine
    story_of: dict[tuple[str, str], int] = {}  # (archive, id) → story, for articles with reposts
    for folder in args.corpus:
        name = folder.name
        articles = load([folder], args.articles, args.seed)
        items += make_queries(articles, args.per_kind, args.seed, name)
        title_of.update({(name, a.id): a.title for a in articles})
        engines[name] = build_engines(articles, args.workdir / name, args.engines.split(","), reuse=args.reuse)
        if args.reposts == "story" and "wensou" in engines[name]:
            story_of.update({(name, aid): s for aid, s in engines[name]["wensou"].stories().items()})
        print(f"{name}: {len(articles)} articles", file=sys.stderr)
    for setting in args.set:
        apply_setting(setting)

    def run(name: str, chosen: list[KnownItem], fast: bool = False) -> list[int | None]:
        ranks = []
        for item in chosen:
            engine = engines[item.corpus][name]
            ids = engine.ranked(item.query) if fast else engine.search(item.query, facets=False)[1]
            ranks.append(_rank(ids, item, title_of, story_of))
        return ranks

    names = [n for n in args.engines.split(",") if n]
    train = [i for i in items if not i.held]
    if args.tune:
        grid = {}
        for spec in args.tune:
            target, values = spec.split("=", 1)
            grid[target] = values.split(",")
        recipe_train = run(RECIPE, train) if RECIPE in names else []
        chosen = tune(grid, lambda: objective(run("wensou", train, fast=True), recipe_train, train), args.rounds)
        print("chosen: " + " ".join(f"--set {k}={v}" for k, v in chosen.items()))
    shown = {"held": [i for i in items if i.held], "train": train, "all": items}[args.split]
    results = {name: run(name, shown) for name in names}
    print(f"{', '.join(f'{f.name}' for f in args.corpus)}: up to {args.articles} articles each; seed {args.seed}; "
          f"{len(shown)} known-item queries ({args.split} split of {len(items)})\n")
    print(table(results, shown))
    if args.show_misses and "wensou" in results:
        for item, r in zip(shown, results["wensou"]):
            if r != 1:
                ids = engines[item.corpus]["wensou"].search(item.query, facets=False)[1]
                other = results[RECIPE][shown.index(item)] if RECIPE in results else None
                print(f"{item.corpus}\t{item.kind}\t{item.query}\twensou {r}\trecipe {other}\t"
                      f"{title_of[(item.corpus, item.answer)][:30]}"
                      f"\t{[title_of.get((item.corpus, i), '')[:20] for i in ids[:2]]}")
    return 0


def _rank(ids: list[str], item: KnownItem, title_of: dict[tuple[str, str], str],
          story_of: dict[tuple[str, str], int]) -> int | None:
    shown = ids[:TOP] + [item.answer]
    return rank_of(ids, item, {aid: title_of[(item.corpus, aid)] for aid in shown if (item.corpus, aid) in title_of},
                   {aid: story_of[(item.corpus, aid)] for aid in shown if (item.corpus, aid) in story_of})


if __name__ == "__main__":
    sys.exit(main())
