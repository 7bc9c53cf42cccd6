"""Per-sentence feature sets (MT n-grams, lexical anchors) in memory that grows with the text, not its square.

Each sentence's set is a sorted run of int32 ids in one flat array (CSR without values: 4 bytes
per feature), so 200,000 sentences of ~100 n-grams take ~80 MB a side. Sets of consecutive
sentences (a bead's span, a block of a coarse DP level) are unions of those runs, built for the
sentences a computation asks about and never for the whole document at once: a document-sized
product of span matrices is what once took 3.5 GB at 10,000 lines.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable

import numpy as np

_POOL_CHUNK_ROWS = 8192  # output rows built per sparse product when pooling sets into blocks


class SetRows:
    """Sorted feature ids of each row; `width` is the vocabulary size shared with the other side."""

    def __init__(self, indptr: np.ndarray, indices: np.ndarray, width: int):
        self.indptr = np.asarray(indptr, dtype=np.int64)
        self.indices = np.asarray(indices, dtype=np.int32)
        self.width = int(width)

    def __len__(self) -> int:
        return len(self.indptr) - 1

    @property
    def sizes(self) -> np.ndarray:
        return np.diff(self.indptr)

    def csr(self, start: int, stop: int, weights: np.ndarray | None = None):
        """Rows start..stop-1 as a scipy CSR matrix: 1.0 per feature, or the feature's weight."""
        from scipy import sparse

        lo, hi = self.indptr[start], self.indptr[stop]
        indices = self.indices[lo:hi]
        data = np.ones(len(indices), dtype=np.float32) if weights is None else weights[indices]
        return sparse.csr_matrix((data, indices, self.indptr[start : stop + 1] - lo), shape=(stop - start, self.width))

    def unions(self, starts: np.ndarray, size: int, weights: np.ndarray | None = None):
        """CSR row k: the union of rows starts[k] .. starts[k]+size-1 (cut at the end), sorted ids.

        Built from the rows the starts reach only, so the cost follows len(starts), not the document.
        """
        from scipy import sparse

        starts = np.asarray(starts, dtype=np.int64)
        if len(starts) == 0:
            return sparse.csr_matrix((0, self.width), dtype=np.float32 if weights is None else np.float64)
        lo, hi = int(starts.min()), min(int(starts.max()) + size, len(self))
        if size == 1:
            local = self.csr(lo, hi)
            picked = local[starts - lo]
        else:
            span_rows = np.minimum(starts[:, None] + np.arange(size), hi - 1) - lo  # repeats at the end add nothing
            picks = sparse.csr_matrix(
                (np.ones(span_rows.size, dtype=np.float32), span_rows.ravel(), np.arange(0, span_rows.size + 1, size)),
                shape=(len(starts), hi - lo),
            )
            picked = picks @ self.csr(lo, hi)
        picked = picked.tocsr()
        picked.sort_indices()
        picked.data = np.ones(len(picked.indices), dtype=np.float32) if weights is None else weights[picked.indices]
        return picked

    def union_sizes(self, size: int, weights: np.ndarray | None = None) -> np.ndarray:
        """Per start s: how many features rows s .. s+size-1 have together (or their total weight)."""
        total = max(len(self) - size + 1, 0)
        out = np.zeros(total)
        for start in range(0, total, _POOL_CHUNK_ROWS):
            starts = np.arange(start, min(start + _POOL_CHUNK_ROWS, total))
            block = self.unions(starts, size, weights)
            out[starts] = np.diff(block.indptr) if weights is None else np.asarray(block.sum(axis=1)).ravel()
        return out

    def pooled(self, factor: int) -> SetRows:
        """Rows of blocks of `factor` consecutive rows (the last block may be shorter), each the union of its rows."""
        n = len(self)
        blocks = (n + factor - 1) // factor
        indptr = np.zeros(blocks + 1, dtype=np.int64)
        parts = []
        for first in range(0, blocks, _POOL_CHUNK_ROWS):
            chunk = self.unions(np.arange(first, min(first + _POOL_CHUNK_ROWS, blocks)) * factor, factor)
            parts.append(chunk.indices.astype(np.int32))
            indptr[first + 1 : first + 1 + chunk.shape[0]] = indptr[first] + chunk.indptr[1:]
        return SetRows(indptr, np.concatenate(parts) if parts else np.zeros(0, dtype=np.int32), self.width)

    def document_frequency(self) -> np.ndarray:
        """How many rows hold each feature."""
        return np.bincount(self.indices, minlength=self.width)


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
            before = len(ids)
            ids.extend(vocab.setdefault(f, len(vocab)) for f in features)
            sizes.append(len(ids) - before)
        sides.append((np.frombuffer(ids, dtype=np.int32) if len(ids) else np.zeros(0, dtype=np.int32), np.cumsum(np.frombuffer(sizes, dtype=np.int64))))
    rank = np.empty(len(vocab), dtype=np.int32)
    rank[[vocab[f] for f in sorted(vocab)]] = np.arange(len(vocab), dtype=np.int32)
    width = len(vocab)
    del vocab
    out = []
    for ids, indptr in sides:
        renumbered = rank[ids] if len(ids) else ids
        for first in range(0, len(indptr) - 1, _POOL_CHUNK_ROWS):  # sort each row's ids, a chunk of rows at a time
            last = min(first + _POOL_CHUNK_ROWS, len(indptr) - 1)
            lo, hi = indptr[first], indptr[last]
            row = np.repeat(np.arange(first, last, dtype=np.int64), np.diff(indptr[first : last + 1]))
            renumbered[lo:hi] = renumbered[lo:hi][np.lexsort((renumbered[lo:hi], row))]
        out.append(SetRows(indptr, renumbered, width))
    return out[0], out[1]
