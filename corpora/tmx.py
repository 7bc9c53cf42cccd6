"""TMX 1.4 (LISA Translation Memory eXchange) writing and streaming reading.

Written by hand rather than with ElementTree so a multi-million pair corpus streams to disk one
<tu> at a time; every text and attribute goes through XML escaping, and control characters never
reach here (the control_chars filter rejects them).
"""

from __future__ import annotations

from typing import IO
from collections.abc import Iterator
from xml.etree.ElementTree import ParseError, iterparse
from xml.sax.saxutils import escape, quoteattr

from mt import __version__
from mt.io.errors import DariError
from corpora.records import PairRecord, format_ids

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def write_header(handle: IO[str], srclang: str = "ko") -> None:
    handle.write('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE tmx SYSTEM "tmx14.dtd">\n<tmx version="1.4">\n')
    handle.write(
        f'  <header creationtool="dari" creationtoolversion={quoteattr(__version__)} segtype="sentence" '
        f'o-tmf="dari" adminlang="en" srclang={quoteattr(srclang)} datatype="plaintext"/>\n  <body>\n'
    )


def write_unit(handle: IO[str], pair: PairRecord, tuid: int, extra: dict | None = None) -> None:
    """One <tu>; provenance goes into x- props, which TMX reserves for user-defined properties
    (`extra` {"decided_at": ...} becomes `x-decided-at`; None values are left out)."""
    props = {
        "x-doc": pair.doc,
        "x-ko-ids": format_ids(pair.ko_ids),
        "x-en-ids": format_ids(pair.en_ids),
        "x-score": f"{pair.score:.4f}",
        **{f"x-{name.replace('_', '-')}": str(value) for name, value in (extra or {}).items() if value is not None},
    }
    handle.write(f'    <tu tuid="{tuid}">\n')
    for name, value in props.items():
        handle.write(f"      <prop type={quoteattr(name)}>{escape(value)}</prop>\n")
    for lang, text in (("ko", pair.ko), ("en", pair.en)):
        handle.write(f'      <tuv xml:lang="{lang}"><seg>{escape(text)}</seg></tuv>\n')
    handle.write("    </tu>\n")


def write_footer(handle: IO[str]) -> None:
    handle.write("  </body>\n</tmx>\n")


def read_units(path: str) -> Iterator[dict[str, str]]:
    """Yield {language: segment text} per <tu>, streaming; languages lower-cased ("ko-KR" -> "ko-kr")."""
    try:
        for _, element in iterparse(path, events=("end",)):
            if element.tag != "tu":
                continue
            unit = {}
            for tuv in element.iter("tuv"):
                lang = (tuv.get(XML_LANG) or tuv.get("lang") or "").lower()
                seg = tuv.find("seg")
                if seg is not None:
                    unit[lang] = "".join(seg.itertext())
            element.clear()
            yield unit
    except ParseError as err:
        raise DariError(f"not well-formed TMX ({err})", path) from None
