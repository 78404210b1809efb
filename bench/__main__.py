"""Every benchmark, one table: `python -m bench` runs each module's measure() and prints
one markdown table (measure | result | target), each result beside its baseline measured
in the same run. `--write-readme` puts that table in README.md's "Performance" section,
between its bench:start and bench:end markers.

`--quick` runs the lot on smaller data with fewer runs (each row says the size it used)
in under 2 minutes on the 2-core development machine (40 s when measured); full mode
takes about 4 minutes, longer the first time, when it builds its databases of orders.
Each module runs in a process of its own, as `python -m bench.NAME` would: one leaves
no Qt application, keyring or environment behind for the next.
Run: python -m bench [--quick] [--only NAME ...] [--write-readme]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.table import Row, markdown_table

MODULES = ("startup", "orders_list", "command", "import_orders", "import_reports", "suggest",
           "metrics", "queue", "export", "team", "mail", "consistency", "backtest")
README = Path(__file__).resolve().parents[1] / "README.md"
START, END = "<!-- bench:start -->", "<!-- bench:end -->"

_RUN_ONE = r'''
import json, sys
from importlib import import_module
rows = import_module("bench." + sys.argv[1]).measure(sys.argv[2] == "quick")
with open(sys.argv[3], "w", encoding="utf-8") as out:
    json.dump([[r.measure, r.result, r.target] for r in rows], out)
'''


def measure_module(name: str, quick: bool) -> list[Row]:
    """One module's rows, measured in a process of its own."""
    with tempfile.TemporaryDirectory(prefix="sdbench-") as folder:
        found = Path(folder) / "rows.json"
        subprocess.run([sys.executable, "-c", _RUN_ONE, name, "quick" if quick else "full",
                        str(found)], check=True, cwd=README.parent)
        return [Row(*row) for row in json.loads(found.read_text(encoding="utf-8"))]


def with_table(readme: str, table: str) -> str:
    """The README's text with the table between the markers replaced."""
    start, end = readme.find(START), readme.find(END)
    if start < 0 or end < start:
        raise SystemExit(f"README.md has no {START} … {END} markers around its table")
    return readme[:start + len(START)] + "\n" + table + "\n" + readme[end:]


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true",
                        help="smaller data and fewer runs: under 2 minutes in all")
    parser.add_argument("--only", nargs="+", choices=MODULES, metavar="NAME",
                        help=f"these modules only ({', '.join(MODULES)})")
    parser.add_argument("--write-readme", action="store_true",
                        help="also put the table in README.md between its markers")
    args = parser.parse_args()
    names = args.only or MODULES
    rows: list[Row] = []
    failed: list[str] = []
    began = time.perf_counter()
    for name in names:
        started = time.perf_counter()
        try:
            rows += measure_module(name, args.quick)
        except subprocess.CalledProcessError:
            failed.append(name)     # its traceback is on stderr; the others still run
        print(f"bench.{name}: {time.perf_counter() - started:.0f} s", file=sys.stderr)
    print(f"all: {time.perf_counter() - began:.0f} s", file=sys.stderr)
    table = markdown_table(rows)
    print(table)
    if failed:
        # A table with rows missing is not the README's table.
        raise SystemExit(f"failed: {', '.join(f'bench.{name}' for name in failed)}"
                         + ("; README.md left as it was" if args.write_readme else ""))
    if args.write_readme:
        README.write_text(with_table(README.read_text(encoding="utf-8"), table),
                          encoding="utf-8")
        print(f"wrote the table into {README}", file=sys.stderr)


if __name__ == "__main__":
    main()
