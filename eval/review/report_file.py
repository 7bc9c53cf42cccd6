"""Reading a `dari qa` JSON report back into its dataclasses, with a one-line error for anything else."""

from __future__ import annotations

import dataclasses
import json

from eval.qa import BeadReport, DocumentReport, QAReport
from eval.scoring import CorpusScore
from mt.io.errors import DariError
from mt.io.files import read_text


def _build(cls, data: dict):
    """A dataclass from its JSON form; keys it does not know are ignored, so newer reports still load."""
    return cls(**{f.name: data[f.name] for f in dataclasses.fields(cls) if f.name in data})


def bead_from_json(data: dict) -> BeadReport:
    return _build(BeadReport, data)


def document_from_json(data: dict) -> DocumentReport:
    """A document; its beads may be left out of `data` (the review database keeps them apart)."""
    data = {**data, "scores": [_build(CorpusScore, s) for s in data["scores"]],
            "beads": [bead_from_json(b) for b in data.get("beads", [])]}
    return _build(DocumentReport, data)


def report_from_json(data: dict) -> QAReport:
    documents = [document_from_json(d) for d in data["documents"]]
    scores = [_build(CorpusScore, s) for s in data.get("scores", [])]
    return QAReport(documents, dict(data.get("flag_counts", {})), scores, dict(data.get("settings", {})))


def read_report(path: str) -> QAReport:
    try:
        data = json.loads(read_text(path))
    except json.JSONDecodeError as err:
        raise DariError(f"not valid JSON ({err.msg} at line {err.lineno}); expected a `dari qa` report", path) from None
    try:
        return report_from_json(data)
    except (KeyError, TypeError, AttributeError) as err:
        raise DariError(f"not a `dari qa` JSON report (missing or malformed {err})", path) from None
