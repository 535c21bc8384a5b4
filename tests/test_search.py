"""The search core against a brute-force oracle over the demo articles (docs/interfaces.md "Query language",
"Search result (JSON)").

The oracle is written independently of `indexer`: apart from `fold` (the contract's folding), it
reads the stored articles, cuts them into units (CJK characters one by one, whole Latin words and
numbers) and looks for the phrase's units as a consecutive run. Every phrase must find exactly the
articles whose title or body holds it: 100% precision and recall, in Traditional and Simplified.
"""
from __future__ import annotations

import random
import re
import unicodedata
from collections import Counter

import opencc
import pytest
from helpers import write_article

from indexer.analysis import fold
from indexer.ingest.run import run_ingest
from indexer.search import SearchEngine
from indexer.search.request import BadRequest, SearchRequest, SearchTooCostly

# ----------------------------------------------------------------------------------- oracle

_CJK_NAMES = ("CJK UNIFIED IDEOGRAPH", "CJK COMPATIBILITY IDEOGRAPH", "HIRAGANA", "KATAKANA",
              "HANGUL SYLLABLE")


def _is_cjk(ch: str) -> bool:
    # kana punctuation (the middle dot ・ of foreign names, ゠) is punctuation
    return unicodedata.name(ch, "").startswith(_CJK_NAMES) and not unicodedata.category(ch).startswith("P")


def oracle_units(text: str) -> list[str]:
    """The contract's units of `text`: folded CJK characters, and whole folded Latin words/numbers."""
    out: list[str] = []
    word = ""
    for ch in fold(text):
        if _is_cjk(ch):
            if word:
                out.append(word)
                word = ""
            out.append(ch)
        elif ch.isalnum():
            word += ch
        elif word:
            out.append(word)
            word = ""
    if word:
        out.append(word)
    return out


def _joined(units: list[str]) -> str:
    return "\x1f" + "\x1f".join(units) + "\x1f"


class Oracle:
    def __init__(self, articles: dict) -> None:
        self.articles = articles
        self.fields = {aid: {"title": _joined(oracle_units(a.title)), "body": _joined(oracle_units(a.body))}
                       for aid, a in articles.items()}

    def having(self, phrase: str, fields=("title", "body")) -> set[str]:
        units = oracle_units(phrase)
        assert units, phrase
        needle = _joined(units)
        return {aid for aid, f in self.fields.items() if any(needle in f[name] for name in fields)}


@pytest.fixture(scope="module")
def oracle(demo_articles) -> Oracle:
    return Oracle(demo_articles)


_T2S = opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Character by character, so the result lines up with the original."""
    out = []
    for ch in text:
        s = _T2S.convert(ch)
        out.append(s if len(s) == 1 else ch)
    return "".join(out)


def quote(phrase: str) -> str | None:
    for left, right in (("「", "」"), ("“", "”"), ('"', '"'), ("『", "』")):
        if left not in phrase and right not in phrase:
            return left + phrase + right
    return None


def ids(engine, query: str, **kw) -> set[str]:
    result = engine.search(SearchRequest.create(query, per_page=1000, sort=kw.pop("sort", "newest"), **kw))
    found = [h.id for h in result.hits]
    assert len(found) == len(set(found)) == result.total
    return set(found)


def sample_phrases(articles: dict, n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    keys = sorted(articles)
    phrases: list[str] = []
    while len(phrases) < n:
        a = articles[rng.choice(keys)]
        text = a.title if rng.random() < 0.25 else a.body
        if not text:
            continue
        length = rng.randint(1, 8)
        start = rng.randrange(max(1, len(text) - length + 1))
        phrase = text[start:start + length]
        if oracle_units(phrase) and quote(phrase) and phrase not in phrases:
            phrases.append(phrase)
    return phrases


def _diff(found: set[str], expected: set[str]) -> str:
    return f"missing {sorted(expected - found)[:5]}, extra {sorted(found - expected)[:5]}"


# ----------------------------------------------------------------------- phrases: the oracle


def test_random_quoted_phrases_find_exactly_the_articles_that_contain_them(demo_engine, demo_articles, oracle):
    failures = []
    found_somewhere = 0
    for phrase in sample_phrases(demo_articles, 250, seed=20240205):
        expected = oracle.having(phrase)
        found_somewhere += bool(expected)  # empty when the cut splits a number: it must match whole
        for query in (quote(phrase), quote(to_simplified(phrase))):
            found = ids(demo_engine, query)
            if found != expected:
                failures.append(f"{query!r}: {_diff(found, expected)}")
    assert not failures, f"{len(failures)} phrase queries wrong:\n" + "\n".join(failures[:20])
    assert found_somewhere > 200


def test_random_unquoted_chinese_terms_find_every_article_containing_them_first(demo_engine, demo_articles, oracle):
    rng = random.Random(7)
    runs = [m.group() for a in demo_articles.values() for m in re.finditer(r"[\u4e00-\u9fff]{2,}", a.body)]
    failures = []
    for _ in range(80):
        run = rng.choice(runs)
        length = rng.randint(1, min(6, len(run)))
        start = rng.randrange(len(run) - length + 1)
        term = run[start:start + length]
        expected = oracle.having(term)
        for query in (term, to_simplified(term)):
            result = demo_engine.search(SearchRequest.create(query, per_page=1000))
            order = [h.id for h in result.hits]
            if not expected <= set(order):
                failures.append(f"{query!r}: missing {sorted(expected - set(order))[:5]}")
            # articles holding the term as a phrase rank above those holding its words apart
            flags = [aid in expected for aid in order]
            if flags != sorted(flags, reverse=True):
                failures.append(f"{query!r}: an article without the phrase ranks above one with it")
    assert not failures, "\n".join(failures[:20])


def test_phrases_straddling_punctuation_match_across_it(demo_engine, oracle):
    # 「養殖水產品上市前用藥抽驗行動計畫」，並自即日起生效 — the phrase ignores 」，
    for phrase in ("計畫」，並自", "計畫並自", "行動計畫 並自即日", "委員會（以下簡稱", "會以下簡稱本"):
        expected = oracle.having(phrase)
        assert expected, phrase
        assert ids(demo_engine, quote(phrase)) == expected, phrase
        assert ids(demo_engine, quote(to_simplified(phrase))) == expected, phrase


def test_a_foreign_name_is_found_whatever_dot_separates_its_parts(tmp_path):
    # 唐纳德・特朗普 (katakana middle dot), 唐纳德·特朗普 (middle dot), 唐纳德•特朗普 (bullet): punctuation
    for i, dot in enumerate("・·•"):
        write_article(tmp_path / "articles" / f"n{i}.txt", f"第{i}篇", f"美国总统唐纳德{dot}特朗普当天表示，将继续谈判。")
    write_article(tmp_path / "articles" / "other.txt", "另一篇", "唐纳德说，特朗普当天没有表示。")
    run_ingest(tmp_path / "index", [tmp_path / "articles"], rebuild=True)
    with SearchEngine(tmp_path / "index") as engine:
        for query in ('"唐纳德特朗普"', "唐纳德・特朗普", '"唐纳德·特朗普"', "德・特朗"):
            result = engine.search(SearchRequest.create(query, collapse=False))
            assert sorted(h.title for h in result.hits) == ["第0篇", "第1篇", "第2篇"], query
        hit = next(h for h in engine.search(SearchRequest.create("唐纳德特朗普", collapse=False)).hits
                   if h.title == "第0篇")
        assert "<mark>唐纳德・特朗普</mark>" in hit.snippet


def test_characters_that_unicode_writes_as_one_other_fold_to_it_in_every_plane(tmp_path):
    """A headline's word in mathematical bold letters (𝐁𝐄𝐘𝐎𝐍𝐃, beyond the Basic Multilingual
    Plane), a circled ideograph (㊥ is 中) and a compatibility ideograph of the supplement
    (U+2F804 is 你) are their NFKC characters, as documented: "BEYOND" found nothing."""
    write_article(tmp_path / "articles" / "a.txt", "舞蹈大賽", "今年以「𝐁𝐄𝐘𝐎𝐍𝐃」為主題，舉辦舞蹈大賽。")
    write_article(tmp_path / "articles" / "b.txt", "印章", "蓋上㊥字章與㊀號，文件才算生效。")
    write_article(tmp_path / "articles" / "c.txt", "問候", "他說\U0002F804好，然後坐下。")
    run_ingest(tmp_path / "index", [tmp_path / "articles"], rebuild=True)
    with SearchEngine(tmp_path / "index") as engine:
        for query, title, marked in (('"BEYOND"', "舞蹈大賽", "𝐁𝐄𝐘𝐎𝐍𝐃"), ("beyond", "舞蹈大賽", "𝐁𝐄𝐘𝐎𝐍𝐃"),
                                     ('"中字章"', "印章", "㊥字章"), ('"一号"', "印章", "㊀號"),
                                     ('"你好"', "問候", "\U0002F804好")):
            [hit] = engine.search(SearchRequest.create(query)).hits
            assert hit.title == title and f"<mark>{marked}</mark>" in hit.snippet, query



def test_an_accent_stored_apart_from_its_letter_is_found_as_the_letter_a_reader_types(tmp_path):
    """`e` + U+0301 (as some editors and macOS write é) in one article, é in another: `"étude"`
    typed either way found only the article written as it was typed."""
    write_article(tmp_path / "articles" / "a.txt", "法语课", "这是一篇关于 e\u0301tude 的文章，讲练习曲的写法。")
    write_article(tmp_path / "articles" / "b.txt", "钢琴课", "这是一篇关于 \u00e9tude 的文章，讲钢琴的练习。")
    run_ingest(tmp_path / "index", [tmp_path / "articles"], rebuild=True)
    with SearchEngine(tmp_path / "index") as engine:
        for query in ('"\u00e9tude"', '"e\u0301tude"', "\u00e9tude 文章"):
            hits = engine.search(SearchRequest.create(query, collapse=False)).hits
            assert sorted(h.title for h in hits) == ["法语课", "钢琴课"], query
            assert all("<mark>\u00e9tude</mark>" in h.snippet for h in hits), query

def _mixed_samples(articles: dict, pattern: str, limit: int) -> list[str]:
    found = sorted({m.group() for a in articles.values() for m in re.finditer(pattern, a.title + "\n" + a.body)})
    return random.Random(3).sample(found, min(limit, len(found)))


def test_phrases_mixing_digits_and_chinese(demo_engine, demo_articles, oracle):
    """'2005年', '第59點', '94年1月': a number whole, then Chinese characters, in either order."""
    samples = (_mixed_samples(demo_articles, r"[0-9A-Za-z]+[\u4e00-\u9fff]{1,3}", 25)
               + _mixed_samples(demo_articles, r"[\u4e00-\u9fff]{1,3}[0-9A-Za-z]+", 25)
               + _mixed_samples(demo_articles, r"[\u4e00-\u9fff][0-9]+[\u4e00-\u9fff][0-9]+[\u4e00-\u9fff]", 10))
    assert len(samples) > 30
    failures = []
    for phrase in samples:
        expected = oracle.having(phrase)
        for query in (quote(phrase), quote(to_simplified(phrase)), phrase):
            found = ids(demo_engine, query)
            if found != expected:
                failures.append(f"{query!r}: {_diff(found, expected)}")
    assert not failures, "\n".join(failures[:20])


def test_a_phrase_ending_in_a_lone_character_after_a_digit_finds_it_before_any_neighbour(demo_engine, oracle):
    # 年 is followed by a digit in 94年1月3日 and by Chinese in 94年度: both must be found
    for phrase in ("94年", "95年", "2005年", "59點", "1月"):
        expected = oracle.having(phrase)
        assert ids(demo_engine, quote(phrase)) == expected, phrase
    assert oracle.having("94年") and oracle.having("1月")


def test_single_characters_find_every_article_containing_them(demo_engine, demo_articles, oracle):
    chars = Counter(ch for a in demo_articles.values() for ch in a.title + a.body if _is_cjk(ch))
    rng = random.Random(11)
    picks = sorted(chars)[:0] + rng.sample(sorted(chars), 40)
    picks += [ch for ch, _ in chars.most_common(5)]  # the most frequent: many bigrams start with them
    failures = []
    for ch in picks:
        expected = oracle.having(ch)
        for query in (ch, quote(ch), to_simplified(ch)):
            found = ids(demo_engine, query)
            if found != expected:
                failures.append(f"{query!r}: {_diff(found, expected)}")
    assert not failures, "\n".join(failures[:20])


def test_a_latin_word_or_number_matches_only_whole(demo_engine, demo_articles, oracle):
    numbers = sorted({m for a in demo_articles.values() for m in re.findall(r"(?<![0-9])[0-9]{6,}(?![0-9])", a.body)})
    assert numbers
    for number in numbers[:10]:
        assert ids(demo_engine, quote(number)) == oracle.having(number)
        part = number[1:-1]  # inside a longer number: not that number
        assert ids(demo_engine, quote(part)) == oracle.having(part), part


def test_a_phrase_ending_in_a_latin_word_is_not_found_in_a_longer_word(tmp_path):
    # the exact layer writes a Latin unit between marks (01 00 in UTF-16): a longer word whose
    # next character's code ends in 01 (ā is U+0101) was taken for the word (`西 xi` in `西 xiā`)
    from helpers import index_of
    engine = SearchEngine(index_of(tmp_path, "pinyin.jsonl", [
        {"id": "tone", "title": "地名一", "body": "陕西 Xiā 与西安不同。"},
        {"id": "bare", "title": "地名二", "body": "陕西 xi 是拼音。"},
        {"id": "mama", "title": "称呼", "body": "妈 mā 和 m 不同。"},
        {"id": "long", "title": "长文", "body": "开头。" + "这是一段很长的文字，" * 400 + "陕西 xiā 在最后。"},
    ]))
    assert ids(engine, '"陕西 xi"') == ids(engine, '"西 xi"') == {"bare"}
    assert ids(engine, '"妈 m"') == set()
    assert ids(engine, '地名 -"陕西 xi"') == {"tone"}
    assert ids(engine, '"陕西 xiā"') == {"tone", "long"}


# ------------------------------------------------------------------ totals, facets, filters


def _hand_facets(articles) -> dict[str, Counter]:
    return {
        "source": Counter(x for a in articles for x in a.sources),  # 內政部;銓敘部 counts for both
        "author": Counter(x for a in articles for x in a.authors),
        "column": Counter(a.column for a in articles if a.column),
        "year": Counter(a.date[:4] for a in articles if a.date),
        "month": Counter(a.date[:7] for a in articles if a.date),
    }


def assert_facets_match(result, articles) -> None:
    hand = _hand_facets(articles)
    for name, counter in hand.items():
        # a selected filter value is listed even when nothing matches it (count 0)
        got = {v.value: v.count for v in result.facets[name] if v.count or not v.selected}
        if len(counter) <= 30:
            assert got == dict(counter), name
        else:
            assert all(counter[v] == c for v, c in got.items()), name
            assert min(got.values()) >= max(c for v, c in counter.items() if v not in got), name


@pytest.mark.parametrize("query", ["", "委員會", "办法", "「採購契約」", "生态环境部", "-委員會", "辦法 OR 要點"])
def test_total_and_facets_are_counted_over_every_match_not_the_page(demo_engine, demo_articles, query):
    everything = demo_engine.search(SearchRequest.create(query, per_page=1000))
    page = demo_engine.search(SearchRequest.create(query, per_page=3))
    matching = [demo_articles[h.id] for h in everything.hits]
    assert page.total == everything.total == len(matching)
    assert len(page.hits) == min(3, len(matching))
    assert_facets_match(page, matching)
    assert_facets_match(everything, matching)


def _by_hand(articles: dict, sources=(), authors=(), columns=(), lo=None, hi=None) -> set[str]:
    return {aid for aid, a in articles.items()
            if (not sources or set(a.sources) & set(sources))
            and (not authors or set(a.authors) & set(authors))
            and (not columns or a.column in columns)
            and (lo is None or (a.date and a.date >= lo))
            and (hi is None or (a.date and a.date <= hi))}


def test_filters_or_within_a_facet_and_across_facets(demo_engine, demo_articles):
    sources = Counter(x for a in demo_articles.values() for x in a.sources).most_common()
    authors = Counter(x for a in demo_articles.values() for x in a.authors).most_common()
    s1, s2 = sources[0][0], sources[1][0]
    a1, a2 = authors[0][0], authors[3][0]
    cases = [
        dict(sources=(s1,)), dict(sources=(s1, s2)), dict(authors=(a1,)), dict(authors=(a1, a2)),
        dict(sources=(s1, s2), authors=(a1,)), dict(sources=(s2,), authors=(a1,)),  # AND across: may be empty
    ]
    for case in cases:
        expected = _by_hand(demo_articles, **case)
        result = demo_engine.search(SearchRequest.create("", per_page=1000, **case))
        assert {h.id for h in result.hits} == expected, case
        assert result.total == len(expected), case
        assert_facets_match(result, [demo_articles[i] for i in expected])
    # a query and a filter together
    expected = _by_hand(demo_articles, sources=(s1,)) & Oracle(demo_articles).having("修正")
    assert ids(demo_engine, "修正", sources=(s1,)) == expected


def test_column_filter_or_within_and_with_the_others(demo_engine, demo_articles):
    columns = Counter(a.column for a in demo_articles.values() if a.column).most_common()
    assert len(columns) >= 3
    c1, c2 = columns[0][0], columns[1][0]
    s1 = Counter(x for a in demo_articles.values() for x in a.sources).most_common()[0][0]
    for case in (dict(columns=(c1,)), dict(columns=(c1, c2)), dict(columns=(c2,), sources=(s1,)),
                 dict(columns=(c1, c2), lo="2005-01-01", hi="2005-06-30")):
        expected = _by_hand(demo_articles, **case)
        params = {k: v for k, v in case.items() if k not in ("lo", "hi")}
        if "lo" in case:
            params.update(date_from=case["lo"], date_to=case["hi"])
        result = demo_engine.search(SearchRequest.create("", per_page=1000, **params))
        assert {h.id for h in result.hits} == expected, case
        assert_facets_match(result, [demo_articles[i] for i in expected])


def test_a_joint_document_is_found_by_each_of_its_bodies(demo_engine, demo_articles):
    joint = [a for a in demo_articles.values() if len(a.sources) > 1]
    assert joint  # the gazette sample has documents issued by two bodies together
    for a in joint:
        for body in a.sources:
            hits = demo_engine.search(SearchRequest.create("", sources=[body], per_page=1000)).hits
            assert a.id in {h.id for h in hits}, (a.id, body)
            assert next(h.sources for h in hits if h.id == a.id) == a.sources


@pytest.mark.parametrize("date_from,date_to,lo,hi", [
    ("2005", "2005", "2005-01-01", "2005-12-31"),
    ("2005-06", None, "2005-06-01", None),
    (None, "2005-06", None, "2005-06-30"),
    ("2005-01", "2005-06", "2005-01-01", "2005-06-30"),
    ("2004-12-20", "2005-01-03", "2004-12-20", "2005-01-03"),
    ("2006", None, "2006-01-01", None),
    (None, "2004", None, "2004-12-31"),
    # the forms ingest reads, ROC years included (民國94年 is 2005)
    ("民國94年", "民國94年", "2005-01-01", "2005-12-31"),
    ("中華民國93年12月20日", "民國94年1月3日", "2004-12-20", "2005-01-03"),
    ("2005年1月", "2005年6月", "2005-01-01", "2005-06-30"),
    ("2005-1", None, "2005-01-01", None),
])
def test_date_range_is_inclusive_in_every_form(demo_engine, demo_articles, date_from, date_to, lo, hi):
    expected = _by_hand(demo_articles, lo=lo, hi=hi)
    assert expected
    result = demo_engine.search(SearchRequest.create("", date_from=date_from, date_to=date_to, per_page=1000))
    assert {h.id for h in result.hits} == expected
    assert result.total == len(expected)
    assert_facets_match(result, [demo_articles[i] for i in expected])


@pytest.mark.parametrize("sort", ["relevance", "newest", "oldest"])
@pytest.mark.parametrize("query", ["", "委員會", "第"])
def test_paging_covers_every_match_exactly_once(demo_engine, query, sort):
    total = demo_engine.search(SearchRequest.create(query)).total
    seen: list[str] = []
    page = 1
    while True:
        result = demo_engine.search(SearchRequest.create(query, sort=sort, page=page, per_page=7))
        assert result.total == total
        if not result.hits:
            break
        seen.extend(h.id for h in result.hits)
        page += 1
    assert page - 1 == -(-total // 7)
    assert len(seen) == len(set(seen)) == total
    everything = demo_engine.search(SearchRequest.create(query, sort=sort, per_page=1000))
    assert seen == [h.id for h in everything.hits]


@pytest.mark.parametrize("query", ["第", "委員會", "條",
                                   # several words: the together bonus is looked for only among the
                                   # articles it could bring onto the page, and must not change it
                                   "委員會 公告", "行政 院", "工程 委員會 辦法", "生態 環境", "第 條"])
def test_the_first_page_holds_the_best_ranked_articles(demo_engine, query):
    everything = demo_engine.search(SearchRequest.create(query, per_page=1000)).hits
    first = demo_engine.search(SearchRequest.create(query, per_page=7)).hits
    assert [(h.id, h.score) for h in first] == [(h.id, h.score) for h in everything[:7]]


@pytest.mark.parametrize("query", ["", "委員會", "辦法"])
def test_sort_newest_and_oldest_are_ordered_by_date(demo_engine, query):
    newest = demo_engine.search(SearchRequest.create(query, sort="newest", per_page=1000)).hits
    oldest = demo_engine.search(SearchRequest.create(query, sort="oldest", per_page=1000)).hits
    dates = [h.date or "" for h in newest]
    assert dates == sorted(dates, reverse=True)
    assert [h.date or "" for h in oldest] == sorted(dates)
    assert {h.id for h in newest} == {h.id for h in oldest}


@pytest.mark.parametrize("query, asked, applied", [
    ("", "relevance", "newest"), ("-委員會", "relevance", "newest"), ("-委員會", "oldest", "oldest"),
    ("委員會", "relevance", "relevance"), ("委員會", "newest", "newest"), ("source:經濟部", "relevance", "relevance"),
])
def test_the_result_says_which_sort_it_applied(demo_engine, query, asked, applied):
    """Only a query with terms can rank by relevance; an empty or only-excluding one lists the
    newest first, and says so (the page selects what the result says)."""
    result = demo_engine.search(SearchRequest.create(query, sort=asked, per_page=1000))
    assert result.sort == applied and result.to_dict()["sort"] == applied
    if applied != "relevance":
        dates = [h.date or "" for h in result.hits]
        assert dates == sorted(dates, reverse=applied == "newest")
        assert all(h.score is None for h in result.hits)


def test_a_story_restricts_the_results_to_that_articles_reposts(demo_engine, demo_articles):
    """`story=<id>`: the article's near-duplicate cluster; an article nobody reposted is alone."""
    story = "mee-2024-02-05-party-building.txt"  # one of a kind in the demo
    assert story in demo_articles
    result = demo_engine.search(SearchRequest.create("", story=story, per_page=1000))
    assert [h.id for h in result.hits] == [story] and result.total == 1
    assert demo_engine.search(SearchRequest.create("生態環境", story=story)).total == 1
    assert demo_engine.search(SearchRequest.create("公告及送達", story=story)).total == 0  # the query still holds
    assert demo_engine.search(SearchRequest.create("", story="no-such-article")).total == 0


def test_title_matches_rank_above_body_only_matches(demo_engine, demo_articles, oracle):
    """For a term in some titles and only in the bodies of others, with body counts no higher in
    the title matches, every title match ranks above every such body-only match."""
    checked = 0
    for term in ("採購契約要項", "顧問", "勞工", "證券", "辦法", "生態環境"):
        result = demo_engine.search(SearchRequest.create(term, per_page=1000))
        order = [h.id for h in result.hits]
        units = oracle_units(term)
        needle = _joined(units)

        def body_count(aid, needle=needle):
            return oracle.fields[aid]["body"].count(needle)

        in_title = [i for i in order if needle in oracle.fields[i]["title"]]
        body_only = [i for i in order if i not in in_title]
        for t in in_title:
            for b in body_only:
                if body_count(b) <= body_count(t):
                    checked += 1
                    assert order.index(t) < order.index(b), (term, t, b)
    assert checked > 10


def test_of_two_titles_holding_the_query_the_one_it_says_more_of_ranks_first(tmp_path):
    """`健康 发展` and two titles that both hold 健康发展: a short one the query says most of, and a
    long one whose body holds the words once more. A reader typing two words of a title means
    the title they make up more of: the short one comes first (the title bonus is normalised by
    the title's length, as BM25 normalises a field's words)."""
    from helpers import write_jsonl

    from indexer.ingest.run import run_ingest
    from indexer.search.engine import SearchEngine

    filler = "今年的工作报告已经公布，各地认真落实。"
    records = [{"id": f"f{k}", "title": f"各地认真落实工作报告的部署要求第{k}次会议召开",
                "body": filler * 3 + ("经济稳定发展。" if k % 3 == 0 else ""), "date": "2020-01-01"} for k in range(12)]
    records.append({"id": "short", "title": "推动VR产业健康发展", "body": "VR产业要健康发展，标准先行。" + filler,
                    "date": "2020-01-01"})
    records.append({"id": "long", "title": "为经济全球化健康发展增添动力——写在二十国集团领导人峰会召开之际",
                    "body": "经济全球化健康发展需要各方共同努力，发展是硬道理，健康的全球经济需要开放合作。" + filler,
                    "date": "2020-01-01"})
    write_jsonl(tmp_path / "a" / "a.jsonl", records)
    run_ingest(tmp_path / "index", [tmp_path / "a"], rebuild=True)
    engine = SearchEngine(tmp_path / "index")
    try:
        assert [h.id for h in engine.search(SearchRequest.create("健康 发展", collapse=False)).hits] == ["short", "long"]
    finally:
        engine.close()


def test_a_title_match_ranks_above_a_body_only_match_however_long_the_title(tmp_path):
    """A gazette's 40-character title holding 校园, among short news titles: its title match
    still ranks above an article that holds 校园 once in its body only (the length
    normalisation of the title bonus only ever raises it)."""
    from helpers import write_jsonl

    from indexer.ingest.run import run_ingest
    from indexer.search.engine import SearchEngine

    records = [{"id": f"f{k}", "title": f"市长调研第{k}次", "body": "调研组一行深入企业了解生产经营情况。" * 3} for k in range(30)]
    records.append({"id": "long", "title": "国务院办公厅关于进一步加强和改进新形势下全市中小学校园安全管理与应急处置工作体系建设的若干实施意见的通知",
                    "body": "各地要认真贯彻落实，确保工作取得实效。" * 3})
    records.append({"id": "bodyonly", "title": "市政府召开会议", "body": "会议研究了校园相关工作，确保取得实效。各地要认真贯彻落实。"})
    write_jsonl(tmp_path / "a" / "a.jsonl", records)
    run_ingest(tmp_path / "index", [tmp_path / "a"], rebuild=True)
    with SearchEngine(tmp_path / "index") as engine:
        assert [h.id for h in engine.search(SearchRequest.create("校园", collapse=False)).hits] == ["long", "bodyonly"]


def test_a_greek_capital_sigma_folds_alike_whatever_stands_before_it(tmp_path):
    """Python lower-cases Σ to the final ς after a letter (`F.Σ1` → `f.ς1`) and to σ elsewhere:
    a phrase search for Σ1 found the article printing Σ1 alone and not the one printing F.Σ1,
    which the article page then marked. Σ, σ and ς are one letter to search."""
    from helpers import write_jsonl

    from indexer.ingest.run import run_ingest
    from indexer.search.engine import SearchEngine

    write_jsonl(tmp_path / "a" / "a.jsonl", [{"id": "s1", "title": "图一", "body": "见图F.Σ1所示的受力分析"},
                                             {"id": "s2", "title": "图二", "body": "见图Σ1所示的受力分析"},
                                             {"id": "s3", "title": "图三", "body": "见图ς1所示的受力分析"}])
    run_ingest(tmp_path / "index", [tmp_path / "a"], rebuild=True)
    with SearchEngine(tmp_path / "index") as engine:
        for query in ('"Σ1"', "Σ1", '"σ1"', '"ς1"'):
            found = engine.search(SearchRequest.create(query, collapse=False))
            assert sorted(h.id for h in found.hits) == ["s1", "s2", "s3"], query


def test_superscript_digits_fold_as_the_others_do(tmp_path):
    """`100m²` (a flat's floor area, as news prints it) is found by 100m2, and the other way
    round, as ⁴ already folded to 4: ¹ ² ³ are Latin-1's and were left as they are."""
    from helpers import write_jsonl

    from indexer.ingest.run import run_ingest
    from indexer.search.engine import SearchEngine

    write_jsonl(tmp_path / "a" / "a.jsonl", [{"id": "sup", "title": "房源一", "body": "这套住房面积为100m²，总价三百万元。"},
                                             {"id": "plain", "title": "房源二", "body": "这套住房面积为100m2，总价两百万元。"}])
    run_ingest(tmp_path / "index", [tmp_path / "a"], rebuild=True)
    with SearchEngine(tmp_path / "index") as engine:
        for query in ('"100m2"', "100m²", '"面积为100m²"'):
            found = engine.search(SearchRequest.create(query, collapse=False))
            assert sorted(h.id for h in found.hits) == ["plain", "sup"], query


def test_an_index_updated_by_ingest_ranks_as_a_rebuild_of_the_same_files(tmp_path):
    """Nightly ingests update articles in place: their old versions stay in the old segments,
    deleted. Ranking counts only the live articles (their number, how many hold a word, their
    lengths), so the ingested index gives every hit the score and place a fresh rebuild of the
    same files gives (an updated index used to order page boundaries differently)."""
    import random

    from helpers import write_jsonl

    from indexer.ingest.run import run_ingest
    from indexer.search.engine import SearchEngine

    rng = random.Random(5)
    words = ["环境", "治理", "经济", "发展", "门", "改革", "生态", "保护", "城市", "乡村", "科技", "创新"]

    def text(n: int) -> str:
        return "，".join("".join(rng.choice(words) for _ in range(rng.randint(2, 5))) for _ in range(n)) + "。"

    records = [{"id": f"a{i}", "title": text(1), "body": text(rng.randint(3, 40)), "date": "2024-01-01"} for i in range(80)]
    folder = tmp_path / "a"
    write_jsonl(folder / "a.jsonl", records)
    run_ingest(tmp_path / "ingested", [folder], rebuild=True)
    for round_ in range(3):
        for r in rng.sample(records, 20):
            r["body"] = text(rng.randint(3, 60))
        records += [{"id": f"n{round_}-{k}", "title": text(1), "body": text(20), "date": "2024-02-01"} for k in range(10)]
        write_jsonl(folder / "a.jsonl", records)
        run_ingest(tmp_path / "ingested", [folder])
    run_ingest(tmp_path / "rebuilt", [folder], rebuild=True)
    with SearchEngine(tmp_path / "ingested") as ingested, SearchEngine(tmp_path / "rebuilt") as rebuilt:
        for query in ("门", "环境 经济", '"生态保护"', "科技 创新 城市"):
            request = SearchRequest.create(query, per_page=1000, collapse=False)
            assert [(h.id, h.score) for h in ingested.search(request).hits] == \
                [(h.id, h.score) for h in rebuilt.search(request).hits], query


def test_newest_first_among_equal_scores(demo_engine):
    checked = 0
    for term in ("委員會", "修正", "辦法", "令"):
        hits = demo_engine.search(SearchRequest.create(term, per_page=1000)).hits
        scores = [h.score for h in hits]
        assert scores == sorted(scores, reverse=True)
        for a, b in zip(hits, hits[1:]):
            if a.score == b.score:
                checked += 1
                assert (a.date or "") >= (b.date or ""), (term, a.id, b.id)
    assert checked


def test_few_matched_articles_score_as_when_every_posting_is_read(tmp_path, monkeypatch):
    """Where a query matches few articles, ranking looks each of them up in a word's postings
    instead of looking every posting up among them: the same scores, the same order, for
    narrow queries (a phrase, a filter) as for broad ones, over an index of many segments."""
    from helpers import DEMO_ARTICLES

    from indexer.ingest import writer
    from indexer.search import ranking

    monkeypatch.setattr(writer, "MAX_SEGMENT_HELD", 20_000)  # small segments: more than one left after merging
    run_ingest(tmp_path / "index", [DEMO_ARTICLES], rebuild=True)
    engine = SearchEngine(tmp_path / "index")
    assert len(engine._live.searcher()[1].reader().leaf_readers()) > 1

    queries = [("委員會", {}), ("修正 辦法", {}), ('"委員會"', {"sources": ["行政院"]}), ("生态 环境", {}),
               ("令", {"date_from": "2005-01-01", "date_to": "2005-12-31"}), ("发展", {})]

    def ranked(few: int) -> list:
        monkeypatch.setattr(ranking, "FEW_MATCHED", few)
        out = []
        for q, filters in queries:
            result = engine.search(SearchRequest.create(q, per_page=1000, **filters))
            out.append([(h.id, h.score) for h in result.hits])
        return out

    looked_up = ranked(0)  # every matched article looked up in the lists
    assert ranked(10 ** 9) == looked_up  # every posting looked up among the matched
    assert sum(map(len, looked_up)) > 20 and any(0 < len(r) < 10 for r in looked_up)


def test_the_together_bonus_looked_for_near_the_top_only_never_changes_a_page(tmp_path):
    """Articles holding 城市 and 发展 apart (more often: higher BM25) and together as 城市发展
    (the together bonus lifts them): every page of every size equals the same slice of the
    whole list, where the bonus was looked for in every article."""
    from helpers import write_jsonl

    from indexer.ingest.run import run_ingest
    from indexer.search.engine import SearchEngine

    filler = "今年的工作报告已经公布。"
    records = []
    for k in range(1, 13):
        records.append({"id": f"apart{k}", "title": f"报告{k}",
                        "body": ("城市建设加快。" + "经济发展稳定。") * (k % 4 + 1) + filler * k, "date": "2020-01-01"})
        records.append({"id": f"together{k}", "title": f"消息{k}",
                        "body": "城市发展加快。" + filler * (k % 5), "date": "2020-01-01"})
    write_jsonl(tmp_path / "a" / "a.jsonl", records)
    run_ingest(tmp_path / "index", [tmp_path / "a"], rebuild=True)
    engine = SearchEngine(tmp_path / "index")
    everything = engine.search(SearchRequest.create("城市 发展", per_page=1000, collapse=False)).hits
    order = [h.id for h in everything]
    assert len(order) == 24
    assert order[0].startswith("together")  # the bonus changes the order near the top
    for size in range(1, 9):
        for page in range(1, 24 // size + 2):
            hits = engine.search(SearchRequest.create("城市 发展", per_page=size, page=page, collapse=False)).hits
            assert [h.id for h in hits] == order[(page - 1) * size:page * size], (size, page)
    engine.close()


# ------------------------------------------------------------------ search within results


def test_within_narrows_to_articles_also_matching_each_query(demo_engine, oracle):
    base = oracle.having("委員會")
    assert ids(demo_engine, "委員會", within=["修正"]) == base & oracle.having("修正")
    assert ids(demo_engine, "委員會", within=["修正", "採購"]) == base & oracle.having("修正") & oracle.having("採購")
    assert ids(demo_engine, "委員會", within=["修正 OR 採購"]) == base & (oracle.having("修正") | oracle.having("採購"))
    assert ids(demo_engine, "委員會", within=["-修正"]) == base - oracle.having("修正")


def test_within_counts_facets_over_the_narrowed_results(demo_engine):
    narrowed = demo_engine.search(SearchRequest.create("委員會", within=["修正"]))
    same = demo_engine.search(SearchRequest.create("委員會 修正"))
    assert narrowed.total == same.total < demo_engine.search(SearchRequest.create("委員會")).total
    assert narrowed.facets == same.facets
    assert narrowed.to_dict()["within"] == ["修正"]


def test_a_blank_within_narrows_nothing_and_one_of_punctuation_finds_nothing_and_says_why(demo_engine):
    assert ids(demo_engine, "委員會", within=["", "  "]) == ids(demo_engine, "委員會")  # the second box left empty
    found = demo_engine.search(SearchRequest.create("委員會", within=["，。"]))
    assert found.total == 0 and "「，。」中没有可以搜索的文字" in found.notice  # as `q=，。`: never silently ignored


def test_within_is_validated_like_a_query():
    with pytest.raises(BadRequest):
        SearchRequest.create("a", within=["x" * 2001])
    with pytest.raises(BadRequest):
        SearchRequest.create("a", within=[3])
    assert SearchRequest.create("a", within="修正").within == ("修正",)


# ------------------------------------------- nothing searchable, story pages, undated last

_STORY = ("新华社北京3月5日电 第十四届全国人民代表大会第二次会议今天上午在人民大会堂开幕，"
          "国务院总理作政府工作报告。报告提出，今年国内生产总值增长预期目标为百分之五左右，"
          "城镇新增就业一千二百万人以上，城镇调查失业率百分之五点五左右，居民消费价格涨幅百分之三左右。")


_BODIES = [_STORY,
           "全国人民代表大会代表在分组讨论中谈到，乡村振兴需要更多人才扎根基层，多地探索以县域为单位的职业教育，"
           "让农民在家门口学技术、找工作。",
           "本市今年将新建改建公园二十座，政府工作报告中的民生实事项目已全部分解到各区，市民可通过热线反映意见建议，"
           "相关部门按月公布进展情况。",
           "一位工程师说，我们的新产线今年下半年投产，良品率已经超过九成，国内订单增长明显，企业表示将加大研发投入，"
           "并在沿海城市设立新的研究中心。"]


def _story_records() -> list[dict]:
    """Four stories reposted three times each (one copy undated and titled best for 开幕) and
    six distinct articles, two of them undated."""
    out = []
    for s in range(4):
        body = "大会开幕。" + _BODIES[s] * 2
        for copy in range(3):
            rec = {"id": f"story{s}-{copy}", "title": ("开幕开幕" if copy == 0 else "会议") + f"报道{s}",
                   "source": f"报{copy}", "body": body + f"（{copy}）"}
            if copy:
                rec["date"] = f"2024-03-0{copy + s}"
            out.append(rec)
    for i in range(6):
        rec = {"id": f"single-{i}", "title": f"开幕单篇{i}", "body": f"开幕消息第{i}则，内容各不相同{i * 7}。"}
        if i % 3:
            rec["date"] = f"2023-0{i + 1}-01"
        out.append(rec)
    return out


@pytest.fixture(scope="module")
def story_engine(tmp_path_factory):
    from helpers import write_jsonl

    from indexer.ingest.run import run_ingest
    from indexer.search.engine import SearchEngine

    folder = tmp_path_factory.mktemp("stories")
    write_jsonl(folder / "articles" / "s.jsonl", _story_records())
    run_ingest(folder / "index", [folder / "articles"], rebuild=True)
    engine = SearchEngine(folder / "index")
    yield engine
    engine.close()


@pytest.mark.parametrize("query", ["，。！？", "!!!", "“”", "「」", " - ", "……", "\"", "＃＠"])
def test_a_query_of_punctuation_finds_nothing_and_says_why(demo_engine, query):
    result = demo_engine.search(SearchRequest.create(query))
    assert result.total == 0 and not result.hits
    data = result.to_dict()
    assert data["query"] == query  # the user's characters, not folded (，not ,)
    assert data["notice"] and "没有可以搜索的文字" in data["notice"]
    assert {"query", "total", "hits", "facets", "stories", "page", "per_page"} <= set(data)


def test_an_empty_query_still_lists_everything_without_a_notice(demo_engine):
    result = demo_engine.search(SearchRequest.create("", sources=[]))
    assert result.total == demo_engine.article_count() and result.notice is None
    assert demo_engine.search(SearchRequest.create("委員會")).notice is None


def test_with_reposts_collapsed_pages_count_stories_and_none_is_empty(story_engine):
    first = story_engine.search(SearchRequest.create("开幕", per_page=3))
    assert first.total == 18 and first.stories == 10
    assert first.pages == 4 and first.to_dict()["pages"] == 4
    seen = []
    for page in range(1, first.pages + 1):
        result = story_engine.search(SearchRequest.create("开幕", per_page=3, page=page))
        assert result.hits, page
        seen += [h.id for h in result.hits]
    assert len(seen) == len(set(seen)) == 10
    flat = story_engine.search(SearchRequest.create("开幕", per_page=3, collapse=False))
    assert flat.pages == 6


@pytest.mark.parametrize("sort", ["oldest", "newest"])
def test_undated_articles_come_last_by_date(story_engine, sort):
    result = story_engine.search(SearchRequest.create("", sort=sort, per_page=100, collapse=False))
    dates = [h.date for h in result.hits]
    dated = [d for d in dates if d]
    assert dates[:len(dated)] == dated and len(dated) < len(dates)
    assert dated == sorted(dated, reverse=sort == "newest")


@pytest.mark.parametrize("sort", ["relevance", "oldest", "newest"])
def test_a_merged_story_is_shown_by_a_dated_copy(story_engine, sort):
    result = story_engine.search(SearchRequest.create("开幕", sort=sort, per_page=100))
    stories = [h for h in result.hits if h.id.startswith("story")]
    assert len(stories) == 4
    assert all(h.date for h in stories) and all(h.duplicates == 2 for h in stories)


# ------------------------------------------------------------------------ a deadline for all


def test_a_search_past_its_deadline_stops_with_a_message_naming_the_query(demo_engine):
    from indexer.search.request import SearchTooCostly

    for query in ("委員會 OR 修正 OR 採購", "委員會 NEAR/5 修正", '"委員會 修正"~3', "委員會"):
        with pytest.raises(SearchTooCostly) as caught:
            demo_engine.search(SearchRequest.create(query, deadline=1e-9))
        assert query[:10] in str(caught.value) and "代价过高" in str(caught.value)
        assert isinstance(caught.value, BadRequest)  # reported like any bad parameter (web: 400)
    assert demo_engine.search(SearchRequest.create("委員會")).total  # the default leaves room


def test_the_engine_has_a_default_deadline_a_request_can_change(demo_index):
    from indexer.search.engine import SearchEngine
    from indexer.search.request import SearchTooCostly

    with SearchEngine(demo_index, deadline=1e-9) as hurried:
        with pytest.raises(SearchTooCostly):
            hurried.search(SearchRequest.create("委員會"))
        assert hurried.search(SearchRequest.create("委員會", deadline=60)).total


def test_a_concordance_past_its_deadline_stops_too(demo_engine):
    from indexer.search.concordance import concordance
    from indexer.search.request import SearchTooCostly

    with pytest.raises(SearchTooCostly):
        concordance(demo_engine, SearchRequest.create("委員會", deadline=1e-9))


def test_a_search_too_large_to_start_is_refused_before_it_starts(demo_engine, demo_articles):
    from indexer.search.request import SearchTooCostly

    chars = sorted({fold(ch) for a in demo_articles.values() for ch in a.body if "\u4e00" <= ch <= "\u9fff"})
    query = " OR ".join(chars[:330])
    with pytest.raises(SearchTooCostly) as caught:
        demo_engine.search(SearchRequest.create(query, per_page=1000, deadline=600))
    assert "330" in str(caught.value)
    assert demo_engine.search(SearchRequest.create(query, per_page=10)).total  # a page of 10 is fine


@pytest.mark.parametrize("value", ["0", "-1", "abc", "601", "nan"])
def test_a_deadline_must_be_a_positive_number_of_seconds(value):
    with pytest.raises(BadRequest):
        SearchRequest.create("a", deadline=value)
    assert SearchRequest.create("a", deadline="1.5").deadline == 1.5


def test_the_command_line_takes_a_deadline_and_says_when_it_passed(demo_index):
    import subprocess

    from helpers import cli_args

    out = subprocess.run(cli_args(demo_index, "search", "委員會", "--deadline", "0.000000001"),
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 1 and "代价过高" in out.stderr and "委員會" in out.stderr
    out = subprocess.run(cli_args(demo_index, "search", "委員會", "--deadline", "30"),
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0 and "条结果" in out.stdout


def test_the_deadline_is_the_time_the_person_waits(monkeypatch):
    """A search is stopped once its deadline has passed on the wall clock, however little of
    that time it computed (a busy machine): nobody waits longer than the deadline."""
    from indexer.search import budget

    clock = {"wall": 100.0}
    monkeypatch.setattr(budget.time, "perf_counter", lambda: clock["wall"])
    waiting = budget.Deadline("环境", 2.0)
    clock["wall"] = 101.9
    assert not waiting.passed()
    waiting.check()
    clock["wall"] = 102.1
    assert waiting.passed()
    with pytest.raises(SearchTooCostly):
        waiting.check()
    assert not budget.Deadline("环境", None).passed()
