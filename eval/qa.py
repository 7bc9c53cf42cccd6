"""`dari qa`: segment → translate → align → check, one article pair or a batch.

The stages meet in plain data: an `Article` per side (sentences, paragraphs, boilerplate kinds),
the MT of each Korean unit, the aligner's beads, and finally one `BeadReport` per bead.
`check_document` is the pure core that the CLI, the tests and the benchmark all call.
"""

from __future__ import annotations

import bisect
from array import array
import platform
import re
import sys
from dataclasses import asdict, dataclass, field, replace
from collections.abc import Callable
from types import GeneratorType
from typing import IO

from aligners.beads import Bead, joined
from aligners.defaults import DEFAULT_EMBED_SCOPE, DEFAULT_MAX_MERGE
from aligners.repair import repair
from eval.checks import BeadText, check_bead, check_similarity, count_flags, low_similarity_threshold
from eval.scoring import CorpusScore, corpus_scores, segment_score_columns
from eval.term_checks import check_terms, term_renderings
from mt import __version__
from mt.glossary import Glossary
from mt.io.errors import DariError, naming
from mt.text.article import Article, fit_mt

SIMILARITY_METRICS = ("bleu", "chrf")


@dataclass(slots=True)  # one per bead, all kept until the report is written
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
    ko_lines: list[int] = field(default_factory=list)  # 1-based lines of the input files, so an editor can find them
    en_lines: list[int] = field(default_factory=list)
    terms: list[dict] = field(default_factory=list)  # with a glossary: eval.term_checks.TermUse per term


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
    en_source: str = ""


@dataclass
class QAReport:
    documents: list[DocumentReport]
    flag_counts: dict[str, int]
    scores: list[CorpusScore]
    settings: dict = field(default_factory=dict)
    term_renderings: list[dict] | None = None  # with a glossary: terms rendered in several ways (eval.term_checks)


def check_document(
    name: str,
    ko: Article,
    en: Article,
    mt: list[str],
    beads: list[Bead],
    *,
    mt_flags: list[list[str]] | None = None,
    mt_source: str = "",
    en_source: str = "",
    witness: str | None = None,
    whole_paragraphs: tuple[int, ...] = (),
    glossary: Glossary | None = None,
) -> DocumentReport:
    """Bead-local checks and similarity scores; `low_similarity` is added by `flag_low_similarity`.

    `beads` index the units of `ko` and `en`; the report names sentence ids (`Article.expand`).
    `whole_paragraphs`: Korean paragraphs whose MT did not split like the Korean (`fit_mt`), noted
    on their beads.

    The aligner's beads are first re-examined with the MT (`aligners.repair`): sentences folded into
    a bead without support on the other side are split off and needless skips are undone, so that
    omissions and additions are what the MT confirms. With `witness` (an embedding model name), 1-1
    beads the MT does not confirm must also be mutual nearest neighbours in that embedding
    (`aligners.unconfirmed_pairs`), or they are an omission and an addition.
    """
    if len(mt) != len(ko):
        raise ValueError(f"{name}: {len(mt)} MT lines for {len(ko)} Korean units")
    mt_flags = mt_flags or [[] for _ in mt]
    aligned = AlignerBeads(beads, len(ko), len(en))
    fixed_src, fixed_tgt = [k is not None for k in ko.boilerplate], [k is not None for k in en.boilerplate]
    whole = set(whole_paragraphs)
    beads = repair(beads, mt, en.sentences, fixed_src=fixed_src, fixed_tgt=fixed_tgt, src=ko.sentences, witness=witness)
    texts = [_bead_text(bead, ko, en, mt, mt_flags) for bead in beads]
    two_sided = [k for k, text in enumerate(texts) if text.mt and text.en]
    hyps, refs = [texts[k].mt for k in two_sided], [texts[k].en for k in two_sided]
    columns = segment_score_columns(hyps, refs, list(SIMILARITY_METRICS))
    scores_of = {name: dict(zip(two_sided, values)) for name, values in columns.items()}
    del columns
    ko_lines, en_lines = UnitLines(ko), UnitLines(en)
    reports = []
    for index, bead in enumerate(beads):
        text, texts[index] = texts[index], None  # each bead's texts live on in its report only
        flags, notes = check_bead(text)
        terms = []
        if glossary is not None:
            more_flags, more_notes, terms = check_terms(text, glossary)
            flags, notes = flags + more_flags, notes + more_notes
        if not aligned.has(bead):
            notes.append("regrouped from the aligner's beads by the MT check")
        for paragraph in sorted({ko.paragraphs[k] for k in bead.src} & whole):
            notes.append(f"the MT of Korean paragraph {paragraph + 1} does not split into its sentences: checked as one unit")
        score = {name: of.pop(index, None) for name, of in scores_of.items()}  # each bead's scores live on in its report only
        src_ids, tgt_ids = ko.expand(bead.src), en.expand(bead.tgt)
        # sys.intern: one "1-1" for the whole report, not one string per bead
        reports.append(
            BeadReport(
                index=index, src=src_ids, tgt=tgt_ids, kind=sys.intern(f"{len(src_ids)}-{len(tgt_ids)}"), align_score=float(bead.score),
                ko=text.ko, en=text.en, mt=text.mt, chrf=score["chrf"], bleu=score["bleu"],
                boilerplate=text.boilerplate, flags=flags, notes=notes, terms=terms,
                ko_lines=sorted({n for k in bead.src for n in ko_lines[k]}), en_lines=sorted({n for k in bead.tgt for n in en_lines[k]}),
            )
        )
    document_scores = corpus_scores(hyps, refs, list(SIMILARITY_METRICS)) if two_sided else []
    return DocumentReport(
        name=name, mt_source=mt_source, ko_sentences=ko.sentence_count(), en_sentences=en.sentence_count(),
        scores=document_scores, low_similarity_threshold=None, flag_counts=count_flags([r.flags for r in reports]),
        boilerplate_beads=sum(r.boilerplate is not None for r in reports), beads=reports, en_source=en_source,
    )


class AlignerBeads:
    """Which beads the aligner itself made: each unit's bead, as an index per unit (a set of every
    bead's ids took ~45 MB for a 200,000-line article)."""

    def __init__(self, beads: list[Bead], ko_count: int, en_count: int):
        self.beads = beads
        self.of_src, self.of_tgt = array("q", bytes(8 * ko_count)), array("q", bytes(8 * en_count))
        for k, bead in enumerate(beads):
            for i in bead.src:
                self.of_src[i] = k
            for j in bead.tgt:
                self.of_tgt[j] = k

    def has(self, bead: Bead) -> bool:
        mine = self.beads[self.of_src[bead.src[0]] if bead.src else self.of_tgt[bead.tgt[0]]]
        return list(mine.src) == list(bead.src) and list(mine.tgt) == list(bead.tgt)


class UnitLines:
    """The 1-based lines of the text each unit spans (one, unless a paragraph of a one-sentence-a-line
    file was made a single unit), worked out when a bead asks: a range per unit and an int per line
    break took ~30 MB for a 200,000-line article."""

    def __init__(self, article: Article):
        self.breaks = array("q", (match.start() for match in re.finditer("\n", article.text)))
        self.spans = article.spans

    def __getitem__(self, unit: int) -> range:
        s, e = self.spans[unit]
        return range(bisect.bisect_left(self.breaks, s) + 1, bisect.bisect_left(self.breaks, max(s, e - 1)) + 2)


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


def build_report(documents: list[DocumentReport], settings: dict, glossary: Glossary | None = None) -> QAReport:
    flag_low_similarity(documents)
    pairs = [(b.mt, b.en) for d in documents for b in d.beads if b.chrf is not None]
    scores = corpus_scores([p[0] for p in pairs], [p[1] for p in pairs], list(SIMILARITY_METRICS)) if pairs else []
    settings = {**settings, "dari": __version__, "python": platform.python_version()}
    renderings = term_renderings(documents) if glossary is not None else None
    return QAReport(documents, count_flags([b.flags for d in documents for b in d.beads]), scores, settings, renderings)


@dataclass
class ArticlePair:
    """One article to check: Korean and English text, and the MT file's lines when given."""

    name: str
    ko_text: str
    en_text: str
    mt_lines: list[str] | None = None
    mt_path: str = ""
    en_path: str = ""


Translate = Callable[[list[str]], list]


def run_qa(
    pairs: list[ArticlePair],
    *,
    translate: Translate | None = None,
    model: str = "",
    embed: str = "none",
    max_merge: int = DEFAULT_MAX_MERGE,
    confirm: str | None = None,
    glossary: Glossary | None = None,
    embed_scope: str = DEFAULT_EMBED_SCOPE,
) -> QAReport:
    """Segment, translate (unless MT lines are given), align with the MT and check every article.

    1-1 beads the MT does not confirm are put to the `confirm` embedding (by default the aligner's,
    or the bundled e5, numpy-only and offline, when the aligner uses none; "none" skips the check):
    only their documents' sentences are embedded. With a `glossary`, every bead's Korean terms are
    checked in the English and the MT (`eval.term_checks`).
    """
    from aligners.aligner import align_articles
    from aligners.defaults import E5, NO_EMBED

    witness = confirm or (E5 if embed == NO_EMBED else embed)
    witness = None if witness == NO_EMBED else witness

    documents = []
    for pair in pairs:
        ko, en = Article.segment(pair.ko_text, "ko"), Article.segment(pair.en_text, "en")
        if not len(ko) or not len(en):
            raise DariError("no sentences found", pair.name)
        whole: tuple[int, ...] = ()
        if pair.mt_lines is not None:
            fitted = fit_mt(ko, pair.mt_lines, pair.mt_path)
            ko, mt, whole = fitted.article, fitted.mt, fitted.whole_paragraphs
            mt_flags, source = None, pair.mt_path
        else:
            if translate is None:
                raise ValueError("no MT lines and no translate function")
            translations = translate(ko.sentences)
            mt, mt_flags, source = [t.mt for t in translations], [list(t.flags) for t in translations], f"model:{model}"
        with naming(pair.name):
            beads = align_articles(ko, en, mt=mt, embed=embed, max_merge=max_merge, embed_scope=embed_scope)
        documents.append(check_document(pair.name, ko, en, mt, beads, mt_flags=mt_flags, mt_source=source,
                                        en_source=pair.en_path, witness=witness, whole_paragraphs=whole, glossary=glossary))
    settings = {"embed": embed, "embed_scope": embed_scope, "confirm": witness or "none", "max_merge": max_merge,
                "model": model or None}
    if glossary is not None:
        settings["glossary"] = {"path": glossary.path, "entries": len(glossary.entries), "digest": glossary.digest}
    return build_report(documents, settings, glossary)


def _bead_text(bead: Bead, ko: Article, en: Article, mt: list[str], mt_flags: list[list[str]]) -> BeadText:
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
    import io

    out = io.StringIO()
    write_report_json(report, out)
    return out.getvalue()


def write_report_json(report: QAReport, handle: IO[str]) -> None:
    """`json.dumps(asdict(report), ensure_ascii=False, indent=1)` and a newline, written a bead at a time.

    A 200,000-line article has as many beads: converting them all to dicts and the report to one
    string at once took more memory than aligning it. Here only one bead is converted at a time.
    """
    documents = ({**asdict(replace(d, beads=[])), "beads": (asdict(b) for b in d.beads)} for d in report.documents)
    _write_json(handle, {**asdict(replace(report, documents=[])), "documents": documents}, 0)  # keys keep their order
    handle.write("\n")


def _write_json(handle: IO[str], value, depth: int) -> None:
    """`value` as json.dumps(indent=1) writes it at nesting `depth`; a generator is a list written
    item by item, and a dict holding one is written key by key."""
    import json

    pad = "\n" + " " * (depth + 1)
    if isinstance(value, GeneratorType):
        written = False
        for item in value:
            handle.write(("," if written else "[") + pad)
            _write_json(handle, item, depth + 1)
            written = True
        handle.write("\n" + " " * depth + "]" if written else "[]")
    elif isinstance(value, dict) and value and any(isinstance(v, GeneratorType) for v in value.values()):
        for k, (key, item) in enumerate(value.items()):
            handle.write(("," if k else "{") + pad + json.dumps(key, ensure_ascii=False) + ": ")
            _write_json(handle, item, depth + 1)
        handle.write("\n" + " " * depth + "}")
    else:
        handle.write(json.dumps(value, ensure_ascii=False, indent=1).replace("\n", "\n" + " " * depth))
