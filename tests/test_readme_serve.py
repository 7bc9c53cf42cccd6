"""The README's `dari serve` section, run as written (in a scratch folder, on a free port)."""

import json
import os
import re
import shlex
import shutil
import subprocess
import sys

import pytest

from review_support import NUMBERS, ROOT, request
from scripts.screenshot_html import find_browser

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(find_browser() is None, reason="Chromium not installed (apt-get install -y chromium)"),
]
FIXED = "Siminoff said sales boosted after his 2013 appearance in a Shark Tank episode where the show panel declined funding the startup."


def section_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Reviewing a report in the browser: `dari serve`"):]
    section = section[: section.index("\n## ", 1)]
    blocks = re.findall(r"```sh\n(.*?)```", section, re.S)
    return [line.split("  #")[0].strip() for block in blocks for line in block.splitlines() if line.strip()]


def argv(command: str) -> list[str]:
    words = shlex.split(command)
    if words[0] == "dari":
        return [sys.executable, "-m", "mt", *words[1:]]
    assert words[0] == "python", command
    return [sys.executable, *words[1:]]


def test_readme_serve_section_runs_as_written(tmp_path):
    commands = section_commands()
    assert commands[0].startswith("pip install") and "[serve]" in commands[0]  # the install line; the test extra has done it
    for folder in ("examples", "scripts"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    (tmp_path / "docs").mkdir()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for command in commands[1:]:
        if command.startswith("dari serve report.json"):
            server = subprocess.Popen(argv(command) + ["--port", "0"], cwd=tmp_path, env=env, stdout=subprocess.PIPE,
                                      stderr=subprocess.STDOUT, text=True)
            try:
                printed = ""
                while "http://" not in printed:
                    line = server.stdout.readline()
                    assert line, printed
                    printed += line
                assert "report.review.sqlite" in printed
                url = re.search(r"http://\S+", printed).group()
                page = request(url, path="/a/0")[2]
                token = re.search(r'name="token" value="([^"]+)"', page).group(1)
                for index, action, english in ((0, "boilerplate", ""), (1, "accept", ""), (NUMBERS, "edit", FIXED)):
                    status, _, _ = request(url, "POST", f"/a/0/pair/{index}", {"token": token, "action": action, "english": english},
                                           {"Origin": url.rstrip("/")})
                    assert status == 303
            finally:
                server.terminate()
                server.wait(timeout=10)
            continue
        result = subprocess.run(argv(command), cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"
        if command.startswith("dari corpus stats"):
            assert re.search(r"pairs\s+2\n", result.stdout)
    decisions = json.loads((tmp_path / "reviewed.articles.json").read_text(encoding="utf-8"))
    assert decisions["pairs"]["by_decision"] == {"accept": 1, "edit": 1}
    assert (tmp_path / "docs" / "review-page.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
