"""The toolbar's and menus' icons: Lucide's line drawings (resources/icons/lucide/, ISC),
drawn in the palette's text colour when they are painted, so they read on a dark desk
as on a light one and follow a palette changed while the window is open.

Each icon is drawn from its SVG at the size and device pixel ratio it is painted at (at
150 % a 16-pixel icon is drawn 24 pixels wide, never a 16-pixel one stretched), once per
size, ratio, mode and colour. Nothing is read or drawn until an icon is first painted,
so the window's first show does not wait for them."""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QByteArray, QPoint, QRect, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QGuiApplication,
    QIcon,
    QIconEngine,
    QPainter,
    QPalette,
    QPixmap,
)
from PySide6.QtSvg import QSvgRenderer

from sellerdesk.services.paths import resources_dir

# The palette's role each mode is drawn in: a menu's highlighted row has its own text
# colour, and a disabled action the palette's greyed one.
_ROLE_FOR_MODE = {
    QIcon.Mode.Normal: (QPalette.ColorGroup.Active, QPalette.ColorRole.ButtonText),
    QIcon.Mode.Active: (QPalette.ColorGroup.Active, QPalette.ColorRole.ButtonText),
    QIcon.Mode.Selected: (QPalette.ColorGroup.Active, QPalette.ColorRole.HighlightedText),
    QIcon.Mode.Disabled: (QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText),
}


def icon_folder():
    return resources_dir() / "icons" / "lucide"


@cache
def _svg_text(name: str) -> str:
    """The SVG as shipped; its strokes are in `currentColor`, which drawing replaces."""
    return (icon_folder() / f"{name}.svg").read_text(encoding="utf-8")


def icon_color(mode: QIcon.Mode = QIcon.Mode.Normal) -> QColor:
    group, role = _ROLE_FOR_MODE[mode]
    return QGuiApplication.palette().color(group, role)


@cache
def drawn(name: str, width: int, height: int, ratio: float, rgba: int) -> QPixmap:
    """The icon `name` drawn `width`×`height` device-independent pixels at the screen's
    ratio in the colour `rgba` (one drawing per combination, kept)."""
    color = QColor.fromRgba(rgba)
    svg = _svg_text(name).replace("currentColor", color.name(QColor.NameFormat.HexRgb))
    pixmap = QPixmap(max(1, round(width * ratio)), max(1, round(height * ratio)))
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setOpacity(color.alphaF())
    QSvgRenderer(QByteArray(svg.encode("utf-8"))).render(painter)
    painter.end()
    pixmap.setDevicePixelRatio(ratio)
    return pixmap


class _TintedSvgEngine(QIconEngine):
    """Draws one Lucide icon on demand, in the colour the palette has at that moment."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name

    def scaledPixmap(self, size: QSize, mode: QIcon.Mode, _state: QIcon.State,
                     scale: float) -> QPixmap:
        return drawn(self.name, size.width(), size.height(), scale, icon_color(mode).rgba())

    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        return self.scaledPixmap(size, mode, state, 1.0)

    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode,
              state: QIcon.State) -> None:
        ratio = painter.device().devicePixelRatioF() if painter.device() else 1.0
        side = min(rect.width(), rect.height())
        pixmap = self.scaledPixmap(QSize(side, side), mode, state, ratio)
        corner = QPoint(rect.x() + (rect.width() - side) // 2,
                        rect.y() + (rect.height() - side) // 2)
        painter.drawPixmap(QRect(corner, QSize(side, side)), pixmap)

    def actualSize(self, size: QSize, _mode: QIcon.Mode, _state: QIcon.State) -> QSize:
        side = min(size.width(), size.height())    # the drawings are square
        return QSize(side, side)

    def isNull(self) -> bool:
        return False

    def key(self) -> str:
        return "sellerdesk-lucide"

    def iconName(self) -> str:
        return self.name

    def clone(self) -> QIconEngine:
        return _TintedSvgEngine(self.name)


def icon(name: str) -> QIcon:
    """Lucide's `name` ("refresh-cw") as an icon that is drawn when first painted. A
    name with no file is a bug, said at once rather than as a blank button."""
    if not (icon_folder() / f"{name}.svg").is_file():
        raise FileNotFoundError(f"no icon {name}.svg in {icon_folder()}")
    return QIcon(_TintedSvgEngine(name))
