"""The dashboard's numbers from the database, on SQLite and PostgreSQL: a small case worked
by hand, and the SQL checked against the pure reference on random data."""

import random
from collections import Counter
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine

from sellerdesk.core.deadlines import CLOCKS, deadlines, lengths, missed_between
from sellerdesk.core.issues import IssueStatus, IssueType, status_line
from sellerdesk.core.metrics import (
    STATUSES,
    Defect,
    DefectKind,
    PlacedOrder,
    order_defect_rate,
)
from sellerdesk.core.records import TimelineEntry
from sellerdesk.services import amazon_facts, follow_up, metrics
from sellerdesk.services.clock import pinned
from sellerdesk.services.credits import issue_credit
from sellerdesk.services.imports.orders import import_orders
from sellerdesk.services.issues import add_issue
from sellerdesk.services.metrics import MetricsError
from sellerdesk.store import issues as issue_store
from sellerdesk.store.engine import reading, writing
from sellerdesk.store.metrics import (
    defect_counts,
    missed_clocks,
    odr_series,
    sales_by_currency,
)
from sellerdesk.store.orders import day_bounds
from tests.helpers.reports import row, write
from tests.helpers.staffing import owner_at_work

TODAY = datetime(2026, 11, 30, 12, 0)
NF, AZ, CB = DefectKind.NEGATIVE_FEEDBACK, DefectKind.ATOZ_CLAIM, DefectKind.CHARGEBACK


def stamp(day: date) -> str:
    return f"{day.isoformat()}T10:00:00+00:00"


@pytest.fixture
def engine(database, tmp_path, monkeypatch):
    monkeypatch.setenv("SELLERDESK_STAFF", "Ana")
    with time_machine.travel(TODAY, tick=False):
        yield database.engine


def test_a_small_desk_worked_by_hand(engine, tmp_path, capsys):
    # Ten orders in the window (4 MFN, 6 AFN), one before it; each $20.00.
    days = [date(2026, 10, 1)] + [date(2026, 11, 1) + timedelta(days=n) for n in range(10)]
    rows = [row(f"114-0000000-{n:07d}", date=stamp(day), price="20.00",
                fulfilment="Merchant" if n in (1, 2, 3, 4) else "Amazon")
            for n, day in enumerate(days)]
    import_orders(engine, write(tmp_path / "orders.txt", rows))
    order = [f"114-0000000-{n:07d}" for n in range(11)]
    metrics.add_defect(engine, order_id=order[0], kind=NF, on=date(2026, 11, 2))  # too old
    metrics.add_defect(engine, order_id=order[1], kind=NF, rating=1, on=date(2026, 11, 5))
    metrics.add_defect(engine, order_id=order[1], kind=AZ, on=date(2026, 11, 6))  # same order
    metrics.add_defect(engine, order_id=order[5], kind=CB, status="lost", on=date(2026, 11, 9))
    metrics.add_defect(engine, order_id=order[6], kind=AZ, status="denied",
                       on=date(2026, 11, 10))                                   # not counted
    # Four issues: two credited (one of them later defective), two not (one defective).
    for n in (1, 2, 5, 7):
        issue = add_issue(engine, order_id=order[n], issue_type=IssueType.DAMAGED,
                          affected=(("BK-COOK-01", 1),))
        if n in (1, 2):
            issue_credit(engine, issue_id=issue.issue_id)
    board = metrics.dashboard(engine, as_of=date(2026, 11, 30)).as_json()
    assert board["odr"] == {
        "window_start": "2026-10-02", "window_end": "2026-11-30", "orders": 10,
        "orders_with_defects": 2, "rate": 0.2, "negative_feedback": 1, "atoz_claims": 1,
        "chargebacks": 1, "target": 0.01,
        "mfn": {"orders": 4, "orders_with_defects": 1, "rate": 0.25, "negative_feedback": 1,
                "atoz_claims": 1, "chargebacks": 0},
        "afn": {"orders": 6, "orders_with_defects": 1, "rate": 1 / 6, "negative_feedback": 0,
                "atoz_claims": 0, "chargebacks": 1}}
    credits = board["credits"]
    assert (credits["count"], credits["totals"], credits["by_issue_type"]) == (
        2, {"USD": "12.00"}, {"damaged": 2})
    assert credits["share_of_sales"] == {"USD": pytest.approx(12 / 200)}
    # with credit: 1 of 2 defective (order 1); without: 1 of 2 (order 5) → nothing avoided
    assert (credits["defect_rate_with_credit"], credits["defect_rate_without_credit"],
            credits["estimated_defects_avoided"]) == (0.5, 0.5, 0.0)
    assert board["deadlines_missed"] == {
        "replies_after_24h": 0, "replies_overdue_now": 0, "atoz_contact": 0,
        "refund_after_return": 0, "atoz_information": 0, "chargeback": 0,
        "appeal_information": 0}


def test_deadlines_missed_in_the_window_follow_the_desks_numbers(engine, tmp_path):
    orders = [f"114-0000000-{n:07d}" for n in range(7)]
    import_orders(engine, write(tmp_path / "o.txt", [row(o, date=stamp(date(2026, 8, 1)))
                                                     for o in orders]))

    def issue(order: str, at: datetime) -> int:
        with pinned(at):
            return add_issue(engine, order_id=order,
                             issue_type=IssueType.DAMAGED).issue_id

    def then(at: datetime, issue_id: int, kind: str | IssueStatus) -> None:
        with pinned(at):
            if isinstance(kind, IssueStatus):
                follow_up.set_status(engine, issue_id=issue_id, status=kind)
            else:
                follow_up.record_event(engine, issue_id=issue_id, kind=kind)

    nov = lambda day, hour=9: datetime(2026, 11, day, hour)  # noqa: E731
    met = issue(orders[0], nov(10))
    then(nov(11), met, IssueStatus.RESOLVED)                      # 24 h: in time
    late = issue(orders[1], nov(10))
    then(nov(13), late, IssueStatus.RESOLVED)                     # 72 h: missed
    issue(orders[2], nov(20))                                     # never resolved: missed
    refund = issue(orders[3], nov(20))
    then(nov(20, 10), refund, IssueStatus.RESOLVED)
    then(nov(20, 11), refund, "return_received")                  # a Friday
    then(nov(24, 10), refund, "refund_issued")                    # Tuesday 10:00: in time
    chargeback = issue(orders[4], datetime(2026, 9, 1))
    then(nov(1), chargeback, "chargeback_notice")
    then(nov(9), chargeback, "chargeback_answered")               # day 8: missed
    unappealed = issue(orders[5], datetime(2026, 9, 1))
    then(nov(5), unappealed, "atoz_decision")                     # no appeal: nobody's miss
    before = issue(orders[6], datetime(2026, 9, 1))
    then(datetime(2026, 9, 5), before, IssueStatus.RESOLVED)      # missed before the window

    missed = metrics.dashboard(engine, as_of=date(2026, 11, 30)).as_json()["deadlines_missed"]
    assert missed.pop("replies_overdue_now") == 3    # no reply was ever noted on three
    assert {k: v for k, v in missed.items() if v} == {"atoz_contact": 2, "chargeback": 1}

    # A desk that reads Amazon's pages as 96 hours and 8 days sees fewer misses.
    owner_at_work(engine)                     # the desk's numbers are the owner's to set
    amazon_facts.save_facts(engine, {"atoz_contact_hours": "96", "chargeback_days": "8"},
                            by="Ana")
    missed = metrics.dashboard(engine, as_of=date(2026, 11, 30)).as_json()["deadlines_missed"]
    assert {k: v for k, v in missed.items() if v and "replies" not in k} == {"atoz_contact": 1}
    assert "Resolve before the buyer may file an A-to-z claim: 1 missed" in (
        metrics.dashboard(engine, as_of=date(2026, 11, 30)).missed_lines())


def test_defects_are_checked_and_recording_again_updates(engine, tmp_path):
    import_orders(engine, write(tmp_path / "o.txt", [row("114-0000000-0000001",
                                                         date=stamp(date(2026, 11, 1)))]))
    order = "114-0000000-0000001"
    assert metrics.add_defect(engine, order_id=order, kind=AZ, on=date(2026, 11, 3))
    assert not metrics.add_defect(engine, order_id=order, kind=AZ, status="withdrawn",
                                  on=date(2026, 11, 3))
    board = metrics.dashboard(engine, as_of=date(2026, 11, 30))
    assert board.odr.all.orders_with_defects == 0
    for kwargs, message in [
        ({"kind": AZ, "status": "won"}, "the status of atoz_claim must be open, granted, denied "
                                        "or withdrawn, not 'won'"),
        ({"kind": CB, "rating": 1}, "only feedback has a rating"),
        ({"kind": NF, "rating": 4}, "rated 1 or 2 stars, not 4"),
        ({"kind": NF, "on": date(2026, 12, 25)}, "the date 2026-12-25 is in the future"),
        ({"kind": NF, "on": date(2026, 10, 1)}, "is before order 114-0000000-0000001 was placed"),
    ]:
        with pytest.raises(MetricsError, match=message):
            metrics.add_defect(engine, order_id=order, **kwargs)
    with pytest.raises(MetricsError, match="no order '114-9'"):
        metrics.add_defect(engine, order_id="114-9", kind=NF)


def test_the_sql_agrees_with_the_reference_on_random_data(engine, tmp_path):
    rng = random.Random(5)
    first = date(2026, 8, 1)
    placed = [PlacedOrder(f"114-{n:07d}-0000000", first + timedelta(days=rng.randint(0, 121)),
                          rng.choice(("AFN", "MFN"))) for n in range(300)]
    rows = [row(o.order_id, date=stamp(o.purchased),
                fulfilment="Amazon" if o.channel == "AFN" else "Merchant") for o in placed]
    import_orders(engine, write(tmp_path / "orders.txt", rows))
    defects = []
    for o in rng.sample(placed, 90):
        for kind in rng.sample(list(DefectKind), rng.randint(1, 3)):
            d = Defect(o.order_id, kind, rng.choice(STATUSES[kind]),
                       min(o.purchased + timedelta(days=rng.randint(0, 40)), TODAY.date()))
            metrics.add_defect(engine, order_id=d.order_id, kind=d.kind, status=d.status,
                               on=d.on)
            defects.append(d)
    for as_of in (date(2026, 9, 15), date(2026, 10, 31), date(2026, 11, 30)):
        expected = order_defect_rate(placed, defects, as_of=as_of)
        with reading(engine) as conn:
            got = defect_counts(conn, as_of=as_of, days=60)
        assert (got["MFN"], got["AFN"]) == (expected.mfn, expected.afn)
    with reading(engine) as conn:
        line = odr_series(conn, first=date(2026, 8, 1), last=date(2026, 11, 30), days=60)
    assert [at for at, _ in line][-2:] == [date(2026, 11, 23), date(2026, 11, 30)]
    assert len(line) == 18
    for at, got in line:
        assert got == order_defect_rate(placed, defects, as_of=at).all, at


def test_missed_deadlines_in_sql_agree_with_the_timeline_reading(engine, tmp_path):
    """Random timelines: starts, restarts, stops before and after, exact-due answers, a
    status that settles and one that does not; the SQL count per clock, per window and
    per weekday length equals what `deadlines()` reads from the same lines."""
    rng = random.Random(11)
    import_orders(engine, write(tmp_path / "o.txt", [row("114-0000000-0000001")]))
    settle = [IssueStatus.RESOLVED, IssueStatus.CLOSED, IssueStatus.AWAITING_BUYER,
              IssueStatus.ESCALATED_ATOZ]
    kinds = ["return_received", "refund_issued", "chargeback_notice", "chargeback_answered",
             "atoz_info_request", "atoz_answered", "atoz_decision"]
    timelines = []
    with writing(engine) as conn:
        for _ in range(150):
            logged = datetime(2026, 10, 1) + timedelta(minutes=rng.randint(0, 60 * 24 * 50))
            issue_id = issue_store.add_issue(
                conn, order_id="114-0000000-0000001", issue_type="damaged", severity="minor",
                affected="", days_late=0, buyer_ref=None, notes="", by="Ana", now=logged,
                reply_due_at=None)
            lines = [TimelineEntry(logged, "Ana", "logged", "")]
            for _ in range(rng.randint(0, 5)):
                at = logged + rng.choice([timedelta(hours=rng.randint(1, 400)),
                                          timedelta(hours=48), timedelta(days=7)])
                if rng.random() < 0.3:
                    to = rng.choice(settle)
                    lines.append(TimelineEntry(at, "Ana", "status",
                                               status_line(IssueStatus.OPEN, to)))
                else:
                    lines.append(TimelineEntry(at, "Ana", rng.choice(kinds), ""))
            for line in lines:
                issue_store.add_event(conn, issue_id=issue_id, actor="Ana", kind=line.kind,
                                      text=line.text, at=line.at)
            timelines.append(lines)
    at_now = datetime(2026, 11, 25, 12)
    facts = {"refund_after_return_days": Decimal(3)}
    for first, last in [(date(2026, 10, 1), date(2026, 11, 29)),
                        (date(2026, 10, 20), date(2026, 11, 3))]:
        low, high = day_bounds(first, last)
        expected = Counter(d.key for lines in timelines for d in missed_between(
            deadlines(lines, overrides=facts), low, high, at_now))
        with reading(engine) as conn:
            for clock in CLOCKS:
                if not clock.required:
                    continue
                got = missed_clocks(conn, clock=clock.key, lengths=lengths(clock, facts),
                                    low=low, high=high, now=at_now)
                assert got == expected[clock.key], (clock.key, first)
        assert sum(expected.values()) > 10, "the random timelines miss some deadlines"


def test_the_day_summary_follows_a_reimport(engine, tmp_path):
    """An order re-imported with another channel and total moves in the summary."""
    day = stamp(date(2026, 11, 2))
    import_orders(engine, write(tmp_path / "a.txt", [row("114-0000000-0000001", date=day),
                                                     row("114-0000000-0000002", date=day)]))
    import_orders(engine, write(tmp_path / "b.txt", [
        row("114-0000000-0000002", date=day, fulfilment="Merchant", price="30.00")]))
    with reading(engine) as conn:
        counts = defect_counts(conn, as_of=date(2026, 11, 30), days=60)
        sales = sales_by_currency(conn, start=date(2026, 11, 1), end=date(2026, 11, 30))
    assert (counts["AFN"].orders, counts["MFN"].orders) == (1, 1)
    assert sales == {"USD": 2499 + 3000}
