"""`dari serve` in a real headless Chromium, driven by Playwright: review with mouse and keyboard,
export TMX from the page, read it back with `dari corpus stats`, and check the database.

Skipped only where Chromium is absent; CI installs it (`apt-get install -y chromium`) and the test
extra installs Playwright's driver (Playwright's own browser download is not used).
"""

import json
import os
import re
import sqlite3
import subprocess
import sys

import pytest

from review_support import NUMBERS, QVC, ROOT, qa_report, request
from scripts.screenshot_html import find_browser

playwright = pytest.importorskip("playwright.sync_api")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(find_browser() is None, reason="Chromium not installed (apt-get install -y chromium)"),
]
FIXED = "Siminoff said sales rose after his 2013 appearance on Shark Tank, where the panel declined to fund the startup."
WAIT_MS = 15_000


@pytest.fixture
def server(tmp_path):
    """`dari serve` as a user runs it, on a free port; yields (url, database path)."""
    report = qa_report(tmp_path)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen([sys.executable, "-m", "mt", "serve", str(report), "--port", "0"], cwd=ROOT, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        printed = ""
        while "http://" not in printed:  # waits for the line that gives the URL (or for the process to end)
            line = process.stdout.readline()
            assert line, f"dari serve ended: {printed}"
            printed += line
        yield re.search(r"http://\S+", printed).group(), tmp_path / "report.review.sqlite"
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def browser():
    with playwright.sync_playwright() as driver:
        chromium = driver.chromium.launch(executable_path=find_browser(), args=["--no-sandbox"])
        yield chromium
        chromium.close()


def test_review_with_mouse_and_keyboard_then_export_tmx(server, browser, tmp_path):
    url, db = server
    expect = playwright.expect
    page = browser.new_page(accept_downloads=True)
    page.set_default_timeout(WAIT_MS)
    page.goto(url)
    page.get_by_role("link", name=re.compile(r"ko\.txt$")).click()
    expect(page.locator("html.keys-ready")).to_have_count(1)

    page.locator(f"#pair-{QVC} button[value=accept]").click()  # accept one pair with the mouse
    expect(page.locator(f"#pair-{QVC} .verdict")).to_have_text("accepted")
    expect(page.locator(f"#pair-{QVC + 1}")).to_have_class(re.compile(r"\bcurrent\b"))  # on to the next pair

    for _ in range(QVC + 1 - NUMBERS):  # back up to the pair with the changed year, from the keyboard
        page.keyboard.press("k")
    expect(page.locator(f"#pair-{NUMBERS}")).to_have_class(re.compile(r"\bcurrent\b"))
    page.keyboard.press("e")
    area = page.locator(f"#pair-{NUMBERS} textarea")
    expect(area).to_be_focused()
    page.keyboard.press("Control+A")
    page.keyboard.type(FIXED)
    page.keyboard.press("Control+Enter")  # save and next
    expect(page.locator(f"#pair-{NUMBERS} .verdict")).to_contain_text("edited")
    expect(page.locator(f"#pair-{NUMBERS + 1}")).to_have_class(re.compile(r"\bcurrent\b"))

    page.get_by_role("link", name="all articles").click()
    expect(page.locator("#article-0 progress")).to_have_attribute("value", "2")
    with page.expect_download() as download:
        page.get_by_role("link", name="pairs as TMX").click()
    tmx = tmp_path / "review.tmx"
    download.value.save_as(tmx)

    stats = subprocess.run([sys.executable, "-m", "mt", "corpus", "stats", str(tmx), "--json"], cwd=ROOT, capture_output=True,
                           text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert stats.returncode == 0, stats.stderr
    assert json.loads(stats.stdout)["pairs"] == 2
    text = tmx.read_text(encoding="utf-8")
    assert FIXED in text and '<prop type="x-decision">edit</prop>' in text and '<prop type="x-decision">accept</prop>' in text

    with sqlite3.connect(db) as connection:
        decisions = connection.execute("SELECT src, tgt, decision, english FROM decisions ORDER BY src").fetchall()
        history = connection.execute("SELECT decision FROM history ORDER BY id").fetchall()
    assert decisions[0][:3] == ("3", "1", "edit") and decisions[0][3] == FIXED
    assert decisions[1][:3] == ("4", "2", "accept")
    assert history == [("accept",), ("edit",)]


def test_a_form_on_another_site_cannot_write_even_with_the_token(server, browser):
    """A page from elsewhere posts a form to the review server from the editor's own browser."""
    url, db = server
    token = re.search(r'name="token" value="([^"]+)"', request(url, path="/a/0")[2]).group(1)
    attacker = (f'<form method="post" action="{url}a/0/pair/{QVC}"><input name="token" value="{token}">'
                '<input name="action" value="accept"></form><script>document.forms[0].submit()</script>')
    page = browser.new_page()
    page.set_default_timeout(WAIT_MS)
    page.route("http://attacker.test/", lambda route: route.fulfill(status=200, content_type="text/html", body=attacker))
    with page.expect_response(lambda response: response.url.startswith(url)) as answer:
        page.goto("http://attacker.test/")
    assert answer.value.status == 403
    playwright.expect(page.locator("body")).to_contain_text("another site")
    with sqlite3.connect(db) as connection:
        assert connection.execute("SELECT count(*) FROM history").fetchone()[0] == 0


def test_the_review_works_without_javascript(server, browser):
    url, db = server
    expect = playwright.expect
    page = browser.new_context(java_script_enabled=False).new_page()
    page.set_default_timeout(WAIT_MS)
    page.goto(f"{url}a/0?flag=flagged")
    expect(page.locator("tr.pair")).to_have_count(3)  # omission, number mismatch, addition
    page.locator(f"#pair-{NUMBERS} summary").click()
    page.locator(f"#pair-{NUMBERS} textarea").fill(FIXED)
    page.locator(f"#pair-{NUMBERS} button[value=edit]").click()
    expect(page.locator(f"#pair-{NUMBERS} .verdict")).to_contain_text("edited")
    expect(page).to_have_url(re.compile(r"/a/0\?flag=flagged#pair-5$"))  # the filter kept, on to the next flagged pair

    page.goto(f"{url}a/0?hide=1")
    expect(page.locator(f"#pair-{NUMBERS}")).to_have_count(0)  # approved pairs hidden
    page.locator(f"#pair-{QVC} button[value=use_mt]").click()
    expect(page.locator(f"#pair-{QVC}")).to_have_count(0)
    expect(page.locator("tr.pair")).to_have_count(5)

    page.locator("#article-decision input[value=needs_work]").check()
    page.locator("#article-decision textarea").fill("year fixed; the omission needs the desk")
    page.get_by_role("button", name="Save the article decision").click()
    expect(page.locator("#article-0")).to_contain_text("needs work")
    with sqlite3.connect(db) as connection:
        assert connection.execute("SELECT decision, note FROM article_decisions").fetchall() == [
            ("needs_work", "year fixed; the omission needs the desk")]
