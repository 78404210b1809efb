"""Amazon's numbers as this desk uses them: each fact with the value in force, Amazon's
published default and where it comes from. Anyone can look; a supervisor or the owner
saves a change (the service says so if someone else tries)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from sellerdesk.core.errors import KnownError
from sellerdesk.services.amazon_facts import fact_settings, save_facts
from sellerdesk.ui.labels import error_label

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

COLUMNS = ("Fact", "Value", "Unit", "Amazon's default", "Source")
VALUE = 1


class FactsDialog(QDialog):
    changed = Signal()

    def __init__(self, engine: Engine, staff: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.engine, self.staff = engine, staff
        self.setWindowTitle("Amazon's numbers")
        self.setObjectName("facts_dialog")     # its size and place are kept under this
        self.resize(980, 460)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                   | QAbstractItemView.EditTrigger.EditKeyPressed
                                   | QAbstractItemView.EditTrigger.AnyKeyPressed)
        self.table.verticalHeader().setVisible(False)
        self.table.setTabKeyNavigation(False)          # arrows move; Tab goes on to Save
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(len(COLUMNS) - 1, QHeaderView.ResizeMode.Stretch)
        self.reset_button = QPushButton("&Reset to Amazon's")
        self.reset_button.setToolTip("Put the selected facts back to Amazon's published value")
        self.save_button = QPushButton("&Save")
        self.error_label = error_label()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.reset_button, QDialogButtonBox.ButtonRole.ResetRole)
        buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.ApplyRole)
        buttons.rejected.connect(self.reject)
        note = QLabel("The targets, windows and deadlines SellerDesk measures against. Amazon "
                      "changes them now and then: when its pages say otherwise, type the new "
                      "value (rates in percent) and save. Only a supervisor or the owner "
                      "saves; the change applies to everyone on this database.")
        note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)
        self.reset_button.clicked.connect(self.reset_selected)
        self.save_button.clicked.connect(self.save)
        self.refresh()

    def refresh(self) -> None:
        self.settings = fact_settings(self.engine)
        self.table.setRowCount(len(self.settings))
        for row, setting in enumerate(self.settings):
            fact = setting.fact
            cells = (fact.label, fact.typed(setting.value), fact.symbol, fact.shown(),
                     fact.source)
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column != VALUE:
                    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                else:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
                    item.setToolTip("Double-click or start typing to change")
                    if not setting.is_default:
                        item.setToolTip(f"Set by {setting.changed_by} on "
                                        f"{setting.changed_at:%Y-%m-%d %H:%M} UTC")
                        font = item.font()
                        font.setBold(True)
                        item.setFont(font)
                self.table.setItem(row, column, item)

    def value_text(self, row: int) -> str:
        return self.table.item(row, VALUE).text()

    def set_value_text(self, row: int, text: str) -> None:
        self.table.item(row, VALUE).setText(text)

    def reset_selected(self) -> None:
        for index in self.table.selectionModel().selectedRows():
            fact = self.settings[index.row()].fact
            self.set_value_text(index.row(), fact.typed())

    def changes(self) -> dict[str, str | None]:
        """What was edited: a typed value, or None where it is back at Amazon's default."""
        found: dict[str, str | None] = {}
        for row, setting in enumerate(self.settings):
            text = self.value_text(row).strip()
            if text == setting.fact.typed(setting.value):
                continue
            default = setting.fact.typed()
            found[setting.fact.key] = None if text == default else text
        return found

    def save(self) -> bool:
        changes = self.changes()
        if not changes:
            self.error_label.setText("Nothing changed.")
            return False
        try:
            save_facts(self.engine, changes, by=self.staff)
        except KnownError as exc:
            self.error_label.setText(str(exc))
            return False
        self.error_label.clear()
        self.refresh()
        self.changed.emit()
        return True
