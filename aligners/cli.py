"""`dari align` and `dari align-eval`.

Inputs are validated before anything is written, and every output goes through atomic_output,
so a bad file in a batch fails with one line and leaves no partial results behind.
"""

from __future__ import annotations

import json
import os

import click

from aligners.beads import Bead, format_bead, joined
from aligners.defaults import E5, MAX_MERGE_LIMIT
from aligners.options import embed_option, embed_scope_option, max_merge_option
from mt.io.errors import DariError, naming
from mt.io.files import atomic_output, check_output, output_key, read_lines, read_text
from mt.text.article import Article, fit_mt

FORMATS = ("beads", "tsv", "jsonl")


def _article(path: str, segment: bool, lang: str) -> Article:
    """Raw text split into sentences (ids: sentence numbers), or one sentence a line (ids: line numbers)."""
    if segment:
        return Article.segment(read_text(path), lang)
    return Article.from_lines(read_lines(path), lang)


def _cell(text: str) -> str:
    return text.replace("\t", " ")


def render(beads, src: list[str], tgt: list[str], fmt: str) -> str:
    """Beads whose ids index `src` and `tgt` (sentence or line numbers) in the chosen format."""
    lines = []
    for bead in beads:
        src_text = joined(src, bead.src)
        tgt_text = joined(tgt, bead.tgt)
        if fmt == "beads":
            lines.append(format_bead(bead))
        elif fmt == "tsv":
            lines.append(f"{_cell(src_text)}\t{_cell(tgt_text)}\t{bead.score:.4f}")
        else:
            record = {"src": bead.src, "tgt": bead.tgt, "score": bead.score, "src_text": src_text, "tgt_text": tgt_text}
            lines.append(json.dumps(record, ensure_ascii=False))
    return "".join(line + "\n" for line in lines)


def _job(src_path, tgt_path, mt_path, segment, src_lang, tgt_lang):
    """Read and check one document pair: (source, target, source units to align, their MT or None).

    The units are the source's sentences unless the MT fits only paragraph by paragraph (`fit_mt`)."""
    src = _article(src_path, segment, src_lang)
    tgt = _article(tgt_path, segment, tgt_lang)
    if not mt_path:
        return src, tgt, src, None
    fitted = fit_mt(src, read_lines(mt_path), mt_path, tgt_lang)
    return src, tgt, fitted.article, fitted.mt


def _batch_jobs(list_path: str) -> list[tuple[str, str, str | None, str]]:
    """Rows of `src<TAB>tgt[<TAB>mt]<TAB>out`; relative paths are relative to the list file."""
    base = os.path.dirname(os.path.abspath(list_path))
    jobs = []
    for number, line in enumerate(read_lines(list_path), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cols = [c.strip() for c in line.split("\t")]
        if len(cols) not in (3, 4) or not all(cols):
            raise DariError(f"line {number}: expected 3 or 4 tab-separated columns (src, tgt, [mt,] out), got {len(cols)}", list_path)
        paths = [os.path.join(base, c) for c in cols]
        jobs.append((paths[0], paths[1], paths[2] if len(paths) == 4 else None, paths[-1]))
    if not jobs:
        raise DariError("no document pairs listed", list_path)
    return jobs


def _check_outputs(outputs: list[str], batch: str) -> None:
    """Every output is checked before any input is read or aligned; two pairs writing one file would lose one."""
    seen: set[str] = set()
    for out in outputs:
        check_output(out)
        key = output_key(out)
        if key in seen:
            raise DariError(f"{out} is the output of two listed document pairs; give each pair its own", batch)
        seen.add(key)


@click.command()
@click.argument("src", required=False)
@click.argument("tgt", required=False)
@click.option("--mt", "mt_path", help="SRC machine-translated into TGT's language, one line per SRC sentence.")
@embed_option(E5)
@embed_scope_option()
@max_merge_option()
@click.option("--gap-merge", type=click.IntRange(0, MAX_MERGE_LIMIT + 1), default=None,
              help="Most sentences on one side of a bead in the second pass, which re-aligns only the stretches between "
                   "confident 1-1 beads (literary translations merge more); 0 = no second pass. [default: --max-merge + 1, "
                   "or 1 with --max-merge 1]")
@click.option("-o", "--output", default="-", help="Output file (- for stdout).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="beads", help="beads: [src ids]:[tgt ids]:score; tsv: src, tgt, score; jsonl: with text.")
@click.option("--segment", is_flag=True, default=False, help="SRC and TGT are raw articles: split them into sentences first.")
@click.option("--batch", "batch", help="TSV of document pairs (src, tgt, optional mt, out) aligned in one process.")
@click.option("--no-empty", is_flag=True, default=False, help="Leave out one-sided beads (unaligned sentences); their count goes to stderr.")
@click.option("--src-lang", default="ko", help="Source language (numbers and names are compared across languages).")
@click.option("--tgt-lang", default="en", help="Target language.")
def align(src, tgt, mt_path, embed, embed_scope, max_merge, gap_merge, output, fmt, segment, batch, no_empty, src_lang, tgt_lang):
    """Sentence-align SRC (Korean, one sentence a line) with TGT (its English version).

    Blank lines are paragraph breaks: they are never aligned, and bead ids are line numbers.
    """
    if batch:
        if src or tgt or mt_path or output != "-":
            raise click.UsageError("--batch takes its files from the list: give no SRC, TGT, --mt or -o")
        jobs = _batch_jobs(batch)
    elif not (src and tgt):
        raise click.UsageError("give SRC and TGT, or --batch LIST.tsv")
    else:
        jobs = [(src, tgt, mt_path, output)]
    _check_outputs([out for *_, out in jobs], batch or output)
    loaded = [(s, _job(s, t, m, segment, src_lang, tgt_lang), out) for s, t, m, out in jobs]

    from aligners.aligner import align_articles

    for src_path, (src_article, tgt_article, units, mt_lines), out in loaded:
        with naming(src_path):
            beads = align_articles(units, tgt_article, mt=mt_lines, embed=embed, embed_scope=embed_scope,
                                   max_merge=max_merge, gap_merge=gap_merge)
        beads = [Bead(units.expand(b.src), tgt_article.expand(b.tgt), b.score) for b in beads]
        if no_empty:
            kept = [b for b in beads if b.src and b.tgt]
            if len(kept) < len(beads):
                click.echo(f"{out}: left out {len(beads) - len(kept)} one-sided beads (--no-empty)", err=True)
            beads = kept
        with atomic_output(out) as handle:
            handle.write(render(beads, _by_id(src_article), _by_id(tgt_article), fmt))


def _by_id(article: Article) -> list[str]:
    """Sentence text by id (with line numbers as ids, blank lines stay empty), for rendering beads."""
    texts = [""] * (article.ids[-1][-1] + 1 if len(article) else 0)
    for sentence, (i,) in zip(article.sentences, article.ids):
        texts[i] = sentence
    return texts


__all__ = ["align", "render"]
