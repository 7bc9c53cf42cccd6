"""Gale & Church (1993) length-based alignment, kept as the baseline every benchmark reports.

Classic parameters (c = 1, s² = 6.8, the paper's bead priors), run on the same banded DP as
dari's own aligner so that only the costs differ.
"""

from __future__ import annotations

import math

import numpy as np

from aligners.beads import Bead, beads_from_path
from aligners.dp import align_path

PRIORS = {(1, 1): 0.89, (1, 0): 0.0099 / 2, (0, 1): 0.0099 / 2, (2, 1): 0.089 / 2, (1, 2): 0.089 / 2, (2, 2): 0.011}
MEAN, VARIANCE = 1.0, 6.8


class GaleChurchScorer:
    def __init__(self, src_lengths: np.ndarray, tgt_lengths: np.ndarray):
        self.src_lengths, self.tgt_lengths = src_lengths, tgt_lengths
        self.n, self.m = len(src_lengths), len(tgt_lengths)
        self._src_cum = np.concatenate([[0.0], np.cumsum(src_lengths, dtype=np.float64)])
        self._tgt_cum = np.concatenate([[0.0], np.cumsum(tgt_lengths, dtype=np.float64)])

    def bead_costs(self, rows: np.ndarray, cols: np.ndarray, a: int, b: int) -> np.ndarray:
        from scipy.special import log_ndtr

        ls = self._src_cum[rows] - self._src_cum[rows - a]
        lt = self._tgt_cum[cols] - self._tgt_cum[cols - b]
        mean = (ls + lt / MEAN) / 2.0
        delta = (lt - ls * MEAN) / np.sqrt(np.maximum(mean, 1e-9) * VARIANCE)
        return -math.log(PRIORS[(a, b)]) - (math.log(2.0) + log_ndtr(-np.abs(delta)))

    def pooled(self) -> GaleChurchScorer:
        def pool(lengths):
            return np.concatenate([lengths, np.zeros(len(lengths) % 2)]).reshape(-1, 2).sum(axis=1)

        return GaleChurchScorer(pool(self.src_lengths), pool(self.tgt_lengths))


def gale_church(src: list[str], tgt: list[str]) -> list[Bead]:
    scorer = GaleChurchScorer(np.array([len(s) for s in src], float), np.array([len(t) for t in tgt], float))
    path = align_path(scorer, list(PRIORS))
    return beads_from_path(path, [1.0] * len(path))
