"""How values look on screen. Light on purpose: imported before the window shows."""

from __future__ import annotations

from datetime import UTC, datetime

ERROR_STYLE = "color: #b00020;"     # a refusal or failure shown in a dialog


def local_time(utc_naive: datetime) -> str:
    """Stored UTC, shown in the desk's own time zone."""
    return utc_naive.replace(tzinfo=UTC).astimezone().strftime("%Y-%m-%d %H:%M")
