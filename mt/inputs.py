"""Turning `dari translate` arguments into documents: files, directories, stdin, JSONL manifests."""

from __future__ import annotations

import os

from mt.io.errors import DariError
from mt.io.files import STDIN, iter_json_objects, read_text
from mt.translate import Document


def read_manifest(path: str) -> list[Document]:
    """`{"id": ..., "text": ...}` per line; blank lines are allowed, anything else malformed is an error."""
    documents = []
    for number, record in iter_json_objects(path):
        if "id" not in record or "text" not in record:
            raise DariError(f'line {number}: expected an object with "id" and "text"', path)
        if not isinstance(record["text"], str):
            raise DariError(f'line {number}: "text" must be a string', path)
        if not record["text"].strip():
            raise DariError(f"line {number}: empty text for id {record['id']!r}", path)
        documents.append(Document(str(record["id"]), record["text"].replace("\r\n", "\n")))
    if not documents:
        raise DariError("empty input", path)
    return documents


def collect_documents(inputs: tuple[str, ...] | list[str]) -> list[Document]:
    documents: list[Document] = []
    for item in inputs or (STDIN,):
        if item == STDIN:
            documents.append(Document("stdin", read_text(STDIN)))
        elif os.path.isdir(item):
            names = sorted(name for name in os.listdir(item) if name.endswith(".txt"))
            if not names:
                raise DariError("directory has no *.txt files", item)
            documents += [Document(os.path.join(item, name), read_text(os.path.join(item, name))) for name in names]
        elif item.endswith(".jsonl"):
            documents += read_manifest(item)
        else:
            documents.append(Document(item, read_text(item)))
    seen: set[str] = set()
    for document in documents:
        if document.id in seen:
            raise DariError(f"document id {document.id!r} appears twice in the input")
        seen.add(document.id)
    return documents
