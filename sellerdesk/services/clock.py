"""The desk's clock: UTC, naive (as stored). Demo data is written "as of" earlier times
by pinning the clock for the current thread only, so a window reading the time on the
GUI thread meanwhile still sees the real one."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime

_PINNED: ContextVar[datetime | None] = ContextVar("sellerdesk_pinned_now", default=None)


def now() -> datetime:
    pinned = _PINNED.get()
    return pinned if pinned is not None else datetime.now(UTC).replace(tzinfo=None)


@contextmanager
def pinned(at: datetime) -> Iterator[None]:
    """Everything done inside happens, as far as the desk records it, at `at`."""
    token = _PINNED.set(at)
    try:
        yield
    finally:
        _PINNED.reset(token)
