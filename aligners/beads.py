"""The bead: the unit every aligner produces and every later stage consumes."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Bead:
    """Source sentence ids aligned to target sentence ids (0-based); one side may be empty.

    `score` is the aligner's confidence in [0, 1]: higher is more certain.
    """

    src: list[int] = field(default_factory=list)
    tgt: list[int] = field(default_factory=list)
    score: float = 0.0

    @property
    def kind(self) -> str:
        """Vecalign-style shape such as "1-1", "2-1", "1-0"."""
        return f"{len(self.src)}-{len(self.tgt)}"
