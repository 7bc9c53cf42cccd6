"""The one error type users see: a single line naming the file and the problem, exit code 2."""

import click


class InputError(click.ClickException):
    """Bad input or an unusable model; click prints `Error: <message>` and exits 2, no traceback."""

    exit_code = 2

    def __init__(self, message: str, path: str | None = None):
        super().__init__(f"{path}: {message}" if path else message)
