"""The machine-readable routes: `/api/search` (JSON), `/api/search.csv`, `/feeds/search.atom`,
`/api/articles/<id>` and `/healthz` (docs/interfaces.md "Web routes").

`/api/search` returns exactly `SearchResult.to_dict()`, the same object as `cli.py search
--format json`; the CSV and the feed render the same engine search for the same parameters
(see `search_web.exports`). Errors are `{"error": "..."}` with a 4xx/5xx status
(see `search_web.errors`).
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from urllib.parse import quote, urlencode

from flask import Blueprint, Response, abort, current_app, jsonify, request, stream_with_context, url_for

from indexer.generations import stored_article
from indexer.search.request import SearchRequest, listing_deadline
from indexer.search.result import Hit, SearchResult
from search_web.engine import get_engine
from search_web.exports import FEED_SIZE, atom_feed, csv_rows
from search_web.limits import get_limits, run_search
from search_web.params import SearchState, search_request
from search_web.urls import absolute, article_link, id_in_query
from search_web.view import shorten

bp = Blueprint("api", __name__)
CSV_PAGE = 1000  # stories asked of the engine at a time when the CSV collapses reposts (its per_page limit)
NAME_QUERY_CHARS = 40  # of the query in an export's file name
_UNSAFE_IN_NAMES = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]')
_SPACES = re.compile(r"\s+")


@bp.get("/api/search")
def search() -> Response:
    result = run_search(get_engine(), search_request(request.args))
    response = jsonify(result.to_dict())
    response.headers["Content-Disposition"] = content_disposition("inline", result.query, "json")
    return response


def _asked_collapse() -> str:
    """The URL's own `collapse` parameter ('' when it names none)."""
    return (request.args.get("collapse") or "").strip()


def _listing_request(**overrides) -> SearchRequest:
    """The request of a listing (the CSV export, the feed): the URL's search, every article
    listed — reposts each a row or entry of their own — unless the URL names `collapse`. The
    URL's own parameters are checked as the search checks them first (`per_page=abc` is a 400
    here too, though a listing pages its own way)."""
    search_request(request.args)
    return search_request(request.args, **overrides, **({} if _asked_collapse() else {"collapse": False}))


@bp.get("/api/search.csv")
def search_csv() -> Response:
    """Every matching article, however many, in the order the page would list them, streamed:
    reposts are rows of their own unless the URL asks for `collapse=1` (then one row per story)."""
    engine = get_engine()
    req = _listing_request(page=1, per_page=CSV_PAGE, deadline=export_deadline())
    release = get_limits().take()  # exports run in a heavy slot, held until the last byte is sent
    try:
        if req.collapse or not hasattr(engine, "matching"):
            rows = _story_rows(engine, req)
        else:  # matched and ordered before any byte is sent: a bad parameter is a 400, a costly one a 503
            matching = engine.matching(req)
            rows = _article_rows(matching.searcher, matching.order(len(matching.everything)))
        response = Response(stream_with_context(_releasing(csv_rows(rows), release)), mimetype="text/csv")
    except BaseException:
        release()
        raise
    response.call_on_close(release)  # a client gone before the first byte
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = content_disposition("attachment", req.query, "csv")
    return response


@dataclass
class Row:
    """One CSV row: an article's fields as a hit has them."""

    id: str
    title: str
    date: str | None
    source: str | None
    authors: list[str]
    column: str | None
    url: str | None
    duplicates: int
    score: float | None


def _releasing(chunks: Iterator[str], release) -> Iterator[str]:
    """The chunks, then the heavy slot given back (also when the stream is closed midway)."""
    try:
        yield from chunks
    finally:
        release()


def export_deadline() -> float:
    """The seconds an export's search may take (`listing_deadline` of the server's page deadline)."""
    return listing_deadline(current_app.config["DEADLINE"])


def _article_rows(searcher, ordered) -> Iterator[Row]:
    """Every article a search matches, in its order, read from the stored fields one at a time."""
    for docnum, score in ordered:
        a = stored_article(searcher.stored_fields(docnum))
        yield Row(a.id, a.title, a.date, a.source, a.authors, a.column, a.url, 0,
                  None if score is None else round(score, 4))


def _story_rows(engine, req) -> Iterator[Hit]:
    """One row per story (reposts collapsed), page by page of the engine's results."""
    result: SearchResult = engine.search(req)
    while True:
        yield from result.hits
        if len(result.hits) < req.per_page:
            return
        result = engine.search(replace(req, page=result.page + 1))


def export_name(query: str, ext: str, today: dt.date | None = None) -> str:
    """An export's file name: 文搜-<the query, shortened, made safe for file names>-<date>.<ext>."""
    cleaned = _UNSAFE_IN_NAMES.sub("", query or "")
    cleaned = _SPACES.sub("_", cleaned.strip())[:NAME_QUERY_CHARS].strip("._") or "全部文章"
    return f"文搜-{cleaned}-{(today or dt.date.today()).isoformat()}.{ext}"


def content_disposition(kind: str, query: str, ext: str) -> str:
    """`attachment` or `inline` with the export's name: UTF-8 in filename*, an ASCII stand-in
    in filename for clients that read only that."""
    today = dt.date.today()
    name, ascii_name = export_name(query, ext, today), f"wensou-{today.isoformat()}.{ext}"
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"


@bp.get("/feeds/search.atom")
def search_feed() -> Response:
    """The newest FEED_SIZE matching articles, newest first, whatever sort or page was asked;
    each repost an entry of its own (a new repost of a story is news to a feed reader) unless
    the URL asks for `collapse=1`, as the CSV export."""
    result = run_search(get_engine(), _listing_request(sort="newest", page=1, per_page=FEED_SIZE))
    state = SearchState.of(request.args, result.request)
    args = state.query_args(paging=False, sort=False)
    args.pop("collapse", None)  # the feed's own default: its links say collapse only as its URL did
    if asked := _asked_collapse():
        args["collapse"] = asked
    query = "?" + urlencode(args, doseq=True) if args else ""
    title = f"文搜：{state.q}" if state.q else "文搜：最新文章"
    body = atom_feed(
        title=title,
        feed_url=absolute(url_for("api.search_feed") + query),
        page_url=absolute(url_for("pages.search") + (query + ("&" if query else "?") + "sort=newest")),
        hits=result.hits,
        article_url=lambda article_id: absolute(article_link(article_id)),
    )
    response = Response(body, mimetype="application/atom+xml")
    response.headers["Content-Disposition"] = content_disposition("inline", state.q, "atom")
    return response


@bp.get("/api/articles/<article_id:article_id>", merge_slashes=False)
def article(article_id: str) -> Response:
    found = get_engine().article(article_id)
    if found is None:
        abort(404, description=f"没有编号为「{shorten(article_id)}」的文章")
    return jsonify(found.to_dict())


@bp.get("/api/articles/")
def article_by_query() -> Response:
    """`/api/articles/?id=..`: any article, an id that is a dot segment too (`search_web.urls.DOT_IDS`)."""
    return article(id_in_query())


@bp.get("/healthz")
def healthz() -> Response:
    from flask import current_app

    from indexer.generations import degraded

    count = get_engine().article_count()
    reason = degraded(current_app.config["INDEX_DIR"])  # the live generation is damaged: serving the previous one
    return jsonify({"status": "degraded", "articles": count, "reason": reason} if reason else
                   {"status": "ok", "articles": count})
