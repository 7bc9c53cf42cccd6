#!/usr/bin/env bash
# Rewrite constraints.txt, the lock of dari's test environment: every package that a fresh
# `pip install -e ".[EVERY EXTRA]"` brings in, pinned with ==.
#
#   scripts/lock.sh
#
# Why a fresh virtual environment and `pip freeze` rather than a resolver's compile step: the lock
# then holds exactly what pip installed and CI tests, and torch is the CPU build. Torch is
# installed first, at TORCH_VERSION, from PyTorch's CPU wheel index (an unreachable index only
# costs pip a few retries when pip's own configuration already provides the CPU wheel), so no CUDA
# packages enter the lock. Every extra of setup.cfg is included, so
# `pip install -c constraints.txt -e ".[any extra]"` is pinned too. Run it with the Python CI uses
# (PYTHON=python3.11 scripts/lock.sh to choose one); a lock only holds for that Python minor version.
set -euo pipefail
cd "$(dirname "$0")/.."

TORCH_VERSION=2.13.0
TORCH_INDEX=https://download.pytorch.org/whl/cpu
PYTHON=${PYTHON:-python3}

extras=$("$PYTHON" -c 'import configparser; c = configparser.ConfigParser(); c.read("setup.cfg"); print(",".join(c["options.extras_require"]))')
env_dir=$(mktemp -d)
trap 'rm -rf "$env_dir"' EXIT
"$PYTHON" -m venv "$env_dir"
pip=("$env_dir/bin/python" -m pip --disable-pip-version-check)
"${pip[@]}" install -q "torch==$TORCH_VERSION" --extra-index-url "$TORCH_INDEX"
"${pip[@]}" install -q -e ".[$extras]"

python_version=$("$env_dir/bin/python" -c 'import platform; print(platform.python_version())')
{
  echo "# The lock of dari's test environment: every package a fresh \`pip install -e \".[$extras]\"\`"
  echo "# installs, pinned (Python $python_version, $(uname -m), torch's CPU build). Install with"
  echo "# \`pip install -c constraints.txt -e \".[test]\"\`. Regenerate it with one command: scripts/lock.sh"
  # A local label (+cpu) would refuse the CUDA build where a GPU user wants it; ==2.13.0 accepts
  # either, and pip takes the CPU one wherever it can see it (README: CPU-only machines).
  # --all: setuptools is a dependency (torch's) like any other; pip itself is the installer, not one.
  "${pip[@]}" freeze --all --exclude-editable | grep -v '^pip==' | sed 's/+[A-Za-z0-9.]*$//' | LC_ALL=C sort -f
} > constraints.txt.new
mv constraints.txt.new constraints.txt
echo "constraints.txt: $(grep -vc '^#' constraints.txt) packages pinned" >&2
