"""Benchmark `dari corpus build` on the FLORES-derived Korean–English news articles.

The articles come from `aligners.synthetic.news_benchmark` (FLORES documents with merged and dropped
sentences, bylines and copyright lines, and for devtest the real opus-mt-ko-en output as MT), so
every Korean and English line has a gold bead. The build segments the article text itself, so
each of its sentences is mapped back to the gold line it came from.

- pair precision: accepted pairs that are gold. FLORES is parallel row by row (and sentence by
  sentence inside a row that splits into as many sentences on both sides), so a pair is correct
  when its two sides hold the same such units, all of their sentences; a pair finer than a
  benchmark bead, because the segmenter split a merged line again, is correct. `incomplete` pairs
  cut a unit, `wrong` pairs join different units or include boilerplate.
- yield: two-sided (content) gold beads whose rows all come out in correct accepted pairs.
- pairs/s: accepted pairs (and candidate beads, documents) per second of the whole build
  (segmenting, aligning, filtering, writing); the rerun with every document already done shows
  the cost of resuming.
- leakage: the build rerun with the split's own FLORES files as `--exclude` must accept nothing.
- numbers: how many true FLORES row pairs the numbers check rejects, next to the same rule on bare
  digit strings (no Korean units, no number words).
- scale: `--repeat K` writes every article K times (K-1 copies must all end up as duplicates) and
  reports the peak memory of the process.

Prints one JSON object. Example:
    OMP_NUM_THREADS=1 python scripts/bench_corpus.py --split devtest --embed e5
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, REPO)

from aligners.synthetic import documents, news_benchmark, read_split  # noqa: E402
from scripts.benchdata import add_data_option, data_dir  # noqa: E402
from corpora.filters import FilterSettings, check_numbers  # noqa: E402
from corpora.job import BuildSettings, build  # noqa: E402
from corpora.records import PairRecord  # noqa: E402
from mt.text.segment import split_sentences  # noqa: E402


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_data_option(parser)
    parser.add_argument("--split", default="devtest", choices=["dev", "devtest"])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--embed", default="e5", choices=["e5", "none"])
    parser.add_argument("--no-mt", action="store_true", help="leave the MT out of the input")
    parser.add_argument("--min-score", type=float, default=FilterSettings().min_score)
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--limit", type=int, default=0, help="only the first N documents (0: all)")
    parser.add_argument("--repeat", type=int, default=1,
                        help="write every document this many times under new ids (a scale test: copies are duplicates)")
    return parser.parse_args()


def _row_spans(doc, rows: dict[str, list[str]]) -> dict[str, list[list[tuple[int, int, int]]]]:
    """Per side and line, the FLORES rows it is made of as (row, start, end) character spans.

    The benchmark joins consecutive rows with a space to merge them; inserted boilerplate lines are
    made of no row. Both sides of a bead cover the same rows, so one pointer walks the beads.
    """
    spans = {"ko": [[] for _ in doc.src], "en": [[] for _ in doc.tgt]}
    pointer = 0
    for bead in doc.gold:
        ends = []
        for side, lines, ids in (("ko", doc.src, bead.src), ("en", doc.tgt, bead.tgt)):
            p = pointer
            for line_id in ids:
                width = next((j for j in (1, 2, 3) if lines[line_id] == " ".join(rows[side][p:p + j])), 0)
                offset = 0
                for row in range(p, p + width):
                    spans[side][line_id].append((row, offset, offset + len(rows[side][row])))
                    offset += len(rows[side][row]) + 1
                p += width
            ends.append(p)
        pointer = max(ends)
    return spans


def sentence_atoms(doc, rows: dict[str, list[str]]) -> dict[str, list[frozenset]]:
    """For each sentence the build sees (it splits line by line), the gold units it holds.

    A unit is a FLORES row, or the j-th sentence of a row when the segmenter splits that row into
    the same number of sentences on both sides (FLORES keeps sentence order within a row).
    """
    spans = _row_spans(doc, rows)
    overlaps = {}
    for side, lines in (("ko", doc.src), ("en", doc.tgt)):
        overlaps[side] = []
        for line, line_spans in zip(lines, spans[side]):
            cursor = 0
            for sentence in split_sentences(line, side):
                start = line.index(sentence, cursor)
                cursor = end = start + len(sentence)
                overlaps[side].append([r for r, s, e in line_spans if s < end and start < e])
        if len(overlaps[side]) != len(split_sentences("\n".join(lines), side)):
            raise SystemExit(f"bench_corpus: {doc.doc_id}: the segmenter does not split line by line")

    def per_row(side):
        counts, shared = {}, set()
        for rs in overlaps[side]:
            if len(rs) == 1:
                counts[rs[0]] = counts.get(rs[0], 0) + 1
            shared.update(rs if len(rs) > 1 else ())
        return counts, shared

    (ko_counts, ko_shared), (en_counts, en_shared) = per_row("ko"), per_row("en")
    fine = {r for r, n in ko_counts.items() if en_counts.get(r) == n and r not in ko_shared | en_shared}
    atoms = {}
    for side in ("ko", "en"):
        seen: dict[int, int] = {}
        atoms[side] = []
        for rs in overlaps[side]:
            if len(rs) == 1 and rs[0] in fine:
                seen[rs[0]] = seen.get(rs[0], -1) + 1
                atoms[side].append(frozenset([(rs[0], seen[rs[0]])]))
            else:
                atoms[side].append(frozenset((r, -1) for r in rs))
    return atoms


def evaluate(docs, rows_of: dict[str, dict[str, list[str]]], corpus_path: str, origin: dict[str, str]) -> dict:
    """Judge accepted pairs by the gold units (see `sentence_atoms`) their two sides hold.

    A pair is correct when both sides hold the same units and every sentence of those units, so
    pairs finer than the benchmark's beads (the segmenter undoing a merge) count as correct.
    """
    truth = {doc.doc_id: sentence_atoms(doc, rows_of[doc.doc_id]) for doc in docs}
    correct = incomplete = wrong = 0
    covered: set = set()
    with open(corpus_path, encoding="utf-8") as handle:
        for line in handle:
            pair = json.loads(line)
            pair["doc"] = origin.get(pair["doc"], pair["doc"])  # --repeat copies share their original's gold
            atoms = truth[pair["doc"]]
            held = {side: [atoms[side][i] for i in pair[f"{side}_ids"]] for side in ("ko", "en")}
            units = frozenset().union(*held["ko"])
            if not units or units != frozenset().union(*held["en"]) or any(not a for side in held for a in held[side]):
                wrong += 1
            elif all(sum(1 for a in atoms[side] if a & units) == len(held[side]) for side in held):
                correct += 1
                covered.update((pair["doc"], unit) for unit in units)
            else:
                incomplete += 1
    content = recovered = 0
    for doc in docs:
        atoms = truth[doc.doc_id]
        ko_line = [k for k, line in enumerate(doc.src) for _ in split_sentences(line, "ko")]
        for bead in doc.gold:
            if bead.src and bead.tgt:
                content += 1
                units = {u for i, k in enumerate(ko_line) if k in bead.src for u in atoms["ko"][i]}
                recovered += all((doc.doc_id, u) in covered for u in units)
    accepted = correct + incomplete + wrong
    return {
        "accepted_pairs": accepted,
        "correct": correct,
        "incomplete": incomplete,
        "wrong": wrong,
        "pair_precision": round(correct / accepted, 4) if accepted else 0.0,
        "gold_content_beads": content,
        "yield": round(recovered / content, 4) if content else 0.0,
    }


def numbers_on_gold_rows(ko: list[str], en: list[str]) -> dict:
    """How many true translations (FLORES rows) the numbers check rejects, against the same
    two-sided rule on bare digit strings, which is what breaks on 120만 vs 1.2 million."""
    def digits(text: str) -> set[str]:
        return set(re.findall(r"\d+(?:\.\d+)?", text.replace(",", ""))) - {"0"}

    ours = sum(check_numbers(PairRecord("row", k, e, [0], [0], 1.0), FilterSettings()) is not None for k, e in zip(ko, en))
    naive = sum(bool(digits(k) - digits(e) and digits(e) - digits(k)) for k, e in zip(ko, en))
    return {"rows": len(ko), "rejected_by_numbers_check": ours, "rejected_by_digit_strings": naive}


def main() -> None:
    args = parse_args()
    args.data = data_dir(args.data, f"flores200-{args.split}")
    docs = news_benchmark(args.data, args.split, seed=args.seed)
    ko, en, urls, _ = read_split(args.data, args.split)
    rows_of = {urls[run.start]: {"ko": ko[run.start:run.stop], "en": en[run.start:run.stop]} for run in documents(urls)}
    if args.limit:
        docs = docs[: args.limit]
    settings = BuildSettings(format="jsonl", filters=FilterSettings(min_score=args.min_score), embed=args.embed)
    with tempfile.TemporaryDirectory() as tmp:
        manifest = os.path.join(tmp, "articles.jsonl")
        origin: dict[str, str] = {}
        with open(manifest, "w", encoding="utf-8") as handle:
            for copy, doc in ((c, d) for c in range(args.repeat) for d in docs):
                doc_id = doc.doc_id if copy == 0 else f"{doc.doc_id} (copy {copy})"
                origin[doc_id] = doc.doc_id
                record = {"id": doc_id, "ko": "\n".join(doc.src), "en": "\n".join(doc.tgt)}
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
        result = evaluate(docs, rows_of, os.path.join(out, "corpus.jsonl"), origin)
        # The same articles with their own FLORES split as --exclude: nothing may leak through.
        split_dir = os.path.join(args.data, f"flores200-{args.split}")
        test_sets = [os.path.join(split_dir, f"{lang}.{args.split}") for lang in ("kor_Hang", "eng_Latn")]
        leak = build(manifest, out, settings, exclude=test_sets, jobs=args.jobs)
    result.update({
        "split": args.split,
        "embed": args.embed,
        "mt": not args.no_mt and docs[0].mt is not None,
        "min_score": args.min_score,
        "documents": stats["documents"],
        "documents_mt_used": stats["documents_mt_used"],
        "mt_whole_paragraphs": stats["mt_whole_paragraphs"],
        "candidates": stats["candidates"],
        "rejected_by_reason": {k: v for k, v in stats["rejected_by_reason"].items() if v},
        "seconds": round(seconds, 2),
        "pairs_per_second": round(result["accepted_pairs"] / seconds, 1),
        "candidate_pairs_per_second": round(stats["candidates"] / seconds, 1),
        "documents_per_second": round(stats["documents"] / seconds, 2),
        "rerun_seconds_all_reused": round(rerun_seconds, 2),
        "accepted_with_own_test_set_excluded": leak["accepted"],
        "test_overlap_rejects": leak["rejected_by_reason"]["test_overlap"],
        "numbers_check_on_gold_rows": numbers_on_gold_rows(ko, en),
        "jobs": args.jobs,
        "repeat": args.repeat,
        "max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    })
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
