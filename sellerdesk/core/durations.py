"""Durations as people say them at a desk ("3 d 4 h", "overdue 40 min"): an issue's
age, what is left of a reply's time, a deadline's distance."""

from __future__ import annotations

from datetime import datetime, timedelta


def span(delta: timedelta) -> str:
    """A duration as people say it at a desk: "3 d 4 h", "5 h 12 min", "40 min"."""
    minutes = int(abs(delta).total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {minutes:02d} min"
    return f"{minutes} min"


def age(delta: timedelta) -> str:
    """How old something is, to the hour once it is a day old."""
    minutes = int(delta.total_seconds() // 60)
    if minutes < 60:
        return f"{max(minutes, 0)} min"
    hours = minutes // 60
    return f"{hours} h" if hours < 24 else f"{hours // 24} d {hours % 24} h"


def reply_clock(due: datetime | None, now: datetime) -> str:
    """What is left of the time to reply, or how late the reply is."""
    if due is None:
        return ""
    left = due - now
    return f"{span(left)} left" if left >= timedelta(0) else f"overdue {span(left)}"
