"""`dari qa`: segment → translate → align → check, one article pair or a batch.

The stages meet in plain data: sentence lists and boilerplate kinds per side (`Side`), the MT of
each Korean sentence, the aligner's beads, and finally one `BeadReport` per bead. `check_document`
is the pure core that the CLI, the tests and the benchmark all call with sentence lists.
"""

from __future__ import annotations

import platform
from dataclasses import dataclass, field
from collections.abc import Callable

from aligners.beads import Bead, joined
from aligners.embed_scope import WHERE_NEEDED
from aligners.repair import repair
from eval.checks import BeadText, check_bead, check_similarity, count_flags, low_similarity_threshold
from eval.scoring import CorpusScore, corpus_scores, segment_scores
from mt.io.errors import DariError

SIMILARITY_METRICS = ("bleu", "chrf")


@dataclass
class Side:
    """One language of an article: its sentences and, per sentence, a boilerplate kind or None."""

    sentences: list[str]
    boilerplate: list[str | None]


@dataclass
class BeadReport:
    index: int
    src: list[int]
    tgt: list[int]
    kind: str
    align_score: float
    ko: str
    en: str
    mt: str
    chrf: float | None
    bleu: float | None
    boilerplate: str | None
    flags: list[str]
    notes: list[str]


@dataclass
class DocumentReport:
    name: str
    mt_source: str
    ko_sentences: int
    en_sentences: int
    scores: list[CorpusScore]
    low_similarity_threshold: float | None
    flag_counts: dict[str, int]
    boilerplate_beads: int
    beads: list[BeadReport]


@dataclass
class QAReport:
    documents: list[DocumentReport]
    flag_counts: dict[str, int]
    scores: list[CorpusScore]
    settings: dict = field(default_factory=dict)


def segment_side(text: str, lang: str) -> Side:
    """Sentences paragraph by paragraph, with boilerplate judged in its paragraph (captions span one)."""
    from mt.text.boilerplate import paragraph_kinds
    from mt.text.segment import split_paragraphs

    sentences, kinds = [], []
    for found in split_paragraphs(text, lang):
        sentences.extend(found)
        kinds.extend(paragraph_kinds(found, lang))
    return Side(sentences, kinds)


def sides_from_sentences(sentences: list[str], lang: str) -> Side:
    from mt.text.boilerplate import boilerplate_kind

    return Side(list(sentences), [boilerplate_kind(s, lang) for s in sentences])


def match_mt_lines(ko_text: str, ko: Side, mt_lines: list[str], mt_path: str) -> tuple[Side, list[str]]:
    """Fit an MT file to the Korean sentences.

    Accepted shapes: one line per Korean sentence (as `dari segment` prints them), or one line per
    Korean paragraph (a file translated line by line). A paragraph whose MT does not split into as
    many sentences as its Korean is kept whole on both sides, so MT and Korean stay line-aligned.
    """
    from mt.text.boilerplate import paragraph_kinds
    from mt.text.segment import paragraph_spans, sentence_spans

    lines = [line.strip() for line in mt_lines if line.strip()]
    if len(lines) == len(ko.sentences):
        return ko, lines
    paragraphs = [ko_text[s:e] for s, e in paragraph_spans(ko_text)]
    if len(lines) != len(paragraphs):
        raise DariError(
            f"has {len(lines)} non-empty lines; expected one per Korean sentence ({len(ko.sentences)}) "
            f"or one per Korean paragraph ({len(paragraphs)})",
            mt_path,
        )
    sentences, kinds, mt = [], [], []
    for paragraph, line in zip(paragraphs, lines):
        ko_parts = [paragraph[s:e] for s, e in sentence_spans(paragraph, "ko")]
        mt_parts = [line[s:e] for s, e in sentence_spans(line, "en")]
        if len(ko_parts) != len(mt_parts):
            ko_parts, mt_parts = [paragraph], [line]
        sentences.extend(ko_parts)
        kinds.extend(paragraph_kinds(ko_parts, "ko"))
        mt.extend(mt_parts)
    return Side(sentences, kinds), mt


def check_document(
    name: str,
    ko: Side,
    en: Side,
    mt: list[str],
    beads: list[Bead],
    *,
    mt_flags: list[list[str]] | None = None,
    mt_source: str = "",
    witness: str | None = None,
) -> DocumentReport:
    """Bead-local checks and similarity scores; `low_similarity` is added by `flag_low_similarity`.

    The aligner's beads are first re-examined with the MT (`aligners.repair`): sentences folded into
    a bead without support on the other side are split off and needless skips are undone, so that
    omissions and additions are what the MT confirms. With `witness` (an embedding model name), 1-1
    beads the MT does not confirm must also be mutual nearest neighbours in that embedding
    (`aligners.unconfirmed_pairs`), or they are an omission and an addition.
    """
    if len(mt) != len(ko.sentences):
        raise ValueError(f"{name}: {len(mt)} MT lines for {len(ko.sentences)} Korean sentences")
    mt_flags = mt_flags or [[] for _ in mt]
    aligned = {(tuple(b.src), tuple(b.tgt)) for b in beads}
    fixed_src, fixed_tgt = [k is not None for k in ko.boilerplate], [k is not None for k in en.boilerplate]
    beads = repair(beads, mt, en.sentences, fixed_src=fixed_src, fixed_tgt=fixed_tgt, src=ko.sentences, witness=witness)
    texts = [_bead_text(bead, ko, en, mt, mt_flags) for bead in beads]
    two_sided = [k for k, text in enumerate(texts) if text.mt and text.en]
    hyps, refs = [texts[k].mt for k in two_sided], [texts[k].en for k in two_sided]
    pair_scores = segment_scores(hyps, refs, list(SIMILARITY_METRICS))
    scores_of = dict(zip(two_sided, pair_scores))
    reports = []
    for index, (bead, text) in enumerate(zip(beads, texts)):
        flags, notes = check_bead(text)
        if (tuple(bead.src), tuple(bead.tgt)) not in aligned:
            notes.append("regrouped from the aligner's beads by the MT check")
        score = scores_of.get(index, {})
        reports.append(
            BeadReport(
                index=index, src=list(bead.src), tgt=list(bead.tgt), kind=bead.kind, align_score=float(bead.score),
                ko=text.ko, en=text.en, mt=text.mt, chrf=score.get("chrf"), bleu=score.get("bleu"),
                boilerplate=text.boilerplate, flags=flags, notes=notes,
            )
        )
    document_scores = corpus_scores(hyps, refs, list(SIMILARITY_METRICS)) if two_sided else []
    return DocumentReport(
        name=name, mt_source=mt_source, ko_sentences=len(ko.sentences), en_sentences=len(en.sentences),
        scores=document_scores, low_similarity_threshold=None, flag_counts=count_flags([r.flags for r in reports]),
        boilerplate_beads=sum(r.boilerplate is not None for r in reports), beads=reports,
    )


def flag_low_similarity(documents: list[DocumentReport]) -> None:
    """Judge each bead's chrF against its own document, or against the batch for short documents."""
    pooled = [b.chrf for d in documents for b in d.beads if b.chrf is not None and b.boilerplate is None]
    for document in documents:
        own = [b.chrf for b in document.beads if b.chrf is not None and b.boilerplate is None]
        document.low_similarity_threshold = low_similarity_threshold(own, pooled)
        for bead in document.beads:
            if bead.boilerplate is not None:
                continue
            flags, notes = check_similarity(bead.chrf, document.low_similarity_threshold)
            bead.flags.extend(flags)
            bead.notes.extend(notes)
        document.flag_counts = count_flags([b.flags for b in document.beads])


def build_report(documents: list[DocumentReport], settings: dict) -> QAReport:
    flag_low_similarity(documents)
    pairs = [(b.mt, b.en) for d in documents for b in d.beads if b.chrf is not None]
    scores = corpus_scores([p[0] for p in pairs], [p[1] for p in pairs], list(SIMILARITY_METRICS)) if pairs else []
    settings = {**settings, "python": platform.python_version()}
    return QAReport(documents, count_flags([b.flags for d in documents for b in d.beads]), scores, settings)


@dataclass
class ArticlePair:
    """One article to check: Korean and English text, and the MT file's lines when given."""

    name: str
    ko_text: str
    en_text: str
    mt_lines: list[str] | None = None
    mt_path: str = ""


Translate = Callable[[list[str]], list]


def run_qa(
    pairs: list[ArticlePair],
    *,
    translate: Translate | None = None,
    model: str = "",
    embed: str = "none",
    max_merge: int = 3,
    confirm: str | None = None,
    embed_scope: str = WHERE_NEEDED,
) -> QAReport:
    """Segment, translate (unless MT lines are given), align with the MT and check every article.

    1-1 beads the MT does not confirm are put to the `confirm` embedding (by default the aligner's,
    or the bundled e5, numpy-only and offline, when the aligner uses none; "none" skips the check):
    only their documents' sentences are embedded.
    """
    from aligners import align
    from aligners.aligner import NO_EMBED
    from aligners.embeddings import E5

    witness = confirm or (E5 if embed == NO_EMBED else embed)
    witness = None if witness == NO_EMBED else witness

    documents = []
    for pair in pairs:
        ko, en = segment_side(pair.ko_text, "ko"), segment_side(pair.en_text, "en")
        if not ko.sentences or not en.sentences:
            raise DariError("no sentences found", pair.name)
        if pair.mt_lines is not None:
            ko, mt = match_mt_lines(pair.ko_text, ko, pair.mt_lines, pair.mt_path)
            mt_flags, source = None, pair.mt_path
        else:
            if translate is None:
                raise ValueError("no MT lines and no translate function")
            translations = translate(ko.sentences)
            mt, mt_flags, source = [t.mt for t in translations], [list(t.flags) for t in translations], f"model:{model}"
        try:
            beads = align(ko.sentences, en.sentences, mt=mt, embed=embed, max_merge=max_merge, embed_scope=embed_scope)
        except DariError as err:  # a limit of the aligner: name the article it was hit on
            raise (DariError(err.message, pair.name) if err.path is None else err) from None
        documents.append(check_document(pair.name, ko, en, mt, beads, mt_flags=mt_flags, mt_source=source, witness=witness))
    return build_report(documents, {"embed": embed, "confirm": witness or "none", "max_merge": max_merge, "model": model or None})


def _bead_text(bead: Bead, ko: Side, en: Side, mt: list[str], mt_flags: list[list[str]]) -> BeadText:
    kinds = [ko.boilerplate[i] for i in bead.src] + [en.boilerplate[j] for j in bead.tgt]
    # A bead is boilerplate when all its sentences are: a byline aligned to a byline, or one alone.
    boilerplate = kinds[0] if kinds and all(kinds) else None
    return BeadText(
        ko=joined(ko.sentences, bead.src),
        en=joined(en.sentences, bead.tgt),
        mt=joined(mt, bead.src),
        mt_flags=sorted({flag for i in bead.src for flag in mt_flags[i]}),
        boilerplate=boilerplate,
    )


def report_json(report: QAReport) -> str:
    import json
    from dataclasses import asdict

    return json.dumps(asdict(report), ensure_ascii=False, indent=1) + "\n"
