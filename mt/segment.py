"""Paragraph and sentence boundaries as character spans.

Spans, not strings: translation rebuilds an article by replacing each sentence span with its
translation, so everything between sentences (spaces, line breaks, blank lines) survives untouched.
"""

from __future__ import annotations

import re

Span = tuple[int, int]

_PARAGRAPH = re.compile(r"[^\n]*\S[^\n]*")
# A sentence ends at . ? ! … (with closing quotes/brackets) followed by whitespace.
_END = re.compile(r"[.?!…。]+[\"'”’」』)\]]*(?=\s)")


def paragraph_spans(text: str) -> list[Span]:
    """One paragraph per non-blank line, trimmed of surrounding whitespace."""
    spans = []
    for match in _PARAGRAPH.finditer(text):
        start, end = match.span()
        line = match.group()
        spans.append((start + len(line) - len(line.lstrip()), end - (len(line) - len(line.rstrip()))))
    return spans


def sentence_spans(text: str, lang: str = "ko") -> list[Span]:
    """Sentence spans inside one paragraph, trimmed, covering every non-space character."""
    spans = []
    start = 0
    for match in _END.finditer(text):
        spans.append((start, match.end()))
        start = match.end()
    spans.append((start, len(text)))
    trimmed = []
    for s, e in spans:
        chunk = text[s:e]
        s2 = s + len(chunk) - len(chunk.lstrip())
        e2 = e - (len(chunk) - len(chunk.rstrip()))
        if s2 < e2:
            trimmed.append((s2, e2))
    return trimmed


def split_sentences(text: str, lang: str = "ko") -> list[str]:
    """Sentences of a whole text, paragraph by paragraph."""
    out = []
    for ps, pe in paragraph_spans(text):
        paragraph = text[ps:pe]
        out.extend(paragraph[s:e] for s, e in sentence_spans(paragraph, lang))
    return out
