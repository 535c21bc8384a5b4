"""Repost collapse on real reposts: does `indexer.stories` join the stories several outlets carried,
and only those?

    python -m benchmarks.reposts CORPUS_DIR [CORPUS_DIR ...] [--labels benchmarks/reposts.json]
        [--set indexer.stories.THRESHOLD=0.5 ...] [--sweep indexer.stories.THRESHOLD=0.3,0.5,0.8] [--show]

The labels (`benchmarks/reposts.json`, article ids only) were made by reading the articles of
each archive, named by its folder: "reposts" are clusters of one story carried by several
outlets (or pages), each copy with its own headline, lead or closing but sharing the story's
text; "distinct" are pairs that look alike and are NOT one story (template notices such as two
sessions' 委员长会议 reports, a speech and the news report quoting it, two write-ups of one
event). Every article of the given folders is clustered by `stories.assign_clusters`, exactly as
an index generation is, and the labelled pairs are checked:

- recall: the share of the labelled repost pairs that end in one story;
- false merges: labelled distinct pairs, or articles of two different labelled clusters, that end
  in one story;
- other merges: any other two articles joined whose folded texts differ, listed with `--show`
  for reading (identical texts are one text: the contract collapses them).
"""
from __future__ import annotations

import argparse
import json
import sys
from itertools import combinations
from pathlib import Path

LABELS = Path(__file__).with_name("reposts.json")


def load(folder: Path, cache: Path | None = None) -> list:
    """The articles of one archive, first of each id kept (crawler exports repeat records);
    with `cache`, kept there as read (reading a large archive takes minutes) and reused."""
    from benchmarks.corpus import load_articles, load_base, save_base

    saved = cache / f"{folder.name}.pickle" if cache else None
    if saved is not None and saved.exists():
        return load_base(saved)
    seen, out = set(), []
    for a in load_articles(folder)[0]:
        if a.id not in seen:
            seen.add(a.id)
            out.append(a)
    if saved is not None:
        cache.mkdir(parents=True, exist_ok=True)
        save_base(out, saved)
    return out


def clusters(articles) -> list[int]:
    """Story id per article, as an index generation computes them."""
    from indexer import stories
    from indexer.analysis import fold
    from indexer.segment.signatures import article_row

    rows = ((i, article_row(fold(a.body or ""), a.url, a.source, a.date, title=a.title or "")) for i, a in enumerate(articles))
    return stories.assign_clusters(rows, len(articles)).tolist()


def measure(archives: dict[str, list], labels: dict) -> dict:
    """Recall over labelled repost pairs, the false merges, and the other merges (pairs)."""
    from indexer.analysis import fold
    from indexer.segment import signatures

    found = missed = 0
    false_merges: list[tuple[str, str, str]] = []
    other: list[tuple[str, str, str]] = []
    misses: list[tuple[str, str, str]] = []
    for name, articles in archives.items():
        story = clusters(articles)
        index = {a.id: i for i, a in enumerate(articles)}
        lab = labels.get(name, {})
        cluster_of = {}
        for c, members in enumerate(lab.get("reposts", [])):
            for m in members:
                cluster_of[m] = c
            for a, b in combinations(members, 2):
                if a not in index or b not in index:
                    raise SystemExit(f"{name}: labelled id not found: {a if a not in index else b}")
                if story[index[a]] == story[index[b]]:
                    found += 1
                else:
                    missed += 1
                    misses.append((name, a, b))
        distinct = {frozenset(p) for p in lab.get("distinct", [])}
        groups: dict[int, list[int]] = {}
        for i, s in enumerate(story):
            groups.setdefault(s, []).append(i)
        for members in groups.values():
            for i, j in combinations(members, 2):
                a, b = articles[i].id, articles[j].id
                if frozenset((a, b)) in distinct or (a in cluster_of and b in cluster_of
                                                     and cluster_of[a] != cluster_of[b]):
                    false_merges.append((name, a, b))
                elif not (a in cluster_of and b in cluster_of):
                    ta, tb = (signatures._chars(fold(x.body or "")) for x in (articles[i], articles[j]))
                    if ta != tb:
                        other.append((name, a, b))
    pairs = found + missed
    return {"recall": found / pairs if pairs else 1.0, "pairs": pairs, "found": found,
            "false_merges": false_merges, "other": other, "misses": misses}


def apply(setting: str) -> None:
    from benchmarks.relevance import apply_setting

    apply_setting(setting)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("corpus", nargs="+", type=Path, help="archive folders named as in the labels")
    p.add_argument("--labels", type=Path, default=LABELS)
    p.add_argument("--set", action="append", default=[], metavar="MODULE.NAME=VALUE")
    p.add_argument("--sweep", default=None, metavar="MODULE.NAME=V1,V2,...", help="one setting, several values")
    p.add_argument("--show", action="store_true", help="list the misses, false merges and other merges")
    p.add_argument("--cache", type=Path, default=None, help="keep the archives' articles here between runs")
    args = p.parse_args(argv)
    labels = json.loads(args.labels.read_text(encoding="utf-8"))
    archives = {folder.name: load(folder, args.cache) for folder in args.corpus}
    for s in args.set:
        apply(s)
    runs = [None]
    if args.sweep:
        target, values = args.sweep.split("=", 1)
        runs = [f"{target}={v}" for v in values.split(",")]
    print("| setting | repost pairs | recall | false merges | other merges |")
    print("|---|---:|---:|---:|---:|")
    for run in runs:
        if run:
            apply(run)
        r = measure(archives, labels)
        print(f"| {run or ' '.join(args.set) or 'as shipped'} | {r['pairs']} | {r['recall']:.1%} "
              f"| {len(r['false_merges'])} | {len(r['other'])} |")
        if args.show:
            titles = {(n, a.id): a.title for n, arts in archives.items() for a in arts}
            for kind in ("misses", "false_merges", "other"):
                for name, a, b in r[kind]:
                    print(f"  {kind}\t{name}\t{a}\t{b}\t{titles[(name, a)][:24]}\t{titles[(name, b)][:24]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
