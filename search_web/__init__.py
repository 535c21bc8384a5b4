"""wensou (文搜) on the web: the application factory.

`create_app(config)` builds a Flask app over one index directory (config key `INDEX_DIR`;
default `$WENSOU_INDEX`, else `index_data/index`) with one shared, thread-safe `SearchEngine`
that follows new index generations by itself. The search page and the JSON API are two
blueprints that only render what the engine returns (docs/interfaces.md "Web routes").
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

from indexer import paths, processes
from indexer.backends import open_engine
from indexer.search.request import DEFAULT_DEADLINE
from search_web import api, chinese, errors, kwic, pages, saved, security, urls, view
from search_web.engine import ENGINE_KEY, warm_up
from search_web.jsonout import OrjsonProvider
from search_web.limits import LIMITS_KEY, Limits


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """A Flask app serving the search page and the JSON API over config["INDEX_DIR"].

    Config keys: INDEX_DIR (path), WARM_UP (default True: load the text analysis once now,
    before the server's threads ask for it), BASE_URL (the public address absolute URLs and
    redirects are built from, never the request's Host header; `search_web.urls`) and BOUND_URL
    (what `serve` listens on: the Atom feed's links when no BASE_URL is set), DEADLINE (seconds a
    search may take before it stops with a 503; default 2) and HEAVY_SLOTS (how many heavy
    requests, exports and the concordance, may run at once; `search_web.limits`).
    """
    app = Flask(__name__)
    app.config.update(INDEX_DIR=paths.default_index_dir(), WARM_UP=True, DEADLINE=DEFAULT_DEADLINE, HEAVY_SLOTS=2)
    app.config.update(config or {})
    app.config["INDEX_DIR"] = Path(app.config["INDEX_DIR"])
    app.json = OrjsonProvider(app)  # keys in order, UTF-8 as written: Flask's output, encoded faster
    app.jinja_env.filters["zh_lang"] = chinese.lang_of_text
    app.jinja_env.filters["shorten"] = view.shorten

    processes.allow_open_files()  # under any WSGI server: a large index holds hundreds of files open
    engine = open_engine(app.config["INDEX_DIR"])  # a folder, or an opensearch:// index
    app.extensions[ENGINE_KEY] = engine
    app.extensions[LIMITS_KEY] = Limits(app.config["HEAVY_SLOTS"])
    urls.register_converters(app)
    app.register_blueprint(pages.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(kwic.bp)  # the concordance (语境索引)
    app.register_blueprint(saved.bp)  # saved searches and their feeds
    errors.register(app)
    security.register(app)
    urls.register(app)
    if app.config["WARM_UP"]:
        warm_up(engine)
    if hasattr(engine, "deadline"):  # after the warm-up, which loads what the first search needs
        engine.deadline = float(app.config["DEADLINE"])  # a search past it stops: 503
    return app
