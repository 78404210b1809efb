"""A trivial command, process start to exit: `sellerdesk order list --limit 1` on the
database of 400,000 orders, beside a baseline measured in the same run — a `python -c`
that opens the same file with sqlite3 and prints the same newest order (process start
included). Also `sellerdesk --version` (the interpreter and the parser, no database)
beside `python -c pass`, and `python -c "import sqlalchemy"`: the floor of any read that
goes through SQLAlchemy, as SellerDesk's reads do.

Target (issue #23): ≤ 250 ms for the listing. Each figure is the median of 7 rounds
(quick: 3), each round running every command once in turn, after one round to warm the
file cache. Full mode takes about 10 s, quick about 5 s (building the 400,000-order
database the first time takes longer).
Run: python -m bench.command [--quick] [--runs N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

from bench.data import database_with_orders
from bench.table import Row, markdown_table

ORDERS = 400_000

# The same row `order list --limit 1` prints: the newest order, by the same index.
SQLITE_FLOOR = r'''
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1])
print(conn.execute("SELECT order_id, purchase_date, marketplace, channel, status, "
                   "total_minor, currency, first_title FROM orders "
                   "ORDER BY purchase_date DESC, order_id DESC LIMIT 1").fetchone())
'''


def medians_ms(commands: dict[str, list[str]], runs: int,
               env: dict[str, str]) -> dict[str, tuple[float, str]]:
    """Each command's median wall time over `runs` rounds, process start to exit, and
    what its last run printed (checked by the caller, so that a failing command is not
    timed as a fast one). A round runs every command once, in turn, so a busy moment on
    the machine weighs on them alike; one round first warms the file cache."""
    times: dict[str, list[float]] = {name: [] for name in commands}
    printed: dict[str, str] = {}
    for round_ in range(runs + 1):
        for name, argv in commands.items():
            start = time.perf_counter()
            done = subprocess.run(argv, capture_output=True, text=True, env=env, check=True)
            if round_:
                times[name].append(time.perf_counter() - start)
            printed[name] = done.stdout
    return {name: (statistics.median(times[name]) * 1000, printed[name]) for name in commands}


def measure(quick: bool, *, runs: int | None = None) -> list[Row]:
    runs = runs or (3 if quick else 7)
    db = str(database_with_orders(ORDERS))
    python = sys.executable
    with tempfile.TemporaryDirectory(prefix="sdbench-") as home:
        # SELLERDESK_HOME: the command sees none of this computer's settings or team.
        env = {**os.environ, "SELLERDESK_HOME": home}
        env.pop("SELLERDESK_DB", None)
        # As installed (pip compiles on install, the bundle ships bytecode), SellerDesk's
        # modules start from their cached bytecode: a shell that forbids writing it would
        # time compiling some forty modules from source at every start instead. The
        # warm-up round writes the cache.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        timed = medians_ms({
            "listing": [python, "-m", "sellerdesk", "--db", db, "order", "list", "--limit", "1"],
            "floor": [python, "-c", SQLITE_FLOOR, db],
            "version": [python, "-m", "sellerdesk", "--version"],
            "bare": [python, "-c", "pass"],
            "alchemy": [python, "-c", "import sqlalchemy"],
        }, runs, env)
    (listing, listed), (floor, row) = timed["listing"], timed["floor"]
    (version, said), bare, alchemy = timed["version"], timed["bare"][0], timed["alchemy"][0]
    newest = row.strip().split("'")[1]
    if not listed.startswith(newest + "  ") or not said.startswith("sellerdesk "):
        raise SystemExit(f"unexpected output: {listed!r} (sqlite3: {row!r}), {said!r}")
    return [
        Row(f"`sellerdesk order list --limit 1`, {ORDERS:,} orders, process start → exit",
            f"{listing:.0f} ms vs {floor:.0f} ms floor (`python -c` + sqlite3, the same row) "
            f"= **{listing / floor:.1f}×**, median of {runs}; `import sqlalchemy` alone: "
            f"{alchemy:.0f} ms", "≤ 250 ms"),
        Row("`sellerdesk --version`, process start → exit (the parser, no database)",
            f"{version:.0f} ms (`python -c pass`: {bare:.0f} ms), median of {runs}"),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="3 runs each, not 7")
    parser.add_argument("--runs", type=int, help="median of this many runs each")
    args = parser.parse_args()
    print(markdown_table(measure(args.quick, runs=args.runs)))


if __name__ == "__main__":
    main()
