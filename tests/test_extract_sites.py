"""Site boilerplate learned from the archive: a site's template lines go, its articles' text stays."""
from __future__ import annotations

import json
import random

from indexer.article import Article
from indexer.extract import extract_file
from indexer.extract.sites import EDGE, SiteCleaner, SiteLearner, clean_by_site, line_key, site_of

_PLACES = ["青山县", "石桥镇", "河口村", "东城区", "西坪乡", "南湖街道", "北岭社区", "新港开发区"]
_DOINGS = ["新建农村公路", "改造老旧小区", "新增义务教育学位", "种植高山茶叶", "建成污水处理站", "培训基层医生",
           "修复河道堤防", "开通公交线路"]
_ENDS = ["，预计年底前全部完工。", "，惠及周边群众。", "，资金由县财政统筹安排。", "，当地群众拍手称好。",
         "，相关负责人表示将加快推进。", "，比去年同期明显增加。"]

# What the site's template prints inside the article box, on every page; the general rules
# know none of it (no 版权, 责任编辑, 公众号 or hotline words).
_OPENING = "欢迎关注青山融媒，了解家乡的新鲜事儿"
_CLOSING = ["青山融媒中心出品，内容仅供参考", "本栏目每周一至周五与您见面"]


def _sentence(rng: random.Random) -> str:
    return f"{rng.choice(_PLACES)}今年{rng.choice(_DOINGS)}{rng.randint(2, 980)}处{rng.choice(_ENDS)}"


def _page(i: int, rng: random.Random) -> tuple[bytes, list[str]]:
    paragraphs = [_sentence(rng) for _ in range(rng.randint(3, 6))]
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    closing = "".join(f"<p>{line}</p>" for line in _CLOSING)
    html = (f'<html><head><meta charset="utf-8"><title>青山新闻第{i}期_青山融媒</title></head><body>'
            f'<div class="top">青山融媒</div><h1>青山新闻第{i}期</h1>'
            f'<div class="info">2024-05-{i % 28 + 1:02d} 来源：青山融媒</div>'
            f'<div class="article"><p>{_OPENING}</p>{body}{closing}</div></body></html>')
    return html.encode("utf-8"), paragraphs


def _site(pages: int, seed: int = 7) -> tuple[list[Article], list[list[str]]]:
    rng = random.Random(seed)
    articles, texts = [], []
    for i in range(pages):
        raw, paragraphs = _page(i, rng)
        [article] = extract_file(raw, f"qingshan/{i}.html")
        articles.append(article)
        texts.append(paragraphs)
    return articles, texts


def _clean_share(articles: list[Article], texts: list[list[str]]) -> float:
    return sum(a.body.split("\n") == t for a, t in zip(articles, texts)) / len(articles)


def test_a_sites_template_lines_are_removed_where_the_general_rules_keep_them():
    articles, texts = _site(40)
    assert _clean_share(articles, texts) == 0  # the general rules alone keep the template's lines
    cleaned = clean_by_site(articles, source="corpus")
    assert _clean_share(cleaned, texts) >= 0.97
    assert all(c.title == a.title and c.date == a.date and c.source == a.source for c, a in zip(cleaned, articles))


def test_learning_from_a_sample_then_cleaning_a_stream():
    articles, texts = _site(60, seed=3)
    learner = SiteLearner()
    for article in articles[:20]:  # the first pages of the stream teach the template
        learner.learn(article)
    cleaned = [learner.clean(article) for article in articles]
    assert _clean_share(cleaned, texts) >= 0.97


def test_too_few_pages_of_a_site_change_nothing():
    articles, _ = _site(4)
    assert [a.body for a in clean_by_site(articles)] == [a.body for a in articles]


def test_sites_are_learned_apart():
    articles, texts = _site(30)
    other = [Article(id=f"other/{i}.html", title="t", body=f"{_OPENING}\n另一个网站的第{i}篇文章的正文内容。")
             for i in range(3)]
    cleaned = clean_by_site(articles + other, source="corpus")
    assert _clean_share(cleaned[:30], texts) >= 0.97
    assert [a.body for a in cleaned[30:]] == [a.body for a in other]  # another site's opening line stays


def test_reposts_count_once_and_a_body_is_never_emptied():
    text = "青山县今年新建农村公路120处，预计年底前全部完工。\n当地群众拍手称好。"
    reposts = [Article(id=f"s/{i}.html", body=text) for i in range(10)]
    assert [a.body for a in clean_by_site(reposts)] == [text] * 10
    same = [Article(id=f"s/{i}.html", body=f"本站提示\n第{i}号") for i in range(10)]  # numbers fold alike
    assert [a.body for a in clean_by_site(same)] == [a.body for a in same]


def test_lines_that_repeat_only_inside_the_body_stay():
    rng = random.Random(5)
    articles = []
    for i in range(20):
        middle = [_sentence(rng) for _ in range(20)]
        middle[10] = "一、总体要求"  # a heading many documents share, far from both ends
        articles.append(Article(id=f"gov/{i}.html", body="\n".join(middle)))
    assert all("一、总体要求" in a.body for a in clean_by_site(articles))


def test_site_of_prefers_the_urls_host():
    assert site_of(Article(id="x/1.html", url="https://www.example.cn/a/1.html")) == "example.cn"
    assert site_of(Article(id="people/1.html"), "news") == "news/people"
    assert site_of(Article(id="1.html"), "news") == "news"
    assert line_key("阅读 1,234 次") == line_key("阅读 98,765 次")


def test_one_pass_over_a_stream_cleans_all_but_the_first_pages():
    articles, texts = _site(60, seed=11)
    learner = SiteLearner()
    cleaned = [learner.feed(article) for article in articles]
    assert _clean_share(cleaned[10:], texts[10:]) >= 0.97


def test_a_long_stream_holds_counts_for_the_repeated_lines_only():
    rng = random.Random(2)
    learner = SiteLearner(sample=10_000)
    for i in range(1000):
        body = "\n".join([_OPENING, *(_sentence(rng) + chr(0x5000 + 8 * i + k) for k in range(8)), _CLOSING[0]])
        learner.learn(Article(id=f"qingshan/{i}.html", body=body))
    counts = learner._sites["qingshan"]
    assert len(counts.head) + len(counts.tail) < 2 * 100 * EDGE  # not the 16,000 lines seen
    assert line_key(_OPENING) in learner.boilerplate("qingshan")[0]


def _write_site(folder, start: int, count: int, seed: int) -> list[list[str]]:
    rng = random.Random(seed)
    texts = []
    for i in range(start, start + count):
        raw, paragraphs = _page(i, rng)
        (folder / f"{i}.html").write_bytes(raw)
        texts.append(paragraphs)
    return texts


def test_ingest_cleans_a_sites_pages_from_the_first_and_a_later_ingest_cleans_new_ones_at_once(tmp_path):
    """A rebuild of a folder of one site's pages: every body, the first pages' too, comes out
    without the template's lines; a nightly ingest of three new pages of that site cleans them
    by what the rebuild learned (three pages alone teach nothing); the generation checks whole."""
    from indexer import integrity, store
    from indexer.ingest.run import run_ingest
    from indexer.search.engine import SearchEngine
    from indexer.search.request import SearchRequest

    site = tmp_path / "qingshan"
    site.mkdir()
    texts = _write_site(site, 0, 35, seed=21)
    run_ingest(tmp_path / "ix", [site], rebuild=True)
    with SearchEngine(tmp_path / "ix") as engine:
        bodies = [engine.article(f"{i}.html").body for i in range(35)]
    assert [b.split("\n") for b in bodies] == texts
    new = _write_site(site, 35, 3, seed=22)
    report = run_ingest(tmp_path / "ix", [site])
    assert report.added == 3
    with SearchEngine(tmp_path / "ix") as engine:
        assert [engine.article(f"{i}.html").body.split("\n") for i in range(35, 38)] == new
        assert engine.search(SearchRequest.create('"欢迎关注青山融媒"')).total == 0
        assert engine.search(SearchRequest.create('"青山县"')).total > 0
    assert integrity.verify(store.current_generation(tmp_path / "ix"), full=True).ok


def test_a_sites_first_pages_ingested_before_it_was_learned_are_cleaned_once_it_is(tmp_path):
    """Nightly ingests of a site that grows a few pages a night: the first nights' pages were
    written before the site had pages enough to learn its template, and kept its lines for good
    (a rebuild of the same folder cleans them: the two indexes answered a search for the
    template's line differently). Once the site is learned, those pages are read again and
    cleaned, counted as updated: the ingested index holds what a rebuild holds."""
    from indexer.ingest.run import run_ingest
    from indexer.search.engine import SearchEngine
    from indexer.search.request import SearchRequest

    site = tmp_path / "qingshan"
    site.mkdir()
    texts = _write_site(site, 0, 4, seed=31)
    run_ingest(tmp_path / "ingested", [site])
    texts += _write_site(site, 4, 4, seed=32)
    run_ingest(tmp_path / "ingested", [site])  # eight pages: still too few to learn
    texts += _write_site(site, 8, 6, seed=33)
    report = run_ingest(tmp_path / "ingested", [site])
    assert (report.added, report.updated) == (6, 8)
    run_ingest(tmp_path / "rebuilt", [site], rebuild=True)
    with SearchEngine(tmp_path / "ingested") as ingested, SearchEngine(tmp_path / "rebuilt") as rebuilt:
        assert [ingested.article(f"{i}.html").body.split("\n") for i in range(14)] == texts
        assert [rebuilt.article(f"{i}.html").body.split("\n") for i in range(14)] == texts
        assert ingested.search(SearchRequest.create('"欢迎关注青山融媒"')).total == 0
    assert run_ingest(tmp_path / "ingested", [site]).changed is False  # read again once, not every night


def test_a_heading_that_opens_many_pages_stays():
    """A government site's notices open with `公告事項：` on most pages: a heading, not boilerplate."""
    rng = random.Random(9)
    articles = [Article(id=f"gov/{i}.html", body="\n".join(["公告事項：", *(_sentence(rng) for _ in range(4))]))
                for i in range(20)]
    assert all(a.body.startswith("公告事項：") for a in clean_by_site(articles))


def test_a_notices_closing_formula_signature_and_date_stay_while_the_templates_lines_go():
    """Every notice of a government site closes with 特此通知。, the office that signs it and its
    date: the document's own text (a phrase search for 特此通知 must find them), not the template's;
    the template's own closing line still goes."""
    rng = random.Random(11)
    articles = [Article(id=f"gov/{i}.html", body="\n".join([
        "各区县人民政府，市政府各部门：", *(_sentence(rng) for _ in range(3)), "特此通知。", "某某市人民政府办公室",
        f"2024年{i % 12 + 1}月{i % 28 + 1}日", "欢迎访问某某市人民政府门户网站"])) for i in range(20)]
    for article in clean_by_site(articles):
        assert article.body.endswith("特此通知。\n某某市人民政府办公室\n" + article.body.split("\n")[-1])
        assert article.body.split("\n")[-1].startswith("2024年"), article.body


def test_a_templates_line_over_a_date_at_the_top_of_the_text_still_goes():
    """Only the line over the date that closes a text is kept as its signature: a template's
    `今日关注` printed over the page's date at its top goes with the rest of the template."""
    rng = random.Random(3)
    articles = [Article(id=f"s/{i}.html", body="\n".join(["网站首页", "今日关注", f"2024年{i % 12 + 1}月{i % 28 + 1}日",
                                                           *(_sentence(rng) for _ in range(4)), "打印本页", "关闭窗口"]))
                for i in range(20)]
    for article in clean_by_site(articles):
        assert article.body.startswith("2024年"), article.body


def test_what_was_learned_is_kept_and_goes_on():
    articles, texts = _site(40, seed=13)
    learner = SiteLearner()
    for article in articles[:30]:
        learner.learn(article)
    again = SiteLearner.from_state(json.loads(json.dumps(learner.state())))
    assert _clean_share([again.clean(a) for a in articles], texts) >= 0.97
    assert SiteLearner.from_state({"version": 0}).boilerplate("qingshan") == (frozenset(), frozenset())
    kept = learner.state()["sites"]["qingshan"]
    assert kept["head"] and all(n > 1 for part in ("head", "tail") for n in kept[part].values())  # lines of one page: not kept


def test_many_small_sites_keep_only_their_repeated_lines():
    """Sites of a few pages each (a crawl of many hosts) hold and keep only what repeats."""
    rng = random.Random(4)
    cleaner = SiteCleaner(hold=30, max_held=50)
    for i in range(400):
        body = "\n".join(_sentence(rng) + str(i) + chr(0x5000 + i) for _ in range(6))
        cleaner.add(Article(id=f"s{i % 100}/{i}.html", body=body), f"site{i % 100}")
    cleaner.flush()
    counts = [len(c.head) + len(c.tail) for c in cleaner.learner._sites.values()]
    assert max(counts) < 20  # not the 4 pages x 12 lines each site saw


def test_the_cleaner_holds_a_sites_first_pages_and_never_more_than_its_bound():
    articles, texts = _site(40, seed=17)
    cleaner = SiteCleaner(hold=30, max_held=100)
    out = []
    for article in articles:
        out += cleaner.add(article, "qingshan")
    out += cleaner.flush()
    assert [a.id for a in out] == [a.id for a in articles]
    assert _clean_share(out, texts) == 1
    tight = SiteCleaner(hold=30, max_held=5)
    released = [len(tight.add(article, "qingshan")) for article in articles[:12]]
    assert sum(released) >= 6  # past five held pages the site's are let go
