"""Finished chunks of a translation job, kept as part files named by what decides their content.

A part's name is a hash of the chunk's articles (ids and texts), the model and its revision, the
backend, device and decoding options, and dari's own code; so a part found under that name is
exactly what translating the chunk again would give, whichever run or machine wrote it. Parts
are written atomically (the name appears only once the content is complete) into dari's cache
directory, beside the translation cache, which makes a killed job resumable and a finished one
free to rerun. They can be deleted at any time; the work is then simply redone.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os

from mt import __version__
from mt.cache import cache_root
from mt.io.files import atomic_output

PARTS_DIR = "chunks"


def code_fingerprint(package: str = "mt") -> str:
    """A hash of every Python file of `package` and dari's version: what the output may depend on."""
    root = importlib.util.find_spec(package).submodule_search_locations[0]
    digest = hashlib.sha256(__version__.encode())
    for directory, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            if name.endswith(".py"):
                path = os.path.join(directory, name)
                digest.update(os.path.relpath(path, root).encode() + b"\0")
                with open(path, "rb") as handle:
                    digest.update(handle.read())
    return digest.hexdigest()[:16]


def chunk_key(settings: dict, articles: list[tuple[str, str]]) -> str:
    content = json.dumps({"settings": settings, "articles": articles}, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(content.encode("utf-8")).hexdigest()


class PartStore:
    """One JSONL file per finished chunk: a header naming its articles, then one line per article."""

    def __init__(self, root: str | None = None):
        self.root = root or os.path.join(cache_root(), PARTS_DIR)

    def path(self, key: str) -> str:
        return os.path.join(self.root, key[:2], key + ".jsonl")

    def load(self, key: str, ids: list[str]) -> list[dict] | None:
        """The chunk's articles, or None when it is not finished (or its part is unreadable: redone)."""
        try:
            with open(self.path(key), encoding="utf-8") as handle:
                header = json.loads(handle.readline())
                rows = [json.loads(line) for line in handle]
        except (OSError, ValueError):
            return None
        if header.get("ids") != ids or [row.get("id") for row in rows] != ids:
            return None
        return rows

    def save(self, key: str, rows: list[dict]) -> None:
        path = self.path(key)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with atomic_output(path) as handle:
            handle.write(json.dumps({"ids": [row["id"] for row in rows]}, ensure_ascii=False) + "\n")
            for row in rows:
                handle.write(json.dumps(row, ensure_ascii=False) + "\n")
