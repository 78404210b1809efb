"""Help › Manual (F1): resources/manual/manual.md shown in a browser, its screenshots
loaded from resources/screenshots. Its keyboard section is written when the dialog opens
from the same reading of the window's menus as the Ctrl+/ cheat sheet, so the manual never
lists a key the window has not got."""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor, QTextDocument, QTextImageFormat
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QMainWindow,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from sellerdesk.services.paths import resources_dir
from sellerdesk.ui.dialogs.shortcuts_dialog import Group, shortcut_groups

SHORTCUTS_MARK = "<!-- shortcuts -->"      # where manual.md takes the generated key list
IMAGE_WIDTH = 640                           # a screenshot's width in the manual, in pixels
_IMAGE = re.compile(r"!\[[^\]]*\]\(([^)\s]+)\)")


def manual_file() -> Path:
    return resources_dir() / "manual" / "manual.md"


def image_paths(markdown: str) -> list[str]:
    """The images the manual's Markdown names, as written (relative to the manual)."""
    return _IMAGE.findall(markdown)


def shortcuts_markdown(groups: list[Group]) -> str:
    """The cheat sheet's groups as Markdown tables, one per menu."""
    parts = []
    for title, rows in groups:
        lines = [f"**{title}**", "", "| Keys | Does |", "|---|---|"]
        lines += [f"| {_cell(keys)} | {_cell(name)} |" for keys, name in rows]
        parts.append("\n".join(lines))
    return "\n\n".join(parts)


def _cell(text: str) -> str:
    return text.replace("|", "\\|")          # a bar would end the table's cell


def manual_markdown(window: QMainWindow) -> str:
    text = manual_file().read_text(encoding="utf-8")
    return text.replace(SHORTCUTS_MARK, shortcuts_markdown(shortcut_groups(window)))


class ManualDialog(QDialog):
    def __init__(self, window: QMainWindow, parent: QWidget | None = None) -> None:
        super().__init__(parent or window)
        self.setWindowTitle("SellerDesk manual")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.markdown = manual_markdown(window)
        self.text = QTextBrowser()
        # Images are named relative to manual.md (../screenshots/…), as GitHub shows it too.
        self.text.setSearchPaths([str(manual_file().parent), str(resources_dir())])
        self.text.setOpenExternalLinks(True)
        self.text.setMarkdown(self.markdown)
        _fit_images(self.text.document(), IMAGE_WIDTH)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text, 1)
        layout.addWidget(buttons)
        room = window.screen().availableGeometry()
        self.resize(min(820, room.width() - 80), min(720, room.height() - 80))

    def images(self) -> list[str]:
        return image_paths(self.markdown)


def _fit_images(document: QTextDocument, width: int) -> None:
    """Screenshots at their own size would be wider than the dialog: each is shown at
    `width`, its height in proportion (the picture itself is kept, so it stays sharp)."""
    cursor = QTextCursor(document)
    block = document.begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            fragment = it.fragment()
            image_format = fragment.charFormat().toImageFormat()
            if fragment.isValid() and image_format.isValid():
                image = document.resource(QTextDocument.ResourceType.ImageResource,
                                          image_format.name())
                if image is not None and hasattr(image, "width") and image.width() > width:
                    scaled = QTextImageFormat(image_format)
                    scaled.setWidth(width)
                    scaled.setHeight(image.height() * width / image.width())
                    cursor.setPosition(fragment.position())
                    cursor.setPosition(fragment.position() + fragment.length(),
                                       QTextCursor.MoveMode.KeepAnchor)
                    cursor.setCharFormat(scaled)
            it += 1
        block = block.next()
