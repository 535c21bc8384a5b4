"""Browser-test fixtures: a test index served by waitress on loopback, and headless Chromium
(Debian's /usr/bin/chromium) driven by Playwright. A missing browser or Playwright is an error,
never a skip: CI installs both."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # tests/: web_fixtures

from web_fixtures import build_index, live_server

from search_web import create_app

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def base_url(tmp_path_factory):
    app = create_app({"INDEX_DIR": build_index(tmp_path_factory.mktemp("browser"))})
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


@pytest.fixture
def page(browser, base_url):
    """A fresh page that records dialogs, console errors and CSP violations."""
    context = browser.new_context(base_url=base_url, locale="zh-CN")
    pg = context.new_page()
    pg.dialogs = []  # type: ignore[attr-defined]
    pg.errors = []  # type: ignore[attr-defined]

    def on_dialog(dialog) -> None:
        pg.dialogs.append(dialog.message)  # type: ignore[attr-defined]
        dialog.dismiss()

    pg.on("dialog", on_dialog)
    pg.on("pageerror", lambda exc: pg.errors.append(str(exc)))  # type: ignore[attr-defined]
    pg.on("console", lambda msg: msg.type == "error" and pg.errors.append(msg.text))  # type: ignore[attr-defined]
    yield pg
    context.close()
