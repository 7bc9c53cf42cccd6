"""TMX 1.4 (LISA Translation Memory eXchange) writing and streaming reading.

Written by hand rather than with ElementTree so a multi-million pair corpus streams to disk one
<tu> at a time; every text and attribute goes through XML escaping. Control characters should never
reach here (document ids are checked on input, the control_chars filter rejects pairs), but a
character XML 1.0 cannot represent is refused here too, so no caller can make the file unreadable.
"""

from __future__ import annotations

from typing import IO
import re
from collections.abc import Iterator
from xml.etree.ElementTree import ParseError, iterparse
from xml.sax.saxutils import escape, quoteattr

from mt import __version__
from mt.io.errors import DariError
from corpora.records import PairRecord, format_ids

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# Characters outside XML 1.0's Char production: not even a character reference can write them.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml_text(value: str, what: str, tuid: int, where: str | None) -> str:
    bad = NOT_XML.search(value)
    if bad:
        raise DariError(f"unit {tuid}: {what} contains U+{ord(bad.group()):04X}, which XML 1.0 cannot represent", where)
    return escape(value)


def write_header(handle: IO[str], srclang: str = "ko") -> None:
    handle.write('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE tmx SYSTEM "tmx14.dtd">\n<tmx version="1.4">\n')
    handle.write(
        f'  <header creationtool="dari" creationtoolversion={quoteattr(__version__)} segtype="sentence" '
        f'o-tmf="dari" adminlang="en" srclang={quoteattr(srclang)} datatype="plaintext"/>\n  <body>\n'
    )


def write_unit(handle: IO[str], pair: PairRecord, tuid: int, extra: dict | None = None, where: str | None = None) -> None:
    """One <tu>; provenance goes into x- props, which TMX reserves for user-defined properties
    (`extra` {"decided_at": ...} becomes `x-decided-at`; None values are left out).

    `where` names the file in the error raised for text XML cannot hold."""
    props = {
        "x-doc": pair.doc,
        "x-ko-ids": format_ids(pair.ko_ids),
        "x-en-ids": format_ids(pair.en_ids),
        "x-score": f"{pair.score:.4f}",
        **{f"x-{name.replace('_', '-')}": str(value) for name, value in (extra or {}).items() if value is not None},
    }
    handle.write(f'    <tu tuid="{tuid}">\n')
    for name, value in props.items():
        handle.write(f"      <prop type={quoteattr(name)}>{_xml_text(value, name, tuid, where)}</prop>\n")
    for lang, text in (("ko", pair.ko), ("en", pair.en)):
        handle.write(f'      <tuv xml:lang="{lang}"><seg>{_xml_text(text, lang, tuid, where)}</seg></tuv>\n')
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
