"""What `sellerdesk` loads before it does anything: building the parser (every `--help`,
every command) and the bare command's way to the window import no services, store,
SQLAlchemy or SQLModel — each handler imports its own part when it runs. Counted in a
fresh process, where nothing else has imported them first."""

import subprocess
import sys

import pytest

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
