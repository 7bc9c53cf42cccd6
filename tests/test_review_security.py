"""`dari serve` against requests no page of its own would send, and against hostile article text."""

import json
import re
import sqlite3

import pytest

from eval.qa import report_json
from eval.review.report_file import read_report
from eval.review.store import ReviewStore
from review_support import FIRST, page_token, qa_report, request, running
from test_qa_report import parsed_tags

pytest.importorskip("starlette")  # the serve extra; the test extra installs it


def state(store):
    with sqlite3.connect(store.path) as db:
        return [db.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in ("decisions", "article_decisions", "history")]


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    return qa_report(tmp_path_factory.mktemp("report"))


@pytest.fixture
def served(tmp_path, report):
    store = ReviewStore(str(tmp_path / "review.sqlite"))
    store.load_report(read_report(str(report)), str(report))
    with running(store) as started:
        yield started.url, store


def test_a_same_origin_post_with_the_token_is_taken(served):
    url, store = served
    origin = url.rstrip("/")
    status, headers, _ = request(url, "POST", f"/a/0/pair/{FIRST}", {"token": page_token(url), "action": "accept", "next": "2"},
                                 {"Origin": origin})
    assert status == 303 and headers["location"] == "/a/0#pair-2"
    assert state(store) == [1, 0, 1]


@pytest.mark.parametrize("headers", [
    {"Origin": "http://evil.example"},  # a form on another site
    {"Origin": "null"},  # a sandboxed frame or a file:// page
    {"Referer": "http://evil.example/page.html"},  # a client that sends no Origin
    {"Origin": "{origin}", "Sec-Fetch-Site": "cross-site"},
    {"Origin": "http://localhost:1"},  # another local server
])
@pytest.mark.parametrize("path, fields", [
    (f"/a/0/pair/{FIRST}", {"action": "accept"}),
    ("/a/0/decision", {"decision": "approved", "note": "x"}),
])
def test_a_cross_origin_post_is_refused_and_changes_nothing(served, headers, path, fields):
    url, store = served
    headers = {name: value.format(origin=url.rstrip("/")) for name, value in headers.items()}
    status, _, body = request(url, "POST", path, {"token": page_token(url), **fields}, headers)  # even with the right token
    assert status == 403 and "another site" in body
    assert state(store) == [0, 0, 0]


@pytest.mark.parametrize("token", [None, "", "guess", "x" * 43])
def test_a_post_without_the_launch_token_is_refused_and_changes_nothing(served, token):
    url, store = served
    fields = {"action": "accept"} if token is None else {"token": token, "action": "accept"}
    status, _, body = request(url, "POST", f"/a/0/pair/{FIRST}", fields, {"Origin": url.rstrip("/")})
    assert status == 403 and "not from the running review" in body
    status, _, _ = request(url, "POST", "/a/0/decision", {**fields, "decision": "approved"}, {"Origin": url.rstrip("/")})
    assert status == 403
    assert state(store) == [0, 0, 0]


def test_a_request_for_another_host_name_is_refused(served):
    """DNS rebinding: a site whose name now points at 127.0.0.1 could otherwise read the page and its token."""
    url, store = served
    port = url.rstrip("/").rsplit(":", 1)[1]
    for path in ("/", "/a/0", "/export/pairs.tmx"):
        status, _, body = request(url, path=path, headers={"Host": f"evil.example:{port}"})
        assert status == 400 and "Host" in body
    status, _, _ = request(url, "POST", f"/a/0/pair/{FIRST}", {"token": page_token(url), "action": "accept"},
                           {"Host": f"evil.example:{port}", "Origin": f"http://evil.example:{port}"})
    assert status == 400 and state(store) == [0, 0, 0]
    assert request(url, path="/", headers={"Host": f"localhost:{port}"})[0] == 200  # the loopback names are this server


def test_only_form_posts_are_taken(served):
    url, store = served
    status, _, _ = request(url, "POST", f"/a/0/pair/{FIRST}", headers={"Origin": url.rstrip("/"), "Content-Type": "application/json"})
    assert status == 415 and state(store) == [0, 0, 0]
    assert request(url, "GET", f"/a/0/pair/{FIRST}")[0] == 405


def test_pages_forbid_foreign_scripts_framing_and_form_targets(served):
    url, _ = served
    _, headers, _ = request(url)
    policy = headers["content-security-policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy and "form-action 'self'" in policy
    assert headers["x-content-type-options"] == "nosniff"


ATTACK = "<script>document.body.setAttribute('data-pwned','1')</script> 15,000명이 \u202eevil\u202c 참석했다 <img src=x onerror=alert(1)>"


def test_article_text_is_escaped_and_bidi_controls_are_shown_as_codes(tmp_path):
    from test_qa_report import attack_report

    attack = attack_report()
    bead = attack.documents[0].beads[0]
    bead.ko, bead.en = ATTACK, 'A crowd of 1,500 "attended" \u2067tricked\u2069 </td><script>alert(2)</script>'
    path = tmp_path / "report.json"
    path.write_text(report_json(attack), encoding="utf-8")
    store = ReviewStore(str(tmp_path / "review.sqlite"))
    store.load_report(read_report(str(path)), str(path))
    with running(store) as started:
        pages = [request(started.url, path=p)[2] for p in ("/", "/a/0")]
        exported = request(started.url, path="/export/articles.json")[2]
    for page in pages:
        tags = parsed_tags(page)
        assert {tag for tag, _ in tags} <= {"html", "head", "meta", "title", "link", "script", "body", "header", "a", "span", "code",
                                            "main", "h1", "h2", "p", "table", "thead", "tbody", "tr", "th", "td", "progress", "div",
                                            "nav", "form", "label", "select", "option", "input", "button", "details", "summary",
                                            "textarea", "mark", "kbd", "br", "fieldset", "legend", "q"}
        assert [attrs for tag, attrs in tags if tag == "script"] == [[("src", "/static/review.js"), ("defer", None)]]
        assert not [name for _, attrs in tags for name, _ in attrs if name.startswith("on")]
        assert not re.search("[\u202a-\u202e\u2066-\u2069]", page)
    article = pages[1]
    assert "&lt;script&gt;document.body.setAttribute(&#39;data-pwned&#39;,&#39;1&#39;)&lt;/script&gt;" in article
    assert "[U+202E]evil[U+202C]" in article and "[U+2067]tricked[U+2069]" in article
    assert '<mark class="number" title="a figure without a counterpart on the other side">15,000</mark>' in article
    assert '<mark class="number" title="a figure without a counterpart on the other side">1,500</mark>' in article
    assert json.loads(exported)["articles"][0]["article"] == attack.documents[0].name  # exports keep the text as it is


def test_listening_everywhere_or_on_a_busy_port_is_a_one_line_error(tmp_path, served):
    from click.testing import CliRunner

    from mt.cli import main

    url, store = served
    for args, message in (
        (["--host", "0.0.0.0"], "--host 0.0.0.0 listens on every address; give one address"),
        (["--host", "::"], "--host :: listens on every address"),
        (["--port", url.rstrip("/").rsplit(":", 1)[1]], "cannot listen on 127.0.0.1:"),  # the running review's port
    ):
        result = CliRunner().invoke(main, ["serve", "--db", store.path, *args])
        assert result.exit_code == 2 and message in result.output and "Traceback" not in result.output
