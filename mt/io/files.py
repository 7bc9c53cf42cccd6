"""Reading user files strictly and writing outputs atomically.

Every stage reads through `read_text` so that missing, binary, non-UTF-8 and empty inputs fail the
same way everywhere, and writes through `atomic_output` so a failed or killed run never leaves a
half-written output file behind.

Inputs are read in chunks and checked as they come, so a binary file (or /dev/zero) fails at its
first NUL byte instead of after it has been read into memory whole.

How outputs are written, and why:
- The content goes to a temporary file beside the output and is renamed over it only when
  complete, so readers see the old file or the new one, never half of one.
- The output gets the mode `open()` gives a new file (0666 less the umask), also when it replaces
  an existing file: the output is a new file, so reports and corpora are as shareable as the user's
  umask says, whatever mode an earlier file had.
- An output that exists and is not a regular file (/dev/null, a FIFO, /dev/stdout) is written in
  place: there is nothing to rename onto, and replacing a device with a file would be a disaster.
- Any OS error while creating, writing or renaming (read-only directory, a directory named as the
  output, disk full, I/O error) becomes a DariError naming the output, and the temporary is removed.
- Temporaries are named `.NAME.dari-XXXXXXXX.tmp` and hold an flock while their writer lives. A
  `kill -9` leaves one behind; the next run that completes the same output removes those whose lock
  is free, so a temporary of another run still writing is never touched (the lock, unlike a pid,
  also holds across machines sharing an NFS directory).
- Writing to stdout cannot be rolled back; its errors become a DariError naming `<stdout>`, except
  a closed pipe (`dari ... | head`), which stays BrokenPipeError for the command line to end quietly.
"""

from __future__ import annotations

import codecs
import contextlib
import fcntl
import json
import os
import sys
from typing import IO
from collections.abc import Iterator

from mt.io.errors import DariError

STDIN = "-"
STDOUT_NAME = "<stdout>"
READ_CHUNK = 1 << 16  # bytes read (and checked) at a time
_TEMP_MARK = "dari-"
_TEMP_SUFFIX = ".tmp"
_TEMP_TOKEN_LEN = 8  # hex digits of a temporary's random part


def display_name(path: str) -> str:
    return "<stdin>" if path == STDIN else path


def _binary_error(path: str, line: int | None = None) -> DariError:
    where = f"line {line}: " if line else ""
    return DariError(f"{where}binary {'data' if line else 'file'} (contains NUL bytes), expected UTF-8 text", display_name(path))


def _utf8_error(byte: int, offset: int, path: str, line: int | None = None) -> DariError:
    where = f"line {line}: " if line else ""
    return DariError(
        f"{where}not valid UTF-8 (byte 0x{byte:02x} at offset {offset}); convert it with e.g. `iconv -f cp949 -t utf-8`",
        display_name(path),
    )


def _decode_line(data: bytes, path: str, line: int) -> str:
    """Strict UTF-8 for one line of a streamed file (a BOM allowed on line 1)."""
    try:
        return data.decode("utf-8-sig" if line == 1 else "utf-8")
    except UnicodeDecodeError as err:
        raise _utf8_error(data[err.start], err.start, path, line) from None


def _read_checked(handle: IO[bytes], path: str) -> str:
    """The whole stream as text, checked chunk by chunk: memory never holds more than a chunk of a bad file."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    pieces = []
    offset = 0  # bytes read before the current chunk
    while True:
        chunk = handle.read(READ_CHUNK)
        if b"\x00" in chunk:
            raise _binary_error(path)
        pending = len(decoder.getstate()[0])  # bytes of a character split across chunks
        try:
            pieces.append(decoder.decode(chunk, final=not chunk))
        except UnicodeDecodeError as err:
            raise _utf8_error(err.object[err.start], offset - pending + err.start, path) from None
        if not chunk:
            break
        offset += len(chunk)
    text = "".join(pieces)
    return text[1:] if text.startswith("\ufeff") else text


def read_text(path: str, *, allow_empty: bool = False) -> str:
    """Read a UTF-8 text file (a BOM is allowed), or stdin for `-`; line ends become `\\n`."""
    if path == STDIN:
        text = _read_checked(sys.stdin.buffer, path)
    else:
        if not os.path.exists(path):
            raise DariError("no such file", path)
        if os.path.isdir(path):
            raise DariError("is a directory, expected a text file", path)
        try:
            with open(path, "rb") as handle:
                text = _read_checked(handle, path)
        except OSError as err:
            raise DariError(f"cannot read ({err.strerror})", path) from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
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


def _raw_lines(handle: IO[bytes], path: str) -> Iterator[tuple[int, bytes]]:
    """Numbered lines read a chunk at a time, so a binary file without line breaks fails at its first
    NUL byte instead of being read whole as one line."""
    number = 0
    while True:
        pieces = []
        while True:
            piece = handle.readline(READ_CHUNK)
            if b"\x00" in piece:
                raise _binary_error(path, number + 1)
            pieces.append(piece)
            if not piece or piece.endswith(b"\n"):
                break
        line = b"".join(pieces)
        if not line:
            return
        number += 1
        yield number, line


def iter_lines(path: str) -> Iterator[tuple[int, str]]:
    """Numbered lines, checked like `read_text` but streamed, so a large corpus never sits in memory whole."""
    if not os.path.isfile(path):
        raise DariError("no such file" if not os.path.exists(path) else "not a regular file", path)
    try:
        with open(path, "rb") as handle:
            for number, raw in _raw_lines(handle, path):
                yield number, _decode_line(raw, path, number).rstrip("\r\n")
    except OSError as err:
        raise DariError(f"cannot read ({err.strerror})", path) from None


def _lone_surrogate(value) -> str | None:
    """The first lone surrogate in a parsed JSON value: `"\\ud800"` parses, but is no character."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as err:
            return value[err.start]
        return None
    if isinstance(value, dict):
        value = [*value.keys(), *value.values()]
    if isinstance(value, list):
        return next((found for found in map(_lone_surrogate, value) if found), None)
    return None


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
        surrogate = _lone_surrogate(record) if "\\u" in line else None
        if surrogate:
            raise DariError(f"line {number}: lone surrogate \\u{ord(surrogate):04x} in a string (not a Unicode character)", path)
        yield number, record


def _write_error(err: OSError, name: str) -> DariError:
    return DariError(f"cannot write ({err.strerror or err})", name)


def _writable_directory(directory: str) -> bool:
    return os.access(directory, os.W_OK | os.X_OK)


def check_output(path: str) -> None:
    """Refuse an output that cannot be written, in a fraction of a second: callers check every output
    before doing any work, so a typo in `-o` does not cost a whole run."""
    if path == STDIN:
        return
    if os.path.isdir(path):
        raise DariError("is a directory; give a file name for the output", path)
    if os.path.exists(path) and not os.path.isfile(path):  # a device or a pipe: written in place
        if not os.access(path, os.W_OK):
            raise DariError("cannot write (permission denied)", path)
        return
    directory = os.path.dirname(os.path.realpath(path))
    if not os.path.isdir(directory):
        raise DariError("output directory does not exist", path)
    if not _writable_directory(directory):
        raise DariError(f"cannot write (directory {directory} is not writable)", path)


def output_key(path: str) -> str:
    """What tells two outputs apart: the same file reached by two spellings is one output."""
    return path if path == STDIN else os.path.realpath(path)


def check_output_directory(path: str) -> None:
    """Refuse a directory of outputs that neither exists writable nor can be created."""
    target = os.path.abspath(path)  # without a trailing slash, which would hide a file of that name
    if os.path.exists(target):
        if not os.path.isdir(target):
            raise DariError("exists and is not a directory", path)
        if not _writable_directory(target):
            raise DariError("cannot write (directory is not writable)", path)
        return
    ancestor = os.path.dirname(target)
    while not os.path.exists(ancestor):
        ancestor = os.path.dirname(ancestor)
    if not os.path.isdir(ancestor):
        raise DariError(f"cannot create the directory ({ancestor} is not a directory)", path)
    if not _writable_directory(ancestor):
        raise DariError(f"cannot create the directory ({ancestor} is not writable)", path)


def make_output_directory(path: str) -> None:
    """Create a directory of outputs (with its parents, like `mkdir -p`) or raise a one-line DariError."""
    check_output_directory(path)
    try:
        os.makedirs(path, exist_ok=True)
    except OSError as err:
        raise DariError(f"cannot create the directory ({err.strerror})", path) from None


class _CheckedWriter:
    """A write handle whose OS errors become a DariError naming the output."""

    def __init__(self, handle: IO, name: str):
        self._handle = handle
        self._name = name

    def _guarded(self, method, *args):
        try:
            return method(*args)
        except BrokenPipeError:
            raise  # the reader went away (`| head`): the command line ends quietly
        except OSError as err:
            raise _write_error(err, self._name) from None
        except UnicodeEncodeError as err:  # a lone surrogate from a non-UTF-8 file name, or an ASCII-only stdout
            char = err.object[err.start]
            raise DariError(f"cannot write U+{ord(char):04X} as {err.encoding} ({err.reason})", self._name) from None

    def write(self, data):
        return self._guarded(self._handle.write, data)

    def writelines(self, lines) -> None:
        self._guarded(self._handle.writelines, lines)

    def flush(self) -> None:
        self._guarded(self._handle.flush)

    def __getattr__(self, name: str):
        return getattr(self._handle, name)


def _open_mode(binary: bool) -> tuple[str, dict]:
    return ("wb", {}) if binary else ("w", {"encoding": "utf-8", "newline": "\n"})


def _temp_name(directory: str, base: str) -> str:
    return os.path.join(directory, f".{base}.{_TEMP_MARK}{os.urandom(_TEMP_TOKEN_LEN // 2).hex()}{_TEMP_SUFFIX}")


def _is_temp_of(name: str, base: str) -> bool:
    prefix = f".{base}.{_TEMP_MARK}"
    token = name[len(prefix): -len(_TEMP_SUFFIX)]
    return (name.startswith(prefix) and name.endswith(_TEMP_SUFFIX) and len(token) == _TEMP_TOKEN_LEN
            and all(ch in "0123456789abcdef" for ch in token))


def _still_named(fd: int, path: str) -> bool:
    try:
        return os.path.samestat(os.fstat(fd), os.stat(path, follow_symlinks=False))
    except FileNotFoundError:
        return False


def _create_temp(directory: str, base: str) -> tuple[int, str]:
    """A new, locked temporary for `base`, with the mode open() gives a new file.

    Between creating and locking it, another run's clean-up may find it unlocked and remove it:
    then it is no longer under its name, and a new one is made.
    """
    while True:
        tmp = _temp_name(directory, base)
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666)
        except FileExistsError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            if _still_named(fd, tmp):
                return fd, tmp
        except BlockingIOError:  # a clean-up holds it and is about to remove it
            pass
        except BaseException:
            os.close(fd)
            raise
        os.close(fd)


def _remove_stale_temps(directory: str, base: str) -> None:
    """Remove temporaries of `base` left by killed runs; best effort, never failing a finished write."""
    with contextlib.suppress(OSError), os.scandir(directory) as entries:
        for entry in entries:
            if not _is_temp_of(entry.name, base):
                continue
            try:
                fd = os.open(entry.path, os.O_RDONLY | os.O_CLOEXEC | os.O_NOFOLLOW)
            except OSError:
                continue
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # fails while its writer lives
                if _still_named(fd, entry.path):
                    os.unlink(entry.path)
            except OSError:
                pass
            finally:
                os.close(fd)


def _discard(handle: IO, fd: int, tmp: str) -> None:
    with contextlib.suppress(OSError, ValueError):
        handle.close()
    with contextlib.suppress(OSError):
        os.unlink(tmp)
    os.close(fd)


@contextlib.contextmanager
def atomic_output(path: str | None, *, binary: bool = False) -> Iterator[IO]:
    """Yield a handle whose content appears at `path` only if the block finishes without error.

    `None` or `-` write to stdout directly (a pipe cannot be rolled back). See the module docstring
    for modes, errors and temporaries.
    """
    mode, text_args = _open_mode(binary)
    if path is None or path == STDIN:
        stdout = _CheckedWriter(sys.stdout.buffer if binary else sys.stdout, STDOUT_NAME)
        yield stdout
        stdout.flush()
        return
    check_output(path)
    if os.path.exists(path) and not os.path.isfile(path):
        try:
            handle = open(path, mode, **text_args)  # noqa: SIM115 (closed below; an error opening it is told apart from the block's)
        except OSError as err:
            raise _write_error(err, path) from None
        try:
            checked = _CheckedWriter(handle, path)
            yield checked
            checked.flush()
        finally:
            with contextlib.suppress(OSError):
                handle.close()
        return
    target = os.path.realpath(path)  # through a symlink, as open() would, instead of replacing the link
    directory, base = os.path.split(target)
    try:
        fd, tmp = _create_temp(directory, base)
    except OSError as err:
        raise _write_error(err, path) from None
    handle = os.fdopen(fd, mode, closefd=False, **text_args)  # fd stays open, and locked, until renamed
    try:
        yield _CheckedWriter(handle, path)
    except BaseException:
        _discard(handle, fd, tmp)
        raise
    try:
        handle.flush()
        os.fsync(fd)
        handle.close()
        os.replace(tmp, target)
    except OSError as err:
        _discard(handle, fd, tmp)
        raise _write_error(err, path) from None
    os.close(fd)
    _remove_stale_temps(directory, base)


def write_text(path: str | None, text: str) -> None:
    with atomic_output(path) as handle:
        handle.write(text)


__all__ = [
    "STDIN", "STDOUT_NAME", "DariError", "atomic_output", "check_output", "check_output_directory", "display_name",
    "iter_json_objects", "iter_lines", "make_output_directory", "output_key", "read_lines", "read_text", "write_text",
]
