"""Per-sentence feature sets (MT n-grams, lexical anchors) in memory that grows with the text, not its square.

Each sentence's set is a sorted run of int32 ids in one flat array (CSR without values: 4 bytes
per feature), so 200,000 sentences of ~100 n-grams take ~80 MB a side. Sets of consecutive
sentences (a bead's span, a block of a coarse DP level) are unions of those runs, built for the
sentences a computation asks about and never for the whole document at once: a document-sized
product of span matrices grows with the square of the text.
"""

from __future__ import annotations

import itertools
from array import array
from collections.abc import Iterable, Iterator

import numpy as np

_POOL_CHUNK_ROWS = 8192  # rows handled per step when pooling sets into blocks or measuring gaps
# Features handled per step where rows are blocks of coarse levels, which hold hundreds each: by
# rows, a step over a 200,000-line article's blocks of 32 took ~200 MB (~30 bytes a feature); now ~8 MB.
_CHUNK_FEATURES = 1 << 18
_COUNT_CHUNK = 1 << 22  # feature ids counted per step (32 MB as 64-bit ids)
_MAX_GAP = 65_535  # gaps are stored as uint16: any longer one reads as this
# Gaps of block rows, read only up to the longest span a DP asks about (a few blocks), take a byte:
# ~30 MB less for the finest coarse level of a 200,000-line article.
_BLOCK_MAX_GAP = 255
# Blocks of up to this many rows get their gaps from the rows' gaps; larger ones measure them anew.
_DERIVED_GAP_FACTOR = 4096
# A pair of rows sharing a feature costs a sparse product about this many times what a pair of
# rows costs a dense one (measured, one thread): the break-even density of a feature (`_dense_product`).
_DENSE_GAIN = 100.0
_DENSE_MIN_PAIRS = 4  # pairs of rows per feature of the vocabulary for the dense part to be worth looking for


class SetRows:
    """Sorted feature ids of each row; `width` is the vocabulary size shared with the other side."""

    def __init__(self, indptr: np.ndarray, indices: np.ndarray, width: int):
        self.indptr = np.asarray(indptr, dtype=np.int64)
        self.indices = np.asarray(indices, dtype=np.int32)
        self.width = int(width)
        self._gaps: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.indptr) - 1

    def unions(self, starts: np.ndarray, size: int, weights: np.ndarray | None = None):
        """CSR row k: the union of rows starts[k] .. starts[k]+size-1 (cut at the end), sorted ids.

        Built from the rows the starts reach only, so the cost follows len(starts), not the document.
        """
        from scipy import sparse

        starts = np.asarray(starts, dtype=np.int64)
        rows = np.minimum(starts[:, None] + np.arange(size), len(self) - 1).ravel()  # cut at the end
        if size > 1:  # a last row repeated by the cut adds nothing: leave it out
            rows = np.where((np.arange(len(rows)) % size > 0) & (rows == np.roll(rows, 1)), -1, rows)
        lengths = np.where(rows >= 0, self.indptr[rows + 1] - self.indptr[rows], 0)
        positions = self._positions(rows)
        total = len(positions)
        indptr = np.zeros(len(starts) + 1, dtype=np.int64)
        np.cumsum(lengths.reshape(len(starts), size).sum(axis=1), out=indptr[1:])
        picked = sparse.csr_matrix((np.ones(total, dtype=np.float32), self.indices[positions], indptr), shape=(len(starts), self.width))
        if size > 1:
            picked.sum_duplicates()  # sorts each union's ids and merges repeats
        else:
            picked.sort_indices()  # block rows of coarse levels are not sorted
        picked.data = np.ones(len(picked.indices), dtype=np.float32) if weights is None else weights[picked.indices]
        return picked

    def union_rows(self, members: np.ndarray, indptr: np.ndarray) -> SetRows:
        """Rows whose row r is the union of this one's rows members[indptr[r]] .. members[indptr[r+1]-1], sorted ids."""
        stride = max(self.width, 1)
        out = np.zeros(len(indptr), dtype=np.int64)
        parts = [np.zeros(0, dtype=np.int32)]
        for first in range(0, len(indptr) - 1, _POOL_CHUNK_ROWS):
            last = min(first + _POOL_CHUNK_ROWS, len(indptr) - 1)
            picked = members[indptr[first] : indptr[last]].astype(np.int64)
            key_type = np.int32 if (last - first) * stride < 2**31 else np.int64  # a smaller sort where it fits
            row = np.repeat(np.arange(last - first, dtype=key_type), np.diff(indptr[first : last + 1]))
            row = np.repeat(row, self.indptr[picked + 1] - self.indptr[picked])
            keys = np.sort(row * key_type(stride) + self.indices[self._positions(picked)])  # by row, then id
            keys = keys[np.concatenate([[True], keys[1:] != keys[:-1]])] if len(keys) else keys
            parts.append((keys % stride).astype(np.int32))
            out[first + 1 : last + 1] = out[first] + np.cumsum(np.bincount(keys // stride, minlength=last - first))
        return SetRows(out, np.concatenate(parts), self.width)

    def pooled(self, factor: int) -> SetRows:
        """Rows of blocks of `factor` consecutive rows (the last block may be shorter), each the union of its rows.

        A feature belongs to its block's union once, at its first row there: the row whose gap
        exceeds its offset in the block. So a block's set is a filter of its rows' (the ids are
        not sorted within a block row), and its gap in blocks follows from the row's gap.
        """
        if factor > _DERIVED_GAP_FACTOR:
            return self._pooled_by_union(factor)
        n = len(self)
        blocks = (n + factor - 1) // factor
        step = max(_POOL_CHUNK_ROWS // factor, 1) * factor  # whole blocks per chunk
        gaps = self.gaps()

        def chunks():
            for first in range(0, n, step):
                stop = min(first + step, n)
                lo, hi = self.indptr[first], self.indptr[stop]
                rows = np.repeat(np.arange(first, stop), np.diff(self.indptr[first : stop + 1]))
                gap = gaps[lo:hi].astype(np.int64)
                keep = gap > rows % factor
                yield lo, hi, rows, gap, keep

        counts = np.zeros(blocks, dtype=np.int64)
        for _, _, rows, _, keep in chunks():
            counts += np.bincount(rows[keep] // factor, minlength=blocks)
        indptr = np.concatenate([[0], np.cumsum(counts)])
        indices = np.empty(int(indptr[-1]), dtype=np.int32)
        block_gaps = np.empty(len(indices), dtype=np.uint8)
        at = 0
        for lo, hi, rows, gap, keep in chunks():
            kept = int(keep.sum())
            indices[at : at + kept] = self.indices[lo:hi][keep]
            rows, gap = rows[keep], gap[keep]
            derived = rows // factor - (rows - gap) // factor
            block_gaps[at : at + kept] = np.where(gap >= _MAX_GAP, _BLOCK_MAX_GAP, np.minimum(derived, _BLOCK_MAX_GAP))
            at += kept
        pooled = SetRows(indptr, indices, self.width)
        pooled._gaps = block_gaps
        return pooled

    def _pooled_by_union(self, factor: int) -> SetRows:
        """`pooled` for blocks too large for derived gaps: unions built and sorted, gaps measured."""
        n = len(self)
        blocks = (n + factor - 1) // factor
        sizes = np.zeros(blocks + 1, dtype=np.int64)
        parts = []
        for first in range(0, blocks, _POOL_CHUNK_ROWS):
            chunk = self.unions(np.arange(first, min(first + _POOL_CHUNK_ROWS, blocks)) * factor, factor)
            parts.append(chunk.indices.astype(np.int32))
            sizes[first + 1 : first + 1 + chunk.shape[0]] = np.diff(chunk.indptr)
        return SetRows(np.cumsum(sizes), np.concatenate(parts) if parts else np.zeros(0, dtype=np.int32), self.width)

    def gaps(self) -> np.ndarray:
        """Per stored feature: how many rows back the same feature occurred last (at most _MAX_GAP).

        A span's set counts a feature once, at its first row in the span: the row whose gap
        exceeds its offset in the span. That lets overlaps of every span size be read from one
        table of sentence pairs split by gap (see `signals.PairScorer._window_table`).
        """
        if self._gaps is None:
            out = np.empty(len(self.indices), dtype=np.uint16)
            last = np.full(self.width, -_MAX_GAP - 1, dtype=np.int64)  # the latest row holding each feature
            for first in range(0, len(self), _POOL_CHUNK_ROWS):
                stop = min(first + _POOL_CHUNK_ROWS, len(self))
                lo, hi = self.indptr[first], self.indptr[stop]
                if lo == hi:
                    continue
                order = np.argsort(self.indices[lo:hi], kind="stable")  # by feature, rows in order within one
                features = self.indices[lo:hi][order]
                rows = np.repeat(np.arange(first, stop), np.diff(self.indptr[first : stop + 1]))[order]
                new = np.concatenate([[True], features[1:] != features[:-1]])
                previous = np.where(new, last[features], np.roll(rows, 1))
                out[lo + order] = np.minimum(rows - previous, _MAX_GAP)
                ends = np.concatenate([new[1:], [True]])
                last[features[ends]] = rows[ends]
            self._gaps = out
        return self._gaps

    def _positions(self, rows: np.ndarray) -> np.ndarray:
        """Where the features of `rows` (ids; -1 for none) are stored, row after row."""
        lengths = np.where(rows >= 0, self.indptr[rows + 1] - self.indptr[rows], 0)
        first = self.indptr[np.maximum(rows, 0)]
        return np.arange(int(lengths.sum()), dtype=np.int64) + np.repeat(first - np.cumsum(lengths) + lengths, lengths)

    def by_gap(self, rows: np.ndarray, classes: int, weights: np.ndarray | None = None):
        """CSR with each of `rows` split in `classes` rows by gap (1, 2, ..., `classes` or more):
        row k * classes + min(gap, classes) - 1 holds row rows[k]'s features of that gap."""
        from scipy import sparse

        rows = np.asarray(rows, dtype=np.int64)
        lengths = self.indptr[rows + 1] - self.indptr[rows]
        positions = self._positions(rows)
        gap_class = np.minimum(self.gaps()[positions], classes).astype(np.int64) - 1
        split = np.repeat(np.arange(len(rows), dtype=np.int64), lengths) * classes + gap_class
        indptr = np.zeros(len(rows) * classes + 1, dtype=np.int64)
        np.cumsum(np.bincount(split, minlength=len(rows) * classes), out=indptr[1:])
        # Split rows in order, each keeping its row's (sorted) order: a stable sort, nearly sorted already.
        features = self.indices[positions[np.argsort(split, kind="stable")]]
        data = np.ones(len(positions), dtype=np.float32) if weights is None else weights[features]
        return sparse.csr_matrix((data, features, indptr), shape=(len(rows) * classes, self.width))

    def union_sizes(self, size: int, weights: np.ndarray | None = None) -> np.ndarray:
        """Per start s: how many features rows s .. s+size-1 have together (or their total weight).

        A feature counts at its first row in the span, the row s+p where its gap exceeds p.
        """
        return self.union_sizes_upto(size, weights)[-1]

    def union_sizes_upto(self, size: int, weights: np.ndarray | None = None) -> list[np.ndarray]:
        """`union_sizes` of every size from 1 to `size`, from one pass over the rows (each adds the
        same terms in the same order as on its own)."""
        n = len(self)
        per_row = np.zeros((n, size))  # [r, p]: features (weight) of row r with a gap over p
        for first, stop in self._feature_chunks():
            lo, hi = self.indptr[first], self.indptr[stop]
            row = np.repeat(np.arange(stop - first), np.diff(self.indptr[first : stop + 1]))
            gaps = self.gaps()[lo:hi]
            if weights is None:  # counts: one count per gap class, summed from p up (whole numbers: exact)
                classes = np.bincount(row * size + np.minimum(gaps, size) - 1, minlength=(stop - first) * size)
                per_row[first:stop] = np.cumsum(classes.reshape(-1, size)[:, ::-1], axis=1)[:, ::-1]
                continue
            value = weights[self.indices[lo:hi]]
            for p in range(size):
                per_row[first:stop, p] = np.bincount(row, weights=np.where(gaps > p, value, 0.0), minlength=stop - first)
        out, sizes = np.zeros(n), []
        for p in range(size):
            total = max(n - p, 0)  # starts of spans of p + 1 rows
            out = out[:total] + per_row[p : p + total, p]
            sizes.append(out)
        return sizes

    def _feature_chunks(self) -> Iterator[tuple[int, int]]:
        """Runs of rows (first, stop) holding at most _CHUNK_FEATURES features together; a row alone may hold more."""
        first = 0
        while first < len(self):
            stop = int(np.searchsorted(self.indptr, self.indptr[first] + _CHUNK_FEATURES, side="right")) - 1
            stop = min(max(stop, first + 1), len(self))
            yield first, stop
            first = stop

    def document_frequency(self) -> np.ndarray:
        """How many rows hold each feature, counted _COUNT_CHUNK ids at a time: bincount copies its
        input to 64-bit ids (~240 MB for a coarse level of a 200,000-line article at once)."""
        out = np.zeros(self.width, dtype=np.int64)
        for first in range(0, len(self.indices), _COUNT_CHUNK):
            out += np.bincount(self.indices[first : first + _COUNT_CHUNK], minlength=self.width)
        return out


def shared_set_rows(src_sets: Iterable[Iterable[str]], tgt_sets: Iterable[Iterable[str]]) -> tuple[SetRows, SetRows]:
    """Both sides' sets over one vocabulary whose ids follow the sorted features, so they are deterministic.

    The sets are read one at a time (a generator keeps just one sentence's set alive): ids are
    given in order of first appearance, then renumbered by sorting the vocabulary.
    """
    vocab: dict[str, int] = {}
    sides = []
    for sets in (src_sets, tgt_sets):
        ids = array("i")
        sizes = array("q", [0])
        for features in sets:
            features = features if isinstance(features, (set, frozenset)) else set(features)
            # set and dict operations, not a Python loop per feature: most are known already
            vocab.update(zip(features.difference(vocab), itertools.count(len(vocab))))
            ids.extend(map(vocab.__getitem__, features))
            sizes.append(len(features))
        sides.append((ids, np.cumsum(np.frombuffer(sizes, dtype=np.int64))))
    rank = np.empty(len(vocab), dtype=np.int32)
    rank[[vocab[f] for f in sorted(vocab)]] = np.arange(len(vocab), dtype=np.int32)
    width = len(vocab)
    del vocab
    out = []
    for ids, indptr in sides:
        renumbered = np.frombuffer(ids, dtype=np.int32) if len(ids) else np.zeros(0, dtype=np.int32)  # a view: renumbered in place
        for first in range(0, len(indptr) - 1, _POOL_CHUNK_ROWS):  # each row's ids in sorted order, a chunk of rows at a time
            last = min(first + _POOL_CHUNK_ROWS, len(indptr) - 1)
            lo, hi = indptr[first], indptr[last]
            row = np.repeat(np.arange(last - first, dtype=np.int64), np.diff(indptr[first : last + 1])) * width
            renumbered[lo:hi] = np.sort(rank[renumbered[lo:hi]] + row) - row  # rows stay in place: sorted within each
        out.append(SetRows(indptr, renumbered, width))
    return out[0], out[1]


def only_shared(left: SetRows, right: SetRows) -> tuple[SetRows, SetRows]:
    """Both sides' sets restricted to the features both sides have, renumbered in the same order."""
    both = (left.document_frequency() > 0) & (right.document_frequency() > 0)
    rank = (np.cumsum(both) - 1).astype(np.int32)
    out = []
    for side in (left, right):
        keep = both[side.indices]
        counts = np.bincount(np.repeat(np.arange(len(side)), np.diff(side.indptr))[keep], minlength=len(side))
        out.append(SetRows(np.concatenate([[0], np.cumsum(counts)]), rank[side.indices[keep]], int(both.sum())))
    return out[0], out[1]


def gap_table(left: SetRows, left_rows: np.ndarray, left_sizes: int, right: SetRows, right_rows: np.ndarray, right_sizes: int) -> np.ndarray:
    """table[i, p, j, q]: features that left row left_rows[i] and right row right_rows[j] share whose
    last occurrence before is more than p rows back on the left and more than q on the right, for
    p < left_sizes, q < right_sizes; rows are sorted ids.

    A span's union holds each feature once, at its first row there: the row s+p whose gap exceeds
    p. So the overlap of the left span s..s+a-1 and the right span t..t+b-1 is the sum over p < a,
    q < b of table[s+p, p, t+q, q] (`span_overlaps`), for every span size at once, from one
    sparse product of sentence pairs instead of one per pair of span sizes.
    """
    shape = (len(left_rows), left_sizes, len(right_rows), right_sizes)
    return _suffix_sums(_dense_product(left.by_gap(left_rows, left_sizes), right.by_gap(right_rows, right_sizes)), shape)


def weighted_gap_tables(left: SetRows, left_rows: np.ndarray, left_sizes: int, right: SetRows, right_rows: np.ndarray,
                        right_sizes: int, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """`gap_table`, and the same table of the shared features' total `weights` (on the left), from one product.

    Each left feature carries 1 + i·weight: the complex product's real part counts the shared
    features and its imaginary part adds their weights, each exactly as a product of its own
    would (x·1 and 1·1 - w·0 are exact), at little more than the cost of one.
    """
    shape = (len(left_rows), left_sizes, len(right_rows), right_sizes)
    table = _suffix_sums(_dense_product(left.by_gap(left_rows, left_sizes, 1.0 + 1j * weights), right.by_gap(right_rows, right_sizes)), shape)
    return table.real.astype(np.float32), np.ascontiguousarray(table.imag)


def union_gap_tables(left_unions: list, right: SetRows, right_sizes: int, step: int) -> Iterator[tuple[int, np.ndarray]]:
    """For each run of `step` right rows from `first` (0, step, ...): (first, table[k, j, q]), the
    features that row k of the stacked `left_unions` (CSRs such as `SetRows.unions` gives) shares
    with right row first+j whose last occurrence before is more than q rows back.

    The overlap of union k with the right span t..t+b-1 is the sum over q < b of table[k, t+q, q]:
    spans of one side split by gap, the other side's taken as they are, for every b at once. The
    left side is stacked and split for `_dense_product` once for all runs.
    """
    from scipy import sparse

    left = sparse.vstack(left_unions, format="csr")
    split = _LeftSplit(left, right.document_frequency(), len(right) * right_sizes)
    for first in range(0, len(right), step):
        rows = np.arange(first, min(first + step + right_sizes - 1, len(right)))
        product = split.times(right.by_gap(rows, right_sizes))
        yield first, _suffix_sums(product, (left.shape[0], 1, len(rows), right_sizes))[:, 0]


def _suffix_sums(product: np.ndarray, shape: tuple[int, int, int, int]) -> np.ndarray:
    """The product of rows split by gap (`SetRows.by_gap`) as table[i, p, j, q] of `shape`, summed
    over the gap classes from p and from q up: features whose gaps exceed p and q."""
    left_sizes, right_sizes = shape[1], shape[3]
    table = product.reshape(shape)
    for p in range(left_sizes - 2, -1, -1):  # suffix sums over the gap classes of each side
        table[:, p] += table[:, p + 1]
    for q in range(right_sizes - 2, -1, -1):
        table[:, :, :, q] += table[:, :, :, q + 1]
    return table


def _dense_product(left, right) -> np.ndarray:
    """left @ right.T as an array, for CSRs of 0/1 counts (left may carry other values).

    A sparse product costs a few nanoseconds per pair of rows sharing a feature, a dense one a
    few hundredths per pair of rows: features frequent on both sides (" th", "the", "w the"
    share most pairs of sentences) go through a dense product, the rest through the sparse one
    (`_LeftSplit`).
    """
    return _LeftSplit(left, np.bincount(right.indices, minlength=left.shape[1]), right.shape[0]).times(right)


class _LeftSplit:
    """The left side of `_dense_product`s with right sides of `right_rows` rows that hold each
    feature `right_counts` times: its frequent features as dense columns, the rest as a CSR,
    split once however many right sides it meets.

    Counts are whole numbers, so the two parts add up exactly. Left values other than counts
    (weights) keep the sparse product alone: a dense one would add them in another order. So do
    products of fewer pairs of rows than _DENSE_MIN_PAIRS per feature of the vocabulary (a
    long document's calibration blocks): counting the features would cost more than it saves.
    """

    def __init__(self, left, right_counts: np.ndarray, right_rows: int):
        self.rare, self.frequent = left, None
        width = left.shape[1]
        if left.dtype != np.float32 or float(left.shape[0]) * right_rows < _DENSE_MIN_PAIRS * width:
            return
        pairs = np.bincount(left.indices, minlength=width).astype(np.float64) * right_counts
        frequent = pairs * _DENSE_GAIN > float(left.shape[0]) * right_rows
        if not frequent.any():
            return
        from scipy import sparse

        self.frequent, self.column = frequent, np.cumsum(frequent) - 1  # dense column of each frequent feature
        self.dense = _dense_columns(left, frequent, self.column)
        keep = ~frequent[left.indices]
        rows = np.repeat(np.arange(left.shape[0]), np.diff(left.indptr))
        indptr = np.concatenate([[0], np.cumsum(np.bincount(rows[keep], minlength=left.shape[0]))])
        self.rare = sparse.csr_matrix((left.data[keep], left.indices[keep], indptr), shape=left.shape)

    def times(self, right) -> np.ndarray:
        """left @ right.T as an array."""
        out = (self.rare @ right.T).toarray()
        if self.frequent is None:
            return out
        return out + self.dense @ _dense_columns(right, self.frequent, self.column).T


def _dense_columns(matrix, frequent: np.ndarray, column: np.ndarray) -> np.ndarray:
    """The `frequent` features of each row of a CSR, as dense columns."""
    out = np.zeros((matrix.shape[0], int(frequent.sum())), dtype=np.float32)
    rows = np.repeat(np.arange(matrix.shape[0]), np.diff(matrix.indptr))
    pick = frequent[matrix.indices]
    out[rows[pick], column[matrix.indices[pick]]] = matrix.data[pick]
    return out


def span_overlaps(table: np.ndarray, left_at: np.ndarray, a: int, right_at: np.ndarray, b: int) -> np.ndarray:
    """Overlap of left a-spans and right b-spans from a `gap_table`; `left_at`/`right_at` give each
    span's first row as a position in the table's rows (broadcast against each other)."""
    _, left_sizes, right_count, right_sizes = table.shape
    flat, row = table.ravel(), left_sizes * right_count * right_sizes
    at = left_at * row + right_at * right_sizes  # flat index of table[left_at, 0, right_at, 0]
    out = flat[at]
    for p in range(a):
        for q in range(b):
            if p or q:  # table[left_at + p, p, right_at + q, q]
                out = out + flat[at + (p * row + p * right_count * right_sizes + q * right_sizes + q)]
    return out
