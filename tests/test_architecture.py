"""House rules that must break the build when they slip (STYLE.md)."""

import subprocess
import sys
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_the_import_contracts_hold():
    """pyproject.toml's import-linter contracts: ui → services → store → core; only ui
    imports PySide6; only services.amazon talks to Amazon; only the CLI and the window
    import services.demo; no import cycles; core has no SQL."""
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint_imports), "--no-cache"],
                            cwd=REPO, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 6 kept, 0 broken." in result.stdout


def test_a_cycle_hidden_in_a_function_breaks_the_house_contract(tmp_path):
    """The "no import cycles" contract, as pyproject.toml declares it, on a package whose
    one loop closes inside a function (as backups ↔ personal_data did): lint-imports
    must fail and name the import."""
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    [contract] = [c for c in config["tool"]["importlinter"]["contracts"]
                  if c["name"] == "no import cycles"]
    house = tmp_path / "house"
    (house / "rooms").mkdir(parents=True)
    for path, text in {"__init__.py": "", "rooms/__init__.py": "",
                       "rooms/backups.py": "from house.rooms import personal_data\n",
                       "rooms/personal_data.py": ("def purge():\n"
                                                  "    from house.rooms import backups\n")
                       }.items():
        (house / path).write_text(text, encoding="utf-8")
    kind = contract["type"]
    (tmp_path / "setup.toml").write_text(
        '[tool.importlinter]\nroot_package = "house"\n\n[[tool.importlinter.contracts]]\n'
        f'name = "no import cycles"\ntype = "{kind}"\nancestors = ["house"]\n',
        encoding="utf-8")
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint_imports), "--no-cache", "setup.toml"], cwd=tmp_path,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "No cycles are allowed in house.rooms." in result.stdout
    assert ".personal_data -> .backups" in result.stdout or \
        ".backups -> .personal_data" in result.stdout


def test_ruff_is_clean():
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "sellerdesk", "tests", "bench"],
                            cwd=REPO, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_cli_imports_no_qt():
    """Commands stay fast and work on machines without a display: no Qt unless a window."""
    code = ("import sys, sellerdesk.cli, sellerdesk.services.imports.orders; "
            "print([m for m in sys.modules if m.startswith('PySide6')])")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=60)
    assert result.stdout.strip() == "[]"
