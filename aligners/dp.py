"""Dynamic programming over beads inside a band of cells, coarse-to-fine for long documents.

A full DP costs O(n·m) cells; a 20,000-sentence pair would need 400 million. Like Vecalign, we
first align blocks of 4, 16, 64 ... sentences (the scorer knows how to pool its features into
blocks), project that coarse path onto the finer grid and search only within `radius` of it,
so the work per level is proportional to n + m.

Cell (i, j) is the state "i source and j target sentences consumed". A bead (a, b) ending at
(i, j) covers source i-a .. i-1 and target j-b .. j-1. Insertions (0-1) stay inside one row,
so they are solved with a prefix-min scan instead of a Python loop over cells.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from mt.io.errors import DariError
from mt.io.memory import release_freed_memory

BeadType = tuple[int, int]
INSERTION: BeadType = (0, 1)
# Full DP below this many cells; above it, coarse-to-fine.
FULL_DP_CELLS = 40_000
DEFAULT_RADIUS = 8
# Rows of a level pooled into one of the next coarser level (a power of 2: `Scorer.pooled` pools
# two). The band is `radius` wide each way, so halving pinned it far tighter than it is searched:
# pooling four halves the levels for ~8% more cells at the finest (1000 x 1000 sentences with MT:
# CPU 0.78 -> 0.62 s) and matched halving's beads or bettered them on news and Text+Berg with
# passages left out or added.
LEVEL_FACTOR = 4
# Coarse levels only place the band: beads of up to this many blocks a side serve that, and their
# overlap tables need two gap classes a side instead of three (1000 x 1000 sentences with MT: CPU
# 0.51 -> 0.48 s). Beads of three blocks (12 or 48 sentences with LEVEL_FACTOR 4) are rare.
COARSE_MAX_SPAN = 2
# Step costs computed at once, and the window of span starts (rows x columns) whose overlap tables
# one run of rows reads: the DP's working memory, whatever the document's length.
DP_CHUNK_CELLS = 16_384
WINDOW_CELLS = 8_192
# DP state is 9 bytes a cell (cost and back-pointer); a band beyond this (~1.8 GB) is refused with
# an error rather than exhausting memory. Coarse-to-fine bands hold ~40 cells a row.
MAX_BAND_CELLS = 200_000_000


def bead_types(max_merge: int) -> list[BeadType]:
    """1-0, 0-1 and every a-b with a, b ≥ 1, both ≤ max_merge and a + b ≤ max_merge + 1.

    max_merge=3 gives Vecalign's set: 1-1, 1-2, 2-1, 2-2, 1-3, 3-1.
    """
    shapes = [(1, 0), (0, 1)]
    for a in range(1, max_merge + 1):
        for b in range(1, max_merge + 1):
            if a + b <= max_merge + 1:
                shapes.append((a, b))
    return shapes


@dataclass
class Band:
    """Row i keeps columns lo[i] .. hi[i]-1, stored contiguously from start[i] in flat arrays."""

    lo: np.ndarray
    hi: np.ndarray
    start: np.ndarray

    @classmethod
    def from_ranges(cls, lo: np.ndarray, hi: np.ndarray) -> Band:
        lo = np.asarray(lo, dtype=np.int64)
        hi = np.asarray(hi, dtype=np.int64)
        start = np.zeros(len(lo) + 1, dtype=np.int64)
        np.cumsum(hi - lo, out=start[1:])
        return cls(lo, hi, start)

    @classmethod
    def full(cls, n: int, m: int) -> Band:
        return cls.from_ranges(np.zeros(n + 1), np.full(n + 1, m + 1))

    @property
    def size(self) -> int:
        return int(self.start[-1])

    def cells(self) -> tuple[np.ndarray, np.ndarray]:
        rows = np.repeat(np.arange(len(self.lo)), self.hi - self.lo)
        cols = np.arange(self.size) - self.start[rows] + self.lo[rows]
        return rows, cols

    def index(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """Flat index of each (row, col), -1 where the cell lies outside the band."""
        inside = (rows >= 0) & (rows < len(self.lo))
        safe = np.where(inside, rows, 0)
        inside &= (cols >= self.lo[safe]) & (cols < self.hi[safe])
        return np.where(inside, self.start[safe] + cols - self.lo[safe], -1)


class Scorer(Protocol):
    """What the DP needs from the signals: bead costs on cells, and a pooled copy for coarse levels.

    A scorer may also offer `window(row_start, row_stop, col_start, col_stop, sizes, cells)`, a
    context in which it expects `cells` cells whose spans of up to `sizes` (source, target)
    sentences start in those ranges (see `band_dp`).
    """

    n: int
    m: int

    def bead_costs(self, rows: np.ndarray, cols: np.ndarray, a: int, b: int) -> np.ndarray: ...

    def pooled(self) -> Scorer:
        """The same scorer over blocks of two rows a side."""
        ...


def _row_chunks(band: Band, span_rows: int, span_cols: int) -> list[tuple[int, int]]:
    """Runs of band rows whose cells (at most DP_CHUNK_CELLS) and window of span starts (at most
    WINDOW_CELLS, rows x columns) stay bounded; a row alone may exceed them."""
    chunks = []
    lo, hi, start = band.lo.tolist(), band.hi.tolist(), band.start.tolist()
    first, low, high = 0, lo[0], hi[0]
    for i in range(1, len(lo)):
        if hi[i] <= lo[i]:
            continue
        new_low, new_high = min(low, lo[i]), max(high, hi[i])
        area = (i - first + 1 + span_rows) * (new_high - new_low + span_cols)
        if start[i + 1] - start[first] > DP_CHUNK_CELLS or area > WINDOW_CELLS:
            chunks.append((first, i))
            first, new_low, new_high = i, lo[i], hi[i]
        low, high = new_low, new_high
    chunks.append((first, len(lo)))
    return chunks


def band_dp(band: Band, n: int, m: int, types: list[BeadType], cost: Callable, window: Callable | None = None) -> list[tuple[BeadType, int, int]]:
    """Cheapest path from (0, 0) to (n, m) inside `band`: a list of (bead type, end row, end col).

    Step costs are computed for a run of rows at a time (inside the scorer's `window` for them,
    when given), so working memory is bounded by the run, and the band itself costs 9 bytes a cell.
    """
    dp, back, moves = band_costs(band, n, m, types, cost, window)
    end = band.index(np.array([n]), np.array([m]))[0]
    if end < 0 or not np.isfinite(dp[end]):
        raise ValueError("no alignment path inside the band")
    path = []
    i, j = n, m
    while i or j:  # the path's cells are in the band: index them directly
        move = back[int(band.start[i]) + j - int(band.lo[i])]
        a, b = INSERTION if move < 0 else moves[move]
        path.append(((a, b), i, j))
        i, j = i - a, j - b
    path.reverse()
    return path


def band_costs(band: Band, n: int, m: int, types: list[BeadType], cost: Callable, window: Callable | None = None):
    """The DP of `band_dp`: the cheapest cost of reaching each band cell from (0, 0), the last move
    of that cheapest way (an index into the moves with a source side, -1 for an insertion) and those moves."""
    size = band.size
    if size > MAX_BAND_CELLS:
        raise DariError(
            f"aligning {n} x {m} sentences needs a DP band of {size:,} cells, more than the {MAX_BAND_CELLS:,} "
            "that fit in memory; split the input into smaller documents"
        )
    moves = [t for t in types if t[0] >= 1]
    if INSERTION in types and m:
        ins = cost(np.zeros(m, dtype=np.int64), np.arange(1, m + 1), 0, 1)
    else:
        ins = np.full(m, np.inf)
    cum_ins = np.concatenate([[0.0], np.cumsum(ins)])
    dp = np.full(size + 1, np.inf)  # index `size` holds +inf
    back = np.full(size, -1, dtype=np.int8)  # move index, or -1 for an insertion
    span_rows = max((a for a, _ in moves), default=0)
    span_cols = max((b for _, b in moves), default=0)
    for first, last in _row_chunks(band, span_rows, span_cols):
        s0 = band.start[first]
        # the chunk's rows as Python ints, read one at a time below (a copy of the chunk, not the band)
        starts, lows, highs = (v[first : last + 1].tolist() for v in (band.start, band.lo, band.hi))
        rows = np.repeat(np.arange(first, last), band.hi[first:last] - band.lo[first:last])
        cols = np.arange(s0, band.start[last]) - band.start[rows] + band.lo[rows]
        prev = np.full((len(moves), len(rows)), size, dtype=np.int64)
        step = np.full((len(moves), len(rows)), np.inf)
        if len(rows):
            context = (window(first - span_rows, last, int(cols.min()) - span_cols, int(cols.max()) + 1, (span_rows, span_cols), len(rows))
                       if window else nullcontext())
            with context:
                for k, (a, b) in enumerate(moves):
                    ok = np.flatnonzero((rows >= a) & (cols >= b))
                    p = band.index(rows[ok] - a, cols[ok] - b)
                    ok, p = ok[p >= 0], p[p >= 0]
                    prev[k, ok] = p
                    step[k, ok] = cost(rows[ok], cols[ok], a, b)
        for r, i in enumerate(range(first, last)):
            s, e = starts[r], starts[r + 1]
            if e == s:
                continue
            if i == 0:
                base = np.full(e - s, np.inf)
                base[0] = 0.0
                best = np.zeros(e - s, dtype=np.int64)
            else:
                cand = dp[prev[:, s - s0 : e - s0]] + step[:, s - s0 : e - s0]
                best = cand.argmin(axis=0)
                base = cand.min(axis=0)  # the value argmin picks
            offset = cum_ins[lows[r] : highs[r]]
            vals = base - offset
            running = np.minimum.accumulate(vals)
            dp[s:e] = running + offset
            back[s:e] = np.where(vals <= running, best, -1)
    return dp[:size], back, moves


def band_around(path: list[tuple[BeadType, int, int]], factor: int, n: int, m: int, radius: int) -> Band:
    """Fine band covering the coarse path's cells scaled by `factor`, widened by `radius` each way."""
    lo = np.full(n + 1, m + 1, dtype=np.int64)
    hi = np.zeros(n + 1, dtype=np.int64)
    i0 = j0 = 0
    for (_a, _b), i1, j1 in path:
        r0, r1 = min(i0 * factor, n), min(i1 * factor, n)
        c0, c1 = min(j0 * factor, m), min(j1 * factor, m)
        lo[r0 : r1 + 1] = np.minimum(lo[r0 : r1 + 1], c0)
        hi[r0 : r1 + 1] = np.maximum(hi[r0 : r1 + 1], c1 + 1)
        i0, j0 = i1, j1
    lo[0] = 0
    hi[n] = max(hi[n], m + 1)
    # Widen: each row also takes the columns of rows within `radius`, plus `radius` columns.
    width = 2 * radius + 1
    pad_lo = np.concatenate([np.full(radius, m + 1), lo, np.full(radius, m + 1)])
    pad_hi = np.concatenate([np.zeros(radius, dtype=np.int64), hi, np.zeros(radius, dtype=np.int64)])
    windows_lo = np.lib.stride_tricks.sliding_window_view(pad_lo, width).min(axis=1)
    windows_hi = np.lib.stride_tricks.sliding_window_view(pad_hi, width).max(axis=1)
    return Band.from_ranges(np.clip(windows_lo - radius, 0, m), np.clip(windows_hi + radius, 1, m + 1))


def align_path(scorer: Scorer, types: list[BeadType], radius: int = DEFAULT_RADIUS) -> list[tuple[BeadType, int, int]]:
    """Full DP for small documents, otherwise recurse on the pooled scorer and refine in a band."""
    n, m = scorer.n, scorer.m
    if (n + 1) * (m + 1) <= FULL_DP_CELLS or min(n, m) < 4:
        band = Band.full(n, m)
    else:
        coarse = scorer
        for _ in range(LEVEL_FACTOR.bit_length() - 1):
            coarse = coarse.pooled()
        coarse_types = [t for t in types if max(t) <= COARSE_MAX_SPAN]
        path = align_path(coarse, coarse_types, radius)
        del coarse  # its block sets and tables, before this level builds its own
        release_freed_memory(n + m)
        band = band_around(path, LEVEL_FACTOR, n, m, radius)
    return band_dp(band, n, m, types, scorer.bead_costs, getattr(scorer, "window", None))



def band_between_anchors(path: list[tuple[BeadType, int, int]], anchored: np.ndarray, n: int, m: int) -> Band:
    """Band of the rectangles spanned by each stretch of the path between anchored steps.

    Like Bertalign's second step: confident beads pin the path to single cells, and a larger bead
    set (whose costs grow with its size) is searched only in the uncertain stretches between them,
    which are a small part of the document.
    """
    lo = np.full(n + 1, m + 1, dtype=np.int64)
    hi = np.zeros(n + 1, dtype=np.int64)
    lo[0], hi[0] = 0, 1  # the origin, also when both sides are empty
    i0 = j0 = 0  # where the current stretch starts
    for k, ((a, b), i, j) in enumerate(path):
        if anchored[k]:
            i0, j0 = i - a, j - b  # the stretch before it ends at the anchor's start
        lo[i0 : i + 1] = np.minimum(lo[i0 : i + 1], j0)
        hi[i0 : i + 1] = np.maximum(hi[i0 : i + 1], j + 1)
        if anchored[k]:
            i0, j0 = i, j
    return Band.from_ranges(lo, hi)
