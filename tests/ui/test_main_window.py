import sqlite3
import threading
from contextlib import contextmanager

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QContextMenuEvent, QGuiApplication
from PySide6.QtWidgets import QApplication, QMessageBox

from sellerdesk.services.clock import now
from sellerdesk.ui.main_window import MainWindow
from sellerdesk.ui.models.orders_model import COL_MARKETPLACE, COL_ORDER_ID
from sellerdesk.ui.views.work_tabs import ORDERS_TAB
from tests.helpers.reports import row, write
from tests.helpers.window_actions import write_lock_held


def shown_ids(window):
    model = window.orders_model
    return [model.index(r, COL_ORDER_ID).data() for r in range(model.rowCount())]


def test_window_shows_the_orders_and_where_they_live(window, demo_db):
    assert window.count_label.text() == "600 orders"
    assert window.location_label.text() == demo_db
    assert window.orders_view.model().rowCount() == 600
    assert window.detail_view.currentWidget() is window.detail_view.empty_label


def test_typing_an_order_id_prefix_narrows_the_list(qtbot, window):
    target = window.orders_model.index(17, COL_ORDER_ID).data()
    qtbot.keyClicks(window.filter_bar.search_box, target[:11])
    qtbot.waitUntil(lambda: window.count_label.text().endswith("match") or
                    window.count_label.text().endswith("matches"))
    assert target in shown_ids(window)
    assert all(i.startswith(target[:11]) for i in shown_ids(window))


def test_ctrl_f_goes_to_the_search_box(qtbot, window):
    window.orders_view.setFocus()
    window.find_action.trigger()
    assert window.filter_bar.search_box.hasFocus()


def test_searching_a_title_word(qtbot, window):
    window.filter_bar.search_box.setText("Kaffeebecher")
    window.filter_bar.search_box.returnPressed.emit()
    ids = shown_ids(window)
    assert ids
    assert all(window.orders_model.index(r, COL_MARKETPLACE).data() == "DE"
               for r in range(len(ids)))


def test_filtering_by_marketplace_and_clearing(qtbot, window):
    box = window.filter_bar.marketplace_box
    assert [box.itemText(i) for i in range(box.count())] == [
        "All marketplaces", "DE", "JP", "UK", "US"]
    box.setCurrentText("JP")
    jp = window.orders_model.rowCount()
    assert 0 < jp < 600
    assert window.count_label.text() == f"{jp} orders match"
    window.clear_filters_action.trigger()
    assert window.orders_model.rowCount() == 600


def test_selecting_an_order_shows_its_items_and_total(qtbot, window):
    window.filter_bar.status_box.setCurrentText("Shipped")
    index = window.orders_model.index(0, COL_ORDER_ID)
    rect = window.orders_view.visualRect(index)
    qtbot.mouseClick(window.orders_view.viewport(), Qt.MouseButton.LeftButton,
                     pos=rect.center())
    detail = window.detail_view
    assert detail.title_label.text() == f"Order {index.data()}"
    order = detail.order
    assert detail.items_table.rowCount() == len(order.items)
    assert order.items[0].sku in detail.items_table.item(0, 0).text()
    assert detail.totals_text().splitlines()[-1] == f"Total {order.total.display()}"
    assert detail.totals_text().splitlines()[0] == f"Items {order.items_total.display()}"


def test_importing_a_report_from_the_window(qtbot, window, tmp_path):
    report = write(tmp_path / "new orders.txt", [
        row("114-5555555-0000001", price="9.99"), row("114-5555555-0000002", price="5.00")])
    with qtbot.waitSignal(window.task_finished, timeout=20_000):
        window.import_report(report)
    assert window.count_label.text() == "602 orders"
    assert "new orders.txt: 2 rows, 2 orders added" in window.statusBar().currentMessage()


def test_a_bad_report_says_where_and_changes_nothing(qtbot, window, tmp_path, demo_db):
    report = write(tmp_path / "broken.txt", [row("114-5555555-0000001", quantity="x")])
    with qtbot.waitSignal(window.task_finished, timeout=20_000):
        window.import_report(report)
    box = window.message_box
    assert box.icon() == QMessageBox.Icon.Warning
    assert box.text() == "broken.txt, line 2, column 'quantity': 'x' is not a whole number"
    assert window.count_label.text() == "600 orders"
    box.close()


def test_cancel_during_an_import_keeps_the_database_as_it_was(qtbot, window, tmp_path, demo_db):
    rows = [row(f"114-7777777-{n:07d}") for n in range(60_000)]
    report = write(tmp_path / "large.txt", rows)
    # Another program holds the write lock a while, so the import is surely still under
    # way when Cancel is clicked, however fast it has become.
    with (qtbot.waitSignal(window.task_finished, timeout=60_000) as finished,
          write_lock_held(demo_db)):
        task = window.import_report(report)
        strip = window.progress_strip
        assert strip.label.text().startswith("Importing large.txt")
        qtbot.waitUntil(strip.isVisible)        # in the status bar, after 300 ms
        assert window.cancel_action.isEnabled()
        qtbot.mouseClick(strip.cancel_button, Qt.MouseButton.LeftButton)
    assert task.was_cancelled
    assert not strip.isVisible()
    assert not window.cancel_action.isEnabled()
    assert "nothing was changed" in str(finished.args[0])
    with sqlite3.connect(demo_db) as conn:
        assert conn.execute("SELECT count(*) FROM orders").fetchone()[0] == 600
    assert window.import_action.isEnabled()


def test_window_geometry_is_remembered(qtbot, demo_db):
    first = MainWindow(demo_db)
    qtbot.addWidget(first)
    first.show()
    width = first.minimumSizeHint().width()  # the offscreen screen is only 800 px wide
    first.resize(width, 700)
    first.splitter.setSizes([width // 2, width // 2])
    size, split = (first.width(), first.height()), first.splitter.sizes()
    first.close()
    second = MainWindow(demo_db)
    qtbot.addWidget(second)
    second.show()
    assert (second.width(), second.height()) == size == (width, 700)
    assert second.splitter.sizes() == split
    second.close()


def test_a_database_that_cannot_open_is_explained(qtbot, tmp_path):
    bogus = tmp_path / "bogus.sqlite3"
    bogus.write_bytes(b"this is not sqlite" * 200)
    win = MainWindow(str(bogus))
    qtbot.addWidget(win)
    win.show()
    assert not win.open_database()
    assert "is not a SellerDesk database" in win.message_box.text()
    assert not win.import_action.isEnabled()
    win.message_box.close()
    win.close()


def test_building_demo_data_from_an_empty_database(qtbot, sqlite_url):
    win = MainWindow(sqlite_url)
    qtbot.addWidget(win)
    win.show()
    assert win.open_database()
    assert win.count_label.text() == "0 orders"
    with qtbot.waitSignal(win.task_finished, timeout=30_000):
        win.build_demo(120)
    assert win.count_label.text() == "120 orders"
    box = win.filter_bar.marketplace_box
    assert {box.itemText(i) for i in range(1, box.count())} == {"US", "UK", "DE", "JP"}
    win.close()


def test_demo_data_is_refused_where_the_sellers_own_orders_are(qtbot, desk_window):
    desk_window.demo_action.trigger()
    assert desk_window.message_box.text().endswith(
        "holds your own records (1 orders), and demo data would mix made-up orders, issues "
        "and credits into them for good (ledger entries cannot be removed); build the demo "
        "in a file of its own: sellerdesk --db demo.sqlite3 demo")
    assert desk_window.message_box.icon() == QMessageBox.Icon.Warning
    desk_window.message_box.close()
    with qtbot.assertNotEmitted(desk_window.task_finished, wait=50):
        pass                                     # no size asked, nothing built
    assert desk_window.count_label.text() == "1 order"


def test_building_the_demo_again_says_it_is_there(qtbot, window):
    window.demo_action.trigger()
    assert window.message_box.text().startswith(
        f"The demo data is already in {window.database.location} (built ")
    assert window.message_box.text().endswith("nothing was added.")
    window.message_box.close()
    assert window.count_label.text() == "600 orders"


def test_a_damaged_database_is_refused_with_the_backup_to_restore(qtbot, tmp_path, capsys):
    from tests.helpers.damaged_desk import damage_orders_page, desk_with_backups, said
    db, good = desk_with_backups(tmp_path, capsys)
    damage_orders_page(db)
    win = MainWindow(str(db))
    qtbot.addWidget(win)
    win.show()
    assert not win.open_database()
    assert said(db, good).fullmatch(f"sellerdesk: {win.message_box.text()}\n")
    assert win.location_label.text() == "No database"
    assert not win.import_action.isEnabled()
    win.message_box.close()
    win.close()


def test_damaged_orders_found_while_painting_stay_blank_and_are_said(qtbot, tmp_path, capsys,
                                                                     monkeypatch):
    from sellerdesk.store import engine as engine_module
    from tests.helpers.damaged_desk import damage_orders_page, desk_with_backups, said
    db, good = desk_with_backups(tmp_path, capsys)
    damage_orders_page(db)
    monkeypatch.setattr(engine_module, "CHECK_WHOLE_UP_TO", 0)   # as a large file: its
    win = MainWindow(str(db))                                    # orders checked when read
    qtbot.addWidget(win)
    win.show()
    assert win.open_database()
    win.tabs.setCurrentIndex(ORDERS_TAB)      # the window opens on the Queue; a person looks
    win.orders_view.viewport().repaint()
    qtbot.waitUntil(lambda: win.message_box is not None and win.message_box.isVisible())
    assert said(db, good).fullmatch(f"sellerdesk: {win.message_box.text()}\n")
    assert win.orders_model.index(0, COL_ORDER_ID).data() is None     # no row half-read
    win.message_box.close()
    win.close()


def test_a_database_folder_that_cannot_be_created_is_explained(qtbot, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where a folder should be")
    win = MainWindow(str(blocker / "sub" / "desk.sqlite3"))
    qtbot.addWidget(win)
    win.show()
    assert not win.open_database()
    assert win.message_box.text() == (
        f"cannot create the database {blocker / 'sub' / 'desk.sqlite3'}: Not a directory")
    win.message_box.close()
    win.close()


def test_a_feedback_report_asks_its_marketplace_then_imports(qtbot, window, tmp_path):
    report = tmp_path / "feedback.txt"
    order = window.orders_model.index(0, COL_ORDER_ID).data()
    # The rating's date as Amazon.de writes it: the desk's day (the clock the import
    # checks "not in the future" against), never the machine's local calendar.
    report.write_text("Date\tRating\tComments\tYour Response\tOrder ID\tRater Email\n"
                      f"{now():%d.%m.%y}\t1\tZu spät\t\t{order}\t\n", encoding="cp1252")
    assert window.import_report(report) is None
    dialog = window.marketplace_dialog
    assert "Which marketplace is feedback.txt from?" in dialog.labelText()
    with qtbot.waitSignal(window.task_finished, timeout=20_000):
        dialog.setTextValue("DE — Amazon.de")
        dialog.accept()
    assert window.statusBar().currentMessage() == (
        "feedback.txt: 1 rating, 1 negative (1 new, 0 already recorded)")


def _close_question_buttons(box):
    """The question's buttons by their text, without the mnemonic's &."""
    return {b.text().replace("&", ""): b for b in box.buttons()}


@contextmanager
def write_lock_held_until_cancelled(path: str, task_of):
    """Another program holds the write lock, so the import is surely under way, until the
    import is cancelled: the window waits for the cancelled import as it closes, and the
    import would otherwise see the cancel only after the busy timeout (15 s)."""
    held, done = threading.Event(), threading.Event()

    def hold() -> None:
        with write_lock_held(path):
            held.set()
            while not done.is_set() and not (task_of() and task_of().was_cancelled):
                done.wait(0.01)       # the condition is the task's, read on this thread

    holder = threading.Thread(target=hold, daemon=True)
    holder.start()
    held.wait(10)
    try:
        yield
    finally:
        done.set()
        holder.join(10)


def test_closing_during_an_import_asks_and_escape_keeps_importing(qtbot, window, tmp_path,
                                                                  demo_db):
    report = write(tmp_path / "large.txt", [row(f"114-7777777-{n:07d}") for n in range(60_000)])
    started = []
    with (qtbot.waitSignal(window.task_finished, timeout=60_000),
          write_lock_held_until_cancelled(demo_db, lambda: started and started[0])):
        task = window.import_report(report)
        started.append(task)
        qtbot.waitUntil(window.progress_strip.isVisible)
        window.close()
        box = window.close_question
        assert box is not None
        assert box.isVisible()
        assert box.text() == ("Importing large.txt is under way. Cancel it and close, "
                              "or keep importing?")
        buttons = _close_question_buttons(box)
        assert set(buttons) == {"Keep importing", "Cancel it and close"}
        assert box.defaultButton() is buttons["Keep importing"]
        qtbot.keyClick(box, Qt.Key.Key_Escape)
        assert window.isVisible()
        assert not task.was_cancelled
        assert window.operations.task is task          # still importing
        window.close()                                  # asked again; this time: cancel
        qtbot.mouseClick(_close_question_buttons(window.close_question)["Cancel it and close"],
                         Qt.MouseButton.LeftButton)
        assert not window.isVisible()
    assert task.was_cancelled
    with sqlite3.connect(demo_db) as conn:
        assert conn.execute("SELECT count(*) FROM orders").fetchone()[0] == 600


def test_closing_during_a_backup_closes_the_window_when_it_is_done(qtbot, window, tmp_path):
    released = threading.Event()
    # A backup's own shape in the window's lane: shown, without steps, not cancellable.
    window.operations.start("Backing up to copy.sqlite3…", lambda _p, _c: released.wait(30),
                            shown=True, steps=False, cancellable=False, report=False)
    window.close()
    assert window.isVisible()
    assert window.close_question is None                # nothing to choose: it is said
    assert window.statusBar().currentMessage() == (
        "Backing up to copy.sqlite3 cannot be stopped halfway; SellerDesk closes when it "
        "is done.")
    released.set()
    qtbot.waitUntil(lambda: not window.isVisible())
    assert window.closed


def test_the_window_opens_on_the_queue_then_on_the_tab_left_open(qtbot, demo_db):
    from sellerdesk.ui.main_window import tab_name
    first = MainWindow(demo_db)
    qtbot.addWidget(first)
    first.show()
    assert first.open_database()
    assert tab_name(first.tabs.tabText(first.tabs.currentIndex())) == "Queue"
    urgent = first.work_tabs.urgent
    assert first.windowTitle() == (f"SellerDesk — {urgent} urgent" if urgent else "SellerDesk")
    first.tab_actions[4].trigger()                 # Ctrl+5: the Ledger
    first.close()
    again = MainWindow(demo_db)
    qtbot.addWidget(again)
    again.show()
    assert again.open_database()
    assert tab_name(again.tabs.tabText(again.tabs.currentIndex())) == "Ledger"
    again.close()


def test_edit_copy_puts_the_selected_order_id_on_the_clipboard(qtbot, window):
    window.tab_actions[0].trigger()                     # Ctrl+1: the orders
    index = window.orders_model.index(3, COL_ORDER_ID)
    qtbot.mouseClick(window.orders_view.viewport(), Qt.MouseButton.LeftButton,
                     pos=window.orders_view.visualRect(index).center())
    assert window.orders_view.hasFocus()
    window.copy_action.trigger()                        # Edit › Copy
    assert QGuiApplication.clipboard().text() == index.data()
    assert window.statusBar().currentMessage() == f"Copied “{index.data()}”"


@pytest.mark.qt_log_ignore("This plugin does not support (raise|grabbing)")  # a menu pops up
def test_an_order_s_right_click_menu_copies_and_offers_its_desk_actions(qtbot, window):
    window.tab_actions[0].trigger()
    view = window.orders_view
    index = window.orders_model.index(5, COL_MARKETPLACE)
    where = view.visualRect(index).center()
    QApplication.sendEvent(view.viewport(), QContextMenuEvent(
        QContextMenuEvent.Reason.Mouse, where, view.viewport().mapToGlobal(where)))
    menu = window.orders_menu.menu
    order_id = window.orders_model.index(5, COL_ORDER_ID).data()
    assert window.detail_view.order.order_id == order_id     # the row clicked is in hand
    texts = [a.text().replace("&", "") for a in menu.actions() if not a.isSeparator()]
    assert texts == ["Copy cell", "Copy row", "Copy order id", "New issue…", "Dispute packet…"]
    (copy_row,) = [a for a in menu.actions() if a.text() == "Copy &row"]
    copy_row.trigger()
    menu.close()
    cells = QGuiApplication.clipboard().text().split("\t")
    assert cells[0] == order_id
    assert cells[COL_MARKETPLACE] == index.data()
    assert len(cells) == window.orders_model.columnCount()


def drop_on(window, widget, paths):
    """Files dragged from the file manager and let go over `widget`: the events go to the
    window's native window, which hands them to the widget under the pointer that takes
    drops (or its nearest parent that does), as a real drag does."""
    from PySide6.QtCore import QMimeData, QPoint, QUrl
    from PySide6.QtGui import QDragEnterEvent, QDropEvent
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    where = widget.mapTo(window, QPoint(widget.width() // 2, widget.height() // 2))
    args = (where.toPointF(), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier)
    enter = QDragEnterEvent(where, *args[1:])
    QApplication.sendEvent(window.windowHandle(), enter)
    dropped = QDropEvent(*args)
    QApplication.sendEvent(window.windowHandle(), dropped)
    return enter, dropped


def test_a_report_dropped_on_the_window_is_imported(qtbot, window, tmp_path):
    report = write(tmp_path / "dropped orders.txt", [row("114-5555555-0000009", price="9.99")])
    window.tab_actions[0].trigger()
    with qtbot.waitSignal(window.task_finished, timeout=20_000):
        enter, dropped = drop_on(window, window.orders_view.viewport(), [report])
    assert enter.isAccepted()
    assert dropped.isAccepted()
    assert window.count_label.text() == "601 orders"
    assert window.statusBar().currentMessage() == ("dropped orders.txt: 1 row, 1 order added, "
                                                   "0 updated")


def test_a_file_dropped_that_is_no_report_is_told_so(qtbot, window, tmp_path):
    photo = tmp_path / "box.jpg"
    photo.write_bytes(b"\xff\xd8\xff" + b"p" * 4000)
    with qtbot.waitSignal(window.task_finished, timeout=20_000):
        drop_on(window, window.tabs.currentWidget(), [photo])
    assert window.message_box.icon() == QMessageBox.Icon.Warning
    assert window.message_box.text() == ("box.jpg: this is a JPEG image, not a "
                                         "tab-separated Seller Central report")
    window.message_box.close()
    assert window.count_label.text() == "600 orders"


def test_the_databases_path_gives_way_in_its_middle(qtbot, window, demo_db):
    """At 1366×768 (and more so at 150 %) the status bar has no room for a deep path: its
    start and the file's name stay in sight, the middle goes, and the tip has it all."""
    label = window.location_label
    window.resize(window.minimumSizeHint().width(), 600)
    qtbot.waitUntil(lambda: label.isVisible() and label.width() > 0)
    shown = label.shown_text()
    assert label.fontMetrics().horizontalAdvance(shown) <= label.contentsRect().width()
    if shown != demo_db:          # a short temporary folder may fit whole
        head, tail = shown.split("…")
        assert demo_db.startswith(head)
        assert demo_db.endswith(tail)
    assert label.mapTo(window, label.rect().topRight()).x() <= window.width()
    assert label.text() == demo_db
    assert label.toolTip() == "Database: " + demo_db


def test_no_two_things_in_sight_share_an_alt_key(qtbot, window):
    """Alt+letter is a keyboard user's way to a button: two in sight with the same letter
    only take turns at the focus, and neither is pressed (Alt+M went to 'Note message…'
    and did nothing, the Metrics tab having M too)."""
    import re

    from PySide6.QtWidgets import QAbstractButton, QLabel
    tabs = window.work_tabs
    tabs.show_issue(tabs.issues.model.records()[0].issue.issue_id)
    texts = [window.tabs.tabText(i) for i in range(window.tabs.count())]
    texts += [a.text() for a in window.menuBar().actions()]
    shown = [w for w in (*window.findChildren(QAbstractButton), *window.findChildren(QLabel))
             if w.isVisible() and (not isinstance(w, QLabel) or w.buddy() is not None)]
    texts += [w.text() for w in shown]
    letters = [m.group(1).lower() for text in texts
               for m in [re.search(r"(?<!&)&([^&\s])", text)] if m]
    doubled = {letter for letter in letters if letters.count(letter) > 1}
    assert not doubled, [t for t in texts if re.search(r"(?<!&)&([^&\s])", t)
                         and re.search(r"(?<!&)&([^&\s])", t).group(1).lower() in doubled]
