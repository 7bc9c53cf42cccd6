"""Strict and lax precision/recall/F1 of sentence alignments, as Vecalign and Bertalign report them.

Convention (../shared/data/README.md): beads empty on both sides are ignored; precision judges every
system bead (one-sided ones included) against the gold; recall judges the two-sided gold beads
against the two-sided system beads. Strict needs an exact bead match; lax accepts a bead when one
of its target sentences is linked in the reference to one of its source sentences. Counts are
pooled over documents, so long documents weigh more, as in the published numbers.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from collections.abc import Iterable, Sequence

Pair = tuple[tuple[int, ...], tuple[int, ...]]


@dataclass(frozen=True)
class AlignmentScores:
    strict_precision: float
    strict_recall: float
    strict_f1: float
    lax_precision: float
    lax_recall: float
    lax_f1: float
    system_beads: int
    gold_beads: int

    def as_dict(self) -> dict:
        return asdict(self)


def _pairs(beads: Iterable) -> list[Pair]:
    """Accept Beads or (src, tgt) pairs; drop beads empty on both sides."""
    out = []
    for bead in beads:
        src, tgt = (bead.src, bead.tgt) if hasattr(bead, "src") else bead
        if src or tgt:
            out.append((tuple(src), tuple(tgt)))
    return out


def _documents(gold_docs: Sequence[Iterable], system_docs: Sequence[Iterable]):
    """(gold pairs, system pairs) of each document, after checking that the two lists match up."""
    if len(gold_docs) != len(system_docs):
        raise ValueError(f"{len(gold_docs)} gold documents but {len(system_docs)} system documents")
    return [(_pairs(gold), _pairs(system)) for gold, system in zip(gold_docs, system_docs)]


def _judge(reference: list[Pair], candidates: list[Pair]) -> tuple[int, int, int]:
    """(strict hits, lax hits, total) of `candidates` judged against `reference`."""
    exact = set(reference)
    links = {(s, t) for src, tgt in reference for s in src for t in tgt}
    strict = lax = 0
    for src, tgt in candidates:
        if (src, tgt) in exact:
            strict += 1
            lax += 1
        elif any((s, t) in links for s in src for t in tgt):
            lax += 1
    return strict, lax, len(candidates)


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def score_alignments(gold_docs: Sequence[Iterable], system_docs: Sequence[Iterable]) -> AlignmentScores:
    """Score documents pooled: gold_docs[k] and system_docs[k] are the beads of document k."""
    p_strict = p_lax = p_total = r_strict = r_lax = r_total = 0
    gold_count = system_count = 0
    for gold, system in _documents(gold_docs, system_docs):
        gold_count += len(gold)
        system_count += len(system)
        s, l, t = _judge(gold, system)
        p_strict, p_lax, p_total = p_strict + s, p_lax + l, p_total + t
        s, l, t = _judge([b for b in system if b[0] and b[1]], [b for b in gold if b[0] and b[1]])
        r_strict, r_lax, r_total = r_strict + s, r_lax + l, r_total + t
    sp = p_strict / p_total if p_total else 0.0
    sr = r_strict / r_total if r_total else 0.0
    lp = p_lax / p_total if p_total else 0.0
    lr = r_lax / r_total if r_total else 0.0
    return AlignmentScores(sp, sr, _f1(sp, sr), lp, lr, _f1(lp, lr), system_count, gold_count)


def _shape(pair: Pair) -> str:
    return f"{len(pair[0])}-{len(pair[1])}"


def scores_by_shape(gold_docs: Sequence[Iterable], system_docs: Sequence[Iterable]) -> dict[str, dict]:
    """Strict precision and recall per bead shape ("1-1", "2-1", "0-1" ...), pooled over documents.

    The pooled F1 hides where an aligner fails: a book translation loses most of its points on
    2-2 and larger beads whose sentence boundaries do not line up, a news edition on omissions.
    Recall of a shape: its gold beads found exactly (one-sided gold beads count here too, unlike the
    pooled recall); precision: the system's beads of that shape that are in the gold.
    """
    counts: dict[str, list[int]] = {}  # shape -> [gold, gold found, system, system correct]
    for gold_pairs, system_pairs in _documents(gold_docs, system_docs):
        gold, system = set(gold_pairs), set(system_pairs)
        for pair in gold:
            row = counts.setdefault(_shape(pair), [0, 0, 0, 0])
            row[0] += 1
            row[1] += pair in system
        for pair in system:
            row = counts.setdefault(_shape(pair), [0, 0, 0, 0])
            row[2] += 1
            row[3] += pair in gold
    out = {}
    for shape in sorted(counts, key=lambda s: (sum(map(int, s.split("-"))), s)):
        gold_n, found, system_n, correct = counts[shape]
        out[shape] = {
            "gold": gold_n,
            "system": system_n,
            "strict_recall": round(found / gold_n, 4) if gold_n else None,
            "strict_precision": round(correct / system_n, 4) if system_n else None,
        }
    return out
