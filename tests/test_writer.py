"""Index writing and the exact layer: however the articles are split into segments, streamed
through worker processes, merged by Whoosh or deleted, searches answer exactly what a brute-force
scan of the unit streams answers."""
from __future__ import annotations

import random

import numpy as np
import pytest
from helpers import DEMO_ARTICLES
from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh import index as whoosh_index

from indexer.analysis import fold, unit_stream, units, units_stream, word_counts
from indexer.extract import extract_file
from indexer.ingest import writer
from indexer.search.postings import ExactPostings
from indexer.search.query import match_docnums, parse_query
from indexer.segment import builder, codec, reader, remembered, words
from indexer.segment.builder import Builder, Settings
from indexer.segment.keys import Plan
from indexer.segment.reader import Segment, find_all
from indexer.segment.schema import TITLE_BOOST, build_schema, document_fields
from indexer.segment.words import word_postings

QUERIES = ["顧問", '"公共工程委員會"', "委員會 -顧問", "第", "94年", "title:公告", "生態環境部", "行政院 OR 經濟部",
           "author:郭瑤琪", "source:委員會", "A", "2005"]


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
    writer.write_all(ix, (dict(d) for d in docs), procs)
    return whoosh_index.open_dir(str(folder))


def _answers(ix) -> list[list[str]]:
    with ix.searcher() as s:
        exact_ = ExactPostings(s)
        out = []
        for q in QUERIES:
            found = match_docnums(parse_query(q), exact_)
            assert found is None or list(found) == sorted(set(found.tolist()))  # sorted, unique
            out.append(sorted(s.stored_fields(int(d))["id"] for d in (() if found is None else found)))
        return out


def test_segments_split_by_the_size_limit_answer_like_one_segment(tmp_path, demo_docs, monkeypatch):
    one = _build(tmp_path, "one", demo_docs, procs=1)
    monkeypatch.setattr(writer, "MAX_SEGMENT_HELD", 5_000)  # a new segment every few articles
    monkeypatch.setattr(writer, "BATCH", 3)
    many = _build(tmp_path, "many", demo_docs, procs=2)
    with one.reader() as r1, many.reader() as r2:
        assert len(r1.leaf_readers()) == 1
        assert len(r2.leaf_readers()) > 4
    assert many.doc_count() == one.doc_count() == len(demo_docs)
    assert _answers(many) == _answers(one)
    assert all(_answers(one)[i] for i in (0, 1, 3, 4, 5, 6))


def test_word_weights_are_frequency_times_field_boost_even_for_huge_frequencies(tmp_path):
    """BM25 reads a word's weight in an article: its frequency × the field's boost, also for
    a word repeated more than 65,535 times."""
    docs = [{"id": "a", "title": "北京", "body": "北京，" * 70_000 + "上海"},
            {"id": "b", "title": "上海北京上海", "body": "北京"}]
    ix = _build(tmp_path, "weights", docs, procs=1)
    with ix.reader() as r:
        (leaf, _), = r.leaf_readers()
        words = [word_counts(d["body"]) for d in docs]
        ids, weights = word_postings(leaf, "body", "北京")
        assert ids.tolist() == [0, 1] and weights.tolist() == [words[0]["北京"], words[1]["北京"]] == [70_000, 1]
        ids, weights = word_postings(leaf, "title", "上海")
        assert ids.tolist() == [1] and weights.tolist() == [np.float32(word_counts(docs[1]["title"])["上海"] * TITLE_BOOST)]


def test_merged_and_deleted_articles_answer_like_a_fresh_build(tmp_path, demo_docs):
    """Incremental commits: Whoosh merges small segments (their exact layer comes along) and
    deleted articles are never found."""
    folder = tmp_path / "incremental"
    folder.mkdir()
    ix = whoosh_index.create_in(str(folder), build_schema())
    rng = random.Random(5)
    order = list(demo_docs)
    rng.shuffle(order)
    for start in range(0, len(order), 3):
        w = writer.GenerationWriter(whoosh_index.open_dir(str(folder)))
        for doc in order[start:start + 3]:
            w.add(dict(doc))
        w.commit()
    gone = [d["id"] for d in order[::4]]
    w = writer.GenerationWriter(whoosh_index.open_dir(str(folder)))
    w.commit(deletions=gone)
    ix = whoosh_index.open_dir(str(folder))
    with ix.reader() as r:
        assert ix.doc_count() == len(demo_docs) - len(gone)
        assert len(r.leaf_readers()) < len(order) // 3  # some segments were merged
    kept = [d for d in demo_docs if d["id"] not in set(gone)]
    fresh = _build(tmp_path, "fresh", kept, procs=1)
    assert _answers(ix) == _answers(fresh)


# ------------------------------------------------------------------------- the exact layer

_ALPHABET = st.sampled_from(list("生態环境部態黨組中国國中华華人民共和国的一二年月日〇々") +
                            ["A", "b", "Ａ", "1", "2", "05", "ab", "x9", " ", "，", "。", "_", "-", "\n", "𠀀", "𠀁", "ｱ", "한"])
_TEXT = st.lists(_ALPHABET, max_size=40).map("".join)


@settings(max_examples=150, deadline=None)
@given(st.lists(_TEXT, min_size=1, max_size=12), st.lists(_TEXT, min_size=1, max_size=8), st.randoms())
def test_segment_phrases_equal_a_scan_of_the_unit_streams(tmp_path_factory, texts, queries, rnd):
    """The keys, the rarest-first intersection and the confirmation together find exactly the
    articles whose unit stream holds the phrase's, for phrases cut from the texts and others."""
    streams = [unit_stream(fold(t)) for t in texts]
    parallel_from = reader.PARALLEL_FROM
    # frequent four-character strings: every one (sampled from stretches, read in small
    # chunks), or only those met often enough
    sample, chunk = rnd.choice([(1 << 22, 1 << 20), (64, 8)])
    # long articles checked block by block: blocks of a few units here, so that phrases
    # cross their edges and overlaps, and some phrases are too long for one block's stretch
    block, overlap, long = rnd.choice([(4096, 64, 8192), (4, 2, 4), (5, 1, 0), (3, 3, 6), (8, 4, 0)])
    built = Builder(Settings(block=block, overlap=overlap, long=long, gram_min_count=rnd.choice([1, 2, 8]),
                             gram_sample_units=sample, gram_chunk_units=chunk))
    for s in streams:
        built.add({"body_x": s})
    path = tmp_path_factory.mktemp("wx") / "seg.wx"
    built.write(path)  # the file says which block length it was built with
    seg = Segment(path)
    try:
        phrases = list(queries)
        for t in texts:  # and pieces of the texts themselves
            if t:
                i = rnd.randrange(len(t))
                phrases.append(t[i:i + rnd.randrange(1, 8)])
                phrases.append(t[i:i + 4])
        for phrase in phrases:
            seq = units(fold(phrase))
            if not seq:
                continue
            needle = units_stream(seq)
            expected = [i for i, s in enumerate(streams) if needle in s]
            plan = Plan(seq)
            found = seg.phrase("body_x", plan)
            assert found.astype(np.int64).tolist() == expected, (phrase, texts)
            assert not len(seg.phrase("title_x", plan))
            # articles already known to hold it (jieba's word postings) skip the check, and the
            # check split between threads finds the same
            reader.PARALLEL_FROM = rnd.choice([1, 10**9])
            sure = np.array(sorted(rnd.sample(expected, rnd.randrange(len(expected) + 1))), dtype=np.int64)
            assert seg.phrase("body_x", plan, None, sure).astype(np.int64).tolist() == expected
            # among given candidates only (lists stored as bitmaps test the candidates' bits)
            within = sorted(rnd.sample(range(len(streams)), rnd.randrange(len(streams) + 1)))
            found = seg.phrase("body_x", plan, np.array(within, dtype=np.int64))
            assert found.astype(np.int64).tolist() == [i for i in expected if i in within], (phrase, within)
            if not plan.confirm and len(plan.keys) == 1:  # one key decides: its list's size
                assert seg.count("body_x", plan.keys[0]) == len(expected)
    finally:
        reader.PARALLEL_FROM = parallel_from
        seg.close()


def test_a_frequent_four_character_string_gets_its_own_exact_list(tmp_path):
    # 一带一路 in a third of the articles, in both scripts, with punctuation inside (a phrase
    # ignores it), and split across two articles (never a match)
    rng = random.Random(7)
    filler = "经济发展改革开放国家政策合作交流建设推进"
    texts = []
    for i in range(600):
        body = "".join(rng.choice(filler) for _ in range(rng.randrange(20, 80)))
        if i % 3 == 0:
            body += rng.choice(["一带一路", "一帶一路", "一带，一路", "“一带一路”倡议"]) + body[:5]
        elif i % 3 == 1:
            body += "一带"  # and the next article starts with 一路
        else:
            body = "一路" + body
        texts.append(body)
    streams = [unit_stream(fold(t)) for t in texts]
    built = Builder()
    for st_ in streams:
        built.add({"body_x": st_})
    built.write(tmp_path / "seg.wx")
    seg = Segment(tmp_path / "seg.wx")
    try:
        plan = Plan(units("一带一路"))
        assert seg.count("body_x#4", plan.gram) == 200  # decided by its own list
        expected = [i for i, st_ in enumerate(streams) if "一带一路" in st_]
        assert len(expected) == 200
        assert seg.phrase("body_x", plan).astype(np.int64).tolist() == expected
        within = np.arange(0, 600, 2, dtype=np.int64)
        assert seg.phrase("body_x", plan, within).astype(np.int64).tolist() == [i for i in expected if i % 2 == 0]
        # a rare four-character string has no list of its own and is still found exactly
        rare = Plan(units("路经济发"))
        assert not seg.count("body_x#4", rare.gram)
        assert seg.phrase("body_x", rare).astype(np.int64).tolist() == \
            [i for i, st_ in enumerate(streams) if "路经济发" in st_]
    finally:
        seg.close()


def test_a_stream_at_the_very_end_of_the_file_is_checked_whole(tmp_path):
    # NumPy reads the mapped file as one bytes string without its trailing NULs; a stream
    # ending there (a Latin unit's last UTF-16 byte is 0) must still be found. The authors'
    # texts are the last array of a segment's file: the last article's stream ends it.
    built = Builder()
    for text in ("报告ab", "ab", "报告ab报告", "报告ab"):
        built.add({"author_x": unit_stream(fold(text))})
    path = tmp_path / "seg.wx"
    built.write(path)
    last = unit_stream(fold("报告ab")).encode("utf-16-le")
    assert last.endswith(b"\0") and path.read_bytes().rstrip(b"\0").endswith(last[:-1])  # what NumPy cuts
    seg = Segment(path)
    try:
        assert seg.phrase("author_x", Plan(units("告ab"))).tolist() == [0, 2, 3]
        assert seg.phrase("author_x", Plan(units("ab"))).tolist() == [0, 1, 2, 3]
    finally:
        seg.close()


def test_phrases_that_are_jieba_words_are_found_in_every_article_holding_them(tmp_path, demo_docs):
    """A phrase jieba keeps as one word: the articles whose word postings hold it are taken
    unchecked; every other article holding it must still be found, and none without it."""
    ix = _build(tmp_path, "words", demo_docs, procs=1)
    streams = {f: [unit_stream(fold(d[f])) for d in demo_docs] for f in ("title", "body")}
    words = sorted({w for d in demo_docs for w in word_counts(d["body"]) if len(w) >= 3 and units(w)
                    and all(u.cjk for u in units(w))})
    assert len(words) > 200
    with ix.searcher() as s:
        exact_ = ExactPostings(s)
        ids = [s.stored_fields(i)["id"] for i in range(s.doc_count_all())]
        by_id = {d["id"]: i for i, d in enumerate(demo_docs)}
        for word in words[::3]:
            for f in ("title", "body"):
                found = {ids[d] for d in exact_.phrase(f + "_x", units(word)).tolist()}
                assert found == {d["id"] for d in demo_docs if word in streams[f][by_id[d["id"]]]}, (word, f)


@pytest.mark.parametrize("block_limit, small_block, compress_from", [
    (8, 256, 256),  # small blocks, so that common words span many of them
    (4096, 256, 256),  # one block a word, written in one go, uncompressed
    (4096, 20, 30),  # one block a word, minified by NumPy and compressed from 30 postings
])
def test_whoosh_reads_the_word_postings_as_written_and_skipping_blocks_loses_nothing(
        tmp_path, demo_docs, monkeypatch, block_limit, small_block, compress_from):
    monkeypatch.setattr(codec, "BLOCK_LIMIT", block_limit)
    monkeypatch.setattr(codec, "SMALL_BLOCK", small_block)
    monkeypatch.setattr(codec, "COMPRESS_FROM", compress_from)
    ix = _build(tmp_path, "blocks", demo_docs, procs=1)
    rnd = random.Random(7)
    with ix.searcher() as s:
        (leaf, _offset), = s.reader().leaf_readers()
        n = leaf.doc_count_all()
        checked = skipped = 0
        for field in ("title", "body"):
            for term in list(leaf.lexicon(field)):
                m = leaf.postings(field, term)  # Whoosh's own matcher over what we wrote
                expected_ids, expected_weights = [], []
                while m.is_active():
                    expected_ids.append(m.id())
                    expected_weights.append(m.weight())
                    m.next()
                info = leaf.term_info(field, term)  # the term table's statistics of the list
                assert (info.doc_frequency(), info.max_id()) == (len(expected_ids), expected_ids[-1])
                assert np.isclose(info.weight(), sum(expected_weights))
                assert np.isclose(info.max_weight(), max(expected_weights))
                word = term.decode("utf-8")
                within = np.array(sorted(rnd.sample(range(n), 5)), dtype=np.int64)
                # read whole and kept, then read anew skipping blocks (a list too large to keep)
                for kept in (remembered.Remembered(1 << 30), remembered.Remembered(0)):
                    monkeypatch.setattr(words, "POSTINGS", kept)
                    ids, weights = word_postings(leaf, field, word)
                    assert ids.tolist() == expected_ids
                    assert np.allclose(weights, expected_weights)
                    sub_ids, sub_weights = word_postings(leaf, field, word, within)
                    keep = np.isin(ids, within)
                    sub_keep = np.isin(sub_ids, within)
                    assert sub_ids[sub_keep].tolist() == ids[keep].tolist()
                    assert np.allclose(sub_weights[sub_keep], weights[keep])
                    skipped += not kept.budget and len(sub_ids) < len(ids)
                checked += len(expected_ids) > 30
        assert checked > 20  # many words are not inlined in the term table, and some are compressed
        assert skipped > 0 or block_limit == 4096  # blocks holding none of `within` were left unread


def test_a_forked_process_checks_phrases_after_its_parent_did(monkeypatch):
    # the parent's check threads do not exist in a child made by fork: the child starts its own
    import multiprocessing

    monkeypatch.setattr(reader, "PARALLEL_FROM", 1)
    whole = np.frombuffer("报告ab报告".encode("utf-16-le") * 50, dtype="S600", count=1)
    starts = np.arange(0, 600, 12, dtype=np.int64)
    ends = starts + 12
    expected = find_all(whole, "ab".encode("utf-16-le"), starts, ends).tolist()
    assert expected[:2] == [4, 16]

    def child(queue):
        queue.put(find_all(whole, "ab".encode("utf-16-le"), starts, ends).tolist())

    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    proc = ctx.Process(target=child, args=(queue,))
    proc.start()
    try:
        assert queue.get(timeout=20) == expected
    finally:
        proc.join(5)
        if proc.is_alive():
            proc.kill()


# ------------------------------------------------------------------------- a disk filling up


def _demo_index(tmp_path):
    from indexer.ingest.run import run_ingest

    index = tmp_path / "index"
    run_ingest(index, [DEMO_ARTICLES], rebuild=True)
    return index, (index / "CURRENT").read_text().strip()


def _gens(index) -> list[str]:
    return sorted(p.name for p in index.iterdir() if p.is_dir())


def test_a_write_that_cannot_fit_is_refused_with_needed_free_and_where(tmp_path, monkeypatch):
    from indexer import space
    from indexer.ingest.run import run_ingest

    index, live = _demo_index(tmp_path)
    monkeypatch.setattr(space, "free_bytes", lambda path: 5 << 20)  # as statvfs would say of a full disk
    with pytest.raises(space.NotEnoughSpace) as caught:
        run_ingest(index, [DEMO_ARTICLES], rebuild=True)
    message = str(caught.value)
    assert message.startswith("not enough disk space to rebuild: about ") and "\n" not in message
    assert "needed, 5.0 MB free in " + str(index) in message and message.endswith("the live index is kept")
    assert _gens(index) == [live]
    with pytest.raises(space.NotEnoughSpace) as caught:  # a first build: there is no live index to keep
        run_ingest(tmp_path / "first", [DEMO_ARTICLES], rebuild=True)
    assert str(caught.value).endswith("nothing was written")
    # the estimate is the last rebuild's measured index bytes per input byte, with headroom
    need = space.estimate_bytes(index, index / live, 1 << 20, rebuild=True)
    assert space.MIN_FREE < need < space.MIN_FREE + 2 * (1 << 20)


@pytest.mark.parametrize("procs", [1, 2])
def test_no_space_while_a_segment_is_written_removes_the_new_generation(tmp_path, monkeypatch, procs):
    import errno

    from indexer import space
    from indexer.ingest.report import IngestOptions
    from indexer.ingest.run import run_ingest

    index, live = _demo_index(tmp_path)

    def full(path, meta, arrays):
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(builder, "write_arrays", full)  # forked segment writers inherit it
    with pytest.raises(space.NotEnoughSpace) as caught:
        run_ingest(index, [DEMO_ARTICLES], rebuild=True, options=IngestOptions(procs=procs))
    assert "no space left on the device while writing" in str(caught.value)
    assert "live index is kept" in str(caught.value)
    assert _gens(index) == [live]
    assert (index / "CURRENT").read_text().strip() == live


def _batch_sizes(conn) -> None:
    """A BatchWorkers target that reports the size of every batch it was sent."""
    sizes = []
    while True:
        conn.send(("ready", None))
        batch = conn.recv()
        if batch is None:
            break
        sizes.append(len(batch))
    conn.send(("ok", sizes))


def test_workers_get_long_articles_a_few_at_a_time():
    """64 ordinary articles make a batch; long ones (a gazette's 500,000-character volumes)
    go a few at a time, so a batch never holds ~100 MB of text in the sender and the worker."""
    workers = writer.BatchWorkers(2, _batch_sizes, lambda i: (), ".")
    for _ in range(130):
        workers.add({"body": "短"}, 1_000)
    for _ in range(9):
        workers.add({"body": "长"}, 400_000)
    sizes = sorted(n for each in workers.finish() for n in each)
    # 64 + 64 short ones; 2 short + 3 long, then 3 and 3 long (a batch closes at 1,000,000 characters)
    assert sizes == [3, 3, 5, 64, 64]


def _held_together(builders) -> int:
    return sum(b._w.held for b in builders if b._w is not None)


@pytest.mark.parametrize("shared", [True, False])
def test_writers_fed_alike_never_hold_two_full_segments_together(tmp_path, demo_docs, monkeypatch, shared):
    """Two segment writers that fill at the same pace (here: started together and fed the
    same articles in turn; in a rebuild, writers drift together when long articles reach one
    more than the other) would hold and write two full segments at once, the rebuild's
    memory peak; the one taking most memory closes early, so together they take at most one
    and a half segments' memory (and one article's)."""
    class Builder(writer._SegmentBuilder):
        def _resident(self):  # two writers in one process: what each holds, 12 bytes a unit
            return 12 * (self._w.held if self._w is not None else 0)

    monkeypatch.setattr(writer, "MAX_SEGMENT_HELD", 20_000)
    monkeypatch.setattr(writer, "SEGMENT_RESIDENT", 12 * 20_000)
    ix = whoosh_index.create_in(str(tmp_path), build_schema())
    memory = [0, 0, 0, 0]  # two writers' memory, then what each holds
    builders = [Builder(ix, 1.0, memory if shared else None, i) for i in range(2)]
    most, largest_article = 0, 0
    try:
        for doc in demo_docs * 3:
            for b in builders:
                before = b._w.held if b._w is not None else 0
                b.add(dict(doc))
                if b._w is not None:
                    largest_article = max(largest_article, b._w.held - before)
                most = max(most, _held_together(builders))
        closed = [len(b.segments) for b in builders]
    finally:
        for b in builders:
            b.cancel()
    assert min(closed) >= 3  # several segments each: the bound was reached many times
    if shared:
        assert most <= 1.5 * 20_000 + largest_article
        # and never while the other writes its segment: it "holds" the most until it is done
        b = builders[1]
        b.add(dict(demo_docs[0]))
        memory[:] = [10 ** 9, 10 ** 9, writer._WRITING, 0]
        assert not b._most_of_too_much(19_000)
        memory[2] = 0
        assert b._most_of_too_much(19_000)
        b.cancel()
    else:  # what the bound prevents
        assert most > 1.8 * 20_000


def test_a_segments_stored_fields_are_found_by_their_offsets_not_by_summing_lengths(tmp_path, demo_docs):
    # Whoosh writes the offsets of a stored-fields column only beyond 32,768 articles: below,
    # each searcher's first hit from a segment summed every article's length in Python (3-4 ms
    # a segment of 20,000 articles, for every server thread); the segments written here keep them
    from whoosh.codec import whoosh3

    ix = _build(tmp_path, "ix", demo_docs, procs=1)
    with ix.reader() as r:
        (leaf,) = r.leaf_readers()
        column = leaf[0]._perdoc._cached_reader("_stored", whoosh3.STORED_COLUMN)
        assert column._child.had_stored_offsets
        assert sorted(leaf[0].stored_fields(n)["id"] for n in range(leaf[0].doc_count_all())) == \
            sorted(d["id"] for d in demo_docs)


def test_a_words_idf_is_whooshs_over_every_segment(tmp_path, demo_docs, monkeypatch):
    # ranking reads each word's document frequency from the segments' term tables itself (Whoosh
    # reads and seeks its files several times a lookup): the idf must be the one Whoosh computes
    from indexer.search.ranking import WORD_FIELDS, word_idf

    monkeypatch.setattr(writer, "MAX_SEGMENT_HELD", 5_000)
    monkeypatch.setattr(writer, "BATCH", 3)
    ix = _build(tmp_path, "many", demo_docs, procs=2)
    with ix.searcher() as s:
        assert len(s.reader().leaf_readers()) > 4
        words = {w for d in demo_docs[:5] for w in word_counts(d["title"])} | {"生态", "不在索引里的词"}
        for field in WORD_FIELDS:
            for w in words:
                assert word_idf(s, field, w) == s.weighting.idf(s, field, w), (field, w)
