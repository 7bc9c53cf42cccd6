"""`dari score` output as JSON, text or TSV.

Text mode prints sacrebleu's own score lines so that a number pasted into a paper reads exactly as
sacrebleu would have printed it; JSON keeps full precision for scripts; TSV opens in a spreadsheet.
"""

from __future__ import annotations

import json
from dataclasses import asdict

from eval.scoring import SystemScores

FORMATS = ("json", "text", "tsv")


def render_scores(systems: list[SystemScores], reference: str, fmt: str, *, paired: str | None = None) -> str:
    if fmt == "json":
        return render_json(systems, reference, paired)
    if fmt == "tsv":
        return render_tsv(systems)
    if fmt == "text":
        return render_text(systems, paired)
    raise ValueError(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}")


def render_json(systems: list[SystemScores], reference: str, paired: str | None) -> str:
    document = {"reference": reference, "paired": paired, "systems": [asdict(s) for s in systems]}
    return json.dumps(document, ensure_ascii=False, indent=1) + "\n"


def render_text(systems: list[SystemScores], paired: str | None) -> str:
    lines = []
    for index, system in enumerate(systems):
        role = "baseline" if paired and index == 0 else "system"
        if len(systems) > 1:
            lines.append(f"# {role}: {system.system}")
        lines.extend(score.line for score in system.corpus)
        if system.segments:
            metrics = list(system.segments[0])
            lines.append("segment\t" + "\t".join(metrics))
            for number, row in enumerate(system.segments, 1):
                lines.append(f"{number}\t" + "\t".join(f"{row[m]:.2f}" for m in metrics))
    if paired:
        lines.append(f"# p-values: paired {'bootstrap resampling' if paired == 'bs' else 'approximate randomization'} "
                     "against the baseline; p < 0.05 means the difference is significant")
    return "\n".join(lines) + "\n"


def render_tsv(systems: list[SystemScores]) -> str:
    """With segments: one row per system and line; without: one row per system and metric."""
    if any(system.segments for system in systems):
        metrics = list(systems[0].segments[0])
        rows = [["system", "segment", *metrics]]
        for system in systems:
            for number, row in enumerate(system.segments, 1):
                rows.append([system.system, str(number), *(f"{row[m]:.4f}" for m in metrics)])
    else:
        rows = [["system", "metric", "name", "score", "ci_mean", "ci_halfwidth", "p_value", "signature"]]
        for system in systems:
            for score in system.corpus:
                rows.append([
                    system.system, score.metric, score.name, f"{score.score:.4f}",
                    _optional(score.ci_mean), _optional(score.ci_halfwidth), _optional(score.p_value), score.signature,
                ])
    return "".join("\t".join(_tsv_cell(cell) for cell in row) + "\n" for row in rows)


def _optional(value: float | None) -> str:
    return "" if value is None else f"{value:.4f}"


def _tsv_cell(text: str) -> str:
    """File names are data: a tab or newline in one must not break the table."""
    return text.replace("\t", " ").replace("\n", " ")
