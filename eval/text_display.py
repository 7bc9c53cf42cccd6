"""Article text made safe to show: bidirectional-text controls become visible and inert.

A right-to-left override (U+202E) or isolate hidden in a sentence reorders what the reader sees,
so a pair can look right on screen while its stored text says something else (the "Trojan
Source" trick). Korean and English news never need these characters, so every page that shows
article text (the static HTML report, `dari serve`) replaces each one with a visible code such as
`[U+202E]`, and an editor's own English is stored without them. Escaping for HTML is separate
and still needed afterwards: this only changes which characters there are.
"""

from __future__ import annotations

import re

# Embeddings, overrides and their terminator, isolates, and the three invisible direction marks.
BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
_BIDI = re.compile(f"[{BIDI_CONTROLS}]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_SPACE = re.compile(r"\s+")


def neutralise_bidi(text: str) -> str:
    """Each bidi control replaced by its visible code point, e.g. `[U+202E]`."""
    return _BIDI.sub(lambda match: f"[U+{ord(match.group()):04X}]", text)


def has_bidi(text: str) -> bool:
    return _BIDI.search(text) is not None


def strip_bidi(text: str) -> str:
    return _BIDI.sub("", text)


def clean_edit(text: str) -> str:
    """An editor's sentence as one line of plain text: whitespace runs (tabs, line breaks) become one
    space, and control and bidi characters go, since a pair is one TSV line and TMX forbids controls."""
    return _SPACE.sub(" ", _CONTROL.sub(" ", strip_bidi(text))).strip()
