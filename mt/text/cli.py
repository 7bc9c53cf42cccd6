"""`dari segment`: one sentence per line, paragraphs separated by an empty line.

With --mark-boilerplate each line becomes `KIND<TAB>sentence` (KIND is "text" for ordinary
sentences), so boilerplate stays in the output, visibly marked, and `cut -f2-` recovers the text.
"""

from __future__ import annotations

import click

from mt.io.files import STDIN, check_output, read_text, write_text
from mt.text.article import Article
from mt.text.boilerplate import KINDS
from mt.text.segment import LANGS


def segment_lines(text: str, lang: str, mark_boilerplate: bool) -> list[str]:
    """Output lines for `text`: sentences, "" between paragraphs, optionally KIND-prefixed."""
    article = Article.segment(text, lang)
    lines: list[str] = []
    for units in article.by_paragraph():
        if lines:
            lines.append("")
        for k in units:
            sentence = article.sentences[k]
            lines.append(f"{article.boilerplate[k] or 'text'}\t{sentence}" if mark_boilerplate else sentence)
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
