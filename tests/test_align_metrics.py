import pytest

from aligners.beads import Bead, format_bead, parse_bead
from eval.alignment_metrics import score_alignments


def test_bead_line_round_trip():
    bead = Bead([0, 1], [2], 0.8731)
    assert format_bead(bead) == "[0, 1]:[2]:0.8731"
    assert parse_bead(format_bead(bead)) == bead
    assert parse_bead("[]:[3]") == Bead([], [3], 0.0)


@pytest.mark.parametrize("line", ["[0]-[1]", "0:1", "[a]:[1]", ""])
def test_parse_bead_rejects_garbage(line):
    with pytest.raises(ValueError):
        parse_bead(line)


def test_strict_and_lax_follow_the_vecalign_convention():
    gold = [Bead([0, 1], [0]), Bead([2], [1]), Bead([3], [])]
    system = [Bead([0], [0]), Bead([1], []), Bead([2], [1]), Bead([3], []), Bead([], [])]
    s = score_alignments([gold], [system])
    # Precision over the 4 non-empty system beads: exact [2]:[1] and [3]:[]; lax adds [0]:[0].
    assert s.strict_precision == pytest.approx(2 / 4)
    assert s.lax_precision == pytest.approx(3 / 4)
    # Recall over the 2 two-sided gold beads against the two-sided system beads.
    assert s.strict_recall == pytest.approx(1 / 2)
    assert s.lax_recall == pytest.approx(2 / 2)
    assert s.strict_f1 == pytest.approx(0.5)
    assert (s.system_beads, s.gold_beads) == (4, 3)


def test_counts_are_pooled_over_documents():
    gold = [[Bead([0], [0])], [Bead([0], [0]), Bead([1], [1]), Bead([2], [2])]]
    system = [[Bead([0], [1])], [Bead([0], [0]), Bead([1], [1]), Bead([2], [2])]]
    assert score_alignments(gold, system).strict_precision == pytest.approx(3 / 4)


def test_document_counts_must_match():
    with pytest.raises(ValueError):
        score_alignments([[]], [])
