"""How well a bead's MT agrees with its target text: the measure the MT checks of beads share.

chrF with β = 1 is symmetric, so a source and a target sentence are judged alike.
"""

from __future__ import annotations

from aligners.beads import joined

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


