"""The `dari` command line: one click group whose subcommands are imported only when used.

This module is the app root: the only one that reaches every stage. Each stage keeps its command
next to its code (`mt/translate_cli.py`, `mt/text/cli.py`, `aligners/cli.py`, `eval/cli.py`,
`corpora/cli.py`, `eval/review/cli.py`). The group
imports a command's module only to run it or to show its help, so `dari --help`, `dari align` and
`dari score` never pay for torch or transformers, nor for the web libraries of `dari serve`.
"""

from __future__ import annotations

import importlib

import click

from mt import __version__
from mt.io.errors import DariError

# name -> (module, attribute, one-line help shown by `dari --help` without importing the module)
COMMANDS: dict[str, tuple[str, str, str]] = {
    "translate": ("mt.translate_cli", "translate", "Translate Korean articles into English."),
    "segment": ("mt.text.cli", "segment", "Split articles into sentences, one per line."),
    "align": ("aligners.cli", "align", "Sentence-align a Korean text with its English version."),
    "align-eval": ("eval.cli", "align_eval", "Score predicted alignments against gold beads."),
    "score": ("eval.cli", "score", "Score translations against references with sacrebleu."),
    "qa": ("eval.cli", "qa", "Check a translation sentence by sentence and write a QA report."),
    "corpus": ("corpora.cli", "corpus", "Build and inspect Korean–English parallel corpora."),
    "serve": ("eval.review.cli", "serve", "Review a QA report in the browser and export the corrected pairs."),
}


class CommandError(click.ClickException):
    exit_code = 2


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(COMMANDS) | set(self.commands))

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in self.commands:
            return self.commands[name]
        if name not in COMMANDS:
            return None
        module, attribute, _ = COMMANDS[name]
        return getattr(importlib.import_module(module), attribute)

    def invoke(self, ctx: click.Context):
        """Library errors become click's one-line `Error: ...` with exit code 2, never a traceback."""
        try:
            return super().invoke(ctx)
        except DariError as err:
            raise CommandError(err.message) from None

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, COMMANDS[name][2]) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"], "show_default": True})
@click.version_option(__version__, prog_name="dari")
def main() -> None:
    """dari (다리, "bridge"): Korean→English news translation, alignment, scoring and corpora."""
