"""Bead costs from four signals: MT overlap, sentence embeddings, length and lexical anchors.

Each similarity signal is turned into a cost that is ~1 for an unrelated sentence pair of this
document and ~0 for a typical translation (in the spirit of Vecalign's normalisation by random
pairs), so signals with very different raw ranges (e5 cosines live in 0.7–0.95, n-gram Dice in
0–0.6) and MT of any quality can be averaged.
Length uses the character ratio of the document pair itself (Korean→English is ~0.54, not 1).
With MT, two more things are measured on the document rather than fixed: how tightly lengths
follow that ratio, and how often a sentence has no counterpart at all (which sets the cost of
leaving one unaligned): a book translation is tighter and more complete than a news edition.

Memory follows the cells the DP visits, not the document's square: feature sets are kept per
sentence (`aligners.feature_sets`), span sets are built for the cells asked about, and overlap
tables cover one DP window at a time (`PairScorer.window`). Whole-document measurements
(calibration, skip cost, length spread) read up to _CALIBRATION_ROWS sampled sentences against
the other side a chunk at a time.
"""

from __future__ import annotations

import itertools
import re
from array import array
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from aligners.dp import bead_types
from aligners.feature_sets import SetRows, gap_table, span_overlaps, union_gap_tables, weighted_gap_tables

_WORD = re.compile(r"\w+")
_WORD_CACHE = 65_536  # words whose n-grams are remembered (a document repeats its words)
# Documents with at most this many sentence pairs keep whole-document overlap tables (2 MB at most each).
_WHOLE_TABLE_PAIRS = 65_536
_GATHER_CELLS = 4096  # cells whose span sets are gathered per sparse product outside a window
# A window's tables cost far less per cell than gathering spans: worth it up to this many cells per cell asked.
_WINDOW_FILL = 50
_EMBED_CELLS = 4096  # cells whose span vectors are gathered at a time
_OVERLAP_COLUMNS = 256  # columns of a whole-document overlap block (calibration) computed at once
_CHANCE_TABLE_CELLS = 1 << 20  # cells of one table measuring chance overlaps (4 MB)
# Target features split by gap per such table: a coarse level's blocks of hundreds of sentences took
# ~250 MB a table at 200,000 lines when only cells were counted.
_CHANCE_TARGET_FEATURES = 1 << 19
# Up to this many columns, unrelated-pair medians read every column; beyond it, a fixed sample of
# this many (the best match of a sentence still searches every column, a chunk at a time).
_CALIBRATION_COLUMNS = 5000
_MIN_PAIRS_FOR_LEVEL = 64
_CALIBRATION_ROWS = 200
_MIN_SPREAD = 0.02
_MIN_LENGTH_PAIRS = 20  # confident pairs needed to measure the length spread of a document
_MIN_LENGTH_SIGMA = 0.1
_HALFWAY = 0.5  # calibrated distance halfway between a typical translation (0) and an unrelated pair (1)


@dataclass(frozen=True)
class Weights:
    """Cost weights; `skip` is the cost of leaving one sentence unaligned (a 1-0 or 0-1 bead).

    With MT, `skip` and `length_sigma` are defaults that PairScorer adapts to each document.
    """

    embed: float = 1.0
    mt: float = 1.0
    length: float = 0.05
    anchors: float = 0.3
    skip: float = 1.0
    merge: float = 0.5  # per sentence beyond 1-1, so merges must earn their place
    floor: float = 0.25  # the lowest per-sentence semantic distance a bead can score
    part_slack: float = 0.4  # how much worse than the whole bead one part of a merge may match
    length_sigma: float = 0.35  # spread of log(target chars / expected chars) for true beads (at most; see PairScorer)
    # Similarity of unrelated pairs (used for documents too small to measure it) and how much
    # higher a typical translation scores; measured on FLORES dev/devtest.
    mt_unrelated: float = 0.14
    mt_spread: float = 0.5
    mt_part_unrelated: float = 0.065  # the same for IDF-weighted containment (PairScorer._containment)
    mt_part_spread: float = 0.57
    # Unrelated a-b spans have Dice ~ (2ab / (a + b)) ** power times that of unrelated sentences:
    # FLORES devtest as one document (ko-en, MT) measures power 0.35-0.5 (Text+Berg: 0.7-1.0).
    mt_chance_power: float = 0.5
    # `skip` fits documents where this share of sentences has no counterpart (the news benchmark,
    # as PairScorer._document_skip estimates it); how far one nat of log-odds moves the skip cost;
    # how many sentences' worth of evidence that default is worth against the document's own.
    unaligned_share: float = 0.255
    share_weight: float = 0.5
    share_prior_sentences: float = 50.0
    embed_unrelated: float = 0.75
    embed_spread: float = 0.12



@lru_cache(maxsize=_WORD_CACHE)
def _word_grams(word: str) -> frozenset[str]:
    padded = f" {word} "
    return frozenset(["w " + word] + [padded[k : k + 3] for k in range(len(padded) - 2)])


def ngram_set_rows(src: list[str], tgt: list[str]) -> tuple[SetRows, SetRows]:
    """Each sentence's lower-cased words and character trigrams of words (a chrF-like bag, robust
    to inflection), as `feature_sets.shared_set_rows` gives them: ids of the sorted features.

    A sentence's set is the union of its words' sets, so the sets are built per distinct word
    and the sentences only look up their words: a document repeats its words.
    """
    words: dict[str, int] = {}
    sides = []
    for sentences in (src, tgt):
        ids, sizes = array("i"), array("q", [0])
        for sentence in sentences:
            found = _WORD.findall(sentence.lower())
            words.update(zip(set(found).difference(words), itertools.count(len(words))))
            ids.extend(map(words.__getitem__, found))
            sizes.append(len(found))
        sides.append((np.frombuffer(ids, dtype=np.int32) if len(ids) else np.zeros(0, dtype=np.int32),
                      np.cumsum(np.frombuffer(sizes, dtype=np.int64))))
    grams = [_word_grams(word) for word in words]  # in word id order
    vocab = sorted(set().union(*grams))
    rank = {gram: k for k, gram in enumerate(vocab)}
    word_grams = SetRows(np.concatenate([[0], np.cumsum([len(g) for g in grams], dtype=np.int64)]),
                         np.fromiter(map(rank.__getitem__, itertools.chain.from_iterable(grams)), dtype=np.int32), len(vocab))
    return tuple(word_grams.union_rows(word_ids, indptr) for word_ids, indptr in sides)


def _unit(vectors: np.ndarray) -> np.ndarray:
    return vectors / np.maximum(np.linalg.norm(vectors, axis=-1, keepdims=True), 1e-12)


@dataclass
class _Pooled:
    """Sets of blocks of `factor` sentences, built from the sentence sets when first needed.

    Coarse DP levels are built one after another; holding only the sentence sets keeps one
    level's block sets alive at a time instead of every level's.
    """

    base: SetRows
    factor: int


@dataclass
class Side:
    """One side's features, sentence by sentence (or block by block at coarse levels).

    `spans[k][s]` is the embedding of sentences s .. s+k-1 joined, where the caller encoded the
    joined text (`align(encode_spans=True)`, finest level only). Any other span's vector is the
    normalised sum of its sentence vectors weighted by character count: e5 mean-pools token
    vectors, so the joined text's vector is about the token-weighted mean of its sentences', and
    characters stand in for tokens. That avoids encoding each text again as part of 2- and
    3-sentence spans (6x the encoder tokens of the sentences alone at max_merge 3).
    `embedded` lists the sentences that have vectors when only some were embedded (`vectors` then
    holds theirs only; spans with any other sentence are judged without the embedding); None: all.
    """

    lengths: np.ndarray
    vectors: np.ndarray | None = None
    spans: dict[int, np.ndarray] | None = None
    grams: SetRows | _Pooled | None = None  # MT n-grams (source side: of its MT)
    anchors: SetRows | _Pooled | None = None  # numbers and names
    skip_scale: np.ndarray | None = None  # per sentence factor on the cost of leaving it unaligned
    embedded: np.ndarray | None = None
    groups: np.ndarray | None = None  # per embedded sentence: the stretch it was embedded for
    _counts: dict = field(default_factory=dict, repr=False)

    def __post_init__(self):
        if self.skip_scale is None:
            self.skip_scale = np.ones(len(self.lengths))
        self.cum_lengths = np.concatenate([[0.0], np.cumsum(self.lengths, dtype=np.float64)])
        self.cum_embedded = None
        if self.embedded is not None:
            flags = np.zeros(len(self.lengths), dtype=np.int64)
            flags[self.embedded] = 1
            self.cum_embedded = np.concatenate([[0], np.cumsum(flags)])
        self.cum_vectors = None
        if self.vectors is not None:
            lengths = self.lengths if self.embedded is None else self.lengths[self.embedded]
            weighted = self.vectors * lengths[:, None]
            self.cum_vectors = np.concatenate([np.zeros((1, self.vectors.shape[1])), np.cumsum(weighted, axis=0, dtype=np.float64)])

    def has(self, name: str) -> bool:
        return getattr(self, name) is not None

    def sets(self, name: str) -> SetRows:
        """The feature sets `name` ("grams", "anchors") of each row, pooling them on first use."""
        value = getattr(self, name)
        if isinstance(value, _Pooled):
            value = value.base.pooled(value.factor)
            setattr(self, name, value)
        return value

    def span_counts(self, name: str, size: int) -> np.ndarray:
        """Per start s: how many features rows s .. s+size-1 have together."""
        key = (name, size)
        if key not in self._counts:
            self._counts[key] = self.sets(name).union_sizes(size)
        return self._counts[key]

    def __len__(self) -> int:
        return len(self.lengths)

    def all_embedded(self, starts: np.ndarray, size: int) -> np.ndarray | bool:
        """Whether every sentence of each span has a vector."""
        if self.cum_embedded is None:
            return True
        return span_sum(self.cum_embedded, starts, size) == size

    def with_vectors(self, vectors: np.ndarray, embedded: np.ndarray, groups: np.ndarray) -> Side:
        """This side with vectors for the sentences `embedded` (sorted; rows of `vectors`, in that
        order) of stretches `groups`; its feature sets are shared."""
        side = Side(self.lengths, vectors, None, self.grams, self.anchors, self.skip_scale, np.asarray(embedded), np.asarray(groups))
        side._counts = self._counts
        return side

    def _vector_sum(self, starts: np.ndarray, size: int) -> np.ndarray:
        """Length-weighted sum of the vectors of each span. Where only some sentences were embedded,
        a span of embedded sentences is a run of rows of `vectors`; others read what is there and
        are never used (`all_embedded`)."""
        if self.cum_embedded is None:
            return span_sum(self.cum_vectors, starts, size)
        first = self.cum_embedded[starts]
        return self.cum_vectors[np.minimum(first + size, len(self.vectors))] - self.cum_vectors[first]

    def chance_inflation(self, starts: np.ndarray, size: int) -> np.ndarray:
        """How much a span's vector raises its cosine with an unrelated text, 1 for encoded ones.

        e5 vectors share a large common direction (unrelated sentences have cosine ~0.75). A
        weighted sum keeps it while the sentence-specific parts partly cancel, so a summed span
        looks closer to everything: if each of its sentences has cosine `level` with a text, the
        normalised sum has level x (sum of weights) / |weighted sum|. Without taking that out,
        merges look like translations (docs/benchmarks.md, merged spans from sentence vectors).
        """
        if size == 1 or (self.spans is not None and size in self.spans):
            return np.ones(len(starts))
        total = span_sum(self.cum_lengths, starts, size)
        norm = np.linalg.norm(self._vector_sum(starts, size), axis=1)
        return total / np.maximum(norm, 1e-12)

    def span_vectors(self, starts: np.ndarray, size: int) -> np.ndarray:
        if self.spans is not None and size in self.spans:
            return self.spans[size][starts]
        return _unit(self._vector_sum(starts, size))

    def pooled(self) -> Side:
        n = len(self)
        pad = n % 2
        lengths = np.concatenate([self.lengths, np.zeros(pad)]).reshape(-1, 2).sum(axis=1)
        vectors = None
        if self.vectors is not None and self.embedded is None:  # only some sentences embedded: coarse levels go without
            padded = np.concatenate([self.vectors, np.zeros((pad, self.vectors.shape[1]))])
            vectors = _unit(padded.reshape(-1, 2, padded.shape[1]).sum(axis=1))
        skip_scale = np.concatenate([self.skip_scale, self.skip_scale[-1:] if pad else []]).reshape(-1, 2).mean(axis=1)

        def pool(value):
            if value is None:
                return None
            if isinstance(value, _Pooled):
                return _Pooled(value.base, value.factor * 2)
            return _Pooled(value, 2)

        return Side(lengths, vectors, None, pool(self.grams), pool(self.anchors), skip_scale)


def _sample(count: int) -> np.ndarray:
    """Up to _CALIBRATION_ROWS sentence ids out of `count`, sorted; the same for every call."""
    return np.sort(np.random.default_rng(0).permutation(count)[:_CALIBRATION_ROWS])


def _calibration_columns(count: int) -> np.ndarray:
    """Columns whose similarities give the unrelated level: all, or a fixed sample of long documents."""
    if count <= _CALIBRATION_COLUMNS:
        return np.arange(count)
    return np.sort(np.random.default_rng(1).permutation(count)[:_CALIBRATION_COLUMNS])


def _chunks(count: int) -> Iterator[np.ndarray]:
    """0 .. count-1 in runs of _CALIBRATION_COLUMNS: whole-document scans, a bounded block at a time."""
    for start in range(0, count, _CALIBRATION_COLUMNS):
        yield np.arange(start, min(start + _CALIBRATION_COLUMNS, count))


def span_sum(cum: np.ndarray, starts: np.ndarray, size: int) -> np.ndarray:
    return cum[starts + size] - cum[starts]


@dataclass
class _BestMatches:
    """Sampled source sentences against the targets: what the document-level measurements read."""

    rows: np.ndarray
    dice: np.ndarray  # rows x calibration columns: the level of unrelated pairs
    containment: np.ndarray
    dice_best: np.ndarray  # over every target
    dice_best_col: np.ndarray
    containment_best: np.ndarray


class PairScorer:
    """Costs of beads between two Sides; pooled() gives the same scorer over blocks of two."""

    def __init__(
        self,
        src: Side,
        tgt: Side,
        weights: Weights,
        ratio: float | None = None,
        skip: float | None = None,
        length_sigma: float | None = None,
        boilerplate_pairs=None,
    ):
        self.src, self.tgt, self.w = src, tgt, weights
        self.boilerplate_pairs = boilerplate_pairs  # `aligners.boilerplate_pairs.BoilerplatePairs`, finest level only
        self.n, self.m = len(src), len(tgt)
        self.ratio = ratio if ratio is not None else (tgt.lengths.sum() + 1.0) / (src.lengths.sum() + 1.0)
        self.use_embed = src.vectors is not None and tgt.vectors is not None and weights.embed > 0
        self.use_mt = src.has("grams") and tgt.has("grams") and weights.mt > 0
        self.use_anchors = src.has("anchors") and tgt.has("anchors") and weights.anchors > 0
        # Measured on first use ("embed", "mt", "mt_part": see calibrated), so a coarse level
        # builds its block sets only when its DP runs.
        self._calibration: dict[str, tuple[float, float]] = {}
        self._idf: np.ndarray | None = None
        self._idf_totals: dict[tuple[str, int], np.ndarray] = {}
        self._chance: dict[tuple[int, int], float] = {}
        self._best: _BestMatches | None = None
        self._full = self.n * self.m <= _WHOLE_TABLE_PAIRS
        self._box = (0, self.n, 0, self.m) if self._full else None
        self._box_sizes = (1, 1)  # the longest spans (source, target) the window's tables serve
        self._dp_sizes = (1, 1)  # the longest spans (source, target) the DP has announced (`window`)
        self._tables: dict[tuple, np.ndarray] = {}
        self.skip = skip if skip is not None else self._document_skip()
        self.length_sigma = length_sigma if length_sigma is not None else self._document_length_sigma()

    # -- the DP's window ---------------------------------------------------------------------------
    @contextmanager
    def window(self, row_start: int, row_stop: int, col_start: int, col_stop: int, sizes: tuple[int, int], cells: int):
        """Overlap tables for spans of up to `sizes` (source, target) sentences starting in these
        ranges, kept while the DP asks about `cells` cells there.

        The DP asks for every bead shape of a run of its band in turn; one table per signal over
        the window answers them all (`_window_table`), which pays when the cells fill a good
        part of it (_WINDOW_FILL); sparser ones gather their own spans. Whole-document tables of
        small documents stay as they are.
        """
        self._dp_sizes = (max(self._dp_sizes[0], sizes[0]), max(self._dp_sizes[1], sizes[1]))
        area = (min(row_stop, self.n) - max(row_start, 0)) * (min(col_stop, self.m) - max(col_start, 0))
        if self._full or area > _WINDOW_FILL * cells:
            if self._full:  # whole-document tables built from now on serve every span the DP asks about
                self._box_sizes = (max(self._box_sizes[0], sizes[0]), max(self._box_sizes[1], sizes[1]))
            yield
            return
        self._box = (max(row_start, 0), min(row_stop, self.n), max(col_start, 0), min(col_stop, self.m))
        self._box_sizes, self._tables = sizes, {}
        try:
            yield
        finally:
            self._box, self._tables = None, {}

    def expect_spans(self, sizes: tuple[int, int]) -> None:
        """A later DP pass here will ask about spans of up to `sizes` (source, target) sentences: the
        chance overlaps of its bead shapes are then measured with the first pass's, in one go (`_chance_dice`)."""
        self._dp_sizes = (max(self._dp_sizes[0], sizes[0]), max(self._dp_sizes[1], sizes[1]))

    def calibrated(self, name: str) -> tuple[float, float]:
        """(level of unrelated pairs, how much higher a typical translation scores) for this document.

        Distance = (level + spread - similarity) / spread: ~1 for an unrelated pair, ~0 for a
        typical translation, whatever the raw range of the signal, the MT quality or the domain.
        Measured on up to _CALIBRATION_ROWS source sentences against all targets: the median pair
        is unrelated, the median best match is a translation. Documents too small for the
        medians to outvote the true pairs use the defaults measured on FLORES.
        """
        if name not in self._calibration:
            w = self.w
            defaults = {"embed": (w.embed_unrelated, w.embed_spread), "mt": (w.mt_unrelated, w.mt_spread),
                        "mt_part": (w.mt_part_unrelated, w.mt_part_spread)}[name]
            measured = None
            if name == "embed":
                measured = self._embed_similarities()
            elif self.n * self.m >= _MIN_PAIRS_FOR_LEVEL and min(self.n, self.m) >= 4:
                best = self._best_matches()
                measured = (best.dice, best.dice_best) if name == "mt" else (best.containment, best.containment_best)
            if measured is None:
                self._calibration[name] = defaults
            else:
                level = float(np.median(measured[0]))
                self._calibration[name] = level, max(float(np.median(measured[1])) - level, _MIN_SPREAD)
        return self._calibration[name]

    def _embed_similarities(self) -> tuple[np.ndarray, np.ndarray] | None:
        """Cosines of sampled embedded source sentences with the embedded targets, and each one's
        best over all of them; None when too few are embedded.

        Where only the stretches the MT left unsure were embedded, pairs within one stretch are
        often translations or neighbours of them, so the unrelated level reads pairs of
        different stretches only (`Side.groups`).
        """
        src_count, tgt_count = len(self.src.vectors), len(self.tgt.vectors)  # rows: the embedded sentences
        if src_count * tgt_count < _MIN_PAIRS_FOR_LEVEL or min(src_count, tgt_count) < 4:
            return None
        picked = _sample(src_count)
        rows = self.src.vectors[picked]
        columns = _calibration_columns(tgt_count)
        values = rows @ self.tgt.vectors[columns].T
        if self.src.groups is not None and self.tgt.groups is not None:
            values = values[self.src.groups[picked][:, None] != self.tgt.groups[columns][None, :]]
            if len(values) < _MIN_PAIRS_FOR_LEVEL:
                return None
        best = np.full(len(rows), -np.inf)
        for chunk in _chunks(tgt_count):
            best = np.maximum(best, (rows @ self.tgt.vectors[chunk].T).max(axis=1))
        return values, best

    def _best_matches(self) -> _BestMatches:
        """Sampled source sentences against every target, computed once: the calibration, the
        skip cost and the length spread all read it."""
        if self._best is None:
            rows = _sample(self.n)
            columns = _calibration_columns(self.m)
            dice, containment = self._mt_similarities(rows, columns)
            if len(columns) == self.m:
                best, col, part = dice.max(axis=1), dice.argmax(axis=1), containment.max(axis=1)
            else:
                best, col, part = np.full(len(rows), -np.inf), np.zeros(len(rows), dtype=np.int64), np.full(len(rows), -np.inf)
                for chunk in _chunks(self.m):
                    d, c = self._mt_similarities(rows, chunk)
                    chunk_best = d.max(axis=1)
                    better = chunk_best > best  # strictly: the first best column wins, as argmax does
                    col = np.where(better, chunk[d.argmax(axis=1)], col)
                    best, part = np.maximum(best, chunk_best), np.maximum(part, c.max(axis=1))
            self._best = _BestMatches(rows, dice, containment, best, col, part)
        return self._best

    def _mt_similarities(self, rows: np.ndarray, cols: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Dice and containment of source sentences `rows` against target sentences `cols`.

        Whole-document tables the DP built (coarse levels calibrate when their DP first asks)
        hold every pair already; their weights may differ from a product of their own in the last bit.
        """
        src_total, tgt_total = self._idf_span_totals("src", 1), self._idf_span_totals("tgt", 1)
        tables = [self._tables.get(("grams", idf)) for idf in (False, True)] if self._full else [None]
        if all(table is not None for table in tables):
            shared, weighted = (span_overlaps(table, rows[:, None], 1, cols[None, :], 1) for table in tables)
        else:
            shared, weighted = self._overlap_matrix(rows, 1, cols, 1, idf=True)
        smaller = np.minimum(src_total[rows][:, None], tgt_total[cols][None, :])
        return self._dice_from(shared, rows, 1, cols, 1), weighted / np.maximum(smaller, 1e-9)

    def _dice_matrix(self, rows: np.ndarray, a: int, b: int, cols: np.ndarray) -> np.ndarray:
        """MT n-gram Dice of source a-spans starting at `rows` against target b-spans starting at `cols`."""
        return self._dice_from(self._overlap_matrix(rows, a, cols, b)[0], rows, a, cols, b)

    def _dice_from(self, shared: np.ndarray, rows: np.ndarray, a: int, cols: np.ndarray, b: int) -> np.ndarray:
        """Dice of source a-spans starting at `rows` and target b-spans starting at `cols` sharing `shared` MT n-grams."""
        counts = self.src.span_counts("grams", a)[rows][:, None] + self.tgt.span_counts("grams", b)[cols][None, :]
        return 2.0 * shared / np.maximum(counts, 1.0)

    def _overlap_matrix(self, rows: np.ndarray, a: int, cols: np.ndarray, b: int, idf: bool = False) -> tuple[np.ndarray, np.ndarray | None]:
        """MT n-grams shared by every source a-span starting at `rows` and every target b-span starting
        at `cols`, and with `idf` their IDF weight, a bounded block of columns at a time."""
        src_rows = np.unique(rows[:, None] + np.arange(a))
        out = np.empty((len(rows), len(cols)), dtype=np.float32)
        weighted = np.empty((len(rows), len(cols))) if idf else None
        src, tgt = self.src.sets("grams"), self.tgt.sets("grams")
        for chunk in range(0, len(cols), _OVERLAP_COLUMNS):
            part = cols[chunk : chunk + _OVERLAP_COLUMNS]
            tgt_rows = np.unique(part[:, None] + np.arange(b))
            left_at, right_at = np.searchsorted(src_rows, rows)[:, None], np.searchsorted(tgt_rows, part)[None, :]
            if idf:
                table, weight_table = weighted_gap_tables(src, src_rows, a, tgt, tgt_rows, b, self._idf_weights())
                weighted[:, chunk : chunk + _OVERLAP_COLUMNS] = span_overlaps(weight_table, left_at, a, right_at, b)
            else:
                table = gap_table(src, src_rows, a, tgt, tgt_rows, b)
            out[:, chunk : chunk + _OVERLAP_COLUMNS] = span_overlaps(table, left_at, a, right_at, b)
        return out, weighted

    def _document_skip(self) -> float:
        """The cost of leaving a sentence unaligned, moved by how often this document seems to need it.

        `skip` fits documents where about `unaligned_share` of the sentences have no counterpart.
        Here a sentence counts as without one when its best match on the other side is closer to
        unrelated than to a translation (calibrated MT distance, Dice or containment, above
        _HALFWAY), on up to _CALIBRATION_ROWS sentences per side. That share is shrunk
        toward the default by `share_prior_sentences`, so short articles keep about the default,
        and the skip cost moves by `share_weight` times the change in log-odds: in a book
        translation, where nearly every sentence has a counterpart, a fragment that a weak MT
        makes look unrelated is merged rather than dropped.
        """
        if not self.use_mt or not self.n or not self.m:
            return self.w.skip
        best = self._best_matches()
        # Distances fall as similarities rise (spreads are positive), so a row's nearest target is
        # at its best Dice or its best containment, both already measured over every target.
        src_nearest = self._mt_distances(best.dice_best, best.containment_best)
        columns = _sample(self.m)
        tgt_nearest = np.full(len(columns), np.inf)
        for chunk in _chunks(self.n):
            tgt_nearest = np.minimum(tgt_nearest, self._mt_distances(*self._mt_similarities(chunk, columns)).min(axis=0))
        src_share = np.mean(src_nearest > _HALFWAY)
        tgt_share = np.mean(tgt_nearest > _HALFWAY)
        prior = self.w.share_prior_sentences
        share = (src_share * self.n + tgt_share * self.m + prior * self.w.unaligned_share) / (self.n + self.m + prior)
        share = min(share, 0.5)  # beyond half, the estimate says little about the rest

        def log_odds(p):
            return np.log((1.0 - p) / p)

        return float(self.w.skip + self.w.share_weight * (log_odds(share) - log_odds(self.w.unaligned_share)))

    def _document_length_sigma(self) -> float:
        """The spread of the length ratio among this document's own translations, where MT finds enough.

        Pairs: sampled source sentences whose best MT match (Dice) scores above a typical
        translation of this document. Their robust standard deviation (1.4826 x MAD) of the log
        length ratio, clipped to [_MIN_LENGTH_SIGMA, length_sigma]: the default has to cover loose
        translations; a close one (a de-fr book measures 0.26) lets length weigh more.
        """
        if not self.use_mt or min(self.n, self.m) == 0:
            return self.w.length_sigma
        best = self._best_matches()
        level, spread = self.calibrated("mt")
        confident = best.dice_best > level + spread
        if confident.sum() < _MIN_LENGTH_PAIRS:
            return self.w.length_sigma
        log_ratio = self._log_length_ratio(self.src.lengths[best.rows[confident]], self.tgt.lengths[best.dice_best_col[confident]])
        sigma = 1.4826 * float(np.median(np.abs(log_ratio - np.median(log_ratio))))
        return float(np.clip(sigma, _MIN_LENGTH_SIGMA, self.w.length_sigma))

    def _log_length_ratio(self, src_len: np.ndarray, tgt_len: np.ndarray) -> np.ndarray:
        """log(target chars / expected target chars), smoothed so that short lines do not dominate."""
        return np.log((tgt_len + 10.0) / (self.ratio * src_len + 10.0))

    def _mt_distances(self, dice: np.ndarray, containment: np.ndarray) -> np.ndarray:
        """The closer of the calibrated Dice and containment distances."""
        level, spread = self.calibrated("mt")
        part_level, part_spread = self.calibrated("mt_part")
        return np.minimum((level + spread - dice) / spread, (part_level + part_spread - containment) / part_spread)

    def pooled(self) -> PairScorer:
        return PairScorer(self.src.pooled(), self.tgt.pooled(), self.w, self.ratio, self.skip, self.length_sigma)

    def with_vectors(self, src: tuple[np.ndarray, np.ndarray, np.ndarray], tgt: tuple[np.ndarray, np.ndarray, np.ndarray]) -> PairScorer:
        """This scorer with sentence embeddings of some sentences added as a signal: per side
        (vectors, sentence ids, stretch of each); everything measured on the MT so far is kept."""
        scorer = PairScorer(self.src.with_vectors(*src), self.tgt.with_vectors(*tgt), self.w, self.ratio, self.skip, self.length_sigma,
                            boilerplate_pairs=self.boilerplate_pairs)
        scorer._calibration.update({k: v for k, v in self._calibration.items() if k != "embed"})
        scorer._idf, scorer._idf_totals, scorer._chance, scorer._best = self._idf, self._idf_totals, self._chance, self._best
        return scorer

    # -- signals -------------------------------------------------------------------------------
    def _embed_similarity(self, rows, cols, a, b):
        """Cosine of the two spans, with what summed span vectors add by chance taken out.

        Rescaled like `_dice_distance`: (cosine - chance) / (1 - chance) on the scale of the
        calibrated unrelated level, which stays the value of an unrelated pair of any shape.
        """
        level = self.calibrated("embed")[0]
        cosine, chance = np.empty(len(rows)), np.empty(len(rows))
        for k in range(0, len(rows), _EMBED_CELLS):  # cells x dimensions at a time, not the band's
            r, c = rows[k : k + _EMBED_CELLS], cols[k : k + _EMBED_CELLS]
            cosine[k : k + _EMBED_CELLS] = np.einsum("ij,ij->i", self.src.span_vectors(r - a, a), self.tgt.span_vectors(c - b, b))
            chance[k : k + _EMBED_CELLS] = level * self.src.chance_inflation(r - a, a) * self.tgt.chance_inflation(c - b, b)
        chance = np.minimum(chance, 0.99)
        return level + (cosine - chance) / (1.0 - chance) * (1.0 - level)

    def _span_overlap(self, name: str, rows: np.ndarray, cols: np.ndarray, a: int, b: int, idf: bool = False) -> np.ndarray:
        """Features shared by the union of source rows-a..rows-1 and that of target cols-b..cols-1.

        With `idf`, shared MT n-grams count by their IDF weight. Cells inside the current window
        read its table; others gather their spans' sets, a bounded number of cells at a time.
        """
        starts_r, starts_c = rows - a, cols - b
        if self._box is not None and len(rows):
            r0, r1, c0, c1 = self._box
            if starts_r.min() >= r0 and starts_r.max() < r1 and starts_c.min() >= c0 and starts_c.max() < c1:
                return span_overlaps(self._window_table(name, idf, a, b), starts_r - r0, a, starts_c - c0, b)
        weights = self._idf_weights() if idf else None
        out = np.zeros(len(rows), dtype=np.float32 if weights is None else np.float64)
        order = np.argsort(starts_r, kind="stable")
        for k in range(0, len(order), _GATHER_CELLS):
            pick = order[k : k + _GATHER_CELLS]
            src_starts, src_of = np.unique(starts_r[pick], return_inverse=True)  # cells share spans: build each once
            tgt_starts, tgt_of = np.unique(starts_c[pick], return_inverse=True)
            left = self.src.sets(name).unions(src_starts, a, weights)[src_of]
            right = self.tgt.sets(name).unions(tgt_starts, b)[tgt_of]
            out[pick] = np.asarray(left.multiply(right).sum(axis=1)).ravel()
        return out

    def _window_table(self, name: str, idf: bool, a: int, b: int) -> np.ndarray:
        """table[r, p, c, q]: features (IDF-weighted with `idf`) that source row r0+r and target row
        c0+c share, where the source's last occurrence is more than p rows back and the target's
        more than q: one sparse product of the window's sentence pairs split by gap.

        The union of a source span s..s+a-1 holds each feature once, at its first row there, the
        row s+p whose gap exceeds p; so the overlap of an a-span and a b-span is the sum over
        p < a, q < b of table[s+p, p, t+q, q], for every span size up to the window's. MT
        n-grams get both tables at once (`weighted_gap_tables`): Dice and containment read the same cells.
        """
        key = (name, idf)
        sizes = self._box_sizes
        if key in self._tables and (a > self._tables[key].shape[1] or b > self._tables[key].shape[3]):
            del self._tables[key]  # a whole-document table asked for larger spans than it was built for
        if key not in self._tables:
            r0, r1, c0, c1 = self._box
            ks, kt = max(sizes[0], a), max(sizes[1], b)
            self._box_sizes = ks, kt
            src_rows, tgt_rows = np.arange(r0, min(r1 + ks - 1, self.n)), np.arange(c0, min(c1 + kt - 1, self.m))
            if name == "grams":
                self._tables[(name, False)], self._tables[(name, True)] = weighted_gap_tables(
                    self.src.sets(name), src_rows, ks, self.tgt.sets(name), tgt_rows, kt, self._idf_weights())
            else:
                self._tables[key] = gap_table(self.src.sets(name), src_rows, ks, self.tgt.sets(name), tgt_rows, kt)
        return self._tables[key]

    def _dice(self, name, rows, cols, a, b):
        """Dice of the two spans' feature sets, and their total size."""
        src_count, tgt_count = self.src.span_counts(name, a)[rows - a], self.tgt.span_counts(name, b)[cols - b]
        count = src_count + tgt_count
        both = (src_count > 0) & (tgt_count > 0)  # anchors: most sentences have none, and then nothing is shared
        if both.all():
            shared = self._span_overlap(name, rows, cols, a, b)
        else:
            shared = np.zeros(len(rows), dtype=np.float32)
            shared[both] = self._span_overlap(name, rows[both], cols[both], a, b)
        return 2.0 * shared / np.maximum(count, 1.0), count

    def _idf_weights(self) -> np.ndarray:
        """IDF of each MT n-gram over both sides' rows, for containment (see _containment)."""
        if self._idf is None:
            df = (self.src.sets("grams").document_frequency() + self.tgt.sets("grams").document_frequency()).astype(np.float32)
            self._idf = np.log((self.n + self.m) / np.maximum(df, 1.0)).astype(np.float64)
        return self._idf

    def _idf_span_totals(self, side: str, size: int) -> np.ndarray:
        """IDF weight of all MT n-grams of each run of `size` rows of side "src" or "tgt"."""
        key = (side, size)
        if key not in self._idf_totals:  # every size the DP announced at once: one pass over the rows
            sizes = max(size, self._dp_sizes[0 if side == "src" else 1])
            for k, totals in enumerate(getattr(self, side).sets("grams").union_sizes_upto(sizes, self._idf_weights()), 1):
                self._idf_totals.setdefault((side, k), totals)
        return self._idf_totals[key]

    def _containment(self, rows, cols, a, b):
        """IDF-weighted share of the smaller span's MT n-grams that the other span has.

        Judges one part of a merge against the whole other side: a fragment translated there is
        contained in it, although its Dice with the much larger side stays low. IDF weighting
        keeps frequent n-grams ("the", " in") from making an unrelated short sentence look contained.
        """
        src_total, tgt_total = self._idf_span_totals("src", a), self._idf_span_totals("tgt", b)
        shared = self._span_overlap("grams", rows, cols, a, b, idf=True)
        return shared / np.maximum(np.minimum(src_total[rows - a], tgt_total[cols - b]), 1e-9)

    # -- costs ---------------------------------------------------------------------------------
    def bead_costs(self, rows: np.ndarray, cols: np.ndarray, a: int, b: int) -> np.ndarray:
        if b == 0:
            return self.skip * self.src.skip_scale[rows - 1]
        if a == 0:
            return self.skip * self.tgt.skip_scale[cols - 1]
        per_sentence = self._semantic(rows, cols, a, b)
        if per_sentence is not None and a + b > 2:
            # Every part of a merge must match the other side too; otherwise a strong pair would
            # swallow a neighbouring byline more cheaply than leaving it unaligned.
            parts = [self._semantic(rows - a + p + 1, cols, 1, b, part=True) for p in range(a) if a > 1]
            parts += [self._semantic(rows, cols - b + q + 1, a, 1, part=True) for q in range(b) if b > 1]
            per_sentence = np.maximum(per_sentence, np.max(parts, axis=0) - self.w.part_slack)
        # Better than typical earns little: otherwise a very good pair pays for absorbing neighbours.
        per_sentence = 0.0 if per_sentence is None else np.maximum(per_sentence, -self.w.floor)
        src_len = span_sum(self.src.cum_lengths, rows - a, a)
        tgt_len = span_sum(self.tgt.cum_lengths, cols - b, b)
        log_ratio = self._log_length_ratio(src_len, tgt_len)
        per_sentence = per_sentence + self.w.length * (log_ratio / self.length_sigma) ** 2 / 2.0
        cost = (a + b) * per_sentence + self.w.merge * (a + b - 2)
        if self.use_anchors:
            cost = cost + self.w.anchors * self._anchor_term(rows, cols, a, b)
        if a == b == 1 and self.boilerplate_pairs is not None:
            cost = self.boilerplate_pairs.price(cost, rows, cols)
        return cost

    def _semantic(self, rows, cols, a, b, part: bool = False) -> np.ndarray | None:
        """Weighted mean of the calibrated MT and embedding distances, None without either signal.

        `part`: one sentence of a merge against the other side, where MT overlap is measured as
        containment, not Dice.
        """
        parts, weights = [], []
        if self.use_embed:
            level, spread = self.calibrated("embed")
            parts.append((level + spread - self._embed_similarity(rows, cols, a, b)) / spread)
            # Where only some sentences were embedded, a span with any other is judged without it.
            weights.append(self.w.embed * (self.src.all_embedded(rows - a, a) & self.tgt.all_embedded(cols - b, b)))
        if self.use_mt:
            if part:
                level, spread = self.calibrated("mt_part")
                similarity = self._containment(rows, cols, a, b)
                parts.append((level + spread - similarity) / spread)
            else:
                parts.append(self._dice_distance(self._dice("grams", rows, cols, a, b)[0], a, b))
            weights.append(self.w.mt)
        return sum(w * p for w, p in zip(weights, parts)) / sum(weights) if parts else None

    def _dice_distance(self, dice: np.ndarray, a: int, b: int) -> np.ndarray:
        """Calibrated MT distance of an a-b bead, with the chance overlap of its shape taken out.

        Two unrelated spans share more n-grams the larger they are (on Text+Berg the median
        unrelated Dice is 0.08 for 1-1, 0.16 for 2-2, 0.20 for 3-3, while true beads of every
        shape score ~0.5). Judged on the 1-1 scale, a 2-2 bead earns that chance overlap as if
        it were evidence, and two true 1-1 pairs merge. So Dice is rescaled to agreement beyond
        chance, (Dice - chance) / (1 - chance), and compared with a typical 1-1 translation on
        that scale; for 1-1 beads this is the plain calibrated distance.
        """
        level, spread = self.calibrated("mt")
        chance = self._chance_dice(a, b)
        return 1.0 - (dice - chance) / (1.0 - chance) * (1.0 - level) / spread

    def _chance_dice(self, a: int, b: int) -> float:
        """Median MT Dice of unrelated a-b spans, measured like the 1-1 level (sampled spans against all).

        Documents too small to measure it scale the 1-1 level by (2ab / (a + b)) ** mt_chance_power,
        the growth of random-set Dice with set sizes, damped as measured on FLORES.
        """
        level = self.calibrated("mt")[0]
        if not self._chance_measurable(a, b):
            return min(level * (2.0 * a * b / (a + b)) ** self.w.mt_chance_power, 0.99)
        if (a, b) == (1, 1):
            return level
        if (a, b) not in self._chance:
            # Every shape of the DP's bead set at once (`dp.bead_types` for the spans it announced):
            # one product serves them all (`_chance_matrices`).
            sizes = max(a, self._dp_sizes[0]), max(b, self._dp_sizes[1])
            shapes = {(a, b)} | {(x, y) for x, y in bead_types(max(sizes)) if 1 <= x <= sizes[0] and 1 <= y <= sizes[1]}
            shapes = sorted(s for s in shapes if s != (1, 1) and s not in self._chance and self._chance_measurable(*s))
            for shape, dice in self._chance_matrices(shapes):
                self._chance[shape] = min(max(float(np.median(dice, overwrite_input=True)), level), 0.99)  # dice is ours
        return self._chance[(a, b)]

    def _chance_measurable(self, a: int, b: int) -> bool:
        """Whether the document has enough a-spans and b-spans for the median to outvote true pairs."""
        spans = self.n - a + 1, self.m - b + 1
        return min(spans) >= 4 and spans[0] * spans[1] >= _MIN_PAIRS_FOR_LEVEL

    def _chance_matrices(self, shapes: list[tuple[int, int]]) -> Iterator[tuple[tuple[int, int], np.ndarray]]:
        """Each shape and its MT Dice of sampled source a-spans against target b-spans (`_chance_dice`).

        Where every target span is read, the sampled spans of every size, as unions, against the
        targets split by gap (`feature_sets.union_gap_tables`) serve all shapes from one product
        per block of targets: a shape alone costs a product again. Sampled columns (long
        documents) go shape by shape. A whole-document table the DP built (small documents, coarse
        levels) already holds every pair: shapes it serves are read from it.
        """
        table = self._tables.get(("grams", False)) if self._full else None
        if table is not None:  # a whole-document table holds every pair already
            for a, b in [s for s in shapes if s[0] <= table.shape[1] and s[1] <= table.shape[3]]:
                starts, cols = _sample(self.n - a + 1), np.arange(self.m - b + 1)
                yield (a, b), self._dice_from(span_overlaps(table, starts[:, None], a, cols[None, :], b), starts, a, cols, b)
            shapes = [s for s in shapes if s[0] > table.shape[1] or s[1] > table.shape[3]]
            if not shapes:
                return
        columns = {b: _calibration_columns(self.m - b + 1) for _, b in shapes}
        if any(len(cols) < self.m - b + 1 for b, cols in columns.items()):
            for a, b in shapes:
                yield (a, b), self._dice_matrix(_sample(self.n - a + 1), a, b, columns[b])
            return
        sizes = sorted({a for a, _ in shapes})
        kt = max(b for _, b in shapes)
        starts = {a: _sample(self.n - a + 1) for a in sizes}
        first_row = dict(zip(sizes, np.cumsum([0] + [len(starts[a]) for a in sizes]).tolist()))
        unions = [self.src.sets("grams").unions(starts[a], a) for a in sizes]
        count = sum(len(starts[a]) for a in sizes)
        shared = {(a, b): np.empty((len(starts[a]), self.m - b + 1), dtype=np.float32) for a, b in shapes}
        targets = self.tgt.sets("grams")
        per_target = max(len(targets.indices) / max(len(targets), 1), 1.0)  # blocks of coarse levels hold thousands
        step = max(min(_CHANCE_TABLE_CELLS // (count * kt), int(_CHANCE_TARGET_FEATURES / (per_target * kt))), 1)
        for first, table in union_gap_tables(unions, targets, kt, step):
            for a, b in shapes:
                stop = min(first + step, self.m - b + 1) - first
                if stop > 0:
                    rows = table[first_row[a] : first_row[a] + len(starts[a])]
                    shared[(a, b)][:, first : first + stop] = sum(rows[:, q : q + stop, q] for q in range(b))
        for a, b in shapes:
            counts = self.src.span_counts("grams", a)[starts[a]][:, None] + self.tgt.span_counts("grams", b)[None, :]
            yield (a, b), 2.0 * shared[(a, b)] / np.maximum(counts, 1.0)

    def _anchor_term(self, rows, cols, a, b):
        """+1 when the anchors of the two sides disagree completely, -1 when they all match, 0 if none."""
        dice, count = self._dice("anchors", rows, cols, a, b)
        return np.where(count > 0, 1.0 - 2.0 * dice, 0.0)
