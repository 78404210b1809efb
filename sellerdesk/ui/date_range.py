"""A range of days chosen two ways, as the policy editor's Backtest tab and the
Consistency report choose theirs: a preset read on the desk's clock (the last 7, 30 or 90
days, the last whole quarter) or two dates typed. A date typed turns the preset box to its
custom entry (data None) and the range is worked out again after a pause in the typing;
a preset is worked out at once."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import QDate, QTimer
from PySide6.QtWidgets import QComboBox, QDateEdit

from sellerdesk.services.clock import now

QUARTER = "quarter"


def preset_range(preset: int | str, today: date) -> tuple[date, date]:
    """The last N days up to today, or the last whole calendar quarter before today's."""
    if preset == QUARTER:
        this_quarter = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
        end = this_quarter - timedelta(days=1)
        return date(end.year, end.month - 2, 1), end
    return today - timedelta(days=int(preset) - 1), today


def qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


class RangeChoice:
    """The range's behaviour, mixed into a widget that lays out its own `preset_box`
    (each item's data a number of days, QUARTER, or None for a custom range),
    `from_edit` and `to_edit`, has a single-shot `_debounce` timer, and a `refresh()`
    that works its figures out for `date_range()`."""

    preset_box: QComboBox
    from_edit: QDateEdit
    to_edit: QDateEdit
    _debounce: QTimer

    def refresh(self) -> None:
        raise NotImplementedError

    def make_range_boxes(self, presets: tuple[tuple[str, int | str | None], ...]) -> None:
        """The preset box (each preset's name and its days, QUARTER or None) and the two
        dates, for the owner to lay out; they act once watch_range() is called."""
        self.preset_box = QComboBox()
        for name, preset in presets:
            self.preset_box.addItem(name, preset)
        self.from_edit, self.to_edit = QDateEdit(), QDateEdit()
        for edit in (self.from_edit, self.to_edit):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")

    def watch_range(self, debounce: QTimer, start: date, end: date) -> None:
        """Show `start`–`end`; from then on a preset is worked out at once and a date
        typed after `debounce`'s pause (the timer calls refresh())."""
        self._debounce = debounce
        debounce.timeout.connect(self.refresh)
        self.set_range(start, end)
        self.preset_box.currentIndexChanged.connect(self._preset_chosen)
        for edit in (self.from_edit, self.to_edit):
            edit.dateChanged.connect(self._dates_edited)

    def set_range(self, start: date, end: date) -> None:
        for edit, day in ((self.from_edit, start), (self.to_edit, end)):
            edit.blockSignals(True)
            edit.setDate(qdate(day))
            edit.blockSignals(False)

    def date_range(self) -> tuple[date, date]:
        return self.from_edit.date().toPython(), self.to_edit.date().toPython()

    def _preset_chosen(self) -> None:
        preset = self.preset_box.currentData()
        if preset is None:
            return
        self.set_range(*preset_range(preset, now().date()))
        self.refresh()

    def _dates_edited(self) -> None:
        self.preset_box.blockSignals(True)
        self.preset_box.setCurrentIndex(self.preset_box.findData(None))
        self.preset_box.blockSignals(False)
        self._debounce.start()
