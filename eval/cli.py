"""`dari score` and `dari qa`.

Neither command imports torch: scoring is sacrebleu only, and `dari qa` loads a translation model
only when no `--mt` file is given.
"""

from __future__ import annotations

import click

from aligners.agreement import PAIR_MIN_CHRF
from aligners.defaults import NO_EMBED
from aligners.options import embed_option, embed_scope_option, max_merge_option
from eval.score_report import FORMATS
from eval.scoring import DEFAULT_AR_TRIALS, DEFAULT_BOOTSTRAP, METRICS
from mt.io.errors import DariError
from mt.models import DEFAULT_MODEL


class ManyValuesCommand(click.Command):
    """Lets `-i a.txt b.txt` take several values, as sacrebleu's options do.

    click options take one value per flag, so the words following such a flag (up to the next
    option) are rewritten as repeated flags before click parses them.
    """

    many_value_flags: tuple[str, ...] = ()

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        rewritten: list[str] = []
        flag = None
        for arg in args:
            if arg in self.many_value_flags:
                flag = arg
                rewritten.append(arg)
            elif flag and (arg == "-" or not arg.startswith("-")) and rewritten[-1] != flag:
                rewritten.extend([flag, arg])
            else:
                if arg.startswith("-") and arg != "-":
                    flag = None
                rewritten.append(arg)
        return super().parse_args(ctx, rewritten)


class ScoreCommand(ManyValuesCommand):
    many_value_flags = ("-i", "--input", "-m", "--metrics")


class AlignEvalCommand(ManyValuesCommand):
    many_value_flags = ("--gold", "--pred")


def _read_segments(path: str) -> list[str]:
    from eval.scoring import strip_lines
    from mt.io.files import read_lines

    return strip_lines(read_lines(path))


@click.command(cls=ScoreCommand)
@click.option("-r", "--reference", required=True, help="Reference translation, one segment per line (`-` = stdin).")
@click.option("-i", "--input", "inputs", multiple=True, required=True,
              help="System output(s), line-aligned with the reference: `-i a.txt b.txt`. With --paired the first is the baseline.")
@click.option("-m", "--metrics", multiple=True, type=click.Choice(METRICS), default=("bleu", "chrf"),
              help="Metrics, as in sacrebleu: `-m bleu chrf chrf++ ter` (chrf = chrF2, chrf++ = chrF2 with word bigrams).")
@click.option("--segments", is_flag=True, help="Also give every metric's score for each line.")
@click.option("--confidence", is_flag=True, help="95% bootstrap confidence interval for each system.")
@click.option("--confidence-n", default=DEFAULT_BOOTSTRAP, type=click.IntRange(2), help="Bootstrap resamples for --confidence.")
@click.option("--paired", type=click.Choice(["bs", "ar"]), default=None,
              help="Paired significance test of every system against the first: bootstrap resampling or approximate randomization.")
@click.option("--paired-n", type=click.IntRange(1), default=None,
              help=f"Resamples (bs) or trials (ar); sacrebleu's defaults [bs: {DEFAULT_BOOTSTRAP}, ar: {DEFAULT_AR_TRIALS}].")
@click.option("-f", "--format", "fmt", type=click.Choice(FORMATS), default="text",
              help="text prints sacrebleu's own score lines; json keeps full precision; tsv opens in a spreadsheet.")
@click.option("-w", "--width", default=1, type=click.IntRange(0, 10), help="Decimals in text lines (sacrebleu's default).")
@click.option("-o", "--output", default="-", help="Output file (`-` = stdout); written only when scoring succeeds.")
def score(reference, inputs, metrics, segments, confidence, confidence_n, paired, paired_n, fmt, width, output):
    """Score translations against a reference with sacrebleu: corpus scores with sacrebleu's signatures,
    per-segment scores, confidence intervals and paired significance tests."""
    from eval.score_report import render_scores
    from eval.scoring import SystemScores, corpus_scores, paired_test, segment_scores
    from mt.io.files import STDIN, check_output, write_text

    if paired and len(inputs) < 2:
        raise click.UsageError("--paired needs at least two -i files (the first is the baseline)")
    if paired and confidence:
        raise click.UsageError("--confidence and --paired exclude each other: --paired bs already gives intervals")
    stdin_uses = [reference, *inputs].count(STDIN)
    if stdin_uses > 1:
        raise DariError(f"stdin (-) is given {stdin_uses} times to -r/-i, but can be read only once; give files for the others")
    check_output(output)
    metrics = list(dict.fromkeys(metrics))
    refs = _read_segments(reference)
    systems = []
    for path in inputs:
        hyps = _read_segments(path)
        if len(hyps) != len(refs):
            raise DariError(f"has {len(hyps)} lines but the reference {reference} has {len(refs)}", path)
        systems.append((path, hyps))
    if paired:
        results = paired_test(systems, refs, metrics, test=paired, n_samples=paired_n, width=width)
    else:
        n_bootstrap = confidence_n if confidence else 1
        results = [SystemScores(path, corpus_scores(hyps, refs, metrics, n_bootstrap=n_bootstrap, width=width))
                   for path, hyps in systems]
    if segments:
        for result, (_, hyps) in zip(results, systems):
            result.segments = segment_scores(hyps, refs, metrics)
    write_text(output, render_scores(results, reference, fmt, paired=paired))


def _article_pairs(src: str, ref: str, mt: str | None) -> list:
    """One pair for two files; for directories, every file of `src` with the same name in `ref` (and `mt`)."""
    import os

    from eval.qa import ArticlePair
    from mt.io.files import read_lines, read_text

    def pair(name: str, src_path: str, ref_path: str, mt_path: str | None) -> ArticlePair:
        return ArticlePair(
            name, read_text(src_path), read_text(ref_path), read_lines(mt_path) if mt_path else None, mt_path or "", ref_path
        )

    if not os.path.isdir(src):
        if os.path.isdir(ref):
            raise DariError("is a directory but --src is a file; give two files or two directories", ref)
        return [pair(src, src, ref, mt)]
    for folder, option in ((ref, "--ref"), (mt, "--mt")):
        if folder is not None and not os.path.isdir(folder):
            raise DariError(f"--src is a directory, so {option} must be one too", folder)
    names = sorted(n for n in os.listdir(src) if not n.startswith(".") and os.path.isfile(os.path.join(src, n)))
    if not names:
        raise DariError("no files in directory", src)
    pairs = []
    for name in names:
        ref_path, mt_path = os.path.join(ref, name), os.path.join(mt, name) if mt else None
        for path in (ref_path, mt_path):
            if path is not None and not os.path.isfile(path):
                raise DariError(f"no counterpart for {os.path.join(src, name)}", path)
        pairs.append(pair(name, os.path.join(src, name), ref_path, mt_path))
    return pairs


@click.command()
@click.option("--src", required=True, help="Korean article, or a directory of articles.")
@click.option("--ref", required=True, help="Published English article (or directory, same file names).")
@click.option("--mt", default=None,
              help="Machine translation of --src (or directory): one line per Korean sentence or per Korean paragraph. "
                   "[default: translate with --model]")
@click.option("--model", default=None, help=f"Translation model when no --mt is given (as in `dari translate`). [default: {DEFAULT_MODEL}]")
@embed_option(NO_EMBED, "The MT alone aligns as well on the QA benchmark (docs/benchmarks.md), much faster.")
@embed_scope_option()
@click.option("--confirm", default=None,
              help=f"Embedding that must confirm a 1-1 pair the MT does not (chrF < {PAIR_MIN_CHRF:g}), else it is an omission "
                   "plus an addition: e5, a model name, or none to skip. [default: --embed's model, e5 when --embed none]")
@max_merge_option()
@click.option("--glossary", "glossary_path", default=None, metavar="FILE",
              help="TSV glossary (as for `dari translate --glossary`): flag term_missing and term_variant per bead, report "
                   "terms rendered differently across articles, and translate with it when no --mt is given.")
@click.option("-o", "--output", default="-", help="JSON report (`-` = stdout).")
@click.option("--html", "html_path", default=None, help="Also write a self-contained HTML report here. [default: no HTML]")
def qa(src, ref, mt, model, embed, embed_scope, confirm, max_merge, glossary_path, output, html_path):
    """Check a published English translation against its Korean source, sentence by sentence.

    Segments both texts, translates the Korean (unless --mt is given), aligns, and flags omissions,
    additions, number mismatches, untranslated Hangul, low similarity and MT loops, and with
    --glossary names not rendered as the glossary says. Bylines, credits and footers are reported
    as boilerplate, never as omissions.
    """
    from eval.qa import run_qa, write_report_json
    from mt.io.files import atomic_output, check_output, output_key

    if mt and model:
        raise click.UsageError("give --mt or --model, not both")
    check_output(output)
    if html_path:
        check_output(html_path)
        if output_key(html_path) == output_key(output):
            raise DariError("is given to both -o and --html; one report would overwrite the other", html_path)
    glossary = None
    if glossary_path:
        from mt.glossary import load_glossary

        glossary = load_glossary(glossary_path)
    pairs = _article_pairs(src, ref, mt)
    translate = None
    if mt is None:
        from mt.translate import Translator

        model = model or DEFAULT_MODEL
        translate = Translator(model, glossary=glossary).translate_sentences  # one model load for every article of a batch

    report = run_qa(pairs, translate=translate, model=model or "", embed=embed, embed_scope=embed_scope, max_merge=max_merge,
                    confirm=confirm, glossary=glossary)
    if html_path:
        from eval.html_report import write_html

        with atomic_output(html_path) as handle:
            write_html(report, handle)
    with atomic_output(output) as handle:
        write_report_json(report, handle)
    counts = ", ".join(f"{flag} {count}" for flag, count in report.flag_counts.items() if count) or "no flags"
    varied = f"; {len(report.term_renderings)} glossary term(s) rendered in several ways" if report.term_renderings else ""
    click.echo(f"{len(report.documents)} document(s): {counts}{varied}", err=True)


@click.command("align-eval", cls=AlignEvalCommand)
@click.option("--gold", multiple=True, required=True,
              help="Gold bead files, one per document: `--gold a.gold b.gold`. A line per bead, `[src ids]:[tgt ids]` "
                   "with 0-based sentence ids (`[0, 1]:[2]`, `[3]:[]` for an unaligned sentence); a score after a "
                   "third colon is ignored; blank lines are skipped.")
@click.option("--pred", multiple=True, required=True,
              help="Predicted bead files (as `dari align` writes them), in the order of --gold.")
@click.option("-o", "--output", default="-", help="Where to write the JSON scores (- for stdout).")
@click.option("--by-shape", is_flag=True, help="Also report strict precision/recall per bead shape (1-1, 2-1, 0-1 ...).")
def align_eval(gold, pred, output, by_shape):
    """Strict and lax P/R/F1 of predicted beads against gold beads, pooled over documents."""
    import json

    from aligners.beads import read_beads
    from eval.alignment_metrics import score_alignments, scores_by_shape
    from mt.io.files import check_output, write_text

    if len(gold) != len(pred):
        raise click.UsageError(f"{len(gold)} --gold files but {len(pred)} --pred files; pair them one to one")
    check_output(output)
    gold_docs, pred_docs = [read_beads(g) for g in gold], [read_beads(p) for p in pred]
    for path, beads in zip(gold, gold_docs):
        if not beads:
            raise DariError("no gold beads (empty file): there is nothing to score against", path)
    report = score_alignments(gold_docs, pred_docs).as_dict()
    if by_shape:
        report["by_shape"] = scores_by_shape(gold_docs, pred_docs)
    write_text(output, json.dumps(report, indent=2) + "\n")
