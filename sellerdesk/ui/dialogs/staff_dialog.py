"""Who works at the desk: names, roles and agents' personal approval limits. Anyone can
look; only an owner saves a change (the service says so if someone else tries)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from sellerdesk.core.errors import KnownError
from sellerdesk.services.staff_admin import ROLES, list_staff, save_staff
from sellerdesk.ui.labels import error_label

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

ROLE_HELP = {"agent": "logs issues and gives credits up to the policy's and their own limit",
             "supervisor": "also approves or rejects credits above a limit",
             "owner": "also manages staff and their limits"}


class StaffDialog(QDialog):
    changed = Signal()

    def __init__(self, engine: Engine, staff: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.engine, self.staff = engine, staff
        self.setWindowTitle("Staff at the desk")
        self.resize(560, 420)
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(["Name", "Role", "Approval limit"])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.name_edit = QLineEdit()
        self.role_box = QComboBox()
        for role in ROLES:
            self.role_box.addItem(f"{role.capitalize()} — {ROLE_HELP[role]}", role)
        self.limit_edit = QLineEdit()
        self.limit_edit.setPlaceholderText("blank: only the policy's limits apply")
        self.limit_edit.setToolTip("An agent's credits above this amount (in the order's "
                                   "currency) wait for a supervisor")
        self.save_button = QPushButton("&Save")
        self.new_button = QPushButton("&New")
        self.error_label = error_label()
        form = QFormLayout()
        form.addRow("&Name:", self.name_edit)
        form.addRow("&Role:", self.role_box)
        form.addRow("Approval &limit:", self.limit_edit)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.new_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.ApplyRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"At the desk now: <b>{staff}</b>. Only an owner changes "
                                "roles and limits."))
        layout.addWidget(self.table, 1)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)
        self.table.itemSelectionChanged.connect(self._selected)
        self.save_button.clicked.connect(self.save)
        self.new_button.clicked.connect(self._new)
        self.refresh()

    def refresh(self) -> None:
        members = list_staff(self.engine)
        self.table.setRowCount(len(members))
        for row, member in enumerate(members):
            for column, text in enumerate((member.name, member.role,
                                           member.approval_limit or "—")):
                self.table.setItem(row, column, QTableWidgetItem(text))

    def rows(self) -> list[list[str]]:
        return [[self.table.item(r, c).text() for c in range(3)]
                for r in range(self.table.rowCount())]

    def _selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return
        name, role, limit = self.rows()[rows[0].row()]
        self.name_edit.setText(name)
        self.role_box.setCurrentIndex(self.role_box.findData(role))
        self.limit_edit.setText("" if limit == "—" else limit)

    def _new(self) -> None:
        self.table.clearSelection()
        for edit in (self.name_edit, self.limit_edit):
            edit.clear()
        self.role_box.setCurrentIndex(0)
        self.name_edit.setFocus()

    def save(self) -> None:
        try:
            save_staff(self.engine, name=self.name_edit.text(), role=self.role_box.currentData(),
                       approval_limit=self.limit_edit.text(), staff=self.staff)
        except KnownError as exc:
            self.error_label.setText(str(exc))
            return
        self.error_label.clear()
        self.refresh()
        self.changed.emit()
