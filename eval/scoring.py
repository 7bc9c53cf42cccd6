"""Corpus, segment and paired scores through sacrebleu's own metric objects.

Scores are only comparable across papers when they come with sacrebleu's signature, so every number
here is computed by sacrebleu itself with the same defaults as its command line (13a tokenisation,
chrF2 with 6 character n-grams, lines stripped on the right) and carries the signature sacrebleu
prints. What sacrebleu's CLI lacks, and this module adds, is per-segment scores for several metrics
at once, bootstrap intervals for several systems at once, and plain dataclasses instead of text.
"""

from __future__ import annotations

from dataclasses import dataclass, field

METRICS = ("bleu", "chrf", "chrf++", "ter")
PAIRED_TESTS = ("bs", "ar")
DEFAULT_BOOTSTRAP = 1000  # sacrebleu's --confidence-n and --paired-bs-n
DEFAULT_AR_TRIALS = 10000  # sacrebleu's --paired-ar-n
SCORE_CHUNK = 1000  # segments whose reference n-grams are held at once by a corpus score


@dataclass
class CorpusScore:
    """One metric on one system; `line` is exactly what `sacrebleu` prints for it in text mode."""

    metric: str
    name: str
    score: float
    signature: str
    line: str
    verbose: str = ""
    ci_mean: float | None = None
    ci_halfwidth: float | None = None
    p_value: float | None = None


@dataclass
class SystemScores:
    system: str
    corpus: list[CorpusScore]
    segments: list[dict[str, float]] = field(default_factory=list)


def make_metric(name: str, references: list[str] | None = None, *, sentence: bool = False):
    """A sacrebleu metric configured like `sacrebleu -m <name>`; `sentence` turns on BLEU's effective order as `-sl` does."""
    from sacrebleu.metrics import BLEU, CHRF, TER

    refs = None if references is None else [references]
    if name == "bleu":
        return BLEU(references=refs, effective_order=sentence)
    if name == "chrf":
        return CHRF(references=refs)
    if name == "chrf++":
        return CHRF(word_order=2, references=refs)
    if name == "ter":
        return TER(references=refs)
    raise ValueError(f"unknown metric {name!r}; choose from {', '.join(METRICS)}")


def strip_lines(lines: list[str]) -> list[str]:
    """sacrebleu's CLI strips trailing whitespace of every line; do the same so scores match it."""
    return [line.rstrip() for line in lines]


def _chunked_score(metric, hypotheses: list[str], references: list[str]):
    """sacrebleu's corpus score from statistics gathered SCORE_CHUNK segments at a time.

    `corpus_score` first extracts every reference's n-grams (chrF's take ~30 KB a segment: a
    200,000-line article would need gigabytes); the per-segment statistics it then sums are a few
    numbers each, so summing them chunk by chunk gives the same score in bounded memory. The running
    total is summed first in each chunk, which adds the segments in sacrebleu's order: the same
    float sums (TER), not only the same integer ones.
    """
    from sacrebleu.utils import sum_of_lists

    total: list = []
    for start in range(0, len(hypotheses), SCORE_CHUNK):
        stop = start + SCORE_CHUNK
        total = [sum_of_lists(total + metric._extract_corpus_statistics(hypotheses[start:stop], [references[start:stop]]))]
    return metric._aggregate_and_compute(total)


def _corpus_score(metric_name: str, metric, hypotheses: list[str], n_bootstrap: int, width: int,
                  references: list[str] | None = None) -> CorpusScore:
    if references is None:
        score = metric.corpus_score(hypotheses, None, n_bootstrap=n_bootstrap)
    else:
        score = _chunked_score(metric, hypotheses, references)
    signature = metric.get_signature().format()
    has_ci = n_bootstrap > 1
    return CorpusScore(
        metric=metric_name,
        name=score.name,
        score=score.score,
        signature=signature,
        line=score.format(width, False, signature),
        verbose=getattr(score, "_verbose", "") or "",
        ci_mean=float(score._mean) if has_ci else None,
        ci_halfwidth=float(score._ci) if has_ci else None,
    )


def corpus_scores(
    hypotheses: list[str], references: list[str], metrics: list[str], *, n_bootstrap: int = 1, width: int = 1
) -> list[CorpusScore]:
    """Corpus scores in sacrebleu's order (metric names sorted); `n_bootstrap` > 1 adds 95% intervals."""
    _check_lengths(hypotheses, references)
    names = sorted(metrics, key=lambda m: m.upper())
    if n_bootstrap > 1:  # resampling needs every segment's statistics from the one cached reference set
        return [_corpus_score(name, make_metric(name, references), hypotheses, n_bootstrap, width) for name in names]
    return [_corpus_score(name, make_metric(name), hypotheses, 1, width, references) for name in names]


def segment_scores(hypotheses: list[str], references: list[str], metrics: list[str]) -> list[dict[str, float]]:
    """Per-line scores of every metric, as `sacrebleu -sl` computes them one metric at a time."""
    columns = segment_score_columns(hypotheses, references, metrics)
    return [dict(zip(columns, values)) for values in zip(*columns.values())]


def segment_score_columns(hypotheses: list[str], references: list[str], metrics: list[str]) -> dict[str, list[float]]:
    """`segment_scores` as one list per metric: a dict per line costs ~280 bytes (56 MB for a
    200,000-line article's QA)."""
    _check_lengths(hypotheses, references)
    scorers = {name: make_metric(name, sentence=True) for name in metrics}
    return {name: [scorer.sentence_score(hyp, [ref]).score for hyp, ref in zip(hypotheses, references)] for name, scorer in scorers.items()}


def paired_test(
    systems: list[tuple[str, list[str]]],
    references: list[str],
    metrics: list[str],
    *,
    test: str = "bs",
    n_samples: int | None = None,
    width: int = 1,
) -> list[SystemScores]:
    """sacrebleu's paired bootstrap or approximate randomisation; the first system is the baseline."""
    from sacrebleu.significance import PairedTest

    if test not in PAIRED_TESTS:
        raise ValueError(f"unknown paired test {test!r}; choose from {', '.join(PAIRED_TESTS)}")
    if len(systems) < 2:
        raise ValueError("a paired test needs at least two systems (the first is the baseline)")
    for _, hypotheses in systems:
        _check_lengths(hypotheses, references)
    names = sorted(metrics, key=lambda m: m.upper())
    objects = {name.upper(): make_metric(name, references) for name in names}
    if n_samples is None:
        n_samples = DEFAULT_BOOTSTRAP if test == "bs" else DEFAULT_AR_TRIALS
    tester = PairedTest(list(systems), objects, references=None, test_type=test, n_samples=n_samples)
    signatures, table = tester()
    out = []
    for index, (system, _) in enumerate(systems):
        rows = []
        for name in names:
            result = table[_display_name(name)][index]
            signature = signatures[_display_name(name)].format()
            score_text = f"{result.score:.{width}f}"
            if result.mean is not None:
                score_text += f" (μ = {result.mean:.{width}f} ± {result.ci:.{width}f})"
            if result.p_value is not None:
                score_text += f" (p = {result.p_value:.4f})"
            rows.append(
                CorpusScore(
                    metric=name,
                    name=_display_name(name),
                    score=float(result.score),
                    signature=signature,
                    line=f"{_display_name(name)}|{signature} = {score_text}",
                    ci_mean=_plain(result.mean),
                    ci_halfwidth=_plain(result.ci),
                    p_value=_plain(result.p_value),
                )
            )
        out.append(SystemScores(system=system, corpus=rows))
    return out


def _plain(value) -> float | None:
    """sacrebleu's paired test returns numpy scalars, which JSON cannot hold."""
    return None if value is None else float(value)


def _display_name(metric: str) -> str:
    """The score name sacrebleu gives each metric, which keys its paired-test tables."""
    return {"bleu": "BLEU", "chrf": "chrF2", "chrf++": "chrF2++", "ter": "TER"}[metric]


def _check_lengths(hypotheses: list[str], references: list[str]) -> None:
    if len(hypotheses) != len(references):
        raise ValueError(f"{len(hypotheses)} hypothesis lines but {len(references)} reference lines")

