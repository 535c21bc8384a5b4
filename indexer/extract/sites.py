"""Learning a site's boilerplate from the archive itself: what most of its pages print alike.

The general rules of `cleaning` know the common kinds of furniture and boilerplate; every site
adds its own (`欢迎访问××融媒体`, a fixed disclaimer, a subscription box), and no list of
patterns can know them. An archive holds many pages of each site, and what the site's template
adds to a body is the same on many of them, while the article text differs on every page. So:
group the articles by site (`site_of`), count the lines near the start and the end of each
distinct body (`EDGE` lines each side), and drop from every body of the site the lines that
open or close at least `share` of its pages (and at least `min_count` of them, from `min_pages`
pages on). Lines compare with digits and spaces folded (`阅读 1234 次` repeats).

Two forms: `clean_by_site(articles)` for a list in memory, and `SiteLearner` for a stream
(`learn` each article of a sample, then `clean` every article; or `feed` each article once, which
learns and cleans as it goes); only per-site line counts are held (lines seen once are forgotten
every hundred pages of a site), at most `sample` pages of each site are counted, and repeated
bodies (reposts) count once.
A body is never emptied: when every line of it would go, it is kept as it was.
"""
from __future__ import annotations

import dataclasses
import hashlib
import os
import re
import zlib
from collections import Counter
from collections.abc import Iterable
from urllib.parse import urlsplit

from ..article import Article

EDGE = 8  # lines looked at at each end of a body
_PRUNE_EVERY = 100  # pages of a site between two prunings of its once-seen lines
_KEPT_LINES = 200  # per site and end, the most repeated lines kept in a generation's state
_RELEARN_EVERY = 10  # from this many pages of a site on, its boilerplate is worked out again every this many
_DIGITS = re.compile(r"\d+")
_SPACE = re.compile(r"\s+")
_SENTENCE = re.compile(r"[。！？；，,.!?;]")


def _is_label(key: str) -> bool:
    """A line ending with a colon introduces what follows (`公告事項：`, `主旨：`): the document's
    own structure, however many of a site's pages open with it."""
    return key.endswith((":", "："))


# An official document's closing: its formula (`特此通知。`, `此复。`) and its date (`2024年3月1日`,
# compared with digits as 0), which every notice of a site prints alike and which are its text.
_CLOSING = re.compile(r"^(?:特此(?:通知|通告|公告|函告|批复|批覆|复函|覆函|报告|報告|说明|說明|证明|證明|函|告知|敬告)|此复|此覆|此致|"
                      r"以上(?:通知|意见|意見|请示|請示|报告|報告)?[，,]?.{0,12}(?:执行|執行|落实|落實|批示|审议|審議))[。！.!]?$")
_DATE_LINE = re.compile(r"^[（(]?(?:0年0月0日|[〇○零一二三四五六七八九十]{4}年[〇○零一二三四五六七八九十]{1,2}月[〇○零一二三四五六七八九十]{1,3}日)[)）]?$")


def _is_document(key: str) -> bool:
    """A line that is the document's own structure (a label, a closing formula, a signing date),
    never a template's, however many of a site's pages print it."""
    return _is_label(key) or bool(_CLOSING.match(key) or _DATE_LINE.match(key))


def file_tag(key: str) -> str:
    """How a learner names a file it remembers: a digest of its path's bytes (a path may hold
    bytes no text encoding gives, as a GBK file name read on a UTF-8 system does)."""
    return hashlib.blake2b(os.fsencode(key), digest_size=10).hexdigest()


def site_of(article: Article, source: str = "") -> str:
    """The site an article comes from: the host of its URL (without `www.`), else `source` (the
    folder it was read from) with the top folder of its path, else that folder alone."""
    if article.url:
        try:
            host = (urlsplit(article.url).hostname or "").lower()
        except ValueError:
            host = ""
        if host:
            return host.removeprefix("www.")
    top = article.id.split("/", 1)[0] if "/" in article.id else ""
    return f"{source}/{top}" if source and top else top or source


def line_key(line: str) -> str:
    """How lines compare across pages: without whitespace, every number (any digits) as 0, by
    their first 200 characters. A template prints its lines with the same characters on every
    page, so nothing is folded (NFKC or the analysis's fold were most of the learning's time)."""
    return _DIGITS.sub("0", _SPACE.sub("", line[:240]))[:200]


@dataclasses.dataclass
class _Counts:
    pages: int = 0
    bodies: set[int] = dataclasses.field(default_factory=set)
    head: Counter = dataclasses.field(default_factory=Counter)
    tail: Counter = dataclasses.field(default_factory=Counter)
    learned: tuple[frozenset[str], frozenset[str]] | None = None
    unlearned: set[str] = dataclasses.field(default_factory=set)  # files of pages written before the site was learned


class SiteLearner:
    """Per-site counts of the lines that open and close bodies, and the cleaning they imply.

    `learn(article, site)` counts one article (up to `sample` distinct bodies a site);
    `clean(article, site)` returns it without its site's boilerplate lines (the same object
    when nothing is removed). `site` defaults to `site_of(article)`."""

    def __init__(self, *, share: float = 0.3, min_pages: int = 10, min_count: int = 3, sample: int = 1000,
                 edge: int = EDGE) -> None:
        self.share, self.min_pages, self.min_count, self.sample, self.edge = share, min_pages, min_count, sample, edge
        self._sites: dict[str, _Counts] = {}

    def learn(self, article: Article, site: str | None = None) -> None:
        site = site_of(article) if site is None else site
        counts = self._sites.setdefault(site, _Counts())
        if counts.pages >= self.sample:
            return
        digest = zlib.crc32(article.body.encode("utf-8", "surrogatepass"))
        if digest in counts.bodies:
            return  # a repost or a repeated record counts once
        counts.bodies.add(digest)
        lines = [line for line in article.body.split("\n") if line.strip()]
        counts.pages += 1
        counts.head.update({line_key(line) for line in lines[:self.edge]})
        counts.tail.update({line_key(line) for line in lines[-self.edge:]})
        if counts.pages < _RELEARN_EVERY or counts.pages % _RELEARN_EVERY == 0:
            counts.learned = None  # what is boilerplate is worked out again (not at every page of a large site)
        if counts.pages % _PRUNE_EVERY == 0:  # lines seen once in a hundred pages are article text: forget them
            self.forget_once(site)

    def forget_once(self, site: str) -> None:
        """Forget the site's lines counted only once (article text, as far as it has shown)."""
        counts = self._sites.get(site)
        for counter in (counts.head, counts.tail) if counts else ():
            for key in [key for key, n in counter.items() if n == 1]:
                del counter[key]

    def written(self, site: str, key: str | None) -> None:
        """Note that a page of `site` from file `key` was written as the site is known now: a file
        whose page was written before the site was learned is remembered (`unlearned`, by its
        `file_tag`), to be read again once the site has grown (`to_read_again`), as a rebuild
        would clean it."""
        counts = self._sites.get(site)
        if key is None or counts is None:
            return
        if counts.pages >= self.min_pages:  # (learned: what the boilerplate is worked out from)
            counts.unlearned.discard(file_tag(key))
        else:
            counts.unlearned.add(file_tag(key))

    def settle(self) -> None:
        """Forget the files of learned sites' early pages (read again, or gone since)."""
        for counts in self._sites.values():
            if counts.unlearned and counts.pages >= self.min_pages:
                counts.unlearned.clear()

    def unlearned(self) -> dict[str, int]:
        """Each site with pages written before it was learned, and how many pages it had counted."""
        return {site: c.pages for site, c in self._sites.items() if c.unlearned}

    def to_read_again(self, before: dict[str, int]) -> set[str]:
        """The files (their `file_tag`s) of pages written before their site was learned
        (`before`: `unlearned()` as the run started) whose site has counted new pages since:
        read again, they are cleaned as a rebuild of the same files would clean them."""
        return {tag for site, pages in before.items() if site in self._sites and self._sites[site].pages > pages
                for tag in self._sites[site].unlearned}

    def pages(self, site: str) -> int:
        """How many distinct bodies of `site` were counted."""
        counts = self._sites.get(site)
        return counts.pages if counts else 0

    def feed(self, article: Article, site: str | None = None) -> Article:
        """Learn from `article`, then clean it by what its site's pages so far print alike: the
        one-pass form for a stream (a site's first pages, before `min_pages`, stay as they are)."""
        site = site_of(article) if site is None else site
        self.learn(article, site)
        return self.clean(article, site)

    def boilerplate(self, site: str) -> tuple[frozenset[str], frozenset[str]]:
        """The line keys taken for the site's boilerplate: (near the start, near the end)."""
        counts = self._sites.get(site)
        if counts is None or counts.pages < self.min_pages:
            return frozenset(), frozenset()
        if counts.learned is None:
            least = max(self.min_count, self.share * counts.pages)
            counts.learned = (frozenset(k for k, n in counts.head.items() if n >= least and k and not _is_document(k)),
                              frozenset(k for k, n in counts.tail.items() if n >= least and k and not _is_document(k)))
        return counts.learned

    def clean(self, article: Article, site: str | None = None) -> Article:
        head, tail = self.boilerplate(site_of(article) if site is None else site)
        if not head and not tail:
            return article
        lines = [line for line in article.body.split("\n") if line.strip()]
        n = len(lines)
        keys = [line_key(line) for line in lines]
        keep = [not (i < self.edge and key in head or i >= n - self.edge and key in tail) for i, key in enumerate(keys)]
        for i in range(n - 1, max(0, n - self.edge), -1):  # a document's signature: who signs it, above the date closing it
            dated = _DATE_LINE.match(keys[i])
            if keep[i] and not dated:
                break  # (text after the date: no closing date, no signature)
            if dated and not keep[i - 1] and len(keys[i - 1]) <= 40 and not _SENTENCE.search(keys[i - 1]):
                keep[i - 1] = True
                break
        if all(keep) or not any(keep):
            return article
        return dataclasses.replace(article, body="\n".join(line for line, kept in zip(lines, keep) if kept))

    def state(self) -> dict:
        """What was learned, as JSON-ready data (`from_state` reads it back): per site its page
        count, the bodies counted and the line counts of its opening and closing lines."""
        def kept(counter: Counter) -> dict:  # repeated lines only, the most repeated first
            return dict(counter.most_common(_KEPT_LINES)[:sum(1 for n in counter.values() if n > 1)])

        return {"version": 1, "sites": {site: {"pages": c.pages, "bodies": sorted(c.bodies), "head": kept(c.head),
                                                "tail": kept(c.tail), **({"unlearned": sorted(c.unlearned)} if c.unlearned else {})}
                                         for site, c in self._sites.items()}}

    @classmethod
    def from_state(cls, state: dict | None, **options) -> SiteLearner:
        """A learner that goes on from `state` (a learner's `state()`; None or another version:
        from nothing)."""
        learner = cls(**options)
        if isinstance(state, dict) and state.get("version") == 1:
            for site, c in (state.get("sites") or {}).items():
                learner._sites[site] = _Counts(pages=int(c["pages"]), bodies=set(c["bodies"]),
                                               head=Counter(c["head"]), tail=Counter(c["tail"]),
                                               unlearned=set(c.get("unlearned") or ()))
        return learner


class SiteCleaner:
    """Pages cleaned by their sites' boilerplate as they stream in, none of them before its site
    is known: each site's first `hold` pages are held back until the learner has counted them
    all (then they are cleaned and released together); later pages are learned from and cleaned
    as they come (`SiteLearner.feed`). At most `max_held` pages are held in all: past that, the
    site holding the most is released, cleaned by what is known of it so far. `flush()` releases
    every page still held (sites with fewer pages than `hold`), cleaned by what they showed."""

    def __init__(self, learner: SiteLearner | None = None, *, hold: int = 30, max_held: int = 2000) -> None:
        self.learner = learner or SiteLearner()
        self.hold, self.max_held = hold, max_held
        self._held: dict[str, list[Article]] = {}
        self._keys: dict[str, list[str | None]] = {}  # the file of each held page
        self._count = 0

    def add(self, article: Article, site: str, key: str | None = None) -> list[Article]:
        """The pages ready to be written now (`article` among them or not). `key`: the file the
        page came from, remembered while its site is not learned (`SiteLearner.written`)."""
        if site not in self._held and self.learner.pages(site) >= self.hold:
            cleaned = self.learner.feed(article, site)
            self.learner.written(site, key)
            return [cleaned]
        self.learner.learn(article, site)
        held = self._held.setdefault(site, [])
        held.append(article)
        self._keys.setdefault(site, []).append(key)
        self._count += 1
        if len(held) >= self.hold:
            return self._release(site)
        if self._count > self.max_held:
            return self._release(max(self._held, key=lambda s: len(self._held[s])))
        return []

    def flush(self) -> list[Article]:
        out: list[Article] = []
        for site in list(self._held):
            out += self._release(site)
        return out

    def _release(self, site: str) -> list[Article]:
        held = self._held.pop(site)
        keys = self._keys.pop(site, [])
        self._count -= len(held)
        self.learner.forget_once(site)  # what is left of a site between its samples: its repeated lines
        for key in keys:
            self.learner.written(site, key)
        return [self.learner.clean(article, site) for article in held]


def clean_by_site(articles: Iterable[Article], *, source: str = "", **options) -> list[Article]:
    """The articles without the lines their site prints on many of its pages (see the module's text).

    `source` names the folder the articles were read from (sites of articles without a URL are
    told apart by it and their path's top folder); `options` go to `SiteLearner`."""
    articles = list(articles)
    learner = SiteLearner(**options)
    sites = [site_of(article, source) for article in articles]
    for article, site in zip(articles, sites):
        learner.learn(article, site)
    return [learner.clean(article, site) for article, site in zip(articles, sites)]
