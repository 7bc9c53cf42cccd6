"""Splitting sentences that exceed the model's input limit into pieces it can translate.

Pieces end at clause punctuation where possible, else at spaces, else inside a word, so no text is
ever dropped: joining the pieces with single spaces gives back the sentence's words.
"""

from __future__ import annotations

from collections.abc import Callable

_CLAUSE_END = (",", ";", ":", "，", "、", ")", "”", "’", '"')


def split_long(sentence: str, limit: int, count: Callable[[list[str]], list[int]]) -> list[str]:
    """Greedy pieces of at most `limit` tokens as measured by `count` (which includes special tokens)."""
    words = sentence.split()
    pieces: list[str] = []
    current: list[str] = []
    for word in _short_words(words, limit, count):
        candidate = current + [word]
        if current and count([" ".join(candidate)])[0] > limit:
            pieces.append(" ".join(current))
            current = [word]
        else:
            current = candidate
        if len(current) > 1 and current[-1].endswith(_CLAUSE_END) and count([" ".join(current)])[0] > limit // 2:
            pieces.append(" ".join(current))
            current = []
    if current:
        pieces.append(" ".join(current))
    return pieces


def _short_words(words: list[str], limit: int, count: Callable[[list[str]], list[int]]) -> list[str]:
    """Words cut into character chunks where a single word alone exceeds the limit (URLs, long runs)."""
    out = []
    for word, tokens in zip(words, count(words)):
        if tokens <= limit:
            out.append(word)
            continue
        size = max(1, len(word) * (limit - 2) // tokens)
        out.extend(word[i : i + size] for i in range(0, len(word), size))
    return out
