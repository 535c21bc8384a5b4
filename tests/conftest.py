"""Shared fixtures: small real indexes built from the repository's own demo and fixture files."""
from __future__ import annotations

from pathlib import Path

import pytest
from helpers import DEMO_ARTICLES, FIXTURES, REPO, write_jsonl  # noqa: F401 (re-exported)

from indexer.ingest.run import run_ingest
from indexer.search.engine import SearchEngine


@pytest.fixture(scope="session")
def demo_index(tmp_path_factory) -> Path:
    """The demo articles (seed + gazette sample) built into an index, once per test session."""
    index_dir = tmp_path_factory.mktemp("demo") / "index"
    run_ingest(index_dir, [DEMO_ARTICLES], rebuild=True)
    return index_dir


@pytest.fixture(scope="session")
def demo_engine(demo_index) -> SearchEngine:
    return SearchEngine(demo_index)


@pytest.fixture(scope="session")
def demo_articles(demo_engine) -> dict:
    """Every stored demo article by id, read back through the engine (the articles as indexed)."""
    from indexer.search.request import SearchRequest

    result = demo_engine.search(SearchRequest.create("", per_page=1000))
    articles = {hit.id: demo_engine.article(hit.id) for hit in result.hits}
    assert len(articles) == result.total > 80
    return articles


@pytest.fixture(autouse=True)
def _chinese_by_default(monkeypatch) -> None:
    """The CLI's language follows --lang, WENSOU_LANG and the locale: every test starts from a
    machine that sets none of them (as C.UTF-8 does), whatever the developer's own locale."""
    for name in ("WENSOU_LANG", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
