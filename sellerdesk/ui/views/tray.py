"""The tray icon, the desktop notifications, and what closing the window does.

While the window is minimised or hidden, a deadline that comes within the warning time
(the Queue's urgent items: overdue, or due within two hours) and an approval request
this person may decide are told as a desktop notification; clicking it brings the
window back on that item. What the Queue showed while the window was in sight is not
told again.

Closing the window keeps SellerDesk in the tray, quits, or asks, as chosen in Settings ›
Window (kept per computer in window.ini). Where the desktop has no tray (some Linux
desktops, a server's display) closing quits as it always did, Settings says so, and
the notifications are said in the status bar and the window's taskbar entry asks for
attention instead."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QDialog,
    QMainWindow,
    QMenu,
    QMessageBox,
    QSystemTrayIcon,
)
from shiboken6 import isValid

from sellerdesk import APP_NAME
from sellerdesk.services.clock import now
from sellerdesk.services.paths import resources_dir
from sellerdesk.services.queue import APPROVAL, QueueItem
from sellerdesk.ui.dialogs.window_page import (
    CLOSE_ASKS,
    CLOSE_QUITS,
    CLOSE_TO_TRAY,
    close_choice,
    save_close_choice,
    tray_available,
)
from sellerdesk.ui.icons import icon

if TYPE_CHECKING:
    from sellerdesk.ui.views.work_tabs import WorkTabs

TOLD_FOR_MS = 15_000


def _notice_key(item: QueueItem) -> tuple:
    """One notification per item and deadline: a new clock on the same issue is news."""
    return (item.kind, item.issue_id, item.approval_id, item.credit_id, item.due_at)


class DeskTray(QObject):
    """The tray icon of one window (none where the desktop has no tray), watching its
    Queue. `available`: whether the desktop has a tray; None asks the desktop."""

    def __init__(self, window: QMainWindow, work_tabs: WorkTabs, *,
                 quit_app: Callable[[], None], available: bool | None = None) -> None:
        super().__init__(window)
        self.window, self.work_tabs, self.quit_app = window, work_tabs, quit_app
        self.available = tray_available() if available is None else available
        self.seen: set[tuple] = set()       # items told, or seen on the Queue in sight
        self.looked = False                 # the Queue's first reading is what one sees
        self.told_item: QueueItem | None = None     # what the last notification is about
        self.told: tuple[str, str] | None = None    # its title and text
        self.question: QMessageBox | None = None    # Keep in the tray, or quit?
        self.holding = False        # the window is hidden here, the app kept running
        self.said_still_running = False
        self.hidden_dialogs: list[QDialog] = []
        self.icon: QSystemTrayIcon | None = None
        if self.available:
            self.icon = QSystemTrayIcon(QIcon(str(resources_dir() / "icons" / "sellerdesk.png")),
                                        self)
            self.menu = QMenu()
            self.show_action = self.menu.addAction(icon("app-window"), f"&Show {APP_NAME}",
                                                   self.show_window)
            self.urgent_action = self.menu.addAction("")
            self.urgent_action.setEnabled(False)
            self.menu.addSeparator()
            self.quit_action = self.menu.addAction(icon("power"), "&Quit", quit_app)
            self.icon.setContextMenu(self.menu)
            self.icon.activated.connect(self._activated)
            self.icon.messageClicked.connect(self.open_told)
            self.icon.show()
        work_tabs.queue.counted.connect(self._queue_read)
        work_tabs.urgent_changed.connect(self._show_urgent)
        self._show_urgent(work_tabs.urgent)
        self._queue_read()

    # -- the Queue, watched ------------------------------------------------------------
    def _show_urgent(self, count: int) -> None:
        if self.icon is None:
            return                   # the window's title says it already
        self.urgent_action.setText(f"{count} urgent" if count else "Nothing urgent")
        self.icon.setToolTip(f"{APP_NAME} — {count} urgent" if count else APP_NAME)

    def away(self) -> bool:
        """Whether the window is out of sight: minimised, or hidden in the tray."""
        return not self.window.isVisible() or self.window.isMinimized()

    def _queue_read(self, *_counts: int) -> None:
        moment = now()
        news = [item for item in self.work_tabs.queue.model.records()
                if (item.kind == APPROVAL or item.urgent(moment))
                and _notice_key(item) not in self.seen]
        self.seen.update(_notice_key(item) for item in news)
        first_look, self.looked = not self.looked, True
        if news and not first_look and self.away():
            self.tell(news)

    def tell(self, news: list[QueueItem]) -> None:
        """A notification about the first of `news`; the rest are counted in it."""
        moment = now()
        item = news[0]
        if item.kind == APPROVAL:
            title = "An approval waits for you"
        else:
            title = "Overdue" if item.overdue(moment) else "A deadline is near"
        about = f"Issue {item.issue_id}: " if item.issue_id is not None else ""
        left = item.left_text(moment)
        text = (f"{about}{item.described}" + (f" — {left}" if left else "")
                + (f" (and {len(news) - 1} more)" if len(news) > 1 else ""))
        self.told_item, self.told = item, (title, text)
        if self.icon is not None:
            self.icon.showMessage(title, text, QSystemTrayIcon.MessageIcon.Information,
                                  TOLD_FOR_MS)
        else:                 # no tray: the status bar, and the taskbar asks for attention
            self.window.statusBar().showMessage(f"⚠ {title}: {text}")
            QApplication.alert(self.window)

    def open_told(self) -> None:
        """The notification was clicked: the window, on the item it told of."""
        self.show_window()
        item = self.told_item
        if item is None:
            return
        if item.approval_id is not None:
            # Found by the Queue's minute reading: the Approvals list may not have it yet.
            self.work_tabs.approvals.refresh()
            self.work_tabs.show_approval(item.approval_id)
        elif item.credit_id is not None:
            self.work_tabs.show_credit(item.credit_id)
        elif item.issue_id is not None:
            self.work_tabs.show_issue(item.issue_id)

    # -- the window in and out of the tray -----------------------------------------------
    def _activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (QSystemTrayIcon.ActivationReason.Trigger,
                      QSystemTrayIcon.ActivationReason.DoubleClick):
            self.show_window()

    def show_window(self) -> None:
        window = self.window
        if window.isHidden():
            window.show()
        elif window.isMinimized():
            window.showNormal()
        else:
            window.raise_()          # behind another program's window
        window.activateWindow()
        self._hold(False)
        for dialog in self.hidden_dialogs:       # as they were, over the window again
            if isValid(dialog):
                dialog.show()
        self.hidden_dialogs = []

    def hide_window(self) -> None:
        """Into the tray: the window goes, the desk keeps running and telling."""
        self._hold(True)
        # Its open dialogs and messages go with it (a window of their own each, they
        # would stay on the screen), and come back with it.
        self.hidden_dialogs = [d for d in self.window.findChildren(QDialog)
                               if d.isVisible() and d is not self.question]
        for dialog in self.hidden_dialogs:
            dialog.hide()
        self.window.hide()
        if self.icon is not None and not self.said_still_running:
            self.said_still_running = True
            self.icon.showMessage(APP_NAME, f"{APP_NAME} keeps running here and tells you "
                                  "when a deadline comes near or an approval arrives. Quit "
                                  "from this icon's menu.",
                                  QSystemTrayIcon.MessageIcon.Information, TOLD_FOR_MS)

    def _hold(self, holding: bool) -> None:
        """While the window is hidden, a dialog closed must not end the app (Qt quits
        when the last window shown closes); the tray's Quit does."""
        self.holding = holding
        QApplication.setQuitOnLastWindowClosed(not holding)

    def close_requested(self) -> bool:
        """The window's close button: True if the tray takes the window (or asks whether
        to), False if the window should close as it always did."""
        if not self.available:
            return False
        choice = close_choice()
        if choice == CLOSE_TO_TRAY:
            self.hide_window()
            return True
        if choice == CLOSE_ASKS:
            self.ask()
            return True
        return False

    def ask(self) -> QMessageBox:
        """Keep in the tray, quit, or cancel (the default: Enter or Escape closes nothing)."""
        if self.question is not None:
            return self.question
        box = QMessageBox(QMessageBox.Icon.Question, APP_NAME,
                          f"Keep {APP_NAME} running in the tray, or quit?",
                          QMessageBox.StandardButton.NoButton, self.window)
        box.setInformativeText("In the tray it tells you when a deadline comes near or an "
                               "approval arrives. Settings › Window can decide this for good.")
        keep = box.addButton("Keep in the &tray", QMessageBox.ButtonRole.AcceptRole)
        leave = box.addButton("&Quit", QMessageBox.ButtonRole.DestructiveRole)
        cancel = box.addButton(QMessageBox.StandardButton.Cancel)
        for button in (keep, leave):
            button.setAutoDefault(False)
        box.setDefaultButton(cancel)
        box.setEscapeButton(cancel)
        remember = QCheckBox("&Remember my answer")
        box.setCheckBox(remember)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def answered(button) -> None:
            choice = {keep: CLOSE_TO_TRAY, leave: CLOSE_QUITS}.get(button)
            if choice is None:
                return
            if remember.isChecked():
                save_close_choice(choice)
            if choice == CLOSE_TO_TRAY:
                self.hide_window()
            else:
                self.quit_app()
        box.buttonClicked.connect(answered)
        box.finished.connect(lambda _result: setattr(self, "question", None))
        self.question = box
        box.open()
        return box

    def close(self) -> None:
        """The window really closed: the icon goes, and if the window was hidden here the
        app ends now (no window closing will end it)."""
        if self.icon is not None:
            self.icon.hide()
        if self.holding:
            self._hold(False)
            QApplication.quit()
