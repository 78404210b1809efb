"""Errors split the qutebrowser way: *known* errors are the world's fault (bad input,
full disk, locked file) and carry a sentence the user can act on; anything else is a bug."""


class KnownError(Exception):
    """An error with a message fit to show a user as it is."""


class InputError(KnownError):
    """Bad input in a file: names the file, line and column."""

    def __init__(self, message: str, *, file: str = "", line: int | None = None,
                 column: str | None = None) -> None:
        self.reason, self.file, self.line, self.column = message, file, line, column
        where = ", ".join(
            part for part in (
                file,
                f"line {line}" if line is not None else "",
                f"column '{column}'" if column else "",
            ) if part
        )
        super().__init__(f"{where}: {message}" if where else message)


class Cancelled(KnownError):
    """The user cancelled long work; whatever it was doing was rolled back."""

    def __init__(self, what: str = "The operation") -> None:
        super().__init__(f"{what} was cancelled; nothing was changed.")
