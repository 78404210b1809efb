"""The main window: orders table with filters, the selected order beside it, menus,
toolbar and status bar. The window shows first; the database opens right after, so
start-up never waits on SQLAlchemy or a migration."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QItemSelection, QLocale, Qt, QTime, QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QKeySequence,
)
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFileDialog,
    QInputDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QTableView,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from sellerdesk import APP_NAME, __version__
from sellerdesk.core.errors import Cancelled, KnownError
from sellerdesk.ui.dialogs.ask import ask_choice
from sellerdesk.ui.formatting import error_style
from sellerdesk.ui.icons import icon
from sellerdesk.ui.labels import ElidedLabel
from sellerdesk.ui.operations import Operations, backups, imports
from sellerdesk.ui.operations.runner import StillRunning
from sellerdesk.ui.record_table import RowMenu, cell_text, copy_text, current_index, row_text
from sellerdesk.ui.scrolling import scrolling
from sellerdesk.ui.settings import window_settings
from sellerdesk.ui.tasks import Task
from sellerdesk.ui.views.at_desk import AtDesk
from sellerdesk.ui.views.filter_bar import FilterBar
from sellerdesk.ui.views.keyring_note import KeyringNote
from sellerdesk.ui.views.order_detail import OrderDetailView
from sellerdesk.ui.views.orders_table import OrdersTable
from sellerdesk.ui.views.progress_strip import ProgressStrip
from sellerdesk.ui.watcher import FolderWatcher

HOUSEKEEPING_DELAY_MS = 3_000
HOUSEKEEPING_EVERY_MS = 3_600_000
BUSY_SAID_AFTER_MS = 300
FRAME_ALLOWANCE = 60        # title bar and borders the window manager adds, roughly
HOUSEKEEPING_RETRY_MS = 60_000
# The mailbox said mail came while another write ran (or a dialog that saves here was
# open): the fetch is tried again this much later.
MAIL_RETRY_MS = 2_000

if TYPE_CHECKING:
    from sellerdesk.core.records import StaffMember
    from sellerdesk.services.database import Database
    from sellerdesk.ui.dialogs.issue_dialog import IssueDialog
    from sellerdesk.ui.dialogs.pin_dialog import PinDialog
    from sellerdesk.ui.models.orders_model import OrdersTableModel
    from sellerdesk.ui.views.tray import DeskTray
    from sellerdesk.ui.views.work_tabs import WorkTabs

REPORT_FILTER = "Seller Central reports (*.txt *.tsv *.csv *.json);;All files (*)"
LEDGER_FILTER = "CSV (*.csv);;Excel workbook (*.xlsx);;JSON (*.json)"


WINDOWS: list[MainWindow] = []     # windows opened in place of another (kept alive here)


class MainWindow(QMainWindow):
    database_opened = Signal()
    orders_changed = Signal()
    task_finished = Signal(object)  # the result, the exception, or None
    house_kept = Signal(object)     # what housekeeping did (HouseKept), or its exception

    def __init__(self, database_target: str, *, interactive: bool = True,
                 tray_available: bool | None = None) -> None:
        super().__init__()
        self.database_target = database_target
        self.interactive = interactive  # False for --smoke: errors go to stderr, no dialogs
        # The tray icon, once the desk opens; whether the desktop has a tray (None: ask it).
        self.tray: DeskTray | None = None
        self.tray_available = tray_available
        self.quitting = False       # File › Quit, not the close button: never to the tray
        self.database: Database | None = None
        self.orders_model: OrdersTableModel | None = None
        # Closed: work that ends after (a backup cannot be cancelled) and housekeeping's
        # timers leave the database alone, and no message box opens on a hidden window.
        self.closed = False
        self.close_question: QMessageBox | None = None   # Cancel the import and close?
        self.close_when_done = False       # closed during a backup: it closes after
        self._close_confirmed = False      # "Cancel it and close" was chosen
        # Every write the window starts runs there, off the GUI thread, one at a time.
        self.operations = Operations(self)
        self.operations.changed.connect(self._operations_changed)
        self.operations.changed.connect(self._close_if_waiting)
        self.operations.succeeded.connect(self._task_succeeded)
        self.operations.failed.connect(self._task_failed)
        self.message_box: QMessageBox | None = None  # the last message shown, for tests
        self.marketplace_dialog: QInputDialog | None = None
        self.setWindowTitle(APP_NAME)
        # 1280×780, or less on a smaller screen: at 1366×768 the status bar, where long
        # work shows and its Cancel is, must not fall below the screen's edge.
        room = self.screen().availableGeometry()
        self.resize(min(1280, room.width() - FRAME_ALLOWANCE),
                    min(780, room.height() - FRAME_ALLOWANCE))

        self.filter_bar = FilterBar()
        self.orders_view = OrdersTable()
        self.orders_view.typed.connect(self._typed_on_orders)
        self.detail_view = OrderDetailView()
        self.issue_dialog: IssueDialog | None = None

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.orders_view)
        self.splitter.addWidget(scrolling(self.detail_view))
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([740, 520])
        orders_page = QWidget()
        layout = QVBoxLayout(orders_page)
        layout.setContentsMargins(6, 6, 6, 0)
        layout.addWidget(self.filter_bar)
        layout.addWidget(self.splitter, 1)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(orders_page, "&Orders")
        self.setCentralWidget(self.tabs)
        self.work_tabs: WorkTabs | None = None   # Issues, Approvals, Ledger: once it opens

        self.location_label = ElidedLabel("Opening the database…")
        self.count_label = QLabel()
        self.watch_label = QLabel()
        self.keyring_note = KeyringNote(
            self, said=lambda text: self.statusBar().showMessage(text, 10_000),
            tell=lambda text: self.tell(QMessageBox.Icon.Information, text))
        self.keyring_label = self.keyring_note.label
        self.statusBar().addPermanentWidget(self.keyring_label)
        self.statusBar().addPermanentWidget(self.watch_label)
        # Mail: how the last fetch went, in a few words (the whole sentence in its tip).
        self.mail_label = QLabel()
        self.mail_label.hide()
        self.statusBar().addPermanentWidget(self.mail_label)
        self.mail_watch = None           # ui.mail_watch.MailWatch, once a mailbox is connected
        self._mail_watched = None        # the MailAccount it watches
        self._mail_retry = QTimer(self, singleShot=True, interval=MAIL_RETRY_MS)
        self._mail_retry.timeout.connect(self.fetch_mail)
        self.statusBar().addPermanentWidget(self.count_label)
        self.statusBar().addPermanentWidget(self.location_label)
        # The database's path gives way first when the status bar is short of room (at
        # 150 %, with long work under way), in its middle: its tip keeps the whole path.
        self.watcher = FolderWatcher(lambda: self.task is not None or self.database is None
                                     or self.dialog_saves_here() is not None, self)
        self.watcher.ready.connect(self.import_watched)
        self.live = None                 # LiveUpdates, on a team database
        self.offline_label = QLabel("Offline: the team database is out of reach; "
                                    "reconnecting…")
        self.offline_label.setStyleSheet(f"{error_style()} font-weight: bold;")
        self.offline_label.hide()
        self.statusBar().addPermanentWidget(self.offline_label)
        self.busy_label = QLabel()     # the write under way: why New issue and others wait
        self.busy_label.hide()
        self.statusBar().addPermanentWidget(self.busy_label)
        # Said only if the write lasts (restarted by each change, so one write's timer
        # never says the next one's sentence early).
        self._busy_said = QTimer(self, singleShot=True, interval=BUSY_SAID_AFTER_MS)
        self._busy_said.timeout.connect(self._say_busy)
        self.progress_strip = ProgressStrip(self.operations)
        self.statusBar().insertPermanentWidget(0, self.progress_strip)
        self.usual_tips: dict[QAction, tuple[str, str]] = {}
        self._remote = QTimer(self, singleShot=True, interval=300)
        self._remote.timeout.connect(self._show_remote_changes)
        self.housekeeping_timer = QTimer(self, interval=HOUSEKEEPING_EVERY_MS)
        self.housekeeping_timer.timeout.connect(self.keep_house)

        self._build_actions()
        self.detail_view.new_issue_button.clicked.connect(self.new_issue_action.trigger)
        self.detail_view.dispute_button.clicked.connect(self.dispute_action.trigger)
        self.detail_view.issue_activated.connect(self.show_issue)
        self.filter_bar.filter_changed.connect(self._apply_filter)
        # A report dropped anywhere on the window is imported (the issue pane takes its own
        # drops as evidence while an issue is open there).
        self.setAcceptDrops(True)
        self._restore_state()

    # -- actions, menus, toolbar -----------------------------------------------------
    def _build_actions(self) -> None:
        def action(text: str, slot, shortcut=None, tip: str = "") -> QAction:
            act = QAction(text, self)
            if shortcut is not None:
                act.setShortcut(QKeySequence(shortcut))
            act.setStatusTip(tip)
            act.triggered.connect(slot)
            return act

        self.import_action = action("&Import report…", self.choose_report,
                                    QKeySequence.StandardKey.Open,
                                    "Import a Seller Central All Orders report")
        self.demo_action = action("Build &demo data…", self.choose_demo_size, None,
                                  "Fill this new, empty database with realistic sample "
                                  "orders (never one that holds your own records)")
        self.quit_action = action("&Quit", self.quit_app, QKeySequence.StandardKey.Quit,
                                  f"Close {APP_NAME}, also when it is kept in the tray (work "
                                  "under way asks first)")
        self.refresh_action = action("&Refresh", self.refresh, QKeySequence.StandardKey.Refresh,
                                     "Read the orders again")
        self.find_action = action("&Find", self.focus_search, QKeySequence.StandardKey.Find,
                                  "Search the orders by id, title or SKU")
        self.copy_action = action("&Copy", self.copy_selection, QKeySequence.StandardKey.Copy,
                                  "Copy the selected cell of the list in hand, or the "
                                  "selected text")
        self.copy_row_action = action("Copy &row", self.copy_row, "Ctrl+Shift+C",
                                      "Copy the selected row of the list in hand, its cells "
                                      "separated by tabs (as a spreadsheet pastes them)")
        self.select_all_action = action("Select &all", self.select_all,
                                        QKeySequence.StandardKey.SelectAll,
                                        "Select all the text, or every row of a list that "
                                        "allows several")
        self.shortcuts_action = action("&Keyboard shortcuts…", self.show_shortcuts, "Ctrl+/",
                                       "Every key the desk answers to, on one page")
        self.shortcuts_dialog: QDialog | None = None
        self.manual_action = action("&Manual", self.show_manual,
                                    QKeySequence.StandardKey.HelpContents,
                                    "What each tab is for and how to work safely")
        self.manual_dialog: QDialog | None = None
        self.clear_filters_action = action("&Clear filters", self.filter_bar.clear,
                                           "Ctrl+Shift+L",
                                           "Show every order again: no search, dates or "
                                           "marketplace")
        self.about_action = action(f"&About {APP_NAME}", self.show_about, None,
                                   "The version, and the database in use")
        self.new_issue_action = action("&New issue…", self.new_issue, "Ctrl+N",
                                       "Log a customer issue on the selected order")
        self.new_issue_action.setEnabled(False)
        self.reply_action = action("Draft &reply…",
                                   lambda: self.work_tabs and self.work_tabs.draft_reply(),
                                   "Ctrl+R", "Draft the reply to the selected issue's buyer")
        self.policy_action = action("&Policy…", self.edit_policy, "Ctrl+Shift+P",
                                    "Edit, try, import and export the courtesy-credit policy")
        self.template_action = action("Reply &template…",
                                      lambda: self.work_tabs and self.work_tabs.edit_template(),
                                      None, "The reply every draft starts from")
        self.staff_action = action("&Staff…",
                                   lambda: self.work_tabs and self.work_tabs.manage_staff(),
                                   None, "Who works at the desk, their roles and limits")
        self.facts_action = action("&Amazon's numbers…",
                                   lambda: self.work_tabs and self.work_tabs.edit_facts(), None,
                                   "Targets, windows and deadlines, with Amazon's defaults")
        self.dispute_action = action(
            "&Dispute packet…", self.dispute_packet, "Ctrl+Shift+D",
            "The selected order's evidence for an A-to-z claim or chargeback")
        self.adjustments_action = action(
            "Order &adjustment feed…",
            lambda: self.work_tabs and self.work_tabs.adjustment_feed(), None,
            "Write the credits not yet sent to Amazon as a feed for Seller Central")
        self.settlements_action = action(
            "Settlements and &refunds…",
            lambda: self.work_tabs and self.work_tabs.settlements(), None,
            "What Amazon paid back for each credit, the fees it kept, and what is still open")
        self.watch_action = action(
            "&Watch a folder for reports…", self._toggle_watch, None,
            "Import each report saved into a folder as it arrives (your downloads folder, "
            "say); imported files move to Imported/")
        self.watch_action.setCheckable(True)
        self.sync_action = action(
            "S&ync with Amazon", self.sync_with_amazon, "F9",
            "Bring in new orders and reports from Amazon with your SP-API app")
        self.fetch_mail_action = action(
            "Fetch &mail now", lambda: self.fetch_mail(asked=True), "Ctrl+Shift+M",
            "Read the new mail in the mailbox of Settings › Mail now (while the window is "
            "open it also arrives by itself)")
        self.settings_action = action(
            "Se&ttings…", lambda: self.work_tabs and self.work_tabs.edit_settings(), "Ctrl+,",
            "Your SP-API credentials and the marketplaces Sync covers")
        self.export_ledger_action = action(
            "&Export ledger…", self.choose_ledger_export, "Ctrl+E",
            "The credit ledger with its hashes, as CSV, Excel or JSON")
        self.check_ledger_action = action(
            "&Check a ledger file…", self.choose_ledger_check, None,
            "Recompute the hashes of an exported ledger and name the first altered entry")
        self.backup_action = action(
            "&Back up now…", self.choose_backup, "Ctrl+Shift+B",
            "A checked copy of the database, made while you work")
        self.restore_action = action(
            "Restore from bac&kup…", self.choose_restore, None,
            "Check a backup and put it in place of the database (the current one is kept)")
        self.consistency_action = action(
            "&Consistency report…",
            lambda: self.work_tabs and self.work_tabs.consistency_report(), "Ctrl+Shift+K",
            "Alike cases decided alike? Each agent against the policy and colleagues, and "
            "the outliers with the issues behind them: a weekly coaching list")
        self.security_log_action = action(
            "Security &log…", lambda: self.work_tabs and self.work_tabs.security_log(), None,
            "Who exported, purged, backed up, restored, rotated keys, gave or reversed credits")
        self.tab_actions = [
            action(name, lambda _=False, i=index: self.tabs.setCurrentIndex(i), f"Ctrl+{index + 1}",
                   f"Go to the {name.strip('&')} tab")
            # Spelled here, not imported from work_tabs: the window shows before that loads.
            for index, name in enumerate(("&Orders", "&Queue", "&Issues", "&Approvals",
                                          "&Ledger", "&Metrics", "Unsorted"))]
        self.desk_actions = [self.reply_action, self.policy_action, self.template_action,
                             self.staff_action, self.facts_action, *self.tab_actions[1:],
                             self.dispute_action, self.adjustments_action,
                             self.settlements_action, self.export_ledger_action,
                             self.settings_action, self.security_log_action,
                             self.consistency_action]

        # Work that writes in the background: one at a time.
        self.busy_actions = [self.import_action, self.sync_action, self.fetch_mail_action,
                             self.demo_action, self.backup_action, self.restore_action]
        # What opens a dialog that writes (or logs to the security log) wait too while a
        # write runs, and so does checking a ledger file, which runs in the same lane;
        # reading, moving between tabs and searching never wait.
        self.writing_actions = [*self.busy_actions, self.reply_action, self.policy_action,
                                self.template_action, self.staff_action, self.facts_action,
                                self.dispute_action, self.adjustments_action,
                                self.settlements_action, self.export_ledger_action,
                                self.check_ledger_action, self.settings_action]
        self.cancel_action = action(
            "Ca&ncel the work under way", self.progress_strip.cancel, None,
            "Stop the import, sync or demo data under way: nothing it did is kept")
        self.cancel_action.setEnabled(False)
        self._give_icons()
        menu = self.menuBar()
        file_menu = menu.addMenu("&File")
        file_menu.addActions([self.import_action, self.watch_action, self.sync_action,
                              self.fetch_mail_action, self.demo_action])
        file_menu.addSeparator()
        file_menu.addActions([self.export_ledger_action, self.check_ledger_action])
        file_menu.addSeparator()
        file_menu.addActions([self.backup_action, self.restore_action])
        file_menu.addSeparator()
        file_menu.addAction(self.cancel_action)
        file_menu.addSeparator()
        file_menu.addActions([self.settings_action, self.quit_action])
        edit_menu = menu.addMenu("&Edit")
        edit_menu.addActions([self.copy_action, self.copy_row_action, self.select_all_action])
        edit_menu.addSeparator()
        edit_menu.addAction(self.find_action)
        desk_menu = menu.addMenu("&Desk")
        desk_menu.addActions([self.new_issue_action, self.reply_action])
        desk_menu.addSeparator()
        desk_menu.addActions([self.dispute_action, self.adjustments_action,
                              self.settlements_action])
        desk_menu.addSeparator()
        desk_menu.addActions([self.policy_action, self.consistency_action,
                              self.template_action, self.staff_action, self.facts_action])
        desk_menu.addSeparator()
        desk_menu.addAction(self.security_log_action)
        view_menu = menu.addMenu("&View")
        view_menu.addActions(self.tab_actions)
        view_menu.addSeparator()
        view_menu.addActions([self.refresh_action, self.clear_filters_action])
        help_menu = menu.addMenu("&Help")
        help_menu.addActions([self.manual_action, self.shortcuts_action, self.about_action])

        toolbar = QToolBar("Main")
        toolbar.setObjectName("main_toolbar")
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        toolbar.addActions([self.import_action, self.sync_action, self.refresh_action,
                            self.new_issue_action])
        toolbar.addSeparator()
        self.at_desk_box = AtDesk(self, window_settings().value("staff"))
        self.at_desk_box.add_to(toolbar)
        self._queue_read_for: str | None = None   # whose work the Queue shows
        self.at_desk_box.shown.connect(self._role_shown)
        self.staff_box, self.role_label = self.at_desk_box.box, self.at_desk_box.role_label
        self.pin_action = self.at_desk_box.pin_action
        toolbar.addSeparator()
        toolbar.addAction(self.staff_action)
        self.addToolBar(toolbar)
        for act in [*self.busy_actions, self.refresh_action, *self.desk_actions]:
            act.setEnabled(False)  # until the database is open
        self._tips_say_keys()
        # The orders' right-click menu: the copies, then what the Desk menu does to the order.
        self.orders_menu = RowMenu(self.orders_view)
        self.orders_menu.add_row_actions([self.new_issue_action, self.dispute_action])

    def _give_icons(self) -> None:
        """Lucide's drawings (ui/icons), in the palette's text colour, drawn when shown."""
        named = {
            self.import_action: "import", self.sync_action: "cloud-download",
            self.refresh_action: "refresh-cw", self.new_issue_action: "circle-plus",
            self.reply_action: "reply", self.policy_action: "scale",
            self.template_action: "file-text", self.staff_action: "users",
            self.facts_action: "gauge", self.dispute_action: "gavel",
            self.adjustments_action: "receipt", self.settlements_action: "hand-coins",
            self.watch_action: "folder-sync", self.demo_action: "flask-conical",
            self.settings_action: "settings", self.export_ledger_action: "file-spreadsheet",
            self.check_ledger_action: "file-check", self.backup_action: "database-backup",
            self.restore_action: "archive-restore", self.security_log_action: "shield-check",
            self.cancel_action: "octagon-x", self.quit_action: "power",
            self.copy_action: "copy", self.copy_row_action: "copy-plus",
            self.select_all_action: "text-select", self.find_action: "search",
            self.clear_filters_action: "funnel-x", self.shortcuts_action: "keyboard",
            self.about_action: "info",
        }
        named.update(zip(self.tab_actions, ("package", "inbox", "circle-alert", "stamp",
                                            "book-open-text", "chart-line",
                                            "mail-question-mark"), strict=True))
        for act, name in named.items():
            act.setIcon(icon(name))

    def _tips_say_keys(self) -> None:
        """Every action's tip says what it does and ends with its keys, "Log a customer
        issue… (Ctrl+N)": seen on the toolbar's buttons, and kept as the tip to come back
        to after a write."""
        from sellerdesk.ui.dialogs.shortcuts_dialog import action_name, keys_text
        for act in self.findChildren(QAction):
            tip = act.statusTip() or action_name(act)
            act.setToolTip(f"{tip} ({keys_text(act)})" if act.shortcuts() else tip)

    # -- database ---------------------------------------------------------------------
    def open_database(self) -> bool:
        """Open and migrate; called right after the window is shown."""
        from sellerdesk.services.database import open_database
        from sellerdesk.ui.models.orders_model import OrdersTableModel

        try:
            self.database = open_database(self.database_target)
        except Exception as exc:  # a known error, or a bug: either way say it, never hang
            message = str(exc) if isinstance(exc, KnownError) else (
                f"Something went wrong inside {APP_NAME} while opening the database "
                f"({type(exc).__name__}: {exc}).")
            self.location_label.setText("No database")
            self.statusBar().showMessage(message)
            if self.interactive:
                self.tell(QMessageBox.Icon.Critical, message)
            else:
                print(f"sellerdesk: {message}", file=sys.stderr)
            return False
        self.location_label.setText(self.database.location)
        self.location_label.setToolTip("Database: " + self.database.location)
        migration = self.database.migration
        if migration.backup is not None:
            self.statusBar().showMessage(
                f"Database updated to schema {migration.to_revision}; the old file was "
                f"copied to {migration.backup.name}", 10_000)
        self.orders_model = OrdersTableModel(self.database.engine, self)
        self.orders_model.found_damaged.connect(self._found_damaged)
        self.orders_view.setModel(self.orders_model)     # its columns as they were left
        self.orders_view.selectionModel().selectionChanged.connect(self._selection_changed)
        self.orders_model.modelReset.connect(self._update_count)
        self._load_marketplaces()
        self._update_count()
        self._open_desk()
        for act in [self.refresh_action, *self.desk_actions]:
            act.setEnabled(True)
        self._operations_changed()      # the writing actions: unless a write is under way
        folder = window_settings().value("watch_folder")
        if folder and Path(folder).is_dir():
            self.watch_folder(Path(folder))
        self.keyring_note.look(interactive=self.interactive)
        self._listen_to_team()
        # Settings › Mail saved or disconnected (said in the status bar): watch the mailbox
        # as it is now.
        assert self.work_tabs is not None
        self.work_tabs.said.connect(lambda _text: self.watch_mail())
        self.watch_mail()
        if self.interactive:        # purge, backup: a moment after the window is usable
            QTimer.singleShot(HOUSEKEEPING_DELAY_MS, self.keep_house)
            self.housekeeping_timer.start()
        self.database_opened.emit()
        return True

    def _found_damaged(self, sentence: str) -> None:
        """Said once: every page painted after would find the same damage."""
        self.statusBar().showMessage(sentence)
        if not getattr(self, "_damage_said", False):
            self._damage_said = True
            self.tell(QMessageBox.Icon.Critical, sentence)

    def _listen_to_team(self) -> None:
        from sellerdesk.services.team.setup import listen_for_changes
        from sellerdesk.ui.live import LiveUpdates
        assert self.database is not None
        if not self.database.is_team:
            return
        engine = self.database.engine
        self.live = LiveUpdates(lambda: listen_for_changes(engine), self)
        self.live.changed.connect(lambda _tables: self._remote.start())
        self.live.reachable.connect(self._reachable)
        self.live.start()

    def _show_remote_changes(self) -> None:
        """Another desk's change (or this one's, said back): every view reads again."""
        if not self.isVisible():
            return                          # closed, with word still on its way
        if self.task is None:
            self.refresh()                  # the orders, then every desk view
        elif self.work_tabs is not None:
            self.work_tabs.refresh()

    def _reachable(self, online: bool) -> None:
        self.offline_label.setVisible(not online)
        self.statusBar().showMessage("The team database is back; everything was read again."
                                     if online else "The team database is out of reach; "
                                     "SellerDesk keeps trying. Nothing typed is lost.", 15_000)

    @property
    def passphrase_dialog(self) -> QInputDialog | None:
        return self.keyring_note.passphrase_dialog

    def ask_passphrase(self, error: str = "") -> QInputDialog:
        return self.keyring_note.ask_passphrase(error)

    def keep_house(self) -> Task | None:
        """Purge what is due, make the day's backup, finish a key rotation cut short:
        in the background, without a dialog; the status bar says what was done."""
        if self.database is None or self.closed:
            return None
        task = None if self.dialog_saves_here() is not None else backups.keep_house(
            self.operations, self.database.engine, done=self._house_kept)
        if task is None:        # another write was under way: a minute later, then
            QTimer.singleShot(HOUSEKEEPING_RETRY_MS, self, self.keep_house)
        return task

    def dialog_saves_here(self) -> QDialog | None:
        """An open dialog that saves on the GUI thread (policy, staff, settings, a reply…):
        a watched file or housekeeping waits until it is closed, since its Save would
        otherwise wait behind them with the window frozen. The issue dialog saves through
        ui/operations and waits its turn, so it holds nothing back."""
        from sellerdesk.ui.dialogs.issue_dialog import IssueDialog
        for dialog in self.findChildren(QDialog):
            if not dialog.isVisible() or isinstance(dialog, IssueDialog | QMessageBox):
                continue
            if dialog.isModal() or dialog.windowModality() is not Qt.WindowModality.NonModal:
                return dialog
        return None

    def _house_kept(self, kept) -> None:
        """`kept`: what housekeeping did (HouseKept), or the refusal that stopped it."""
        text = (kept.summary() if not isinstance(kept, Exception)
                else f"Housekeeping failed: {kept}")
        if text:
            self.statusBar().showMessage(text, 15_000)
        if (not isinstance(kept, Exception) and kept.lines and self.work_tabs is not None
                and not self.closed):
            self.refresh()
        self.house_kept.emit(kept)

    def _open_desk(self) -> None:
        from sellerdesk.ui.views.work_tabs import WorkTabs
        assert self.database is not None
        self.work_tabs = WorkTabs(self.tabs, self.database.engine, lambda: self.staff, self,
                                  [self.export_ledger_action, self.check_ledger_action,
                                   self.adjustments_action, self.settlements_action],
                                  operations=self.operations)
        self.work_tabs.said.connect(lambda text: self.statusBar().showMessage(text, 15_000))
        self.work_tabs.urgent_changed.connect(self._show_urgent)
        self._show_urgent(self.work_tabs.urgent)      # counted before anyone listened
        self.work_tabs.open_order.connect(self.show_order_tab)
        self.work_tabs.work_changed.connect(self._work_changed)
        self._queue_read_for = self.staff    # as the box stood; read again if it moves
        self.at_desk_box.open(self.database.engine, is_team=self.database.is_team)
        if self.interactive:         # the tray icon and notifications: not for --smoke
            from sellerdesk.ui.views.tray import DeskTray
            self.tray = DeskTray(self, self.work_tabs, quit_app=self.quit_app,
                                 available=self.tray_available)
        # The tab left open last time, by name (an index would shift when a tab is added);
        # else the Queue, which WorkTabs shows first.
        tab = str(window_settings().value("tab_name") or "")
        for index in range(self.tabs.count()):
            if tab and tab_name(self.tabs.tabText(index)) == tab:
                self.tabs.setCurrentIndex(index)

    def _show_urgent(self, count: int) -> None:
        """The most urgent count in the title: overdue or due within the warning time."""
        self.setWindowTitle(f"{APP_NAME} — {count} urgent" if count else APP_NAME)

    @property
    def at_desk(self) -> str:
        return self.at_desk_box.name

    @property
    def members(self) -> dict[str, StaffMember]:
        return self.at_desk_box.members

    @property
    def pin_dialog(self) -> PinDialog | None:
        return self.at_desk_box.pin_dialog

    def _role_shown(self, name: str) -> None:
        if self.work_tabs is None:
            return
        self.work_tabs.approvals.recheck()    # whether the one now at the desk may decide
        if name != self._queue_read_for:
            # The Queue is theirs: what is assigned to them, the approvals they may
            # decide, the budget lines a supervisor is told of. Read for someone else,
            # it showed the last person's work until its next minute.
            self._queue_read_for = name
            self.work_tabs.queue.refresh()

    def _work_changed(self) -> None:
        self.at_desk_box.load()
        if self.detail_view.order is not None:
            self.show_order(self.detail_view.order.order_id)

    def show_issue(self, issue_id: int) -> None:
        if self.work_tabs is not None:
            self.work_tabs.show_issue(issue_id)

    def show_order_tab(self, order_id: str) -> None:
        self.tabs.setCurrentIndex(0)
        self.show_order(order_id)

    def edit_policy(self):
        if self.work_tabs is None:
            return None
        order = self.detail_view.order
        return self.work_tabs.edit_policy(order.order_id if order else None)

    def _load_marketplaces(self) -> None:
        from sellerdesk.store.engine import reading
        from sellerdesk.store.orders import distinct_values
        assert self.database is not None
        with reading(self.database.engine) as conn:
            self.filter_bar.set_marketplaces(distinct_values(conn, column="marketplace"))

    def refresh(self) -> None:
        if self.orders_model is None:
            return
        current = self.detail_view.order.order_id if self.detail_view.order else None
        self._load_marketplaces()
        self.orders_model.refresh()
        if current:
            self.show_order(current)
        if self.work_tabs is not None:
            self.work_tabs.refresh()
        self.orders_changed.emit()

    def _apply_filter(self, flt) -> None:
        if self.orders_model is not None:
            self.orders_model.set_filter(flt)
            self.detail_view.show_order(None)

    def _update_count(self) -> None:
        if self.orders_model is None or self.database is None:
            return
        shown = self.orders_model.rowCount()
        noun = "order" if shown == 1 else "orders"
        if self.orders_model.order_filter.is_empty:
            self.count_label.setText(f"{shown:,} {noun}")
        else:
            self.count_label.setText(f"{shown:,} {noun} match{'es' if shown == 1 else ''}")

    # -- the selected order -----------------------------------------------------------
    def _selection_changed(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        indexes = selected.indexes()
        if not indexes or self.orders_model is None:
            return
        summary = self.orders_model.order_at(indexes[0].row())
        if summary is not None:
            self.show_order(summary.order_id)

    def show_order(self, order_id: str) -> None:
        from sellerdesk.services.issues import order_activity
        from sellerdesk.store.engine import reading
        from sellerdesk.store.orders import get_order
        assert self.database is not None
        with reading(self.database.engine) as conn:
            order = get_order(conn, order_id=order_id)
        self.detail_view.show_order(order)
        if order is not None:
            self.detail_view.show_activity(order_activity(self.database.engine, order_id))
        self.new_issue_action.setEnabled(order is not None and not self.operations.busy)
        self.detail_view.new_issue_button.setEnabled(self.new_issue_action.isEnabled())
        self.detail_view.dispute_button.setEnabled(order is not None and self.work_tabs is not None)

    @property
    def staff(self) -> str:
        return self.at_desk.strip()

    def new_issue(self) -> IssueDialog | None:
        """Open the issue dialog on the order in the pane (non-blocking)."""
        from sellerdesk.ui.dialogs.issue_dialog import IssueDialog
        order = self.detail_view.order
        if order is None or self.database is None:
            return None
        if not self.staff:
            self.tell(QMessageBox.Icon.Warning, "Say who is at the desk first (toolbar).")
            return None
        dialog = IssueDialog(self.database.engine, order, self.staff, self,
                             operations=self.operations)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.issue_logged.connect(self._issue_logged)
        self.issue_dialog = dialog
        dialog.open()
        return dialog

    def _issue_logged(self, issue_id: int, outcome) -> None:
        if self.work_tabs is not None:
            self.work_tabs.refresh()   # also shows the order again, through work_changed
        elif self.detail_view.order is not None:
            self.show_order(self.detail_view.order.order_id)
        if outcome is None:
            self.statusBar().showMessage(f"Issue {issue_id} logged", 10_000)
        elif outcome.pending:
            self.statusBar().showMessage(
                f"Issue {issue_id} logged; {outcome.kind.label.lower()} "
                f"{outcome.amount.display()} waits for a supervisor (request "
                f"{outcome.approval_id})", 15_000)
        else:
            self.statusBar().showMessage(
                f"Issue {issue_id} logged; credit {outcome.credit_id}: "
                f"{outcome.kind.label.lower()} {outcome.amount.display()}", 15_000)

    def _typed_on_orders(self, text: str) -> None:
        """Letters typed on the orders table start a search with them."""
        box = self.filter_bar.search_box
        box.setFocus()
        box.insert(text)

    def focus_search(self) -> None:
        self.filter_bar.search_box.setFocus()
        self.filter_bar.search_box.selectAll()

    # -- Edit and Help -------------------------------------------------------------------
    def copy_selection(self) -> str:
        """Edit › Copy: the selected cell of the list in hand (the order id, say), or the
        selected text of a field. Returns what was copied."""
        widget = QApplication.focusWidget()
        if isinstance(widget, QTableView):
            text = cell_text(current_index(widget))
            if text:
                copy_text(text)
                self.statusBar().showMessage(f"Copied “{text[:80]}”", 5_000)
            return text
        if widget is not None and hasattr(widget, "copy"):      # a field, a text
            widget.copy()
            return QApplication.clipboard().text()
        return ""

    def copy_row(self) -> str:
        widget = QApplication.focusWidget()
        if not isinstance(widget, QTableView) or not current_index(widget).isValid():
            return ""
        text = row_text(widget, current_index(widget).row())
        copy_text(text)
        self.statusBar().showMessage("Copied the row", 5_000)
        return text

    def select_all(self) -> None:
        widget = QApplication.focusWidget()
        if widget is not None and hasattr(widget, "selectAll"):
            widget.selectAll()

    def show_shortcuts(self) -> QDialog:
        """The cheat sheet, read from the menus as they are now; kept open beside the work
        (not modal), and raised if it is open already."""
        from sellerdesk.ui.dialogs.shortcuts_dialog import ShortcutsDialog
        if self.shortcuts_dialog is not None:
            self.shortcuts_dialog.raise_()
            self.shortcuts_dialog.activateWindow()
            return self.shortcuts_dialog
        dialog = ShortcutsDialog(self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda _result: setattr(self, "shortcuts_dialog", None))
        self.shortcuts_dialog = dialog
        dialog.show()
        return dialog

    def show_manual(self) -> QDialog:
        """Help › Manual (F1), kept open beside the work like the cheat sheet."""
        from sellerdesk.ui.dialogs.manual_dialog import ManualDialog
        if self.manual_dialog is None:
            self.manual_dialog = ManualDialog(self)
            self.manual_dialog.finished.connect(
                lambda _result: setattr(self, "manual_dialog", None))
            self.manual_dialog.show()
        else:
            self.manual_dialog.raise_()
            self.manual_dialog.activateWindow()
        return self.manual_dialog

    # -- a report dropped on the window ---------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self.database is not None and _dropped_files(event):
            event.acceptProposedAction()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if self.database is not None and _dropped_files(event):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        """Import the report dropped, as File › Import would: a file that is no report
        gets the same sentence. Several at once are not queued unseen: one at a time."""
        paths = _dropped_files(event)
        if self.database is None or not paths:
            return
        event.acceptProposedAction()
        if len(paths) > 1:
            self.tell(QMessageBox.Icon.Information,
                      f"{len(paths)} files were dropped; drop one report at a time (or save "
                      "them into a folder and use File › Watch a folder for reports).")
            return
        self.import_report(paths[0])

    # -- long work --------------------------------------------------------------------
    def choose_report(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Import a Seller Central report",
                                              str(Path.home()), REPORT_FILTER)
        if path:
            self.import_report(Path(path))

    def import_report(self, path: Path, *, marketplace: str | None = None) -> Task | None:
        """Import whichever report the file is (orders unless it looks like another); a
        feedback report first asks which marketplace it is from."""
        from sellerdesk.core.marketplaces import MARKETPLACES
        from sellerdesk.services.imports.kinds import report_kind
        try:
            kind = report_kind(path) or "orders"
        except KnownError as exc:   # a folder, a named pipe: the sentence the CLI gives
            self.tell(QMessageBox.Icon.Warning, str(exc))
            return None
        except OSError as exc:
            self.tell(QMessageBox.Icon.Warning, f"{path.name}: {exc.strerror or exc}")
            return None
        if kind == "feedback" and marketplace is None:
            choices = [f"{m.code} — {m.sales_channel}" for m in MARKETPLACES]
            self.marketplace_dialog = ask_choice(
                self, "Feedback report", f"Which marketplace is {path.name} from?\n"
                "(Its dates are written that marketplace's way.)", choices,
                lambda choice: self.import_report(path, marketplace=choice.split()[0]))
            return None
        return self._start(lambda: imports.import_report(
            self.operations, self._engine(), path, kind=kind, marketplace=marketplace))

    def _toggle_watch(self, checked: bool) -> None:
        if not checked:
            self.watch_folder(None)
            return
        start = str(self.watcher.folder or Path.home() / "Downloads")
        folder = QFileDialog.getExistingDirectory(self, "Watch a folder for reports", start)
        self.watch_folder(Path(folder) if folder else None)

    def watch_folder(self, folder: Path | None) -> None:
        """Import reports saved into `folder` as they arrive; None stops watching."""
        self.watcher.watch(folder)
        settings = window_settings()
        settings.setValue("watch_folder", str(folder) if folder else "")
        settings.sync()
        self.watch_action.blockSignals(True)
        self.watch_action.setChecked(folder is not None)
        self.watch_action.blockSignals(False)
        self.watch_label.setText(f"Watching “{folder.name}”" if folder else "")
        self.watch_label.setToolTip(f"Reports saved into {folder} are imported as they "
                                    "arrive (File › Watch a folder)" if folder else "")
        if folder is not None:
            self.statusBar().showMessage(f"Watching {folder} for reports", 10_000)

    def import_watched(self, path: Path) -> Task | None:
        return self._start(lambda: imports.import_watched(self.operations, self._engine(),
                                                          path))

    def sync_with_amazon(self) -> Task | None:
        """Sync now, with the credentials from Settings (asked for first when missing);
        the account of what came in ends in a message box."""
        from sellerdesk.services.amazon import api as amazon_api
        if self.work_tabs is None:
            return None
        credentials = amazon_api.load_credentials()
        if credentials is None:
            self.work_tabs.edit_settings("Enter your SP-API app's credentials to sync with Amazon.")
            return None
        return self._start(lambda: imports.sync_with_amazon(
            self.operations, self._engine(), credentials, staff=self.staff))

    # -- mail ------------------------------------------------------------------------------
    def watch_mail(self) -> None:
        """Wait on the connected mailbox in the background (ui.mail_watch), or stop when
        it was disconnected; nothing for --smoke."""
        from sellerdesk.services.mail.account import mail_account
        if self.database is None or self.closed or not self.interactive:
            return
        account = mail_account(self.database.engine)
        if account == self._mail_watched:
            return
        self._mail_watched = account
        if account is None:
            if self.mail_watch is not None:
                self.mail_watch.stop()
            self.mail_label.hide()
            return
        if self.mail_watch is None:
            from sellerdesk.ui.mail_watch import MailWatch
            self.mail_watch = MailWatch(self.database.engine, self)
            self.mail_watch.mail_waiting.connect(lambda _arrived: self.fetch_mail())
            self.mail_watch.trouble.connect(self._mail_trouble)
        self.mail_watch.start()
        self._say_mail(f"Mail: connecting to {account.imap_host}…",
                       f"Signing in to {account.login} at {account.imap_host}")

    def fetch_mail(self, asked: bool = False) -> Task | None:
        """Read the new mail into the desk, as one of the window's writes. While another
        write runs or a dialog that saves on the GUI thread is open, a fetch tries again
        shortly (as a watched folder's file waits). Shown with progress and Cancel when
        asked for, and for a folder's first read (years of mail); else unseen."""
        from sellerdesk.ui.operations import mailbox
        if self.database is None or self.closed:
            return None
        if self.operations.task is not None or self.dialog_saves_here() is not None:
            self._mail_retry.start()
            return None
        engine = self.database.engine
        return mailbox.fetch_mail(self.operations, engine,
                                  shown=asked or mailbox.first_read(engine),
                                  done=self._mail_fetched, failed=self._mail_failed)

    def _mail_fetched(self, report) -> None:
        from sellerdesk.services.clock import now
        from sellerdesk.services.mail.inbox import count_unsorted
        from sellerdesk.ui.formatting import local_now
        if self.closed or self.database is None:
            return
        if report.fetched_by:       # a team: another desk fetches; its news arrives live
            self._say_mail("Mail: fetched by another desk", report.summary())
            return
        at = local_now(now())
        fetched = QLocale().toString(QTime(at.hour, at.minute), QLocale.FormatType.ShortFormat)
        unsorted = count_unsorted(self.database.engine)
        waiting = f" · {unsorted:,} in Unsorted" if unsorted else ""
        if report.new:
            self.refresh()
            self.statusBar().showMessage(report.summary(), 15_000)
            self._say_mail(f"Mail: {report.new:,} new{waiting}",
                           f"Fetched at {fetched}: {report.summary()}")
        else:
            self._say_mail(f"Mail: last fetched {fetched}{waiting}",
                           f"Fetched at {fetched}: {report.summary()}")

    def _mail_failed(self, error: Exception) -> None:
        if self.closed:
            return
        text = str(error) if isinstance(error, KnownError) else (
            f"Fetching mail failed ({type(error).__name__}: {error}).")
        self._mail_trouble(text)

    def _mail_trouble(self, text: str) -> None:
        """Never a message box: the mail comes in the background, nobody asked."""
        if self.closed:
            return
        short = text if len(text) <= 60 else text[:57].rstrip() + "…"
        self._say_mail(f"Mail: {short}", text, failed=True)
        self.statusBar().showMessage(text, 15_000)

    def _say_mail(self, text: str, tip: str, *, failed: bool = False) -> None:
        self.mail_label.setText(text)
        self.mail_label.setToolTip(tip)
        self.mail_label.setStyleSheet(error_style() if failed else "")
        self.mail_label.show()

    def choose_demo_size(self) -> None:
        from sellerdesk.services.demo.build import DemoAlreadyThere, check_demo_target
        try:        # said before asking how many: the answer would not matter
            check_demo_target(self._engine())
        except DemoAlreadyThere as exc:
            self.tell(QMessageBox.Icon.Information, str(exc))
            return
        except KnownError as exc:
            self.tell(QMessageBox.Icon.Warning, str(exc))
            return
        orders, ok = QInputDialog.getInt(self, "Build demo data",
                                         "How many demo orders (US, UK, DE, JP; last 120 days)?",
                                         2_000, 10, 1_000_000, 500)
        if ok:
            self.build_demo(orders)

    def build_demo(self, orders: int) -> Task | None:
        return self._start(lambda: imports.build_demo(self.operations, self._engine(),
                                                      orders=orders))

    # -- evidence out -------------------------------------------------------------------
    def dispute_packet(self):
        """For the order of the issue in hand on the Issues tab, else the order shown."""
        from sellerdesk.ui.views.work_tabs import ISSUES_TAB
        if self.work_tabs is None:
            return None
        detail = self.work_tabs.issues.pane.detail
        if self.tabs.currentIndex() == ISSUES_TAB and detail is not None:
            order_id = detail.issue.order_id
        elif self.detail_view.order is not None:
            order_id = self.detail_view.order.order_id
        else:
            self.statusBar().showMessage("Select an order (or an issue) for its dispute packet",
                                         10_000)
            return None
        return self.work_tabs.dispute_packet(order_id)

    def choose_ledger_export(self) -> None:
        name, chosen = QFileDialog.getSaveFileName(
            self, "Export the credit ledger", str(Path.home() / "SellerDesk ledger.csv"),
            LEDGER_FILTER)
        if name:
            path = Path(name)
            if not path.suffix:   # the filter chosen says which kind
                path = path.with_suffix("." + chosen.split("*.")[1].rstrip(")"))
            self.export_ledger(path)

    def export_ledger(self, path: Path) -> Task | None:
        return self._start(lambda: backups.export_ledger(self.operations, self._engine(),
                                                         path, staff=self.staff))

    def choose_ledger_check(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "Check an exported ledger", str(Path.home()),
                                              "Ledger exports (*.csv *.xlsx *.json)")
        if name:
            self.check_ledger(Path(name))

    def check_ledger(self, path: Path) -> Task | None:
        return self._start(lambda: backups.check_ledger(self.operations, path))

    def choose_backup(self) -> None:
        from datetime import date
        name, _ = QFileDialog.getSaveFileName(
            self, "Back up the database",
            str(Path.home() / f"SellerDesk backup {date.today():%Y-%m-%d}.sqlite3"),
            "SellerDesk backups (*.sqlite3)")
        if name:
            self.back_up(Path(name))

    def back_up(self, path: Path) -> Task | None:
        return self._start(lambda: backups.back_up(self.operations, self._engine(), path,
                                                   staff=self.staff))

    def choose_restore(self) -> None:
        from sellerdesk.services.protection.backups import backups_dir
        try:
            start = str(backups_dir(self._engine()))
        except KnownError as exc:
            self.tell(QMessageBox.Icon.Information, str(exc))
            return
        name, _ = QFileDialog.getOpenFileName(self, "Restore from a backup", start,
                                              "SellerDesk backups (*.sqlite3);;All files (*)")
        if name:
            self.confirm_restore(Path(name))

    def confirm_restore(self, path: Path) -> QMessageBox:
        """Check the backup first; only a whole one is offered for restoring."""
        from sellerdesk.services.protection.backups import check_backup
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            check = check_backup(path)
        finally:
            QApplication.restoreOverrideCursor()
        if not check.ok:
            return self.tell(QMessageBox.Icon.Warning, check.summary())
        from sellerdesk.ui.dialogs.ask import confirm
        self.message_box = confirm(
            self, APP_NAME, f"{check.summary()}\n\nPut this backup in place of the database? "
            "The database as it is now is kept in the backups folder first.", "&Restore",
            lambda: self.restore(path))
        return self.message_box

    def restore(self, path: Path) -> Task | None:
        task = self._start(lambda: backups.restore(self.operations, self._engine(), path,
                                                   staff=self.staff))
        if task is not None:
            task.succeeded.connect(
                lambda _result: self.work_tabs and self.work_tabs.work_changed.emit())
        return task

    def _start(self, start: Callable[[], Task]) -> Task | None:
        """Start a write the user asked for. Its file dialog or question may be answered
        after another write began (the watched folder's import and housekeeping do not
        wait for them): then say so, rather than fail or queue it unseen."""
        try:
            return start()
        except StillRunning:
            self.tell(QMessageBox.Icon.Information,
                      f"{self.operations.what.rstrip('…')} is under way; try again once it "
                      "is done.")
            return None

    def _engine(self):
        assert self.database is not None, "the database opens before any action is enabled"
        return self.database.engine

    @property
    def task(self) -> Task | None:
        """The write under way, if any (imports wait for it: see FolderWatcher)."""
        return self.operations.task


    def _operations_changed(self) -> None:
        """A write began or ended: while one runs, every action that would write waits,
        and its tip says why."""
        busy = self.operations.busy
        opened = self.database is not None and self.work_tabs is not None
        for act in [*self.writing_actions, self.new_issue_action]:
            usual = self.usual_tips.setdefault(act, (act.statusTip(), act.toolTip()))
            act.setStatusTip(busy or usual[0])
            act.setToolTip(busy or usual[1])
        for act in self.writing_actions:
            act.setEnabled(opened and not busy)
        self.cancel_action.setEnabled(self.operations.shown and self.operations.cancellable)
        self.new_issue_action.setEnabled(opened and not busy
                                         and self.detail_view.order is not None)
        self.detail_view.new_issue_button.setEnabled(self.new_issue_action.isEnabled())
        self.detail_view.new_issue_button.setToolTip(
            busy or "Log a customer issue on this order (Ctrl+N)")
        # Said in the status bar only if it lasts: a quick save must not flash there;
        # gone as soon as nothing waits.
        if busy:
            self._busy_said.start()
        else:
            self._busy_said.stop()
            self._say_busy()

    def _say_busy(self) -> None:
        """Long work shows itself (the progress strip); a write that lasts without
        showing (housekeeping, a save waiting on another program) is said here."""
        busy = "" if self.operations.shown else self.operations.busy
        self.busy_label.setText(busy)
        self.busy_label.setVisible(bool(busy))

    def _task_succeeded(self, _what: str, result) -> None:
        from sellerdesk.services.imports.kinds import skipped_text
        if self.closed:
            self.task_finished.emit(result)
            return
        self.refresh()
        summary = result.summary() if hasattr(result, "summary") else "Done"
        self.statusBar().showMessage(summary, 15_000)
        if getattr(result, "tell", False):      # a Finished, or a watched file refused
            self.tell(QMessageBox.Icon.Information if result.ok else QMessageBox.Icon.Warning,
                      summary)
        skipped = getattr(result, "skipped", [])
        if skipped:
            listed = "\n".join(skipped_text(s) for s in skipped[:20])
            more = f"\n… and {len(skipped) - 20} more" if len(skipped) > 20 else ""
            self.tell(QMessageBox.Icon.Information, f"{summary}\n\nSkipped rows:\n{listed}{more}")
        self.task_finished.emit(result)

    def _task_failed(self, _what: str, error: Exception) -> None:
        if isinstance(error, Cancelled) or self.closed:    # no box on a closed window
            self.statusBar().showMessage(str(error), 15_000)
        elif isinstance(error, KnownError):
            self.tell(QMessageBox.Icon.Warning, str(error))
        else:  # a bug: say so plainly, keep the details for the report
            self.tell(QMessageBox.Icon.Critical,
                      f"Something went wrong inside {APP_NAME} "
                      f"({type(error).__name__}: {error}). Nothing was changed.")
        self.task_finished.emit(error)

    def tell(self, icon: QMessageBox.Icon, text: str) -> QMessageBox:
        """A window-modal message that does not block the event loop."""
        box = QMessageBox(icon, APP_NAME, text, QMessageBox.StandardButton.Ok, self)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        if text.count("\n") > 3:       # an account of many lines: wide enough to read
            box.setStyleSheet("QLabel#qt_msgbox_label { min-width: 620px; }")
        box.open()
        self.message_box = box
        return box

    # -- window state -----------------------------------------------------------------
    def _restore_state(self) -> None:
        settings = window_settings()
        geometry = settings.value("geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        state = settings.value("state")
        if state is not None:
            self.restoreState(state)
        splitter = settings.value("splitter")
        if splitter is not None:
            self.splitter.restoreState(splitter)

    def save_state(self) -> None:
        settings = window_settings()
        if self.staff_box.isEnabled():           # a team login is not a desk name to keep
            settings.setValue("staff", self.staff)
        settings.setValue("tab_name", tab_name(self.tabs.tabText(self.tabs.currentIndex())))
        settings.setValue("geometry", self.saveGeometry())
        settings.setValue("state", self.saveState())
        settings.setValue("splitter", self.splitter.saveState())
        settings.sync()

    def quit_app(self) -> None:
        """File › Quit and the tray's Quit: closes even when closing keeps SellerDesk in the
        tray; work under way asks first, on the window brought back to sight."""
        if self.tray is not None and self.operations.task is not None:
            self.tray.show_window()
        self.quitting = True
        self.close()
        if not self.closed:      # kept importing: the close button keeps its choice
            self.quitting = False

    def closeEvent(self, event: QCloseEvent) -> None:
        if (self.tray is not None and not (self.quitting or self._close_confirmed or self.closed)
                and self.tray.close_requested()):
            event.ignore()            # kept in the tray, or asked whether to be
            return
        if self._close_waits():
            event.ignore()
            return
        self.closed = True
        self.housekeeping_timer.stop()
        self._mail_retry.stop()
        if self.mail_watch is not None:    # before the database closes: it reads the account
            self.mail_watch.stop()
        self.at_desk_box.close()
        if self.live is not None:
            self.live.stop()
        self._remote.stop()            # a refresh due now would open the database again
        if self.work_tabs is not None:
            self.work_tabs.issues.pane.release()
        self.operations.cancel_and_wait()
        if self.mail_watch is not None and self.database is not None:
            # After the last fetch ended: on a team, the next desk fetches at once, not
            # five minutes on (a lease not given up lapses on its own).
            from sellerdesk.services.mail import lease
            lease.release(self.database.engine)
        self.save_state()
        if self.database is not None:
            self.database.engine.dispose()
        if self in WINDOWS:
            WINDOWS.remove(self)
        if self.tray is not None:
            self.tray.close()
        super().closeEvent(event)

    def _close_waits(self) -> bool:
        """Long work under way when the window is closed: an import, a sync or demo data
        is asked about (keeping it is the default, so Escape or Enter never throws away
        work); a backup, restore or ledger file, which cannot be stopped halfway, is said
        to close the window once done, which it then does. Short writes (an issue saved,
        housekeeping) end or roll back unseen, as before."""
        ops = self.operations
        if (not self.interactive or self.closed or self._close_confirmed
                or ops.task is None or not ops.shown):
            return False
        what = ops.what.rstrip("…")
        if not ops.cancellable:
            self.close_when_done = True
            self.statusBar().showMessage(
                f"{what} cannot be stopped halfway; {APP_NAME} closes when it is done.")
            return True
        if self.close_question is not None:
            return True
        keep_label = f"&Keep {what.split()[0].lower()}"     # Keep importing, Keep syncing
        box = QMessageBox(QMessageBox.Icon.Question, APP_NAME,
                          f"{what} is under way. Cancel it and close, or {keep_label[1:].lower()}?",
                          QMessageBox.StandardButton.NoButton, self)
        box.setInformativeText("Cancelled, nothing it did is kept.")
        keep = box.addButton(keep_label, QMessageBox.ButtonRole.RejectRole)
        stop = box.addButton("&Cancel it and close", QMessageBox.ButtonRole.DestructiveRole)
        stop.setAutoDefault(False)
        box.setDefaultButton(keep)
        box.setEscapeButton(keep)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.buttonClicked.connect(lambda button: button is stop and self._cancel_and_close())
        box.finished.connect(lambda _result: setattr(self, "close_question", None))
        self.close_question = box
        box.open()
        return True

    def _cancel_and_close(self) -> None:
        self._close_confirmed = True
        self.close()

    def _close_if_waiting(self) -> None:
        """The work the close waited on is over: close now. A question still open about
        work that ended is no longer true, so it goes (the window stays, as if kept)."""
        if self.operations.task is not None:
            return
        if self.close_when_done and not self.closed:
            self.close_when_done = False
            self._close_confirmed = True
            self.close()
        elif self.close_question is not None:
            self.close_question.close()

    def switch_database(self, target: str) -> MainWindow:
        """Joining or leaving a team: a window on the other database takes this one's
        place (its own refresh, live updates and housekeeping start as usual)."""
        window = MainWindow(target, interactive=self.interactive,
                            tray_available=self.tray_available)
        WINDOWS.append(window)
        window.show()
        open_when_shown(window)
        self.quitting = True         # this window goes for good, whatever closing does
        self.close()
        return window

    def show_about(self) -> None:
        QMessageBox.about(
            self, f"About {APP_NAME}",
            f"<b>{APP_NAME} {__version__}</b><p>A customer-service desk for Amazon sellers.</p>"
            f"<p>Database: {self.database.location if self.database else '—'}</p>")


def _dropped_files(event: QDropEvent) -> list[Path]:
    return [Path(url.toLocalFile()) for url in event.mimeData().urls() if url.isLocalFile()]


def open_when_shown(window: MainWindow, then=None, shown=None) -> None:
    """Open the database once the event loop has painted the window."""
    def go() -> None:
        if shown is not None:
            shown()
        ok = window.open_database()
        if then is not None:
            then(ok)
    QTimer.singleShot(0, go)


def tab_name(text: str) -> str:
    """A tab's name without its mnemonic or count: "&Approvals (3)" → "Approvals"."""
    return text.replace("&", "").split(" (")[0]
