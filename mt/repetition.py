"""Detecting decoder loops ("poor, poor, poor, ...") in machine translation output."""

from __future__ import annotations

import re

# A unit of 1–8 characters with a letter in it, repeated 4+ times in a row ("까까까까", "abab abab ...").
# Digits and punctuation alone never count: 1000000 and "......" are fine.
_CHAR_LOOP = re.compile(r"(\S*?[^\W\d_]\S*?)\1{3,}")


def _word_loop(words: list[str]) -> bool:
    for n in range(1, 5):
        needed = 4 if n == 1 else 3
        for start in range(len(words) - n * needed + 1):
            unit = words[start : start + n]
            if all(words[start + k * n : start + (k + 1) * n] == unit for k in range(1, needed)):
                return True
    return False


def _normalize(text: str) -> list[str]:
    return [w.strip(",.;:!?\"'()").lower() for w in text.split() if w.strip(",.;:!?\"'()")]


def has_loop(text: str) -> bool:
    return _word_loop(_normalize(text)) or _CHAR_LOOP.search(text) is not None


def is_repetitive(translation: str, source: str) -> bool:
    """True when the output loops and the source does not (a source "하하하하" may translate to "ha ha ha ha")."""
    return has_loop(translation) and not has_loop(source)
