"""Absolute URLs, from configuration only: never from the request's Host header.

A client chooses the Host header, so a URL built from it (a redirect's Location, the links of an
Atom feed a reader keeps) can be made to point anywhere (`Host: evil.example`). Absolute URLs
are built from the app's `BASE_URL` (`serve --base-url https://news.example.org`), else from
`BOUND_URL` (what `serve` listens on, `http://127.0.0.1:8000`), else `DEFAULT_BASE_URL`.
Redirects without a configured `BASE_URL` are relative (`Location: /?q=...`), which every browser
resolves against the address it asked.
"""
from __future__ import annotations

from html import escape
from urllib.parse import quote, urlencode, urlsplit, urlunsplit

from flask import Flask, Response, abort, current_app, request, url_for
from werkzeug.routing import PathConverter

DEFAULT_BASE_URL = "http://localhost"


def check_base_url(value: str | None) -> str | None:
    """A base URL as configured: http(s), a host, an optional path, no query or fragment;
    returned without its trailing slash. Raises ValueError naming what is wrong."""
    if value is None or not str(value).strip():
        return None
    text = str(value).strip()
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - a bad port raises here
    except ValueError as exc:
        raise ValueError(f"base URL {text!r} is not a URL: {exc}") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"base URL {text!r} must start with http:// or https:// and name a host")
    if parts.query or parts.fragment or parts.username or parts.password:
        raise ValueError(f"base URL {text!r} must have no query, fragment or user name")
    return urlunsplit((parts.scheme, parts.netloc, parts.path.rstrip("/"), "", ""))


def bound_url(host: str, port: int) -> str:
    """The URL of a server bound to host:port (a wildcard address is reached as localhost)."""
    if host in ("", "0.0.0.0", "::", "*"):
        host = "localhost"
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{port}"


def base_url() -> str:
    """The configured base for absolute URLs: BASE_URL, else BOUND_URL, else DEFAULT_BASE_URL."""
    config = current_app.config
    return (config.get("BASE_URL") or config.get("BOUND_URL") or DEFAULT_BASE_URL).rstrip("/")


def absolute(path: str) -> str:
    """`path` (an app path such as url_for gives, with its query) as an absolute URL."""
    return base_url() + "/" + path.lstrip("/")


def _redirect_location(response: Response) -> Response:
    """Redirects the app or the router makes (`//` → `/`) point at BASE_URL, or stay relative, and
    their page says so in Chinese with that link (never one built from the request's Host)."""
    location = response.headers.get("Location")
    if not (300 <= response.status_code < 400 and location):
        return response
    parts = urlsplit(location)
    if parts.scheme or parts.netloc:
        path = urlunsplit(("", "", "/" + parts.path.lstrip("/"), parts.query, parts.fragment))
        configured = current_app.config.get("BASE_URL")
        response.headers["Location"] = location = configured.rstrip("/") + path if configured else path
    if response.mimetype == "text/html":  # the page names the target too (the router's built it from Host)
        response.set_data(_REDIRECT_PAGE.format(url=escape(location)))
    return response


_REDIRECT_PAGE = ('<!doctype html>\n<html lang="zh-Hans">\n<meta charset="utf-8">\n<title>正在跳转 · 文搜</title>\n'
                  '<p>这个地址已改为 <a href="{url}">{url}</a>，浏览器会自动跳转。</p>\n')


class ArticleIdConverter(PathConverter):
    """An article id in a route (`/articles/<article_id:article_id>`, with `merge_slashes=False`):
    ids may hold `/`, written as it is; but an id with a `.` or `..` segment, or an empty one
    (`site/../a.html`, `a//b`, `/news/a.html`), would be rewritten before it arrives (a browser
    resolves dot segments away, even written `%2e`; a router merges `//`), so such an id's every
    `/` is written `%2F`: one segment, which the server decodes back to the id. Any character
    may be in an id, a line break too (the path converter's pattern stops at one)."""

    regex = r"(?s:.+?)"
    part_isolating = False

    def to_url(self, value: str) -> str:
        if any(segment in ("", ".", "..") for segment in value.split("/")):
            return quote(value, safe="")
        return super().to_url(value)


# Ids that are a dot segment whole: no path can carry them (a browser resolves `.`, `..`, `%2e`
# away), so their pages are linked as `/articles/?id=..` (`pages.article_by_query`).
DOT_IDS = (".", "..")


def article_link(article_id: str, args: dict | None = None) -> str:
    """The path (and query) of an article's page, with `args` as its query; an id that is a dot
    segment goes in the query as `id`."""
    args = dict(args or {})
    if article_id in DOT_IDS:
        base = url_for("pages.article_by_query")
        args = {"id": article_id, **args}
    else:
        base = url_for("pages.article", article_id=article_id)
    query = urlencode(args, doseq=True)
    return f"{base}?{query}" if query else base


def id_in_query() -> str:
    """The article id of `/articles/?id=…` (and of its JSON route); a 404 when none is given."""
    article_id = request.args.get("id")
    if not article_id:
        abort(404, description="没有给出文章编号（id=…）。")
    return article_id


def register_converters(app: Flask) -> None:
    """The route converters (before the blueprints whose routes name them)."""
    app.url_map.converters["article_id"] = ArticleIdConverter


def register(app: Flask) -> None:
    app.config["BASE_URL"] = check_base_url(app.config.get("BASE_URL"))
    app.jinja_env.globals["article_link"] = article_link
    app.after_request(_redirect_location)
