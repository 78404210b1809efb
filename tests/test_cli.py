"""The command-line contract of PRODUCT.md §8: JSON shapes and exit codes."""

import json
import os
import subprocess
import sys

import pytest

from sellerdesk.cli import main
from tests.reports import row, write


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def report(tmp_path):
    return write(tmp_path / "orders.txt", [
        row("114-3941689-8772232", price="24.99", shipping="3.99"),
        row("114-3941689-8772232", sku="MUG-CER-12", asin="B08X9Y7Z6W", price="14.50"),
        row("503-0000000-0000001", channel="Amazon.co.jp", currency="JPY", price="3700",
            fulfilment="Merchant"),
    ])


def test_import_order_show_and_list_as_json(capsys, db_url, report):
    code, out, _ = run(capsys, "--db", db_url, "import", "orders", str(report), "--json")
    assert code == 0
    assert json.loads(out) == {"file": "orders.txt", "kind": "orders", "rows": 3,
                               "orders_added": 2, "orders_updated": 0, "skipped": []}

    code, out, _ = run(capsys, "order", "show", "114-3941689-8772232", "--db", db_url, "--json")
    assert code == 0
    assert json.loads(out) == {
        "order_id": "114-3941689-8772232", "marketplace": "US",
        "purchase_date": "2026-10-01T08:13:02Z", "status": "Shipped", "channel": "AFN",
        "currency": "USD", "total": "43.48",
        "items": [
            {"sku": "BK-COOK-01", "asin": "B0C1K2L3M4", "title": "The Home Cook's Year",
             "quantity": 1, "item_price": "24.99", "shipping_price": "3.99"},
            {"sku": "MUG-CER-12", "asin": "B08X9Y7Z6W", "title": "The Home Cook's Year",
             "quantity": 1, "item_price": "14.50", "shipping_price": "0.00"},
        ],
    }

    code, out, _ = run(capsys, "--db", db_url, "--json", "order", "list", "--search", "MUG")
    assert [o["order_id"] for o in json.loads(out)] == ["114-3941689-8772232"]
    code, out, _ = run(capsys, "--db", db_url, "order", "list", "--limit", "1")
    assert out.startswith("503-0000000-0000001  2026-10-01  JP  MFN  Shipped")
    assert "¥3,700" in out


def test_human_output_of_order_show(capsys, sqlite_url, report):
    run(capsys, "--db", sqlite_url, "import", "orders", str(report))
    code, out, _ = run(capsys, "--db", sqlite_url, "order", "show", "503-0000000-0000001")
    assert code == 0
    assert "Order 503-0000000-0000001  (JP, Seller (MFN), Shipped)" in out
    assert "Total ¥3,700" in out


def test_sellerdesk_db_environment_variable(capsys, sqlite_url, report, monkeypatch):
    monkeypatch.setenv("SELLERDESK_DB", sqlite_url)
    assert run(capsys, "import", "orders", str(report))[0] == 0
    _code, out, _ = run(capsys, "order", "list", "--json")
    assert len(json.loads(out)) == 2


def test_default_database_lives_in_the_user_data_folder(capsys, report, private_home):
    assert run(capsys, "import", "orders", str(report))[0] == 0
    assert (private_home / "data" / "SellerDesk" / "sellerdesk.sqlite3").exists()


def test_domain_errors_exit_1_with_one_line(capsys, sqlite_url, tmp_path):
    code, _, err = run(capsys, "--db", sqlite_url, "order", "show", "999-0000000-0000000")
    assert code == 1
    assert err == f"sellerdesk: no order '999-0000000-0000000' in {sqlite_url}\n"

    bad = write(tmp_path / "bad.txt", [row(quantity="many")])
    code, _, err = run(capsys, "--db", sqlite_url, "import", "orders", str(bad))
    assert code == 1
    assert err == ("sellerdesk: bad.txt, line 2, column 'quantity': 'many' is not a whole "
                   "number\n")


@pytest.mark.parametrize("argv", [
    ["import", "invoices", "x.txt"], ["order"], ["order", "list", "--limit", "0"],
    ["demo", "--orders", "lots"], ["import", "orders", "x.txt", "--marketplace", "XX"],
    ["no-such-command"],
])
def test_usage_errors_exit_2(capsys, argv):
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 2
    assert "usage: sellerdesk" in capsys.readouterr().err


def test_demo_builds_four_marketplaces(capsys, sqlite_url):
    code, out, _ = run(capsys, "--db", sqlite_url, "demo", "--orders", "300", "--no-gui", "--json")
    assert code == 0
    assert json.loads(out)["orders_added"] == 300
    code, out, _ = run(capsys, "--db", sqlite_url, "order", "list", "--limit", "300", "--json")
    orders = json.loads(out)
    assert {o["marketplace"] for o in orders} == {"US", "UK", "DE", "JP"}
    assert {o["currency"] for o in orders} == {"USD", "GBP", "EUR", "JPY"}
    assert {o["channel"] for o in orders} == {"AFN", "MFN"}


def test_the_installed_command_opens_the_window_in_smoke_mode(tmp_path, private_home):
    """The real entry point in a real process, as CI and the packaged app run it."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [sys.executable, "-m", "sellerdesk", "--db", str(tmp_path / "s.sqlite3"), "--smoke"],
        capture_output=True, text=True, timeout=120, env=env,
    )
    assert result.returncode == 0, result.stderr
    assert "smoke: window shown, database opened" in result.stderr


def test_smoke_mode_fails_on_a_database_it_cannot_open(tmp_path):
    bogus = tmp_path / "bogus.sqlite3"
    bogus.write_bytes(b"not a database at all" * 100)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run([sys.executable, "-m", "sellerdesk", "--db", str(bogus), "--smoke"],
                            capture_output=True, text=True, timeout=120, env=env)
    assert result.returncode == 1
    assert "is not a SellerDesk database" in result.stderr
