"""The machine-readable routes: `/api/search` (JSON), `/api/search.csv`, `/feeds/search.atom`,
`/api/articles/<id>` and `/healthz` (docs/interfaces.md "Web routes").

`/api/search` returns exactly `SearchResult.to_dict()`, the same object as `cli.py search
--format json`; the CSV and the feed render the same engine search for the same parameters
(see `search_web.exports`). Errors are `{"error": "..."}` with a 4xx/5xx status
(see `search_web.errors`).
"""
from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlencode

from flask import Blueprint, Response, abort, jsonify, request, stream_with_context, url_for

from indexer.search import Hit, SearchResult
from search_web.engine import get_engine
from search_web.exports import CSV_MAX_ROWS, FEED_SIZE, atom_feed, csv_rows
from search_web.params import SearchState, search_request
from search_web.view import shorten

bp = Blueprint("api", __name__)
CSV_PAGE = 1000  # rows asked of the engine at a time (its per_page limit)


@bp.get("/api/search")
def search() -> Response:
    return jsonify(get_engine().search(search_request(request.args)).to_dict())


@bp.get("/api/search.csv")
def search_csv() -> Response:
    """Every matching article (up to CSV_MAX_ROWS) in the order the page would list them: reposts
    are rows of their own unless the URL asks for `collapse=1`."""
    engine = get_engine()
    every = {} if (request.args.get("collapse") or "").strip() else {"collapse": False}
    first = engine.search(search_request(request.args, page=1, per_page=CSV_PAGE, **every))  # 400 before any byte

    def hits() -> Iterator[Hit]:
        result: SearchResult = first
        sent = 0
        while True:
            for hit in result.hits:
                if sent == CSV_MAX_ROWS:
                    return
                sent += 1
                yield hit
            if len(result.hits) < CSV_PAGE or sent >= min(result.total, CSV_MAX_ROWS):
                return
            result = engine.search(search_request(request.args, page=result.page + 1, per_page=CSV_PAGE, **every))

    response = Response(stream_with_context(csv_rows(hits())), mimetype="text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = "attachment; filename=wensou-search.csv"
    return response


@bp.get("/feeds/search.atom")
def search_feed() -> Response:
    """The newest FEED_SIZE matching articles, newest first, whatever sort or page was asked."""
    result = get_engine().search(search_request(request.args, sort="newest", page=1, per_page=FEED_SIZE))
    state = SearchState.of(request.args, result.request)
    args = state.query_args(paging=False, sort=False)
    query = "?" + urlencode(args, doseq=True) if args else ""
    title = f"文搜：{state.q}" if state.q else "文搜：最新文章"
    body = atom_feed(
        title=title,
        feed_url=url_for("api.search_feed", _external=True) + query,
        page_url=url_for("pages.search", _external=True) + (query + ("&" if query else "?") + "sort=newest"),
        hits=result.hits,
        article_url=lambda article_id: url_for("pages.article", article_id=article_id, _external=True),
    )
    return Response(body, mimetype="application/atom+xml")


@bp.get("/api/articles/<path:article_id>")
def article(article_id: str) -> Response:
    found = get_engine().article(article_id)
    if found is None:
        abort(404, description=f"没有编号为「{shorten(article_id)}」的文章")
    return jsonify(found.to_dict())


@bp.get("/healthz")
def healthz() -> Response:
    from flask import current_app

    from indexer.generations import degraded

    count = get_engine().article_count()
    reason = degraded(current_app.config["INDEX_DIR"])  # the live generation is damaged: serving the previous one
    return jsonify({"status": "degraded", "articles": count, "reason": reason} if reason else
                   {"status": "ok", "articles": count})
