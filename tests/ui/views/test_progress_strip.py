"""The status bar's strip says what a file import is doing: its name, the rows, their
pace and the time left, measured on a clock the test moves (never the real one), and
said a few times a second at most."""

import threading

from sellerdesk.core.pace import RowsRead
from sellerdesk.ui.operations import Operations
from sellerdesk.ui.operations.imports import import_report
from sellerdesk.ui.views.progress_strip import ProgressStrip
from tests.helpers.reports import row, write

ROWS_IN_ALL = 120_000


class Clock:
    def __init__(self) -> None:
        self.now = 5_000.0

    def __call__(self) -> float:
        return self.now


def test_an_import_says_its_rows_their_pace_and_the_time_left(qtbot):
    operations, clock = Operations(), Clock()
    strip = ProgressStrip(operations, clock=clock)
    qtbot.addWidget(strip)
    reports = [(0.0, 0)] + [(t / 10, round(t / 10 * 31_000)) for t in range(1, 16)]
    turn = threading.Semaphore(0)

    def work(progress, _cancelled):      # a reader's reports, one when the test says
        for _, rows in reports:
            turn.acquire(timeout=10)
            progress(rows / ROWS_IN_ALL, RowsRead(rows, f"{rows:,} rows read"))
    operations.start("Importing orders-2026-11.txt…", work, shown=True, report=False)
    said = []
    for at, rows in reports:
        clock.now = 5_000.0 + at
        turn.release()
        qtbot.waitUntil(lambda rows=rows: strip.pace.reading().rows == rows)
        said.append(strip.label.toolTip())
    qtbot.waitUntil(lambda: operations.task is None)
    assert said[0] == "Importing orders-2026-11.txt — 0 rows"
    # Reports every tenth of a second, said at most every quarter: the same line a while.
    assert said[1] == said[2] == said[0]
    assert said[3] == said[4] == said[5] == "Importing orders-2026-11.txt — 9,300 rows"
    assert said[-1] == ("Importing orders-2026-11.txt — 46,500 of about 120,000 rows · "
                        "31,000 rows/s · about 3 s left")

def test_a_real_import_hands_its_row_count_to_the_strip(qtbot, sqlite_database, tmp_path):
    operations, clock = Operations(), Clock()
    strip = ProgressStrip(operations, clock=clock)
    qtbot.addWidget(strip)
    report = write(tmp_path / "orders-2026-11.txt", [row("114-0000000-0000042"),
                                                     row("114-0000000-0000043")])
    import_report(operations, sqlite_database.engine, report, kind="orders",
                  marketplace=None)
    qtbot.waitUntil(lambda: operations.task is None, timeout=20_000)
    assert strip.label.toolTip() == "Importing orders-2026-11.txt — 2 rows"
