"""Persistent translation cache (SQLite).

Keyed by everything that changes a translation (backend, model, revision, decoding options, source
sentence), so re-running an edited article retranslates only what changed, and a job killed midway
resumes from the last committed batch: each batch is committed as soon as it is translated.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
from collections.abc import Iterator

from mt.io.errors import DariError

LOCK_TIMEOUT_S = 60  # how long to wait for another dari run writing the same cache


def cache_root() -> str:
    """dari's cache directory (translations, converted models): $DARI_CACHE_DIR, else the user cache."""
    from platformdirs import user_cache_dir

    return os.environ.get("DARI_CACHE_DIR") or user_cache_dir("dari")


def default_cache_path() -> str:
    return os.path.join(cache_root(), "translations.sqlite3")


class TranslationCache:
    """Every SQLite error (a corrupted page, a read-only or locked file, a full disk), whenever it
    happens, is a one-line DariError naming the cache file and the ways around it."""

    def __init__(self, path: str):
        self.path = path
        with self._errors():
            os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
            self._db = sqlite3.connect(path, timeout=LOCK_TIMEOUT_S)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS translations (key TEXT PRIMARY KEY, mt TEXT NOT NULL, flags TEXT NOT NULL)"
            )
            self._db.commit()

    @contextlib.contextmanager
    def _errors(self) -> Iterator[None]:
        try:
            yield
        except (sqlite3.Error, OSError, json.JSONDecodeError) as err:
            raise DariError(f"unusable translation cache ({err}); pass another --cache PATH or --no-cache", self.path) from None

    @staticmethod
    def key(context: str, source: str) -> str:
        return hashlib.sha256(f"{context}\0{source}".encode()).hexdigest()

    def get_many(self, keys: list[str]) -> dict[str, tuple[str, list[str]]]:
        found = {}
        with self._errors():
            for start in range(0, len(keys), 500):
                chunk = keys[start : start + 500]
                rows = self._db.execute(
                    f"SELECT key, mt, flags FROM translations WHERE key IN ({','.join('?' * len(chunk))})", chunk
                )
                found.update((key, (mt, json.loads(flags))) for key, mt, flags in rows)
        return found

    def put_many(self, items: list[tuple[str, str, list[str]]]) -> None:
        with self._errors():
            self._db.executemany(
                "INSERT OR REPLACE INTO translations (key, mt, flags) VALUES (?, ?, ?)",
                [(key, mt, json.dumps(flags)) for key, mt, flags in items],
            )
            self._db.commit()

    def close(self) -> None:
        with self._errors():
            self._db.close()
