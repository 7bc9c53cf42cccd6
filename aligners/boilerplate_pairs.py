"""Boilerplate that pairs across the two editions: footer with footer, credit with credit.

A Korean copyright footer (`<ⓒ… 아시아경제(www.asiae.co.kr) 무단전재 배포금지>`) and the English one
(`© The Asia Business Daily(www.asiae.co.kr). All rights reserved.`) translate each other, but not
word for word: their MT overlap is that of unrelated sentences, so pairing them costs more than
leaving both out at the boilerplate skip cost, and with embeddings alone a footer may pair with
the other side's byline. Two boilerplate lines of compatible kinds (`KIND_GROUPS`) that share an
anchor (`mt.text.boilerplate.boilerplate_anchors`: a web or e-mail address, an agency name)
are a pair; `signals.PairScorer` prices such a 1-1 bead like a typical translation, and never
pairs two boilerplate lines of kinds that do not stand for each other.
"""

from __future__ import annotations

import numpy as np

from mt.text.boilerplate import boilerplate_anchors

# Kinds that may stand for each other in the two editions (a Korean dateline names the agency a
# byline or an e-mail line names in English).
KIND_GROUPS = ({"copyright"}, {"caption"}, {"byline", "email", "dateline"}, {"related"}, {"web"})
_GROUP = {kind: number for number, group in enumerate(KIND_GROUPS) for kind in group}


def boilerplate_pairs(
    src: list[str], tgt: list[str], src_kinds: list[str | None], tgt_kinds: list[str | None]
) -> tuple[np.ndarray, np.ndarray]:
    """Sorted cell keys i * len(tgt) + j of (source i, target j) boilerplate lines that pair, and
    of those that must not: boilerplate of kinds that never stand for each other (a byline and
    a copyright footer)."""
    tgt_lines = [(j, _GROUP[kind], boilerplate_anchors(tgt[j])) for j, kind in enumerate(tgt_kinds) if kind]
    paired, apart = [], []
    for i, kind in enumerate(src_kinds):
        if not kind:
            continue
        group, anchors = _GROUP[kind], boilerplate_anchors(src[i])
        for j, other_group, other in tgt_lines:
            if other_group != group:
                apart.append(i * len(tgt) + j)
            elif anchors & other:
                paired.append(i * len(tgt) + j)
    return np.array(paired, dtype=np.int64), np.array(apart, dtype=np.int64)
