"""Benchmark articles: a source corpus read once through `extract_file`, then grown into a
larger corpus of distinct articles.

    python -m benchmarks.corpus --size 100000 --out /tmp/corpus-100k SOURCE [SOURCE ...]

Every engine gets the same articles. The first ones are the source articles themselves; each
further article is new: as many paragraphs as a randomly chosen source article has, each drawn
from the whole corpus, with every number redrawn (same number of digits) and about one CJK
character in a hundred replaced by one drawn from the corpus's own character frequencies. So the
vocabulary (bigrams, numbers) and the posting lists keep growing with the size, as in a real
archive, instead of repeating the same texts. Deterministic for a given seed. The corpus is read
from the paths given (required) and never copied into the repository.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import pickle
import random
import re
from collections.abc import Iterator
from pathlib import Path

from indexer.article import Article, Skipped
from indexer.extract import SUPPORTED_SUFFIXES, extract_file
from indexer.ingest.catalogue import content_hash

MUTATION_RATE = 0.01  # share of CJK characters replaced in a generated paragraph
_DIGITS = re.compile(r"[0-9]+")
_CJK_CHAR = re.compile("[\u4e00-\u9fff]")


def load_articles(folder: Path) -> tuple[list[Article], list[Skipped]]:
    """Every article under `folder` (recursively, sorted by path), ids relative to `folder`;
    a file may be given instead of a folder."""
    folder = Path(folder)
    if folder.is_file():
        return _load_files([folder], folder.parent)
    return _load_files(sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES),
                       folder)


def _load_files(files: list[Path], folder: Path) -> tuple[list[Article], list[Skipped]]:
    articles: list[Article] = []
    skipped: list[Skipped] = []
    for path in files:
        for item in extract_file(path.read_bytes(), path.relative_to(folder).as_posix()):
            (articles if isinstance(item, Article) else skipped).append(item)
    return articles, skipped


def load_sources(sources: list[Path]) -> list[Article]:
    """The articles of every source folder, ids prefixed with the folder's name; an article
    is left out when it repeats an earlier one's id, URL or content (title and body: ingest
    would store it once) or
    does not come back identical from its JSON Lines record, so that every engine and the
    oracle see exactly the same articles."""
    out: list[Article] = []
    seen: set[str] = set()
    for src in sources:
        articles, _ = load_articles(src)
        for a in articles:
            a.id = f"{Path(src).name}/{a.id}"
            same = "content:" + content_hash(a).hex()
            if a.id in seen or (a.url and a.url in seen) or same in seen:
                continue
            record = (json.dumps(a.to_dict(), ensure_ascii=False) + "\n").encode("utf-8")
            if list(extract_file(record, "check.jsonl")) != [a]:
                continue
            seen.update(x for x in (a.id, a.url, same) if x)
            out.append(a)
    return out


class Generator:
    """Distinct articles grown from `articles` (see the module docstring)."""

    def __init__(self, articles: list[Article], seed: int = 0) -> None:
        self.articles = [a for a in articles if a.body.strip()]
        self.seed = seed
        self.paragraphs = [p for a in self.articles for p in a.body.split("\n") if p.strip()]
        rng = random.Random(seed)
        sample = rng.sample(self.paragraphs, min(len(self.paragraphs), 5000))
        self.chars = _CJK_CHAR.findall("".join(sample))  # drawn from: the corpus's frequencies

    def _mutate(self, text: str, rng: random.Random) -> str:
        text = _DIGITS.sub(lambda m: str(rng.randrange(10 ** (len(m[0]) - 1), 10 ** len(m[0]))) if len(m[0]) > 1
                           else str(rng.randrange(10)), text)
        chars = list(text)
        for _ in range(int(len(chars) * MUTATION_RATE + rng.random())):
            i = rng.randrange(len(chars))
            if _CJK_CHAR.match(chars[i]):
                chars[i] = rng.choice(self.chars)
        return "".join(chars)

    def article(self, k: int) -> Article:
        """The k-th article: a source article for k below their number, else a new one."""
        if k < len(self.articles):
            return self.articles[k]
        rng = random.Random(self.seed * 1_000_003 + k)
        model = rng.choice(self.articles)
        n_paragraphs = max(1, model.body.count("\n") + 1)
        body = "\n".join(self._mutate(rng.choice(self.paragraphs), rng) for _ in range(n_paragraphs))
        date = model.date
        if date:
            try:
                date = (dt.date.fromisoformat(date) + dt.timedelta(days=rng.randrange(-3650, 3650))).isoformat()
            except ValueError:
                pass
        return Article(id=f"gen/{k:08d}", title=self._mutate(model.title, rng), date=date, source=model.source,
                       authors=list(model.authors), url=None, column=model.column,
                       keywords=list(model.keywords), body=body)

    def __call__(self, size: int) -> Iterator[Article]:
        for k in range(size):
            yield self.article(k)


def write_corpus(articles: Iterator[Article], folder: Path, files: int = 64) -> int:
    """Articles as JSON Lines records spread over `files` files (so ingest reads them in
    parallel); returns the total UTF-8 bytes of their titles and bodies."""
    folder.mkdir(parents=True, exist_ok=True)
    outs = [open(folder / f"part-{i:03d}.jsonl", "w", encoding="utf-8") for i in range(files)]
    text_bytes = 0
    try:
        for n, a in enumerate(articles):
            outs[n % files].write(json.dumps(a.to_dict(), ensure_ascii=False) + "\n")
            text_bytes += len(a.title.encode("utf-8")) + len(a.body.encode("utf-8"))
    finally:
        for f in outs:
            f.close()
    return text_bytes


def read_corpus(folder: Path) -> Iterator[Article]:
    for path in sorted(folder.glob("*.jsonl")):
        for item in extract_file(path.read_bytes(), path.name):
            if isinstance(item, Article):
                yield item


def save_base(articles: list[Article], path: Path) -> None:
    with open(path, "wb") as f:
        pickle.dump(articles, f, protocol=pickle.HIGHEST_PROTOCOL)


def load_base(path: Path) -> list[Article]:
    with open(path, "rb") as f:
        return pickle.load(f)


def write_jsonl(articles: list[Article], path: Path) -> None:
    """Articles as JSON Lines records with the contract's field names (wensou's input format)."""
    with open(path, "w", encoding="utf-8") as f:
        for a in articles:
            f.write(json.dumps(a.to_dict(), ensure_ascii=False) + "\n")


def jsonl_round_trip_differences(articles: list[Article], path: Path) -> list[str]:
    """Ids whose article read back from the JSON Lines file differs from the original."""
    back = [a for a in extract_file(path.read_bytes(), path.name) if isinstance(a, Article)]
    by_id = {a.id: a for a in back}
    return [a.id for a in articles if by_id.get(a.id) != a]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Write a corpus of distinct articles grown from source corpora.")
    parser.add_argument("sources", type=Path, nargs="+", help="source corpus folders or files (required)")
    parser.add_argument("--size", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--files", type=int, default=64)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    gen = Generator(load_sources(args.sources), args.seed)
    text_bytes = write_corpus(gen(args.size), args.out, args.files)
    print(json.dumps({"articles": args.size, "text_bytes": text_bytes, "source_articles": len(gen.articles)}))


if __name__ == "__main__":
    main()
