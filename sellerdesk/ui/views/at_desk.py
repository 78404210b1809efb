"""The toolbar's "At the desk": who is working, their role and limits, and their PIN.

Picked from the desk's staff, never typed: a typo must not become a colleague. On a
single desk a supervisor or owner is picked only with their PIN, which lapses after 15
idle minutes ("Give PIN…" then shows). On a team database the login is who is at work:
nothing to choose. A new desk has no staff yet: whoever works first becomes its owner."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QComboBox, QLabel, QToolBar, QWidget

from sellerdesk.services.staff import default_staff_name

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from sellerdesk.core.records import StaffMember
    from sellerdesk.ui.dialogs.pin_dialog import PinDialog

LAPSE_LOOK_EVERY_MS = 30_000       # how soon a lapsed PIN shows


class AtDesk(QObject):
    # Who is at the desk and whether their PIN stands, shown again: someone else came,
    # a PIN was given or lapsed. Whatever depends on their role looks again.
    shown = Signal(str)

    def __init__(self, window: QWidget, last: str | None) -> None:
        super().__init__(window)
        self.window = window
        self.engine: Engine | None = None
        self.is_team = False
        self.members: dict[str, StaffMember] = {}   # the desk's staff, by name
        self.pin_dialog: PinDialog | None = None    # the last PIN asked for, for tests
        self.box = QComboBox()
        self.box.setMinimumWidth(160)
        self.box.setToolTip("Who is working: recorded on every issue, credit and event. "
                            "A supervisor or owner is picked with their PIN.")
        self.box.addItem(last or default_staff_name())
        self.name = self.box.currentText()    # who is at the desk, PIN given if needed
        self.role_label = QLabel()
        self.role_label.setEnabled(False)
        self.pin_action = QAction("Give &PIN…", window)
        self.pin_action.setStatusTip("A supervisor or owner gives their PIN again (asked "
                                     "after 15 idle minutes)")
        self.pin_action.triggered.connect(self.give_pin)
        self.pin_action.setVisible(False)
        self.box.currentIndexChanged.connect(self._picked)
        self.lapse_timer = QTimer(self, interval=LAPSE_LOOK_EVERY_MS)
        self.lapse_timer.timeout.connect(lambda: self.show_role(self.name))

    def add_to(self, toolbar: QToolBar) -> None:
        toolbar.addWidget(QLabel(" At the desk: "))
        toolbar.addWidget(self.box)
        toolbar.addWidget(self.role_label)
        toolbar.addAction(self.pin_action)

    def open(self, engine: Engine, *, is_team: bool) -> None:
        self.engine, self.is_team = engine, is_team
        self.load()
        self.lapse_timer.start()

    def load(self) -> None:
        """The desk's staff again (someone was added, a role changed)."""
        from sellerdesk.services.protection import pins
        from sellerdesk.services.staff_admin import list_staff
        from sellerdesk.services.team.setup import signed_in
        assert self.engine is not None
        login = signed_in(self.engine) if self.is_team else None
        self.box.setEnabled(login is None)
        self.members = {m.name: m for m in list_staff(self.engine)}
        active = sorted(m.name for m in self.members.values() if m.active)
        if login is not None:
            names, current = [login], login
        elif not self.members:          # a new desk: whoever works first owns it
            names = [self.name or default_staff_name()]
            current = names[0]
        else:
            names = active
            # Whoever was at the desk, unless that takes a PIN not yet given: a supervisor
            # is picked in the box, with the PIN, never by opening the window.
            free = [n for n in active if not pins.needs_pin(self.engine, n)]
            current = next((n for n in (self.name, default_staff_name()) if n in free),
                           free[0] if free else active[0] if active else "")
        self.box.blockSignals(True)
        self.box.clear()
        self.box.addItems(names)
        self.box.setCurrentText(current)
        self.box.blockSignals(False)
        self._set(current)

    def _picked(self, index: int) -> None:
        """Someone else is at the desk. A supervisor or owner on a single desk is picked
        only with their PIN; until it is given the box shows who was there before."""
        from sellerdesk.services.protection import pins
        from sellerdesk.ui.dialogs.pin_dialog import ask_pin
        name = self.box.itemText(index).strip()
        if self.engine is None or not name or name == self.name:
            return
        if not pins.needs_pin(self.engine, name):
            self._set(name)
            return
        self._show_in_box(self.name)
        self.pin_dialog = ask_pin(self.window, self.engine, name,
                                  first=not pins.has_pin(self.engine, name),
                                  why="", then=lambda: self._set(name))

    def _show_in_box(self, name: str) -> None:
        self.box.blockSignals(True)
        self.box.setCurrentText(name)
        self.box.blockSignals(False)

    def _set(self, name: str) -> None:
        from sellerdesk.services.protection import pins
        if self.engine is not None and self.name and name != self.name:
            pins.drop_elevation(self.engine, self.name)   # their PIN goes with them
        self.name = name
        self._show_in_box(name)
        self.show_role(name)

    def give_pin(self) -> PinDialog | None:
        """The person at the desk gives their PIN again (after 15 idle minutes)."""
        from sellerdesk.services.protection import pins
        from sellerdesk.ui.dialogs.pin_dialog import ask_pin
        if self.engine is None or not self.name:
            return None
        engine = self.engine
        self.pin_dialog = ask_pin(self.window, engine, self.name,
                                  first=not pins.has_pin(engine, self.name), why="",
                                  then=lambda: self.show_role(self.name))
        return self.pin_dialog

    def show_role(self, name: str) -> None:
        """Their role and limits beside the box, and whether their PIN has lapsed."""
        from sellerdesk.services.protection import pins
        member = self.members.get(name.strip())
        lapsed = False
        if member is None:
            self.role_label.setText(" first at this desk: becomes its owner "
                                    if not self.members else "")
        else:
            limits = f", limits {member.limits_text}" if member.approval_limits else ""
            assert self.engine is not None
            lapsed = self.box.isEnabled() and pins.needs_pin(self.engine, name)
            self.role_label.setText(f" {member.role}{limits}"
                                    + (" (PIN needed) " if lapsed else " "))
        self.pin_action.setVisible(lapsed)
        self.shown.emit(name)

    def close(self) -> None:
        from sellerdesk.services.protection import pins
        self.lapse_timer.stop()
        if self.engine is not None:
            pins.drop_elevation(self.engine)   # a PIN lasts one window session
