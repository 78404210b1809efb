"""Entry point: `sellerdesk` or `python -m sellerdesk`."""

import gc
import os
import sys


def main() -> None:
    # Every file and folder SellerDesk makes is its user's alone, whatever umask the
    # desktop or shell started it with (Vorta's habit): the database, its evidence store,
    # backups, key file and exports may hold buyer data, and one call here covers the code
    # that forgets to ask. (Windows has no umask to speak of: the user profile's ACLs do
    # this there; README, Data protection.)
    if os.name == "posix":
        os.umask(0o077)
    # A large import reads its file in a second process; in the packaged app that
    # process is this executable again, and this call makes it the reader, not the app.
    # It does nothing unless frozen, so a plain `python -m sellerdesk` skips importing
    # multiprocessing (5 ms of a command's start).
    if getattr(sys, "frozen", False):
        import multiprocessing
        multiprocessing.freeze_support()
    if sys.stdout is None or sys.stderr is None:
        write_output_to_log()
    from sellerdesk.cli import main as cli_main
    status = cli_main()
    # Done: leave without the collections Python's shutdown makes of every object alive,
    # most of them SQLAlchemy's from its import (30 ms of a 200 ms command). What was
    # opened was closed by the code that opened it; the OS takes the memory back.
    gc.freeze()
    sys.exit(status)


def write_output_to_log() -> None:
    """The windowed executable on Windows has no console, so Python's stdout and stderr are
    None: --smoke's line, an error in smoke mode and a bug's traceback would go nowhere.
    They go to sellerdesk.log in the app's log folder (%LOCALAPPDATA%\\SellerDesk\\Logs),
    which starts over once past 1 MB. The exit status says the rest."""
    from sellerdesk.services.paths import log_file
    path = log_file()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        mode = "w" if path.exists() and path.stat().st_size > 2**20 else "a"
        log = open(path, mode, encoding="utf-8", errors="backslashreplace",  # noqa: SIM115
                   buffering=1)
    except OSError:
        return          # nowhere to write: the output goes nowhere, as before
    if os.name == "posix":
        # Started with the descriptors closed: point them at the log as well, so what C
        # libraries (Qt, SQLite) write there never lands in the next file opened.
        for fd in (1, 2):
            try:
                os.fstat(fd)
            except OSError:
                os.dup2(log.fileno(), fd)
    sys.stdout = sys.stdout or log
    sys.stderr = sys.stderr or log


if __name__ == "__main__":
    main()
