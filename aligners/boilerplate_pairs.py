"""Boilerplate that pairs across the two editions: footer with footer, credit with credit.

A Korean copyright footer (`<ⓒ… 아시아경제(www.asiae.co.kr) 무단전재 배포금지>`) and the English one
(`© The Asia Business Daily(www.asiae.co.kr). All rights reserved.`) translate each other, but not
word for word: their MT overlap is that of unrelated sentences, so pairing them costs more than
leaving both out at the boilerplate skip cost, and with embeddings alone a footer may pair with
the other side's byline. Two boilerplate lines of compatible kinds (`KIND_GROUPS`) that share an
anchor (`mt.text.boilerplate.boilerplate_anchors`: a web or e-mail address, an agency name)
are a pair: `BoilerplatePairs.price` makes such a 1-1 bead cost what a typical translation does,
and forbids 1-1 beads of two boilerplate lines of kinds that never stand for each other.
"""

from __future__ import annotations

import numpy as np

from mt.text.boilerplate import boilerplate_anchors

# Kinds that may stand for each other in the two editions (a Korean dateline names the agency a
# byline or an e-mail line names in English).
KIND_GROUPS = ({"copyright"}, {"caption"}, {"byline", "email", "dateline"}, {"related"}, {"web"})
_GROUP = {kind: number for number, group in enumerate(KIND_GROUPS) for kind in group}


class BoilerplatePairs:
    """Which 1-1 cells pair two boilerplate lines (priced like a typical translation) and which
    must not (boilerplate of kinds that never stand for each other: a byline and a copyright footer)."""

    def __init__(self, src: list[str], tgt: list[str], src_kinds: list[str | None], tgt_kinds: list[str | None]):
        self.m = len(tgt)
        self.src_group = np.array([_GROUP[kind] if kind else -1 for kind in src_kinds], dtype=np.int64)
        self.tgt_group = np.array([_GROUP[kind] if kind else -1 for kind in tgt_kinds], dtype=np.int64)
        holding: dict[tuple[int, str], list[int]] = {}  # (kind group, anchor) -> target lines with it
        for j in np.flatnonzero(self.tgt_group >= 0).tolist():
            for anchor in boilerplate_anchors(tgt[j]):
                holding.setdefault((int(self.tgt_group[j]), anchor), []).append(j)
        keys = set()
        for i in np.flatnonzero(self.src_group >= 0).tolist():
            group = int(self.src_group[i])
            keys.update(i * self.m + j for anchor in boilerplate_anchors(src[i]) for j in holding.get((group, anchor), ()))
        self.paired = np.array(sorted(keys), dtype=np.int64)

    def price(self, cost: np.ndarray, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """1-1 bead costs of source sentences rows-1 and target sentences cols-1, adjusted."""
        src_group, tgt_group = self.src_group[rows - 1], self.tgt_group[cols - 1]
        both = np.flatnonzero((src_group >= 0) & (tgt_group >= 0))
        if not len(both):
            return cost
        cost = np.array(cost, dtype=np.float64)
        paired = np.isin((rows[both] - 1) * self.m + cols[both] - 1, self.paired)
        cost[both[paired]] = np.minimum(cost[both[paired]], 0.0)  # a typical translation's cost
        cost[both[src_group[both] != tgt_group[both]]] = np.inf
        return cost
