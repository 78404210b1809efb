"""The repeat-buyer guard never fails open, met as a user meets it: separate `sellerdesk`
processes on a computer where no OS keyring works. With the sealed key file open, a
buyer's history carries from one process to the next; without its passphrase, a
suggestion for a named buyer says their history could not be checked and needs approval.

(The children read their own clock; nothing here compares a date with it: every issue
and credit is made "now" and the buyer window is a year.)"""

import json
import os
import subprocess
import sys

import pytest

from tests.helpers.reports import row, write

BUYER = "jane.doe@marketplace.amazon.com"
PASSPHRASE = "correct horse battery staple"
ORDERS = [f"114-0000000-000000{n}" for n in range(1, 5)]


@pytest.fixture
def sellerdesk(tmp_path, private_home):
    env = {**os.environ, "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
           "SELLERDESK_DB": str(tmp_path / "desk.sqlite3"), "SELLERDESK_STAFF": "Ana"}
    env.pop("SELLERDESK_KEY_PASSPHRASE", None)

    def run(*argv, passphrase: str | None = PASSPHRASE):
        child_env = dict(env)
        if passphrase is not None:
            child_env["SELLERDESK_KEY_PASSPHRASE"] = passphrase
        result = subprocess.run([sys.executable, "-m", "sellerdesk", *argv], env=child_env,
                                capture_output=True, text=True, timeout=120,
                                stdin=subprocess.DEVNULL)
        assert result.returncode == 0, result.stderr
        return result
    report = write(tmp_path / "orders.txt", [row(o, sku="MUG", price="14.50") for o in ORDERS])
    run("import", "orders", str(report), passphrase=None)
    return run


def log_issue(run, order_id, **options):
    issue = json.loads(run("issue", "add", order_id, "--type", "billing_error",
                           "--buyer", BUYER, "--json", **options).stdout)
    return json.loads(run("suggest", str(issue["issue_id"]), "--json", **options).stdout)


def test_buyer_history_lasts_across_processes_with_the_key_file(sellerdesk, private_home):
    made = sellerdesk("key-file", "create").stdout
    assert "sealed with your passphrase" in made
    for order_id in ORDERS[:2]:
        suggestion = log_issue(sellerdesk, order_id)
        assert "repeat_buyer" not in suggestion["flags"]
        sellerdesk("credit", "issue", str(suggestion["issue_id"]))
    third = log_issue(sellerdesk, ORDERS[2])              # a new process, a new start
    assert "repeat_buyer" in third["flags"]
    assert third["needs_approval"]
    sealed = (private_home / "sellerdesk" / "data" / "desk-keys.sealed").read_text()
    assert "buyer-reference-key" not in sealed
    assert "sealed" in json.loads(sealed)

    locked = log_issue(sellerdesk, ORDERS[3], passphrase=None)   # no passphrase this time
    assert "buyer_history_unchecked" in locked["flags"]
    assert locked["needs_approval"]
    assert ("buyer history could not be checked (the key for buyer references is not open "
            "here): needs approval") in locked["explanation"]


def test_without_a_key_file_buyer_history_is_never_silently_empty(sellerdesk):
    for order_id in ORDERS[:3]:
        suggestion = log_issue(sellerdesk, order_id, passphrase=None)
        assert "buyer_history_unchecked" in suggestion["flags"]
        assert suggestion["needs_approval"]
    status = sellerdesk("key-file", "status", passphrase=None).stdout
    assert "there is no key file" in status


def test_a_wrong_passphrase_is_one_sentence(sellerdesk, private_home):
    sellerdesk("key-file", "create")
    result = subprocess.run([sys.executable, "-m", "sellerdesk", "issue", "list"],
                            env={**os.environ, "PYTHON_KEYRING_BACKEND":
                                 "keyring.backends.fail.Keyring",
                                 "SELLERDESK_KEY_PASSPHRASE": "not the passphrase at all"},
                            capture_output=True, text=True, timeout=120,
                            stdin=subprocess.DEVNULL)
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1].startswith(
        "sellerdesk: that passphrase does not open ")
    assert "Traceback" not in result.stderr
