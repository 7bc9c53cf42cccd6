"""Signal costs computed for the cells the DP visits, a window at a time, equal the whole-document ones."""

import numpy as np
import pytest
from click.testing import CliRunner

from aligners import align
from aligners import dp as dp_module
from aligners.aligner import build_scorer
from aligners.beads import format_bead
from aligners.dp import bead_types
from aligners import feature_sets
from aligners.feature_sets import SetRows, only_shared, shared_set_rows
from aligners.signals import ngram_set_rows
from flores_rows import FIXTURES, flores_rows
from mt.cli import main
from mt.io.errors import DariError


def long_pair():
    """300 FLORES rows (the 60 of the fixture, five times), MT given; every 13th English sentence left
    out and every 17th written as one with the previous: 300 x 260 sentences, aligned coarse-to-fine."""
    ko, en, mt = (flores_rows(kind, 60) * 5 for kind in ("ko", "en", "mt"))
    tgt = []
    for k, sentence in enumerate(en):
        if k % 13 == 5:
            continue
        if k % 17 == 3 and tgt:
            tgt[-1] = tgt[-1] + " " + sentence
            continue
        tgt.append(sentence)
    return ko, tgt, mt


@pytest.fixture(scope="module")
def scorer():
    ko, tgt, mt = long_pair()
    return build_scorer(ko, tgt, mt, "none", 3, "ko", "en", None)


def whole_document_overlaps(side_src: SetRows, side_tgt: SetRows, a: int, b: int, weights=None) -> np.ndarray:
    """What the aligner used to compute: one product of every source a-span with every target b-span."""
    left = side_src.unions(np.arange(len(side_src) - a + 1), a, weights)
    right = side_tgt.unions(np.arange(len(side_tgt) - b + 1), b)
    return (left @ right.T).toarray()


@pytest.mark.parametrize("name", ["grams", "anchors"])
def test_window_and_gathered_overlaps_equal_whole_document_products(scorer, name):
    rng = np.random.default_rng(0)
    for a, b in [t for t in bead_types(4) if t[0] and t[1]]:
        reference = whole_document_overlaps(scorer.src.sets(name), scorer.tgt.sets(name), a, b)
        rows = rng.integers(a + 40, a + 60, 200)
        cols = rows - rng.integers(0, 12, 200)  # near the diagonal, as the band is
        with scorer.window(40, 60, 28, 60, (4, 4), len(rows)):
            windowed = scorer._span_overlap(name, rows, cols, a, b)
        gathered = scorer._span_overlap(name, rows, cols, a, b)
        expected = reference[rows - a, cols - b]
        assert np.array_equal(windowed, expected) and np.array_equal(gathered, expected), (a, b)


def test_idf_weighted_overlaps_equal_whole_document_products_up_to_rounding(scorer):
    weights = scorer._idf_weights()
    rows = np.arange(45, 60)
    cols = rows - 5
    for a, b in [(1, 1), (1, 2), (2, 1), (1, 3), (3, 1)]:
        reference = whole_document_overlaps(scorer.src.sets("grams"), scorer.tgt.sets("grams"), a, b, weights)
        with scorer.window(40, 60, 30, 60, (4, 4), len(rows)):
            windowed = scorer._span_overlap("grams", rows, cols, a, b, idf=True)
        assert windowed == pytest.approx(reference[rows - a, cols - b], rel=1e-12)


def test_bead_costs_do_not_depend_on_the_window(scorer):
    rows = np.repeat(np.arange(100, 140), 9)
    cols = rows - 20 + np.tile(np.arange(9), 40)
    for a, b in bead_types(3):
        with scorer.window(96, 140, 70, 130, (3, 3), len(rows)):
            inside = scorer.bead_costs(rows, cols, a, b)
        assert inside == pytest.approx(scorer.bead_costs(rows, cols, a, b), rel=1e-12, abs=1e-12)


def test_beads_are_those_of_the_whole_document_computation():
    """Byte for byte, scores included: the beads the aligner wrote when every overlap was one
    whole-document product (tests/fixtures/flores_devtest60x5.mt.beads)."""
    ko, tgt, mt = long_pair()
    written = "".join(format_bead(bead) + "\n" for bead in align(ko, tgt, mt=mt, embed="none"))
    assert written == (FIXTURES / "flores_devtest60x5.mt.beads").read_text(encoding="utf-8")


def test_ngram_rows_are_the_words_and_word_trigrams_of_each_sentence_over_one_sorted_vocabulary():
    src, tgt = ngram_set_rows(["The cat, the cat.", ""], ["Cats!"])
    vocab = sorted({"w the", " th", "the", "he ", "w cat", " ca", "cat", "at ", "w cats", "ats", "ts "})
    assert src.width == tgt.width == len(vocab)

    def row(rows, k):
        return [vocab[i] for i in rows.indices[rows.indptr[k] : rows.indptr[k + 1]]]

    assert row(src, 0) == sorted({"w the", " th", "the", "he ", "w cat", " ca", "cat", "at "})
    assert row(src, 1) == []
    assert row(tgt, 0) == sorted({"w cats", " ca", "cat", "ats", "ts "})


def test_block_sets_are_unions_of_their_rows_with_gaps_in_blocks():
    rng = np.random.default_rng(3)
    sets = [{f"f{x}" for x in rng.integers(0, 40, rng.integers(0, 8))} for _ in range(101)]
    rows, _ = shared_set_rows(sets, [])
    for factor in (2, 4, 8):
        blocks = rows.pooled(factor)
        for k in range(len(blocks)):
            got = blocks.indices[blocks.indptr[k] : blocks.indptr[k + 1]]
            wanted = set().union(*[rows.indices[rows.indptr[r] : rows.indptr[r + 1]] for r in range(k * factor, min((k + 1) * factor, 101))])
            assert sorted(got) == sorted(wanted)
        measured = SetRows(blocks.indptr, blocks.indices, blocks.width).gaps()  # measured anew from the block sets
        assert np.array_equal(np.minimum(blocks.gaps(), 127), np.minimum(measured, 127))


def test_a_band_too_large_for_memory_is_a_one_line_error_naming_the_input(monkeypatch, tmp_path):
    ko, tgt, mt = long_pair()
    monkeypatch.setattr(dp_module, "MAX_BAND_CELLS", 1000)
    with pytest.raises(DariError, match="split the input"):
        align(ko, tgt, mt=mt, embed="none")
    for name, lines in (("a.ko", ko), ("a.en", tgt), ("a.mt", mt)):
        (tmp_path / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["align", str(tmp_path / "a.ko"), str(tmp_path / "a.en"), "--mt", str(tmp_path / "a.mt"), "--embed", "none"])
    assert result.exit_code == 2
    message = result.output.strip()
    assert message.count("\n") == 0 and message.startswith(f"Error: {tmp_path / 'a.ko'}:") and "DP band" in message
    result = CliRunner().invoke(main, ["qa", "--src", str(tmp_path / "a.ko"), "--ref", str(tmp_path / "a.en"), "--mt",
                                       str(tmp_path / "a.mt"), "--embed", "none", "-o", str(tmp_path / "r.json")])
    message = result.output.strip()
    assert result.exit_code == 2 and "DP band" in message and str(tmp_path / "a.ko") in message.split(": ")[1]
    assert not (tmp_path / "r.json").exists()


def test_memory_stays_with_the_window_not_the_document(scorer):
    """The overlap tables a DP window keeps grow with the window, whatever the document's length."""
    rows = np.arange(200, 220)
    with scorer.window(196, 220, 150, 190, (4, 4), len(rows)):
        scorer._span_overlap("grams", rows, rows - 30, 2, 2)
        tables = [t for t in scorer._tables.values()]
    # MT n-grams keep a count table (float32) and its IDF-weighted twin (float64), built together
    assert sum(t.nbytes for t in tables) <= (220 - 196 + 3) * 4 * (190 - 150 + 3) * 4 * (4 + 8)


def test_anchor_sets_keep_the_features_of_both_sides_in_sorted_order():
    """Anchors found on one side only tie nothing together; ids stay the ranks of the shared features."""
    src, tgt = shared_set_rows([{"#3", "nasa"}, {"#7"}, set()], [{"#7", "kim"}, {"nasa", "#3"}, {"#9"}])
    left, right = only_shared(src, tgt)
    assert left.width == right.width == 3  # "#3" < "#7" < "nasa"
    assert [left.indices[left.indptr[k] : left.indptr[k + 1]].tolist() for k in range(3)] == [[0, 2], [1], []]
    assert [right.indices[right.indptr[k] : right.indptr[k + 1]].tolist() for k in range(3)] == [[1], [0, 2], []]


def test_document_frequency_counted_in_chunks_equals_one_count(monkeypatch, scorer):
    sets = scorer.src.sets("grams")
    whole = sets.document_frequency()
    monkeypatch.setattr(feature_sets, "_COUNT_CHUNK", 1000)
    assert len(sets.indices) > 10_000 and np.array_equal(sets.document_frequency(), whole)
    assert np.array_equal(whole, np.bincount(sets.indices, minlength=sets.width))
