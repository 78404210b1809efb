"""Start-up: the window is painted before SellerDesk's database code is even imported
(SQLAlchemy, SQLModel, the table classes, the importers, keyring and cryptography load
after it shows, while the database opens). Checked in a fresh interpreter, where nothing
else has imported them first."""

import json
import os
import subprocess
import sys

SHOWN_THEN_LISTED = r'''
import json, sys
from sellerdesk.ui.app import make_app
from sellerdesk.ui.main_window import MainWindow
app = make_app()
window = MainWindow(sys.argv[1])
window.show()
app.processEvents()
heavy = ("sqlalchemy", "sqlmodel", "alembic", "keyring", "cryptography", "reportlab",
         "openpyxl", "PIL", "sellerdesk.store", "sellerdesk.services.imports",
         "sellerdesk.services.protection", "sellerdesk.ui.views.work_tabs")
print(json.dumps({"title": window.windowTitle(), "visible": window.isVisible(),
                  "loaded": [name for name in heavy if name in sys.modules]}))
'''


def test_the_window_shows_before_the_database_code_is_imported(tmp_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "SELLERDESK_HOME": str(tmp_path)}
    out = subprocess.run([sys.executable, "-c", SHOWN_THEN_LISTED,
                          str(tmp_path / "desk.sqlite3")],
                         capture_output=True, text=True, env=env, check=True)
    shown = json.loads(out.stdout.splitlines()[-1])
    assert shown == {"title": "SellerDesk", "visible": True, "loaded": []}


def test_turning_the_event_loop_by_hand_keeps_none_alive(qapp):
    """PySide6 6.12.0 dropped a reference to None on every processEvents() and qWait():
    a desk (or a test session) that turned the loop a few thousand times died with
    "deallocating None". pyproject.toml keeps that release out; this checks the Qt
    actually installed."""
    from PySide6.QtTest import QTest
    before = sys.getrefcount(None)
    for _ in range(500):
        qapp.processEvents()
        QTest.qWait(0)
    assert sys.getrefcount(None) >= before - 50     # a few refs come and go; 1,000 did not
