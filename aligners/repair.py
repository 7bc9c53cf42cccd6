"""Re-checking an alignment's beads against the MT of each source sentence.

The DP trades costs: it folds an unmatched sentence into a neighbour's bead when that is cheaper
than leaving it alone (a merge costs half a skip), and skips a sentence when pairing it looks
slightly more costly. Whether a sentence belongs to a bead can be asked directly instead: does the
bead's MT agree better with its target with the sentence than without it? Agreement is chrF with
β = 1 (symmetric, so that a source and a target sentence are judged alike), and the question needs
no threshold of its own, whatever the MT quality or the sentence lengths: a sentence that does not
raise its bead's chrF has no support on the other side.
  - `detach_unsupported` splits such sentences off the edges of many-sentence beads;
  - `absorb_one_sided` joins a one-sided sentence to the neighbouring bead whose chrF it raises
    most, and pairs a source-only sentence with a target-only neighbour when their chrF is that
    of a translation.
Sentences marked `fixed` (bylines, credits, notices) neither move nor take others in.
"""

from __future__ import annotations

from typing import Callable

from aligners.beads import Bead, joined

# chrF (β = 1) from which the MT of a source-only sentence and a neighbouring target-only sentence
# are taken for a translation pair. With opus-mt-ko-en on FLORES devtest, unrelated sentences of
# one article score 13–29 (5th–95th percentile), translations 31–73; 25 lets 1 translation in 100 go.
PAIR_MIN_CHRF = 25.0


class Agreement:
    """chrF (β = 1) of a bead's MT against its target text, remembered per bead."""

    def __init__(self, mt: list[str], tgt: list[str]):
        from sacrebleu.metrics import CHRF

        self.mt, self.tgt = mt, tgt
        self._chrf = CHRF(beta=1)
        self._known: dict[tuple[tuple[int, ...], tuple[int, ...]], float] = {}

    def __call__(self, src: list[int], tgt: list[int]) -> float:
        key = (tuple(src), tuple(tgt))
        if key not in self._known:
            self._known[key] = self._chrf.sentence_score(joined(self.mt, src), [joined(self.tgt, tgt)]).score
        return self._known[key]

    def gain(self, src: list[int], tgt: list[int], side: str, k: int) -> float:
        """How much sentence `k` of `side` raises the agreement of the bead (src, tgt) that holds it."""
        rest = (([i for i in src if i != k], tgt) if side == "src" else (src, [j for j in tgt if j != k]))
        return self(src, tgt) - self(*rest)


def repair(
    beads: list[Bead],
    mt: list[str],
    tgt: list[str],
    *,
    fixed_src: list[bool] | None = None,
    fixed_tgt: list[bool] | None = None,
    split: Callable[[list[Bead], Agreement, list[bool], list[bool]], list[Bead]] | None = None,
) -> list[Bead]:
    """`detach_unsupported`, then `split` (a caller's further check), then `absorb_one_sided`.

    `mt` is the source side machine-translated, line by line. `split` runs before the absorbing
    so that what it splits off can still join the neighbouring bead the MT ties it to; it gets
    the beads, the agreement and the fixed flags of both sides.
    """
    agree = Agreement(mt, tgt)
    fixed_src, fixed_tgt = fixed_src or [False] * len(mt), fixed_tgt or [False] * len(tgt)
    beads = detach_unsupported(beads, agree)
    if split is not None:
        beads = split(beads, agree, fixed_src, fixed_tgt)
    return absorb_one_sided(beads, agree, fixed_src, fixed_tgt)


def detach_unsupported(beads: list[Bead], agree: Agreement) -> list[Bead]:
    """Split off edge sentences of many-sentence beads that do not raise the bead's agreement."""
    out: list[Bead] = []
    for bead in beads:
        src, tgt = list(bead.src), list(bead.tgt)
        before: list[Bead] = []
        after: list[Bead] = []
        while (edge := _least_supported_edge(src, tgt, agree)) is not None:
            side, position = edge
            k = (src if side == "src" else tgt).pop(position)
            lone = Bead([k], []) if side == "src" else Bead([], [k])
            if position == 0:
                before.append(lone)
            else:
                after.insert(0, lone)
        out.extend([*before, Bead(src, tgt, bead.score) if (before or after) else bead, *after])
    return out


def _least_supported_edge(src: list[int], tgt: list[int], agree: Agreement) -> tuple[str, int] | None:
    """(side, 0 or -1) of the first or last sentence, on a side with 2+ sentences, that raises agreement least, if not at all."""
    candidates = []
    for side, ids in (("src", src), ("tgt", tgt)):
        if len(ids) >= 2:
            candidates += [(agree.gain(src, tgt, side, ids[p]), side, p) for p in (0, -1)]
    if not candidates:
        return None
    gain, side, position = min(candidates)
    return (side, position) if gain < 0 else None


def absorb_one_sided(beads: list[Bead], agree: Agreement, fixed_src: list[bool], fixed_tgt: list[bool]) -> list[Bead]:
    """Merge one-sided beads into the neighbour that the MT ties them to, strongest tie first."""
    beads = list(beads)

    def movable(bead: Bead) -> bool:
        return not any([fixed_src[i] for i in bead.src] + [fixed_tgt[j] for j in bead.tgt])

    def tie(bead: Bead, other: Bead) -> tuple[float, float] | None:
        """(strength, score of the merged bead) when the MT ties one-sided `bead` to `other`, else None."""
        src, tgt = sorted(bead.src + other.src), sorted(bead.tgt + other.tgt)
        if not (other.src and other.tgt):
            if bool(other.src) == bool(bead.src):
                return None
            score = agree(src, tgt)
            return (score - PAIR_MIN_CHRF, score / 100) if score >= PAIR_MIN_CHRF else None
        gain = agree(src, tgt) - agree(other.src, other.tgt)
        return (gain, other.score) if gain > 0 else None

    while True:
        best = None
        for k, bead in enumerate(beads):
            if (bead.src and bead.tgt) or not movable(bead):
                continue
            for n in (k - 1, k + 1):
                if 0 <= n < len(beads) and movable(beads[n]) and (found := tie(bead, beads[n])) is not None:
                    if best is None or found[0] > best[0]:
                        best = (found[0], found[1], min(k, n))
        if best is None:
            return beads
        _, score, first = best
        left, right = beads[first], beads[first + 1]
        beads[first : first + 2] = [Bead(sorted(left.src + right.src), sorted(left.tgt + right.tgt), score)]
