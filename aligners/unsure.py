"""Where the MT leaves an alignment unsure: the beads sentence embeddings are worth computing for.

Embedding every sentence costs ~50x the MT-only alignment of a news article and, where the MT
is good, moves beads the MT had right (FLORES news devtest: MT only 0.994 strict F1, MT + e5
everywhere 0.986); on a literary text with a weak MT it is what lifts the alignment (Text+Berg:
0.856 -> 0.897). The embedding is asked only about beads the MT alone cannot settle:

  - where the two MT passes disagree: the second pass, allowed beads one size larger between
    confident 1-1 beads, changed the first pass's beads there, so the boundaries of that stretch
    are a close call for the MT;
  - around source sentences whose MT is blank (an MT that could not be fitted to the sentence
    split, or a line the engine left empty): there the MT says nothing at all.

Beads of low confidence are not on the list: on the news benchmark they are mostly sentences
left out on one side that the MT places right, and re-aligning them with the embedding lost
0.001-0.008 strict F1 for every threshold tried (0.3-0.8), while Text+Berg gained nothing from them
beyond the disagreement.
"""

from __future__ import annotations

import numpy as np

Step = tuple[tuple[int, int], int, int]  # ((a, b), end row, end col), as the DP returns them

NEIGHBOURS = 1  # beads on either side of a bead around a blank MT line that join it (its counterpart is there)


def unsure_steps(path: list[Step], first_pass: list[Step], blank_src: np.ndarray, confidence: np.ndarray) -> np.ndarray:
    """Per step of `path`: whether the embedding should re-judge it.

    `first_pass` is the path before the second pass; `blank_src` marks source sentences whose MT
    has no words.
    """
    earlier = set(first_pass)
    unsure = np.array([step not in earlier for step in path], dtype=bool)
    blank = np.flatnonzero(blank_src)
    if len(blank) and path:
        # The first step ending after a source sentence holds it (steps are consecutive).
        holding = np.unique(np.searchsorted(np.array([i for _, i, _ in path]), blank, side="right"))
        around = (holding[:, None] + np.arange(-NEIGHBOURS, NEIGHBOURS + 1)).ravel()
        unsure[around[(around >= 0) & (around < len(path))]] = True
    return unsure
