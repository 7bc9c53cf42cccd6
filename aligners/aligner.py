"""`align()`: the one entry point QA, corpus building and the CLI share.

It chooses the signals the caller can afford (MT lines, an embedding model, or neither), builds
per-side features, runs the banded DP and turns the path into beads with a confidence each.
"""

from __future__ import annotations

import numpy as np

from aligners.anchors import sentence_anchors
from aligners.beads import Bead, beads_from_path
from aligners.boilerplate_pairs import BoilerplatePairs
from aligners.defaults import DEFAULT_EMBED_SCOPE, DEFAULT_MAX_MERGE, E5, EMBED_SCOPES, NO_EMBED, WHERE_NEEDED
from aligners.dp import DEFAULT_RADIUS, align_path, bead_types, band_between_anchors, band_dp
from aligners.embeddings import embed as embed_texts
from aligners.embeddings import span_embeddings
from aligners.feature_sets import only_shared, shared_set_rows
from aligners.signals import PairScorer, Side, Weights, ngram_set_rows
from aligners.unsure import WEAK_MT_SPREAD, changed_steps, holding_steps, unsure_steps
from mt.io.errors import DariError
from mt.io.memory import release_freed_memory
from mt.text.article import Article
from mt.text.boilerplate import boilerplate_kind
from mt.text.script import has_word

BOILERPLATE_SKIP = 0.25  # bylines, credits and notices cost a quarter as much to leave unaligned
# 1-1 beads at least this confident pin the second pass (0.5 = as costly as leaving both out)
ANCHOR_CONFIDENCE = 0.7
# Embedding every sentence (no MT, or --embed-scope all) keeps ~5 KB a sentence (vectors, their
# running sums, merged spans); beyond this many a side that is refused rather than exhausting memory.
MAX_EMBEDDED_SENTENCES = 100_000
MT_FIT_RATIO = 2.0  # an MT line over twice or under half its usual share of its source's length does not fit it


def default_weights(has_mt: bool, has_embed: bool) -> Weights:
    """Weights tuned on the FLORES news benchmark: dev split, except MT (only devtest has real MT)."""
    if has_mt:
        return Weights(length=0.05, anchors=0.3, skip=1.0, merge=0.5)
    if has_embed:
        return Weights(length=0.05, anchors=0.3, skip=0.6, merge=0.5)
    return Weights(length=1.0, anchors=0.5, skip=0.8, merge=0.6)


def _kinds(sentences: list[str], lang: str, kinds: list[str | None] | None) -> list[str | None]:
    """The caller's boilerplate kinds (judged in their paragraphs); without them each sentence is judged alone."""
    if kinds is None:
        return [boilerplate_kind(s, lang) for s in sentences]
    if len(kinds) != len(sentences):
        raise ValueError(f"{len(kinds)} boilerplate kinds for {len(sentences)} sentences")
    return kinds


def _skip_scale(sentences: list[str], kinds: list[str | None]) -> np.ndarray:
    """Boilerplate, and debris without a single word (scanned page furniture such as `.....`,
    `- _-`, `* * *`), cost a quarter as much to leave unaligned: absorbed into a merge they only
    blur its boundary."""
    return np.array([BOILERPLATE_SKIP if kind or not has_word(s) else 1.0 for s, kind in zip(sentences, kinds)])


def build_scorer(
    src: list[str],
    tgt: list[str],
    mt: list[str] | None,
    embed: str,
    max_merge: int,
    src_lang: str,
    tgt_lang: str,
    weights: Weights | None,
    anchors: bool = True,
    encode_spans: bool = False,
    src_kinds: list[str | None] | None = None,
    tgt_kinds: list[str | None] | None = None,
) -> PairScorer:
    if mt is not None and len(mt) != len(src):
        raise ValueError(f"mt has {len(mt)} lines but src has {len(src)}: they must be line-aligned")
    has_embed = embed != NO_EMBED
    weights = weights or default_weights(mt is not None, has_embed)
    src_kinds, tgt_kinds = _kinds(src, src_lang, src_kinds), _kinds(tgt, tgt_lang, tgt_kinds)
    src_features: dict = {"lengths": np.array([len(s) for s in src], dtype=np.float64), "skip_scale": _skip_scale(src, src_kinds)}
    tgt_features: dict = {"lengths": np.array([len(t) for t in tgt], dtype=np.float64), "skip_scale": _skip_scale(tgt, tgt_kinds)}
    if has_embed and src and tgt:
        if max(len(src), len(tgt)) > MAX_EMBEDDED_SENTENCES:
            raise DariError(
                f"embedding every one of {len(src)} x {len(tgt)} sentences would not fit in memory (at most "
                f"{MAX_EMBEDDED_SENTENCES:,} a side): give the MT of the source, or --embed none"
            )
        span_sizes = max_merge if encode_spans else 1  # see Side: other spans sum sentence vectors
        src_features["spans"] = span_embeddings(src, span_sizes, embed)
        tgt_features["spans"] = span_embeddings(tgt, span_sizes, embed)
        src_features["vectors"], tgt_features["vectors"] = src_features["spans"][1], tgt_features["spans"][1]
    if mt is not None and src and tgt:
        src_features["grams"], tgt_features["grams"] = ngram_set_rows(mt, tgt)
    if anchors and src and tgt:
        src_features["anchors"], tgt_features["anchors"] = only_shared(*shared_set_rows(sentence_anchors(src, src_lang), sentence_anchors(tgt, tgt_lang)))
    pairs = BoilerplatePairs(src, tgt, src_kinds, tgt_kinds)
    return PairScorer(Side(**src_features), Side(**tgt_features), weights, boilerplate_pairs=pairs)


def align(
    src: list[str],
    tgt: list[str],
    mt: list[str] | None = None,
    embed: str = E5,
    max_merge: int = DEFAULT_MAX_MERGE,
    src_lang: str = "ko",
    tgt_lang: str = "en",
    weights: Weights | None = None,
    anchors: bool = True,
    radius: int = DEFAULT_RADIUS,
    repair: bool = False,
    gap_merge: int | None = None,
    encode_spans: bool | None = None,
    src_kinds: list[str | None] | None = None,
    tgt_kinds: list[str | None] | None = None,
    embed_scope: str = DEFAULT_EMBED_SCOPE,
) -> list[Bead]:
    """Align sentence lists; every sentence appears in exactly one bead, unaligned ones alone.

    `mt` is `src` machine-translated into tgt's language, line by line; `embed` is "e5", "none" or
    a sentence-transformers model name. Bead scores are confidences in [0, 1]. `repair` re-checks
    the beads against the MT (`aligners.repair`), keeping boilerplate alone; it needs `mt`.
    `gap_merge` > max_merge: a second pass re-aligns the stretches between confident 1-1 beads
    with beads of up to gap_merge sentences a side (a + b ≤ gap_merge + 1), so large beads cost
    DP time only where the first pass was unsure; default max_merge + 1 where merges are
    allowed at all (max_merge 1 keeps 1-1 only), 0 turns the pass off. `encode_spans` embeds
    every run of up to max_merge sentences as joined text (Vecalign, Bertalign) instead of
    combining sentence vectors (`signals.Side`), at ~3x the encoder calls. Default: only without
    MT, where the embedding alone decides merges and the combination costs accuracy
    (docs/benchmarks.md). `src_kinds`/`tgt_kinds`: boilerplate kind (or None) per sentence, as
    the caller's `Article` judged them; without them each sentence is judged alone.
    `embed_scope` "needed": with MT, sentences are embedded only in the stretches the MT leaves
    unsure (`aligners.unsure`), which are then aligned again with the embedding added; "all":
    everywhere, as without MT.
    """
    if repair and mt is None:
        raise ValueError("repair re-checks beads against the MT: pass mt")
    if embed_scope not in EMBED_SCOPES:
        raise ValueError(f"embed_scope must be one of {', '.join(EMBED_SCOPES)}, not {embed_scope!r}")
    try:
        scorer, path = _align_path(src, tgt, mt, embed, max_merge, src_lang, tgt_lang, weights, anchors, radius, gap_merge,
                                   encode_spans, embed_scope, src_kinds, tgt_kinds)
        scores = bead_scores(scorer, path, radius)
    except MemoryError:
        raise DariError(f"ran out of memory aligning {len(src)} x {len(tgt)} sentences; split the input into smaller documents") from None
    beads = beads_from_path(path, [round(float(score), 4) for score in scores])
    if repair:
        from aligners.repair import repair as repair_beads

        # boilerplate is exactly where build_scorer lowered the skip cost
        fixed_src, fixed_tgt = (side.skip_scale < 1.0 for side in (scorer.src, scorer.tgt))
        beads = repair_beads(beads, mt, tgt, fixed_src=fixed_src.tolist(), fixed_tgt=fixed_tgt.tolist())
    del scorer  # its feature sets: most of what a long document took, now free for the caller's next stage
    release_freed_memory(len(src) + len(tgt))
    return beads


def _align_path(src, tgt, mt, embed, max_merge, src_lang, tgt_lang, weights, anchors, radius, gap_merge, encode_spans,
                embed_scope, src_kinds, tgt_kinds) -> tuple[PairScorer, list]:
    """The DP passes of `align`: the scorer that judged the final path, and that path."""
    selective = mt is not None and embed != NO_EMBED and embed_scope == WHERE_NEEDED
    if encode_spans is None:
        encode_spans = mt is None
    scorer = build_scorer(src, tgt, mt, NO_EMBED if selective else embed, max_merge, src_lang, tgt_lang, weights, anchors,
                          encode_spans, src_kinds, tgt_kinds)
    types = bead_types(max_merge)
    if gap_merge is None:
        gap_merge = max_merge + 1 if max_merge > 1 else max_merge
    gap_types = bead_types(gap_merge) if gap_merge > max_merge else None
    if gap_types:
        scorer.expect_spans((gap_merge, gap_merge))
    first = path = align_path(scorer, types, radius)
    if gap_types:
        path = _between_confident(scorer, path, gap_types, radius)
    if selective and src and tgt:
        changed = changed_steps(path, first)
        del first
        release_freed_memory(len(src) + len(tgt))  # the passes' window tables, before the encoder and the new band
        scorer, path = _embed_where_unsure(scorer, changed, path, types, gap_types, radius, src, tgt, mt, embed)
    return scorer, path


def _between_confident(scorer: PairScorer, path: list, types: list, radius: int, pinned: np.ndarray | None = None) -> list:
    """The second pass: `path` aligned again with the larger bead set `types`, only in the stretches
    between its confident 1-1 beads (and the `pinned` steps)."""
    anchored = np.zeros(len(path), dtype=bool) if pinned is None else pinned.copy()
    free = np.flatnonzero(~anchored)
    anchored[free] = _confident_ones(scorer, path, free, radius)
    band = band_between_anchors(path, anchored, scorer.n, scorer.m)
    return band_dp(band, scorer.n, scorer.m, types, scorer.bead_costs, scorer.window)


def _confident_ones(scorer: PairScorer, path: list, steps: np.ndarray, radius: int) -> np.ndarray:
    """Per step of `steps` (indices into `path`): whether it is a 1-1 bead at least ANCHOR_CONFIDENCE sure."""
    out = np.zeros(len(steps), dtype=bool)
    ones = np.flatnonzero([path[k][0] == (1, 1) for k in steps])
    if len(ones):
        out[ones] = bead_scores(scorer, [path[k] for k in steps[ones]], radius) >= ANCHOR_CONFIDENCE
    return out


def _unfitted_mt(src: list[str], mt: list[str]) -> np.ndarray:
    """Source sentences whose MT is blank or out of proportion with them (log length ratio more than
    MT_FIT_RATIO from the document's median): the MT of another split of the text, not theirs."""
    ratio = np.log((np.array([len(t) for t in mt]) + 10.0) / (np.array([len(s) for s in src]) + 10.0))
    return (np.array([not t.strip() for t in mt])) | (np.abs(ratio - np.median(ratio)) > np.log(MT_FIT_RATIO))


def _unsettled(scorer: PairScorer, path: list, unfitted: np.ndarray, radius: int) -> np.ndarray:
    """`unfitted` less the sentences the path still pairs 1-1 with confidence (ANCHOR_CONFIDENCE).

    The fit test reads lengths only: a source that glosses names in parentheses, or an MT that
    drops a clause, is out of proportion and yet matches its target well. Embedding around such
    a pair cost most of the embedding on the news benchmark and never moved a bead there.
    """
    ids = np.flatnonzero(unfitted)
    if not len(ids):
        return unfitted
    settled = _confident_ones(scorer, path, holding_steps(path, ids), radius)
    out = unfitted.copy()
    out[ids[settled]] = False
    return out


def _embed_where_unsure(scorer: PairScorer, changed: np.ndarray, path: list, types: list, gap_types: list | None, radius: int,
                        src: list[str], tgt: list[str], mt: list[str], model: str) -> tuple[PairScorer, list]:
    """Embed the sentences of the steps the MT leaves unsure and align those stretches again with
    the embedding added, in the two passes of the whole document (`types`, then `gap_types`
    between confident 1-1 beads); elsewhere the MT's beads stay. Returns the scorer that judged them.
    `changed` marks the steps of `path` that the MT's second pass made (`unsure.changed_steps`).

    The second pass keeps beads larger than `types` to where the embedding is unsure too, as
    everywhere else: a stretch can be long (a left-out passage and the beads beside it), and where
    a book translation makes leaving sentences out costly, one large bead would otherwise absorb a
    left-out caption that shares a name or number with a sentence next to it.
    """
    weak_mt = scorer.calibrated("mt")[1] < WEAK_MT_SPREAD
    unsure = unsure_steps(path, changed, _unsettled(scorer, path, _unfitted_mt(src, mt), radius), weak_mt, scorer.bead_costs)
    if not unsure.any():
        return scorer, path
    stretch = np.cumsum(unsure & ~np.concatenate([[False], unsure[:-1]]))  # runs of unsure steps, numbered
    src_of = {i: stretch[k] for k in np.flatnonzero(unsure) for i in range(path[k][1] - path[k][0][0], path[k][1])}
    tgt_of = {j: stretch[k] for k in np.flatnonzero(unsure) for j in range(path[k][2] - path[k][0][1], path[k][2])}
    if not (src_of and tgt_of):  # nothing to compare: a one-sided stretch stays as the MT put it
        return scorer, path
    src_ids, tgt_ids = np.array(sorted(src_of)), np.array(sorted(tgt_of))
    combined = scorer.with_vectors(
        (embed_texts([src[i] for i in src_ids], model), src_ids, np.array([src_of[i] for i in src_ids])),
        (embed_texts([tgt[j] for j in tgt_ids], model), tgt_ids, np.array([tgt_of[j] for j in tgt_ids])),
    )
    band = band_between_anchors(path, ~unsure, scorer.n, scorer.m)
    again = band_dp(band, scorer.n, scorer.m, types, combined.bead_costs, combined.window)
    if gap_types:
        sure = {step for step, doubt in zip(path, unsure) if not doubt}
        again = _between_confident(combined, again, gap_types, radius, np.array([step in sure for step in again], dtype=bool))
    return combined, again


def bead_scores(scorer: PairScorer, path: list, radius: int) -> np.ndarray:
    """Confidence: 0.5 where a bead costs as much as skipping its sentences, 1 when it costs nothing.

    A one-sided bead is judged by its best alternative: the cheapest 1-1 pairing of the sentence
    with a neighbour within `radius`. Costs are computed per bead shape in one vectorised call.
    """
    skip = scorer.skip
    scores = np.zeros(len(path))
    by_shape: dict[tuple[int, int], list[int]] = {}
    for k, (shape, _, _) in enumerate(path):
        by_shape.setdefault(shape, []).append(k)
    offsets = np.arange(-radius, radius + 1)
    for (a, b), ks in by_shape.items():
        ends = np.array([path[k][1:] for k in ks])
        if a and b:
            cost = scorer.bead_costs(ends[:, 0], ends[:, 1], a, b) / (a + b)
            scores[ks] = 1.0 - cost / (2.0 * skip)
            continue
        if a:  # source sentence i-1 against targets j-1+offset
            rows = np.repeat(ends[:, 0], len(offsets))
            cols = (ends[:, 1][:, None] + offsets).ravel()
        else:
            rows = (ends[:, 0][:, None] + offsets).ravel()
            cols = np.repeat(ends[:, 1], len(offsets))
        valid = (rows >= 1) & (rows <= scorer.n) & (cols >= 1) & (cols <= scorer.m)
        costs = np.full(len(rows), np.inf)
        costs[valid] = scorer.bead_costs(rows[valid], cols[valid], 1, 1)
        scores[ks] = costs.reshape(len(ks), len(offsets)).min(axis=1) / 2.0 / (2.0 * skip)
    return np.clip(scores, 0.0, 1.0)


def align_articles(src: Article, tgt: Article, mt: list[str] | None = None, **options) -> list[Bead]:
    """`align` for two `Article`s: their units, languages and boilerplate kinds; bead ids are unit
    indices (`Article.expand` turns them into sentence ids)."""
    return align(src.sentences, tgt.sentences, mt=mt, src_lang=src.lang, tgt_lang=tgt.lang,
                 src_kinds=list(src.boilerplate), tgt_kinds=list(tgt.boilerplate), **options)
