"""Reading parallel text back: built corpora for `stats`, test sets for `--exclude`.

The format follows the file name: `.tsv` (Korean, English in the first two columns), `.jsonl`
(`ko`/`en` fields), `.tmx`, a Moses pair (`NAME.ko` + `NAME.en`, either name given), a directory
built by `dari corpus build`, or otherwise plain text with one segment per line.
"""

from __future__ import annotations

import itertools
import json
import os
from collections.abc import Iterator

from mt.io.errors import DariError
from mt.io.files import iter_json_objects, iter_lines
from corpora import tmx
from corpora.writers import output_files

Pair = tuple[str, str]


def _moses_partner(path: str) -> tuple[str, str] | None:
    stem, ext = os.path.splitext(path)
    if ext in (".ko", ".en") and os.path.isfile(stem + ".ko") and os.path.isfile(stem + ".en"):
        return stem + ".ko", stem + ".en"
    return None


def _built_corpus(directory: str) -> str:
    """The corpus file of a build directory, whatever format it was built in."""
    stats_path = os.path.join(directory, "stats.json")
    if not os.path.isfile(stats_path):
        raise DariError("directory has no stats.json; is it the output of `dari corpus build`?", directory)
    with open(stats_path, encoding="utf-8") as handle:
        fmt = json.load(handle)["format"]
    return os.path.join(directory, output_files(fmt)[0])


PARALLEL_SUFFIXES = (".tsv", ".jsonl", ".tmx")  # besides a .ko/.en pair and a build directory


def _is_parallel(path: str) -> bool:
    return os.path.isdir(path) or bool(_moses_partner(path)) or path.endswith(PARALLEL_SUFFIXES)


def read_pairs(path: str) -> Iterator[Pair]:
    """(Korean, English) pairs of a parallel file in any supported format."""
    if not os.path.exists(path):
        raise DariError("no such file or directory", path)
    if os.path.isdir(path):
        yield from read_pairs(_built_corpus(path))
        return
    moses = _moses_partner(path)
    if moses:
        for ko, en in itertools.zip_longest(iter_lines(moses[0]), iter_lines(moses[1])):
            if ko is None or en is None:
                raise DariError(f"{moses[0]} and {moses[1]} have different line counts", path)
            yield ko[1], en[1]
        return
    if not _is_parallel(path):
        raise DariError("unknown parallel format: expected .tsv, .jsonl, .tmx, a .ko/.en pair or a build directory", path)
    if path.endswith(".tsv"):
        for number, line in iter_lines(path):
            columns = line.split("\t")
            if len(columns) < 2:
                raise DariError(f"line {number}: expected Korean<TAB>English", path)
            yield columns[0], columns[1]
    elif path.endswith(".jsonl"):
        for number, data in iter_json_objects(path):
            if not isinstance(data.get("ko"), str) or not isinstance(data.get("en"), str):
                raise DariError(f'line {number}: expected an object with string "ko" and "en"', path)
            yield data["ko"], data["en"]
    else:
        for unit in tmx.read_units(path):
            ko = next((text for lang, text in unit.items() if lang.startswith("ko")), None)
            en = next((text for lang, text in unit.items() if lang.startswith("en")), None)
            if ko is not None and en is not None:
                yield ko, en


def read_segments(path: str) -> Iterator[str]:
    """Every segment of a test set, either side: parallel formats give both, plain text one per line."""
    if _is_parallel(path):
        for ko, en in read_pairs(path):
            yield ko
            yield en
    else:
        for _, line in iter_lines(path):
            if line.strip():
                yield line
