"""`dari corpus build` and `dari corpus stats`."""

from __future__ import annotations

import json

import click

from aligners.defaults import E5
from aligners.options import embed_option, embed_scope_option, max_merge_option
from corpora.filters import FilterSettings
from corpora.writers import FORMATS
from mt.engine.options import engine_options

_DEFAULTS = FilterSettings()
LANGUAGES = {"ko": "Korean", "en": "English"}
SHOWN_IDS = 5  # document ids named in a warning; stats.json has them all


def _some(ids: list[str]) -> str:
    more = f" and {len(ids) - SHOWN_IDS} more" if len(ids) > SHOWN_IDS else ""
    return ", ".join(ids[:SHOWN_IDS]) + more


@click.group()
def corpus() -> None:
    """Build and inspect Korean–English parallel corpora."""


@corpus.command()
@click.argument("source", metavar="INPUT")
@click.option("-o", "--output", "out_dir", required=True, metavar="OUT",
              help="Output directory; rerunning on the same OUT resumes and only processes new or changed articles.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="tsv",
              help="Corpus format: tsv (ko, en, doc, ko_ids, en_ids, score), moses (corpus.ko/.en + meta), jsonl, tmx (TMX 1.4).")
@click.option("--min-score", type=float, default=_DEFAULTS.min_score, help="Reject pairs whose alignment confidence is lower.")
@click.option("--min-chars", type=int, default=_DEFAULTS.min_chars, help="Reject pairs with a side of fewer letters/digits.")
@click.option("--max-chars", type=int, default=_DEFAULTS.max_chars, help="Reject pairs with a side of more characters.")
@click.option("--min-ratio", type=float, default=_DEFAULTS.min_ratio, help="Lowest English/Korean character ratio kept.")
@click.option("--max-ratio", type=float, default=_DEFAULTS.max_ratio, help="Highest English/Korean character ratio kept.")
@click.option("--exclude", multiple=True, metavar="FILE",
              help="Test set whose sentences must not appear in the corpus (plain lines, .tsv, .jsonl, .tmx, .ko/.en); repeatable.")
@click.option("--jobs", type=click.IntRange(min=1), default=1, help="Processes aligning documents in parallel; output order does not depend on it.")
@embed_option(E5)
@embed_scope_option()
@max_merge_option()
@engine_options
def build(source: str, out_dir: str, fmt: str, min_score: float, min_chars: int, max_chars: int, min_ratio: float,
          max_ratio: float, exclude: tuple[str, ...], jobs: int, embed: str, embed_scope: str, max_merge: int, engine) -> None:
    """Segment, align and filter article pairs into a parallel corpus with provenance.

    INPUT is a directory of NAME.ko.txt + NAME.en.txt (optional NAME.ko.mt.txt, a machine translation
    of the Korean that helps alignment) or a JSONL manifest of {"id", "ko", "en", "mt"?} objects.
    OUT receives the corpus, rejects.jsonl (every rejected pair with its reason) and stats.json.
    """
    from tqdm import tqdm

    from corpora.job import BuildSettings, build as run_build

    filters = FilterSettings(min_score=min_score, min_chars=min_chars, max_chars=max_chars, min_ratio=min_ratio,
                             max_ratio=max_ratio)
    settings = BuildSettings(format=fmt, filters=filters, embed=embed, embed_scope=embed_scope, max_merge=max_merge)
    with tqdm(desc="documents", unit="doc", disable=None) as bar:  # shown only when stderr is a terminal
        stats = run_build(source, out_dir, settings, exclude=exclude, jobs=jobs, progress=lambda result: bar.update(),
                          engine=engine, report=lambda line: click.echo(line, err=True))
    click.echo(
        f"{out_dir}: {stats['accepted']:,} pairs accepted of {stats['candidates']:,} ({stats['yield']:.1%}) from "
        f"{stats['documents']:,} documents ({stats['documents_processed']:,} processed, "
        f"{stats['documents_reused']:,} reused); {stats['rejected']:,} rejects in rejects.jsonl",
        err=True,
    )
    for doc, problem in stats["mt_unusable"].items():
        click.echo(f"warning: {doc}: aligned without its MT: {problem}", err=True)
    empty = {side: ids for side, ids in stats["empty_articles"].items() if ids}
    if empty:
        listed = "; ".join(f"no {LANGUAGES[side]} text in {_some(ids)}" for side, ids in empty.items())
        click.echo(f"warning: articles with an empty side: {listed} (all in {out_dir}/stats.json, empty_articles)", err=True)


@corpus.command()
@click.argument("path", metavar="OUT")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def stats(path: str, as_json: bool) -> None:
    """Summarize a built corpus directory or a parallel file (.tsv, .jsonl, .tmx, .ko/.en)."""
    from corpora.stats import corpus_summary, format_summary

    from mt.io.files import write_text

    summary = corpus_summary(path)
    write_text(None, json.dumps(summary, ensure_ascii=False, indent=2) + "\n" if as_json else format_summary(summary))
