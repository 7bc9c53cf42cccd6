"""Corpus output formats: TSV, Moses, JSONL and TMX, each written atomically as a stream.

Every format carries provenance (document id, sentence ids, alignment score): in-line for TSV,
JSONL and TMX, in a line-aligned `corpus.meta.jsonl` beside the two Moses files.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable, Iterator
from typing import IO

from mt.io.errors import DariError
from mt.io.files import atomic_output
from corpora import tmx
from corpora.records import PairRecord, format_ids

FORMATS = ("tsv", "moses", "jsonl", "tmx")
FILE_FORMATS = ("tsv", "jsonl", "tmx")  # the formats that fit in one file
REJECTS_FILE = "rejects.jsonl"

# write(pair) or write(pair, extra): `extra` adds provenance fields (TSV columns after the six
# standard ones, in its order, None as an empty column; JSONL keys; TMX `x-` props; Moses meta keys).
Write = Callable[..., None]


def output_files(fmt: str) -> list[str]:
    """File names a format writes inside the output directory."""
    return {
        "tsv": ["corpus.tsv"],
        "moses": ["corpus.ko", "corpus.en", "corpus.meta.jsonl"],
        "jsonl": ["corpus.jsonl"],
        "tmx": ["corpus.tmx"],
    }[fmt]


def file_format(path: str) -> str:
    """A one-file format named by the file's extension (`.tsv`, `.jsonl`, `.tmx`)."""
    fmt = os.path.splitext(path)[1].lower().lstrip(".")
    if fmt not in FILE_FORMATS:
        raise DariError(f"unknown format; name the file .{', .'.join(FILE_FORMATS)}", path)
    return fmt


def _provenance(pair: PairRecord) -> dict:
    return {"doc": pair.doc, "ko_ids": pair.ko_ids, "en_ids": pair.en_ids, "score": round(pair.score, 4)}


def _json_line(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False) + "\n"


def _file_writer(handle: IO[str], fmt: str, where: str) -> tuple[Write, Callable[[], None]]:
    """`write` and `finish` for one open file of a one-file format; `where` names it in errors."""
    if fmt == "tsv":
        def write(pair: PairRecord, extra: dict | None = None) -> None:
            columns = [pair.ko, pair.en, pair.doc, format_ids(pair.ko_ids), format_ids(pair.en_ids), f"{pair.score:.4f}"]
            handle.write("\t".join(columns + ["" if value is None else str(value) for value in (extra or {}).values()]) + "\n")
        return write, lambda: None
    if fmt == "jsonl":
        def write(pair: PairRecord, extra: dict | None = None) -> None:
            handle.write(_json_line({"ko": pair.ko, "en": pair.en, **_provenance(pair), **(extra or {})}))
        return write, lambda: None
    tmx.write_header(handle)
    counter = iter(range(1, 1 << 62))

    def write(pair: PairRecord, extra: dict | None = None) -> None:
        tmx.write_unit(handle, pair, next(counter), extra, where)
    return write, lambda: tmx.write_footer(handle)


@contextlib.contextmanager
def open_pair_file(path: str, fmt: str) -> Iterator[Write]:
    """Yield a `write(pair[, extra])` for one file; it appears only when the block completes."""
    with atomic_output(path) as handle:
        write, finish = _file_writer(handle, fmt, path)
        yield write
        finish()


@contextlib.contextmanager
def open_corpus(out_dir: str, fmt: str) -> Iterator[Write]:
    """Yield a `write(pair[, extra])`; the files appear only when the block completes."""
    paths = [os.path.join(out_dir, name) for name in output_files(fmt)]
    if fmt != "moses":
        with open_pair_file(paths[0], fmt) as write:
            yield write
        return
    with contextlib.ExitStack() as stack:
        handles = [stack.enter_context(atomic_output(path)) for path in paths]

        def write(pair: PairRecord, extra: dict | None = None) -> None:
            handles[0].write(pair.ko + "\n")
            handles[1].write(pair.en + "\n")
            handles[2].write(_json_line({**_provenance(pair), **(extra or {})}))
        yield write


@contextlib.contextmanager
def open_rejects(out_dir: str) -> Iterator[Write]:
    with atomic_output(os.path.join(out_dir, REJECTS_FILE)) as handle:
        yield lambda pair: handle.write(_json_line(pair.to_json()))
