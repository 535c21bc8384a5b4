"""Benchmark articles: the corpus read once through `extract_file`, then scaled by repetition.

Every engine gets the same `Article` objects. A size larger than the corpus is reached by
repeating the articles with new ids (`<id>#r<k>`) and unchanged text, so a query's matches at
any size are the corpus matches times their copies (which is how the oracle scales).
The corpus is read through a path argument and never copied into the repository.
"""
from __future__ import annotations

import json
import pickle
from pathlib import Path

from indexer.article import Article, Skipped
from indexer.extract import SUPPORTED_SUFFIXES, extract_file

COPY_MARK = "#r"


def load_articles(folder: Path) -> tuple[list[Article], list[Skipped]]:
    """Every article under `folder` (recursively, sorted by path), ids relative to `folder`."""
    folder = Path(folder)
    articles: list[Article] = []
    skipped: list[Skipped] = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES):
        for item in extract_file(path.read_bytes(), path.relative_to(folder).as_posix()):
            (articles if isinstance(item, Article) else skipped).append(item)
    return articles, skipped


def scaled_ids(base_ids: list[str], size: int) -> list[str]:
    """The ids of `scale(...)` without building the articles."""
    return [base_ids[i % len(base_ids)] + (f"{COPY_MARK}{i // len(base_ids)}" if i >= len(base_ids) else "")
            for i in range(size)]


def base_id(article_id: str) -> str:
    return article_id.split(COPY_MARK, 1)[0]


def scale(articles: list[Article], size: int) -> list[Article]:
    """`size` articles: the corpus in order, then again with new ids, as often as needed."""
    out = []
    for i, aid in enumerate(scaled_ids([a.id for a in articles], size)):
        a = articles[i % len(articles)]
        out.append(a if aid == a.id else Article(id=aid, title=a.title, date=a.date, source=a.source,
                                                 authors=list(a.authors), url=None if a.url is None else
                                                 f"{a.url}{COPY_MARK}{i // len(articles)}",
                                                 column=a.column, keywords=list(a.keywords), body=a.body))
    return out


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
