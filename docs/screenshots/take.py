"""Screenshots of the search page at desktop and phone width, over the demo articles.

    python docs/screenshots/take.py [OUT_DIR]     (default: docs/screenshots)

Builds an index of index_data/articles in a temporary folder, serves it on a loopback port
with waitress, and has Debian's Chromium (/usr/bin/chromium, through Playwright) capture the
home page, a search with filters and the year/month charts, an article with its matches, the
advanced-search form and a refused date, each at 1280 px and 390 px wide.
"""
from __future__ import annotations

import sys
import tempfile
import threading
from pathlib import Path

import waitress
from playwright.sync_api import sync_playwright

REPO = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(REPO))

from indexer.ingest.run import run_ingest  # noqa: E402
from search_web import create_app  # noqa: E402

SIZES = {"desktop": (1280, 900), "phone": (390, 844)}
SHOTS = [  # name, path, what to do before the shot
    ("home", "/", None),
    ("results", "/?q=修正&source=公共工程委員會&source=金融監督管理委員會&from=2005&to=2005", None),
    ("article", None, "article"),
    ("advanced", "/?q=環境", "advanced"),
    ("bad-date", "/?q=环境&from=2020-13-45", None),
]


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        index = Path(tmp) / "index"
        run_ingest(index, [REPO / "index_data" / "articles"], rebuild=True)
        server = waitress.create_server(create_app({"INDEX_DIR": index}), host="127.0.0.1", port=0, threads=4)
        threading.Thread(target=server.run, daemon=True).start()
        base = f"http://127.0.0.1:{server.effective_port}"
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
            for size, (w, h) in SIZES.items():
                page = browser.new_page(viewport={"width": w, "height": h}, locale="zh-CN")
                for name, path, action in SHOTS:
                    if action == "article":
                        page.goto(base + "/?q=修正")
                        page.locator(".hit-title a").first.click()
                        page.wait_for_load_state()
                        page.locator(".match-next").click()
                    else:
                        page.goto(base + path)
                    if action == "advanced":
                        page.locator("#advanced summary").click()
                        page.locator("#advanced").scroll_into_view_if_needed()
                    page.screenshot(path=str(out / f"{name}-{size}.png"), full_page=action != "article")
                page.close()
            browser.close()
        server.close()
    print(f"screenshots in {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "docs" / "screenshots")
