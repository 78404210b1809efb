"""Files in and out. In: every file a person hands SellerDesk (a report, a policy, a
ledger to verify) is first checked to be an ordinary file, so a folder, a named pipe or a
device is refused in one sentence instead of a traceback or a read that never returns.
Out: a file is written whole or not at all, under a temporary name beside it, renamed
over the real name only once complete, so an interrupted export never leaves half a file."""

from __future__ import annotations

import csv
import os
import stat
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from sellerdesk.core.errors import InputError, KnownError

# What stat says a path is, when it is not an ordinary file.
_NOT_A_FILE = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe (FIFO)"),
               (stat.S_ISCHR, "a device"), (stat.S_ISBLK, "a device"),
               (stat.S_ISSOCK, "a socket"))


def require_regular_file(path: Path) -> os.stat_result:
    """The file's stat, or an InputError naming it when it is missing, unreadable or not
    an ordinary file. Asked with os.stat before anything opens the path: opening a named
    pipe to read waits for a writer that may never come."""
    path = Path(path)
    try:
        info = os.stat(path)
    except FileNotFoundError:
        reason = ("is a link to a file that is not there" if os.path.islink(path)
                  else "no such file")
        raise InputError(reason, file=str(path)) from None
    except PermissionError:
        raise InputError("SellerDesk may not read this file", file=str(path)) from None
    except (OSError, ValueError) as exc:   # a loop of links, a name too long, a NUL in it
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise InputError(f"cannot be read ({reason})", file=str(path)) from None
    if not stat.S_ISREG(info.st_mode):
        what = next((name for test, name in _NOT_A_FILE if test(info.st_mode)),
                    "something other than a file")
        raise InputError(f"this is {what}, not a file SellerDesk can read", file=str(path))
    return info


def open_regular_file(path: Path) -> BinaryIO:
    """The file opened to read bytes, once require_regular_file has let it through; an
    error opening it (no permission, gone meanwhile) is an InputError naming it."""
    require_regular_file(path)
    try:
        return open(path, "rb")      # the caller closes it
    except FileNotFoundError:
        raise InputError("no such file", file=str(path)) from None
    except PermissionError:
        raise InputError("SellerDesk may not read this file", file=str(path)) from None
    except OSError as exc:
        raise InputError(f"cannot be read ({exc.strerror or exc})", file=str(path)) from None


def read_regular_file(path: Path, *, limit: int, what: str) -> bytes:
    """The whole of a small file (a policy, a performance report, a ledger export), or
    an InputError naming it: not an ordinary file, or larger than `limit` bytes, which no
    `what` (e.g. "a policy file") ever is."""
    with open_regular_file(path) as f:
        try:
            data = f.read(limit + 1)
        except OSError as exc:
            raise InputError(f"cannot be read ({exc.strerror or exc})",
                             file=str(path)) from None
    if len(data) > limit:
        raise InputError(f"this file is larger than {limit // 2**20:,} MB, too large to be "
                         f"{what}", file=Path(path).name)
    return data


@contextmanager
def written_whole(target: Path) -> Iterator[Path]:
    """Yields the temporary path to write; renamed to `target` when the block ends
    cleanly, removed otherwise. An OS error (no such folder, no permission, disk full)
    becomes one sentence naming the file."""
    target = Path(target)
    partial = target.with_name(f".{target.name}.partial")
    try:
        yield partial
        os.replace(partial, target)
    except OSError as exc:
        raise KnownError(f"cannot write {target}: {exc.strerror or exc}") from None
    finally:
        partial.unlink(missing_ok=True)


def write_csv(target: Path, rows: Iterable[Sequence[str]]) -> int:
    """Rows (the first, the headers) to a CSV file, whole or not at all; how many rows
    came after the headers."""
    count = -1
    with written_whole(target) as partial, open(partial, "w", encoding="utf-8",
                                                newline="") as f:
        out = csv.writer(f)
        for row in rows:
            out.writerow(row)
            count += 1
    return max(count, 0)
