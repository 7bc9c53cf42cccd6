"""Where the MT leaves an alignment unsure: the beads sentence embeddings are worth computing for.

Embedding every sentence costs many times the MT-only alignment and, where the MT is good,
moves beads the MT had right; with a weak MT it is what lifts the alignment (numbers in
docs/benchmarks.md, "Alignment cost and memory"). So the embedding is asked only about steps of
the MT's path that the MT alone cannot settle:

  - where the two MT passes disagree: the second pass, allowed beads one size larger between
    confident 1-1 beads, changed the first pass's beads there, so that stretch is a close call;
  - at source sentences whose MT is blank or out of proportion with them (an MT of another
    split of the text, or a line the engine left empty): there the MT says little or nothing,
    unless the path still pairs the sentence 1-1 with confidence (`aligner._unsettled`); the
    neighbouring steps join where the path left the sentence out;
  - in a document whose MT barely tells translations from unrelated pairs (`weak_mt`), every
    bead that is not 1-1, and the neighbours of one-sided ones: merges and left-out sentences
    are where a weak MT errs.

Beads of low confidence and near ties of the DP were tried as further triggers and left out: a
weak MT's wrong beads are mostly confident ones, and a good MT's near ties are mostly a left-out
sentence on each side in either order (docs/benchmarks.md lists what each cost).
"""

from __future__ import annotations

import numpy as np

Step = tuple[tuple[int, int], int, int]  # ((a, b), end row, end col), as the DP returns them

NEIGHBOURS = 1  # steps on either side of one around an unfitted MT line or a left-out sentence that join it
# A document's MT is weak when a typical translation scores less than this much above an unrelated
# pair on the calibrated Dice scale (`signals.PairScorer._calibrated`): Text+Berg's statistical MT
# measures 0.31, opus-mt on FLORES news (devtest as one document) 0.44; too short to measure: 0.5.
WEAK_MT_SPREAD = 0.38


def _with_neighbours(marked: np.ndarray, count: int) -> np.ndarray:
    around = (marked[:, None] + np.arange(-NEIGHBOURS, NEIGHBOURS + 1)).ravel()
    return np.unique(around[(around >= 0) & (around < count)])


def unsure_steps(path: list[Step], first_pass: list[Step], unfitted_src: np.ndarray, weak_mt: bool) -> np.ndarray:
    """Per step of `path`: whether the embedding should judge it again.

    `first_pass` is the path before the second pass; `unfitted_src` marks source sentences whose MT
    is blank or out of proportion with them (`aligner._unfitted_mt`).
    """
    earlier = set(first_pass)
    unsure = np.array([step not in earlier for step in path], dtype=bool)
    if not path:
        return unsure
    shapes = np.array([shape for shape, _, _ in path])
    unfitted = np.flatnonzero(unfitted_src)
    if len(unfitted):
        # The first step ending after a source sentence holds it (steps are consecutive). A sentence
        # the path pairs has its counterpart in its own bead; one it leaves out, in a neighbouring one.
        holding = np.unique(np.searchsorted(np.array([i for _, i, _ in path]), unfitted, side="right"))
        unsure[holding] = True
        unsure[_with_neighbours(holding[(shapes[holding] == 0).any(axis=1)], len(path))] = True
    if weak_mt:
        unsure |= (shapes != 1).any(axis=1)
        unsure[_with_neighbours(np.flatnonzero((shapes == 0).any(axis=1)), len(path))] = True
    return unsure
