"""Saved views on a list (the Queue, the Issues tab): a name for a set of filters and the
table's sort. Each list has its built-in views ("Everything", "Mine", "Unassigned",
"Overdue", "Waiting for approval"…) and the ones a person names and saves ("Save view…";
"Delete view" for those). The view chosen, with its filters and sort as they are when
the desk closes, is shown again on the next start.

Kept in window.ini: "views/<list>/chosen" is what shows now, "views/<list>/saved/<name>"
each saved view, as JSON ({"filters": {...}, "sort": [column, order]}). A view's filters
are the list's own (plain values its view reads and applies), so this widget knows
nothing of issues or queue items. The sort is the table's header's: any column, either
way, or none (the query's own order)."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import quote, unquote

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QWidget,
)

from sellerdesk.ui.dialogs.ask import ask_text, confirm
from sellerdesk.ui.settings import window_settings

Filters = dict[str, Any]          # JSON-able: strings, booleans, None
Sort = tuple[int, Qt.SortOrder] | None


def table_sort(table: QTableView) -> Sort:
    """The column the table is sorted by and which way, or None for no sort."""
    header, model = table.horizontalHeader(), table.model()
    section = header.sortIndicatorSection()
    if not header.isSortIndicatorShown() or model is None \
            or not 0 <= section < model.columnCount():
        return None
    return section, header.sortIndicatorOrder()


def sort_table(table: QTableView, sort: Sort) -> None:
    """Sort as a click on the header would (the header shows it); None: the query's order."""
    column, order = sort if sort is not None else (-1, Qt.SortOrder.AscendingOrder)
    if sort is None and table_sort(table) is None:
        return
    table.sortByColumn(column, order)


def _sort_from(value: Any) -> Sort:
    try:
        column, order = value
        return int(column), Qt.SortOrder(int(order))
    except (TypeError, ValueError):
        return None      # no sort kept, or one this version cannot read: the list's own


class SavedViews(QWidget):
    """The view box and its two buttons, for one list. `read` gives the list's filters as
    they are; `apply` sets them (and reads the list again). The list calls `remember()`
    when a filter is changed by hand, so the next start shows it as it was left."""
    said = Signal(str)          # a line for the status bar

    def __init__(self, key: str, table: QTableView, builtins: Mapping[str, Filters], *,
                 read: Callable[[], Filters], apply: Callable[[Filters], None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.key, self.table, self.builtins = key, table, dict(builtins)
        self.read, self.apply = read, apply
        self.question: QWidget | None = None     # the last question asked, for tests
        self.view_box = QComboBox()
        self.view_box.setToolTip("A view is a set of filters and a sort, kept by name")
        self.view_box.activated.connect(lambda _row: self.choose(self.view_box.currentText()))
        label = QLabel("Vie&w:")
        label.setBuddy(self.view_box)
        self.save_button = QPushButton("Save view…")
        self.save_button.setToolTip("Keep these filters and this sort under a name")
        self.save_button.clicked.connect(self.ask_name)
        self.delete_button = QPushButton("Delete view")
        self.delete_button.setToolTip("Forget the saved view shown (the built-in ones stay)")
        self.delete_button.clicked.connect(self.delete_chosen)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (label, self.view_box, self.save_button, self.delete_button):
            layout.addWidget(widget)
        self.list_views(next(iter(self.builtins)))
        table.horizontalHeader().sortIndicatorChanged.connect(self._sorted)

    # -- what is kept -------------------------------------------------------------------
    def _group(self, *parts: str) -> str:
        return "/".join(("views", self.key, *parts))

    def saved(self) -> dict[str, tuple[Filters, Sort]]:
        """The person's own views by name, as kept in window.ini."""
        settings = window_settings()
        settings.beginGroup(self._group("saved"))
        found = {}
        for stored in settings.childKeys():
            try:
                kept = json.loads(str(settings.value(stored)))
                found[unquote(stored)] = (dict(kept["filters"]), _sort_from(kept.get("sort")))
            except (ValueError, KeyError, TypeError):
                continue     # a line edited by hand into something else: left out
        settings.endGroup()
        return dict(sorted(found.items(), key=lambda item: item[0].casefold()))

    def _put(self, key: str, view: str | None, filters: Filters, sort: Sort) -> None:
        kept: dict[str, Any] = {"filters": filters,
                                "sort": None if sort is None else [sort[0], sort[1].value]}
        if view is not None:
            kept["view"] = view
        window_settings().setValue(key, json.dumps(kept))

    def view(self, name: str) -> tuple[Filters, Sort] | None:
        if name in self.builtins:
            return dict(self.builtins[name]), None
        return self.saved().get(name)

    # -- the box ----------------------------------------------------------------------------
    def list_views(self, chosen: str) -> None:
        """The views in the box (built-in, then the person's), `chosen` shown."""
        box = self.view_box
        box.blockSignals(True)
        box.clear()
        box.addItems(list(self.builtins))
        mine = list(self.saved())
        if mine:
            box.insertSeparator(box.count())
            box.addItems(mine)
        box.setCurrentIndex(max(0, box.findText(chosen, Qt.MatchFlag.MatchExactly)))
        box.blockSignals(False)
        self.delete_button.setEnabled(box.currentText() not in self.builtins)

    @property
    def chosen(self) -> str:
        return self.view_box.currentText()

    def choose(self, name: str) -> None:
        """Show the view: its filters, then its sort (none for a built-in view)."""
        found = self.view(name)
        if found is None:
            name, found = next(iter(self.builtins)), self.view(next(iter(self.builtins)))
            assert found is not None
        self.list_views(name)
        self._show(*found)
        self.remember()

    def _show(self, filters: Filters, sort: Sort) -> None:
        self.apply(filters)
        sort_table(self.table, sort)

    def restore(self) -> None:
        """At start: the view last shown, with its filters and sort as they were left."""
        settings = window_settings()
        try:
            kept = json.loads(str(settings.value(self._group("chosen"), "")))
            name, filters, sort = kept["view"], dict(kept["filters"]), _sort_from(kept["sort"])
        except (ValueError, KeyError, TypeError):
            self.choose(next(iter(self.builtins)))
            return
        self.list_views(name if self.view(name) is not None else next(iter(self.builtins)))
        self._show(filters, sort)

    def _sorted(self, _column: int, _order: Qt.SortOrder) -> None:
        self.remember()

    def remember(self) -> None:
        """What shows now, for the next start."""
        self._put(self._group("chosen"), self.chosen, self.read(), table_sort(self.table))

    # -- saving and deleting -----------------------------------------------------------------
    def ask_name(self) -> QWidget:
        chosen = self.chosen
        self.question = ask_text(self, "Save view", "Name of the view (its filters and "
                                 "sort as they are now):", self.save_as,
                                 text="" if chosen in self.builtins else chosen)
        return self.question

    def save_as(self, name: str) -> None:
        """Keep the filters and sort as they are under `name`; a view of that name is
        replaced once the person says so, a built-in one never."""
        name = " ".join(name.split())
        if not name:
            return
        if name in self.builtins:
            self.question = QMessageBox(QMessageBox.Icon.Information, "Save view",
                                        f"“{name}” is one of SellerDesk's own views; give "
                                        "yours another name.", QMessageBox.StandardButton.Ok,
                                        self)
            self.question.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            self.question.open()
            return
        if name in self.saved():
            self.question = confirm(self, "Replace the view?",
                                    f"A view called “{name}” is saved already. Replace it "
                                    "with these filters and this sort?", "Replace",
                                    lambda: self._keep(name))
            return
        self._keep(name)

    def _keep(self, name: str) -> None:
        self._put(self._group("saved", quote(name, safe="")), None, self.read(),
                  table_sort(self.table))
        self.list_views(name)
        self.remember()
        self.said.emit(f"View “{name}” saved")

    def delete_chosen(self) -> None:
        name = self.chosen
        if name in self.builtins:
            return
        window_settings().remove(self._group("saved", quote(name, safe="")))
        self.choose(next(iter(self.builtins)))
        self.said.emit(f"View “{name}” deleted")
