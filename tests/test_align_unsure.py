"""With MT, sentence embeddings are computed only where the MT leaves the alignment unsure."""

import numpy as np
import pytest

from aligners import align, embeddings
from aligners.aligner import _unfitted_mt
from aligners.unsure import unsure_steps
from flores_rows import flores_rows

# a 1-1, a 2-1 merge, a left-out target sentence, two 1-1
PATH = [((1, 1), 1, 1), ((2, 1), 3, 2), ((0, 1), 3, 3), ((1, 1), 4, 4), ((1, 1), 5, 5)]


def test_steps_the_second_pass_changed_are_unsure():
    first = [((1, 1), 1, 1), ((1, 1), 2, 2), ((1, 0), 3, 2), ((0, 1), 3, 3), ((1, 1), 4, 4), ((1, 1), 5, 5)]
    assert unsure_steps(PATH, first, np.zeros(5, bool), weak_mt=False).tolist() == [False, True, False, False, False]


def test_a_blank_mt_line_makes_its_step_unsure_and_the_neighbours_where_the_sentence_is_left_out():
    blank = np.zeros(5, bool)
    blank[3] = True  # source sentence 3 is held by the 1-1 step ending at row 4
    assert unsure_steps(PATH, PATH, blank, weak_mt=False).tolist() == [False, False, False, True, False]
    left_out = [((1, 1), 1, 1), ((1, 0), 2, 1), ((1, 1), 3, 2), ((1, 1), 4, 3)]
    blank = np.array([False, True, False, False])
    assert unsure_steps(left_out, left_out, blank, weak_mt=False).tolist() == [True, True, True, False]


def test_with_a_weak_mt_merges_and_gaps_with_their_neighbours_are_unsure():
    assert unsure_steps(PATH, PATH, np.zeros(5, bool), weak_mt=True).tolist() == [False, True, True, True, False]


def test_nothing_is_unsure_where_both_passes_agree_and_every_line_fits():
    assert not unsure_steps(PATH, PATH, np.zeros(5, bool), weak_mt=False).any()
    assert unsure_steps([], [], np.zeros(0, bool), weak_mt=True).tolist() == []


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
