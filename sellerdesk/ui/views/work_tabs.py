"""The work tabs beside Orders — Queue, Issues, Approvals, Ledger, Metrics, Unsorted — and the
dialogs they open, wired to each other: a credit given anywhere shows everywhere. Built
once the database is open, so the window itself never waits for them; the Queue is the
tab it then shows, unless the window remembers another."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QDialog, QTabWidget, QWidget

from sellerdesk.services.clock import now
from sellerdesk.services.follow_up import issue_detail
from sellerdesk.services.queue import urgent_count
from sellerdesk.ui.dialogs.adjustments_dialog import AdjustmentsDialog
from sellerdesk.ui.dialogs.dispute_dialog import DisputeDialog
from sellerdesk.ui.dialogs.facts_dialog import FactsDialog
from sellerdesk.ui.dialogs.issue_dialog import IssueDialog
from sellerdesk.ui.dialogs.message_dialog import MessageDialog
from sellerdesk.ui.dialogs.policy_editor import PolicyEditor
from sellerdesk.ui.dialogs.reconcile_dialog import ReconcileDialog
from sellerdesk.ui.dialogs.reply_dialog import ReplyDialog, TemplateDialog
from sellerdesk.ui.dialogs.staff_dialog import StaffDialog
from sellerdesk.ui.operations import Operations
from sellerdesk.ui.views.approvals_view import ApprovalsView
from sellerdesk.ui.views.issues_view import IssuesView
from sellerdesk.ui.views.ledger_view import LedgerView
from sellerdesk.ui.views.metrics_view import MetricsView
from sellerdesk.ui.views.queue_view import QueueView
from sellerdesk.ui.views.unsorted_view import UnsortedView, unsorted_title

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

# Unsorted comes last so that the others keep their places and their Ctrl+number; the
# Queue says when mail waits there and leads to it.
ORDERS_TAB, QUEUE_TAB, ISSUES_TAB, APPROVALS_TAB, LEDGER_TAB, METRICS_TAB, UNSORTED_TAB = range(7)


class WorkTabs(QObject):
    said = Signal(str)             # a line for the status bar
    open_order = Signal(str)
    work_changed = Signal()        # issues, credits or staff changed: refresh what shows them
    urgent_changed = Signal(int)   # queue items overdue or due within the warning time

    def __init__(self, tabs: QTabWidget, engine: Engine, staff: Callable[[], str],
                 window: QWidget, ledger_actions: Sequence[QAction] = (), *,
                 operations: Operations | None = None) -> None:
        super().__init__(window)
        self.tabs, self.engine, self.staff, self.window = tabs, engine, staff, window
        self.operations = operations or Operations(self)   # the window's writes, one at a time
        self.dialog: QDialog | None = None   # the last dialog opened, for tests
        self.consistency: QDialog | None = None   # the consistency report, while open
        self.urgent = 0      # the queue's items overdue or due within the warning time
        self.queue = QueueView(engine, staff, operations=self.operations)
        self.issues = IssuesView(engine, staff, operations=self.operations)
        self.issues.pane.operations = self.operations   # its evidence removals wait in turn
        self.approvals = ApprovalsView(engine, staff, operations=self.operations)
        self.ledger = LedgerView(engine, staff)
        self.ledger.add_actions(ledger_actions)
        tabs.insertTab(QUEUE_TAB, self.queue, "&Queue")
        tabs.addTab(self.issues, "&Issues")
        tabs.addTab(self.approvals, "&Approvals")
        tabs.addTab(self.ledger, "&Ledger")
        self.metrics = MetricsView(engine, staff)
        tabs.addTab(self.metrics, "&Metrics")
        # No Alt letter: each of U-n-s-o-r-t-e-d is taken by a tab, a menu or the issue
        # pane's buttons; Ctrl+7 goes there.
        self.unsorted = UnsortedView(engine, staff, operations=self.operations)
        tabs.addTab(self.unsorted, unsorted_title(self.unsorted.count))
        # computed when looked at, not at start: the window opens without waiting for it
        tabs.currentChanged.connect(self._tab_shown)
        self.metrics.said.connect(self.said)
        self.approvals.count_changed.connect(self._approvals_counted)
        self._approvals_counted(self.approvals.model.rowCount())

        self.issues.deadline_near.connect(self._deadline_near)
        self.issues.said.connect(self.said)
        self.issues.changed.connect(self._changed)
        self.issues.warn_of_deadlines()   # the view's first look stayed quiet
        pane = self.issues.pane
        pane.open_order.connect(self.open_order)
        pane.give_credit.connect(self.give_credit)
        pane.draft_reply.connect(self.draft_reply)
        pane.dispute.connect(self.dispute_packet)
        pane.changed.connect(lambda _id: self._changed(issues=False))
        self.approvals.decided.connect(self._decided)
        self.operations.changed.connect(self._operations_changed)
        self.ledger.changed.connect(self._decided)
        self.ledger.open_issue.connect(self.show_issue)

        queue = self.queue
        queue.said.connect(self.said)
        queue.counted.connect(self._queue_counted)
        queue.changed.connect(self._changed)
        queue.open_issue.connect(self.show_issue)
        queue.open_approval.connect(self.show_approval)
        queue.open_credit.connect(self.show_credit)
        queue.give_credit.connect(self.give_credit)
        queue.draft_reply.connect(self.draft_reply)
        queue.note_message.connect(self.note_message)
        queue.open_unsorted.connect(lambda: self.tabs.setCurrentIndex(UNSORTED_TAB))
        queue.open_metrics.connect(lambda: self.tabs.setCurrentIndex(METRICS_TAB))
        unsorted = self.unsorted
        unsorted.said.connect(self.said)
        unsorted.counted.connect(self._unsorted_counted)
        unsorted.changed.connect(self._changed)
        unsorted.open_issue.connect(self.show_issue)
        self._unsorted_counted(unsorted.count)
        self._queue_counted(queue.model.rowCount(), urgent_count(queue.model.records(), now()))
        # Home: the window shows it once the desk opens, unless it remembers another tab.
        tabs.setCurrentIndex(QUEUE_TAB)
        queue.table.setFocus()

    def _operations_changed(self) -> None:
        """A write began or ended elsewhere: what would write here waits, saying why."""
        self.issues.pane.set_busy(self.operations.busy)
        self.ledger.set_busy(self.operations.busy)

    # -- moving between tabs ------------------------------------------------------------
    def show_issue(self, issue_id: int) -> None:
        self.tabs.setCurrentIndex(ISSUES_TAB)
        self.issues.show_issue(issue_id)

    def show_approval(self, approval_id: int) -> None:
        self.tabs.setCurrentIndex(APPROVALS_TAB)
        view = self.approvals
        for row, request in enumerate(view.model.records()):
            if request.approval_id == approval_id:
                view.table.selectRow(row)
                return

    def show_credit(self, credit_id: int) -> None:
        self.tabs.setCurrentIndex(LEDGER_TAB)
        self.ledger.select_credit(credit_id)

    def _deadline_near(self, text: str) -> None:
        self.said.emit("⚠ " + text)
        QApplication.alert(self.window)     # the taskbar entry asks for attention

    def _tab_shown(self, index: int) -> None:
        if index == METRICS_TAB:
            self.metrics.refresh()
        elif index == QUEUE_TAB:
            self.queue.table.setFocus()     # its keys work at once
        elif index == UNSORTED_TAB:
            self.unsorted.table.setFocus()
        elif index in (ISSUES_TAB, APPROVALS_TAB):
            # Its list, not the first box above it: Down would change the view there.
            (self.issues if index == ISSUES_TAB else self.approvals).table.setFocus()

    def _queue_counted(self, items: int, urgent: int) -> None:
        self.tabs.setTabText(QUEUE_TAB, f"&Queue ({items})" if items else "&Queue")
        if urgent != self.urgent:
            self.urgent = urgent
            self.urgent_changed.emit(urgent)

    def _unsorted_counted(self, waiting: int) -> None:
        self.tabs.setTabText(UNSORTED_TAB, unsorted_title(waiting))
        self.queue.show_unsorted(waiting)

    def _approvals_counted(self, waiting: int) -> None:
        self.tabs.setTabText(APPROVALS_TAB, f"&Approvals ({waiting})" if waiting
                             else "&Approvals")

    # -- dialogs ----------------------------------------------------------------------
    def _open(self, dialog: QDialog) -> QDialog:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog = dialog
        dialog.open()
        return dialog

    def give_credit(self, issue_id: int) -> IssueDialog:
        detail = issue_detail(self.engine, issue_id)
        dialog = IssueDialog(self.engine, detail.order, self.staff(), self.window,
                             issue=detail.issue, operations=self.operations)
        dialog.issue_logged.connect(lambda _id, outcome: self.credit_given(issue_id, outcome))
        self._open(dialog)
        return dialog

    def credit_given(self, issue_id: int, outcome) -> None:
        if outcome is None:
            self.said.emit(f"Issue {issue_id} saved")
        elif outcome.pending:
            self.said.emit(f"{outcome.kind.label} {outcome.amount.display()} on issue "
                           f"{issue_id} waits for a supervisor (request {outcome.approval_id})")
        else:
            self.said.emit(f"Credit {outcome.credit_id}: {outcome.kind.label.lower()} "
                           f"{outcome.amount.display()} on issue {issue_id}")
        self._changed()

    def draft_reply(self, issue_id: int | None = None) -> ReplyDialog | None:
        if issue_id is None:
            detail = self.issues.pane.detail
            if detail is None:
                self.said.emit("Select an issue in the Issues tab to reply to its buyer")
                return None
            issue_id = detail.issue.issue_id
        dialog = ReplyDialog(self.engine, issue_id, self.staff(), self.window,
                             operations=self.operations)
        dialog.replied.connect(lambda i: (self.said.emit(
            f"Issue {i}: no response needed; the reply clock stopped" if dialog.no_reply
            else f"Reply on issue {i} sent by e-mail; waiting for the buyer's answer"
            if dialog.sent is not None else
            f"Reply on issue {i} copied and noted; waiting for the buyer's answer"),
            self._changed()))
        self._open(dialog)
        return dialog

    def note_message(self, issue_id: int) -> MessageDialog:
        dialog = MessageDialog(self.engine, issue_id, self.staff(), parent=self.window)
        dialog.noted.connect(lambda i: (self.said.emit(f"Message noted on issue {i}"),
                                        self._changed()))
        return self._open(dialog)

    def edit_template(self) -> TemplateDialog:
        return self._open(TemplateDialog(self.engine, self.staff(), self.window))

    def edit_policy(self, order_id: str | None) -> PolicyEditor:
        editor = PolicyEditor(self.engine, self.staff(), order_id, self.window)
        editor.saved.connect(lambda v: self.said.emit(f"Policy version {v} saved"))
        editor.open_issue.connect(self.show_issue)      # from its Backtest tab
        return self._open(editor)

    def manage_staff(self) -> StaffDialog:
        dialog = StaffDialog(self.engine, self.staff(), self.window)
        dialog.changed.connect(self._changed)
        return self._open(dialog)

    def edit_facts(self) -> FactsDialog:
        dialog = FactsDialog(self.engine, self.staff(), self.window)
        dialog.changed.connect(lambda: (self.said.emit("Amazon's numbers saved"),
                                        self._changed()))
        return self._open(dialog)

    def edit_settings(self, reason: str = "") -> QDialog:
        from sellerdesk.ui.dialogs.settings_dialog import SettingsDialog
        dialog = SettingsDialog(self.engine, self.staff(), self.window, reason=reason)
        dialog.saved.connect(self.said)
        dialog.switch_database.connect(self.window.switch_database)
        return self._open(dialog)

    def security_log(self) -> QDialog:
        from sellerdesk.ui.dialogs.security_log_dialog import SecurityLogDialog
        return self._open(SecurityLogDialog(self.engine, self.window))

    def consistency_report(self) -> QDialog:
        """Modeless, and one at a time: the supervisor works through its issues in the
        window with the list still open beside it."""
        from sellerdesk.ui.dialogs.consistency_dialog import ConsistencyDialog
        if self.consistency is not None:
            self.consistency.raise_()
            self.consistency.activateWindow()
            return self.consistency
        dialog = ConsistencyDialog(self.engine, self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open_issue.connect(self.show_issue)
        dialog.finished.connect(self._consistency_closed)
        self.dialog = self.consistency = dialog
        dialog.show()
        return dialog

    def _consistency_closed(self, _result: int) -> None:
        self.consistency = None

    def dispute_packet(self, order_id: str) -> DisputeDialog:
        dialog = DisputeDialog(self.engine, order_id, self.window)
        dialog.exported.connect(self.said)
        return self._open(dialog)

    def adjustment_feed(self) -> AdjustmentsDialog:
        dialog = AdjustmentsDialog(self.engine, self.staff(), self.window)
        dialog.exported.connect(self._decided)
        return self._open(dialog)

    def settlements(self) -> ReconcileDialog:
        return self._open(ReconcileDialog(self.engine, self.window))

    # -- keeping every view true ---------------------------------------------------------
    def _decided(self, text: str) -> None:
        self.said.emit(text)
        self._changed()

    def _changed(self, *, issues: bool = True) -> None:
        self.issues.load_staff()
        if issues:
            self.issues.refresh()
        self.approvals.refresh()
        self.ledger.refresh()
        self.queue.refresh()
        self.unsorted.refresh()
        if self.tabs.currentIndex() == METRICS_TAB:
            self.metrics.refresh()
        self.work_changed.emit()

    def refresh(self) -> None:
        self._changed()
