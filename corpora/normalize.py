"""Normalized text and 8-byte digests for duplicate and test-set overlap detection.

Digests instead of strings keep the seen-set of a multi-million pair build at a few hundred MB.
"""

from __future__ import annotations

import hashlib
import unicodedata


def normalize(text: str) -> str:
    """Fold away what does not make two sentences different for training: case, width, spacing,
    punctuation and symbols (Korean stray spaces before particles included)."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(ch for ch in folded if ch.isalnum())


def digest(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "big")


def exact_key(ko: str, en: str) -> int:
    return digest(ko.strip() + "\x00" + en.strip())


def near_key(ko: str, en: str) -> int:
    return digest(normalize(ko) + "\x00" + normalize(en))


def segment_key(text: str) -> int:
    """Key of one side alone, for overlap with test sets whose other side may differ."""
    return digest(normalize(text))
