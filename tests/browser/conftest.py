"""Browser-test fixtures: a test index served by waitress on loopback, and headless Chromium
(Debian's /usr/bin/chromium) driven by Playwright.

Every test here is marked `browser`. Where Chromium or Playwright is missing, CI (`$CI` set)
fails, since it installs both; elsewhere (a laptop) the browser tests are skipped with one
line saying why, and the rest of the suite runs."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # tests/: helpers

from helpers import build_facet_index, build_index, live_server

from search_web import create_app

CHROMIUM = "/usr/bin/chromium"
def _missing() -> str | None:
    """Why the browser tests cannot run here, or None."""
    if not Path(CHROMIUM).exists():
        return f"{CHROMIUM} is missing (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright is missing (pip install -r requirements-dev.txt)"
    return None


def pytest_collection_modifyitems(config, items) -> None:
    here = Path(__file__).resolve().parent
    mine = [item for item in items if here in Path(str(item.fspath)).resolve().parents]
    for item in mine:
        item.add_marker(pytest.mark.browser)
    why = _missing() if mine else None
    if why is None:
        return
    if os.environ.get("CI"):
        raise pytest.UsageError(f"browser tests cannot run: {why}")
    skip = pytest.mark.skip(reason=f"browser tests skipped: {why}")
    for item in mine:
        item.add_marker(skip)


CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def base_url(tmp_path_factory):
    app = create_app({"INDEX_DIR": build_index(tmp_path_factory.mktemp("browser"))})
    with live_server(app) as url:
        yield url


@pytest.fixture(scope="session")
def facets_url(tmp_path_factory):
    """A second server: long facet lists, columns, years with gaps, a Traditional article."""
    app = create_app({"INDEX_DIR": build_facet_index(tmp_path_factory.mktemp("browser-facets"))})
    with live_server(app) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import (
        sync_playwright,  # here, so its absence fails these tests only
    )

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


def _page(browser, base_url: str, **options):
    """A fresh page that records dialogs, console errors and CSP violations."""
    context = browser.new_context(base_url=base_url, locale="zh-CN", **options)
    pg = context.new_page()
    pg.dialogs = []  # type: ignore[attr-defined]
    pg.errors = []  # type: ignore[attr-defined]

    def on_dialog(dialog) -> None:
        pg.dialogs.append(dialog.message)  # type: ignore[attr-defined]
        dialog.dismiss()

    pg.on("dialog", on_dialog)
    pg.on("pageerror", lambda exc: pg.errors.append(str(exc)))  # type: ignore[attr-defined]
    pg.on("console", lambda msg: msg.type == "error" and pg.errors.append(msg.text))  # type: ignore[attr-defined]
    return context, pg


@pytest.fixture
def page(browser, base_url):
    context, pg = _page(browser, base_url)
    yield pg
    context.close()


@pytest.fixture
def facets_page(browser, facets_url):
    """A page on the long-lists server."""
    context, pg = _page(browser, facets_url)
    yield pg
    context.close()


@pytest.fixture
def nojs_page(browser, facets_url):
    """A page on the long-lists server with JavaScript turned off: every feature must still work."""
    context, pg = _page(browser, facets_url, java_script_enabled=False)
    yield pg
    context.close()


@pytest.fixture
def phone_page(browser, facets_url):
    context, pg = _page(browser, facets_url, viewport={"width": 390, "height": 844}, is_mobile=True,
                        has_touch=True)
    yield pg
    context.close()
