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
The competitors are the sentences within `COMPETITORS` lines of the pair on each side (the whole
document for any news article), so a book-length text embeds and compares only what lies around
its unconfirmed pairs instead of every sentence with every other.
"""

from __future__ import annotations

import numpy as np

from aligners.beads import Bead
from aligners.agreement import PAIR_MIN_CHRF, Agreement

COMPETITORS = 100  # sentences on either side of an unconfirmed pair that compete with it
# Unconfirmed pairs within this many sentences of each other are judged together: only their
# competitors' vectors are held (~3 MB a side), not a whole book's (~300 MB a side at 200,000 sentences).
PAIRS_SPAN = 2048


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
    # Bylines, credits and notices translate nothing, so they compete with no sentence.
    src_ids = np.array([i for i, fixed in enumerate(fixed_src) if not fixed], dtype=np.int64)
    tgt_ids = np.array([j for j, fixed in enumerate(fixed_tgt) if not fixed], dtype=np.int64)
    split: set[int] = set()
    group: list[int] = []
    for k in sorted(weak):  # beads follow both texts in order
        if group and max(beads[k].src[0] - beads[group[0]].src[0], beads[k].tgt[0] - beads[group[0]].tgt[0]) >= PAIRS_SPAN:
            split |= _beaten(beads, group, src_ids, tgt_ids, src, tgt, model)
            group = []
        group.append(k)
    split |= _beaten(beads, group, src_ids, tgt_ids, src, tgt, model)
    out = []
    for k, bead in enumerate(beads):
        if k in split:
            # The halves have no order between them, but `absorb_one_sided` joins adjacent beads
            # only: the target goes first, so that the tail of a translation the aligner cut at
            # the previous bead (a 1-2 merge) can rejoin it; the source can still join the next.
            out += [Bead([], list(bead.tgt)), Bead(list(bead.src), [])]
        else:
            out.append(bead)
    return out


def _beaten(beads: list[Bead], ks: list[int], src_ids: np.ndarray, tgt_ids: np.ndarray, src: list[str], tgt: list[str],
            model: str) -> set[int]:
    """The 1-1 beads `ks` whose source or target has a closer rival among its competitors."""
    from aligners.embeddings import embed

    pairs = {k: (beads[k].src[0], beads[k].tgt[0]) for k in ks}

    def near(ids: np.ndarray, at: int) -> np.ndarray:
        return ids[np.searchsorted(ids, at - COMPETITORS) : np.searchsorted(ids, at + COMPETITORS, side="right")]

    src_near = {k: near(src_ids, i) for k, (i, _) in pairs.items()}
    tgt_near = {k: near(tgt_ids, j) for k, (_, j) in pairs.items()}
    needed_src = sorted({int(i) for ids in src_near.values() for i in ids})  # each pair is among its own competitors
    needed_tgt = sorted({int(j) for ids in tgt_near.values() for j in ids})
    src_vec, tgt_vec = embed([src[i] for i in needed_src], model), embed([tgt[j] for j in needed_tgt], model)
    beaten = set()
    for k, (i, j) in pairs.items():
        # The pair competes within each product, so that it is compared with itself exactly.
        rivals_of_src = tgt_vec[np.searchsorted(needed_tgt, tgt_near[k])] @ src_vec[np.searchsorted(needed_src, i)]
        rivals_of_tgt = src_vec[np.searchsorted(needed_src, src_near[k])] @ tgt_vec[np.searchsorted(needed_tgt, j)]
        if (rivals_of_src[np.searchsorted(tgt_near[k], j)] < rivals_of_src.max()
                or rivals_of_tgt[np.searchsorted(src_near[k], i)] < rivals_of_tgt.max()):
            beaten.add(k)
    return beaten
