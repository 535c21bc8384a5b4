"""Errors as responses: `{"error": "..."}` on JSON routes (the API, the feed), a Chinese HTML page
with the search box (the query kept) elsewhere; a refused search shows on the search page itself
(`search_web.pages`).

Bad parameters are 400, unknown articles and URLs 404, a missing index, a search that ran out of
time (`SearchTooCostly`) and heavy work with every slot taken (`search_web.limits.Busy`) 503; anything
unexpected is logged and answered with a plain 500 that shows no internals.
"""
from __future__ import annotations

from flask import Flask, Response, current_app, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from indexer.messages import Messages
from indexer.search.request import BadRequest, SearchTooCostly
from indexer.store import IndexDamaged, NoIndex
from search_web.limits import RETRY_AFTER, Busy
from search_web.params import SearchState

TITLES = {400: "请求参数有误", 404: "找不到页面", 405: "不支持这种请求", 503: "暂时无法搜索",
          500: "服务器出错了"}
DEFAULT_TEXT = {
    404: "这个地址没有内容。", 405: "这个地址只能用 GET 方式访问。",
    503: "索引尚未建立，请先运行 `python cli.py rebuild`。", 500: "处理请求时出了意外，已经记录下来。",
    400: "请求有误。", 413: "请求太大。", 414: "地址太长。", 431: "请求头太大。",
}


def wants_json() -> bool:
    return request.path.startswith(("/api/", "/feeds/")) or request.path == "/healthz"


def error_response(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    if wants_json():
        response = jsonify({"error": message})
    else:
        html = render_template("error.html", status=status, title=TITLES.get(status, "出错了"), message=message,
                               state=SearchState.raw(request.args), home=False)
        response = Response(html, mimetype="text/html")
    response.status_code = status
    response.headers.update(headers or {})
    return response


def _bad_request(exc: BadRequest) -> Response:
    return error_response(400, str(exc))


def _too_costly(exc: SearchTooCostly) -> Response:
    return error_response(503, str(exc))


def _busy(exc: Busy) -> Response:
    return error_response(503, exc.message, {"Retry-After": str(RETRY_AFTER)})


def _no_index(exc: NoIndex) -> Response:
    page = DAMAGED_TEXT if isinstance(exc, IndexDamaged) else DEFAULT_TEXT[503]
    return error_response(503, Messages("zh").reason(str(exc)) if wants_json() else page,  # (Chinese on every route)
                          {"Retry-After": "30"})


# the live index is damaged and no intact generation can be served (indexer.store.IndexDamaged)
DAMAGED_TEXT = "索引文件已损坏，暂时无法搜索。请运行 `python cli.py check` 查看，再运行 `python cli.py rebuild` 重建。"


def _http(exc: HTTPException) -> Response:
    status = exc.code or 500
    own = exc.description and exc.description != type(exc).description
    message = exc.description if own else DEFAULT_TEXT.get(status, exc.description)  # Chinese on every route
    headers = {k: v for k, v in exc.get_headers() if k == "Allow"}
    return error_response(status, message or TITLES.get(status, "error"), headers)


def _unexpected(exc: Exception) -> Response:
    if isinstance(exc, HTTPException):  # pragma: no cover - routed to _http by Flask
        return _http(exc)
    current_app.logger.exception("unexpected error on %s", request.full_path)
    return error_response(500, DEFAULT_TEXT[500])


def register(app: Flask) -> None:
    app.register_error_handler(BadRequest, _bad_request)
    app.register_error_handler(SearchTooCostly, _too_costly)
    app.register_error_handler(Busy, _busy)
    app.register_error_handler(NoIndex, _no_index)
    app.register_error_handler(HTTPException, _http)
    app.register_error_handler(Exception, _unexpected)
