"""The bead: the unit every aligner produces and every later stage consumes."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)  # slots: a 200,000-line article has as many beads
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


def beads_from_path(path: list, scores) -> list[Bead]:
    """Beads from a DP path of ((a, b), i, j) steps: a source and b target sentences ending at i, j."""
    return [Bead(list(range(i - a, i)), list(range(j - b, j)), score) for ((a, b), i, j), score in zip(path, scores)]


def joined(sentences: list[str], ids: list[int]) -> str:
    """The text of one side of a bead: its sentences joined by spaces."""
    return " ".join(sentences[k] for k in ids)


def format_bead(bead: Bead, with_score: bool = True) -> str:
    """Vecalign's line format: `[0, 1]:[2]:0.873` (the score is optional)."""
    text = f"[{', '.join(map(str, bead.src))}]:[{', '.join(map(str, bead.tgt))}]"
    return f"{text}:{bead.score:.4f}" if with_score else text


def parse_bead(line: str) -> Bead:
    """Inverse of format_bead; also reads gold files (no score) such as Text+Berg's dev.defr."""
    parts = line.strip().split(":")
    if len(parts) not in (2, 3) or not all(p.startswith("[") and p.endswith("]") for p in parts[:2]):
        raise ValueError(f"not a bead line: {line.strip()!r}")
    src, tgt = ([int(x) for x in p[1:-1].split(",") if x.strip()] for p in parts[:2])
    return Bead(src, tgt, float(parts[2]) if len(parts) == 3 else 0.0)


def read_beads(path: str) -> list[Bead]:
    """A bead file (`format_bead` lines, scores optional); blank lines are skipped."""
    from mt.io.errors import DariError
    from mt.io.files import read_lines

    beads = []
    for number, line in enumerate(read_lines(path, allow_empty=True), 1):
        if not line.strip():
            continue
        try:
            beads.append(parse_bead(line))
        except ValueError as err:
            raise DariError(f"line {number}: {err}", path) from None
    return beads
