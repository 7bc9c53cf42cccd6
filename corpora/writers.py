"""Corpus output formats: TSV, Moses, JSONL and TMX, each written atomically as a stream.

Every format carries provenance (document id, sentence ids, alignment score): in-line for TSV,
JSONL and TMX, in a line-aligned `corpus.meta.jsonl` beside the two Moses files.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable, Iterator

from mt.io.files import atomic_output
from corpora import tmx
from corpora.records import PairRecord, format_ids

FORMATS = ("tsv", "moses", "jsonl", "tmx")
REJECTS_FILE = "rejects.jsonl"

Write = Callable[[PairRecord], None]


def output_files(fmt: str) -> list[str]:
    """File names a format writes inside the output directory."""
    return {
        "tsv": ["corpus.tsv"],
        "moses": ["corpus.ko", "corpus.en", "corpus.meta.jsonl"],
        "jsonl": ["corpus.jsonl"],
        "tmx": ["corpus.tmx"],
    }[fmt]


def _provenance(pair: PairRecord) -> dict:
    return {"doc": pair.doc, "ko_ids": pair.ko_ids, "en_ids": pair.en_ids, "score": round(pair.score, 4)}


def _json_line(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False) + "\n"


@contextlib.contextmanager
def open_corpus(out_dir: str, fmt: str) -> Iterator[Write]:
    """Yield a `write(pair)`; the files appear only when the block completes."""
    paths = [os.path.join(out_dir, name) for name in output_files(fmt)]
    with contextlib.ExitStack() as stack:
        handles = [stack.enter_context(atomic_output(path)) for path in paths]
        if fmt == "tsv":
            def write(pair: PairRecord) -> None:
                handles[0].write(
                    f"{pair.ko}\t{pair.en}\t{pair.doc}\t{format_ids(pair.ko_ids)}\t{format_ids(pair.en_ids)}\t{pair.score:.4f}\n"
                )
        elif fmt == "moses":
            def write(pair: PairRecord) -> None:
                handles[0].write(pair.ko + "\n")
                handles[1].write(pair.en + "\n")
                handles[2].write(_json_line(_provenance(pair)))
        elif fmt == "jsonl":
            def write(pair: PairRecord) -> None:
                handles[0].write(_json_line({"ko": pair.ko, "en": pair.en, **_provenance(pair)}))
        else:
            tmx.write_header(handles[0])
            counter = iter(range(1, 1 << 62))

            def write(pair: PairRecord) -> None:
                tmx.write_unit(handles[0], pair, next(counter), paths[0])
        yield write
        if fmt == "tmx":
            tmx.write_footer(handles[0])


@contextlib.contextmanager
def open_rejects(out_dir: str) -> Iterator[Write]:
    with atomic_output(os.path.join(out_dir, REJECTS_FILE)) as handle:
        yield lambda pair: handle.write(_json_line(pair.to_json()))
