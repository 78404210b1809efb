"""Short questions (a reason, a comment, what the buyer wrote) that never block the event
loop: the answer arrives through a callback, and the dialog is kept for tests."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog, QMessageBox, QPlainTextEdit, QWidget


def ask_text(parent: QWidget, title: str, label: str, answer: Callable[[str], None], *,
             multiline: bool = False, text: str = "") -> QInputDialog:
    dialog = QInputDialog(parent)
    dialog.setObjectName("ask_lines" if multiline else "ask_line")   # size and place kept
    dialog.setWindowTitle(title)
    dialog.setLabelText(label)
    dialog.setInputMode(QInputDialog.InputMode.TextInput)
    if multiline:
        dialog.setOption(QInputDialog.InputDialogOption.UsePlainTextEditForTextInput)
        # A reason or a note is prose: Tab goes on to OK, it does not indent.
        dialog.findChild(QPlainTextEdit).setTabChangesFocus(True)
    dialog.setTextValue(text)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.textValueSelected.connect(answer)
    dialog.open()
    return dialog


def ask_choice(parent: QWidget, title: str, label: str, choices: list[str],
               answer: Callable[[str], None]) -> QInputDialog:
    dialog = QInputDialog(parent)
    dialog.setObjectName("ask_choice")          # its size and place are kept under this
    dialog.setWindowTitle(title)
    dialog.setLabelText(label)
    dialog.setComboBoxItems(choices)
    dialog.setComboBoxEditable(False)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.textValueSelected.connect(answer)
    dialog.open()
    return dialog


def confirm(parent: QWidget, title: str, text: str, act: str,
            answer: Callable[[], None]) -> QMessageBox:
    """A deliberate yes for something that closes work or moves money. The safe answer
    (Cancel) is the default, so Enter or Escape never says yes; `act` names the deed
    on the button that does it."""
    box = QMessageBox(QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.Cancel,
                      parent)
    yes = box.addButton(act, QMessageBox.ButtonRole.AcceptRole)
    yes.setAutoDefault(False)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    box.setEscapeButton(QMessageBox.StandardButton.Cancel)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.buttonClicked.connect(lambda button: button is yes and answer())
    box.open()
    return box


def ask_to_discard(parent: QWidget, what: str, discard: Callable[[], None]) -> QMessageBox:
    """Escape or the window's close on a form with words typed in it: a shift's typing is
    not thrown away unasked. Keep editing is the default, so a second Escape or an Enter
    keeps the words; `what` names what would be lost ("The issue on order …")."""
    box = confirm(parent, "Discard what you typed?", f"{what} is not saved. Discard it?",
                  "Discard", discard)
    box.button(QMessageBox.StandardButton.Cancel).setText("Keep editing")
    return box
