"""The PIN a supervisor or owner gives before acting in that role on a single desk
(services.protection.pins): asked when someone picks them in the At the desk box, and again before
an approval or an owner's change once 15 idle minutes have passed. Someone with no PIN
yet (a desk from before PINs) chooses one here, typed twice."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from sellerdesk.core.errors import KnownError
from sellerdesk.services.protection.pins import PinNeeded
from sellerdesk.services.staff_admin import give_pin
from sellerdesk.ui.labels import error_label

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

T = TypeVar("T")


class PinDialog(QDialog):
    given = Signal(str)          # the name whose PIN was given (now acting in their role)

    def __init__(self, engine: Engine, name: str, *, first: bool, why: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.engine, self.name, self.first = engine, name, first
        self.setWindowTitle(f"{name}'s PIN")
        self.setObjectName("pin_dialog")       # its size and place are kept under this
        self.pin_edit = QLineEdit()
        self.again_edit = QLineEdit()
        for edit in (self.pin_edit, self.again_edit):
            edit.setEchoMode(QLineEdit.EchoMode.Password)
        intro = (f"{name} has no PIN yet. Choose one (4 characters or more): it is asked "
                 f"whenever someone acts as {name}." if first else
                 f"Acting as {name} needs {name}'s PIN.")
        self.intro_label = QLabel(f"{why}\n\n{intro}" if why and first else why or intro)
        self.intro_label.setWordWrap(True)
        self.error_label = error_label()
        form = QFormLayout()
        form.addRow("&New PIN:" if first else "&PIN:", self.pin_edit)
        if first:
            form.addRow("&Again:", self.again_edit)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.buttons.accepted.connect(self.check)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro_label)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self.pin_edit.setFocus()

    def check(self) -> None:
        pin = self.pin_edit.text()
        if self.first and self.again_edit.text() != pin:
            self.error_label.setText("The two PINs differ; type them again.")
            self.again_edit.clear()
            return
        try:
            give_pin(self.engine, self.name, pin)
        except KnownError as exc:
            self.error_label.setText(str(exc))
            self.pin_edit.clear()
            self.again_edit.clear()
            self.pin_edit.setFocus()
            return
        self.given.emit(self.name)
        self.accept()


def ask_pin(parent: QWidget, engine: Engine, name: str, *, first: bool, why: str,
            then: Callable[[], object]) -> PinDialog:
    """Open the PIN dialog (window-modal, not blocking); `then` runs once it was given."""
    dialog = PinDialog(engine, name, first=first, why=why, parent=parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.given.connect(lambda _name: then())
    dialog.open()
    return dialog


def with_pin(parent: QWidget, engine: Engine, act: Callable[[], T],
             done: Callable[[T], object],
             failed: Callable[[KnownError], object]) -> PinDialog | None:
    """Do `act`; if it needs a supervisor's or owner's PIN, ask for it and do it again.
    `done` gets what `act` returned, `failed` any other refusal. Returns the dialog when
    one was opened (for tests)."""
    def attempt(ask: bool) -> PinDialog | None:
        try:
            result = act()
        except PinNeeded as exc:
            if not ask:
                failed(exc)
                return None
            return ask_pin(parent, engine, exc.name, first=exc.first,
                           why=str(exc)[:1].upper() + str(exc)[1:] + ".",
                           then=lambda: attempt(False))
        except KnownError as exc:
            failed(exc)
            return None
        done(result)
        return None
    return attempt(True)


def with_pin_in_background(parent: QWidget, engine: Engine,
                           start: Callable[[Callable[[Exception], object]], object],
                           failed: Callable[[Exception], object]) -> None:
    """`with_pin` for a write run off the GUI thread (ui/operations): `start(refused)`
    starts it, and it calls `refused` with its refusal. A PinNeeded refusal opens the PIN
    dialog (stored on `parent.pin_dialog`, for tests) and, once the PIN is given, starts
    the write again; a second PinNeeded, or any other refusal, goes to `failed`, and so
    does a write refused as it starts (another began while the PIN was typed)."""
    def attempt(ask: bool) -> None:
        def refused(error: Exception) -> None:
            if isinstance(error, PinNeeded) and ask:
                dialog = ask_pin(parent, engine, error.name, first=error.first,
                                 why=str(error)[:1].upper() + str(error)[1:] + ".",
                                 then=lambda: attempt(False))
                dialog.rejected.connect(lambda: failed(error))   # no PIN: not done
                parent.pin_dialog = dialog  # type: ignore[attr-defined]
            else:
                failed(error)
        try:
            start(refused)
        except KnownError as exc:       # StillRunning: a watched folder's import began
            refused(exc)
    attempt(True)
