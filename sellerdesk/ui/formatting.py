"""How values look on screen. Light on purpose: imported before the window shows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from PySide6.QtGui import QColor, QGuiApplication, QPalette


@dataclass(frozen=True, slots=True)
class Tone:
    """A colour that means something (error, warning…) as a pair: `light` for text on a
    light window, `dark` for text on a dark one (a dark theme, a high-contrast one). Each
    reads at 4.5:1 or better (WCAG AA) on its window: #efefef light, #353535 dark."""
    light: str
    dark: str


ERROR = Tone("#b00020", "#ff8a80")        # a refusal, a failure, overdue
WARNING = Tone("#a05a00", "#ffb74d")      # soon due, taken by someone else, flags
MUTED = Tone("#666666", "#a8a8a8")        # done, purged, reversed
GOOD = Tone("#1a7536", "#81c995")         # valid, under the target, copied
BAD = Tone("#b3261e", "#f28b82")          # over the target (the Metrics chart and cards)
NOTICE_TEXT = Tone("#7a4300", "#ffd699")  # a notice's text on its NOTICE_BACKGROUND
NOTICE_BACKGROUND = Tone("#fff4e0", "#3d2e12")
ERROR_BACKGROUND = Tone("#fde2e4", "#5c1f24")   # a line marked as the one in error


def dark_palette() -> QPalette:
    """A desktop's dark theme as Fusion draws it (its usual dark colours): the palette the
    screenshots show a dark desk in, and the tests check the colours against."""
    palette = QPalette()
    role = QPalette.ColorRole
    for each, colour in ((role.Window, "#353535"), (role.WindowText, "#ffffff"),
                         (role.Base, "#2a2a2a"), (role.AlternateBase, "#353535"),
                         (role.Text, "#ffffff"), (role.Button, "#353535"),
                         (role.ButtonText, "#ffffff"), (role.ToolTipBase, "#353535"),
                         (role.ToolTipText, "#ffffff"), (role.PlaceholderText, "#a0a0a0"),
                         (role.Highlight, "#2a82da"), (role.HighlightedText, "#000000"),
                         (role.Link, "#56a8ff")):
        palette.setColor(each, QColor(colour))
    return palette


def is_dark(palette: QPalette | None = None) -> bool:
    """Whether the palette's window is dark: the desktop's dark or high-contrast theme,
    or a dark palette the app was given."""
    palette = palette if palette is not None else QGuiApplication.palette()
    return palette.color(QPalette.ColorRole.Window).lightnessF() < 0.5


def tone_name(tone: Tone, palette: QPalette | None = None) -> str:
    """The tone's colour as "#rrggbb" for this palette, for style sheets and rich text."""
    return tone.dark if is_dark(palette) else tone.light


def tone_color(tone: Tone, palette: QPalette | None = None) -> QColor:
    return QColor(tone_name(tone, palette))


def error_style() -> str:
    """A refusal or failure shown in a dialog, in the palette's error colour."""
    return f"color: {tone_name(ERROR)};"


def notice_style() -> str:
    """A boxed notice (a deadline, an issue taken by someone else)."""
    return (f"background: {tone_name(NOTICE_BACKGROUND)}; color: {tone_name(NOTICE_TEXT)}; "
            "padding: 4px")


def local_now(utc_naive: datetime) -> datetime:
    """The desk's clock (naive UTC, services.clock.now) as an aware local time, for the
    date and time editors: Qt's own clock would not follow the desk's."""
    return utc_naive.replace(tzinfo=UTC).astimezone()


def local_time(utc_naive: datetime) -> str:
    """Stored UTC, shown in the desk's own time zone."""
    return utc_naive.replace(tzinfo=UTC).astimezone().strftime("%Y-%m-%d %H:%M")
