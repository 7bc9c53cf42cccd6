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


MEASURE = ("<script>document.body.setAttribute('data-overflow', "
           "String(document.documentElement.scrollWidth - document.documentElement.clientWidth))</script></body>")


def test_long_tokens_wrap_inside_the_table_instead_of_widening_the_page(tmp_path):
    """A URL or hash without spaces must not push the report wider than the window."""
    from click.testing import CliRunner

    from mt.cli import main

    token = "https://example.com/" + "x" * 600
    (tmp_path / "ko.txt").write_text(f"정부는 {token} 에서 발표했다.\n야당은 반대했다.\n", encoding="utf-8")
    (tmp_path / "en.txt").write_text(f"The government announced it at {token}.\nThe opposition objected.\n", encoding="utf-8")
    page = tmp_path / "report.html"
    result = CliRunner().invoke(main, ["qa", "--src", str(tmp_path / "ko.txt"), "--ref", str(tmp_path / "en.txt"),
                                       "--mt", str(tmp_path / "en.txt"), "--embed", "none", "--confirm", "none",
                                       "-o", str(tmp_path / "r.json"), "--html", str(page)])
    assert result.exit_code == 0, result.output
    page.write_text(page.read_text(encoding="utf-8").replace("</body>", MEASURE), encoding="utf-8")
    dom = dump_dom(str(page))
    assert 'data-overflow="0"' in dom
