"""File › Watch a folder: a report saved into the folder is imported by itself, and one
that cannot be is moved aside with a message saying why; the choice survives a restart."""

from sellerdesk.ui.main_window import MainWindow
from tests.helpers.reports import FBA, fba, report, row, write
from tests.ui.conftest import ORDER


def test_a_report_saved_into_the_watched_folder_is_imported(qtbot, desk_window, tmp_path):
    inbox = tmp_path / "Downloads"
    inbox.mkdir()
    desk_window.watch_folder(inbox)
    assert desk_window.watch_action.isChecked()
    assert desk_window.watch_label.text() == "Watching “Downloads”"
    report(inbox / "FBA returns.txt", FBA, [fba(ORDER, "LPN1")])
    with qtbot.waitSignal(desk_window.task_finished, timeout=20_000):
        pass                                   # the watcher's own timer does the work
    assert desk_window.statusBar().currentMessage() == (
        "FBA returns.txt: 1 return (1 new, 0 imported before)")
    assert (inbox / "Imported" / "FBA returns.txt").exists()
    desk_window.show_order(ORDER)
    assert desk_window.detail_view.activity_rows()[0][1] == "Return"

    (inbox / "notes.txt").write_text("call the carrier\n")
    with qtbot.waitSignal(desk_window.task_finished, timeout=20_000):
        pass
    assert desk_window.message_box.text() == (
        "notes.txt was not imported: it is not a Seller Central report SellerDesk reads "
        "(moved to “Not imported”, with a note)")
    desk_window.message_box.close()


def test_the_watched_folder_is_remembered_and_can_be_stopped(qtbot, desk_window, tmp_path,
                                                             sqlite_url):
    inbox = tmp_path / "Reports"
    inbox.mkdir()
    desk_window.watch_folder(inbox)
    desk_window.close()
    again = MainWindow(sqlite_url)
    qtbot.addWidget(again)
    again.show()
    assert again.open_database()
    assert (again.watcher.folder, again.watch_action.isChecked()) == (inbox, True)
    again.watch_action.trigger()                 # unticked: stop watching
    assert (again.watcher.folder, again.watch_label.text()) == (None, "")
    write(inbox / "All Orders.txt", [row("114-0000000-0000077")])
    again.watcher.look()
    again.watcher.look()
    assert again.task is None
    assert (inbox / "All Orders.txt").exists()
    again.close()


def test_a_report_waits_while_a_dialog_that_saves_is_open(qtbot, desk_window, tmp_path):
    """The policy editor saves on the GUI thread: an import started behind it would make
    its Save wait, window frozen. The report waits for the editor to close instead."""
    inbox = tmp_path / "Downloads"
    inbox.mkdir()
    desk_window.watch_folder(inbox)
    editor = desk_window.edit_policy()
    assert editor.isVisible()
    write(inbox / "All Orders.txt", [row("114-0000000-0000077")])
    desk_window.watcher.look()
    desk_window.watcher.look()                  # unchanged since the look before: ready
    assert desk_window.task is None
    assert (inbox / "All Orders.txt").exists()
    editor.reject()
    with qtbot.waitSignal(desk_window.task_finished, timeout=20_000):
        desk_window.watcher.look()
    assert (inbox / "Imported" / "All Orders.txt").exists()
    assert desk_window.count_label.text() == "2 orders"
