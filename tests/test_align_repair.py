import pytest

from aligners import align
from aligners.beads import Bead
from aligners.agreement import Agreement
from aligners.repair import absorb_one_sided, detach_unsupported, movable, repair, tie

KO = ["정부는 올해 예산을 5% 늘렸다.", "야당은 반대했다.", "표결은 다음 주에 열린다."]
MT = ["The government increased its budget by 5% this year.", "The opposition opposed it.", "The vote will be held next week."]
EN = ["The government raised this year's budget by 5%.", "The opposition objected.", "The vote takes place next week."]
UNRELATED_MT = "Fishermen caught a record amount of squid off the eastern coast."


def pairs(beads):
    return [(b.src, b.tgt) for b in beads]


def test_a_needless_skip_is_joined_into_a_pair():
    split = [Bead([0], [0]), Bead([1], []), Bead([], [1]), Bead([2], [2])]
    assert pairs(repair(split, MT, EN)) == [([0], [0]), ([1], [1]), ([2], [2])]


def test_a_sentence_folded_into_a_bead_without_a_counterpart_is_split_off():
    en = [EN[0], EN[2]]
    folded = [Bead([0, 1], [0]), Bead([2], [1])]
    assert pairs(detach_unsupported(folded, Agreement(MT, en))) == [([0], [0]), ([1], []), ([2], [1])]


def test_a_target_sentence_folded_in_is_split_off_too():
    mt = [MT[0], MT[2]]
    folded = [Bead([0], [0, 1]), Bead([1], [2])]
    assert pairs(repair(folded, mt, EN)) == [([0], [0]), ([], [1]), ([1], [2])]


def test_a_true_merge_keeps_every_sentence_that_raises_agreement():
    merged = [Bead([0], [0]), Bead([1, 2], [1])]
    en = [EN[0], EN[1] + " " + EN[2]]
    assert pairs(repair(merged, MT, en)) == [([0], [0]), ([1, 2], [1])]


def test_an_omission_is_not_absorbed_by_a_neighbour_it_does_not_match():
    mt = [MT[0], UNRELATED_MT, MT[2]]
    beads = [Bead([0], [0]), Bead([1], []), Bead([2], [1])]
    assert pairs(absorb_one_sided(beads, Agreement(mt, [EN[0], EN[2]]), [False] * 3, [False] * 2)) == pairs(beads)


def test_fixed_sentences_neither_move_nor_take_others_in():
    split = [Bead([0], [0]), Bead([1], []), Bead([], [1]), Bead([2], [2])]
    assert pairs(repair(split, MT, EN, fixed_src=[False, True, False])) == pairs(split)
    assert pairs(repair(split, MT, EN, fixed_tgt=[False, True, False])) == pairs(split)


def test_align_repairs_with_the_mt_on_request_keeping_boilerplate_alone():
    ko = ["[아시아경제 김민준 기자]", *KO]
    mt = ["[Asia Economy reporter Kim Min-jun]", *MT]
    en = [EN[0], EN[2]]
    plain = align(ko, en, mt=mt, embed="none")
    expected = repair(plain, mt, en, fixed_src=[True, False, False, False], fixed_tgt=[False, False])
    assert align(ko, en, mt=mt, embed="none", repair=True) == expected
    with pytest.raises(ValueError):
        align(KO, en, embed="none", repair=True)


class _ScoredAgreement:
    """Agreement scores from a fixed table of random values (coarse, so that ties happen)."""

    def __init__(self, seed: int):
        self.seed = seed

    def __call__(self, src, tgt):
        import random

        return float(random.Random(f"{self.seed}:{tuple(src)}:{tuple(tgt)}").randint(0, 60))


def _absorb_by_rescanning(beads, agree, fixed_src, fixed_tgt):
    """The plain statement of absorb_one_sided: rescan every bead for the strongest tie, merge it, repeat."""
    beads = list(beads)

    while True:
        best = None
        for k, bead in enumerate(beads):
            if (bead.src and bead.tgt) or not movable(bead, fixed_src, fixed_tgt):
                continue
            for n in (k - 1, k + 1):
                found = tie(bead, beads[n], agree) if 0 <= n < len(beads) and movable(beads[n], fixed_src, fixed_tgt) else None
                if found is not None and (best is None or found[0] > best[0]):
                    best = (found[0], found[1], min(k, n))
        if best is None:
            return beads
        _, score, first = best
        left, right = beads[first], beads[first + 1]
        beads[first : first + 2] = [Bead(sorted(left.src + right.src), sorted(left.tgt + right.tgt), score)]


def test_absorbing_merges_the_strongest_tie_first_like_a_full_rescan():
    import random

    for seed in range(300):
        rng = random.Random(seed)
        beads, i, j = [], 0, 0
        for _ in range(rng.randint(0, 30)):
            a, b = rng.choice([(1, 1), (1, 0), (0, 1), (2, 1), (1, 2)])
            beads.append(Bead(list(range(i, i + a)), list(range(j, j + b)), 0.5))
            i, j = i + a, j + b
        fixed_src, fixed_tgt = [rng.random() < 0.1 for _ in range(i)], [rng.random() < 0.1 for _ in range(j)]
        agree = _ScoredAgreement(seed)
        assert absorb_one_sided(beads, agree, fixed_src, fixed_tgt) == _absorb_by_rescanning(beads, agree, fixed_src, fixed_tgt)
