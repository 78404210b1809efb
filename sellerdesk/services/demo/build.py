"""Building the demo: only into a new, empty database (made-up records mixed into a
seller's own could never be told apart again), marked as the demo first, then its orders
imported through the real importer and weeks of work, settlement, feedback and returns
added on top."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

from sqlalchemy.engine import Engine

from sellerdesk.core.errors import KnownError
from sellerdesk.services import clock
from sellerdesk.services.demo.orders import write_demo_report
from sellerdesk.services.demo.returns import add_demo_returns
from sellerdesk.services.demo.work import add_demo_feedback, add_demo_issues, add_demo_settlement
from sellerdesk.services.imports.orders import ImportResult, import_orders
from sellerdesk.store import settings as settings_store
from sellerdesk.store.engine import location, reading, writing
from sellerdesk.store.snapshots import records_held
from sellerdesk.store.team import team_login

DEMO_KEY = "demo.built"       # when the demo was built: this database is the demo
SEPARATE = "sellerdesk --db demo.sqlite3 demo"


class DemoRefused(KnownError):
    """The demo would mix made-up records with the seller's own, for good."""


class DemoAlreadyThere(KnownError):
    """The database is the demo already: nothing is added twice."""


def check_demo_target(engine: Engine) -> None:
    """Demo data goes only into a new, empty database: made-up orders, issues and credits
    in a seller's own database could never be told apart again, and ledger entries
    cannot be removed. A database the demo was built in is said to be one."""
    with reading(engine) as conn:
        if team_login(conn) is not None:
            raise DemoRefused("the demo makes up colleagues and their work, which a team "
                              "database cannot hold (there, who did what is the login); try "
                              f"it on a file of its own: {SEPARATE}")
        built = settings_store.setting(conn, key=DEMO_KEY)
        held = records_held(conn)
    where = location(engine)
    if built and held:         # (a demo cancelled before its orders landed left none)
        raise DemoAlreadyThere(f"The demo data is already in {where} (built {built[:10]}); "
                               "nothing was added.")
    if held:
        what = ", ".join(f"{n:,} {name}" for name, n in held.items())
        raise DemoRefused(f"{where} holds your own records ({what}), and demo data would mix "
                          "made-up orders, issues and credits into them for good (ledger "
                          "entries cannot be removed); build the demo in a file of its own: "
                          f"{SEPARATE}")


def build_demo(engine: Engine, *, orders: int = 2_000,
               progress: Callable[[float, str], None] | None = None,
               cancelled: Callable[[], bool] | None = None) -> ImportResult:
    check_demo_target(engine)
    with writing(engine) as conn:     # first: a demo cut short is still known as the demo
        at = clock.now()
        settings_store.put_setting(conn, key=DEMO_KEY, value=at.isoformat(), by="demo", now=at)
    with tempfile.TemporaryDirectory(prefix="sellerdesk-demo-") as folder:
        report = write_demo_report(Path(folder) / "All Orders demo.txt", orders)
        result = import_orders(engine, report, progress=progress, cancelled=cancelled)
        add_demo_feedback(engine, Path(folder))
        add_demo_issues(engine, orders)
        add_demo_settlement(engine, Path(folder))
        add_demo_returns(engine, Path(folder))
    return result
