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

import heapq

from aligners.agreement import PAIR_MIN_CHRF, Agreement
from aligners.beads import Bead
from aligners.unconfirmed_pairs import split_unconfirmed_pairs

def repair(
    beads: list[Bead],
    mt: list[str],
    tgt: list[str],
    *,
    fixed_src: list[bool] | None = None,
    fixed_tgt: list[bool] | None = None,
    src: list[str] | None = None,
    witness: str | None = None,
) -> list[Bead]:
    """`detach_unsupported`, then the embedding check of unconfirmed 1-1 pairs, then `absorb_one_sided`.

    `mt` is the source side machine-translated, line by line. With `witness` (an embedding model
    name; `src` then gives the source sentences), 1-1 beads the MT does not confirm must be
    mutual nearest neighbours in that embedding (`aligners.unconfirmed_pairs`); the check runs
    before the absorbing so that what it splits off can still join the neighbour the MT ties it to.
    """
    agree = Agreement(mt, tgt)
    fixed_src, fixed_tgt = fixed_src or [False] * len(mt), fixed_tgt or [False] * len(tgt)
    beads = detach_unsupported(beads, agree)
    if witness is not None:
        if src is None:
            raise ValueError("the embedding check reads the source sentences: pass src")
        beads = split_unconfirmed_pairs(beads, agree, fixed_src, fixed_tgt, src=src, tgt=tgt, model=witness)
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


def movable(bead: Bead, fixed_src: list[bool], fixed_tgt: list[bool]) -> bool:
    """Whether absorbing may touch `bead`: it holds no fixed sentence."""
    return not any([fixed_src[i] for i in bead.src] + [fixed_tgt[j] for j in bead.tgt])


def tie(bead: Bead, other: Bead, agree: Agreement) -> tuple[float, float] | None:
    """(strength, score of the merged bead) when the MT ties one-sided `bead` to `other`, else None."""
    src, tgt = sorted(bead.src + other.src), sorted(bead.tgt + other.tgt)
    if not (other.src and other.tgt):
        if bool(other.src) == bool(bead.src):
            return None
        score = agree(src, tgt)
        return (score - PAIR_MIN_CHRF, score / 100) if score >= PAIR_MIN_CHRF else None
    gain = agree(src, tgt) - agree(other.src, other.tgt)
    return (gain, other.score) if gain > 0 else None


def absorb_one_sided(beads: list[Bead], agree: Agreement, fixed_src: list[bool], fixed_tgt: list[bool]) -> list[Bead]:
    """Merge one-sided beads into the neighbour that the MT ties them to, strongest tie first."""
    beads = list(beads)

    # Candidate merges in a heap, strongest first; ties go to the earlier one-sided bead, then to its
    # left neighbour (the order a scan of the beads would meet them in). Beads are nodes of a linked
    # list keeping their first position as id; a merge renews the two nodes' candidates only, so the
    # whole runs in O(n log n) for a document of n beads.
    count = len(beads)
    before, after = list(range(-1, count - 1)), [k + 1 if k + 1 < count else -1 for k in range(count)]
    version = [0] * count
    heap: list = []

    def offer(k: int) -> None:
        bead = beads[k]
        if (bead.src and bead.tgt) or not movable(bead, fixed_src, fixed_tgt):
            return
        for direction, other in enumerate((before[k], after[k])):
            found = tie(bead, beads[other], agree) if other >= 0 and movable(beads[other], fixed_src, fixed_tgt) else None
            if found is not None:
                heapq.heappush(heap, (-found[0], k, direction, other, version[k], version[other], found[1]))

    for k in range(count):
        offer(k)
    while heap:
        _, k, direction, other, seen_k, seen_other, score = heapq.heappop(heap)
        if version[k] != seen_k or version[other] != seen_other:
            continue  # one of the two beads has changed since: its candidates were offered again
        left, right = (other, k) if direction == 0 else (k, other)
        beads[left] = Bead(sorted(beads[left].src + beads[right].src), sorted(beads[left].tgt + beads[right].tgt), score)
        version[left] += 1
        version[right] += 1
        after[left] = after[right]
        if after[right] >= 0:
            before[after[right]] = left
        for node in (left, before[left], after[left]):
            if node >= 0:
                offer(node)
    out, node = [], 0 if count else -1
    while node >= 0:
        out.append(beads[node])
        node = after[node]
    return out
