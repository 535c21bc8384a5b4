"""Index writing: however the postings are split into segments, and whichever writer built
them, searches answer the same, and match what Whoosh's own Phrase query finds."""
from __future__ import annotations

import pytest
from helpers import DEMO_ARTICLES
from whoosh import index as whoosh_index
from whoosh import query as Q

from indexer import writer
from indexer.extract import extract_file
from indexer.postings import ExactPostings
from indexer.query import match_docnums, parse_query
from indexer.schema import build_schema, document_fields

QUERIES = ["顧問", '"公共工程委員會"', "委員會 -顧問", "第", "94年", "title:公告", "生態環境部", "行政院 OR 經濟部"]


@pytest.fixture(scope="module")
def demo_docs() -> list[dict]:
    docs = []
    for path in sorted(DEMO_ARTICLES.iterdir()):
        for item in extract_file(path.read_bytes(), path.name):
            if not hasattr(item, "reason"):
                docs.append(document_fields(item))
    return docs


def _build(tmp_path, name: str, docs: list[dict], procs: int):
    folder = tmp_path / name
    folder.mkdir()
    ix = whoosh_index.create_in(str(folder), build_schema())
    writer.write_parallel(ix, docs, procs)
    return whoosh_index.open_dir(str(folder))


def _answers(ix) -> list[list[str]]:
    with ix.searcher() as s:
        exact = ExactPostings(s)
        return [sorted(s.stored_fields(d)["id"] for d in (match_docnums(parse_query(q), exact) or ()))
                for q in QUERIES]


def test_segments_split_by_the_pool_limit_answer_like_one_segment(tmp_path, demo_docs, monkeypatch):
    one = _build(tmp_path, "one", demo_docs, procs=1)
    monkeypatch.setattr(writer, "MAX_POOL_POSTINGS", 2_000)  # a new segment every few articles
    many = _build(tmp_path, "many", demo_docs, procs=2)
    with one.reader() as r1, many.reader() as r2:
        assert len(r1.leaf_readers()) == 1
        assert len(r2.leaf_readers()) > 4
    assert many.doc_count() == one.doc_count() == len(demo_docs)
    assert _answers(many) == _answers(one)
    assert any(_answers(one))


def test_phrases_from_the_posting_lists_equal_whooshs_phrase_query(tmp_path, demo_docs, monkeypatch):
    monkeypatch.setattr(writer, "MAX_POOL_POSTINGS", 5_000)
    ix = _build(tmp_path, "ix", demo_docs, procs=1)
    with ix.searcher() as s:
        exact = ExactPostings(s)
        for terms in (["公共", "共工", "工程"], ["委員", "員會"], ["顧問"], ["中華", "華民", "民國"]):
            for field in ("title_x", "body_x"):
                q = Q.Phrase(field, terms) if len(terms) > 1 else Q.Term(field, terms[0])
                assert exact.phrase_docs(field, terms) == set(s.docs_for_query(q)), (field, terms)
