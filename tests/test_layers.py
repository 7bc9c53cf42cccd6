"""The package layout is a layering: no module imports from a layer above its own.

Lower layers are shared by everything above them; the app root (`mt.cli`) alone may reach every
stage. Function-level (lazy) imports count too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Lowest first. `mt` itself is the package metadata (__version__), importable from anywhere.
# `eval.review` (`dari serve`) reviews QA reports and exports through the corpus writers, so it
# sits above `corpora`.
LAYERS = ["mt.io", "mt.text", "mt", "aligners", "eval", "corpora", "eval.review", "mt.cli"]


def layer_of(module: str) -> int:
    if module in ("mt", "mt.__init__"):
        return 0
    if module in ("mt.cli", "mt.__main__"):
        return LAYERS.index("mt.cli")
    best = None
    for index, prefix in enumerate(LAYERS):
        if (module == prefix or module.startswith(prefix + ".")) and (best is None or len(prefix) > len(LAYERS[best])):
            best = index
    return best


def modules() -> list[tuple[str, Path]]:
    found = []
    for package in ("mt", "aligners", "eval", "corpora"):
        for path in sorted((ROOT / package).rglob("*.py")):
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            found.append((name.removesuffix(".__init__"), path))
    return found


def imported(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return {name for name in names if layer_of(name) is not None}


@pytest.mark.parametrize("module,path", modules(), ids=[name for name, _ in modules()])
def test_no_import_runs_upward(module, path):
    own = layer_of(module)
    upward = sorted(name for name in imported(path) if layer_of(name) > own)
    assert not upward, f"{module} ({LAYERS[own]}) imports from higher layers: {upward}"


def test_a_module_in_a_lower_layer_importing_a_higher_one_is_caught(tmp_path):
    path = tmp_path / "bad.py"
    path.write_text("def f():\n    from aligners.aligner import align\n")
    assert layer_of("mt.text.segment") < max(layer_of(name) for name in imported(path))
    path.write_text("from eval.review.store import ReviewStore\n")
    assert layer_of("corpora.writers") < max(layer_of(name) for name in imported(path))
