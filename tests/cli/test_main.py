"""The command-line contract of PRODUCT.md §8: JSON shapes and exit codes."""

import json
import os
import subprocess
import sys
import threading
from datetime import UTC, datetime

import pytest
import time_machine

from sellerdesk.cli import main
from tests.helpers.reports import row, write


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
    assert (private_home / "sellerdesk" / "data" / "sellerdesk.sqlite3").exists()


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


def test_demo_data_goes_only_into_a_new_database(capsys, sqlite_url, report):
    run(capsys, "--db", sqlite_url, "import", "orders", str(report))
    code, out, err = run(capsys, "--db", sqlite_url, "demo", "--orders", "30", "--no-gui")
    assert (code, out) == (1, "")
    assert err == (f"sellerdesk: {sqlite_url} holds your own records (2 orders), and demo "
                   "data would mix made-up orders, issues and credits into them for good "
                   "(ledger entries cannot be removed); build the demo in a file of its own: "
                   "sellerdesk --db demo.sqlite3 demo\n")
    _code, out, _ = run(capsys, "--db", sqlite_url, "order", "list", "--json")
    assert len(json.loads(out)) == 2


def test_the_demo_run_again_says_it_is_there(capsys, private_home):
    assert run(capsys, "demo", "--orders", "30", "--no-gui")[0] == 0      # the default file
    code, out, err = run(capsys, "demo", "--orders", "30", "--no-gui")
    default = private_home / "sellerdesk" / "data" / "sellerdesk.sqlite3"
    assert (code, err) == (0, "")
    assert out.startswith(f"The demo data is already in {default} (built ")
    assert out.endswith("nothing was added. Open it with: sellerdesk\n")
    _code, out, _ = run(capsys, "order", "list", "--limit", "100", "--json")
    assert len(json.loads(out)) == 30


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


def test_issue_suggest_credit_reverse_and_verify(capsys, db_url, report, monkeypatch):
    monkeypatch.setenv("SELLERDESK_STAFF", "Ana")
    run(capsys, "--db", db_url, "import", "orders", str(report))
    code, out, _ = run(capsys, "--db", db_url, "issue", "add", "114-3941689-8772232",
                       "--type", "damaged", "--items", "BK-COOK-01:1", "--json")
    assert (code, json.loads(out)) == (0, {"issue_id": 1, "order_id": "114-3941689-8772232",
                                           "type": "damaged", "severity": "moderate",
                                           "status": "open"})
    code, out, _ = run(capsys, "--db", db_url, "issue", "list", "--status", "open", "--json")
    listed = json.loads(out)[0]
    assert (listed["issue_id"], listed["assignee"], listed["buyer_response"]) == (1, None, None)
    assert listed["reply_due_at"].endswith("Z")
    code, out, _ = run(capsys, "--db", db_url, "issue", "list")
    assert out.rstrip().endswith("min left")   # the 24 hours to reply have just begun
    code, out, _ = run(capsys, "--db", db_url, "suggest", "1", "--json")
    suggestion = json.loads(out)
    assert (suggestion["amount"], suggestion["currency"], suggestion["explanation"]) == (
        "7.50", "USD", ["damaged: 30 % of 1 × 24.99 = 7.50"])
    code, out, _ = run(capsys, "--db", db_url, "credit", "issue", "1", "--json")
    credit = json.loads(out)
    assert (credit["credit_id"], credit["amount"], credit["currency"]) == (1, "7.50", "USD")
    assert len(credit["entry_hash"]) == 64
    code, out, _ = run(capsys, "--db", db_url, "credit", "reverse", "1", "--reason",
                       "duplicate", "--json")
    assert json.loads(out)["amount"] == "-7.50"
    code, out, _ = run(capsys, "--db", db_url, "verify")
    assert (code, out) == (0, "ledger intact: 2 entries, every hash matches\n")


def test_desk_errors_exit_1(capsys, sqlite_url, report):
    run(capsys, "--db", sqlite_url, "import", "orders", str(report))
    code, _, err = run(capsys, "--db", sqlite_url, "suggest", "7")
    assert (code, err) == (1, "sellerdesk: no issue 7\n")
    code, _, err = run(capsys, "--db", sqlite_url, "issue", "add", "114-3941689-8772232",
                       "--type", "damaged", "--items", "BK-COOK-01:x")
    assert (code, err) == (1, "sellerdesk: --items: 'BK-COOK-01:x': 'x' is not a whole number\n")
    run(capsys, "--db", sqlite_url, "issue", "add", "114-3941689-8772232", "--type", "damaged")
    code, _, err = run(capsys, "--db", sqlite_url, "credit", "issue", "1", "--amount", "1.234")
    assert code == 1
    assert "has more decimals than USD allows" in err


def test_policy_show_import_export(capsys, sqlite_url, tmp_path):
    code, out, _ = run(capsys, "--db", sqlite_url, "policy", "show")
    assert out.startswith("# policy version 1\n# Courtesy-credit policy")
    exported = tmp_path / "mine.toml"
    assert run(capsys, "--db", sqlite_url, "policy", "export", str(exported))[0] == 0
    exported.write_text(exported.read_text().replace("percent = 30", "percent = 35"))
    code, out, _ = run(capsys, "--db", sqlite_url, "policy", "import", str(exported), "--json")
    assert (code, json.loads(out)["version"]) == (0, 2)
    broken = tmp_path / "broken.toml"
    broken.write_text("[rules.damaged]\npercentt = 30\n")
    code, _, err = run(capsys, "--db", sqlite_url, "policy", "import", str(broken))
    assert code == 1
    assert err.startswith("sellerdesk: broken.toml, line 2, column 'rules.damaged.percentt': "
                          "unknown key 'percentt'")
    assert json.loads(run(capsys, "--db", sqlite_url, "policy", "show", "--json")[1])[
        "version"] == 2


def test_policy_import_refuses_an_emptied_policy(capsys, sqlite_url, tmp_path):
    empty = tmp_path / "empty.toml"
    empty.write_text("# everything deleted\n")
    code, _, err = run(capsys, "--db", sqlite_url, "policy", "import", str(empty))
    assert code == 1
    assert err.startswith("sellerdesk: empty.toml, column 'severity': is missing; the policy "
                          "needs a [severity] table")
    no_limits = tmp_path / "no-limits.toml"
    run(capsys, "--db", sqlite_url, "policy", "export", str(no_limits))
    text = no_limits.read_text()
    no_limits.write_text(text[:text.index("\n[limits]")] + text[text.index("\n[guards]"):])
    code, _, err = run(capsys, "--db", sqlite_url, "policy", "import", str(no_limits))
    assert code == 1
    assert err.startswith("sellerdesk: no-limits.toml, column 'limits': is missing or empty")
    assert json.loads(run(capsys, "--db", sqlite_url, "policy", "history", "--json")[1])[0][
        "version"] == 1


def test_policy_history_diff_and_restore(capsys, sqlite_url, tmp_path):
    mine = tmp_path / "mine.toml"
    run(capsys, "--db", sqlite_url, "policy", "export", str(mine))
    mine.write_text(mine.read_text().replace("percent = 30", "percent = 35"))
    with time_machine.travel(datetime(2026, 3, 1, 12, tzinfo=UTC), tick=False):
        run(capsys, "--db", sqlite_url, "policy", "import", str(mine), "--staff", "Ana")
    with time_machine.travel(datetime(2026, 3, 2, 9, 30, tzinfo=UTC), tick=False):
        code, out, _ = run(capsys, "--db", sqlite_url, "policy", "restore", "1", "--staff",
                           "Ana")
    assert (code, out) == (0, "Version 1 (“Courtesy-credit policy”) is in use again, as "
                              "policy version 3\n")
    code, out, _ = run(capsys, "--db", sqlite_url, "policy", "history", "--json")
    history = json.loads(out)
    assert [(v["version"], v["saved_by"], v["restored_from"]) for v in history] == [
        (3, "Ana", 1), (2, "Ana", None), (1, "SellerDesk", None)]
    assert [v["saved_at"] for v in history[:2]] == ["2026-03-02T09:30:00Z",
                                                     "2026-03-01T12:00:00Z"]
    out = run(capsys, "--db", sqlite_url, "policy", "history")[1]
    assert out.splitlines()[0] == ("   3  2026-03-02 09:30 UTC  Ana          Courtesy-credit "
                                   "policy  (restored from version 1)")
    code, out, _ = run(capsys, "--db", sqlite_url, "policy", "diff", "2", "3")
    assert code == 0
    assert "--- version 2\n+++ version 3\n" in out
    assert "-percent = 35\n+percent = 30\n" in out
    assert run(capsys, "--db", sqlite_url, "policy", "diff", "1", "3")[1] == (
        "Version 1 and version 3 are the same text.\n")
    code, _, err = run(capsys, "--db", sqlite_url, "policy", "diff", "1", "7")
    assert (code, err) == (1, "sellerdesk: There is no policy version 7.\n")


def test_defect_add_and_metrics(capsys, sqlite_url, report):
    run(capsys, "--db", sqlite_url, "import", "orders", str(report))
    code, out, _ = run(capsys, "--db", sqlite_url, "--json", "defect", "add",
                       "503-0000000-0000001", "--kind", "negative_feedback", "--rating", "2",
                       "--date", "2026-10-05")
    assert (code, json.loads(out)) == (0, {"order_id": "503-0000000-0000001",
                                           "kind": "negative_feedback", "new": True})
    code, _, err = run(capsys, "--db", sqlite_url, "defect", "add", "503-0000000-0000001",
                       "--kind", "chargeback", "--status", "denied")
    assert (code, err) == (1, "sellerdesk: the status of chargeback must be open, lost or "
                              "won, not 'denied'\n")
    code, out, _ = run(capsys, "--db", sqlite_url, "metrics", "--as-of", "2026-10-31",
                       "--json")
    odr = json.loads(out)["odr"]
    assert (odr["window_start"], odr["orders"], odr["orders_with_defects"]) == (
        "2026-09-02", 2, 1)
    assert (odr["mfn"]["rate"], odr["afn"]["rate"]) == (1.0, 0.0)
    code, out, _ = run(capsys, "--db", sqlite_url, "metrics", "--as-of", "2026-10-31")
    assert out.startswith("Order Defect Rate as of 2026-10-31 (orders placed 2026-09-02 – "
                          "2026-10-31): 50.00 % of 2 orders (target below 1.00 %)\n")


def test_facts_listed_changed_and_used_by_metrics(capsys, sqlite_url, report):
    run(capsys, "--db", sqlite_url, "import", "orders", str(report))
    code, out, _ = run(capsys, "--db", sqlite_url, "--json", "facts", "--staff", "Ana",
                       "--set", "odr_window_days=30", "--set", "odr_target=0.5 %")
    listed = {f["key"]: f for f in json.loads(out)}
    assert code == 0
    assert listed["odr_window_days"] | {"source": ""} == {
        "key": "odr_window_days", "label": "ODR window, by order date, both ends included",
        "unit": "days", "value": "30", "default": "60", "source": "", "changed_by": "Ana"}
    assert (listed["odr_target"]["value"], listed["chargeback_days"]["changed_by"]) == (
        "0.005", None)
    code, out, _ = run(capsys, "--db", sqlite_url, "metrics", "--as-of", "2026-10-31")
    assert out.startswith("Order Defect Rate as of 2026-10-31 (orders placed 2026-10-02 – "
                          "2026-10-31)")
    assert "(target below 0.50 %)" in out.splitlines()[0]
    code, _, err = run(capsys, "--db", sqlite_url, "facts", "--reset", "odr_target",
                       "--set", "chargeback_days")
    assert (code, err) == (1, "sellerdesk: --set takes KEY=VALUE, not 'chargeback_days'\n")
    code, out, _ = run(capsys, "--db", sqlite_url, "facts", "--reset", "odr_target")
    assert "odr_window_days                    30 days  ODR window, by order date, both ends " \
           "included (default 60 days, set by Ana)" in out
    assert "odr_target                             1 %  Order Defect Rate target (below)\n" in out


def test_import_feedback_and_performance(capsys, sqlite_url, report, tmp_path):
    run(capsys, "--db", sqlite_url, "import", "orders", str(report))
    feedback = tmp_path / "feedback.txt"
    feedback.write_text("Date\tRating\tComments\tYour Response\tOrder ID\tRater Email\n"
                        "10/5/26\t1\tLate\t\t114-3941689-8772232\tq1@marketplace.amazon.com\n"
                        "10/6/26\t2\tLate\t\t114-0000000-0000000\t\n")
    code, _, err = run(capsys, "--db", sqlite_url, "import", "feedback", str(feedback))
    assert (code, err) == (1, "sellerdesk: feedback.txt: the feedback report writes its dates "
                              "the marketplace's way: say which marketplace it is from "
                              "(--marketplace)\n")
    code, out, _ = run(capsys, "--db", sqlite_url, "import", "feedback", str(feedback),
                       "--marketplace", "us")
    assert (code, out) == (0, "feedback.txt: 2 ratings, 1 negative (1 new, 0 already "
                              "recorded), 1 row skipped\n  skipped line 3: no order "
                              "114-0000000-0000000 in SellerDesk (import the orders report "
                              "that has it, then this file again)\n")
    performance = tmp_path / "performance.json"
    performance.write_text(json.dumps({"performanceMetrics": [{
        "marketplaceId": "ATVPDKIKX0DER", "orderDefectRate": {"afn": {
            "rate": 0.5, "orderCount": 2, "negativeFeedback": {"count": 1},
            "reportingDateRange": {"reportingDateFrom": "2026-09-02T00:00Z",
                                   "reportingDateTo": "2026-10-31T23:59Z"}}}}]}))
    code, out, _ = run(capsys, "--db", sqlite_url, "--json", "import", "performance",
                       str(performance))
    assert json.loads(out)["odr"][0] == {
        "marketplace": "US", "channel": "AFN", "rate": 0.5, "status": "", "orders": 2,
        "window_start": "2026-09-02", "window_end": "2026-10-31"}
    code, out, _ = run(capsys, "--db", sqlite_url, "metrics", "--as-of", "2026-10-31")
    assert out.splitlines()[-1] == (
        "Amazon's ODR, US AFN (2026-09-02 – 2026-10-31): Amazon 50.00%, SellerDesk 100.00% "
        "(+50.00 points). SellerDesk has 1 fewer orders in this window than Amazon: import "
        "the All Orders report covering it.")


def run_promptly(capsys, *argv):
    """run(), on a thread: a command that opened a named pipe would wait for a writer for
    ever, and the test fails instead of hanging."""
    codes: list[int] = []
    thread = threading.Thread(target=lambda: codes.append(main(list(argv))), daemon=True)
    thread.start()
    thread.join(timeout=60)
    assert codes, f"sellerdesk {' '.join(argv)} is still waiting on its file"
    out, err = capsys.readouterr()
    return codes[0], out, err


@pytest.mark.parametrize(("command", "suffix"), [
    (["import", "orders"], ".txt"), (["import", "performance"], ".json"),
    (["policy", "import"], ".toml"), (["verify"], ".csv"), (["verify"], ".json")])
def test_what_is_not_a_file_is_refused_in_one_line(capsys, sqlite_url, tmp_path, command,
                                                   suffix, monkeypatch):
    monkeypatch.setenv("SELLERDESK_STAFF", "Ana")
    pipe, folder = tmp_path / f"pipe{suffix}", tmp_path / f"folder{suffix}"
    os.mkfifo(pipe)
    folder.mkdir()
    assert run_promptly(capsys, "--db", sqlite_url, *command, str(pipe)) == (
        1, "", f"sellerdesk: {pipe}: this is a named pipe (FIFO), not a file SellerDesk can "
               "read\n")
    assert run_promptly(capsys, "--db", sqlite_url, *command, str(folder)) == (
        1, "", f"sellerdesk: {folder}: this is a folder, not a file SellerDesk can read\n")
