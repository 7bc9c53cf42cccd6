"""The HTML report in a real browser: it renders offline and input text stays inert.

Skipped only where Chromium is absent; CI installs it (`apt-get install -y chromium`).
"""

import struct

import pytest

from eval.html_report import render_html
from scripts.screenshot_html import dump_dom, find_browser, screenshot
from tests.test_qa_report import attack_report

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(find_browser() is None, reason="Chromium not installed (apt-get install -y chromium)"),
]


@pytest.fixture
def page(tmp_path):
    path = tmp_path / "report.html"
    path.write_text(render_html(attack_report()), encoding="utf-8")
    return path


def test_no_script_in_the_input_runs_in_the_browser(page):
    dom = dump_dom(str(page))
    assert "<table" in dom and "<svg" in dom  # the page did load and render
    assert "data-pwned" in dom  # the attack text is there, as text ...
    body = dom[dom.index("<body"): dom.index(">", dom.index("<body")) + 1]
    assert body == "<body>"  # ... and never ran: nothing set an attribute on <body>
    assert "<img" not in dom and "<script" not in dom


def test_screenshot_of_the_report(page, tmp_path):
    png = tmp_path / "report.png"
    screenshot(str(page), str(png), width=1000, height=700)
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (1000, 700)
