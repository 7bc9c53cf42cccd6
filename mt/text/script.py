"""Which writing system text is in.

One definition of Hangul for every stage: translation (is there Korean to send to the model?),
QA (Hangul left in the English) and corpus filters (script share of each side).
"""

from __future__ import annotations

import re
from collections.abc import Callable

_HANGUL_RANGES = "\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f"  # syllables, jamo, compatibility jamo
HANGUL_RUN = re.compile(f"[{_HANGUL_RANGES}]+")


# A word: three letters or digits in a row, or two Hangul/kana/Han characters (one syllable each).
_WORD = re.compile(f"\\w{{3,}}|[{_HANGUL_RANGES}\u3040-\u30ff\u4e00-\u9fff]{{2,}}")


def has_word(text: str) -> bool:
    return _WORD.search(text) is not None


def is_hangul(ch: str) -> bool:
    return HANGUL_RUN.match(ch) is not None


def letter_share(text: str, predicate: Callable[[str], bool]) -> float:
    """Share of the letters of `text` (digits, spaces and punctuation aside) that satisfy `predicate`."""
    letters = [ch for ch in text if ch.isalpha()]
    return sum(map(predicate, letters)) / len(letters) if letters else 0.0


def hangul_share(text: str) -> float:
    return letter_share(text, is_hangul)
