"""Amazon's deadlines on an issue, read from its timeline: hand-worked cases."""

from datetime import datetime, timedelta
from decimal import Decimal

from sellerdesk.core.deadlines import (
    CLOCKS,
    add_business_days,
    deadlines,
    lengths,
    missed_between,
    next_open,
)
from sellerdesk.core.records import TimelineEntry

LOGGED = datetime(2026, 11, 19, 15, 0)     # a Thursday


def line(kind: str, hours: float, text: str = "") -> TimelineEntry:
    return TimelineEntry(LOGGED + timedelta(hours=hours), "Ana", kind, text)


def test_business_days_skip_the_weekend():
    friday = datetime(2026, 11, 20, 9, 30)
    assert add_business_days(friday, 2) == datetime(2026, 11, 24, 9, 30)   # Tuesday
    assert add_business_days(datetime(2026, 11, 21, 9, 30), 1) == datetime(2026, 11, 23, 9, 30)
    assert add_business_days(friday, 0) == friday


def test_each_clock_from_its_event():
    found = {d.key: d for d in deadlines([
        line("logged", 0),
        line("return_received", 24),             # Friday 15:00 → Tuesday 15:00
        line("atoz_info_request", 30),
        line("chargeback_notice", 31),
        line("atoz_decision", 40),
        line("appeal_info_request", 41),
    ], reply_due=LOGGED + timedelta(hours=24))}
    assert {k: d.due for k, d in found.items()} == {
        "reply": datetime(2026, 11, 20, 15, 0),
        "atoz_contact": datetime(2026, 11, 21, 15, 0),
        "refund_after_return": datetime(2026, 11, 24, 15, 0),
        "atoz_information": datetime(2026, 11, 22, 21, 0),        # 48 h (G1781)
        "chargeback": datetime(2026, 11, 27, 22, 0),
        "atoz_appeal": datetime(2026, 12, 21, 7, 0),
        "appeal_information": datetime(2026, 11, 24, 8, 0),       # 72 h (G202041210)
    }
    assert all(d.is_open() for d in found.values())


def test_met_on_time_late_and_restarted():
    found = {d.key: d for d in deadlines([
        line("logged", 0),
        line("status", 50, "Open → Resolved: buyer happy"),        # after the 48 hours
        line("atoz_info_request", 60), line("atoz_answered", 61),   # met
        line("atoz_info_request", 80),                              # asked again: open
        line("return_received", 1), line("refund_issued", 20),
    ])}
    contact = found["atoz_contact"]
    assert (contact.met, contact.missed()) == (LOGGED + timedelta(hours=50), True)
    assert contact.describe(LOGGED) == ("Resolve before the buyer may file an A-to-z claim: "
                                        "done late")
    information = found["atoz_information"]
    assert (information.is_open(), information.due) == (True, LOGGED + timedelta(hours=128))
    assert not found["refund_after_return"].is_open()
    assert not found["refund_after_return"].missed()


def test_a_status_that_does_not_settle_leaves_the_clock_running():
    [contact] = deadlines([line("logged", 0), line("status", 1, "Open → Awaiting buyer")])
    assert contact.is_open()
    [contact] = deadlines([line("logged", 0), line("status", 1, "Open → A-to-z claim")])
    assert not contact.is_open()


def test_overdue_soon_and_the_next_one():
    found = deadlines([line("logged", 0), line("chargeback_notice", 2)],
                      reply_due=LOGGED + timedelta(hours=3))
    moment = LOGGED + timedelta(hours=1, minutes=30)
    reply = next_open(found)
    assert reply.key == "reply"
    assert reply.soon(moment)
    assert reply.describe(moment) == "Reply to the buyer: 1 h 30 min left"
    later = LOGGED + timedelta(hours=49)
    assert [d.key for d in found if d.overdue(later)] == ["reply", "atoz_contact"]
    assert reply.describe(later) == "Reply to the buyer: overdue 1 d 22 h"


def test_a_desk_override_moves_the_deadline():
    [information] = deadlines([line("atoz_info_request", 0)],
                              overrides={"atoz_information_hours": Decimal(72)})
    assert information.due == LOGGED + timedelta(hours=72)


def test_an_appeals_information_request_has_its_own_clock():
    [appeal, claim] = deadlines([line("atoz_info_request", 0), line("atoz_answered", 1),
                                 line("appeal_info_request", 100)])      # open ones first
    assert (claim.key, claim.met) == ("atoz_information", LOGGED + timedelta(hours=1))
    assert (appeal.key, appeal.due, appeal.is_open()) == (
        "appeal_information", LOGGED + timedelta(hours=172), True)
    assert appeal.describe(LOGGED + timedelta(hours=100)) == (
        "Answer Amazon's information request on the appeal: 3 d 0 h left")


def test_missed_in_a_window_counts_required_clocks_only():
    found = deadlines([
        line("logged", 0),                                    # due Sat 21 15:00, met late
        line("status", 50, "Open → Resolved"),
        line("chargeback_notice", 1),                         # due Thu 26 16:00, never met
        line("atoz_decision", 2),                             # appeal: the seller's choice
    ])
    start, end = datetime(2026, 11, 21), datetime(2026, 11, 27)
    after = datetime(2026, 12, 31)
    assert sorted(d.key for d in missed_between(found, start, end, after)) == [
        "atoz_contact", "chargeback"]
    # The chargeback was not yet due at that moment; the window's edges are [start, end).
    assert [d.key for d in missed_between(found, start, end, datetime(2026, 11, 26))] == [
        "atoz_contact"]
    assert missed_between(found, datetime(2026, 11, 21, 15, 0, 1), end, after)[0].key == (
        "chargeback")
    assert missed_between(found, start, datetime(2026, 11, 21, 15), after) == []


def test_lengths_by_weekday_and_what_stops_a_clock():
    by_key = {c.key: c for c in CLOCKS}
    assert lengths(by_key["chargeback"]) == (timedelta(days=7),) * 7
    assert lengths(by_key["atoz_contact"], {"atoz_contact_hours": Decimal(96)}) == (
        timedelta(hours=96),) * 7
    # 2 business days: Mon–Wed 2 days, Thu and Fri 4 (over the weekend), Sat 3, Sun 2
    assert [d.days for d in lengths(by_key["refund_after_return"])] == [2, 2, 2, 4, 4, 3, 2]
