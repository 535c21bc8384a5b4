"""The search page's links and layout numbers, made from one SearchResult and the search state.

Nothing here finds or counts articles: facet values and counts come from the engine as they
are. This module only decides what each link points to (add a filter, remove it, change page,
sort or page size, export), which facet values show before "更多…", and how long each bar of
the year and month charts is.
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass
from urllib.parse import quote_plus, urlencode

from flask import url_for

from indexer.analysis import fold, fold_variants
from indexer.search.facets import fold_key, names
from indexer.search.filters import filter_notice
from indexer.search.request import SearchRequest
from indexer.search.result import FacetValue, SearchResult
from search_web.params import PER_PAGE_CHOICES, SearchState
from search_web.urls import article_link

SORT_LABELS = {"relevance": "相关度", "newest": "最新", "oldest": "最早"}
FACETS = (("source", "来源", "sources"), ("author", "作者", "authors"), ("column", "栏目", "columns"))
FACET_SHOWN = 8  # values listed before "更多…"
FACET_MORE = 1000  # facet_size asked for by "更多…" (the engine's most)


SHORT_CHARS = 40  # a query named in a title, a link or a sentence


def shorten(text: str | None, limit: int = SHORT_CHARS) -> str:
    """The text cut to `limit` characters, with … when cut (titles and sentences naming a query)."""
    text = text or ""
    return text if len(text) <= limit else text[:limit] + "…"


def _url(base: str, args: dict[str, str | list[str]], fragment: str = "") -> str:
    query = urlencode(args, doseq=True)
    return (f"{base}?{query}" if query else base) + (f"#{fragment}" if fragment else "")


@dataclass(frozen=True)
class Link:
    label: str
    url: str
    count: int | None = None
    selected: bool = False
    hidden: bool = False


@dataclass(frozen=True)
class Facet:
    """One facet as listed: its values (the first `FACET_SHOWN` visible), "更多…" and a finder."""

    name: str
    heading: str
    links: list[Link]
    more_url: str | None
    less_url: str | None
    truncated: bool
    finder: bool  # a box to find a value in a long list

    def fold_map(self) -> dict[str, str]:
        """For the finder as you type: every character that folds to one of the values'
        characters, with what it folds to (生態 and 生态 find each other, as the filter does)."""
        chars = "".join({c for link in self.links for c in link.label})
        out: dict[str, str] = {}
        for folded in set(fold(chars)):
            for variant in fold_variants(folded)[1:]:
                out[variant] = folded
        return out


@dataclass(frozen=True)
class Bar:
    label: str
    count: int
    percent: float
    url: str | None
    selected: bool = False


@dataclass(frozen=True)
class Chart:
    id: str
    heading: str
    bars: list[Bar]
    unit: str = "篇"  # what a bar counts: articles, or occurrences (处) in the concordance's

    @property
    def summary(self) -> str:
        return "，".join(f"{b.label} {b.count} {self.unit}" for b in self.bars if b.count)


def _bars(values: list[tuple[str, str, int, str | None, bool]]) -> list[Bar]:
    top = max((c for _, _, c, _, _ in values), default=0) or 1
    return [Bar(label, c, round(100 * c / top, 1) if c else 0.0, url, sel) for _, label, c, url, sel in values]


class SearchView:
    """Everything the search template shows besides the hits themselves."""

    def __init__(self, result: SearchResult, state: SearchState,
                 facets: tuple[dict[str, list[FacetValue]], dict[str, bool]] | None = None) -> None:
        self.result = result
        self.state = state
        self.value_facets, self.truncated = facets or (
            result.facets, getattr(result, "facets_truncated", None) or {})
        self.request: SearchRequest = result.request
        self.base = url_for("pages.search")

    def url(self, state: SearchState, fragment: str = "") -> str:
        return _url(self.base, state.query_args(), fragment)

    # -- facets

    def facets(self) -> list[Facet]:
        """Source, author and column facets that have values: a click on a value adds it (several
        values of one facet are either-of), a selected one's link removes it."""
        truncated_all = self.truncated
        expanded = self.state.facet_size is not None
        out = []
        for name, heading, field in FACETS:
            values = self.value_facets.get(name) or []
            if not values:
                continue
            chosen: tuple[str, ...] = getattr(self.state, field)
            # adding a value: the state's URL with one more `name=value` (built once, not per value)
            adding = self.url(self.state.with_(**{field: chosen}))
            adding += ("&" if "?" in adding else "?") + name + "="
            links = []
            for i, v in enumerate(values):
                selected = v.selected or v.value in chosen
                url = self.url(self.state.with_(**{field: tuple(x for x in chosen if not names(x, v.value))})) \
                    if selected else adding + quote_plus(v.value)
                links.append(Link(v.value, url, v.count, selected,
                                  hidden=not expanded and i >= FACET_SHOWN and not selected))
            truncated = bool(truncated_all.get(name))
            more = None
            if (not expanded and (len(values) > FACET_SHOWN or truncated)) or (
                    expanded and truncated and (self.state.facet_size or 0) < FACET_MORE):
                more = self.url(self.state.with_(facet_size=FACET_MORE), f"facet-{name}")
            less = self.url(self.state.with_(facet_size=None), f"facet-{name}") if expanded else None
            out.append(Facet(name, heading, links, more, less, truncated,
                             finder=len(values) > FACET_SHOWN or truncated))
        return out

    # -- time charts

    def _range_is(self, first: str, last: str) -> bool:
        return self.request.date_from == first and self.request.date_to == last

    def decade_chart(self) -> Chart | None:
        """One bar per decade that has matching articles, oldest first, once they span more than
        one decade (or one is chosen); a click narrows to that decade (its years then chart), a
        click on the chosen decade lets go of the dates."""
        decades = sorted((v for v in self.result.facets.get("decade") or []
                          if v.value[:4].isdigit() and v.count), key=lambda v: v.value)
        rows = []
        for v in decades:
            first, last = v.value[:4], str(int(v.value[:4]) + 9)
            selected = self._range_is(f"{first}-01-01", f"{last}-12-31")
            target = self.state.with_(date_from="", date_to="") if selected else \
                self.state.with_(date_from=first, date_to=last)
            rows.append((v.value, f"{first}年代", v.count, self.url(target), selected))
        if len(rows) < 2 and not any(r[4] for r in rows):
            return None
        return Chart("decade", "年代", _bars(rows))

    def year_chart(self) -> Chart | None:
        """One bar per year that has matching articles, oldest first; a click narrows to that
        year (the month chart then opens), a click on the chosen year lets go of the dates."""
        years = sorted((v for v in self.result.facets.get("year") or [] if v.value.isdigit() and v.count),
                       key=lambda v: v.value)
        if not years:
            return None
        rows = []
        for v in years:
            selected = self._range_is(f"{v.value}-01-01", f"{v.value}-12-31")
            target = self.state.with_(date_from="", date_to="") if selected else \
                self.state.with_(date_from=v.value, date_to=v.value)
            rows.append((v.value, f"{v.value}年", v.count, self.url(target), selected))
        return Chart("year", "年份", _bars(rows))

    def month_year(self) -> str | None:
        """The year whose months are charted: the one the date range lies in, if it lies in one."""
        f, t = self.request.date_from, self.request.date_to
        return f[:4] if f and t and f[:4] == t[:4] else None

    def month_chart(self) -> Chart | None:
        """Once the dates lie within one year: its twelve months; a click narrows to a month,
        a click on the chosen month goes back to the whole year."""
        year = self.month_year()
        if not year:
            return None
        counts = {v.value: v.count for v in self.result.facets.get("month") or []}
        rows = []
        for m in range(1, 13):
            key = f"{year}-{m:02d}"
            c = counts.get(key, 0)
            selected = self._range_is(f"{key}-01", f"{key}-{calendar.monthrange(int(year), m)[1]:02d}")
            target = self.state.with_(date_from=year, date_to=year) if selected else \
                self.state.with_(date_from=key, date_to=key)
            rows.append((key, f"{m}月", c, self.url(target) if c or selected else None, selected))
        return Chart("month", f"{year}年各月", _bars(rows))

    # -- chosen filters

    def chips(self) -> list[Link]:
        """The filters in force, each with a link that removes it."""
        s = self.state
        chips = []
        for _name, heading, field in FACETS:
            chosen: tuple[str, ...] = getattr(s, field)
            chips += [Link(f"{heading}：{v}", self.url(s.with_(**{field: tuple(x for x in chosen if x != v)})))
                      for v in chosen]
        if s.date_from or s.date_to:
            chips.append(Link(f"日期：{self.date_label()}", self.url(s.with_(date_from="", date_to=""))))
        chips += [Link(f"在结果中：{shorten(w)}", self.url(s.with_(within=tuple(x for x in s.within if x != w))))
                  for w in s.within]
        if s.story:
            chips.append(Link("同一报道的各篇", self.url(s.with_(story=""))))
        if not s.collapse:
            chips.append(Link("不合并转载", self.url(s.with_(collapse=True))))
        if not s.variants:
            chips.append(Link("不扩展两岸用词", self.url(s.with_(variants=True))))
        return chips

    def date_label(self) -> str:
        f, t = self.state.date_from, self.state.date_to
        if f and f == t:
            return f
        return f"{f or '最早'} 至 {t or '最新'}"

    def hint_links(self) -> list[Link]:
        """For a filter value that names none of the index's values (央视): the values that
        contain it (央视网), each a link that filters by it instead."""
        links = []
        for name, heading, field in FACETS:
            chosen: tuple[str, ...] = getattr(self.state, field)
            for v in (getattr(self.result, "filter_hints", None) or {}).get(name, []):
                kept = tuple(x for x in chosen if not (fold_key(x) and fold_key(x) in fold_key(v.value)))
                links.append(Link(f"{heading}：{v.value}", self.url(self.state.with_(**{field: (*kept, v.value)})),
                                  v.count))
        return links

    def notice_beside_hints(self) -> str | None:
        """The result's notice less the sentence the filter hints' links stand for (why nothing
        was searched, operators read as text): said above the links, never hidden by them."""
        text = self.result.notice or ""
        offered = filter_notice(getattr(self.result, "filter_hints", None) or {})
        return (text.replace(offered, "") if offered else text).strip() or None

    def exits(self) -> list[Link]:
        """For an empty result: links that drop the query or one filter, and one that drops all."""
        s = self.state
        links = [Link("去掉" + c.label, c.url) for c in self.chips()]
        if s.q and links:
            links.insert(0, Link(f"只去掉查询词「{s.q}」", self.url(s.with_(q=""))))
            links.append(Link(f"只搜索「{s.q}」，不加筛选", self.url(SearchState(q=s.q, sort=s.sort))))
        links.append(Link("查看全部文章", self.base))
        return links

    # -- sorting, paging, exports

    @property
    def sort(self) -> str:
        """The sort the engine applied (it says so); an older engine: relevance needs a query."""
        applied = getattr(self.result, "sort", None)
        if applied:
            return applied
        current = self.request.sort
        return "newest" if current == "relevance" and not self.state.q.strip() else current

    def sort_links(self) -> list[Link]:
        """Relevance, newest, oldest, the applied one marked; relevance is not offered where the
        engine could not rank by it (no query, or one that only excludes)."""
        ranked = self.state.q.strip() and not (self.request.sort == "relevance" and self.sort != "relevance")
        keys = list(SORT_LABELS) if ranked else ["newest", "oldest"]
        return [Link(SORT_LABELS[k], self.url(self.state.with_(sort=k)), selected=k == self.sort) for k in keys]

    def per_page_links(self) -> list[Link]:
        return [Link(str(n), self.url(self.state.with_(per_page=n)), selected=n == self.result.per_page)
                for n in PER_PAGE_CHOICES]

    def page_url(self, page: int) -> str:
        return self.url(self.state.with_(page=page))

    def page_numbers(self) -> list[int | None]:
        """First, last and two either side of the current page; None where pages are left out."""
        last, cur = self.result.pages, self.result.page
        wanted = sorted({1, last} | {p for p in range(cur - 2, cur + 3) if 1 <= p <= last})
        out: list[int | None] = []
        for p in wanted:
            if out and p - (out[-1] or 0) > 1:
                out.append(None)
            out.append(p)
        return out

    @property
    def first_number(self) -> int:
        return (self.result.page - 1) * self.result.per_page + 1

    def exports(self) -> list[Link]:
        """The same results as JSON (this page), CSV (every match) and Atom (newest 50)."""
        return export_links(self.state)

    def article_url(self, hit_id: str) -> str:
        """A hit's article page, carrying the search (its 返回搜索结果 link comes back here)."""
        return article_url(hit_id, self.state)

    def concordance_url(self) -> str:
        """The concordance (语境索引) of the same search: every occurrence in its context."""
        return _url(url_for("kwic.page"), self.state.query_args(paging=False, sort=False))

    def save_url(self) -> str:
        """The saved-searches page with its form filled with this search (`search_web.saved`)."""
        return _url(url_for("saved.list_saved"), self.state.query_args(paging=False, sort=False))

    def story_url(self, hit_id: str) -> str:
        """Every article of the story a collapsed hit stands for."""
        return self.url(self.state.with_(story=hit_id, collapse=False))


def export_links(state: SearchState) -> list[Link]:
    return [
        Link("JSON", _url(url_for("api.search"), state.query_args())),
        Link("CSV", _url(url_for("api.search_csv"), state.query_args(paging=False))),
        Link("Atom 订阅", _url(url_for("api.search_feed"), state.query_args(paging=False, sort=False))),
    ]


def article_url(article_id: str, state: SearchState, **extra: str) -> str:
    """The article page with the search state it was reached from (query, filters, sort, page)."""
    args = state.query_args()
    args.update(extra)
    return article_link(article_id, args)


def search_url(state: SearchState) -> str:
    """The search page of a state, on the page it was on."""
    return _url(url_for("pages.search"), state.query_args())
