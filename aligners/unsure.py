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
    are where a weak MT errs; and two 1-1 beads in a row that would cost little more as one 2-2
    bead (`close_merges`): a book translation's sentence boundaries often cross, and a weak
    MT matches the first half of such a pair well enough to split it.

Beads of low confidence and near ties of the DP were tried as further triggers and left out: a
weak MT's wrong beads are mostly confident ones, and a good MT's near ties are mostly a left-out
sentence on each side in either order (docs/benchmarks.md lists what each cost); the close
merges of a weak MT are the one near tie kept. Widening the stretches (neighbours of merges,
or of left-out sentences two or three steps out) embedded half as many texts again for a lower F1
on Text+Berg: more of the MT's right beads came up for the embedding to move.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

Step = tuple[tuple[int, int], int, int]  # ((a, b), end row, end col), as the DP returns them

NEIGHBOURS = 1  # steps on either side of one around an unfitted MT line or a left-out sentence that join it
# Two 1-1 beads are a close call when one 2-2 bead over them costs less than this much more: under
# half the surcharge the 2-2 pays for its two extra sentences (`signals.Weights.merge` each).
CLOSE_MERGE_MARGIN = 0.5
# A document's MT is weak when a typical translation scores less than this much above an unrelated
# pair on the calibrated Dice scale (`signals.PairScorer._calibrated`): Text+Berg's statistical MT
# measures 0.31, opus-mt on FLORES news (devtest as one document) 0.44; too short to measure: 0.5.
WEAK_MT_SPREAD = 0.38


def _with_neighbours(marked: np.ndarray, count: int) -> np.ndarray:
    around = (marked[:, None] + np.arange(-NEIGHBOURS, NEIGHBOURS + 1)).ravel()
    return np.unique(around[(around >= 0) & (around < count)])


def holding_steps(path: list[Step], sentences: np.ndarray) -> np.ndarray:
    """Per source sentence id: the step of `path` that holds it, the first ending after it (steps are consecutive)."""
    return np.searchsorted(np.array([i for _, i, _ in path]), sentences, side="right")


def close_merges(path: list[Step], bead_costs: Callable) -> np.ndarray:
    """Per step of `path`: whether it is one of two 1-1 beads in a row that one 2-2 bead would
    cover for less than CLOSE_MERGE_MARGIN more (`bead_costs(rows, cols, a, b)` as the DP's)."""
    close = np.zeros(len(path), dtype=bool)
    pairs = np.array([k for k in range(len(path) - 1) if path[k][0] == path[k + 1][0] == (1, 1)], dtype=np.int64)
    if not len(pairs):
        return close
    rows, cols = np.array([path[k][1] for k in pairs]), np.array([path[k][2] for k in pairs])
    split = bead_costs(rows, cols, 1, 1) + bead_costs(rows + 1, cols + 1, 1, 1)
    merged = bead_costs(rows + 1, cols + 1, 2, 2)
    near = pairs[merged - split < CLOSE_MERGE_MARGIN]
    close[near] = close[near + 1] = True
    return close


def changed_steps(path: list[Step], first_pass: list[Step]) -> np.ndarray:
    """Per step of `path`: whether `first_pass`, the path before the second pass, lacks it.

    A mask instead of the first path itself: a long document's path is ~30 MB of tuples at
    200,000 sentences, not worth keeping through the embedding stage."""
    earlier = set(first_pass)
    return np.array([step not in earlier for step in path], dtype=bool)


def unsure_steps(path: list[Step], changed: np.ndarray, unfitted_src: np.ndarray, weak_mt: bool,
                 bead_costs: Callable | None = None) -> np.ndarray:
    """Per step of `path`: whether the embedding should judge it again.

    `changed` marks the steps the second pass made (`changed_steps`); `unfitted_src` marks source
    sentences whose MT is blank or out of proportion with them (`aligner._unfitted_mt`);
    `bead_costs`, the MT's bead costs, finds the close merges of a weak MT (none without it).
    """
    unsure = changed.copy()
    if not path:
        return unsure
    shapes = np.array([shape for shape, _, _ in path])
    unfitted = np.flatnonzero(unfitted_src)
    if len(unfitted):
        # A sentence the path pairs has its counterpart in its own bead; one it leaves out, in a neighbouring one.
        holding = np.unique(holding_steps(path, unfitted))
        unsure[holding] = True
        unsure[_with_neighbours(holding[(shapes[holding] == 0).any(axis=1)], len(path))] = True
    if weak_mt:
        unsure |= (shapes != 1).any(axis=1)
        unsure[_with_neighbours(np.flatnonzero((shapes == 0).any(axis=1)), len(path))] = True
        if bead_costs is not None:
            unsure |= close_merges(path, bead_costs)
    return unsure
