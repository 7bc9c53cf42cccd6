"""The sentence pair as it travels from the aligner through filters to the writers.

One flat dataclass whose JSON form uses the same field names, so shards, rejects and JSONL output
all share one shape and `stats` can read any of them back.
"""

from __future__ import annotations

import unicodedata
from dataclasses import asdict, dataclass, field


@dataclass(slots=True)  # one per bead of a document, all kept until it is written
class PairRecord:
    """One bead of one document; `reason` is None for a pair that passed every check."""

    doc: str
    ko: str
    en: str
    ko_ids: list[int] = field(default_factory=list)
    en_ids: list[int] = field(default_factory=list)
    score: float = 0.0
    reason: str | None = None
    detail: str = ""

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> PairRecord:
        return cls(**data)


def format_ids(ids: list[int]) -> str:
    """Sentence ids as written in TSV, TMX props and reject details: "3,4"."""
    return ",".join(map(str, ids))


def first_control_char(text: str) -> str | None:
    """The first character no corpus format can carry as text: control characters (they break TSV
    and Moses lines, and XML 1.0 cannot write most of them), surrogates and U+FFFE/U+FFFF."""
    return next((ch for ch in text if unicodedata.category(ch) in ("Cc", "Cs") or ch in "\ufffe\uffff"), None)
