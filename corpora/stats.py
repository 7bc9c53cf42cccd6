"""Summaries of a built corpus (or any parallel file) for `dari corpus stats`.

Counts come from the corpus itself, so they describe what is on disk even after hand edits; the
build's stats.json, when present, adds what only the build knows (rejects per reason, yield).
"""

from __future__ import annotations

import json
import os

from corpora.normalize import near_key
from corpora.readers import read_pairs


def corpus_summary(path: str) -> dict:
    pairs = ko_chars = en_chars = en_words = 0
    distinct: set[int] = set()
    for ko, en in read_pairs(path):
        pairs += 1
        ko_chars += len(ko)
        en_chars += len(en)
        en_words += len(en.split())
        distinct.add(near_key(ko, en))
    summary = {
        "pairs": pairs,
        "distinct_pairs": len(distinct),
        "ko_characters": ko_chars,
        "en_characters": en_chars,
        "en_words": en_words,
        "mean_ko_characters": round(ko_chars / pairs, 1) if pairs else 0.0,
        "mean_en_words": round(en_words / pairs, 1) if pairs else 0.0,
    }
    build_stats = os.path.join(path, "stats.json")
    if os.path.isdir(path) and os.path.isfile(build_stats):
        with open(build_stats, encoding="utf-8") as handle:
            summary["build"] = json.load(handle)
    return summary


def format_summary(summary: dict) -> str:
    lines = [
        f"pairs              {summary['pairs']:>10,}",
        f"distinct pairs     {summary['distinct_pairs']:>10,}",
        f"Korean characters  {summary['ko_characters']:>10,}  (mean {summary['mean_ko_characters']} a pair)",
        f"English words      {summary['en_words']:>10,}  (mean {summary['mean_en_words']} a pair)",
    ]
    build = summary.get("build")
    if build:
        lines += [
            f"documents          {build['documents']:>10,}  (format {build['format']})",
            f"candidate pairs    {build['candidates']:>10,}",
            f"accepted           {build['accepted']:>10,}  (yield {build['yield']:.1%})",
            f"rejected           {build['rejected']:>10,}",
        ]
        lines += [f"  {reason:<17}{count:>10,}" for reason, count in build["rejected_by_reason"].items() if count]
    return "\n".join(lines) + "\n"
