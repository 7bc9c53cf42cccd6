"""Open an HTML report in headless Chromium: save a screenshot, or print the DOM after page load.

The QA report must work offline in a real browser and keep article text inert; this is how that is
checked (tests/test_qa_browser.py) and how the README screenshot is made:
    python scripts/screenshot_html.py report.html report.png [--width 1280 --height 1600]
Needs Chromium (Debian/Ubuntu: `apt-get install -y chromium`).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
# Headless, no sandbox (containers run as root), and nothing that talks to the network on start-up.
FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
)


def find_browser() -> str | None:
    return next((path for path in map(shutil.which, BROWSERS) if path), None)


def _run(html_path: str, action: list[str], timeout: float) -> subprocess.CompletedProcess:
    browser = find_browser()
    if browser is None:
        raise FileNotFoundError("no Chromium found; install it with `apt-get install -y chromium`")
    with tempfile.TemporaryDirectory(prefix="dari-chromium-") as profile:
        command = [browser, *FLAGS, f"--user-data-dir={profile}", *action, Path(html_path).resolve().as_uri()]
        return subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=True)


def screenshot(html_path: str, png_path: str, width: int = 1280, height: int = 1600, timeout: float = 120) -> None:
    _run(html_path, [f"--screenshot={os.path.abspath(png_path)}", f"--window-size={width},{height}", "--hide-scrollbars"], timeout)
    if not os.path.isfile(png_path):
        raise RuntimeError(f"Chromium wrote no screenshot to {png_path}")


def dump_dom(html_path: str, timeout: float = 120) -> str:
    """The document as the browser has it after loading, i.e. after any script would have run."""
    return _run(html_path, ["--dump-dom"], timeout).stdout


def main() -> None:
    parser = argparse.ArgumentParser(description="Screenshot an HTML file with headless Chromium.")
    parser.add_argument("html")
    parser.add_argument("png")
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=1600)
    args = parser.parse_args()
    if not os.path.isfile(args.html):
        sys.exit(f"{args.html}: no such file")
    try:
        screenshot(args.html, args.png, args.width, args.height)
    except (FileNotFoundError, RuntimeError, subprocess.SubprocessError) as err:
        sys.exit(f"screenshot failed: {err}")
    print(args.png)


if __name__ == "__main__":
    main()
