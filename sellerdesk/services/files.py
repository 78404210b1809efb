"""Writing a file whole or not at all: under a temporary name beside it, renamed over the
real name only once complete, so an interrupted export never leaves half a file."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sellerdesk.core.errors import KnownError


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
