"""A 1-1 bead the MT does not confirm stays a pair only if the embedding makes them mutual nearest neighbours."""

import numpy as np
import pytest

from aligners import embeddings
from aligners.beads import Bead
from aligners.agreement import Agreement
from eval.qa import check_document
from mt.text.article import Article
from aligners.unconfirmed_pairs import split_unconfirmed_pairs

KO = ["정부는 올해 예산을 5% 늘렸다.", "야당은 반대했다.", "표결은 다음 주에 열린다."]
MT = ["The government increased its budget by 5% this year.", "The opposition opposed it.", "The vote will be held next week."]
# English 1 replaces the translation of Korean 1: an omission and an addition at one place.
EN = ["The government raised this year's budget by 5%.", "Critics called the plan reckless.", "The vote takes place next week."]
BEADS = [Bead([0], [0]), Bead([1], [1]), Bead([2], [2])]


@pytest.fixture
def fake_model(monkeypatch):
    """An embedding that puts each text on a chosen axis; `axes` is filled in by the test."""
    axes: dict[str, int] = {}
    asked: list[str] = []

    def encode(texts):
        asked.extend(texts)
        return [np.eye(4)[axes[t]] + 0.1 for t in texts]

    monkeypatch.setitem(embeddings._models, "fake", encode)
    monkeypatch.setattr(embeddings, "_cache", embeddings.OrderedDict())
    return axes, asked


def split(beads, en=EN):
    none = [False] * 3
    return split_unconfirmed_pairs(beads, Agreement(MT, en), src=KO, tgt=en, model="fake", fixed_src=none, fixed_tgt=none)


def test_a_weak_pair_nearer_to_other_sentences_is_split(fake_model):
    axes, _ = fake_model
    # Korean 1 is nearest English 2's topic, English 1 nearest Korean 0's: not a translation pair.
    axes.update({KO[0]: 0, KO[1]: 2, KO[2]: 2, EN[0]: 0, EN[1]: 0, EN[2]: 2})
    assert [(b.src, b.tgt) for b in split(BEADS)] == [([0], [0]), ([], [1]), ([1], []), ([2], [2])]


def test_a_weak_pair_of_mutual_nearest_neighbours_is_kept(fake_model):
    axes, _ = fake_model
    axes.update({KO[0]: 0, KO[1]: 1, KO[2]: 2, EN[0]: 0, EN[1]: 1, EN[2]: 2})
    assert split(BEADS) == BEADS


def test_pairs_the_mt_confirms_are_never_embedded(fake_model):
    _, asked = fake_model
    en = [EN[0], "The opposition objected.", EN[2]]
    assert split(BEADS, en) == BEADS and asked == []


def test_check_document_reports_the_split_pair_as_omission_and_addition(fake_model):
    axes, _ = fake_model
    axes.update({KO[0]: 0, KO[1]: 2, KO[2]: 2, EN[0]: 0, EN[1]: 0, EN[2]: 2})
    ko, en = Article.from_lines(KO, "ko"), Article.from_lines(EN, "en")
    doc = check_document("d", ko, en, MT, BEADS, witness="fake")
    flagged = {flag: (b.src, b.tgt) for b in doc.beads for flag in b.flags if flag in ("omission", "addition")}
    assert flagged == {"omission": ([1], []), "addition": ([], [1])}


def test_only_sentences_near_an_unconfirmed_pair_compete_and_are_embedded(fake_model, monkeypatch):
    from aligners import unconfirmed_pairs

    axes, asked = fake_model
    monkeypatch.setattr(unconfirmed_pairs, "COMPETITORS", 1)
    far_ko, far_en = "먼 문장이다.", "A far sentence."
    ko, mt, en = KO + [far_ko], MT + ["A far sentence."], EN + [far_en]
    # The far Korean sentence is English 1's nearest (same axis) and would split the pair, but it
    # lies 2 lines away; within one line, nothing is nearer to either sentence than the other is.
    axes.update({KO[0]: 0, KO[1]: 3, KO[2]: 2, EN[0]: 0, EN[1]: 1, EN[2]: 2, far_ko: 1, far_en: 1})
    beads = BEADS + [Bead([3], [3])]
    none = [False] * 4
    kept = split_unconfirmed_pairs(beads, Agreement(mt, en), src=ko, tgt=en, model="fake", fixed_src=none, fixed_tgt=none)
    assert kept == beads
    assert far_ko not in asked and far_en not in asked


def test_pairs_judged_a_stretch_at_a_time_as_all_at_once(fake_model, monkeypatch):
    """A long text's unconfirmed pairs are judged in stretches of PAIRS_SPAN sentences, whose
    competitors alone are embedded together: the verdicts are those of the whole text at once."""
    from aligners import unconfirmed_pairs

    axes, _ = fake_model
    rng = np.random.default_rng(5)
    ko = [f"문장 {k}." for k in range(40)]
    en = [f"Unrelated line {k}." for k in range(40)]
    mt = [f"Something else {k}." for k in range(40)]
    axes.update({text: int(rng.integers(0, 4)) for text in ko + en})
    beads = [Bead([k], [k]) for k in range(40)]
    none = [False] * 40
    monkeypatch.setattr(unconfirmed_pairs, "COMPETITORS", 3)

    def run():
        return split_unconfirmed_pairs(beads, Agreement(mt, en), src=ko, tgt=en, model="fake", fixed_src=none, fixed_tgt=none)

    whole = run()
    monkeypatch.setattr(unconfirmed_pairs, "PAIRS_SPAN", 5)
    held = []  # texts embedded together, whose vectors are held at once
    embed = embeddings.embed
    monkeypatch.setattr(embeddings, "embed", lambda texts, model: held.append(len(texts)) or embed(texts, model))
    assert run() == whole and len(whole) > len(beads)  # some pairs split, some kept
    assert len(held) == 16 and max(held) <= 5 + 2 * 3  # 8 stretches a side, each with its competitors
