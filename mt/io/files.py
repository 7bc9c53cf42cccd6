"""Reading user files strictly and writing outputs atomically.

Every stage reads through `read_text` so that missing, binary, non-UTF-8 and empty inputs fail the
same way everywhere, and writes through `atomic_output` so a failed or killed run never leaves a
half-written output file behind.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import tempfile
from typing import IO
from collections.abc import Iterator

from mt.io.errors import DariError

STDIN = "-"


def display_name(path: str) -> str:
    return "<stdin>" if path == STDIN else path


def _decode(data: bytes, path: str, line: int | None = None) -> str:
    """Strict UTF-8 (a BOM allowed at the start of the file) or a one-line DariError naming `path`
    and, for a streamed file, the line."""
    where = f"line {line}: " if line else ""
    if b"\x00" in data:
        raise DariError(f"{where}binary {'data' if line else 'file'} (contains NUL bytes), expected UTF-8 text", display_name(path))
    try:
        return data.decode("utf-8-sig" if line in (None, 1) else "utf-8")
    except UnicodeDecodeError as err:
        raise DariError(
            f"{where}not valid UTF-8 (byte 0x{data[err.start]:02x} at offset {err.start}); convert it with "
            "e.g. `iconv -f cp949 -t utf-8`",
            display_name(path),
        ) from None


def decode_text(data: bytes, path: str) -> str:
    """Decode UTF-8 (a BOM is allowed) or raise a one-line DariError naming `path`."""
    return _decode(data, path).replace("\r\n", "\n").replace("\r", "\n")


def read_text(path: str, *, allow_empty: bool = False) -> str:
    """Read a UTF-8 text file, or stdin for `-`."""
    if path == STDIN:
        data = sys.stdin.buffer.read()
    else:
        if not os.path.exists(path):
            raise DariError("no such file", path)
        if os.path.isdir(path):
            raise DariError("is a directory, expected a text file", path)
        try:
            with open(path, "rb") as handle:
                data = handle.read()
        except OSError as err:
            raise DariError(f"cannot read ({err.strerror})", path) from None
    text = decode_text(data, path)
    if not allow_empty and not text.strip():
        raise DariError("empty input", display_name(path))
    return text


def read_lines(path: str, *, allow_empty: bool = False) -> list[str]:
    """One segment per line, as aligners and scorers expect; a final newline adds no empty line."""
    text = read_text(path, allow_empty=allow_empty)
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def iter_lines(path: str) -> Iterator[tuple[int, str]]:
    """Numbered lines, checked like `read_text` but streamed, so a large corpus never sits in memory whole."""
    if not os.path.isfile(path):
        raise DariError("no such file" if not os.path.exists(path) else "not a regular file", path)
    with open(path, "rb") as handle:
        for number, raw in enumerate(handle, 1):
            yield number, _decode(raw, path, number).rstrip("\r\n")


def iter_json_objects(path: str) -> Iterator[tuple[int, dict]]:
    """Numbered JSON objects of a JSONL file; blank lines are allowed, anything else malformed is an error."""
    for number, line in iter_lines(path):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as err:
            raise DariError(f"line {number}: not valid JSON ({err.msg})", path) from None
        if not isinstance(record, dict):
            raise DariError(f"line {number}: expected a JSON object", path)
        yield number, record


def check_output_dir(path: str) -> None:
    """Refuse an output whose directory is missing; callers writing several files check them all first."""
    if path != STDIN and not os.path.isdir(os.path.dirname(os.path.abspath(path))):
        raise DariError("output directory does not exist", path)


@contextlib.contextmanager
def atomic_output(path: str | None, *, binary: bool = False) -> Iterator[IO]:
    """Yield a handle whose content appears at `path` only if the block finishes without error.

    `None` or `-` write to stdout directly (a pipe cannot be rolled back).
    """
    if path is None or path == STDIN:
        if binary:
            yield sys.stdout.buffer
            sys.stdout.buffer.flush()
        else:
            yield sys.stdout
            sys.stdout.flush()
        return
    check_output_dir(path)
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(path)}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb" if binary else "w", **({} if binary else {"encoding": "utf-8", "newline": "\n"})) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def write_text(path: str | None, text: str) -> None:
    with atomic_output(path) as handle:
        handle.write(text)


__all__ = ["STDIN", "DariError", "atomic_output", "check_output_dir", "decode_text", "display_name", "iter_json_objects", "iter_lines", "read_lines", "read_text", "write_text"]
