"""Saved searches on the web: `GET /saved` (the list, each with links to run it and to its feed,
and a form to save one), `POST /saved` (save one) and `GET /feeds/saved/<name>.atom` (a saved
search's newest matching articles as Atom). The searches live with the index (`indexer.saved`).

`GET /saved?q=...&source=...` fills the form with that search, so a page can offer "save this
search" as a plain link. The form posts name, q and the filters (source, author, column
repeatable; from, to) as the search page names them.

Cross-site requests cannot save: the app keeps no session (nothing a forged request could ride
on), and a POST is refused (403) when the browser says it comes from another site: an `Origin`
header naming another host, or `Sec-Fetch-Site: cross-site`/`same-site`. Browsers send at least
one of them with every cross-site form post; clients that send neither are not browsers and
carry no user's credentials. Bad input gets a 400 with the form and the values kept.
"""
from __future__ import annotations

from urllib.parse import urlencode, urlsplit

from flask import Blueprint, Response, abort, current_app, redirect, render_template, request, url_for

from indexer import saved
from indexer.backends import desk_dir
from indexer.messages import Messages
from indexer.search.request import BadRequest, SearchRequest
from search_web.engine import get_engine
from search_web.exports import FEED_SIZE, atom_feed
from search_web.params import SearchState
from search_web.urls import absolute, article_link

bp = Blueprint("saved", __name__)


def _desk():
    """The folder of the index's saved searches (the index folder, or a cluster index's desk)."""
    return desk_dir(current_app.config["INDEX_DIR"])


def _search_url(s: saved.SavedSearch, **extra: str) -> str:
    args = ([("q", s.query)] if s.query else []) + s.filters() + list(extra.items())
    return url_for("pages.search") + ("?" + urlencode(args) if args else "")


def _form_values(source) -> dict:
    def values(name: str) -> list[str]:
        return [v.strip() for v in source.getlist(name)[:50] if v.strip()]

    return {"name": (source.get("name") or "").strip(), "q": source.get("q") or "",
            "source": values("source"), "author": values("author"), "column": values("column"),
            "from": (source.get("from") or "").strip(), "to": (source.get("to") or "").strip(),
            "within": values("within"), "variants": _variants(source.get("variants"))}


def _variants(raw: str | None) -> bool:
    """`variants=` as a search reads it (0/false/no/off: without the other strait's wordings)."""
    try:
        return SearchRequest.create(variants=raw).variants
    except BadRequest:
        return True


def _page(form: dict, error: str | None = None, status: int = 200):
    searches = saved.load(_desk())
    rows = [{"s": s, "run": _search_url(s), "newest": _search_url(s, sort="newest"),
             "feed": url_for("saved.feed", name=s.name), "filters": s.describe("zh")} for s in searches]
    return render_template("saved.html", rows=rows, form=form, error=error, home=False,
                           state=SearchState(), max_name=saved.MAX_NAME), status


@bp.get("/saved")
def list_saved():
    return _page(_form_values(request.args))


def _cross_site() -> bool:
    fetch_site = (request.headers.get("Sec-Fetch-Site") or "").lower()
    if fetch_site in ("cross-site", "same-site"):
        return True
    origin = request.headers.get("Origin")
    if origin is None:
        return False
    try:
        parts = urlsplit(origin)
    except ValueError:
        return True
    return origin == "null" or parts.netloc.lower() != request.host.lower() or parts.scheme != request.scheme


@bp.post("/saved")
def save():
    if _cross_site():
        abort(403, description="只能在本站保存搜索。")
    form = _form_values(request.form)
    try:
        search = saved.make(form["name"], form["q"], form["source"], form["author"], form["column"],
                            form["from"] or None, form["to"] or None, form["within"], form["variants"])
        saved.add(_desk(), search, replace=(request.form.get("replace") or "") == "1")
    except saved.BadSaved as exc:
        return _page(form, Messages("zh").reason(str(exc)), 400)
    return redirect(url_for("saved.list_saved"), code=303)


@bp.get("/feeds/saved/<name>.atom")
def feed(name: str) -> Response:
    """The saved search's newest FEED_SIZE matching articles, newest first, reposts each an
    entry of their own (as the search feed)."""
    found = saved.get(_desk(), name)
    if found is None:
        abort(404, description=f"没有名为「{name}」的保存的搜索")
    result = get_engine().search(found.request(sort="newest", page=1, per_page=FEED_SIZE, collapse=False))
    body = atom_feed(
        title=f"文搜：{found.name}",
        feed_url=absolute(url_for("saved.feed", name=found.name)),  # from the base URL, not the Host header
        page_url=absolute(_search_url(found, sort="newest")),
        hits=result.hits,
        article_url=lambda article_id: absolute(article_link(article_id)),
    )
    return Response(body, mimetype="application/atom+xml")
