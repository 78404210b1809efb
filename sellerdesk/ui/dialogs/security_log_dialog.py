"""The security log: who exported, purged, backed up, restored, rotated keys, gave or
reversed credits — the last 12 months, newest first. It holds no buyer personal data."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from sellerdesk.services.protection.security_log import KEPT, security_events
from sellerdesk.ui.formatting import local_time

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

HEADERS = ("When", "Who", "What", "Details")


class SecurityLogDialog(QDialog):
    def __init__(self, engine: Engine, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Security log")
        self.setObjectName("security_log_dialog")  # its size and place are kept under this
        self.resize(900, 520)
        events = security_events(engine)
        intro = QLabel(f"{len(events):,} events in the last {KEPT.days // 30} months, newest "
                       "first. Older events are dropped; none names a buyer.")
        self.table = QTableWidget(len(events), len(HEADERS))
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.setTabKeyNavigation(False)          # arrows read it; Tab goes on
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        for row, event in enumerate(events):
            for column, text in enumerate((local_time(event.at), event.actor, event.label,
                                           event.detail)):
                self.table.setItem(row, column, QTableWidgetItem(text))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)

    def rows(self) -> list[list[str]]:
        return [[self.table.item(r, c).text() for c in range(self.table.columnCount())]
                for r in range(self.table.rowCount())]
