"""The columns of a table as the person at the desk arranged them: which are shown (ticked
in the menu a right-click on the header opens), in what order (a header dragged to a new
place), how wide, and the sort — kept in window.ini per table, under "columns/<name>",
and found again when the table is next built.

A state saved for another set of columns (a version of the desk that had one fewer) is
not forced onto this one: Qt would restore it without a word, some columns in the wrong
place or width. The headers are saved beside it, and a state whose headers differ is
left for the table's defaults."""

from __future__ import annotations

import json

from PySide6.QtCore import QByteArray, QCoreApplication, QEvent, QObject, QPoint, Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QTableView

from sellerdesk.ui.settings import window_settings

GROUP = "columns"
# A drag resizes a column many times a second: the state is written once it rests.
SAVE_DELAY_MS = 500


class ColumnChooser(QObject):
    """`name`: the table's key in window.ini; None for a table whose columns are not kept
    (the menu still shows and hides them for the while it is open)."""

    def __init__(self, table: QTableView, name: str | None) -> None:
        super().__init__(table)
        self.table, self.name = table, name
        self.menu: QMenu | None = None         # the last one shown, for tests
        self.defaults = QByteArray()           # the table as built, for Reset columns
        header = table.horizontalHeader()
        header.setSectionsMovable(True)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self.show_at)
        self.pending = QTimer(self, singleShot=True, interval=SAVE_DELAY_MS)
        self.pending.timeout.connect(self.save)
        # Methods, not lambdas: Qt drops a method's connection when its object goes.
        header.sectionResized.connect(self._resized)
        header.sectionMoved.connect(self._rearranged)
        header.sortIndicatorChanged.connect(self._rearranged)
        # A width dragged just before the table goes (its tab left, the window closed,
        # the app quit) is kept too.
        table.installEventFilter(self)
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.save_pending)
        self._restoring = False

    # -- kept between runs ----------------------------------------------------------------
    def headers(self) -> list[str]:
        model = self.table.model()
        if model is None:
            return []
        return [str(model.headerData(column, Qt.Orientation.Horizontal,
                                     Qt.ItemDataRole.DisplayRole) or "")
                for column in range(model.columnCount())]

    def restore(self) -> bool:
        """Called once the table has its model and default widths: those become the
        defaults, then the state saved last time (if it was saved for these very
        columns) is put back. Whether it was."""
        header = self.table.horizontalHeader()
        self.defaults = header.saveState()
        if not self.name:
            return False
        settings = window_settings()
        state = settings.value(f"{GROUP}/{self.name}/state")
        saved_headers = str(settings.value(f"{GROUP}/{self.name}/headers", ""))
        if not isinstance(state, QByteArray) or saved_headers != json.dumps(self.headers()):
            return False
        self._restoring = True
        try:
            restored = header.restoreState(state)
            if not restored or header.hiddenSectionCount() >= header.count():
                header.restoreState(self.defaults)
                restored = False
        finally:
            self._restoring = False
        return restored

    def save(self) -> None:
        self.pending.stop()
        if not self.name or self._restoring or self.table.model() is None:
            return
        settings = window_settings()
        settings.setValue(f"{GROUP}/{self.name}/state", self.table.horizontalHeader().saveState())
        settings.setValue(f"{GROUP}/{self.name}/headers", json.dumps(self.headers()))

    def _resized(self, *_args) -> None:
        self.pending.start()

    def _rearranged(self, *_args) -> None:
        self.save()

    def save_pending(self) -> None:
        if self.pending.isActive():
            self.save()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.table and event.type() == QEvent.Type.Hide:
            self.save_pending()
        return super().eventFilter(watched, event)

    def reset(self) -> None:
        """The columns as the table was built: all its own columns in their order and
        widths. The sort stays as it is (a reset of the columns is not one of the list)."""
        header = self.table.horizontalHeader()
        section, order = header.sortIndicatorSection(), header.sortIndicatorOrder()
        header.restoreState(self.defaults)
        header.setSortIndicator(section, order)
        self.save()

    # -- the header's menu ------------------------------------------------------------------
    def set_shown(self, column: int, shown: bool) -> None:
        header = self.table.horizontalHeader()
        if not shown and header.count() - header.hiddenSectionCount() <= 1:
            return       # the last column shown stays: a table of no columns cannot be undone
        header.setSectionHidden(column, not shown)
        if shown and header.sectionSize(column) < header.minimumSectionSize() * 2:
            self.table.resizeColumnToContents(column)   # hidden before it was ever sized
        self.save()

    def show_at(self, position: QPoint) -> QMenu:
        """`position`: in the header's viewport, as Qt gives it."""
        header = self.table.horizontalHeader()
        headers = self.headers()
        menu = QMenu(self.table)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        visible = header.count() - header.hiddenSectionCount()
        for visual in range(header.count()):      # listed in the order they stand
            column = header.logicalIndex(visual)
            action = QAction(headers[column] if column < len(headers) else str(column), menu)
            action.setCheckable(True)
            action.setChecked(not header.isSectionHidden(column))
            action.setEnabled(header.isSectionHidden(column) or visible > 1)
            action.toggled.connect(lambda shown, column=column: self.set_shown(column, shown))
            menu.addAction(action)
        menu.addSeparator()
        menu.addAction("&Reset columns", self.reset)
        self.menu = menu
        menu.popup(header.viewport().mapToGlobal(position))
        return menu
