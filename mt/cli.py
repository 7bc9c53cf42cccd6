"""The `dari` command line: one click group whose subcommands are imported only when used.

This module is the app root: the only one that reaches every stage. Each stage keeps its command
next to its code (`mt/translate_cli.py`, `mt/text/cli.py`, `aligners/cli.py`, `eval/cli.py`,
`corpora/cli.py`, `eval/review/cli.py`). The group
imports a command's module only to run it or to show its help, so `dari --help`, `dari align` and
`dari score` never pay for torch or transformers, nor for the web libraries of `dari serve`.

Writing to stdout fails like any other output: one line naming `<stdout>` and exit code 2 (stdout is
then pointed at /dev/null so the interpreter's final flush cannot fail a second time). A reader
that goes away (`dari segment big.txt | head`) is not an error: click ends quietly with exit code 1,
as Python recommends for a broken pipe.
"""

from __future__ import annotations

import importlib
import os
import sys

import click

from mt import __version__
from mt.io.errors import DariError
from mt.io.files import STDOUT_NAME

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


def _discard_stdout() -> None:
    """Point stdout at /dev/null, so what is still buffered for a failed stdout does not fail at exit."""
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):  # not a real file (click's test runner)
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, fd)
    os.close(devnull)


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

    def resolve_command(self, ctx: click.Context, args: list[str]):
        """click suggests only among commands it has imported; this group imports none until used."""
        name = args[0] if args else ""
        if name and not name.startswith("-") and self.get_command(ctx, name) is None:
            import difflib

            close = difflib.get_close_matches(name, self.list_commands(ctx), n=1)
            ctx.fail(f"No such command {name!r}." + (f" Did you mean {close[0]!r}?" if close else ""))
        return super().resolve_command(ctx, args)

    def invoke(self, ctx: click.Context):
        """Library errors become click's one-line `Error: ...` with exit code 2, never a traceback."""
        try:
            result = super().invoke(ctx)
        except DariError as err:
            if err.path == STDOUT_NAME:
                _discard_stdout()
            raise CommandError(err.message) from None
        try:
            sys.stdout.flush()  # anything still buffered fails here, with a message, not at exit
        except BrokenPipeError:
            raise
        except OSError as err:
            _discard_stdout()
            raise CommandError(f"{STDOUT_NAME}: cannot write ({err.strerror})") from None
        return result

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, COMMANDS[name][2]) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"], "show_default": True})
@click.version_option(__version__, prog_name="dari")
def main() -> None:
    """dari (다리, "bridge"): Korean→English news translation, alignment, scoring and corpora."""
