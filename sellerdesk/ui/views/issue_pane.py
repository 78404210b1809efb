"""One issue and everything that happened on it: status, assignee, the reply clock, the
buyer's answer, and the timeline — with the actions that move it on."""

from __future__ import annotations

import contextlib
import html
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from sellerdesk.core.deadlines import EVENTS, still_owed
from sellerdesk.core.durations import reply_clock
from sellerdesk.core.errors import KnownError
from sellerdesk.core.issues import BuyerResponse, IssueStatus
from sellerdesk.core.records import EvidenceRecord
from sellerdesk.services import claims, follow_up
from sellerdesk.services.clock import now
from sellerdesk.services.evidence import (
    attach_evidence,
    evidence_on,
    removable,
    size_text,
    viewable_copy,
)
from sellerdesk.services.follow_up import IssueDetail
from sellerdesk.services.mail.inbox import mail_on_issue
from sellerdesk.services.protection.personal_data import BuyerDetails, buyer_details
from sellerdesk.services.staff_admin import list_staff
from sellerdesk.ui.dialogs.ask import ask_text, confirm
from sellerdesk.ui.dialogs.message_dialog import MessageDialog
from sellerdesk.ui.flow_layout import FlowLayout
from sellerdesk.ui.formatting import (
    ERROR,
    MUTED,
    WARNING,
    error_style,
    local_time,
    notice_style,
    tone_name,
)
from sellerdesk.ui.labels import error_label
from sellerdesk.ui.models.work_models import utc_now
from sellerdesk.ui.operations import Operations
from sellerdesk.ui.operations.records import remove_evidence
from sellerdesk.ui.views.mail_thread import MailThread

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

BUSY_SAID_AFTER_MS = 300
REMOVAL_LOOKED_AT_MS = 1000     # how soon a Remove goes once its minute is over
TIMELINE_HEADERS = ("When", "Who", "What", "Details")
EVENT_LABELS = {"logged": "Logged", "suggestion": "Suggested", "buyer_message": "Buyer wrote",
                "reply": "Reply sent", "reply_late": "Reply sent late", "credit": "Credit",
                "approval_requested": "Approval asked",
                "approved": "Approved", "rejected": "Rejected", "reversal": "Reversed",
                "status": "Status", "assigned": "Assigned", "buyer_answer": "Buyer answered",
                "return_received": "Return arrived", "refund_issued": "Refunded",
                "atoz_info_request": "A-to-z request", "atoz_answered": "A-to-z answered",
                "chargeback_notice": "Chargeback", "chargeback_answered": "Chargeback answered",
                "atoz_decision": "A-to-z decided", "appealed": "Appealed",
                "appeal_info_request": "Appeal request", "appeal_answered": "Appeal answered",
                "evidence": "Evidence", "evidence_removed": "Evidence removed",
                "personal_data": "Buyer details"}
NOBODY = "— nobody —"


class IssuePane(QStackedWidget):
    changed = Signal(int)                 # the issue id: something about it was saved
    open_order = Signal(str)
    give_credit = Signal(int)
    draft_reply = Signal(int)
    dispute = Signal(str)                 # the order id: make its dispute packet

    def __init__(self, engine: Engine, staff: Callable[[], str],
                 parent: QWidget | None = None, *, operations: Operations | None = None) -> None:
        super().__init__(parent)
        self.engine, self.staff = engine, staff
        # The window's writes, one at a time (WorkTabs hands its own over).
        self.operations = operations or Operations(self)
        self.just_attached: list[EvidenceRecord] = []   # the last files put on, for Undo
        self.remove_buttons: dict[int, QPushButton] = {}   # evidence id → its Remove
        # A Remove is offered for a minute after attaching: looked at each second, on the
        # desk's clock, and taken away when the minute is over.
        self.removal_clock = QTimer(self, interval=REMOVAL_LOOKED_AT_MS)
        self.removal_clock.timeout.connect(self._removal_looked_at)
        self.detail: IssueDetail | None = None
        self.buyer_details = BuyerDetails()
        self.question: QInputDialog | None = None   # the open question, for tests
        self.dialog: QDialog | None = None   # the open dialog, for tests
        self.held: int | None = None      # the issue this login holds open (team database)
        self.holding = True               # until the window closes
        self.busy = ""                    # why changes wait (an import writing), or ""
        self.kept_notes: dict[tuple[int, str], str] = {}   # typed for an event not recorded
        self.renew = QTimer(self, interval=claims.RENEW_EVERY_SECONDS * 1000)
        self.renew.timeout.connect(self._renew_hold)
        self.setAcceptDrops(True)     # files dropped anywhere on the pane become evidence
        empty = QLabel("Select an issue to follow it up.")
        empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        empty.setEnabled(False)
        self.addWidget(empty)

        page = QWidget()
        layout = QVBoxLayout(page)
        heading = QHBoxLayout()
        self.title_label = QLabel()
        font = self.title_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.35)
        font.setBold(True)
        self.title_label.setFont(font)
        self.title_label.setWordWrap(True)      # a long summary wraps: the pane stays narrow
        heading.addWidget(self.title_label, 1)
        self.order_button = QPushButton("Open order")
        self.order_button.clicked.connect(
            lambda: self.detail and self.open_order.emit(self.detail.issue.order_id))
        heading.addWidget(self.order_button)
        self.dispute_button = QPushButton("Dispute packet…")
        self.dispute_button.setToolTip("Evidence for an A-to-z claim or chargeback on this "
                                       "issue's order (Ctrl+Shift+D)")
        self.dispute_button.clicked.connect(
            lambda: self.detail and self.dispute.emit(self.detail.issue.order_id))
        heading.addWidget(self.dispute_button)
        layout.addLayout(heading)
        self.subtitle_label = QLabel()
        self.subtitle_label.setWordWrap(True)
        self.subtitle_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.subtitle_label)
        self.taken_label = QLabel()       # on a team: a colleague has this issue open too
        self.taken_label.setWordWrap(True)
        self.taken_label.setStyleSheet(notice_style())
        self.taken_label.hide()
        layout.addWidget(self.taken_label)

        form = QFormLayout()
        self.status_box = QComboBox()
        for status in IssueStatus:
            self.status_box.addItem(status.label, status.value)
        self.status_box.activated.connect(self._status_chosen)
        self.assignee_box = QComboBox()
        self.assignee_box.activated.connect(self._assignee_chosen)
        self.reply_label = QLabel()
        self.reply_label.setWordWrap(True)
        answer_row = FlowLayout()        # wraps rather than widen the pane
        self.answer_label = QLabel()
        answer_row.addWidget(self.answer_label)
        self.answer_buttons: dict[BuyerResponse, QPushButton] = {}
        for response in (BuyerResponse.ACCEPTED, BuyerResponse.DECLINED, BuyerResponse.NO_ANSWER):
            button = QPushButton(response.label)
            button.setToolTip(f"The buyer's answer to the offer: {response.label.lower()}")
            button.clicked.connect(lambda _=False, r=response: self._answer(r))
            answer_row.addWidget(button)
            self.answer_buttons[response] = button
        form.addRow("&Status:", self.status_box)
        form.addRow("Assig&nee:", self.assignee_box)   # Alt+A: Approvals
        form.addRow("Reply:", self.reply_label)
        self.deadlines_label = QLabel()
        self.deadlines_label.setWordWrap(True)
        self.deadlines_label.setTextFormat(Qt.TextFormat.RichText)
        form.addRow("Deadlines:", self.deadlines_label)
        form.addRow("Buyer's answer:", answer_row)
        self.buyer_label = QLabel()
        self.buyer_label.setWordWrap(True)
        self.buyer_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow("Buyer:", self.buyer_label)
        layout.addLayout(form)

        actions = FlowLayout()           # two lines beside the list at 1366×768
        self.message_button = QPushButton("No&te message…")   # Alt+M: Metrics
        self.message_button.setToolTip("Note a message from the buyer (the 24-hour reply "
                                       "clock starts) or a reply sent from Seller Central")
        self.message_button.clicked.connect(self.note_message)
        self.reply_button = QPushButton("Draft &reply…")
        self.reply_button.setToolTip("Draft the reply from the template and copy it for "
                                     "Buyer-Seller Messaging (Ctrl+R)")
        self.reply_button.clicked.connect(
            lambda: self.detail and self.draft_reply.emit(self.detail.issue.issue_id))
        self.credit_button = QPushButton("&Give credit…")
        self.credit_button.clicked.connect(
            lambda: self.detail and self.give_credit.emit(self.detail.issue.issue_id))
        self.record_button = QToolButton()
        self.record_button.setText("Record…")
        self.record_button.setToolTip("Something Amazon or the buyer did that starts or meets "
                                      "a deadline: a return arriving, an A-to-z request…")
        self.record_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.record_menu = QMenu(self.record_button)
        for kind, label in EVENTS.items():
            self.record_menu.addAction(label, lambda k=kind: self.ask_event(k))
        self.record_button.setMenu(self.record_menu)
        self.attach_button = QPushButton("Atta&ch evidence…")   # Alt+E: Edit
        self.attach_button.setToolTip("Photos, PDFs, screenshots, tracking pages: copied into "
                                      "the evidence store. You can also drop files on the pane.")
        self.attach_button.clicked.connect(self.choose_evidence)
        self.buyer_button = QPushButton("B&uyer details…")
        self.buyer_button.setToolTip("The buyer's name, e-mail or address when the case needs "
                                     "them: encrypted, and purged after the retention period")
        self.buyer_button.clicked.connect(self.edit_buyer_details)
        for button in (self.message_button, self.reply_button, self.credit_button,
                       self.record_button, self.attach_button, self.buyer_button):
            actions.addWidget(button)
        layout.addLayout(actions)

        self.undo_bar = QWidget()        # right after files go on: take them back
        undo_row = QHBoxLayout(self.undo_bar)
        undo_row.setContentsMargins(0, 0, 0, 0)
        self.attached_label = QLabel()
        self.attached_label.setWordWrap(True)
        self.undo_button = QPushButton("Undo attach")
        self.undo_button.setToolTip("Take the files just attached back off this issue "
                                    "(for a minute after attaching; the timeline keeps "
                                    "that they came and went)")
        self.undo_button.clicked.connect(
            lambda: self.remove([r.evidence_id for r in self.just_attached]))
        undo_row.addWidget(self.attached_label, 1)
        undo_row.addWidget(self.undo_button)
        self.undo_bar.hide()
        layout.addWidget(self.undo_bar)

        self.error_label = error_label()
        self.error_label.hide()
        layout.addWidget(self.error_label)

        self.timeline_table = QTableWidget(0, len(TIMELINE_HEADERS))
        self.timeline_table.setHorizontalHeaderLabels(TIMELINE_HEADERS)
        self.timeline_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.timeline_table.setWordWrap(True)
        self.timeline_table.verticalHeader().setVisible(False)
        header = self.timeline_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.timeline_table.verticalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        # The timeline and the mail share the room under the form: at 1366×768 there is
        # not height for both, and a person reads one or the other at a time.
        self.mail_thread = MailThread()
        self.history_tabs = QTabWidget()
        self.history_tabs.setDocumentMode(True)
        self.history_tabs.addTab(self.timeline_table, "Timeline")
        self.history_tabs.addTab(self.mail_thread, "Mail")
        self.history_tabs.setTabToolTip(1, "The buyer's mail and Amazon's notices on this "
                                           "issue, and the replies sent, in full")
        layout.addWidget(self.history_tabs, 1)

        self.evidence_heading = QLabel()
        self.evidence_heading.setWordWrap(True)
        layout.addWidget(self.evidence_heading)
        self.evidence_list = QListWidget()
        self.evidence_list.setMaximumHeight(96)
        self.evidence_list.setToolTip("Double-click to open a copy of the file")
        self.evidence_list.itemActivated.connect(self._open_evidence)
        layout.addWidget(self.evidence_list)
        self.addWidget(page)

    # -- showing ---------------------------------------------------------------------
    def show_issue(self, issue_id: int | None) -> None:
        self._hold(issue_id)
        if issue_id is None:
            self.detail = None
            self.setCurrentIndex(0)
            return
        self.detail = detail = follow_up.issue_detail(self.engine, issue_id)
        issue, order = detail.issue, detail.order
        self.title_label.setText(f"Issue {issue.issue_id} · {issue.summary}")
        affected = ", ".join(f"{quantity} × {sku}" for sku, quantity in issue.affected)
        lines = [f"Order {order.order_id} ({order.marketplace}, {order.total.display()}) · "
                 f"logged {local_time(issue.created_at)} by {issue.created_by}"]
        if affected:
            lines.append(f"Affected: {affected}"
                         + (f" · {issue.days_late} days late" if issue.days_late else ""))
        if issue.notes:
            lines.append(f"Notes: {issue.notes}")
        if detail.credits or detail.pending_approvals:
            parts = [f"{c.amount.display()} (credit {c.credit_id})" for c in detail.credits]
            if detail.pending_approvals:
                parts.append(f"{detail.pending_approvals} waiting for approval")
            lines.append("Credits: " + ", ".join(parts))
        self.subtitle_label.setText("\n".join(lines))
        self.status_box.setCurrentIndex(self.status_box.findData(issue.status.value))
        self._load_assignees(issue.assignee)
        # A write under way took these away (set_busy); none is taken away by the issue.
        for widget in self._changes():
            widget.setEnabled(True)
        self.refresh_clock()
        self.answer_label.setText(issue.buyer_response.label)
        for response, button in self.answer_buttons.items():
            button.setEnabled(detail.offer_stands and issue.buyer_response is not response)
            button.setToolTip(f"The buyer's answer to the offer: {response.label.lower()}"
                              if detail.offer_stands else
                              "No offer stands yet: give a credit or a replacement first")
        self._show_taken()
        self._show_buyer()
        self._show_timeline()
        self._show_mail()
        self._show_evidence()
        self.error_label.hide()
        self._show_busy()
        self.setCurrentIndex(1)

    def set_busy(self, reason: str) -> None:
        """Another write is under way (an import, a restore): every change waits for it,
        and says why, rather than freezing the window behind it."""
        was, self.busy = self.busy, reason
        if was and not reason and self.detail is not None:
            self.show_issue(self.detail.issue.issue_id)   # each control as it should be
        else:
            self._show_busy()

    def _show_busy(self) -> None:
        if not self.busy:
            return
        for widget in (*self._changes(), *self.answer_buttons.values(), self.buyer_button,
                       *self.remove_buttons.values()):
            widget.setEnabled(False)
        # Said only if it lasts: a colleague's quick save must not flash a red line.
        QTimer.singleShot(BUSY_SAID_AFTER_MS, self, self._say_busy)

    def _changes(self) -> tuple[QWidget, ...]:
        """What changes any issue, whatever state it is in."""
        return (self.status_box, self.assignee_box, self.message_button, self.reply_button,
                self.credit_button, self.record_button, self.attach_button, self.undo_button)

    def _say_busy(self) -> None:
        if self.busy and not self.error_label.isVisible():   # "not saved" said: it stays
            self.error_label.setText(self.busy)
            self.error_label.show()

    # -- who else has it open (team database) ---------------------------------------------
    def _hold(self, issue_id: int | None) -> None:
        if issue_id == self.held or not self.holding:
            return
        try:
            claims.hold_issue(self.engine, issue_id)
        except KnownError:
            return              # offline: the window says so; the hold comes with the next
        self.held = issue_id
        if issue_id is None:
            self.renew.stop()
        else:
            self.renew.start()

    def _renew_hold(self) -> None:
        with contextlib.suppress(KnownError):   # offline for now: the next one tries again
            claims.renew_hold(self.engine)

    def release(self) -> None:
        """The window is closing: nobody has to see this issue as taken any more (and a
        refresh still on its way does not take it again)."""
        self.holding = False
        self.renew.stop()
        if self.held is not None:
            self.held = None
            with contextlib.suppress(KnownError):   # else it lapses in a few minutes
                claims.hold_issue(self.engine, None)

    def _show_taken(self) -> None:
        assert self.detail is not None
        others = claims.taken_by_others(self.engine).get(self.detail.issue.issue_id, [])
        if not others:
            self.taken_label.hide()
            return
        names = " and ".join(f"<b>{t.login}</b> (since {local_time(t.since)})"
                             for t in others)
        verb = "has" if len(others) == 1 else "have"
        self.taken_label.setText(f"Taken: {names} {verb} this issue open. What you do here "
                                 "is added to theirs; a word with them first saves a buyer "
                                 "two answers.")
        self.taken_label.show()

    def _show_buyer(self) -> None:
        assert self.detail is not None
        details = buyer_details(self.engine, self.detail.issue.issue_id)
        self.buyer_details = details
        self.buyer_button.setEnabled(details.purged_at is None)
        if details.purged_at is not None:
            text = (f'<span style="color:{tone_name(MUTED)}">personal details purged '
                    f'{local_time(details.purged_at)} (retention period over)</span>')
        elif details.empty:
            text = f'<span style="color:{tone_name(MUTED)}">no personal details</span>'
        else:
            shown = [html.escape(details.values[n]).replace("\n", ", ")
                     for n in ("name", "email", "address") if n in details.values]
            shown += [f'<b style="color:{tone_name(ERROR)}">{html.escape(why)}</b>'
                      for why in details.unreadable.values()]
            muted = tone_name(MUTED)
            text = " · ".join(shown) + (f' <span style="color:{muted}">(encrypted; purged '
                                        f'on {details.purge_on:%Y-%m-%d})</span>'
                                        if details.purge_on else "")
        self.buyer_label.setText(text)

    def edit_buyer_details(self) -> None:
        if self.detail is None:
            return
        from sellerdesk.ui.dialogs.buyer_details import BuyerDetailsDialog
        issue_id = self.detail.issue.issue_id
        dialog = BuyerDetailsDialog(self.engine, issue_id, self.detail.order.purchase_date,
                                    self.buyer_details, self.staff(), self)
        self.dialog = dialog
        if dialog.exec():
            self.show_issue(issue_id)
            self.changed.emit(issue_id)
        self.dialog = None

    def refresh_clock(self) -> None:
        if self.detail is None:
            return
        due = self.detail.issue.reply_due_at
        text = reply_clock(due, utc_now())
        self.reply_label.setText(f"{text} (due {local_time(due)})" if due
                                 else "nothing waits for a reply")
        overdue = due is not None and due < utc_now()
        self.reply_label.setStyleSheet(f"{error_style()} font-weight: bold;" if overdue else "")
        self.deadlines_label.setText(self.deadlines_text())

    def deadlines_text(self) -> str:
        """Every deadline on the issue: overdue ones red and bold, those under two hours
        amber, met ones grey."""
        assert self.detail is not None
        moment, lines = utc_now(), []
        for deadline in self.detail.deadlines:
            text = html.escape(deadline.describe(moment), quote=False)
            if deadline.overdue(moment):
                text = f'<b style="color:{tone_name(ERROR)}">{text}</b>'
            elif deadline.soon(moment):
                text = f'<b style="color:{tone_name(WARNING)}">{text}</b>'
            elif not deadline.is_open():
                text = f'<span style="color:{tone_name(MUTED)}">{text}</span>'
            lines.append(text)
        return "<br>".join(lines) or "none"

    def _load_assignees(self, current: str) -> None:
        self.assignee_box.clear()
        self.assignee_box.addItem(NOBODY, "")
        for member in list_staff(self.engine):
            self.assignee_box.addItem(f"{member.name} ({member.role})", member.name)
        self.assignee_box.setCurrentIndex(max(0, self.assignee_box.findData(current)))

    def _show_timeline(self) -> None:
        assert self.detail is not None
        events = self.detail.timeline
        table = self.timeline_table
        table.setRowCount(len(events))
        for row, event in enumerate(events):
            cells = (local_time(event.at), event.actor,
                     EVENT_LABELS.get(event.kind, event.kind.replace("_", " ").capitalize()),
                     event.text)
            for column, text in enumerate(cells):
                cell = QTableWidgetItem(_one_line(text) if column == 3 else text)
                if column == 3 and cell.text() != text:
                    cell.setToolTip(text)   # a whole reply, for instance
                table.setItem(row, column, cell)
        table.scrollToBottom()

    def _show_mail(self) -> None:
        assert self.detail is not None
        mails = mail_on_issue(self.engine, self.detail.issue.issue_id)
        self.mail_thread.show_mail(mails)
        self.history_tabs.setTabText(1, f"Mail ({len(mails)})" if mails else "Mail")

    def mail_texts(self) -> list[str]:
        """Each mail on the issue as the Mail tab shows it, a line per part."""
        return ["\n".join(t for t in (c.kind_label.text(), c.heading_label.text(),
                                      c.state_label.text(), c.subject_label.text(),
                                      c.body_text(), c.note_label.text()) if t)
                for c in self.mail_thread.cards]

    def _show_evidence(self) -> None:
        assert self.detail is not None
        records = evidence_on(self.engine, [self.detail.issue.issue_id])
        self.evidence_heading.setText(
            f"<b>Evidence</b> ({len(records)}) — drop files here or use Attach evidence"
            if records else "<b>Evidence</b> — none yet: drop files here or use Attach evidence")
        self.evidence_list.clear()
        self.remove_buttons.clear()
        moment = now()
        for record in records:
            item = QListWidgetItem(f"{record.name} · {size_text(record.size)} · "
                                   f"{local_time(record.added_at)} by {record.added_by}")
            item.setData(Qt.ItemDataRole.UserRole, record)
            item.setToolTip(f"SHA-256 {record.sha256}")
            self.evidence_list.addItem(item)
            if removable(record, moment):
                self._offer_removal(item, record)
        self.evidence_list.setVisible(bool(records))
        shown = {r.evidence_id for r in records}
        self.just_attached = [r for r in self.just_attached if r.evidence_id in shown
                              and removable(r, moment)]
        if self.just_attached:
            names = ", ".join(r.name for r in self.just_attached)
            self.attached_label.setText(f"Attached {names}.")
        self.undo_bar.setVisible(bool(self.just_attached))
        if self.remove_buttons:
            self.removal_clock.start()
        else:
            self.removal_clock.stop()

    def _offer_removal(self, item: QListWidgetItem, record: EvidenceRecord) -> None:
        """A Remove at the row's end; the row's own text shows through on its left."""
        holder = QWidget()
        row = QHBoxLayout(holder)
        row.setContentsMargins(0, 0, 2, 0)
        row.addStretch(1)
        button = QPushButton("Remove")
        button.setToolTip(f"Take {record.name} back off this issue: for a minute after "
                          "attaching it, and the timeline keeps that it came and went")
        button.clicked.connect(lambda: self.remove([record.evidence_id]))
        row.addWidget(button)
        item.setSizeHint(item.sizeHint().expandedTo(holder.sizeHint()))
        self.evidence_list.setItemWidget(item, holder)
        self.remove_buttons[record.evidence_id] = button

    def _removal_looked_at(self) -> None:
        moment = now()
        shown = [self.evidence_list.item(r).data(Qt.ItemDataRole.UserRole)
                 for r in range(self.evidence_list.count())]
        if self.detail is not None and any(
                r.evidence_id in self.remove_buttons and not removable(r, moment)
                for r in shown):
            self._show_evidence()     # the minute is over: its Remove goes

    def remove(self, evidence_ids: list[int]) -> None:
        """Take files attached within the minute off the issue, as a write in turn."""
        if self.detail is None or not evidence_ids:
            return
        issue_id = self.detail.issue.issue_id
        busy = self.busy or self.operations.busy
        if busy:
            self.error_label.setText(f"Not removed: {busy} Do it again then.")
            self.error_label.show()
            return
        for button in (*self.remove_buttons.values(), self.undo_button):
            button.setEnabled(False)

        def done(refused: list[str]) -> None:
            self._removed(issue_id, refused, len(refused) < len(evidence_ids))

        remove_evidence(self.operations, self.engine, evidence_ids=evidence_ids,
                        staff=self.staff(), done=done,
                        failed=lambda exc: self._removed(issue_id, [str(exc)], False))

    def _removed(self, issue_id: int, refused: list[str], any_removed: bool) -> None:
        if self.detail is not None and self.detail.issue.issue_id == issue_id:
            self.show_issue(issue_id)
        if any_removed:
            self.changed.emit(issue_id)
        if refused:      # after the views were told: their refresh clears the pane's message
            self.error_label.setText("\n".join(refused))
            self.error_label.show()

    def evidence_names(self) -> list[str]:
        return [self.evidence_list.item(r).data(Qt.ItemDataRole.UserRole).name
                for r in range(self.evidence_list.count())]

    def timeline_rows(self) -> list[list[str]]:
        table = self.timeline_table
        return [[table.item(r, c).text() for c in range(table.columnCount())]
                for r in range(table.rowCount())]

    # -- acting ----------------------------------------------------------------------
    def _run(self, change: Callable[[], object]) -> None:
        """Save one change; a refusal is shown in the pane and nothing else moves."""
        assert self.detail is not None
        issue_id = self.detail.issue.issue_id
        if self.busy:                   # a question answered as another write began
            self.show_issue(issue_id)
            self.error_label.setText(f"Not saved: {self.busy} Do it again then.")
            self.error_label.show()
            return
        try:
            change()
        except KnownError as exc:
            self.show_issue(issue_id)   # the boxes go back to what is saved
            self.error_label.setText(str(exc))
            self.error_label.show()
            return
        self.show_issue(issue_id)
        self.changed.emit(issue_id)

    def _status_chosen(self, _index: int) -> None:
        if self.detail is None:
            return
        status = IssueStatus(self.status_box.currentData())
        issue = self.detail.issue
        if status is issue.status:
            return

        def change() -> None:
            self._run(lambda: follow_up.set_status(self.engine, issue_id=issue.issue_id,
                                                   status=status, staff=self.staff()))
        owed = [d.label.lower() for d in still_owed(self.detail.deadlines)]
        if status in (IssueStatus.RESOLVED, IssueStatus.CLOSED) and owed:
            # Closing work with a reply or a deadline still owed is a deliberate act.
            self.status_box.setCurrentIndex(self.status_box.findData(issue.status.value))
            verb = "Resolve" if status is IssueStatus.RESOLVED else "Close"
            self.question = confirm(
                self, f"{verb} issue {issue.issue_id}?",
                f"Still owed on this issue: {'; '.join(owed)}.\n\n{verb} it anyway?",
                f"{verb} anyway", change)
            return
        change()

    def _assignee_chosen(self, _index: int) -> None:
        if self.detail is None or self.assignee_box.currentData() == self.detail.issue.assignee:
            return
        name = self.assignee_box.currentData()
        self._run(lambda: follow_up.assign(self.engine, issue_id=self.detail.issue.issue_id,
                                           assignee=name, staff=self.staff()))

    def _answer(self, response: BuyerResponse) -> None:
        if self.detail is not None:
            self._run(lambda: follow_up.record_response(
                self.engine, issue_id=self.detail.issue.issue_id, response=response,
                staff=self.staff()))

    def ask_event(self, kind: str) -> None:
        """Record an event, with an optional note (Amazon's case number, a tracking id)."""
        if self.detail is None:
            return
        issue_id = self.detail.issue.issue_id

        def record(note: str) -> None:
            # Kept should it not be saved (another write began): offered again next time.
            self.kept_notes[issue_id, kind] = note
            self._run(lambda: follow_up.record_event(
                self.engine, issue_id=issue_id, kind=kind, note=note, staff=self.staff()))
            if not self.busy:
                self.kept_notes.pop((issue_id, kind), None)
        self.question = ask_text(self, EVENTS[kind], "A note for the timeline (optional):",
                                 record, text=self.kept_notes.get((issue_id, kind), ""))

    def note_message(self) -> MessageDialog | None:
        if self.detail is None:
            return None
        dialog = MessageDialog(self.engine, self.detail.issue.issue_id, self.staff(),
                               parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.noted.connect(lambda issue_id: (self.show_issue(issue_id),
                                               self.changed.emit(issue_id)))
        self.dialog = dialog
        dialog.open()
        return dialog

    # -- evidence --------------------------------------------------------------------
    def choose_evidence(self) -> QFileDialog | None:
        if self.detail is None:
            return None
        dialog = QFileDialog(self, f"Attach evidence to issue {self.detail.issue.issue_id}")
        dialog.setFileMode(QFileDialog.FileMode.ExistingFiles)
        dialog.setNameFilters(["Evidence (*.jpg *.jpeg *.png *.heic *.webp *.gif *.pdf "
                               "*.txt *.eml *.msg *.mp4 *.mov *.html *.htm)", "Any file (*)"])
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.filesSelected.connect(lambda names: self.attach(list(map(Path, names))))
        self.dialog = dialog
        dialog.open()
        return dialog

    def attach(self, paths: list[Path]) -> None:
        """Attach each file; one that cannot be (missing, empty, already there) is named in
        the pane and the others still go in."""
        if self.detail is None or not paths:
            return
        if self.busy:                   # dropped while another write runs: said, not lost
            self.error_label.setText(f"Not attached: {self.busy} Attach them again then.")
            self.error_label.show()
            return
        issue_id = self.detail.issue.issue_id
        problems, attached = [], []
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            for path in paths:
                try:
                    attached.append(attach_evidence(self.engine, issue_id=issue_id,
                                                    path=path, staff=self.staff()))
                except KnownError as exc:
                    problems.append(str(exc))
        finally:
            QApplication.restoreOverrideCursor()
        if attached:
            self.just_attached = attached
        self.show_issue(issue_id)
        if len(problems) < len(paths):
            self.changed.emit(issue_id)
        if problems:     # after the views were told: their refresh clears the pane's message
            self.error_label.setText("\n".join(problems))
            self.error_label.show()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self.detail is not None and _local_files(event.mimeData()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = _local_files(event.mimeData())
        if self.detail is not None and paths:
            event.acceptProposedAction()
            self.attach(paths)

    def _open_evidence(self, item: QListWidgetItem) -> None:
        try:
            copy = viewable_copy(self.engine, item.data(Qt.ItemDataRole.UserRole))
        except KnownError as exc:
            self.error_label.setText(str(exc))
            self.error_label.show()
            return
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(copy)))


def _local_files(mime) -> list[Path]:
    return [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]


def _one_line(text: str, limit: int = 120) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[:limit - 1].rstrip() + "…"
