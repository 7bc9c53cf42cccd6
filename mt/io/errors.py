"""The project's one error type.

Library code (segmenting, aligning, scoring, building corpora) raises `DariError` for bad input,
unusable models and unwritable outputs, so Python callers get a plain exception they can catch;
only the command line (`mt.cli`) turns it into a one-line `Error: ...` and exit code 2.
"""

from __future__ import annotations


class DariError(Exception):
    """Bad input, an unusable model or an unwritable output: one line naming the file and the problem."""

    exit_code = 2

    def __init__(self, message: str, path: str | None = None):
        self.path = path
        self.message = f"{path}: {message}" if path else message
        super().__init__(self.message)
