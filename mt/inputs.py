"""Turning `dari translate` arguments into documents: files, directories, stdin, JSONL manifests."""

from __future__ import annotations

import os

from mt.io.errors import DariError
from mt.io.files import STDIN, iter_json_objects, read_text
from mt.translate import Document


def read_manifest(path: str) -> list[tuple[Document, str]]:
    """`{"id": ..., "text": ...}` per line, each with where it is; blank lines are allowed, anything
    else malformed is an error."""
    documents = []
    for number, record in iter_json_objects(path):
        if "id" not in record or "text" not in record:
            raise DariError(f'line {number}: expected an object with "id" and "text"', path)
        if not isinstance(record["text"], str):
            raise DariError(f'line {number}: "text" must be a string', path)
        if not record["text"].strip():
            raise DariError(f"line {number}: empty text for id {record['id']!r}", path)
        documents.append((Document(str(record["id"]), record["text"].replace("\r\n", "\n")), f"{path}: line {number}"))
    if not documents:
        raise DariError("empty input", path)
    return documents


def collect_documents(inputs: tuple[str, ...] | list[str]) -> list[Document]:
    """Every input's documents in order; a document id given twice is an error naming both places."""
    located: list[tuple[Document, str]] = []
    for item in inputs or (STDIN,):
        if item == STDIN:
            located.append((Document("stdin", read_text(STDIN)), "<stdin>"))
        elif os.path.isdir(item):
            names = sorted(name for name in os.listdir(item) if name.endswith(".txt"))
            if not names:
                raise DariError("directory has no *.txt files", item)
            located += [(Document(path, read_text(path)), path) for path in (os.path.join(item, name) for name in names)]
        elif item.endswith(".jsonl"):
            located += read_manifest(item)
        else:
            located.append((Document(item, read_text(item)), item))
    first: dict[str, str] = {}
    for document, where in located:
        if document.id in first:
            raise DariError(f"{where}: document id {document.id!r} appears a second time (first in {first[document.id]})")
        first[document.id] = where
    return [document for document, _ in located]
