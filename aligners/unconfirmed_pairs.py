"""A second witness for 1-1 beads that the MT does not confirm: cross-lingual sentence embeddings.

When an article both drops a sentence and adds one at the same place, the aligner pairs the two:
pairing costs less than two skips. With a weak MT their chrF is that of the weakest true
translations, so the MT cannot tell such a pair from a loose translation. A multilingual sentence
embedding reads the source itself, not its MT, and is asked the question bitext mining asks
(mutual nearest neighbours): is this target sentence the source's closest among the document's
target sentences, and the source the target's closest among its source sentences? A dropped and
an added sentence of one article are about the same topic, but each is usually closer to its
own neighbours' translations than to the other. The question has no threshold of its own, so it
holds for any embedding model and document length.

Only pairs below `PAIR_MIN_CHRF`, the level at which the MT check pairs two lone sentences on
its own, are asked: above it the MT already confirms them, and the embedding is not computed.
"""

from __future__ import annotations

import numpy as np

from aligners.beads import Bead
from aligners.agreement import PAIR_MIN_CHRF, Agreement


def split_unconfirmed_pairs(
    beads: list[Bead],
    agree: Agreement,
    fixed_src: list[bool],
    fixed_tgt: list[bool],
    *,
    src: list[str],
    tgt: list[str],
    model: str,
) -> list[Bead]:
    """Split 1-1 beads that neither the MT (chrF β = 1 ≥ PAIR_MIN_CHRF) nor the embedding confirms."""
    weak = {
        k for k, b in enumerate(beads)
        if len(b.src) == len(b.tgt) == 1 and not (fixed_src[b.src[0]] or fixed_tgt[b.tgt[0]])
        and agree(b.src, b.tgt) < PAIR_MIN_CHRF
    }
    if not weak:
        return beads
    from aligners.embeddings import embed

    # Bylines, credits and notices translate nothing, so they compete with no sentence.
    src_ids = [i for i, fixed in enumerate(fixed_src) if not fixed]
    tgt_ids = [j for j, fixed in enumerate(fixed_tgt) if not fixed]
    similarity = embed([src[i] for i in src_ids], model) @ embed([tgt[j] for j in tgt_ids], model).T
    row, col = {i: r for r, i in enumerate(src_ids)}, {j: c for c, j in enumerate(tgt_ids)}
    out = []
    for k, bead in enumerate(beads):
        if k in weak:
            r, c = row[bead.src[0]], col[bead.tgt[0]]
            pair = similarity[r, c]
            if pair < np.max(similarity[r]) or pair < np.max(similarity[:, c]):
                # The halves have no order between them, but `absorb_one_sided` joins adjacent beads
                # only: the target goes first, so that the tail of a translation the aligner cut at
                # the previous bead (a 1-2 merge) can rejoin it; the source can still join the next.
                out += [Bead([], list(bead.tgt)), Bead(list(bead.src), [])]
                continue
        out.append(bead)
    return out
