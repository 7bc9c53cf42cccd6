"""Where the benchmarks find the shared data, and the one message they give when it is absent.

The data is not part of the repository (licences, size): a checkout beside `shared/data` finds it
by default, anything else passes --data DIR or sets DARI_DATA.
"""

from __future__ import annotations

import argparse
import os
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT = os.path.join(REPO, "..", "shared", "data")


def add_data_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", help="shared data folder (default: $DARI_DATA, else ../shared/data beside the repository)")


def data_dir(value: str | None, needed: str) -> str:
    """The data folder, or exit with one line when `needed` (a path inside it) is not there."""
    path = value or os.environ.get("DARI_DATA") or DEFAULT
    if not os.path.exists(os.path.join(path, needed)):
        sys.exit(f"{os.path.basename(sys.argv[0])}: {needed} not found under {path}: pass --data DIR or set DARI_DATA")
    return path
