"""The aligner's command-line options, defined once so that `dari align`, `dari qa` and
`dari corpus build` offer the same choices with the same meaning; only the default embedding
differs by command, and each shows its own."""

from __future__ import annotations

import click

from aligners.defaults import DEFAULT_EMBED_SCOPE, DEFAULT_MAX_MERGE, EMBED_SCOPES, MAX_MERGE_LIMIT


def embed_option(default: str, why: str = ""):
    return click.option(
        "--embed", default=default, show_default=True, metavar="none|e5|MODEL",
        help="Sentence embeddings for alignment: none, e5 (multilingual-e5-small, bundled, offline) or a "
             "sentence-transformers model name (needs `pip install sentence-transformers`)." + (f" {why}" if why else ""),
    )


def max_merge_option():
    return click.option(
        "--max-merge", type=click.IntRange(1, MAX_MERGE_LIMIT), default=DEFAULT_MAX_MERGE, show_default=True,
        help="Most sentences on one side of a bead (3 gives 1-1, 1-2, 2-1, 2-2, 1-3, 3-1).",
    )


def embed_scope_option():
    return click.option(
        "--embed-scope", type=click.Choice(EMBED_SCOPES), default=DEFAULT_EMBED_SCOPE, show_default=True,
        help="With MT: embed only the stretches the MT leaves unsure and align those again with the embedding "
             "(needed), or every sentence (all, for comparison). Without MT the embedding is used everywhere.",
    )
