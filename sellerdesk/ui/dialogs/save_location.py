"""Where an export is saved: a sensible default folder, and the form row to type a path
or choose one with Browse…."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton


def default_folder() -> Path:
    documents = Path.home() / "Documents"
    return documents if documents.is_dir() else Path.home()


def add_path_row(form: QFormLayout, text: str, edit: QLineEdit,
                 browse: Callable[[], None]) -> None:
    button = QPushButton("&Browse…")
    button.clicked.connect(browse)
    row = QHBoxLayout()
    row.addWidget(edit, 1)
    row.addWidget(button)
    label = QLabel(text)
    label.setBuddy(edit)    # a row holding a layout gets no buddy by itself
    form.addRow(label, row)
