import random

import numpy as np
import pytest

from aligners import align
from aligners.beads import Bead
from aligners.dp import Band, band_between_anchors, band_dp, bead_types
from eval.alignment_metrics import score_alignments


def test_bead_types_follow_max_merge():
    assert sorted(bead_types(3)) == sorted([(1, 0), (0, 1), (1, 1), (1, 2), (2, 1), (2, 2), (1, 3), (3, 1)])
    assert sorted(bead_types(1)) == [(0, 1), (1, 0), (1, 1)]


def test_band_index_marks_cells_outside():
    band = Band.from_ranges(np.array([0, 1, 2]), np.array([2, 3, 4]))
    rows, cols = band.cells()
    assert list(band.index(rows, cols)) == list(range(band.size))
    assert list(band.index(np.array([0, 1, 2, 3]), np.array([2, 0, 4, 0]))) == [-1, -1, -1, -1]


def test_band_dp_finds_the_cheapest_path_with_insertion_and_merge():
    wanted = {((1, 1), 1, 1), ((1, 2), 2, 4), ((1, 1), 3, 5)}  # plus the insertion of target 1

    def cost(rows, cols, a, b):
        if a == 0 or b == 0:
            return np.ones(len(rows))
        return np.array([0.0 if ((a, b), i, j) in wanted else 5.0 for i, j in zip(rows, cols)])

    path = band_dp(Band.full(3, 5), 3, 5, bead_types(3), cost)
    assert path == [((1, 1), 1, 1), ((0, 1), 1, 2), ((1, 2), 2, 4), ((1, 1), 3, 5)]


def _length_only_pair(n, seed):
    """Target = source with a gap now and then: sentences are random-length words, so only length tells."""
    rng = random.Random(seed)
    src = [" ".join("w" * rng.randint(1, 8) for _ in range(rng.randint(3, 30))) for _ in range(n)]
    tgt, gold = [], []
    for i, sentence in enumerate(src):
        if i % 97 == 50:
            gold.append(Bead([i], []))
            continue
        gold.append(Bead([i], [len(tgt)]))
        tgt.append(sentence)
    return src, tgt, gold


def test_coarse_to_fine_matches_on_a_medium_document():
    src, tgt, gold = _length_only_pair(600, 1)
    beads = align(src, tgt, embed="none", anchors=False)
    assert sorted(i for b in beads for i in b.src) == list(range(len(src)))
    assert sorted(j for b in beads for j in b.tgt) == list(range(len(tgt)))
    assert score_alignments([gold], [beads]).strict_f1 > 0.95


@pytest.mark.slow
def test_twenty_thousand_sentences_each_side():
    src, tgt, gold = _length_only_pair(20_000, 2)
    gold += [Bead([], [j]) for j in range(len(tgt), 20_000)]  # pad the target with trailing additions
    tgt += src[: 20_000 - len(tgt)]
    beads = align(src, tgt, embed="none", anchors=False)
    assert sorted(i for b in beads for i in b.src) == list(range(20_000))
    assert sorted(j for b in beads for j in b.tgt) == list(range(20_000))
    assert score_alignments([gold], [beads]).strict_f1 > 0.9


def test_second_pass_band_spans_the_stretches_between_anchors():
    """Anchored 1-1 steps pin single cells; the uncertain stretch after them opens a full rectangle."""
    path = [((1, 1), 1, 1), ((1, 1), 2, 2), ((1, 2), 3, 4), ((1, 0), 4, 4), ((1, 1), 5, 5)]
    anchored = np.array([True, True, False, False, True])
    band = band_between_anchors(path, anchored, 5, 5)
    assert band.lo.tolist() == [0, 0, 1, 2, 2, 4]
    assert band.hi.tolist() == [2, 3, 5, 5, 6, 6]
    # a 2-3 bead, which the first pass could not make, now fits inside the band
    assert band.index(np.array([2, 4]), np.array([2, 5])).min() >= 0
