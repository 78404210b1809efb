"""Who works at the desk: names, roles, personal approval limits per currency, who was
deactivated. Anyone can look; only an owner saves a change, deactivates someone or resets
a PIN (the service says so if someone else tries; an owner gives their PIN first)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from sellerdesk.core.records import StaffMember
from sellerdesk.services.protection.pins import reset_pin
from sellerdesk.services.staff_admin import ROLES, list_staff, save_staff, set_active
from sellerdesk.ui.dialogs.pin_dialog import PinDialog, with_pin
from sellerdesk.ui.labels import error_label

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

ROLE_HELP = {"agent": "logs issues and gives credits up to the policy's and their own limits",
             "supervisor": "also approves or rejects credits above a limit (with a PIN)",
             "owner": "also manages staff and their limits (with a PIN)"}
COLUMNS = ["Name", "Role", "Approval limits", "Status"]


class StaffDialog(QDialog):
    changed = Signal()

    def __init__(self, engine: Engine, staff: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.engine, self.staff = engine, staff
        self.members: list[StaffMember] = []
        self.pin_dialog: PinDialog | None = None     # the last PIN asked for, for tests
        self.reset_dialog: QInputDialog | None = None
        self.setWindowTitle("Staff at the desk")
        self.setObjectName("staff_dialog")     # its size and place are kept under this
        self.resize(620, 440)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setTabKeyNavigation(False)          # arrows pick a person; Tab goes on
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.name_edit = QLineEdit()
        self.role_box = QComboBox()
        for role in ROLES:
            self.role_box.addItem(f"{role.capitalize()} — {ROLE_HELP[role]}", role)
        self.limit_edit = QLineEdit()
        self.limit_edit.setPlaceholderText("e.g. USD 15, JPY 1500 — blank: the policy's only")
        self.limit_edit.setToolTip(
            "Credits above this person's limit in the order's currency wait for a "
            "supervisor. A currency not listed has no personal limit: there the policy's "
            "approval_above alone decides.")
        self.save_button = QPushButton("&Save")
        self.new_button = QPushButton("&New")
        self.active_button = QPushButton("&Deactivate")
        self.active_button.setToolTip("Someone who left: their history stays, but they can "
                                      "no longer be picked at the desk or act")
        self.reset_pin_button = QPushButton("Reset &PIN…")
        self.reset_pin_button.setToolTip("Give someone who forgot their PIN a new one")
        self.error_label = error_label()
        form = QFormLayout()
        form.addRow("&Name:", self.name_edit)
        form.addRow("&Role:", self.role_box)
        form.addRow("Approval &limits:", self.limit_edit)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        for button in (self.new_button, self.active_button, self.reset_pin_button):
            buttons.addButton(button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.ApplyRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"At the desk now: <b>{staff}</b>. Only an owner adds "
                                "staff, changes roles and limits, or deactivates someone."))
        layout.addWidget(self.table, 1)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)
        self.table.itemSelectionChanged.connect(self._selected)
        self.save_button.clicked.connect(self.save)
        self.new_button.clicked.connect(self._new)
        self.active_button.clicked.connect(self.toggle_active)
        self.reset_pin_button.clicked.connect(self.reset_pin)
        self.refresh()

    def refresh(self) -> None:
        self.members = list_staff(self.engine)
        self.table.setRowCount(len(self.members))
        for row, member in enumerate(self.members):
            status = "active" if member.active else "deactivated"
            for column, text in enumerate((member.name, member.role,
                                           member.limits_text or "—", status)):
                self.table.setItem(row, column, QTableWidgetItem(text))
        self._selected()

    def rows(self) -> list[list[str]]:
        return [[self.table.item(r, c).text() for c in range(len(COLUMNS))]
                for r in range(self.table.rowCount())]

    def chosen(self) -> StaffMember | None:
        rows = self.table.selectionModel().selectedRows()
        return self.members[rows[0].row()] if rows else None

    def _selected(self) -> None:
        member = self.chosen()
        self.active_button.setEnabled(member is not None)
        self.reset_pin_button.setEnabled(member is not None and member.can_approve)
        if member is None:
            return
        self.active_button.setText("Re&activate" if not member.active else "&Deactivate")
        self.name_edit.setText(member.name)
        self.role_box.setCurrentIndex(self.role_box.findData(member.role))
        self.limit_edit.setText(member.limits_text)

    def _new(self) -> None:
        self.table.clearSelection()
        for edit in (self.name_edit, self.limit_edit):
            edit.clear()
        self.role_box.setCurrentIndex(0)
        self.name_edit.setFocus()

    def _owner_act(self, act) -> None:
        """An owner's change: their PIN first if it was not given (or 15 idle minutes
        passed); any refusal in red under the form."""
        self.pin_dialog = with_pin(self, self.engine, act, lambda _result: self._saved(),
                                   lambda error: self.error_label.setText(str(error)))

    def save(self) -> None:
        name, role, limits = (self.name_edit.text(), self.role_box.currentData(),
                              self.limit_edit.text())
        self._owner_act(lambda: save_staff(self.engine, name=name, role=role,
                                           approval_limits=limits, staff=self.staff))

    def toggle_active(self) -> None:
        member = self.chosen()
        if member is not None:
            self._owner_act(lambda: set_active(self.engine, name=member.name,
                                               active=not member.active, staff=self.staff))

    def reset_pin(self) -> None:
        member = self.chosen()
        if member is None:
            return
        dialog = QInputDialog(self)
        dialog.setWindowTitle(f"Reset {member.name}'s PIN")
        dialog.setLabelText(f"A new PIN for {member.name} (tell it to them; they can change "
                            "it with sellerdesk staff pin):")
        dialog.setTextEchoMode(QLineEdit.EchoMode.Password)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.textValueSelected.connect(lambda pin: self._owner_act(
            lambda: reset_pin(self.engine, member.name, pin, by=self.staff)))
        self.reset_dialog = dialog
        dialog.open()

    def _saved(self) -> None:
        self.error_label.clear()
        self.refresh()
        self.changed.emit()
