"""The dashboard's numbers from the database, on SQLite and PostgreSQL: a small case worked
by hand, and the SQL checked against the pure reference on random data."""

import random
from datetime import date, datetime, timedelta

import pytest
import time_machine

from sellerdesk.core.issues import IssueType
from sellerdesk.core.metrics import (
    STATUSES,
    Defect,
    DefectKind,
    PlacedOrder,
    order_defect_rate,
)
from sellerdesk.services import desk, metrics
from sellerdesk.services.import_orders import import_orders
from sellerdesk.services.metrics import MetricsError
from sellerdesk.store.engine import reading
from sellerdesk.store.metrics import defect_counts, odr_series, sales_by_currency
from tests.reports import row, write

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
        issue = desk.add_issue(engine, order_id=order[n], issue_type=IssueType.DAMAGED,
                               affected=(("BK-COOK-01", 1),))
        if n in (1, 2):
            desk.issue_credit(engine, issue_id=issue.issue_id)
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
    assert board["deadlines_missed"] == {"replies_after_24h": 0, "replies_overdue_now": 0}


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
