import pytest

from sellerdesk.services.database import open_database
from sellerdesk.services.demo import build_demo
from sellerdesk.ui.main_window import MainWindow


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
