"""`dari align` and `dari align-eval`.

Inputs are validated before anything is written, and every output goes through atomic_output,
so a bad file in a batch fails with one line and leaves no partial results behind.
"""

from __future__ import annotations

import json
import os

import click

from aligners.beads import Bead, format_bead, joined
from aligners.embed_scope import EMBED_SCOPE_HELP, EMBED_SCOPES, WHERE_NEEDED
from mt.io.errors import DariError
from mt.io.files import atomic_output, check_output_dir, read_lines, read_text

FORMATS = ("beads", "tsv", "jsonl")


def _sentences(path: str, segment: bool, lang: str) -> list[str]:
    if not segment:
        return read_lines(path)
    from mt.text.segment import split_sentences

    return split_sentences(read_text(path), lang)


def _nonblank(lines: list[str]) -> list[int]:
    return [i for i, line in enumerate(lines) if line.strip()]


def _cell(text: str) -> str:
    return text.replace("\t", " ")


def render(beads, src: list[str], tgt: list[str], fmt: str) -> str:
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
    """Read and check one document pair; returns (src, tgt, mt)."""
    src = _sentences(src_path, segment, src_lang)
    tgt = _sentences(tgt_path, segment, tgt_lang)
    mt = None
    if mt_path:
        mt = read_lines(mt_path)
        if len(mt) != len(src):
            raise DariError(f"has {len(mt)} lines but the source has {len(src)} sentences; --mt must be line-aligned with SRC", mt_path)
    return src, tgt, mt


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


@click.command()
@click.argument("src", required=False, type=click.Path(dir_okay=False, allow_dash=True))
@click.argument("tgt", required=False, type=click.Path(dir_okay=False))
@click.option("--mt", "mt_path", type=click.Path(dir_okay=False), help="SRC machine-translated into TGT's language, one line per SRC sentence.")
@click.option("--embed", default="e5", help="Sentence embeddings: none, e5 (bundled, offline) or a sentence-transformers model name.")
@click.option("--embed-scope", type=click.Choice(EMBED_SCOPES), default=WHERE_NEEDED, show_default=True, help=EMBED_SCOPE_HELP)
@click.option("--max-merge", type=click.IntRange(1, 6), default=3, help="Most sentences on one side of a bead in the first pass.")
@click.option("--gap-merge", type=click.IntRange(0, 7), default=None,
              help="Most sentences on one side of a bead in the second pass, which re-aligns only the stretches between "
                   "confident 1-1 beads (literary translations merge more); 0 = no second pass. [default: --max-merge + 1, "
                   "or 1 with --max-merge 1]")
@click.option("-o", "--output", default="-", help="Output file (- for stdout).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="beads", help="beads: [src ids]:[tgt ids]:score; tsv: src, tgt, score; jsonl: with text.")
@click.option("--segment", is_flag=True, default=False, help="SRC and TGT are raw articles: split them into sentences first.")
@click.option("--batch", "batch", type=click.Path(dir_okay=False), help="TSV of document pairs (src, tgt, optional mt, out) aligned in one process.")
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
    loaded = [(s, _job(s, t, m, segment, src_lang, tgt_lang), out) for s, t, m, out in jobs]
    for _, _, out in loaded:  # every input and output is checked before anything is written
        check_output_dir(out)

    from aligners.aligner import align as align_sentences

    for src_path, (src_lines, tgt_lines, mt_lines), out in loaded:
        # Blank lines are paragraph breaks (as `dari segment` writes them): never aligned, while
        # bead ids stay line numbers of the files.
        src_ids, tgt_ids = _nonblank(src_lines), _nonblank(tgt_lines)
        try:
            beads = align_sentences(
                [src_lines[i] for i in src_ids],
                [tgt_lines[j] for j in tgt_ids],
                mt=[mt_lines[i] for i in src_ids] if mt_lines is not None else None,
                embed=embed,
                embed_scope=embed_scope,
                max_merge=max_merge,
                gap_merge=gap_merge,
                src_lang=src_lang,
                tgt_lang=tgt_lang,
            )
        except DariError as err:  # a limit of the aligner: name the document it was hit on
            raise (DariError(err.message, src_path) if err.path is None else err) from None
        beads = [Bead([src_ids[i] for i in b.src], [tgt_ids[j] for j in b.tgt], b.score) for b in beads]
        if no_empty:
            kept = [b for b in beads if b.src and b.tgt]
            if len(kept) < len(beads):
                click.echo(f"{out}: left out {len(beads) - len(kept)} one-sided beads (--no-empty)", err=True)
            beads = kept
        with atomic_output(out) as handle:
            handle.write(render(beads, src_lines, tgt_lines, fmt))


__all__ = ["align", "render"]
