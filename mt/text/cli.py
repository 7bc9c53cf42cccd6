"""`dari segment`: one sentence per line, paragraphs separated by an empty line.

With --mark-boilerplate each line becomes `KIND<TAB>sentence` (KIND is "text" for ordinary
sentences), so boilerplate stays in the output, visibly marked, and `cut -f2-` recovers the text.
"""

from __future__ import annotations

import click

from mt.text.boilerplate import KINDS, paragraph_kinds
from mt.io.files import STDIN, check_output, read_text, write_text
from mt.text.segment import LANGS, split_paragraphs


def segment_lines(text: str, lang: str, mark_boilerplate: bool) -> list[str]:
    """Output lines for `text`: sentences, "" between paragraphs, optionally KIND-prefixed."""
    lines: list[str] = []
    for sentences in split_paragraphs(text, lang):
        if lines:
            lines.append("")
        if mark_boilerplate:
            kinds = paragraph_kinds(sentences, lang)
            lines.extend(f"{kind or 'text'}\t{sentence}" for kind, sentence in zip(kinds, sentences))
        else:
            lines.extend(sentences)
    return lines


@click.command()
@click.argument("file", default=STDIN)
@click.option("--lang", type=click.Choice(LANGS), default="ko", help="Language of the text.")
@click.option("--mark-boilerplate", is_flag=True, default=False,
              help=f"Prefix each sentence with its kind ({', '.join(('text',) + KINDS)}) and a tab.")
@click.option("-o", "--output", default=STDIN, help="Output file; - is stdout.")
def segment(file: str, lang: str, mark_boilerplate: bool, output: str) -> None:
    """Split FILE (default: stdin) into sentences, one per line; paragraphs are kept as empty lines."""
    check_output(output)
    text = read_text(file)
    lines = segment_lines(text, lang, mark_boilerplate)
    write_text(output, "\n".join(lines) + "\n")
