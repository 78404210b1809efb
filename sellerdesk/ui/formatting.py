"""How values look on screen. Light on purpose: imported before the window shows."""

from __future__ import annotations

from datetime import UTC, datetime

ERROR_STYLE = "color: #b00020;"     # a refusal or failure shown in a dialog


def local_now(utc_naive: datetime) -> datetime:
    """The desk's clock (naive UTC, services.clock.now) as an aware local time, for the
    date and time editors: Qt's own clock would not follow the desk's."""
    return utc_naive.replace(tzinfo=UTC).astimezone()


def local_time(utc_naive: datetime) -> str:
    """Stored UTC, shown in the desk's own time zone."""
    return utc_naive.replace(tzinfo=UTC).astimezone().strftime("%Y-%m-%d %H:%M")
