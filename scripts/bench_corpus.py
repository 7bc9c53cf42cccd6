"""Benchmark `dari corpus build` on the FLORES-derived Korean–English news articles.

The articles come from `aligners.synthetic.news_benchmark` (FLORES documents with merged and dropped
sentences, bylines and copyright lines, and for devtest the real opus-mt-ko-en output as MT), so
every Korean and English line has a gold bead. The build segments the article text itself, so
each of its sentences is mapped back to the gold line it came from.

- pair precision: accepted pairs whose Korean and English sentences are exactly one gold bead
  (all of its lines on both sides, nothing else); `partial` counts pairs inside one gold bead that
  miss part of it, `wrong` pairs spanning beads.
- yield: two-sided (content) gold beads that come out as one accepted pair.
- pairs/s: accepted pairs per second of the whole build (segmenting, aligning, filtering, writing).

Prints one JSON object. Example:
    OMP_NUM_THREADS=1 python scripts/bench_corpus.py --split devtest --embed e5
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, REPO)

from corpora.filters import FilterSettings  # noqa: E402
from corpora.job import BuildSettings, build  # noqa: E402
from mt.segment import split_sentences  # noqa: E402


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default=os.environ.get("DARI_DATA", os.path.join(REPO, "..", "shared", "data")),
                        help="shared data folder (default: $DARI_DATA or ../shared/data from the repo root)")
    parser.add_argument("--split", default="devtest", choices=["dev", "devtest"])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--embed", default="e5", choices=["e5", "none"])
    parser.add_argument("--no-mt", action="store_true", help="leave the MT out of the input")
    parser.add_argument("--min-score", type=float, default=FilterSettings().min_score)
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--limit", type=int, default=0, help="only the first N documents (0: all)")
    return parser.parse_args()


def sentence_lines(lines: list[str], lang: str) -> list[int]:
    """For each sentence the build will see, the index of the line it comes from."""
    return [k for k, line in enumerate(lines) for _ in split_sentences(line, lang)]


def evaluate(docs, corpus_path: str) -> dict:
    by_id = {}
    for doc in docs:
        bead_of = {side: {} for side in ("ko", "en")}
        for b, bead in enumerate(doc.gold):
            bead_of["ko"].update((k, b) for k in bead.src)
            bead_of["en"].update((k, b) for k in bead.tgt)
        line_of = {"ko": sentence_lines(doc.src, "ko"), "en": sentence_lines(doc.tgt, "en")}
        members = {side: {} for side in ("ko", "en")}  # bead -> all its sentence ids
        for side in ("ko", "en"):
            for sentence, line in enumerate(line_of[side]):
                members[side].setdefault(bead_of[side][line], set()).add(sentence)
        by_id[doc.doc_id] = (bead_of, line_of, members)
    exact = partial = wrong = 0
    recovered = set()
    with open(corpus_path, encoding="utf-8") as handle:
        for line in handle:
            pair = json.loads(line)
            bead_of, line_of, members = by_id[pair["doc"]]
            ids = {"ko": set(pair["ko_ids"]), "en": set(pair["en_ids"])}
            beads = {bead_of[side][line_of[side][i]] for side in ids for i in ids[side]}
            if len(beads) != 1:
                wrong += 1
                continue
            bead = beads.pop()
            if all(ids[side] == members[side].get(bead, set()) for side in ids):
                exact += 1
                recovered.add((pair["doc"], bead))
            else:
                partial += 1
    content = sum(1 for doc in docs for bead in doc.gold if bead.src and bead.tgt)
    accepted = exact + partial + wrong
    return {
        "accepted_pairs": accepted,
        "exact": exact,
        "partial": partial,
        "wrong": wrong,
        "pair_precision": round(exact / accepted, 4) if accepted else 0.0,
        "gold_content_beads": content,
        "yield": round(len(recovered) / content, 4) if content else 0.0,
    }


def main() -> None:
    args = parse_args()
    if not os.path.isdir(os.path.join(args.data, "flores200-devtest")):
        sys.exit(f"bench_corpus: shared data not found at {args.data} (set --data or DARI_DATA)")
    try:
        from aligners.synthetic import news_benchmark
    except ImportError:
        sys.exit("bench_corpus: aligners.synthetic (the FLORES news benchmark) is missing; merge branch `align`")
    docs = news_benchmark(args.data, args.split, seed=args.seed)
    if args.limit:
        docs = docs[: args.limit]
    settings = BuildSettings(format="jsonl", filters=FilterSettings(min_score=args.min_score), embed=args.embed)
    with tempfile.TemporaryDirectory() as tmp:
        manifest = os.path.join(tmp, "articles.jsonl")
        with open(manifest, "w", encoding="utf-8") as handle:
            for doc in docs:
                record = {"id": doc.doc_id, "ko": "\n".join(doc.src), "en": "\n".join(doc.tgt)}
                if doc.mt is not None and not args.no_mt:
                    record["mt"] = "\n".join(doc.mt)
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        out = os.path.join(tmp, "out")
        start = time.perf_counter()
        stats = build(manifest, out, settings, jobs=args.jobs)
        seconds = time.perf_counter() - start
        start = time.perf_counter()
        rerun = build(manifest, out, settings, jobs=args.jobs)
        rerun_seconds = time.perf_counter() - start
        assert rerun["documents_processed"] == 0
        result = evaluate(docs, os.path.join(out, "corpus.jsonl"))
    result.update({
        "split": args.split,
        "embed": args.embed,
        "mt": not args.no_mt and docs[0].mt is not None,
        "min_score": args.min_score,
        "documents": stats["documents"],
        "documents_mt_used": stats["documents_mt_used"],
        "candidates": stats["candidates"],
        "rejected_by_reason": {k: v for k, v in stats["rejected_by_reason"].items() if v},
        "seconds": round(seconds, 2),
        "pairs_per_second": round(result["accepted_pairs"] / seconds, 1),
        "rerun_seconds_all_reused": round(rerun_seconds, 2),
        "jobs": args.jobs,
    })
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
