"""Shared set-up of the `dari serve` tests: a QA report of the bundled example, a running server."""

from __future__ import annotations

import contextlib
import http.client
import re
import threading
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from click.testing import CliRunner

from mt.cli import main

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "qa"
EN_LINES = (EXAMPLE / "en.txt").read_text(encoding="utf-8").splitlines()
# pair index -> what it is in the example's report (the English drops a sentence, changes 2013 to
# 2015 and adds one; the Korean starts with a byline)
BYLINE, FIRST, OMISSION, NUMBERS, QVC, ADDITION, LAST = range(7)


def qa_report(tmp_path: Path, en_lines: list[str] | None = None, name: str = "report.json") -> Path:
    """`dari qa` on the bundled example, its English replaced by `en_lines` when given."""
    en = EXAMPLE / "en.txt"
    if en_lines is not None:
        en = tmp_path / "en.txt"
        en.write_text("\n".join(en_lines) + "\n", encoding="utf-8")
    out = tmp_path / name
    result = CliRunner().invoke(main, ["qa", "--src", str(EXAMPLE / "ko.txt"), "--ref", str(en), "--mt", str(EXAMPLE / "mt.txt"),
                                       "--embed", "none", "--confirm", "none", "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out


@contextlib.contextmanager
def running(store):
    """The review app on a free local port, served from a thread for the duration of the block."""
    from eval.review.server import launch

    started = launch(store, "127.0.0.1", 0)
    thread = threading.Thread(target=started.run, daemon=True)
    thread.start()
    try:
        yield started
    finally:
        started.stop()
        thread.join(timeout=10)


def request(url: str, method: str = "GET", path: str = "/", fields: dict | None = None, headers: dict | None = None):
    """(status, headers, body) of one raw request; headers are sent exactly as given (Host included)."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    body = urlencode(fields).encode() if fields is not None else None
    sent = {"Host": parts.netloc, "Content-Length": str(len(body or b"")), "Content-Type": "application/x-www-form-urlencoded",
            **(headers or {})}
    connection.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
    for name, value in sent.items():
        connection.putheader(name, value)
    connection.endheaders(body)
    response = connection.getresponse()
    result = response.status, dict(response.getheaders()), response.read().decode("utf-8")
    connection.close()
    return result


def page_token(url: str, path: str = "/a/0") -> str:
    status, _, body = request(url, path=path)
    assert status == 200
    return re.search(r'name="token" value="([^"]+)"', body).group(1)
