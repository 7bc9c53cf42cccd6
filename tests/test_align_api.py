"""align() on real FLORES sentences (tests/fixtures, 11 rows) edited like a news article pair."""

import numpy as np
import pytest

from aligners import Bead, align
from aligners.aligner import build_scorer
from aligners.signals import Weights
from flores_rows import flores_rows


@pytest.fixture(scope="module")
def article():
    """Korean with a byline; English with rows 3+4 written as one sentence and row 7 left out."""
    ko, en, mt = flores_rows("ko"), flores_rows("en"), flores_rows("mt")
    src = ["[아시아경제 김민준 기자]"] + ko
    src_mt = ["[Asia Economy reporter Kim Min-jun]"] + mt
    tgt = en[:3] + [en[3] + " " + en[4]] + en[5:7] + en[8:]
    gold = [Bead([0], []), Bead([1], [0]), Bead([2], [1]), Bead([3], [2]), Bead([4, 5], [3]), Bead([6], [4]), Bead([7], [5]), Bead([8], [])]
    gold += [Bead([k], [k - 3]) for k in range(9, 12)]
    return src, src_mt, tgt, gold


def _shapes(beads):
    return [(b.src, b.tgt) for b in beads]


def test_mt_signal_recovers_merge_omission_and_byline(article):
    src, mt, tgt, gold = article
    beads = align(src, tgt, mt=mt, embed="none")
    assert _shapes(beads) == _shapes(gold)
    assert all(0.0 <= b.score <= 1.0 for b in beads)


@pytest.mark.parametrize("row, cut", [(1, " cautioned"), (4, " For now"), (7, " where")])
def test_a_sentence_split_after_translation_stays_one_bead(row, cut):
    """The short piece matches little of the whole source sentence, but what it has is in it."""
    ko, en, mt = flores_rows("ko"), flores_rows("en"), flores_rows("mt")
    head, tail = en[row][: en[row].index(cut)], en[row][en[row].index(cut) :]
    tgt = en[:row] + [head.strip(), tail.strip()] + en[row + 1 :]
    beads = align(ko, tgt, mt=mt, embed="none")
    assert Bead([row], [row, row + 1]) in [Bead(b.src, b.tgt) for b in beads]


def test_skip_cost_follows_how_many_sentences_have_a_counterpart():
    ko, en, mt = (flores_rows(kind, 60) for kind in ("ko", "en", "mt"))
    default = Weights().skip
    every_sentence_translated = build_scorer(ko, en, mt, "none", 3, "ko", "en", None).skip
    half_replaced = build_scorer(ko[:30], en[:15] + en[30:45], mt[:30], "none", 3, "ko", "en", None).skip
    short_article = build_scorer(ko[:4], en[:4], mt[:4], "none", 3, "ko", "en", None).skip
    assert half_replaced < default < short_article < every_sentence_translated


def test_lines_without_a_word_are_cheap_to_leave_unaligned():
    ko, en, mt = (flores_rows(kind, 20) for kind in ("ko", "en", "mt"))
    debris = [".....", "- _-", "h * \"", "* * *"]
    short_words = ["그는 왔다.", "He ran."]  # real sentences of short words keep the full cost
    scorer = build_scorer(ko, en + debris + short_words, mt, "none", 3, "ko", "en", None)
    leave_out = scorer.bead_costs(np.zeros(len(en) + 6, dtype=int), np.arange(1, len(en) + 7), 0, 1)
    assert leave_out[len(en) : len(en) + 4] == pytest.approx(leave_out[0] / 4)
    assert leave_out[len(en) + 4 :] == pytest.approx([leave_out[0]] * 2)


def test_length_spread_is_measured_on_documents_long_enough():
    ko, en, mt = (flores_rows(kind, 60) for kind in ("ko", "en", "mt"))
    default = Weights().length_sigma
    assert build_scorer(ko, en, mt, "none", 3, "ko", "en", None).length_sigma < default
    assert build_scorer(ko[:11], en[:11], mt[:11], "none", 3, "ko", "en", None).length_sigma == default
    assert build_scorer(ko, en, None, "none", 3, "ko", "en", None).length_sigma == default


@pytest.mark.slow
def test_e5_embeddings_alone(article):
    src, _, tgt, gold = article
    beads = align(src, tgt, embed="e5")
    assert _shapes(beads) == _shapes(gold)


def test_every_sentence_lands_in_exactly_one_bead(article):
    src, _, tgt, _ = article
    beads = align(src, tgt, embed="none")
    assert sorted(i for b in beads for i in b.src) == list(range(len(src)))
    assert sorted(j for b in beads for j in b.tgt) == list(range(len(tgt)))


def test_unaligned_sides_give_one_sided_beads():
    assert _shapes(align(["하나.", "둘."], [], embed="none")) == [([0], []), ([1], [])]
    assert [b.tgt for b in align([], ["One."], embed="none")] == [[0]]
    assert align([], [], embed="none") == []


def test_mt_must_be_line_aligned(article):
    src, mt, tgt, _ = article
    with pytest.raises(ValueError, match="line-aligned"):
        align(src, tgt, mt=mt[:-1], embed="none")


def test_max_merge_one_allows_only_one_to_one(article):
    src, mt, tgt, _ = article
    assert {b.kind for b in align(src, tgt, mt=mt, embed="none", max_merge=1)} <= {"1-1", "1-0", "0-1"}


@pytest.mark.parametrize("size", [2, 3])
def test_unrelated_merged_spans_look_as_unrelated_as_unrelated_pairs(size):
    """Larger spans share more n-grams by chance; that overlap must not count as evidence for a merge."""
    import numpy as np

    ko, en, mt = (flores_rows(kind, 60) for kind in ("ko", "en", "mt"))
    scorer = build_scorer(ko, en, mt, "none", 3, "ko", "en", None)
    rows = np.arange(size, 61)
    cols = (rows + 20) % (61 - size) + size  # spans 20 sentences away from their translation
    dice = scorer._dice("grams", rows, cols, size, size)[0]
    assert abs(np.median(scorer._dice_distance(dice, size, size)) - 1.0) < 0.1
