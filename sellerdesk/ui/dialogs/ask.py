"""Short questions (a reason, a comment, what the buyer wrote) that never block the event
loop: the answer arrives through a callback, and the dialog is kept for tests."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog, QWidget


def ask_text(parent: QWidget, title: str, label: str, answer: Callable[[str], None], *,
             multiline: bool = False, text: str = "") -> QInputDialog:
    dialog = QInputDialog(parent)
    dialog.setWindowTitle(title)
    dialog.setLabelText(label)
    dialog.setInputMode(QInputDialog.InputMode.TextInput)
    if multiline:
        dialog.setOption(QInputDialog.InputDialogOption.UsePlainTextEditForTextInput)
    dialog.setTextValue(text)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.textValueSelected.connect(answer)
    dialog.open()
    return dialog


def ask_choice(parent: QWidget, title: str, label: str, choices: list[str],
               answer: Callable[[str], None]) -> QInputDialog:
    dialog = QInputDialog(parent)
    dialog.setWindowTitle(title)
    dialog.setLabelText(label)
    dialog.setComboBoxItems(choices)
    dialog.setComboBoxEditable(False)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.textValueSelected.connect(answer)
    dialog.open()
    return dialog
