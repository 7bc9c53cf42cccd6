"""The result of a review: the corrected pairs as a corpus file, and the per-article decisions as JSON.

Pairs go through the corpus writers, so the export is a corpus like any `dari corpus build` output
(`dari corpus stats` reads it) with the review's provenance added to each pair: the decision, when
it was made, and the edit rate of the kept English against the MT as sacrebleu's TER (the
post-editing distance known as HTER: 0 when the MT was kept as it is). Only pairs decided on the
texts now in the report are exported; everything left out is counted by reason, never dropped
silently.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections import Counter
from dataclasses import dataclass, field

from corpora.filters import FilterSettings, check_control_chars
from corpora.records import PairRecord
from corpora.writers import file_format, open_pair_file
from eval.review.store import ARTICLE_DECISIONS, KEPT, ReviewStore
from eval.scoring import make_metric
from mt import __version__
from mt.io.files import atomic_output, check_output

ARTICLES_SUFFIX = ".articles.json"


@dataclass
class Collected:
    pairs: list[tuple[PairRecord, dict]] = field(default_factory=list)
    exported: Counter = field(default_factory=Counter)  # per decision
    skipped: Counter = field(default_factory=Counter)  # per reason


def articles_path_for(pairs_path: str) -> str:
    """`reviewed.tmx` -> `reviewed.articles.json`, beside it."""
    return os.path.splitext(pairs_path)[0] + ARTICLES_SUFFIX


def collect(store: ReviewStore) -> Collected:
    """The pairs to export, in report order, with their provenance, and what was left out and why."""
    out = Collected()
    ter = make_metric("ter")
    filters = FilterSettings()
    articles = store.articles()
    undecided = sum(a.pairs - a.reviewed for a in articles)
    if undecided:
        out.skipped["undecided"] = undecided  # stale pairs count here too: they must be decided again
    for decided in store.decided_pairs():
        bead = decided.bead
        if bead is None:
            out.skipped["no_longer_in_report"] += 1
            continue
        if not decided.current:
            continue  # counted with the undecided pairs
        if decided.decision not in KEPT:
            out.skipped[decided.decision] += 1
            continue
        if not bead.ko or not decided.english:
            out.skipped["one_sided"] += 1
            continue
        pair = PairRecord(decided.article, bead.ko, decided.english, list(bead.src), list(bead.tgt), bead.align_score)
        if check_control_chars(pair, filters):
            out.skipped["control_chars"] += 1
            continue
        edit_rate = round(ter.sentence_score(bead.mt, [decided.english]).score, 2) if bead.mt else None
        out.pairs.append((pair, {"decision": decided.decision, "ter": edit_rate, "decided_at": decided.decided_at}))
        out.exported[decided.decision] += 1
    return out


def articles_json(store: ReviewStore, collected: Collected, pairs_file: str | None) -> str:
    header = store.report_header()
    articles = [
        {
            "article": a.document.name,
            "decision": a.decision,
            "decision_label": ARTICLE_DECISIONS.get(a.decision or ""),
            "note": a.note,
            "pairs": a.pairs,
            "flagged": a.flagged,
            "reviewed": a.reviewed,
            "stale": a.stale,
        }
        for a in store.articles()
    ]
    data = {
        "report": header["source"],
        "dari": __version__,
        "pairs_file": pairs_file,
        "pairs": {"exported": sum(collected.exported.values()), "by_decision": dict(collected.exported),
                  "skipped": dict(collected.skipped)},
        "articles": articles,
    }
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def write_pairs(path: str, collected: Collected) -> None:
    with open_pair_file(path, file_format(path)) as write:
        for pair, extra in collected.pairs:
            write(pair, extra)


def export_review(store: ReviewStore, path: str) -> tuple[str, Collected]:
    """Write the pairs to `path` (.tsv, .jsonl or .tmx) and the article decisions beside it; both or neither appear."""
    fmt = file_format(path)
    articles_path = articles_path_for(path)
    for target in (path, articles_path):
        check_output(target)
    collected = collect(store)
    with contextlib.ExitStack() as stack:
        handle = stack.enter_context(atomic_output(articles_path))
        write = stack.enter_context(open_pair_file(path, fmt))
        for pair, extra in collected.pairs:
            write(pair, extra)
        handle.write(articles_json(store, collected, os.path.basename(path)))
    return articles_path, collected


def summary_line(path: str, articles_path: str, collected: Collected) -> str:
    kept = ", ".join(f"{count} {decision}" for decision, count in collected.exported.items()) or "none decided"
    left = ", ".join(f"{count} {reason.replace('_', ' ')}" for reason, count in collected.skipped.items()) or "nothing"
    return f"{path}: {sum(collected.exported.values())} pairs ({kept}); left out: {left}; article decisions in {articles_path}"
