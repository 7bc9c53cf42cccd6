"""The README's glossary section: its shell examples run as written (with the tiny model), and its
Python example's matching comment holds."""

import ast
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def section() -> str:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    start = text.index("### Glossary: the same names")
    return text[start : text.index("\n## ", start)]


def shell_examples() -> list[str]:
    blocks = re.findall(r"```sh\n(.*?)```", section(), re.S)
    return [line.split("  #")[0].strip() for block in blocks for line in block.splitlines() if line.startswith("dari ")]


def test_the_section_has_its_examples():
    commands = shell_examples()
    assert [c.split()[1] for c in commands] == ["translate", "translate", "qa"]
    assert all("--glossary examples/glossary.tsv" in c for c in commands)


@pytest.mark.slow
@pytest.mark.parametrize("command", shell_examples())
def test_shell_example_runs(command, tiny_model_dir, tmp_path):
    args = shlex.split(command)[1:]
    if args[0] == "translate":  # the README's default model needs the hub; the tiny one stands in for it
        args += ["--model", str(tiny_model_dir), "--beams", "1", "--max-length", "16", "--cache", str(tmp_path / "c.sqlite3")]
    (tmp_path / "examples").symlink_to(REPO / "examples")
    env = {**os.environ, "PYTHONPATH": str(REPO), "HF_HUB_OFFLINE": "1"}
    done = subprocess.run([sys.executable, "-m", "mt", *args], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    if args[0] == "qa":
        assert (tmp_path / "report.json").is_file() and (tmp_path / "report.html").is_file()
    else:
        assert done.stdout.strip()


def test_python_example_matches_as_its_comment_says():
    from mt.glossary import load_glossary

    glossary = load_glossary(str(REPO / "examples" / "glossary.tsv"))
    line = next(line for line in section().splitlines() if line.startswith("[m.entry.rendering"))
    expected = ast.literal_eval(line.split("#", 1)[1].strip())
    assert [m.entry.rendering for m in glossary.find("힌시테인은 개성공단에서 말했다.")] == expected
