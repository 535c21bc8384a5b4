"""The JSON API: `/api/search`, `/api/articles/<id>` and `/healthz` (CONTRACT.md "Web").

`/api/search` returns exactly `SearchResult.to_dict()`, the same object as `cli.py search
--format json`; errors are `{"error": "..."}` with a 4xx/5xx status (see `search_web.errors`).
"""
from __future__ import annotations

from flask import Blueprint, Response, abort, jsonify, request

from search_web.engine import get_engine
from search_web.params import search_request

bp = Blueprint("api", __name__)


@bp.get("/api/search")
def search() -> Response:
    req = search_request(request.args, with_per_page=True)
    return jsonify(get_engine().search(req).to_dict())


@bp.get("/api/articles/<path:article_id>")
def article(article_id: str) -> Response:
    found = get_engine().article(article_id)
    if found is None:
        abort(404, description=f"no article with id {article_id!r}")
    return jsonify(found.to_dict())


@bp.get("/healthz")
def healthz() -> Response:
    return jsonify({"status": "ok", "articles": get_engine().article_count()})
