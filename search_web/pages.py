"""The HTML pages: the search page (`/`), one article (`/articles/<id>`) and the index's figures
(`/stats`).

Views read parameters, ask the engine, and render; hit titles, snippets and the marked article
text are HTML made safe by the engine, everything else is escaped by Jinja. A search the engine
refuses (a bad date, say) is shown on the search page itself, with the box and the query kept.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import replace
from urllib.parse import urlencode, urlsplit

from flask import Blueprint, abort, render_template, request, url_for

from indexer.messages import SKIPPED_SHOWN, Messages
from indexer.search import zerohits
from indexer.search.highlight import article_matchers, mark_article, match_spans
from indexer.search.request import BadRequest, SearchRequest
from search_web import advanced, chinese
from search_web.alternatives import facets_with_alternatives
from search_web.engine import get_engine
from search_web.limits import run_search
from search_web.params import SearchState, search_request
from search_web.urls import id_in_query
from search_web.view import SearchView, article_url, export_links, search_url, shorten

bp = Blueprint("pages", __name__)
RELATED = 5
_MARK = re.compile(r"<mark>")


@bp.get("/")
def search() -> str | tuple[str, int]:
    args = request.args
    canonical = None
    if advanced.is_advanced(args):
        args = advanced.as_search(args)
        canonical = url_for("pages.search") + ("?" + urlencode(list(args.items(multi=True))) if args else "")
    try:
        req = search_request(args)
    except BadRequest as exc:
        state = SearchState.raw(args)
        return render_template("search.html", result=None, view=None, state=state, error=str(exc),
                               exports=[], home=False, advanced_here=True, canonical=canonical), 400
    engine = get_engine()
    result = run_search(engine, req)
    state = SearchState.of(args, req)
    home = not request.args
    view = SearchView(result, state, facets_with_alternatives(engine, result))
    return render_template("search.html", result=result, state=state, view=view, canonical=canonical,
                           error=None, exports=export_links(state), home=home, advanced_here=True)


@bp.get("/stats")
def stats() -> str:
    """What `wensou stats` prints, as a page: the articles, the last build and what it skipped,
    the top sources and authors, and the searches that found nothing (so editors see which
    wordings to add)."""
    engine = get_engine()
    data = engine.stats()
    index_dir = getattr(engine, "index_dir", None)
    zero = zerohits.top(index_dir) if index_dir is not None else []
    skipped = data["last_build"]["skipped"]
    say = Messages("zh")
    shown = [{"path": s["path"], "reason": say.reason(s["reason"])} for s in skipped[:SKIPPED_SHOWN]]
    return render_template("stats.html", data=data, zero_hits=zero, skipped=shown,
                           more=max(0, len(skipped) - SKIPPED_SHOWN), state=SearchState(), home=False)


def web_url(url: str | None) -> str | None:
    """The URL if it is an http(s) address a link may point to, else None."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    return url.strip() if parts.scheme.lower() in ("http", "https") and parts.netloc else None


def number_marks(html: str) -> tuple[str, int]:
    """The engine's marked HTML with each `<mark>` numbered (`id="m1"`...), and how many there are."""
    count = 0

    def numbered(_m: re.Match) -> str:
        nonlocal count
        count += 1
        return f'<mark id="m{count}">'

    return _MARK.sub(numbered, html), count


PART_CHARS = 50_000  # a long body is shown in parts of about this many characters


def body_parts(body: str, size: int = PART_CHARS, spans: list[tuple[int, int]] = ()) -> list[tuple[int, int]]:
    """(start, end) of each part a body is shown in: cut at the last line end before `size`
    characters (in a line longer than that, after its last sentence there, else at `size`), so
    a page stays small however long the article (the index holds up to --max-body-chars of
    it); never inside one of `spans` (the query's matches: each is marked whole in one part)."""
    parts, start = [], 0
    starts = [a for a, _ in spans]
    while len(body) - start > size:
        lo, hi = start + size // 2, start + size
        end = body.rfind("\n", lo, hi)
        if end < 0:
            end = max(body.rfind(c, lo, hi) for c in "。！？；!?")
        end = hi if end < 0 else end + 1
        i = bisect.bisect_left(starts, end) - 1  # the last match starting before the cut
        if i >= 0 and spans[i][1] > end:  # ... runs across it
            end = spans[i][0] if spans[i][0] > start else spans[i][1]
        parts.append((start, end))
        start = end
    parts.append((start, len(body)))
    return parts


def _int_arg(value: str | None) -> int:
    return int(value) if value and value.isdigit() and len(value) < 7 else 1


@bp.get("/articles/")
def article_by_query() -> str:
    """`/articles/?id=..`: any article's page, an id that is a dot segment too (`search_web.urls.DOT_IDS`)."""
    return article(id_in_query())


@bp.get("/articles/<article_id:article_id>", merge_slashes=False)
def article(article_id: str) -> str:
    engine = get_engine()
    found = engine.article(article_id)
    if found is None:
        abort(404, description=f"没有编号为「{shorten(article_id)}」的文章。")
    q = SearchRequest.create(query=request.args.get("q")).query  # the one place queries are checked
    back = search_state(request.args, q)
    written = chinese.script_of(found.title + found.body)
    shown = request.args.get("zh") if request.args.get("zh") in chinese.SCRIPTS else None
    display = found
    if shown and shown != written:
        display = replace(found, title=chinese.convert(found.title, shown), body=chinese.convert(found.body, shown))
    # a long article's matches, part by part: a link from the results (no `part`) opens the first
    # part holding one, and every part says where the others are
    spans = (match_spans(display.body, article_matchers(q, variants=back.variants)[1])
             if q and len(display.body) > PART_CHARS else [])
    parts = body_parts(display.body, spans=spans)
    part_marks: list[int] = []
    if spans and len(parts) > 1:  # (every match counted: a body may hold hundreds of thousands)
        starts = [at for at, _ in spans]
        part_marks = [bisect.bisect_left(starts, b) - bisect.bisect_left(starts, a) for a, b in parts]
    if request.args.get("part") is None and any(part_marks):
        part = next(n for n, count in enumerate(part_marks, 1) if count)
    else:
        part = min(max(1, _int_arg(request.args.get("part"))), len(parts))
    in_part = replace(display, body=display.body[parts[part - 1][0]:parts[part - 1][1]])
    title_html, body_html = mark_article(in_part, q, variants=back.variants)
    body_html, marks = number_marks(body_html)
    related = engine.related(found.id, limit=RELATED)
    scripts = [(key, label, article_url(found.id, back, **({} if key == written else {"zh": key})),
                key == (shown or written))
               for key, (_cfg, _lang, label) in chinese.SCRIPTS.items()]
    def show(text: str | None) -> str:
        """A metadata value (source, author, column, keyword) in the script chosen for display."""
        return chinese.convert(text, shown) if text and display is not found else (text or "")

    return render_template("article.html", article=found, show=show, title_html=title_html,
                           body_html=body_html, marks=marks, q=q, original_url=web_url(found.url),
                           state=SearchState(q=q), back_url=search_url(back),
                           lang=chinese.lang_of(shown or written), scripts=scripts, converted=display is not found,
                           related=related, part=part, parts=len(parts), part_marks=part_marks,
                           part_url=lambda n: article_url(found.id, back, **({"zh": shown} if shown else {}),
                                                          part=str(n)))  # (part 1 too: no part opens the first with a match)


def search_state(args, q: str) -> SearchState:
    """The search an article was reached from (its link carries the search's parameters), so
    返回搜索结果 goes back to the same filters, sort and page; parameters the engine would
    refuse are dropped (only the query is kept)."""
    try:
        return SearchState.of(args, search_request(args))
    except BadRequest:
        return SearchState(q=q)
