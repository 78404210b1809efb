"""The demo desk's story keeps time as a real desk does."""

from datetime import UTC, datetime

import time_machine

from sellerdesk.services import follow_up
from sellerdesk.services.demo.build import build_demo
from sellerdesk.services.issues import list_issues


def test_no_demo_issue_comes_before_its_order(sqlite_database):
    """The first issue, "Demo desk opened", was logged weeks before the order it is on
    was bought (on the newest order shipped, at the desk's opening)."""
    with time_machine.travel(datetime(2026, 3, 30, 12, tzinfo=UTC), tick=False):
        build_demo(sqlite_database.engine, orders=200)
    issues = list_issues(sqlite_database.engine)
    assert len(issues) > 5
    opened = min(issues, key=lambda issue: issue.issue_id)
    assert opened.notes == "Demo desk opened"
    for issue in issues:
        order = follow_up.issue_detail(sqlite_database.engine, issue.issue_id).order
        assert issue.created_at >= order.purchase_date, (issue.issue_id, order.order_id)
