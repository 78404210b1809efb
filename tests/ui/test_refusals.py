"""A file the window refuses is refused in the command line's own sentence (#22): a
warning naming the file (and the line), and the database as it was."""

import os
import threading
from contextlib import contextmanager, suppress

from PySide6.QtWidgets import QMessageBox

from tests.helpers.reports import row, write


@contextmanager
def never_blocking(pipe):
    """A reader that opened `pipe` would wait for a writer for ever, and the window with
    it: after 30 s, each reader found waiting gets a writer that comes and goes (an empty
    file), so such a test fails instead of hanging. A working window never opens it."""
    stop = threading.Event()

    def unblock():
        if stop.wait(30):
            return
        while not stop.wait(0.5):
            with suppress(OSError):     # ENXIO: no reader waiting on it (yet)
                os.close(os.open(pipe, os.O_WRONLY | os.O_NONBLOCK))

    threading.Thread(target=unblock, daemon=True).start()
    try:
        yield pipe
    finally:
        stop.set()


def warning(window) -> str:
    box = window.message_box
    assert box.icon() == QMessageBox.Icon.Warning
    text = box.text()
    box.close()
    return text


def test_a_folder_or_named_pipe_chosen_for_import_is_refused(qtbot, window, tmp_path):
    pipe, folder = tmp_path / "pipe.txt", tmp_path / "folder.txt"
    os.mkfifo(pipe)
    folder.mkdir()
    with never_blocking(pipe):
        assert window.import_report(pipe) is None
    assert warning(window) == f"{pipe}: this is a named pipe (FIFO), not a file SellerDesk " \
                              "can read"
    assert window.import_report(folder) is None
    assert warning(window) == f"{folder}: this is a folder, not a file SellerDesk can read"
    assert window.count_label.text() == "600 orders"


def test_a_row_out_of_line_with_the_header_is_refused_on_its_line(qtbot, window, tmp_path):
    report = write(tmp_path / "shifted.txt", [row("114-5555555-0000001"),
                                              row("114-5555555-0000002")])
    lines = report.read_bytes().split(b"\r\n")
    lines[2] = lines[2].replace(b"\t", b"", 1)
    report.write_bytes(b"\r\n".join(lines))
    with qtbot.waitSignal(window.task_finished, timeout=20_000):
        window.import_report(report)
    assert warning(window) == ("shifted.txt, line 3: the row has 31 fields but the header has "
                               "32: a tab is missing, or the line was broken in two")
    assert window.count_label.text() == "600 orders"


def test_a_named_pipe_given_as_a_ledger_to_check(qtbot, window, tmp_path):
    pipe = tmp_path / "ledger.csv"
    os.mkfifo(pipe)
    with never_blocking(pipe), qtbot.waitSignal(window.task_finished, timeout=20_000):
        window.check_ledger(pipe)
    assert warning(window) == f"{pipe}: this is a named pipe (FIFO), not a file SellerDesk " \
                              "can read"
