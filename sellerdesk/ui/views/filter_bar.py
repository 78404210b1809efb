"""Search box and filters above the orders table. Emits one `filter_changed` with a
plain OrderFilter; typing is debounced so a search runs once the user pauses.

The dates say "Any" until one is chosen; their calendars open on today (the desk's clock,
in its local time), and a list of ranges sets both at once."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import QDate, QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QComboBox, QDateEdit, QHBoxLayout, QLabel, QLineEdit, QWidget

from sellerdesk.core.orders import ORDER_STATUSES, Channel, OrderFilter
from sellerdesk.services import clock
from sellerdesk.ui.formatting import local_now

ANY = "Any"
_NO_DATE = QDate(2000, 1, 1)
ODR_DAYS = 60      # Amazon's Order Defect Rate window, both ends included (PRODUCT.md §2)


def today() -> date:
    """The desk's day: the app's clock, in the local time dates are shown in."""
    return local_now(clock.now()).date()


def preset_range(name: str, day: date) -> tuple[date, date] | None:
    """The first and last day of a preset, ending on `day` (None: any date)."""
    if name == "today":
        return day, day
    if name.startswith("last_"):
        return day - timedelta(days=int(name.removeprefix("last_")) - 1), day
    if name == "this_month":
        return day.replace(day=1), day
    if name == "odr":
        return day - timedelta(days=ODR_DAYS - 1), day
    return None


PRESETS = (("Any date", "any"), ("Today", "today"), ("Last 7 days", "last_7"),
           ("Last 30 days", "last_30"), ("Last 60 days", "last_60"),
           ("This month", "this_month"), (f"The ODR window ({ODR_DAYS} days)", "odr"))


class FilterBar(QWidget):
    filter_changed = Signal(object)  # OrderFilter

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)

        self.search_box = QLineEdit()
        self.search_box.setPlaceholderText("Search order ID, SKU, ASIN or product  (Ctrl+F)")
        self.search_box.setToolTip(
            "Words in any order, with or without accents: “lamp desk” finds the desk lamps.\n"
            "A word is found whole; end it with * for words that begin so (puzz* finds "
            "puzzles).\nAn order ID, or its beginning, finds the orders it starts.")
        self.search_box.setClearButtonEnabled(True)
        self.search_box.setMinimumWidth(180)
        layout.addWidget(self.search_box, 3)

        self.preset_box = QComboBox()
        for label, name in PRESETS:
            self.preset_box.addItem(label, name)
        self.preset_box.setToolTip("Orders placed in a range of days ending today")
        self.preset_box.activated.connect(self._preset_chosen)
        layout.addWidget(self.preset_box)
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
        edit.setToolTip(f"{tip}. Clear it with “Any date” in the list of ranges.")
        # Its calendar would open on the "no limit" day, January 2000: on today instead.
        edit.calendarWidget().installEventFilter(self)
        return edit

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Show:
            for edit in (self.date_from, self.date_to):
                if watched is edit.calendarWidget() and edit.date() == _NO_DATE:
                    day = today()
                    edit.calendarWidget().setCurrentPage(day.year, day.month)
        return super().eventFilter(watched, event)

    def _preset_chosen(self, _index: int) -> None:
        days = preset_range(self.preset_box.currentData(), today())
        self.set_dates(*(days if days else (None, None)))

    def set_dates(self, first: date | None, last: date | None) -> None:
        """Both ends at once, then one filter change (not two, each a query)."""
        for edit, day in ((self.date_from, first), (self.date_to, last)):
            edit.blockSignals(True)
            edit.setDate(QDate(day) if day else _NO_DATE)
            edit.blockSignals(False)
        self._emit()

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
        for widget in (self.search_box, self.date_from, self.date_to, self.preset_box,
                       self.status_box, self.marketplace_box, self.channel_box):
            widget.blockSignals(True)
        self.search_box.clear()
        self.date_from.setDate(_NO_DATE)
        self.date_to.setDate(_NO_DATE)
        for box in (self.preset_box, self.status_box, self.marketplace_box, self.channel_box):
            box.setCurrentIndex(0)
        for widget in (self.search_box, self.date_from, self.date_to, self.preset_box,
                       self.status_box, self.marketplace_box, self.channel_box):
            widget.blockSignals(False)
        self._emit()

    def _emit(self) -> None:
        self._debounce.stop()
        self.filter_changed.emit(self.current_filter())
