import pytest

from sellerdesk.services.database import open_database
from sellerdesk.services.demo.build import build_demo
from sellerdesk.services.imports.orders import import_orders
from sellerdesk.ui.main_window import MainWindow
from tests.helpers.reports import row, write

ORDER = "114-3941689-8772232"


@pytest.fixture(autouse=True)
def sellerdesk_app(qapp):
    """The application as SellerDesk makes it (names, icon, the dialogs' remembered sizes),
    on pytest-qt's QApplication."""
    from sellerdesk.ui.app import make_app
    return make_app()


@pytest.fixture(autouse=True)
def no_housekeeping_by_itself(monkeypatch):
    """Housekeeping (purge, daily backup) runs a few seconds after a window opens; a test
    that takes that long must not see it arrive in the middle. Its tests start it."""
    monkeypatch.setattr("sellerdesk.ui.main_window.HOUSEKEEPING_DELAY_MS", 10**9)


@pytest.fixture(autouse=True)
def quick_undo(monkeypatch):
    """A credit's Undo window counts its five seconds in hundredths here: the same
    countdown, sooner over."""
    monkeypatch.setattr("sellerdesk.ui.dialogs.issue_dialog.TICK_MS", 10)


def confirm_credit(qtbot, dialog) -> str:
    """Click the dialog's give button, then the confirmation's deed; returns what the
    confirmation said."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QMessageBox
    qtbot.mouseClick(dialog.give_button, Qt.MouseButton.LeftButton)
    box = dialog.question
    assert isinstance(box, QMessageBox)
    assert box.isVisible()
    text = box.text()
    (yes,) = [b for b in box.buttons()
              if box.buttonRole(b) is QMessageBox.ButtonRole.AcceptRole]
    qtbot.mouseClick(yes, Qt.MouseButton.LeftButton)
    return text


def give_credit(qtbot, dialog) -> str:
    """Confirm the credit and wait for the countdown to write it."""
    with qtbot.waitSignal(dialog.issue_logged):
        return confirm_credit(qtbot, dialog)


@pytest.fixture
def demo_db(sqlite_url):
    with open_database(sqlite_url) as db:
        build_demo(db.engine, orders=600)
    return sqlite_url


@pytest.fixture
def window(qtbot, demo_db):
    win = MainWindow(demo_db)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    assert win.open_database()
    yield win
    win.close()


@pytest.fixture
def desk_window(qtbot, sqlite_url, tmp_path, monkeypatch):
    monkeypatch.setenv("SELLERDESK_STAFF", "Ana")
    report = write(tmp_path / "orders.txt", [
        row(ORDER, sku="BOOK", title="The Home Cook's Year", price="24.99", shipping="3.99"),
        row(ORDER, sku="MUG", title="Ceramic Mug", price="29.00", quantity=2)])
    with open_database(sqlite_url) as db:
        import_orders(db.engine, report)
    win = MainWindow(sqlite_url)
    qtbot.addWidget(win)
    win.show()
    assert win.open_database()
    win.show_order(ORDER)
    yield win
    win.close()
