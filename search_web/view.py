"""The search page's links and layout numbers, made from one SearchResult and the search state.

Nothing here finds or counts articles: facet values and counts come from the engine as they
are. This module only decides what each link points to (add a filter, remove it, change page
or sort), which months to list, and how long each bar of the per-year chart is.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import url_for

from indexer.search import (
    BadRequest,
    FacetValue,
    SearchRequest,
    SearchResult,
    parse_date_bound,
)
from search_web.params import SearchState

SORT_LABELS = {"relevance": "相关度", "newest": "最新", "oldest": "最早"}
RECENT_MONTHS = 12
CHART_MAX_YEARS = 40
CHART_WIDTH, CHART_HEIGHT = 320, 100


def search_url(state: SearchState) -> str:
    return url_for("pages.search", **state.query_args())


@dataclass(frozen=True)
class Link:
    label: str
    url: str
    count: int | None = None
    selected: bool = False


@dataclass(frozen=True)
class Bar:
    year: str
    count: int
    x: float
    y: float
    width: float
    height: float
    url: str


@dataclass(frozen=True)
class Chart:
    bars: list[Bar]
    width: int
    height: int
    summary: str


class SearchView:
    """Everything the search template shows besides the hits themselves."""

    def __init__(self, result: SearchResult, state: SearchState) -> None:
        self.result = result
        self.state = state
        self.request: SearchRequest = result.request

    # -- facets

    def value_links(self, name: str) -> list[Link]:
        """Source or author values: a click adds the filter; a selected one's link removes it."""
        field = "sources" if name == "source" else "authors"
        chosen: tuple[str, ...] = getattr(self.state, field)
        links = []
        for v in self.result.facets.get(name, []):
            if v.selected or v.value in chosen:
                new = tuple(x for x in chosen if x != v.value)
                links.append(Link(v.value, search_url(self.state.with_(**{field: new})), v.count, True))
            else:
                new = chosen + (v.value,)
                links.append(Link(v.value, search_url(self.state.with_(**{field: new})), v.count))
        return links

    def _period_link(self, v: FacetValue, label: str) -> Link:
        try:
            selected = (self.request.date_from == parse_date_bound(v.value, end=False, name="from")
                        and self.request.date_to == parse_date_bound(v.value, end=True, name="to"))
        except BadRequest:  # a stored date the request syntax cannot name: never selected
            selected = False
        if selected:
            return Link(label, search_url(self.state.with_(date_from="", date_to="")), v.count, True)
        return Link(label, search_url(self.state.with_(date_from=v.value, date_to=v.value)), v.count)

    def year_links(self) -> list[Link]:
        return [self._period_link(v, v.value) for v in self.result.facets.get("year", [])]

    def month_year(self) -> str | None:
        """The year whose months are listed: the one the date range lies in, if it lies in one."""
        f, t = self.request.date_from, self.request.date_to
        return f[:4] if f and t and f[:4] == t[:4] else None

    def month_links(self) -> list[Link]:
        """Months of the selected year, or else the most recent months with results."""
        months = self.result.facets.get("month", [])
        year = self.month_year()
        if year:
            months = [m for m in months if m.value.startswith(year)]
        else:
            months = months[:RECENT_MONTHS]
        return [self._period_link(m, f"{m.value[:4]}年{int(m.value[5:7])}月") for m in months]

    # -- chosen filters

    def chips(self) -> list[Link]:
        """The filters in force, each with a link that removes it."""
        s = self.state
        chips = [Link(f"来源：{v}", search_url(s.with_(sources=tuple(x for x in s.sources if x != v))))
                 for v in s.sources]
        chips += [Link(f"作者：{v}", search_url(s.with_(authors=tuple(x for x in s.authors if x != v))))
                  for v in s.authors]
        if s.date_from or s.date_to:
            chips.append(Link(f"日期：{self.date_label()}", search_url(s.with_(date_from="", date_to=""))))
        return chips

    def date_label(self) -> str:
        f, t = self.state.date_from, self.state.date_to
        if f and f == t:
            return f
        return f"{f or '最早'} 至 {t or '最新'}"

    def exits(self) -> list[Link]:
        """For an empty result: links that drop the query or one filter, and one that drops all."""
        s = self.state
        links = list(self.chips())
        links = [Link("去掉" + c.label, c.url) for c in links]
        if s.q and (s.sources or s.authors or s.date_from or s.date_to):
            links.insert(0, Link(f"只去掉查询词「{s.q}」", search_url(s.with_(q=""))))
            links.append(Link(f"只搜索「{s.q}」，不加筛选", search_url(SearchState(q=s.q, sort=s.sort))))
        links.append(Link("查看全部文章", url_for("pages.search")))
        return links

    # -- sorting and paging

    def sort_links(self) -> list[Link]:
        """Relevance, newest, oldest, with the sort the engine applied (`result.sort`) selected.
        Where it could not rank by relevance (no query, or one that only excludes) relevance is
        not offered."""
        current = self.result.sort
        keys = list(SORT_LABELS)
        if not self.state.q or (self.request.sort == "relevance" and current != "relevance"):
            keys.remove("relevance")
        return [Link(SORT_LABELS[key], search_url(self.state.with_(sort=key)), selected=key == current)
                for key in keys]

    def page_url(self, page: int) -> str:
        return search_url(self.state.with_(page=page))

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

    # -- per-year chart

    def year_chart(self) -> Chart | None:
        """Bars for results per year, oldest left; years without results inside the range are zero."""
        counts = {v.value: v.count for v in self.result.facets.get("year", [])}
        if not counts:
            return None
        years = sorted(counts)
        if all(y.isascii() and y.isdigit() for y in years) and int(years[-1]) - int(years[0]) < CHART_MAX_YEARS:
            years = [str(y) for y in range(int(years[0]), int(years[-1]) + 1)]
        top = max(counts.values())
        step = CHART_WIDTH / len(years)
        bar_w = min(max(step * 0.8, 1.0), 48.0)
        bars = []
        for i, year in enumerate(years):
            c = counts.get(year, 0)
            h = round(CHART_HEIGHT * c / top, 1)
            v = FacetValue(year, c)
            bars.append(Bar(year, c, round(i * step + (step - bar_w) / 2, 1), round(CHART_HEIGHT - h, 1),
                            round(bar_w, 1), h, self._period_link(v, year).url))
        summary = "，".join(f"{b.year}年 {b.count} 篇" for b in bars if b.count)
        return Chart(bars, CHART_WIDTH, CHART_HEIGHT, summary)
