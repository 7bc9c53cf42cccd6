"""Checking the aligner's beads against the MT before QA calls anything an omission or addition.

An omission claims that a Korean sentence has no English, which is a strong claim to make from
an aligner's cost trade-off: aligners skip a sentence when pairing it looks slightly more costly,
and fold an unmatched sentence into a neighbour when that is cheaper than leaving it alone. The MT
of each Korean sentence settles both cases cheaply:
  - `detach_unfound`: a sentence at the edge of a many-sentence bead whose text the other side does
    not contain is split off (it becomes a one-sided bead, i.e. a candidate omission or addition);
  - `absorb_one_sided`: a one-sided sentence whose text a neighbouring bead does contain joins it,
    and a Korean-only sentence next to an English-only one becomes a pair when they match.
"Contains" is character n-gram precision (chrF with beta 0) of one text against the other.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from aligners.beads import Bead, joined
from eval.scoring import segment_scores

if TYPE_CHECKING:
    from eval.qa import Side

# chrF between the MT of a Korean sentence and an English sentence from which they are taken for a
# translation pair: unrelated sentences of one article score 10–25, translations 35–80.
PAIR_MIN_CHRF = 25.0
# Share of a one-sided sentence's character n-grams found in a neighbouring bead for it to join that
# bead: on FLORES devtest, pieces of merged sentences score 44+ (9 in 10), omitted ones under 36 (9 in 10).
MERGE_MIN_FOUND = 40.0
# Below this share, a sentence of a many-sentence bead is taken as missing from the other side.
DETACH_MAX_FOUND = 30.0


def _found_in():
    from sacrebleu.metrics import CHRF

    return CHRF(beta=0)


def detach_unfound(beads: list[Bead], en: Side, mt: list[str], *, max_found: float = DETACH_MAX_FOUND) -> list[Bead]:
    """Split off edge sentences of many-sentence beads that the other side does not contain."""
    found_in = _found_in()
    out: list[Bead] = []
    for bead in beads:
        src, tgt = list(bead.src), list(bead.tgt)
        before: list[Bead] = []
        after: list[Bead] = []
        while (edge := _unfound_edge(src, tgt, en.sentences, mt, found_in, max_found)) is not None:
            side, position = edge
            k = (src if side == "src" else tgt).pop(position)
            lone = Bead([k], []) if side == "src" else Bead([], [k])
            if position == 0:
                before.append(lone)
            else:
                after.insert(0, lone)
        out.extend([*before, Bead(src, tgt, bead.score) if (before or after) else bead, *after])
    return out


def _unfound_edge(src, tgt, en, mt, found_in, max_found) -> tuple[str, int] | None:
    """(side, 0 or -1) of the least-found first or last sentence, on a side with 2+ sentences, if under `max_found`."""
    candidates = []
    for side, ids, lines, other in (("src", src, mt, joined(en, tgt)), ("tgt", tgt, en, joined(mt, src))):
        if len(ids) >= 2:
            candidates += [(found_in.sentence_score(lines[ids[p]], [other]).score, side, p) for p in (0, -1)]
    if not candidates:
        return None
    score, side, position = min(candidates)
    return (side, position) if score < max_found else None


def absorb_one_sided(
    beads: list[Bead],
    ko: Side,
    en: Side,
    mt: list[str],
    *,
    min_pair: float = PAIR_MIN_CHRF,
    min_found: float = MERGE_MIN_FOUND,
) -> list[Bead]:
    """Merge one-sided beads into the neighbour the MT ties them to, best first; boilerplate stays alone."""
    beads = list(beads)
    found_in = _found_in()

    def evidence(bead: Bead, other: Bead) -> float | None:
        """How strongly the MT ties one-sided `bead` to its neighbour `other`; None if it does not."""
        if not (other.src and other.tgt):
            if bool(other.src) == bool(bead.src):
                return None
            src, tgt = bead.src + other.src, bead.tgt + other.tgt
            score = segment_scores([joined(mt, src)], [joined(en.sentences, tgt)], ["chrf"])[0]["chrf"]
            return score if score >= min_pair else None
        if bead.src:
            score = found_in.sentence_score(joined(mt, bead.src), [joined(en.sentences, other.tgt)]).score
        else:
            score = found_in.sentence_score(joined(en.sentences, bead.tgt), [joined(mt, other.src)]).score
        return score if score >= min_found else None

    def movable(bead: Bead) -> bool:
        return not any([ko.boilerplate[i] for i in bead.src] + [en.boilerplate[j] for j in bead.tgt])

    while True:
        best = None
        for k, bead in enumerate(beads):
            if (bead.src and bead.tgt) or not movable(bead):
                continue
            for n in (k - 1, k + 1):
                if 0 <= n < len(beads) and movable(beads[n]):
                    score = evidence(bead, beads[n])
                    if score is not None and (best is None or score > best[0]):
                        best = (score, min(k, n))
        if best is None:
            return beads
        score, first = best
        left, right = beads[first], beads[first + 1]
        beads[first : first + 2] = [Bead(sorted(left.src + right.src), sorted(left.tgt + right.tgt), score / 100)]
