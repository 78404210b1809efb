"""What `sellerdesk` loads before it does anything: building the parser (every `--help`,
every command) and the bare command's way to the window import no services, store,
SQLAlchemy or SQLModel — each handler imports its own part when it runs. Counted in a
fresh process, where nothing else has imported them first."""

import sqlite3
import subprocess
import sys

import pytest

from sellerdesk.cli import main
from tests.helpers.reports import row, write

HEAVY = ("sqlalchemy", "sqlmodel", "alembic", "sellerdesk.services", "sellerdesk.store")

# Prints the heavy modules loaded once the parser is built and the arguments parsed.
PARSED = """
import sys
from sellerdesk.cli import build_parser
args = build_parser().parse_args(sys.argv[1:])
print(sorted({m for m in sys.modules for h in HEAVY if m == h or m.startswith(h + ".")}))
"""

# Runs `sellerdesk ARGV` as the installed command does, and at the moment the window's
# module is asked for prints the heavy modules loaded so far and ends the process: what
# the window itself loads is the window's business (ui), not the command line's.
UNTIL_THE_WINDOW = """
import os, sys
from importlib.abc import MetaPathFinder

class StopAtTheWindow(MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "sellerdesk.ui.app":
            print(sorted({m for m in sys.modules for h in HEAVY
                          if m == h or m.startswith(h + ".")}), flush=True)
            os._exit(0)
        return None

sys.meta_path.insert(0, StopAtTheWindow())
from sellerdesk.cli import main
main(sys.argv[1:])
print("the window was never asked for", flush=True)
"""


def loaded(code: str, *argv: str) -> str:
    result = subprocess.run([sys.executable, "-c", f"HEAVY = {HEAVY!r}\n{code}", *argv],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@pytest.mark.parametrize("argv", [[], ["order", "list", "--limit", "1", "--db", "x.sqlite3"],
                                  ["import", "orders", "x.txt"], ["team", "key", "--json"]])
def test_building_the_parser_loads_no_database_code(argv):
    assert loaded(PARSED, *argv) == "[]"


@pytest.mark.parametrize("argv", [[], ["--db", "desk.sqlite3"], ["--smoke"], ["gui"]])
def test_the_bare_command_goes_to_the_window_loading_no_database_code(argv, tmp_path):
    assert loaded(UNTIL_THE_WINDOW, *argv, "--db", str(tmp_path / "desk.sqlite3")) == "[]"


# Lists orders as `sellerdesk order list` does, then prints what of the heavy parts it
# loaded: a read of orders goes through the same store function as the window's table.
LISTED = """
import sys
from sellerdesk.cli import main
code = main(sys.argv[1:])
print(code, sorted({m for m in sys.modules for h in HEAVY if m == h or m.startswith(h + ".")}))
"""
NOT_FOR_A_LISTING = ("sqlmodel", "pydantic", "sqlalchemy.orm", "alembic", "keyring",
                     "cryptography", "reportlab", "PIL", "multiprocessing",
                     "sqlalchemy.dialects.postgresql", "sellerdesk.store.tables",
                     "sellerdesk.services.policies", "sellerdesk.services.protection")


def test_listing_orders_loads_neither_sqlmodel_nor_the_keyring(tmp_path, capsys):
    """The trivial command's start is nearly all imports (bench.command times it): it
    reads through Core, on a desk already at the newest schema, with no buyer data."""
    db, report = str(tmp_path / "desk.sqlite3"), tmp_path / "orders.txt"
    write(report, [row("114-3941689-8772232", price="24.99")])
    assert main(["--db", db, "import", "orders", str(report)]) == 0
    capsys.readouterr()
    result = subprocess.run(
        [sys.executable, "-c", f"HEAVY = {NOT_FOR_A_LISTING!r}\n{LISTED}",
         "order", "list", "--limit", "1", "--db", db],
        capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    listed, loaded = result.stdout.strip().splitlines()
    assert listed.startswith("114-3941689-8772232  ")
    assert loaded == "0 []"


# A large report is read in a second process: multiprocessing is the importer's own.
NOT_FOR_AN_IMPORT = tuple(m for m in NOT_FOR_A_LISTING if m != "multiprocessing")


def test_importing_orders_into_a_new_desk_loads_neither_sqlmodel_nor_the_keyring(tmp_path):
    """`sellerdesk import orders` into a new file: the schema is made from its statements,
    the shipped policy stored as version 1 through Core, and no key file asked for (an
    All Orders report names no buyer). What it would cost otherwise is the command's own
    start, most of a small import's time (bench.import_orders)."""
    db, report = tmp_path / "new.sqlite3", tmp_path / "orders.txt"
    write(report, [row("114-3941689-8772232", price="24.99")])
    result = subprocess.run(
        [sys.executable, "-c", f"HEAVY = {NOT_FOR_AN_IMPORT!r}\n{LISTED}",
         "import", "orders", str(report), "--db", str(db)],
        capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    said, loaded = result.stdout.strip().splitlines()
    assert said == "orders.txt: 1 row, 1 order added, 0 updated"
    assert loaded == "0 []"
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT id, created_by FROM policy_version").fetchall() == [
            (1, "SellerDesk")]
