"""Corpus-wide checks: overlap with held-out test sets, exact and near duplicates.

They depend on everything accepted before, so the build runs them in document order in one process,
after the per-document work; their state is a set of 8-byte digests, not the sentences.
"""

from __future__ import annotations

from collections.abc import Iterable

from mt.text.segment import split_sentences
from corpora.filters import DUPLICATE, NEAR_DUPLICATE, TEST_OVERLAP, Verdict
from corpora.normalize import exact_key, near_key, segment_key
from corpora.readers import read_segments
from corpora.records import PairRecord


def load_exclusions(paths: Iterable[str]) -> set[int]:
    """Normalized digests of every segment of the given test sets, either language, and of each
    sentence inside it, since test sets often hold two sentences on one line."""
    keys = set()
    for path in paths:
        for segment in read_segments(path):
            keys.add(segment_key(segment))
            for lang in ("ko", "en"):
                keys.update(segment_key(sentence) for sentence in split_sentences(segment, lang))
    return keys


class CorpusGate:
    """Admits a pair at most once and never one that is in a test set."""

    def __init__(self, excluded: set[int]):
        self.excluded = excluded
        self.exact: set[int] = set()
        self.near: set[int] = set()

    def check(self, pair: PairRecord, ko_sentences: list[str], en_sentences: list[str]) -> Verdict:
        """Judge `pair` (whose ids index the two sentence lists) and remember it if it passes.

        A merged bead is checked sentence by sentence too, so a test sentence cannot hide in a 2-1 bead.
        """
        for side, text, sentences, ids in (("ko", pair.ko, ko_sentences, pair.ko_ids),
                                          ("en", pair.en, en_sentences, pair.en_ids)):
            for piece in dict.fromkeys([text, *(sentences[i] for i in ids)]):  # a 1-1 bead's text is its sentence
                if segment_key(piece) in self.excluded:
                    return TEST_OVERLAP, f"{side} side is in an excluded test set"
        exact, near = exact_key(pair.ko, pair.en), near_key(pair.ko, pair.en)
        if exact in self.exact:
            return DUPLICATE, "same pair accepted earlier"
        if near in self.near:
            return NEAR_DUPLICATE, "same pair up to case, spacing and punctuation accepted earlier"
        self.exact.add(exact)
        self.near.add(near)
        return None
