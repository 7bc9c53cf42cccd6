"""Lexical anchors: tokens that survive translation unchanged or comparably, so they tie sentences together.

Numbers are compared by value across Korean units and English words (1만5000 = 15,000); Latin-script
names and acronyms in Korean text (NASA, iPhone) reappear in the English. Only anchors found on both
sides of the document are kept, so an English word matches only if the Korean text spells it too.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from mt.text.numbers import NUMBER_LANGS, number_values

_LATIN = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[-.&'][A-Za-z0-9]+)*")
_DIGITS = re.compile(r"\d+(?:[.,]\d+)*")
_HAS_DIGIT = re.compile(r"[0-9]")  # the digits Latin tokens hold


def _numbers(text: str, lang: str) -> set[str]:
    if lang in NUMBER_LANGS:
        return {f"#{value:g}" for value in number_values(text, lang)}
    return {"#" + token.replace(",", "") for token in _DIGITS.findall(text)}


def _names(text: str, lang: str) -> set[str]:
    """Latin tokens; in Latin-script languages only capitalised or mixed-digit ones (names, acronyms)."""
    tokens = _LATIN.findall(text)
    if lang != "ko":
        if _HAS_DIGIT.search(text):
            tokens = [t for t in tokens if t[0].isupper() or _HAS_DIGIT.search(t)]
        else:  # most sentences: no token to search for a digit
            tokens = [t for t in tokens if t[0].isupper()]
    return {t.lower() for t in tokens if len(t) > 1}


def sentence_anchors(sentences: list[str], lang: str) -> Iterator[set[str]]:
    """Each sentence's distinct anchors, one sentence at a time (`feature_sets.shared_set_rows` keeps
    only their ids; `feature_sets.only_shared` then drops those of one side only): a tuple kept per
    sentence pinned ~50 MB of small-object memory at 200,000 sentences after it was freed."""
    return (_numbers(s, lang) | _names(s, lang) for s in sentences)
