"""The project's one error type.

Library code (segmenting, aligning, scoring, building corpora) raises `DariError` for bad input,
unusable models and unwritable outputs, so Python callers get a plain exception they can catch;
only the command line (`mt.cli`) turns it into a one-line `Error: ...` and exit code 2.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator


class DariError(Exception):
    """Bad input, an unusable model or an unwritable output: one line naming the file and the problem."""

    exit_code = 2

    def __init__(self, message: str, path: str | None = None):
        self.path = path
        self.message = f"{path}: {message}" if path else message
        super().__init__(self.message)


@contextlib.contextmanager
def naming(path: str) -> Iterator[None]:
    """Give `path` to a DariError raised without one inside: a limit of the aligner hit on one
    document of many must say which."""
    try:
        yield
    except DariError as err:
        if err.path is not None:
            raise
        raise DariError(err.message, path) from None
