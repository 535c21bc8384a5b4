"""Extraction benchmark: field accuracy against hand-read labels, and pages per second.

    python -m benchmarks.extraction [--news DIR] [--rmrb DIR] [--verbose]

Labels (`benchmarks/labels.json`) were written by reading each page: title (with subtitle),
date, source, authors where checked, and one sentence that must be in the body. Titles compare
after NFKC and removing whitespace; bodies must contain the sentence (whitespace ignored).
Speed is extraction alone (bytes already in memory), one process, one core.
"""
from __future__ import annotations

import argparse
import json
import re
import time
import unicodedata
from pathlib import Path

from indexer.article import Article
from indexer.extract import extract_file

_REPO = Path(__file__).resolve().parent.parent
FIELDS = ("title", "date", "source", "authors", "body")


def _norm(text: str | None) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))


def _matches(field: str, got: Article | None, want: object) -> bool:
    if got is None:
        return False
    if field == "body":
        return _norm(str(want)) in _norm(got.body)
    if field == "authors":
        return list(got.authors) == list(want)
    value = getattr(got, field)
    return _norm(value) == _norm(want) if want is not None else value is None


def run(name: str, folder: Path, labels: dict[str, dict], verbose: bool) -> None:
    """Extract every labelled file under `folder` and print accuracy per field and speed."""
    data = {rel: (folder / rel).read_bytes() for rel in labels if (folder / rel).is_file()}
    if not data:
        print(f"{name}: no labelled files under {folder}")
        return
    started = time.perf_counter()
    results = {}
    for rel, raw in data.items():
        out = list(extract_file(raw, rel))
        results[rel] = out[0] if out and isinstance(out[0], Article) else None
    elapsed = time.perf_counter() - started
    print(f"{name}: {len(data)} files from {folder}")
    for field in FIELDS:
        checked = [rel for rel in data if field in labels[rel]]
        good = [rel for rel in checked if _matches(field, results[rel], labels[rel][field])]
        print(f"  {field:8} {len(good):3}/{len(checked):<3} {100 * len(good) / max(len(checked), 1):5.1f}%")
        if verbose:
            for rel in sorted(set(checked) - set(good)):
                got = results[rel]
                print(f"      {rel}: want {labels[rel][field]!r} got {getattr(got, field, None)!r:.120}")
    print(f"  speed    {len(data) / elapsed:.0f} pages/second ({sum(map(len, data.values())) / elapsed / 1e6:.1f} MB/s)")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--news", type=Path, default=_REPO / "../shared/corpus/news-html")
    parser.add_argument("--rmrb", type=Path, default=_REPO / "../shared/corpus/rmrb-text")
    parser.add_argument("--labels", type=Path, default=Path(__file__).with_name("labels.json"))
    parser.add_argument("--verbose", action="store_true", help="list every miss")
    args = parser.parse_args(argv)
    labels = json.loads(args.labels.read_text(encoding="utf-8"))
    run("news-html", args.news.resolve(), labels["news-html"], args.verbose)
    run("rmrb-text", args.rmrb.resolve(), labels["rmrb-text"], args.verbose)


if __name__ == "__main__":
    main()
