"""The HTML pages: the search page (`/`) and one article (`/articles/<id>`).

Views read parameters, ask the engine, and render; hit titles, snippets and the marked article
text are HTML made safe by the engine, everything else is escaped by Jinja.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, abort, render_template, request

from indexer.search import SearchRequest
from search_web.engine import get_engine
from search_web.params import SearchState, search_request
from search_web.view import SearchView

bp = Blueprint("pages", __name__)


@bp.get("/")
def search() -> str:
    req = search_request(request.args, with_per_page=False)
    result = get_engine().search(req)
    state = SearchState.of(request.args, req)
    return render_template("search.html", result=result, state=state, view=SearchView(result, state))


def web_url(url: str | None) -> str | None:
    """The URL if it is an http(s) address a link may point to, else None."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    return url.strip() if parts.scheme.lower() in ("http", "https") and parts.netloc else None


@bp.get("/articles/<path:article_id>")
def article(article_id: str) -> str:
    engine = get_engine()
    found = engine.article(article_id)
    if found is None:
        abort(404, description=f"没有编号为「{article_id}」的文章。")
    q = SearchRequest.create(query=request.args.get("q")).query  # the one place queries are checked
    title_html, body_html = engine.mark_article(found, q)
    return render_template("article.html", article=found, title_html=title_html, body_html=body_html,
                           q=q, original_url=web_url(found.url), state=SearchState(q=q))
