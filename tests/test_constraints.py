"""constraints.txt is a lock: every dependency of dari and of each extra is pinned, and so are theirs.

A dependency added to setup.cfg without re-running scripts/lock.sh fails here, before CI installs an
unpinned version.
"""

from __future__ import annotations

import configparser
import importlib.metadata
import re
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

REPO = Path(__file__).resolve().parent.parent


def _pins() -> dict[str, str]:
    pins = {}
    for line in (REPO / "constraints.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, version = line.partition("==")
            assert version, f"constraints.txt: `{line}` is not pinned with =="
            pins[canonicalize_name(name)] = version.strip()
    return pins


def _requirement_lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip() and not line.strip().startswith("#")]


def _declared() -> dict[str, list[Requirement]]:
    """setup.cfg's requirements: the core ones under "", then each extra's."""
    config = configparser.ConfigParser()
    config.read(REPO / "setup.cfg", encoding="utf-8")
    declared = {"": [Requirement(line) for line in _requirement_lines(config["options"]["install_requires"])]}
    for extra, text in config["options.extras_require"].items():
        declared[extra] = [Requirement(line) for line in _requirement_lines(text)]
    return declared


def test_every_declared_dependency_is_pinned_within_its_range():
    pins = _pins()
    for extra, requirements in _declared().items():
        for requirement in requirements:
            if requirement.marker is not None and not requirement.marker.evaluate():
                continue
            name = canonicalize_name(requirement.name)
            if name == "dari":
                continue  # an extra naming another of dari's extras (test = dari[serve]); each is checked itself
            where = f"extra [{extra}]" if extra else "install_requires"
            assert name in pins, f"{requirement} ({where}) is not in constraints.txt: run scripts/lock.sh"
            assert requirement.specifier.contains(Version(pins[name]), prereleases=True), (
                f"constraints.txt pins {name}=={pins[name]}, outside {requirement} ({where}): run scripts/lock.sh")


def test_the_lock_is_closed_under_dependencies():
    """Each pinned package installed at its pinned version has its own dependencies pinned too."""
    pins = _pins()
    checked = 0
    for name, version in pins.items():
        try:
            distribution = importlib.metadata.distribution(name)
        except importlib.metadata.PackageNotFoundError:
            continue
        if Version(distribution.version).public != Version(version).public:
            continue  # this environment has another version, whose dependencies may differ
        checked += 1
        for line in distribution.requires or []:
            requirement = Requirement(line)
            if requirement.marker is not None and not requirement.marker.evaluate({"extra": ""}):
                continue
            assert canonicalize_name(requirement.name) in pins, f"{name}=={version} needs {requirement}, which constraints.txt lacks"
    assert checked, "no package of constraints.txt is installed at its pinned version"


def test_torch_is_pinned_without_cuda_packages():
    pins = _pins()
    assert pins.get("torch") == "2.13.0"
    assert not [name for name in pins if name.startswith(("nvidia-", "triton"))], "a CUDA build of torch was locked"


def test_the_header_names_the_command_that_regenerates_it():
    header = [line for line in (REPO / "constraints.txt").read_text(encoding="utf-8").splitlines() if line.startswith("#")]
    assert any(re.search(r"\bscripts/lock\.sh\b", line) for line in header)
    assert (REPO / "scripts" / "lock.sh").is_file()
    assert "scripts/lock.sh" in (REPO / "README.md").read_text(encoding="utf-8")
