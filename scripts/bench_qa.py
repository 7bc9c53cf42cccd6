"""QA benchmark: precision and recall of each flag on FLORES devtest documents with injected errors.

The documents come from the alignment benchmark builder (`aligners.synthetic.news_benchmark`):
FLORES devtest articles, the real opus-mt-ko-en output as MT, and with a fixed seed English
sentences deleted (Korean left with no English: omission), Korean sentences deleted (English with
no Korean: addition), adjacent sentences merged and Korean bylines/credits/footers added (must
not be flagged). On top, numbers are changed in some English sentences (number_mismatch). The
rest is the untouched control. See `score_flag` for the unit each flag is scored on.

Prints one JSON object. Run from the repo root:
    OMP_NUM_THREADS=1 python scripts/bench_qa.py [--data DIR] [--embed none|e5] [--seeds 0,1,2,3,4] [--english-boilerplate]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, REPO)

from aligners.aligner import align_articles  # noqa: E402
from aligners.synthetic import Perturbation, news_benchmark, read_split  # noqa: E402
from scripts.benchdata import add_data_option, data_dir  # noqa: E402
from eval.qa import build_report, check_document  # noqa: E402
from mt.text.article import Article  # noqa: E402
from mt.text.numbers import extract_numbers  # noqa: E402

NUMBER_RATE = 0.15  # chance that an English sentence with a number gets one changed
SCORED_FLAGS = ("omission", "addition", "number_mismatch")


def change_number(sentence: str, rng: random.Random) -> str | None:
    """Change one digit of one number written in digits (19 → 17, 1,500 → 1,900); None when there is none."""
    numbers = [n for n in extract_numbers(sentence, "en") if any(c.isdigit() for c in n.text)]
    if not numbers:
        return None
    number = rng.choice(numbers)
    positions = [k for k, c in enumerate(number.text) if c.isdigit()]
    k = rng.choice(positions)
    choices = [d for d in ("123456789" if k == positions[0] else "0123456789") if d != number.text[k]]
    changed = number.text[:k] + rng.choice(choices) + number.text[k + 1:]
    return sentence[: number.start] + changed + sentence[number.end:]


def build(data: str, seed: int, english_boilerplate: bool):
    perturbation = Perturbation() if english_boilerplate else Perturbation(boilerplate_tgt=0.0)
    docs = news_benchmark(data, "devtest", seed=seed, perturbation=perturbation)
    flores_korean, flores_english = (set(lines) for lines in read_split(data, "devtest")[:2])  # inserted boilerplate is not
    rng = random.Random(f"qa-numbers:{seed}")
    gold = []
    for doc in docs:
        omitted = {i for bead in doc.gold if bead.src and not bead.tgt for i in bead.src if doc.src[i] in flores_korean}
        added = {j for bead in doc.gold if bead.tgt and not bead.src for j in bead.tgt if doc.tgt[j] in flores_english}
        changed = set()
        for bead in doc.gold:
            if not (bead.src and bead.tgt):
                continue
            for j in bead.tgt:
                if rng.random() < NUMBER_RATE:
                    new = change_number(doc.tgt[j], rng)
                    if new is not None:
                        doc.tgt[j] = new
                        changed.add(j)
        one_to_one = [bead for bead in doc.gold if len(bead.src) == len(bead.tgt) == 1 and bead.tgt[0] not in changed]
        gold.append({
            "omission": omitted, "addition": added, "number_mismatch": changed,
            "control": ({b.src[0] for b in one_to_one}, {b.tgt[0] for b in one_to_one}),
        })
    return docs, gold


def score_flag(documents, gold, flag: str) -> dict:
    """Counts for precision over flagged units and recall over gold sentences.

    The unit of omission is a Korean sentence and of addition an English sentence, both alone in
    their bead. A number mismatch is flagged on a bead, which may hold several English sentences:
    a flagged bead is right when it holds a changed sentence, and a changed sentence is found when
    its bead is flagged.
    """
    side = "src" if flag == "omission" else "tgt"
    right = flagged = found = 0
    for document, truth in zip(documents, gold):
        hit: set[int] = set()
        for bead in document.beads:
            if flag not in bead.flags:
                continue
            ids = set(getattr(bead, side))
            if flag == "number_mismatch":
                flagged += 1
                right += bool(ids & truth[flag])
            else:
                flagged += len(ids)
                right += len(ids & truth[flag])
            hit |= ids & truth[flag]
        found += len(hit)
    return {"right": right, "flagged": flagged, "found": found, "gold": sum(len(truth[flag]) for truth in gold)}


def rates(counts: dict) -> dict:
    """Precision and recall from `score_flag` counts (or their sums over seeds)."""
    return {
        "precision": round(counts["right"] / counts["flagged"], 4) if counts["flagged"] else 0.0,
        "recall": round(counts["found"] / counts["gold"], 4) if counts["gold"] else 0.0,
        "gold": counts["gold"],
        "flagged": counts["flagged"],
    }


def control_beads(documents, gold) -> list:
    """Beads made only of untouched 1-1 FLORES pairs (no number changed): every flag on them is a false alarm."""
    out = []
    for document, truth in zip(documents, gold):
        src, tgt = truth["control"]
        out += [b for b in document.beads if (b.src or b.tgt) and set(b.src) <= src and set(b.tgt) <= tgt]
    return out


def run_seed(data: str, seed: int, embed: str, witness: str | None, english_boilerplate: bool) -> dict:
    """Build the documents of one seed, check them all, and count flags against the gold."""
    docs, gold = build(data, seed, english_boilerplate)
    start = time.perf_counter()
    reports = []
    for doc in docs:
        ko, en = Article.from_sentences(doc.src, "ko"), Article.from_sentences(doc.tgt, "en")
        beads = align_articles(ko, en, mt=doc.mt, embed=embed)
        reports.append(check_document(doc.doc_id, ko, en, doc.mt, beads, mt_source="opus-mt-ko-en", witness=witness))
    report = build_report(reports, {"embed": embed})
    seconds = time.perf_counter() - start

    controls = control_beads(report.documents, gold)
    return {
        "seed": seed,
        "documents": len(docs),
        "ko_sentences": sum(len(d.src) for d in docs),
        "en_sentences": sum(len(d.tgt) for d in docs),
        "counts": {flag: score_flag(report.documents, gold, flag) for flag in SCORED_FLAGS},
        "other_flags_raised": {k: v for k, v in report.flag_counts.items() if k not in SCORED_FLAGS},
        "control_beads": len(controls),
        "flags_on_controls": {flag: sum(flag in b.flags for b in controls) for flag in report.flag_counts},
        "boilerplate_beads": sum(d.boilerplate_beads for d in report.documents),
        "boilerplate_flagged_as_omission_or_addition": sum(
            1 for d in report.documents for b in d.beads if b.boilerplate and {"omission", "addition"} & set(b.flags)
        ),
        "seconds": round(seconds, 1),
    }


def summed(runs: list[dict], key: str) -> dict:
    return {name: sum(run[key][name] for run in runs) for name in runs[0][key]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_data_option(parser)
    parser.add_argument("--embed", default="none", help="aligner embedding: none (MT + lexical) or e5")
    parser.add_argument("--confirm", default="e5",
                        help="embedding that must confirm 1-1 pairs the MT does not (dari qa --confirm); none to skip")
    parser.add_argument("--seeds", default="0", help="comma-separated seeds; counts are pooled over them (e.g. 0,1,2,3,4)")
    parser.add_argument("--english-boilerplate", action="store_true",
                        help="also insert English web boilerplate (newsletter, share links)")
    args = parser.parse_args()
    data = data_dir(args.data, "flores200-devtest")
    confirm = None if args.confirm in ("", "none") else args.confirm
    runs = [run_seed(data, int(seed), args.embed, confirm, args.english_boilerplate) for seed in args.seeds.split(",")]

    pooled = {
        "seeds": [run["seed"] for run in runs],
        "embed": args.embed,
        "confirm": confirm or "none",
        "english_boilerplate": args.english_boilerplate,
        **{key: sum(run[key] for run in runs) for key in ("documents", "ko_sentences", "en_sentences")},
        "flags": {flag: rates({n: sum(run["counts"][flag][n] for run in runs) for n in runs[0]["counts"][flag]})
                  for flag in SCORED_FLAGS},
        "other_flags_raised": summed(runs, "other_flags_raised"),
        "control_beads": sum(run["control_beads"] for run in runs),
        "flags_on_controls": summed(runs, "flags_on_controls"),
        **{key: sum(run[key] for run in runs)
           for key in ("boilerplate_beads", "boilerplate_flagged_as_omission_or_addition", "seconds")},
    }
    if len(runs) > 1:
        pooled["per_seed"] = {run["seed"]: {flag: rates(run["counts"][flag]) for flag in SCORED_FLAGS} for run in runs}
    print(json.dumps(pooled, indent=1))


if __name__ == "__main__":
    main()
