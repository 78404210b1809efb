"""The README's and the manual's screenshots, made again the same way each time:

    python -m sellerdesk.ui.screenshots OUTDIR

builds the demo desk (`sellerdesk demo`'s own build_demo) in a scratch folder with the
process's clock held still at one moment, opens the real window at 1366×768 and at 150 %
scaling (1920×1080 at QT_SCALE_FACTOR=1.5, one child process each: the factor is read
once, when Qt starts), in the light palette and a dark one, puts each tab in a state
worth showing (the Queue with its first item chosen, an issue open, the Metrics) and saves
window.grab() as queue-1366-light.png, queue-150-dark.png, … Run it on a real display
server (Xvfb and a window manager will do), not the offscreen platform: that one has no
fonts of its own to match a desktop's.

The clock is held with time-machine (a test dependency: pip install -e '.[test]'), not
services.clock.pinned: that pin holds only the thread that sets it, and the window reads
the time on worker threads too (the issues' ages, the reply clocks), so a demo built on a
pinned clock would be read against today's."""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtWidgets import QApplication

from sellerdesk.ui.formatting import dark_palette

# The moment the demo desk lives in: its orders, clocks and metrics are read against it.
MOMENT = datetime(2026, 3, 2, 14, 30)
DEMO_ORDERS = 2_000                 # as `sellerdesk demo` builds it
STAFF = "Olivia Owner"              # the demo's owner: she decides the approvals too
# name in the file → (window's size in logical pixels, QT_SCALE_FACTOR)
SIZES = {"1366": ((1366, 768), "1"), "150": ((1280, 720), "1.5")}
THEMES = ("light", "dark")
WAIT_SECONDS = 60

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sellerdesk.ui.screenshots",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--size", choices=SIZES, help=argparse.SUPPRESS)   # the child's
    args = parser.parse_args(argv)
    args.outdir.mkdir(parents=True, exist_ok=True)
    if args.size:
        return shoot(args.outdir, args.size)
    for size, (_, factor) in SIZES.items():
        # Same zone and language every time: the clocks' words and dates are then the same.
        env = {**os.environ, "QT_SCALE_FACTOR": factor, "TZ": "UTC", "LANG": "en_US.UTF-8",
               "LANGUAGE": "en_US"}
        done = subprocess.run([sys.executable, "-m", "sellerdesk.ui.screenshots",
                               str(args.outdir), "--size", size], env=env, check=False)
        if done.returncode:
            return done.returncode
    for png in sorted(args.outdir.glob("*.png")):
        print(png)
    return 0


def shoot(outdir: Path, size: str) -> int:
    """One scale's shots, light and dark, from a demo desk built for them."""
    from sellerdesk.services import paths
    try:
        import time_machine
    except ImportError:
        raise SystemExit("the screenshots hold the clock still with time-machine: "
                         "pip install -e '.[test]'") from None

    # A scratch home with a fixed name: the status bar names the database's path.
    home = Path(tempfile.gettempdir()) / "sellerdesk-screenshots"
    shutil.rmtree(home, ignore_errors=True)
    os.environ[paths.HOME_ENV] = str(home)
    os.environ["SELLERDESK_STAFF"] = STAFF
    _keep_secrets_in_memory()
    from sellerdesk.ui.app import make_app
    app = make_app()
    app.setStyle("Fusion")              # the same look on every machine
    light = app.palette()
    # Still, not ticking: every shot reads the same minute ("22 h 04 min left").
    with time_machine.travel(MOMENT.replace(tzinfo=UTC).timestamp(), tick=False):
        database = _build_demo(home)
        for theme in THEMES:
            app.setPalette(dark_palette() if theme == "dark" else light)
            _shoot_window(app, database, outdir, f"{size}-{theme}", SIZES[size][0])
    return 0


def _build_demo(home: Path) -> str:
    from sellerdesk.services.database import open_database
    from sellerdesk.services.demo.build import build_demo
    database = str(home / "demo.sqlite3")
    with open_database(database) as db:
        build_demo(db.engine, orders=DEMO_ORDERS)
    return database


def _shoot_window(app: QApplication, database: str, outdir: Path, suffix: str,
                  size: tuple[int, int]) -> None:
    from sellerdesk.ui import main_window
    from sellerdesk.ui.views.work_tabs import (
        APPROVALS_TAB,
        ISSUES_TAB,
        LEDGER_TAB,
        METRICS_TAB,
        ORDERS_TAB,
        QUEUE_TAB,
    )
    # Housekeeping's backup would say so in the status bar halfway through the shots.
    main_window.HOUSEKEEPING_DELAY_MS = 10**9
    window = main_window.MainWindow(database)
    window.resize(*size)
    window.show()
    _wait(app, window.isVisible)
    if not window.open_database():
        raise SystemExit(f"cannot open the demo desk in {database}")
    tabs = window.work_tabs
    _wait(app, lambda: tabs is not None and tabs.queue.model.rowCount() > 0)
    _take_the_desk(app, window)
    queue = tabs.queue
    # The first item someone is working on: a real issue (the demo's first one is only
    # "Demo desk opened"), on an order with its items.
    row = next((r for r in range(queue.model.rowCount()) if _assigned(queue, r)), 0)
    queue.table.selectRow(row)
    first = queue.selected()

    def show_queue() -> None:
        window.tabs.setCurrentIndex(QUEUE_TAB)
        queue.table.selectRow(row)
        queue.table.setFocus()

    def show_orders() -> None:
        window.tabs.setCurrentIndex(ORDERS_TAB)
        if first is not None:
            window.show_order(first.order_id)

    def show_issue() -> None:
        window.tabs.setCurrentIndex(ISSUES_TAB)
        if first is not None and first.issue_id is not None:
            tabs.show_issue(first.issue_id)

    def show_metrics() -> None:
        window.tabs.setCurrentIndex(METRICS_TAB)
        if tabs.metrics.board is None:
            tabs.metrics.refresh()
        window.tabs.tabBar().setFocus()     # not the date field, all selected

    shots: dict[str, Callable[[], None]] = {
        "queue": show_queue, "orders": show_orders, "issues": show_issue,
        "approvals": lambda: window.tabs.setCurrentIndex(APPROVALS_TAB),
        "ledger": lambda: window.tabs.setCurrentIndex(LEDGER_TAB),
        "metrics": show_metrics}
    for name, arrange in shots.items():
        arrange()
        _settle(app)
        path = outdir / f"{name}-{suffix}.png"
        if not window.grab().save(str(path), "PNG"):
            raise SystemExit(f"cannot write {path}")
        _shrink(path)
    _shoot_policy_lab(app, window, outdir, suffix)
    window.close()
    _settle(app)


def _shoot_policy_lab(app: QApplication, window, outdir: Path,  # type: ignore[no-untyped-def]
                      suffix: str) -> None:
    """The policy editor's Backtest tab with damaged items raised from 30 % to 60 %: what
    the last 90 days would have cost, and the approvals it would have needed."""
    editor = window.work_tabs.edit_policy(None)
    editor.text_edit.setPlainText(
        editor.text_edit.toPlainText().replace("percent = 30", "percent = 60", 1))
    editor.pages.setCurrentWidget(editor.backtest)
    panel = editor.backtest
    _wait(app, lambda: panel.result is not None and not panel.running()
          and _draft_differs(panel.result))
    _settle(app)
    path = outdir / f"policy-lab-{suffix}.png"
    if not editor.grab().save(str(path), "PNG"):
        raise SystemExit(f"cannot write {path}")
    _shrink(path)
    editor.done(0)
    _settle(app)


def _draft_differs(result) -> bool:  # type: ignore[no-untyped-def]
    """The replay of the edited text has come in (not the first one, of the text as it
    was): its draft column differs from the policy then somewhere."""
    return any(costs.draft != costs.then for costs in result.totals.values())


def _take_the_desk(app: QApplication, window) -> None:  # type: ignore[no-untyped-def]
    """The owner picks herself in At the desk and gives her PIN, as she would."""
    from sellerdesk.services.demo.work import DEMO_PIN
    desk = window.at_desk_box
    desk.box.setCurrentText(STAFF)
    if desk.pin_dialog is not None and desk.name != STAFF:
        desk.pin_dialog.pin_edit.setText(DEMO_PIN)
        desk.pin_dialog.ok_button.click()
    _wait(app, lambda: desk.name == STAFF)
    window.work_tabs.refresh()


def _assigned(queue, row: int) -> bool:  # type: ignore[no-untyped-def]
    queue.table.selectRow(row)
    item = queue.selected()
    return item is not None and item.issue_id is not None and bool(item.assignee)


def _wait(app: QApplication, ready: Callable[[], bool]) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not ready():
        if time.monotonic() > deadline:
            raise SystemExit("the window did not get ready in time")
        app.processEvents()
        time.sleep(0.02)


def _settle(app: QApplication) -> None:
    """Let layouts, lazy models and repaints finish: events until none are left twice."""
    for _ in range(5):
        app.processEvents()
        app.sendPostedEvents()
        time.sleep(0.05)


def _shrink(path: Path) -> None:
    """Screenshots are flat colours and text: 256 colours hold them, at a fraction of the
    size (Pillow comes with reportlab)."""
    from PIL import Image
    with Image.open(path) as image:
        small = image.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT,
                                              dither=Image.Dither.NONE)
    small.save(path, optimize=True)


def _keep_secrets_in_memory() -> None:
    """The shots show a desk whose keyring works: a scratch one in memory, whatever this
    machine has (a server often has none, and its warning is no part of the tour)."""
    import keyring
    from keyring.backend import KeyringBackend

    class ScratchKeyring(KeyringBackend):
        priority = 1  # type: ignore[assignment]

        def __init__(self) -> None:
            super().__init__()
            self.held: dict[tuple[str, str], str] = {}

        def get_password(self, service: str, username: str) -> str | None:
            return self.held.get((service, username))

        def set_password(self, service: str, username: str, password: str) -> None:
            self.held[(service, username)] = password

        def delete_password(self, service: str, username: str) -> None:
            self.held.pop((service, username), None)

    keyring.set_keyring(ScratchKeyring())


if __name__ == "__main__":
    sys.exit(main())
