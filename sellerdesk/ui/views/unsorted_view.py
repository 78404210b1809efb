"""The Unsorted tab: mail read from the mailbox that is on no issue — no order id in it,
an order not on this desk yet, a notice not proven to come from Amazon, a mail of a kind
the desk does not know — each with why, newest first, and the selected mail below.

A person decides where each goes: "Attach to order…" (Enter or A) puts it on the
order's open issue, or opens one, with the reply clock from the mail's own time, and
opens that issue; "Set aside…" (Delete or S) takes it out of the list. Setting aside
has no undo (the mail is kept, but nothing puts it back in this list), so it is asked
for with a confirmation whose safe answer is the default. Both are writes, run in turn
with the window's others (ui/operations/unsorted.py).

The tab's title counts the mail waiting; the Queue shows the same count, so the person
working the queue sees that mail waits here."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeyEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from sellerdesk.core.errors import KnownError
from sellerdesk.services.mail.account import mail_account
from sellerdesk.services.mail.inbox import MailView, unsorted_mail
from sellerdesk.ui.dialogs.ask import ask_text, confirm
from sellerdesk.ui.formatting import local_time
from sellerdesk.ui.labels import error_label
from sellerdesk.ui.models.records_model import Column, RecordsModel
from sellerdesk.ui.operations import Operations
from sellerdesk.ui.operations.unsorted import attach_mail, set_mail_aside
from sellerdesk.ui.record_table import record_table
from sellerdesk.ui.views.mail_thread import MailCard

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

TICK_MS = 60_000          # read again each minute, as the Queue is
KEYS_HINT = ("↑↓ move · Enter or A attach to an order · Delete or S set aside · "
             "right-click for both")


def _line(text: str) -> str:
    return " ".join(text.split())


UNSORTED_COLUMNS: list[Column[MailView]] = [
    Column("When", lambda m: local_time(m.written_at), key=lambda m: m.written_at),
    Column("What", lambda m: m.label),
    Column("From", lambda m: _line(m.sender) or "—"),
    Column("Subject", lambda m: _line(m.subject) or "—", tip=lambda m: m.subject),
    Column("Why here", lambda m: _line(m.unreadable or m.note) or "—",
           tip=lambda m: m.unreadable or m.note),
]


def unsorted_model(parent=None) -> RecordsModel[MailView]:
    return RecordsModel(UNSORTED_COLUMNS, parent, identity=lambda m: m.mail_id)


def unsorted_title(count: int) -> str:
    return f"Unsorted ({count})" if count else "Unsorted"


class UnsortedView(QWidget):
    said = Signal(str)              # a line for the status bar
    counted = Signal(int)           # the mail waiting here
    changed = Signal()              # a mail was attached or set aside
    open_issue = Signal(int)        # …attached, on this issue

    def __init__(self, engine: Engine, staff: Callable[[], str],
                 parent: QWidget | None = None, *,
                 operations: Operations | None = None) -> None:
        super().__init__(parent)
        self.engine, self.staff = engine, staff
        self.operations = operations or Operations(self)
        self.question: QWidget | None = None      # the open question, for tests
        self.count = 0
        self.model = unsorted_model(self)
        when = self.fontMetrics().horizontalAdvance("2026-12-31 23:59") + 24
        self.table = record_table(self.model, (when, 170, 220, 320), name="unsorted")
        self.table.installEventFilter(self)
        self.table.doubleClicked.connect(lambda _index: self.attach_selected())
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._show_selected())

        self.attach_action = QAction("Attach to order…", self)
        self.attach_action.setToolTip("Put the mail on its order's open issue (or open one), "
                                      "with the reply clock from the mail's time (Enter)")
        self.attach_action.triggered.connect(self.attach_selected)
        self.set_aside_action = QAction("Set aside…", self)
        self.set_aside_action.setToolTip("Not the desk's business: out of this list, on no "
                                         "issue; the mail is kept (Delete)")
        self.set_aside_action.triggered.connect(self.set_aside_selected)
        self.table.row_menu.add_row_actions([self.attach_action, self.set_aside_action])
        self.attach_button = QPushButton(self.attach_action.text())
        self.attach_button.setToolTip(self.attach_action.toolTip())
        self.attach_button.clicked.connect(self.attach_selected)
        self.set_aside_button = QPushButton(self.set_aside_action.text())
        self.set_aside_button.setToolTip(self.set_aside_action.toolTip())
        self.set_aside_button.clicked.connect(self.set_aside_selected)

        self.intro_label = QLabel("Mail read from the mailbox that is on no issue yet, and "
                                  "why. Attach each to its order, or set it aside.")
        self.intro_label.setWordWrap(True)
        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        bar.addWidget(self.intro_label, 1)
        bar.addWidget(self.attach_button)
        bar.addWidget(self.set_aside_button)
        self.empty_label = QLabel()
        self.empty_label.setWordWrap(True)
        self.error_label = error_label()
        self.error_label.hide()

        self.detail = QScrollArea()         # the selected mail, whole
        self.detail.setWidgetResizable(True)
        self.detail.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.card: MailCard | None = None
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.detail)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 1)
        self.hint_label = QLabel(KEYS_HINT)
        self.hint_label.setStyleSheet("color: palette(placeholder-text);")
        self.hint_label.setWordWrap(True)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 0)
        layout.addLayout(bar)
        layout.addWidget(self.error_label)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.splitter, 1)
        layout.addWidget(self.hint_label)
        self.operations.changed.connect(self._enable)
        self.clock = QTimer(self, interval=TICK_MS)
        self.clock.timeout.connect(self.refresh)
        self.clock.start()
        self.refresh()

    # -- reading -----------------------------------------------------------------------
    def refresh(self) -> None:
        """Read Unsorted again; the mail in hand stays in hand if it is still here."""
        in_hand = self.selected()
        self.model.set_records(unsorted_mail(self.engine))
        count = self.model.rowCount()
        if count and (in_hand is None or self._row_of(in_hand.mail_id) is None):
            self.table.selectRow(0)        # the mail in hand went: the newest next
        if not count:
            self.empty_label.setText(
                "No unsorted mail: every mail read in is on an issue." if mail_account(
                    self.engine) is not None else
                "No unsorted mail. No mailbox is connected yet: Settings › Mail connects "
                "the seller's mailbox, and mail the desk cannot place on an order waits "
                "here.")
        self.empty_label.setVisible(not count)
        self.splitter.setVisible(bool(count))
        self._show_selected()
        self._enable()
        self.count = count
        self.counted.emit(count)

    def _row_of(self, mail_id: int) -> int | None:
        for row, mail in enumerate(self.model.records()):
            if mail.mail_id == mail_id:
                return row
        return None

    def selected(self) -> MailView | None:
        index = self.table.currentIndex()
        return self.model.record_at(index.row()) if index.isValid() else None

    def _show_selected(self) -> None:
        mail = self.selected()
        if self.card is not None and mail is not None and self.card.mail == mail:
            return
        old = self.detail.takeWidget()
        if old is not None:
            old.deleteLater()
        self.card = MailCard(mail) if mail is not None else None
        if self.card is not None:
            self.detail.setWidget(self.card)

    def changeEvent(self, event: QEvent) -> None:
        """Light to dark or back: the mail shown is drawn again in the new tones."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and self.card is not None:
            self.card = None
            self._show_selected()

    def _enable(self) -> None:
        usable = self.selected() is not None and not self.operations.busy
        for each in (self.attach_action, self.set_aside_action, self.attach_button,
                     self.set_aside_button):
            each.setEnabled(usable)

    # -- the keyboard -------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.table and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
                action = {Qt.Key.Key_Return: self.attach_selected,
                          Qt.Key.Key_Enter: self.attach_selected,
                          Qt.Key.Key_A: self.attach_selected,
                          Qt.Key.Key_Delete: self.set_aside_selected,
                          Qt.Key.Key_S: self.set_aside_selected}.get(Qt.Key(event.key()))
                if action is not None:
                    action()
                    return True
        return super().eventFilter(watched, event)

    # -- acting --------------------------------------------------------------------------
    def _refused(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.show()

    def attach_selected(self) -> None:
        """Ask which order (offering the order id found in the mail), then attach."""
        mail = self.selected()
        if mail is None:
            return
        self.error_label.hide()
        self.question = ask_text(
            self, "Attach to order",
            f"Which order is mail {mail.mail_id} about? Its order id (as 114-3941689-8772232):",
            lambda order_id: self.attach(mail.mail_id, order_id), text=mail.order_id or "")

    def attach(self, mail_id: int, order_id: str) -> None:
        order_id = order_id.strip()
        if not order_id:
            self._refused("Not attached: no order id was given.")
            return
        if self.operations.busy:
            self._refused(f"Not attached: {self.operations.busy} Do it again then.")
            return

        def done(issue_id: int) -> None:
            self.said.emit(f"Mail {mail_id} is on issue {issue_id} (order {order_id})")
            self.changed.emit()
            self.open_issue.emit(issue_id)

        attach_mail(self.operations, self.engine, mail_id=mail_id, order_id=order_id,
                    staff=self.staff(), done=done, failed=self._failed)

    def set_aside_selected(self) -> QMessageBox | None:
        mail = self.selected()
        if mail is None:
            return None
        self.error_label.hide()
        what = f"“{_line(mail.subject)}”" if mail.subject.strip() else f"Mail {mail.mail_id}"
        sender = f" from {_line(mail.sender)}" if mail.sender.strip() else ""
        self.question = confirm(
            self, "Set the mail aside?",
            f"{what}{sender} leaves Unsorted and goes on no issue. The mail is kept, but "
            "nothing brings it back to this list.\n\nSet it aside?",
            "Set aside", lambda: self.set_aside(mail.mail_id))
        return self.question

    def set_aside(self, mail_id: int) -> None:
        if self.operations.busy:
            self._refused(f"Not set aside: {self.operations.busy} Do it again then.")
            return

        def done(_result: object) -> None:
            self.said.emit(f"Mail {mail_id} set aside")
            self.changed.emit()

        set_mail_aside(self.operations, self.engine, mail_id=mail_id, staff=self.staff(),
                       done=done, failed=self._failed)

    def _failed(self, error: Exception) -> None:
        if isinstance(error, KnownError):
            self._refused(str(error))
        self.refresh()     # what is there now (a colleague may have placed it first)
