"""Search box and filters above the orders table. Emits one `filter_changed` with a
plain OrderFilter; typing is debounced so a search runs once the user pauses."""

from __future__ import annotations

from PySide6.QtCore import QDate, QTimer, Signal
from PySide6.QtWidgets import QComboBox, QDateEdit, QHBoxLayout, QLabel, QLineEdit, QWidget

from sellerdesk.core.orders import ORDER_STATUSES, Channel, OrderFilter

ANY = "Any"
_NO_DATE = QDate(2000, 1, 1)


class FilterBar(QWidget):
    filter_changed = Signal(object)  # OrderFilter

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)

        self.search_box = QLineEdit()
        self.search_box.setPlaceholderText("Search order ID, SKU, ASIN or product  (Ctrl+F)")
        self.search_box.setClearButtonEnabled(True)
        self.search_box.setMinimumWidth(180)
        layout.addWidget(self.search_box, 3)

        self.date_from = self._date_edit("From any date")
        self.date_to = self._date_edit("To any date")
        layout.addWidget(QLabel("From"))
        layout.addWidget(self.date_from)
        layout.addWidget(QLabel("to"))
        layout.addWidget(self.date_to)

        self.status_box = self._combo("All statuses", ORDER_STATUSES)
        self.marketplace_box = self._combo("All marketplaces", ())
        self.channel_box = QComboBox()
        self.channel_box.addItem("FBA and seller", None)
        for channel in Channel:
            self.channel_box.addItem(channel.label, channel)
        for box in (self.status_box, self.marketplace_box, self.channel_box):
            layout.addWidget(box)
            box.currentIndexChanged.connect(self._emit)

        self._debounce = QTimer(self, singleShot=True, interval=250)
        self._debounce.timeout.connect(self._emit)
        self.search_box.textChanged.connect(self._debounce.start)
        self.search_box.returnPressed.connect(self._emit)
        self.date_from.dateChanged.connect(self._emit)
        self.date_to.dateChanged.connect(self._emit)

    def _date_edit(self, tip: str) -> QDateEdit:
        edit = QDateEdit()
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")
        edit.setMinimumDate(_NO_DATE)
        edit.setSpecialValueText(ANY)  # shown while the date is the minimum: no limit
        edit.setDate(_NO_DATE)
        edit.setToolTip(f"{tip}. Clear it by choosing {_NO_DATE.toString('yyyy-MM-dd')}.")
        return edit

    @staticmethod
    def _combo(everything: str, values) -> QComboBox:
        box = QComboBox()
        box.addItem(everything, None)
        for value in values:
            box.addItem(value, value)
        return box

    def set_marketplaces(self, codes: list[str]) -> None:
        current = self.marketplace_box.currentData()
        self.marketplace_box.blockSignals(True)
        self.marketplace_box.clear()
        self.marketplace_box.addItem("All marketplaces", None)
        for code in codes:
            self.marketplace_box.addItem(code, code)
        found = self.marketplace_box.findData(current)
        self.marketplace_box.setCurrentIndex(max(found, 0))
        self.marketplace_box.blockSignals(False)

    def current_filter(self) -> OrderFilter:
        def day(edit: QDateEdit):
            return None if edit.date() == _NO_DATE else edit.date().toPython()

        status, market = self.status_box.currentData(), self.marketplace_box.currentData()
        return OrderFilter(
            search=self.search_box.text().strip(),
            date_from=day(self.date_from),
            date_to=day(self.date_to),
            statuses=frozenset([status]) if status else frozenset(),
            marketplaces=frozenset([market]) if market else frozenset(),
            channel=self.channel_box.currentData(),
        )

    def clear(self) -> None:
        for widget in (self.search_box, self.date_from, self.date_to, self.status_box,
                       self.marketplace_box, self.channel_box):
            widget.blockSignals(True)
        self.search_box.clear()
        self.date_from.setDate(_NO_DATE)
        self.date_to.setDate(_NO_DATE)
        for box in (self.status_box, self.marketplace_box, self.channel_box):
            box.setCurrentIndex(0)
        for widget in (self.search_box, self.date_from, self.date_to, self.status_box,
                       self.marketplace_box, self.channel_box):
            widget.blockSignals(False)
        self._emit()

    def _emit(self) -> None:
        self._debounce.stop()
        self.filter_changed.emit(self.current_filter())
