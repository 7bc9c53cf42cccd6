"""With MT, sentence embeddings are computed only where the MT leaves the alignment unsure."""

from contextlib import nullcontext

import numpy as np
import pytest

from aligners import align, embeddings
from aligners.aligner import _between_confident, _unfitted_mt
from aligners.dp import bead_types
from aligners.unsure import CLOSE_MERGE_MARGIN, changed_steps, close_merges, unsure_steps
from flores_rows import flores_rows

# a 1-1, a 2-1 merge, a left-out target sentence, two 1-1
PATH = [((1, 1), 1, 1), ((2, 1), 3, 2), ((0, 1), 3, 3), ((1, 1), 4, 4), ((1, 1), 5, 5)]


def test_steps_the_second_pass_changed_are_unsure():
    first = [((1, 1), 1, 1), ((1, 1), 2, 2), ((1, 0), 3, 2), ((0, 1), 3, 3), ((1, 1), 4, 4), ((1, 1), 5, 5)]
    assert unsure_steps(PATH, changed_steps(PATH, first), np.zeros(5, bool), weak_mt=False).tolist() == [False, True, False, False, False]


def test_a_blank_mt_line_makes_its_step_unsure_and_the_neighbours_where_the_sentence_is_left_out():
    blank = np.zeros(5, bool)
    blank[3] = True  # source sentence 3 is held by the 1-1 step ending at row 4
    assert unsure_steps(PATH, np.zeros(len(PATH), bool), blank, weak_mt=False).tolist() == [False, False, False, True, False]
    left_out = [((1, 1), 1, 1), ((1, 0), 2, 1), ((1, 1), 3, 2), ((1, 1), 4, 3)]
    blank = np.array([False, True, False, False])
    assert unsure_steps(left_out, np.zeros(len(left_out), bool), blank, weak_mt=False).tolist() == [True, True, True, False]


def test_with_a_weak_mt_merges_and_gaps_with_their_neighbours_are_unsure():
    assert unsure_steps(PATH, np.zeros(len(PATH), bool), np.zeros(5, bool), weak_mt=True).tolist() == [False, True, True, True, False]


def test_nothing_is_unsure_where_both_passes_agree_and_every_line_fits():
    assert not unsure_steps(PATH, np.zeros(len(PATH), bool), np.zeros(5, bool), weak_mt=False).any()
    assert unsure_steps([], np.zeros(0, bool), np.zeros(0, bool), weak_mt=True).tolist() == []


ONES = [((1, 1), k, k) for k in range(1, 6)]  # five 1-1 beads


def costs_with_a_close_merge(at: int, margin: float):
    """Bead costs: every 1-1 costs 1, a 2-2 costs 4, except the one over the pair ending at
    row `at` + 1, which costs `margin` more than its two 1-1 beads."""

    def bead_costs(rows, cols, a, b):
        if (a, b) == (1, 1):
            return np.ones(len(rows))
        return np.where(rows == at + 1, 2.0 + margin, 4.0)

    return bead_costs


def test_two_1_1_beads_that_cost_little_more_as_one_2_2_are_a_close_merge():
    assert close_merges(ONES, costs_with_a_close_merge(3, CLOSE_MERGE_MARGIN - 0.1)).tolist() == [False, False, True, True, False]
    assert not close_merges(ONES, costs_with_a_close_merge(3, CLOSE_MERGE_MARGIN + 0.1)).any()
    assert not close_merges(PATH, costs_with_a_close_merge(2, 0.0))[:3].any()  # a merge or a gap beside a 1-1 is no pair


def test_close_merges_are_unsure_only_with_a_weak_mt():
    costs = costs_with_a_close_merge(3, 0.0)
    assert unsure_steps(ONES, np.zeros(len(ONES), bool), np.zeros(5, bool), weak_mt=True, bead_costs=costs).tolist() == [False, False, True, True, False]
    assert not unsure_steps(ONES, np.zeros(len(ONES), bool), np.zeros(5, bool), weak_mt=False, bead_costs=costs).any()


class _CaptionScorer:
    """Source sentence 1 matches targets 1-3 as one 1-3 bead (a caption beside it), cheaper than
    leaving them out; the 1-1 beads of GAP_PATH are unsure (confidence under ANCHOR_CONFIDENCE)."""

    n, m, skip = 3, 7, 1.0
    CELLS = {(1, 1, 1, 1): 1.5, (1, 1, 2, 6): 1.5, (1, 1, 3, 7): 1.5, (1, 3, 2, 4): 0.2}

    def bead_costs(self, rows, cols, a, b):
        if a == 0 or b == 0:
            return np.full(len(rows), self.skip)
        return np.array([self.CELLS.get((a, b, r, c), 9.0) for r, c in zip(rows, cols)])

    def window(self, *args):
        return nullcontext()


# target sentences 1-4 left out between two 1-1 beads
GAP_PATH = [((1, 1), 1, 1), ((0, 1), 1, 2), ((0, 1), 1, 3), ((0, 1), 1, 4), ((0, 1), 1, 5), ((1, 1), 2, 6), ((1, 1), 3, 7)]


def test_the_second_pass_does_not_reach_across_a_pinned_step():
    assert ((1, 3), 2, 4) in _between_confident(_CaptionScorer(), GAP_PATH, bead_types(3), 2)
    pinned = np.array([False] * 5 + [True, False])  # the 1-1 bead after the gap
    assert _between_confident(_CaptionScorer(), GAP_PATH, bead_types(3), 2, pinned) == GAP_PATH


def test_mt_lines_blank_or_out_of_proportion_do_not_fit():
    src = ["가나다라마바사아자차" * 2] * 5
    mt = ["word " * 8] * 5
    mt[1], mt[3] = "   ", "word " * 40  # nothing; and the MT of several sentences
    assert _unfitted_mt(src, mt).tolist() == [False, True, False, True, False]


@pytest.fixture
def encoded(monkeypatch):
    """A fake embedding model that records what it was asked to encode."""
    asked: list[str] = []

    def encode(texts):
        asked.extend(texts)
        return [[float(len(t)), float(t.count(" ")) + 1.0, 1.0] for t in texts]

    monkeypatch.setitem(embeddings._models, "fake", encode)
    monkeypatch.setattr(embeddings, "_cache", embeddings.OrderedDict())
    return asked


def test_a_clean_mt_means_nothing_is_embedded(encoded):
    ko, en, mt = flores_rows("ko"), flores_rows("en"), flores_rows("mt")
    assert align(ko, en, mt=mt, embed="fake") == align(ko, en, mt=mt, embed="none")
    assert encoded == []


def test_only_the_bead_of_a_blank_mt_line_is_embedded_or_its_neighbours_where_it_was_left_out(encoded):
    ko, en, mt = flores_rows("ko"), flores_rows("en"), flores_rows("mt")
    mt[5] = ""
    beads = align(ko, en, mt=mt, embed="fake")
    assert sorted(encoded) == sorted([ko[5], en[5]])  # the MT path still pairs sentence 5 with its English
    assert sorted(i for b in beads for i in b.src) == list(range(len(ko)))
    encoded.clear()
    embeddings._cache.clear()  # the fixture's own cache: sentence 5's vector would be remembered
    without = en[:5] + en[6:]  # sentence 5's English is gone: the path leaves it out
    align(ko, without, mt=mt, embed="fake")
    assert sorted(encoded) == sorted(ko[4:7] + [en[4], en[6]])  # sentence 5, its neighbours, and their English


def test_scope_all_embeds_every_sentence(encoded):
    ko, en, mt = flores_rows("ko"), flores_rows("en"), flores_rows("mt")
    align(ko, en, mt=mt, embed="fake", embed_scope="all")
    assert sorted(encoded) == sorted(ko + en)


def test_an_unknown_scope_is_refused():
    with pytest.raises(ValueError, match="embed_scope"):
        align(["가."], ["A."], mt=["A."], embed="none", embed_scope="some")


def test_an_mt_line_out_of_proportion_that_still_matches_confidently_is_not_embedded(encoded):
    ko, en, mt = flores_rows("ko"), flores_rows("en"), flores_rows("mt")
    mt[5] = " ".join([mt[5]] * 3)  # three times as long, the same words
    assert _unfitted_mt(ko, mt)[5]
    assert align(ko, en, mt=mt, embed="fake") == align(ko, en, mt=mt, embed="none")
    assert encoded == []
