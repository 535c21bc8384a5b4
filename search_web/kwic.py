"""The concordance (语境索引, KWIC) on the web: `/concordance` (a page), `/api/concordance` (JSON)
and `/api/concordance.csv`, for the search parameters of `/` plus `width` and `sort`
(docs/interfaces.md "Concordance", "Web routes").

The lines come from `indexer.search.concordance.concordance` over the search's own request (query,
filters, `within`, variants): these views only read parameters and render. `sort` here is the
concordance's (date, source, left, right); the articles are read in relevance order. The page
lists the first `PAGE_LINES` lines and says so when there are more (the CSV has them all), with
the occurrences per year as a chart of plain HTML bars.
"""
from __future__ import annotations

from flask import Blueprint, Response, jsonify, render_template, request, stream_with_context, url_for

from indexer.search.concordance import SORTS, concordance, options
from search_web.api import content_disposition, export_deadline
from search_web.engine import get_engine
from search_web.limits import get_limits
from search_web.params import SearchState, search_request
from search_web.view import Chart, _bars, _url, article_url, search_url

bp = Blueprint("kwic", __name__)
PAGE_LINES = 1000
SORT_LABELS = {"date": "日期", "source": "来源", "left": "左侧上下文", "right": "右侧上下文"}


def _concordance():
    """(the Concordance, the search state) for the URL's parameters; raises BadRequest."""
    width, sort = options(request.args.get("width"), request.args.get("sort"))
    req = search_request(request.args, sort=None, page=None, per_page=None, deadline=export_deadline())
    release = get_limits().take()  # the concordance reads up to thousands of articles: a heavy slot
    try:
        return concordance(get_engine(), req, width=width, sort=sort), SearchState.of(request.args, req)
    finally:
        release()


def concordance_args(state: SearchState, width: int | None = None, sort: str | None = None) -> dict:
    """URL parameters of a concordance: the search's (no paging or search sort) and its own."""
    args = state.query_args(paging=False, sort=False)
    if width is not None and width != 30:
        args["width"] = str(width)
    if sort and sort != "date":
        args["sort"] = sort
    return args


def year_chart(conc, state: SearchState) -> Chart | None:
    """Occurrences per year, oldest first (undated last); a bar links to that year's lines."""
    if not conc.per_year:
        return None
    rows = []
    for year, count in conc.per_year:
        url = None
        if year:
            url = _url(url_for("kwic.page"), concordance_args(state.with_(date_from=year, date_to=year),
                                                               conc.width, conc.sort))
        rows.append((year or "", f"{year}年" if year else "无日期", count, url, False))
    return Chart("kwic-year", "各年出现次数", _bars(rows), unit="处")


@bp.get("/concordance")
def page() -> str:
    conc, state = _concordance()
    here = concordance_args(state, conc.width, conc.sort)
    return render_template(
        "concordance.html", conc=conc, state=state, lines=conc.lines[:PAGE_LINES], page_lines=PAGE_LINES,
        chart=year_chart(conc, state), sorts=SORT_LABELS, home=False,
        csv_url=_url(url_for("kwic.csv_export"), here), json_url=_url(url_for("kwic.json_export"), here),
        search_url=search_url(state), article_url=lambda article_id: article_url(article_id, state),
        hidden=[(k, v) for k, v in state.hidden_fields("q", "facet_size", "per_page", "sort")])


@bp.get("/api/concordance")
def json_export() -> Response:
    conc, _state = _concordance()
    response = jsonify(conc.to_dict())
    response.headers["Content-Disposition"] = content_disposition("inline", conc.query, "json")
    return response


@bp.get("/api/concordance.csv")
def csv_export() -> Response:
    conc, _state = _concordance()
    response = Response(stream_with_context(conc.csv_chunks()), mimetype="text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = content_disposition("attachment", "语境索引-" + conc.query, "csv")
    return response


assert set(SORT_LABELS) == set(SORTS)
