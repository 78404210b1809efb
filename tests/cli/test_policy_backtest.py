"""`sellerdesk policy backtest FILE`: the short table, the JSON contract, and a draft
that does not read, on a real SQLite desk with the clock pinned."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from sellerdesk.cli import main
from sellerdesk.core.issues import IssueType
from sellerdesk.services.credits import issue_credit
from sellerdesk.services.database import open_database
from sellerdesk.services.imports.orders import import_orders
from sellerdesk.services.issues import add_issue
from sellerdesk.services.shipped_policy import default_policy_text
from tests.helpers.reports import row, write

BOOKS, TEA = "114-3941689-8772232", "205-0000000-0000004"
NOW = datetime(2026, 3, 20, 12, tzinfo=UTC)


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def desk(sqlite_url, tmp_path, monkeypatch):
    """Two issues logged a week ago (one credited) and one 200 days ago, outside the
    default 90 days; a draft raising the damaged percentage from 30 to 60."""
    monkeypatch.setenv("SELLERDESK_STAFF", "Ana")
    with (time_machine.travel(NOW - timedelta(days=200), tick=False) as clock,
          open_database(sqlite_url) as db):
            import_orders(db.engine, write(tmp_path / "orders.txt", [
                row(BOOKS, sku="BOOK", price="24.99", shipping="3.99"),
                row(TEA, sku="TEA", price="40.00", currency="GBP", channel="Amazon.co.uk")]))
            add_issue(db.engine, order_id=BOOKS, issue_type=IssueType.DAMAGED,
                      affected=(("BOOK", 1),))
            clock.move_to(NOW - timedelta(days=7))
            credited = add_issue(db.engine, order_id=BOOKS, issue_type=IssueType.DAMAGED,
                                 affected=(("BOOK", 1),))
            issue_credit(db.engine, issue_id=credited.issue_id)
            add_issue(db.engine, order_id=TEA, issue_type=IssueType.WRONG_ITEM)
    draft = tmp_path / "draft.toml"
    draft.write_text(default_policy_text().replace(
        'basis = "affected_items"\npercent = 30', 'basis = "affected_items"\npercent = 60'),
        encoding="utf-8")
    with time_machine.travel(NOW, tick=False):
        yield sqlite_url, draft


def test_the_last_90_days_as_a_short_table(capsys, desk):
    url, draft = desk
    code, out, _ = run(capsys, "--db", url, "policy", "backtest", str(draft))
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == ("Backtest of “Courtesy-credit policy” on the issues logged from "
                        "2025-12-21 to 2026-03-20:")
    assert lines[2].split()[:5] == ["GBP", "1", "£0.00", "£4.00", "£4.00"]
    # The draft's 60 % of 24.99 is 14.99, capped at half the order (28.98): 14.49.
    assert lines[3].split()[:5] == ["USD", "1", "$7.50", "$7.50", "$14.49"]
    assert lines[4] == ("Needing approval: 0 then, 0 under the draft. Capped: 0 then, 1 under "
                        "the draft.")


def test_json_follows_the_contract(capsys, desk):
    url, draft = desk
    code, out, _ = run(capsys, "--db", url, "policy", "backtest", str(draft),
                       "--from", "2026-03-01", "--to", "2026-03-31", "--json")
    assert code == 0
    result = json.loads(out)
    assert (result["from"], result["to"]) == ("2026-03-01", "2026-03-31")
    assert [(i["order_id"], i["currency"], i["given"], i["suggested_then"], i["draft"],
             i["draft_needs_approval"]) for i in result["issues"]] == [
        (BOOKS, "USD", "7.50", "7.50", "14.49", False),
        (TEA, "GBP", "0.00", "4.00", "4.00", False)]
    assert result["totals"]["USD"]["draft"] == "14.49"
    assert result["approvals"] == {"then": 0, "draft": 0}
    assert "estimate" in result


def test_a_range_without_issues_says_so(capsys, desk):
    url, draft = desk
    code, out, _ = run(capsys, "--db", url, "policy", "backtest", str(draft),
                       "--from", "2024-01-01", "--to", "2024-01-31")
    assert code == 0
    assert out.splitlines()[-1] == ("No issues were logged from 2024-01-01 to 2024-01-31; "
                                    "nothing to compare.")


def test_a_draft_that_does_not_read_is_one_sentence(capsys, desk):
    url, draft = desk
    draft.write_text(draft.read_text(encoding="utf-8").replace(
        "percent = 60", "percent = -5"), encoding="utf-8")
    code, out, err = run(capsys, "--db", url, "policy", "backtest", str(draft))
    assert code == 1
    assert out == ""
    assert len(err.strip().splitlines()) == 1
    assert "draft.toml, line " in err
    assert "rules.damaged.percent" in err


def test_the_estimate_is_printed_with_its_sample_or_why_there_is_none(capsys, desk):
    """The two issues of the last 90 days are far too few to estimate the effect on the
    ODR from: the table says so, with the sample it had and what it is."""
    url, draft = desk
    code, out, _ = run(capsys, "--db", url, "policy", "backtest", str(draft))
    assert code == 0
    lines = out.splitlines()
    at = lines.index("Estimated effect on defects and the ODR (an estimate from the desk's "
                     "own history, not a measurement):")
    assert lines[at + 1] == ("  No estimate: too few issues to estimate from: 1 credited and "
                             "1 not credited from 2025-12-21 to 2026-03-20; at least 20 of "
                             "each are needed.")
    assert lines[at + 2].startswith("  Sample: 2 issues logged from 2025-12-21 to 2026-03-20 "
                                    "(1 credited, 0 of them followed by a defect; 1 not "
                                    "credited, 0 followed by a defect)")
