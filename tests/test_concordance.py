"""The concordance (docs/interfaces.md "Command line": `concordance`), against a brute-force oracle:
every occurrence of the query's phrases in the articles the search finds, each with `width`
characters of the article's text on either side.

The oracle finds occurrences on its own: it walks the folded text character by character,
cutting it into units with their offsets (CJK characters one by one, Latin words and numbers
whole, as test_search.py's `oracle_units`), and takes every run of units equal to the phrase's.
"""
from __future__ import annotations

import csv
import io
import json
import random
import subprocess
import sys
import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_search import _is_cjk, oracle_units

from indexer.analysis import fold
from indexer.ingest.run import run_ingest
from indexer.search.concordance import CSV_HEADER, concordance
from indexer.search.engine import SearchEngine
from indexer.search.request import BadRequest, SearchRequest


def units_at(text: str) -> list[tuple[str, int, int]]:
    """(folded unit, start, end) of every unit of `text`."""
    out, word, begin = [], "", 0
    for i, ch in enumerate(fold(text)):
        if _is_cjk(ch):
            if word:
                out.append((word, begin, i))
                word = ""
            out.append((ch, i, i + 1))
        elif ch.isalnum():
            if not word:
                begin = i
            word += ch
        elif word:
            out.append((word, begin, i))
            word = ""
    if word:
        out.append((word, begin, len(text)))
    return out


def oracle_lines(articles: dict, phrases: list[str], width: int) -> set[tuple]:
    """(id, field, position, left, match, right) of every occurrence of each phrase in the
    articles holding all of them (the query ANDs them)."""
    wanted = [oracle_units(p) for p in phrases]
    out = set()
    for aid, a in articles.items():
        found = set()
        holds = [False] * len(wanted)
        for field, text in (("title", a["title"]), ("body", a["body"])):
            have = units_at(text)
            texts = [u for u, _, _ in have]
            for j, w in enumerate(wanted):
                for i in range(len(have) - len(w) + 1):
                    if texts[i:i + len(w)] == w:
                        holds[j] = True
                        s, e = have[i][1], have[i + len(w) - 1][2]
                        found.add((aid, field, s, _sp(text[max(0, s - width):s]), _sp(text[s:e]),
                                   _sp(text[e:e + width])))
        if all(holds):
            out |= found
    return out


def _sp(text: str) -> str:
    return "".join(" " if ch.isspace() else ch for ch in text)


_PIECES = ["生", "态", "環", "境", "保", "護", "生態", "环境", "保护", "ab", "AB", "ｃｄ", "12", "x",
           " ", "，", "。", "\n", "「", "」", "\u3000", "-", "_"]


def _records(seed: int, n: int) -> list[dict]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        rec = {"id": f"c{i:03d}", "title": "标题" + "".join(rng.choice(_PIECES) for _ in range(rng.randint(0, 5))),
               "body": "".join(rng.choice(_PIECES) for _ in range(rng.randint(5, 80))),
               "source": rng.choice(["甲部", "乙部", "丙部"])}
        if i % 7:
            rec["date"] = f"{2018 + i % 4}-0{i % 9 + 1}-1{i % 10}"
        out.append(rec)
    return out


@pytest.fixture(scope="module")
def conc_index(tmp_path_factory):
    from helpers import write_jsonl

    folder = tmp_path_factory.mktemp("conc")
    records = _records(5, 100)
    write_jsonl(folder / "articles" / "c.jsonl", records)
    run_ingest(folder / "index", [folder / "articles"], rebuild=True)
    engine = SearchEngine(folder / "index")
    stored = {}  # the articles as indexed (ingest trims the text's ends)
    for r in records:
        a = engine.article(r["id"])
        stored[r["id"]] = {"title": a.title, "body": a.body, "source": a.source, "date": a.date}
    yield engine, stored
    engine.close()


def _request(query: str, **kw) -> SearchRequest:
    return SearchRequest.create(query, variants=False, **kw)


def _as_set(conc) -> set[tuple]:
    return {(x.id, x.field, x.position, x.left, x.match, x.right) for x in conc.lines}


_PART = st.lists(st.sampled_from(["生", "态", "環", "境", "保", "护", "ab", "cd", "12", "x", " ", "，"]),
                 min_size=1, max_size=3).map("".join).filter(lambda p: bool(oracle_units(p)) and " " not in p.strip())


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(_PART, min_size=1, max_size=2), st.integers(1, 12))
def test_every_occurrence_with_its_context_as_the_oracle_finds(conc_index, phrases, width):
    engine, records = conc_index
    phrases = [p.strip() for p in phrases]
    query = " ".join(f'"{p}"' for p in phrases)
    conc = concordance(engine, _request(query), width=width)
    assert _as_set(conc) == oracle_lines(records, phrases, width), query
    assert conc.total == len(conc.lines)
    assert not conc.truncated and conc.note is None


def test_traditional_and_simplified_find_the_same_lines(conc_index):
    engine, _ = conc_index
    assert _as_set(concordance(engine, _request("生態"))) == _as_set(concordance(engine, _request("生态")))
    assert _as_set(concordance(engine, _request("生態")))


def test_a_near_clause_lists_its_first_part_where_the_second_is_near(conc_index):
    engine, records = conc_index
    conc = concordance(engine, _request("生 NEAR/2 保"), width=6)
    expected = set()
    for aid, a in records.items():
        for field in ("title", "body"):
            have = units_at(a[field])
            counted = [0]
            for u, _, _ in have:
                counted.append(counted[-1] + len(u))
            for i, (u, s, _) in enumerate(have):
                if u == "生" and any(v == "保" and abs(counted[j] - counted[i]) <= 3 for j, (v, _, _) in enumerate(have)):
                    expected.add((aid, field, s))
    assert expected
    assert {(x.id, x.field, x.position) for x in conc.lines} == expected
    assert _as_set(conc) < oracle_lines(records, ["生"], 6)  # not every 生: those with 保 near


def test_lines_sort_by_date_source_and_context(conc_index):
    engine, _ = conc_index
    by_date = concordance(engine, _request("生"), sort="date").lines
    dated = [x.date for x in by_date if x.date]
    assert dated == sorted(dated) and by_date[-1].date is None  # undated last
    by_source = [x.source for x in concordance(engine, _request("生"), sort="source").lines]
    assert by_source == sorted(by_source)
    left = [fold(x.left)[::-1] for x in concordance(engine, _request("生"), sort="left").lines]
    assert left == sorted(left)
    right = [fold(x.right) for x in concordance(engine, _request("生"), sort="right").lines]
    assert right == sorted(right)


def test_counts_per_year(conc_index):
    engine, _ = conc_index
    conc = concordance(engine, _request("环境"))
    expected: dict = {}
    for x in conc.lines:
        key = x.date[:4] if x.date else None
        expected[key] = expected.get(key, 0) + 1
    assert dict(conc.per_year) == expected and sum(expected.values()) == conc.total
    assert [y for y, _ in conc.per_year] == sorted(y for y in expected if y) + ([None] if None in expected else [])


def test_filters_narrow_the_lines_like_the_search(conc_index):
    engine, records = conc_index
    conc = concordance(engine, _request("生", sources=["甲部"], date_from="2019", date_to="2020"))
    assert conc.lines
    assert {records[x.id]["source"] for x in conc.lines} == {"甲部"}
    assert all("2019" <= x.date[:4] <= "2020" for x in conc.lines)


def test_an_empty_concordance_says_why_as_the_search_does(conc_index):
    """A tester: a filter value naming no source (`甲`, where the source is 甲部), a query of
    punctuation only, a within-query with nothing searchable: the search explains its 0, the
    concordance said only `0 处` (a researcher reads that as a fact about the archive)."""
    engine, _ = conc_index
    for request, says in ((_request("生", sources=["甲"]), "甲部"), (_request("，。"), "没有可以搜索的文字"),
                          (_request("生", within=["，"]), "没有可以搜索的文字")):
        conc = concordance(engine, request)
        assert conc.total == 0 and conc.note and says in conc.note, (request, conc.note)
        assert conc.note == engine.search(request).notice  # the same words as the search's


def test_a_cap_keeps_the_first_lines_and_says_so(conc_index):
    engine, _ = conc_index
    whole = concordance(engine, _request("生"))
    capped = concordance(engine, _request("生"), max_lines=5)
    assert len(capped.lines) == 5 and capped.total == whole.total > 5
    assert capped.truncated and str(whole.total) in capped.note
    few = concordance(engine, _request("生"), max_articles=3)
    assert few.articles_read == 3 < few.articles and few.truncated and "3" in few.note


def test_bad_width_or_sort_is_a_bad_request(conc_index):
    engine, _ = conc_index
    for kw in ({"width": 0}, {"width": "abc"}, {"width": 999}, {"sort": "size"}):
        with pytest.raises(BadRequest):
            concordance(engine, _request("生"), **kw)


def test_csv_has_a_byte_order_mark_and_a_header(conc_index):
    engine, _ = conc_index
    conc = concordance(engine, _request("环境"))
    text = "".join(conc.csv_chunks())
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert tuple(rows[0]) == CSV_HEADER
    assert len(rows) == len(conc.lines) + 1
    assert rows[1][CSV_HEADER.index("match")] == conc.lines[0].match


def test_csv_cells_a_spreadsheet_would_run_as_formulas_are_neutralised(tmp_path):
    """The concordance's CSV (the CLI's `--format csv` and the web's) goes through the one CSV
    writer: a source or title starting with = + - @ gets an apostrophe, as in the search export."""
    from helpers import write_jsonl

    write_jsonl(tmp_path / "articles" / "f.jsonl", [
        {"id": "f1", "title": "-1+1 特殊字符", "source": '=HYPERLINK("http://e")', "date": "2024-01-02",
         "body": "正文里有特殊字符，一段足够长的文字用于语境索引测试。"}])
    run_ingest(tmp_path / "index", [tmp_path / "articles"], rebuild=True)
    engine = SearchEngine(tmp_path / "index")
    try:
        text = "".join(concordance(engine, _request("特殊字符")).csv_chunks())
    finally:
        engine.close()
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert len(rows) == 3  # the header, the title's line and the body's
    for row in rows[1:]:
        assert row[CSV_HEADER.index("source")] == '\'=HYPERLINK("http://e")'
        assert row[CSV_HEADER.index("title")] == "'-1+1 特殊字符"


def test_the_command_line_gives_text_csv_and_json(demo_index):
    from helpers import cli_args

    def run(*args):
        return subprocess.run(cli_args(demo_index, "concordance", *args), capture_output=True, timeout=120)

    out = run("委員會", "--width", "8", "--format", "json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["total"] == len(data["lines"]) > 0 and data["width"] == 8
    assert all(fold(x["match"]) == fold("委員會") for x in data["lines"])
    out = run("委员会", "--format", "csv", "--sort", "left")
    assert out.returncode == 0 and out.stdout.startswith("\ufeff".encode())
    assert out.stdout.decode("utf-8").splitlines()[0] == "\ufeff" + ",".join(CSV_HEADER)
    out = run("委員會", "--width", "8")
    text = out.stdout.decode("utf-8")
    assert out.returncode == 0 and "【" not in text and "\x1b[" not in text  # piped: the match unmarked,
    lines = [line for line in text.splitlines() if "  [" in line]  # in the same screen column on every line
    assert lines and len({_columns(line[:line.index("委員會")]) for line in lines}) == 1
    assert run("委員會", "--width", "0").returncode == 2
    # the reading's time limit: the web's by default (the same lines as /concordance), --deadline
    # to give it more or less; past it the lines read so far, and the note says so
    from indexer.search.request import listing_deadline

    assert listing_deadline() == 20.0
    late = run("委員會", "--deadline", "0.000001")
    assert late.returncode == 1 and "代价过高" in late.stderr.decode("utf-8")  # the limit applies
    ample = json.loads(run("委員會", "--deadline", "300", "--format", "json").stdout)
    assert ample["articles_read"] == ample["articles"] == data["articles"]
    assert run("委員會", "--deadline", "abc").returncode == 2
    assert sys.executable


def _columns(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def test_piped_lines_align_the_match_on_screen_whatever_latin_and_digits_the_context_holds(tmp_path):
    """A tester: the left context was padded with full-width spaces counted as characters, so a
    context holding `AI`, `GDP` or `2025年` put the match two to five columns left of the others."""
    from helpers import cli_args

    folder = tmp_path / "a"
    folder.mkdir()
    rows = [("c1", "研究人工智能技术发展的新方向。"), ("c2", "智慧 AI 技术应用广泛。"),
            ("c3", "2025年GDP技术进步明显。"), ("c4", "技术领先世界。")]
    (folder / "a.jsonl").write_text("".join(json.dumps({"id": i, "title": "标题" + i, "date": f"2024-01-0{n}",
                                                        "body": b}, ensure_ascii=False) + "\n"
                                            for n, (i, b) in enumerate(rows, 1)), encoding="utf-8")
    index = tmp_path / "index"
    assert subprocess.run(cli_args(index, "rebuild", str(folder)), capture_output=True, timeout=120).returncode == 0
    out = subprocess.run(cli_args(index, "concordance", '"技术"', "--width", "6"), capture_output=True, timeout=120)
    lines = [line for line in out.stdout.decode("utf-8").splitlines() if "  [" in line]
    assert len(lines) == 4 and len({_columns(line[:line.index("技术")]) for line in lines}) == 1, lines

