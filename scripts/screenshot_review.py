"""Screenshot the `dari serve` review page of a QA report with headless Chromium (the README's picture):
    python scripts/screenshot_review.py report.json review.png [--db report.review.sqlite] [--article 0]
The report is served from a temporary copy of the review database (a fresh one without --db), on a
free local port, for the time of the screenshot: the review itself is never changed.
Needs the test extra (the serve extra and Playwright's driver, which drives the system Chromium and
downloads no browser) and Chromium (Debian/Ubuntu: `apt-get install -y chromium fonts-nanum`; the
Nanum fonts draw the Korean).
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
import tempfile
import threading

from eval.review.report_file import read_report
from eval.review.server import launch
from eval.review.store import ReviewStore
from mt.io.errors import DariError
from scripts.screenshot_html import FLAGS, find_browser


def screenshot(url: str, png: str, width: int, height: int) -> None:
    """The page once its script has run (Playwright waits for it, which Chromium's --screenshot does not)."""
    from playwright.sync_api import sync_playwright

    browser_path = find_browser()
    if browser_path is None:
        raise FileNotFoundError("no Chromium found; install it with `apt-get install -y chromium`")
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=browser_path, args=list(FLAGS))
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            page.goto(url)
            page.wait_for_selector("html.keys-ready")
            page.screenshot(path=png)
        finally:
            browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description="Screenshot the review page of a QA report.")
    parser.add_argument("report")
    parser.add_argument("png")
    parser.add_argument("--db", default=None, help="review database whose decisions to show (copied first)")
    parser.add_argument("--article", type=int, default=0, help="article to show, by position in the report")
    parser.add_argument("--width", type=int, default=1400)
    parser.add_argument("--height", type=int, default=1000)
    args = parser.parse_args()
    png = os.path.abspath(args.png)
    try:
        report = read_report(args.report)
        with tempfile.TemporaryDirectory(prefix="dari-review-shot-") as folder:
            name = os.path.basename(args.db or "review.sqlite")
            if args.db:
                with sqlite3.connect(args.db) as source, sqlite3.connect(os.path.join(folder, name)) as target:
                    source.backup(target)
            home = os.getcwd()
            os.chdir(folder)  # the page names the database by its file name, as the reader knows it
            try:
                store = ReviewStore(name)
                store.load_report(report, args.report)
                started = launch(store, "127.0.0.1", 0)
                thread = threading.Thread(target=started.run, daemon=True)
                thread.start()
                try:
                    screenshot(f"{started.url}a/{args.article}", png, args.width, args.height)
                finally:
                    started.stop()
                    thread.join(timeout=10)
            finally:
                os.chdir(home)
    except DariError as err:
        sys.exit(f"Error: {err}")
    except (FileNotFoundError, RuntimeError) as err:
        sys.exit(f"screenshot failed: {err}")
    print(args.png)


if __name__ == "__main__":
    main()
