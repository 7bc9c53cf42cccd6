"""The article pairs a build reads: a directory of NAME.ko.txt/NAME.en.txt files or a JSONL manifest.

Documents are yielded one at a time so a build never holds the whole input; the file names (or
manifest ids) are checked up front so a missing partner fails before any work is done.
"""

from __future__ import annotations

import hashlib
import json
import os
import unicodedata
from dataclasses import dataclass
from collections.abc import Iterator

from mt.io.errors import DariError
from mt.io.files import iter_json_objects, read_text
from corpora.records import first_control_char

KO_SUFFIX, EN_SUFFIX, MT_SUFFIX = ".ko.txt", ".en.txt", ".ko.mt.txt"


@dataclass(frozen=True)
class Document:
    """One article pair; `mt` is a machine translation of the Korean, which helps the aligner.

    A side may be empty (an article whose translation was not published): its sentences then all
    show up in the rejects as unaligned rather than failing the build.
    """

    id: str
    ko: str
    en: str
    mt: str | None = None

    def fingerprint(self) -> str:
        content = json.dumps([self.id, self.ko, self.en, self.mt], ensure_ascii=False)
        return hashlib.sha256(content.encode("utf-8")).hexdigest()


def _check_id(doc_id: str, where: str) -> None:
    """An id travels into every corpus format: a control character would break TSV lines and TMX
    (XML 1.0 has no way to write most of them), and an undecodable file name is no text at all."""
    if not doc_id:
        raise DariError("empty document id", where)
    bad = first_control_char(doc_id)
    if bad is not None:
        raise DariError(f"document id {doc_id!r} contains {_describe(bad)}; ids must be printable text", where)


def _describe(ch: str) -> str:
    if unicodedata.category(ch) == "Cs":
        return f"U+{ord(ch):04X}, which is not a character (a file name that is not UTF-8?)"
    return f"the control character U+{ord(ch):04X}"


def _directory_names(directory: str) -> list[str]:
    names = sorted(os.listdir(directory))
    present = set(names)
    docs = [name[: -len(KO_SUFFIX)] for name in names if name.endswith(KO_SUFFIX)]
    for doc in docs:
        if doc + EN_SUFFIX not in present:
            raise DariError(f"has no English partner {doc + EN_SUFFIX}", os.path.join(directory, doc + KO_SUFFIX))
    have_ko = set(docs)
    for name in names:
        if name.endswith(EN_SUFFIX) and name[: -len(EN_SUFFIX)] not in have_ko:
            raise DariError(f"has no Korean partner {name[: -len(EN_SUFFIX)] + KO_SUFFIX}", os.path.join(directory, name))
    if not docs:
        raise DariError(f"no article pairs (NAME{KO_SUFFIX} + NAME{EN_SUFFIX}) found", directory)
    for doc in docs:
        _check_id(doc, os.path.join(directory, doc + KO_SUFFIX))
    return docs


def _from_directory(directory: str, docs: list[str]) -> Iterator[Document]:
    for doc in docs:
        base = os.path.join(directory, doc)
        mt_path = base + MT_SUFFIX
        yield Document(doc, read_text(base + KO_SUFFIX, allow_empty=True), read_text(base + EN_SUFFIX, allow_empty=True),
                       read_text(mt_path, allow_empty=True) if os.path.exists(mt_path) else None)


def _from_manifest(path: str) -> Iterator[Document]:
    seen: set[str] = set()
    for number, data in iter_json_objects(path):
        if not all(isinstance(data.get(k), str) for k in ("id", "ko", "en")):
            raise DariError(f'line {number}: expected an object with string "id", "ko" and "en"', path)
        if data.get("mt") is not None and not isinstance(data["mt"], str):
            raise DariError(f'line {number}: "mt" must be a string', path)
        doc_id = data["id"]
        _check_id(doc_id, f"{path} line {number}")
        if doc_id in seen:
            raise DariError(f"line {number}: duplicate document id {doc_id!r}", path)
        seen.add(doc_id)
        yield Document(doc_id, data["ko"], data["en"], data.get("mt"))
    if not seen:
        raise DariError("empty manifest", path)


def iter_documents(source: str) -> Iterator[Document]:
    """Documents in a stable order (sorted names, or manifest order); raises DariError on bad input.

    A directory's file names are checked before the first document is yielded.
    """
    if os.path.isdir(source):
        return _from_directory(source, _directory_names(source))
    if not os.path.exists(source):
        raise DariError("no such file or directory", source)
    return _from_manifest(source)
