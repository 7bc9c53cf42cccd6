"""The QA report as one self-contained HTML file: no scripts, no fonts, no links outside the file.

Editors open it from e-mail or a shared drive, often offline, so styles and the score plot (inline
SVG) live inside the page. Every piece of article text is data and goes through `escape` (HTML
escaping, attributes included), so nothing from the input ever becomes markup; invisible direction
controls are shown as [U+202E] instead of being obeyed, so they cannot display a figure reversed
(a "1.5" as "5.1") in a report people check figures in. Long tokens (URLs, hashes) wrap inside
their cells instead of pushing the table off the page.
"""

from __future__ import annotations

import datetime
import html
import io
from collections.abc import Iterator
from typing import IO

from eval.checks import FLAGS
from eval.qa import DocumentReport, QAReport
from eval.text_display import has_bidi, neutralise_bidi

BIDI_NOTE = "Invisible direction controls in the text are shown as [U+…] instead of being applied."


def escape(text: str) -> str:
    """HTML-escaped text whose direction controls are visible code points instead of instructions."""
    return html.escape(neutralise_bidi(text))

FLAG_HELP = {
    "omission": "Korean content with no English",
    "addition": "English content with no Korean",
    "number_mismatch": "a figure differs between Korean and English",
    "number_missing": "a figure in digits on one side only",
    "untranslated": "Hangul left in the English or the MT",
    "low_similarity": "MT and English far apart compared with the rest of the document",
    "repetition": "the MT loops",
    "term_missing": "a glossary term's rendering is missing from the English or the MT",
    "term_variant": "a glossary term is written as one of its variants to avoid",
}

STYLE = """
body{font:14px/1.45 system-ui,sans-serif;margin:1.5em;color:#222}
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:2em;border-bottom:1px solid #ccc}
table{border-collapse:collapse;width:100%}td,th{border:1px solid #ddd;padding:4px 6px;vertical-align:top;text-align:left;overflow-wrap:anywhere;word-break:break-word}
th{background:#f3f3f3}td.num{text-align:right;white-space:nowrap}
tr.flagged td{background:#fff4e5}tr.flag-omission td,tr.flag-addition td{background:#fde8e8}
tr.flag-number_mismatch td{background:#fdf0d5}tr.boilerplate td{color:#888;background:#f7f7f7}
.badge{display:inline-block;border-radius:3px;padding:0 4px;margin:1px;font-size:12px;color:#fff;background:#b35c00}
.badge.omission,.badge.addition{background:#c0392b}.badge.number_mismatch{background:#a04000}
.badge.boilerplate{background:#888}.notes{font-size:12px;color:#555}
.summary{width:auto}svg{max-width:100%;height:auto;border:1px solid #eee}
.about{color:#555}dl.legend dt{font-weight:600;float:left;clear:left;width:9em}dl.legend dd{margin:0 0 .3em 9.5em}
figure{margin:.8em 0}figcaption{font-weight:600;margin-bottom:.3em}
ul.key{list-style:none;padding:0;margin:.3em 0;font-size:12px;color:#444}ul.key li{display:inline-block;margin-right:1.2em}
.swatch{display:inline-block;width:10px;height:10px;margin-right:4px;vertical-align:middle}
.badge.term_missing,.badge.term_variant{background:#6c3483}.variant{color:#c0392b}
"""
SETTING_NAMES = {"embed": "alignment embeddings", "embed_scope": "embedding scope with MT",
                 "confirm": "confirming embedding", "max_merge": "most sentences per bead side",
                 "model": "MT model", "python": "Python", "glossary": "glossary"}
SCORE_LEGEND = (
    ("chrF", "character n-gram F-score (chrF2, 0–100) of the MT against the published English: how close the published "
             "text is to a literal machine translation. A low score alone is not an error (a free but faithful translation "
             "scores low); a bead far below the rest of its document is flagged low_similarity."),
    ("BLEU", "word n-gram precision (0–100) of the MT against the published English; harsher than chrF on single "
             "sentences and shown for reference."),
    ("threshold", "the dashed line of each chart: the document's median chrF minus 2.5 robust standard deviations "
                  "(the batch's, for short documents). Beads under it are flagged low_similarity."),
    ("signature", "sacrebleu's description of how a score was computed; quote it with the number."),
)


def render_html(report: QAReport, *, generated: datetime.date | None = None) -> str:
    """The page; `generated` is the date it states (today by default)."""
    out = io.StringIO()
    write_html(report, out, generated=generated)
    return out.getvalue()


def write_html(report: QAReport, handle: IO[str], *, generated: datetime.date | None = None) -> None:
    """`render_html`'s page written a piece at a time: a 200,000-bead report is never one string."""
    for k, part in enumerate(_page(report, generated or datetime.date.today())):
        if k:
            handle.write("\n")
        for piece in [part] if isinstance(part, str) else part:
            handle.write(piece)


def _page(report: QAReport, generated: datetime.date) -> Iterator[str | Iterator[str]]:
    """The page's parts, one a line; a document is a run of pieces."""
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>dari QA report</title>",
        f"<style>{STYLE}</style></head><body>",
        "<h1>dari QA report</h1>",
        _about(report, generated),
        *([f'<p class="notes">{BIDI_NOTE}</p>'] if _any_bidi(report) else []),
        _summary(report),
        _term_renderings(report),
    ]
    yield from parts
    for number, document in enumerate(report.documents):
        yield _document(document, number)
    yield "</body></html>\n"


def _any_bidi(report: QAReport) -> bool:
    return any(has_bidi(text) for d in report.documents for b in d.beads for text in (b.ko, b.en, b.mt, *b.notes))


def _setting(value) -> str:
    """A setting as words: the glossary's is a record (path, entries, digest)."""
    if value is None:
        return "–"
    if isinstance(value, dict):
        return ", ".join(f"{k} {v}" for k, v in value.items())
    return str(value)


def _about(report: QAReport, generated: datetime.date) -> str:
    settings = dict(report.settings)
    version = settings.pop("dari", None)
    listed = "; ".join(f"{escape(SETTING_NAMES.get(k, k))}: {escape(_setting(v))}" for k, v in settings.items())
    legend = "".join(f"<dt>{escape(term)}</dt><dd>{escape(meaning)}</dd>" for term, meaning in SCORE_LEGEND)
    return (
        f'<p class="about">Made {generated.isoformat()} by dari {escape(version or "(version not recorded)")}. '
        f"Settings: {listed or 'not recorded'}.</p>"
        f'<h3>Reading the scores</h3><dl class="legend">{legend}</dl>'
    )


def _summary(report: QAReport) -> str:
    rows = "".join(
        f"<tr><th>{escape(flag)}</th><td class=num>{report.flag_counts.get(flag, 0)}</td><td>{escape(FLAG_HELP[flag])}</td></tr>"
        for flag in FLAGS
    )
    scores = "".join(
        f"<tr><th>{escape(s.name)}</th><td class=num>{s.score:.2f}</td><td><code>{escape(s.signature)}</code></td></tr>"
        for s in report.scores
    )
    boilerplate = sum(d.boilerplate_beads for d in report.documents)
    contents = "".join(
        f'<li><a href="#doc{number}">{escape(d.name)}</a>: '
        f"{sum(d.flag_counts.values())} flag(s)</li>"
        for number, d in enumerate(report.documents)
    )
    return (
        f"<p>{len(report.documents)} document(s); {boilerplate} boilerplate bead(s) (bylines, credits, footers) "
        "reported apart, never as omissions. Scores compare the MT with the published English.</p>"
        f'<table class="summary"><tr><th>flag</th><th>beads</th><th>meaning</th></tr>{rows}</table>'
        f'<h3>MT vs published English</h3><table class="summary">{scores}</table>'
        f"<h3>Documents</h3><ul>{contents}</ul>"
    )


def _term_renderings(report: QAReport) -> str:
    """Glossary terms the published English renders in several ways across the batch."""
    if report.term_renderings is None:
        return ""
    if not report.term_renderings:
        return "<h3>Glossary terms</h3><p>Every glossary term found is rendered one way throughout.</p>"
    rows = []
    for term in report.term_renderings:
        forms = "".join(
            f'<li><span class="{"variant" if form["variant"] else ""}">{escape(form["form"])}</span>: '
            f'{form["beads"]} bead(s) in {escape(", ".join(form["documents"]))}</li>'
            for form in term["renderings"]
        )
        rows.append(f'<tr><td lang="ko">{escape(term["ko"])}</td><td>{escape(term["expected"])}</td><td><ul>{forms}</ul></td></tr>')
    return (
        "<h3>Glossary terms rendered in several ways</h3>"
        '<table class="summary"><tr><th>Korean</th><th>glossary</th><th>renderings in the published English</th></tr>'
        + "".join(rows) + "</table>"
    )


def _document(document: DocumentReport, number: int) -> Iterator[str]:
    counts = ", ".join(f"{escape(flag)}: {count}" for flag, count in document.flag_counts.items() if count) or "no flags"
    scores = "; ".join(f"{escape(s.name)} {s.score:.2f}" for s in document.scores)
    threshold = (
        f"low-similarity threshold chrF {document.low_similarity_threshold:.1f}"
        if document.low_similarity_threshold is not None else "too few beads for a low-similarity threshold"
    )
    header = (
        f'<h2 id="doc{number}">{escape(document.name)}</h2>'
        f"<p>Korean: {escape(document.name)} ({document.ko_sentences} sentences); "
        f"English: {escape(document.en_source or 'file not recorded')} ({document.en_sentences} sentences); "
        f"MT: {escape(document.mt_source)}.<br>{scores}; {threshold}. Flags: {counts}.</p>"
    )
    yield header
    yield from score_plot(document, number)
    yield from _table(document, number)


def _table(document: DocumentReport, number: int) -> Iterator[str]:
    yield ("<table><tr><th>#</th><th>lines<br>ko / en</th><th>shape</th><th>Korean</th><th>MT</th><th>published English</th>"
           "<th>chrF</th><th>BLEU</th><th>flags</th></tr>")
    for bead in document.beads:
        classes = [f"flag-{flag}" for flag in bead.flags]
        if bead.flags:
            classes.append("flagged")
        if bead.boilerplate:
            classes.append("boilerplate")
        badges = "".join(f'<span class="badge {escape(flag)}">{escape(flag)}</span>' for flag in bead.flags)
        if bead.boilerplate:
            badges += f'<span class="badge boilerplate">{escape(bead.boilerplate)}</span>'
        notes = "".join(f'<div class="notes">{escape(note)}</div>' for note in bead.notes)
        yield (
            f'<tr id="doc{number}-bead{bead.index}" class="{" ".join(classes)}">'
            f"<td class=num>{bead.index + 1}</td><td class=num>{line_range(bead.ko_lines)} / {line_range(bead.en_lines)}</td>"
            f"<td>{escape(bead.kind)}</td>"
            f'<td lang="ko">{escape(bead.ko)}</td><td>{escape(bead.mt)}</td><td>{escape(bead.en)}</td>'
            f"<td class=num>{_score(bead.chrf)}</td><td class=num>{_score(bead.bleu)}</td><td>{badges}{notes}</td></tr>"
        )
    yield "</table>"


PLOT_KEY = (
    ("#4a7fb5", "chrF of a bead without flags"),
    ("#c0392b", "flagged bead (a mark under the axis: a one-sided bead, omission or addition)"),
    ("#bbb", "boilerplate (byline, credit, footer)"),
)


def score_plot(document: DocumentReport, number: int, width: int = 900, height: int = 200) -> Iterator[str]:
    """chrF of every bead as a bar (red when flagged, grey marks for one-sided beads), linked to its row;
    a titled figure with labelled axes and a colour key, so it reads on its own when printed."""
    beads = document.beads
    if not beads:
        return
    left, bottom, top, min_width = 48, 34, 10, 380
    step = min((width - left - 10) / len(beads), 40.0)
    width = max(min_width, int(left + 10 + step * len(beads)))  # short documents get a narrow plot, not thin bars far apart
    plot_h = height - bottom - top
    right = left + step * len(beads)

    def y(score: float) -> float:
        return top + plot_h * (1 - score / 100)

    title = f"chrF of each bead of {document.name}: MT against the published English"
    yield from [
        f'<figure><figcaption id="plot{number}-title">chrF of each bead, MT against the published English</figcaption>',
        f'<svg viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" aria-labelledby="plot{number}-title">'
        f"<title>{escape(title)}</title>",
        f'<line x1="{left}" y1="{y(0):.1f}" x2="{right:.1f}" y2="{y(0):.1f}" stroke="#999"/>',
        f'<text x="12" y="{top + plot_h / 2:.1f}" font-size="11" text-anchor="middle" transform="rotate(-90 12 {top + plot_h / 2:.1f})">'
        "chrF (0–100)</text>",
        f'<text x="{(left + right) / 2:.1f}" y="{height - 4}" font-size="11" text-anchor="middle">'
        f"beads 1–{len(beads)} in document order (a bar links to its row)</text>",
    ]
    for tick in (0, 50, 100):
        yield f'<text x="{left - 4}" y="{y(tick) + 4:.1f}" font-size="10" text-anchor="end">{tick}</text>'
    if document.low_similarity_threshold is not None:
        t = y(max(0.0, min(100.0, document.low_similarity_threshold)))
        yield f'<line x1="{left}" y1="{t:.1f}" x2="{right:.1f}" y2="{t:.1f}" stroke="#c0392b" stroke-dasharray="4 3"/>'
    for bead in beads:
        x = left + bead.index * step
        bar_w = max(step * 0.8, 1.0)
        label = escape(f"#{bead.index + 1} {bead.kind} chrF {_score(bead.chrf) or '–'} {' '.join(bead.flags)}")
        if bead.chrf is None:
            colour = "#bbb" if bead.boilerplate else "#c0392b"
            shape = f'<rect x="{x:.1f}" y="{y(0) + 3:.1f}" width="{bar_w:.1f}" height="6" fill="{colour}"/>'
        else:
            colour = "#c0392b" if bead.flags else "#4a7fb5"
            shape = f'<rect x="{x:.1f}" y="{y(bead.chrf):.1f}" width="{bar_w:.1f}" height="{y(0) - y(bead.chrf):.1f}" fill="{colour}"/>'
        yield f'<a href="#doc{number}-bead{bead.index}"><title>{label}</title>{shape}</a>'
    yield "</svg>"
    key = "".join(f'<li><span class="swatch" style="background:{colour}"></span>{escape(meaning)}</li>' for colour, meaning in PLOT_KEY)
    threshold = ('<li><span class="swatch" style="border-top:2px dashed #c0392b;height:0"></span>low-similarity threshold</li>'
                 if document.low_similarity_threshold is not None else "")
    yield f'<ul class="key">{key}{threshold}</ul></figure>'


def line_range(lines: list[int]) -> str:
    """Source line numbers of a bead's sentences: "3", "3–4", or "–" for none."""
    if not lines:
        return "–"
    return str(lines[0]) if len(lines) == 1 else f"{lines[0]}–{lines[-1]}"


def _score(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"
