"""Order Defect Rate against cases worked out by hand."""

from datetime import date

import pytest

from sellerdesk.core.metrics import (
    CreditEffect,
    Defect,
    DefectKind,
    PlacedOrder,
    order_defect_rate,
    window,
)

NF, AZ, CB = DefectKind.NEGATIVE_FEEDBACK, DefectKind.ATOZ_CLAIM, DefectKind.CHARGEBACK
AS_OF = date(2026, 11, 30)


def orders(*specs):
    return [PlacedOrder(f"o{n}", day, channel) for n, (day, channel) in enumerate(specs)]


def test_the_window_is_60_days_with_both_ends_included():
    assert window(AS_OF, 60) == (date(2026, 10, 2), date(2026, 11, 30))


def test_edges_of_the_window():
    placed = orders((date(2026, 10, 1), "MFN"),    # a day too early
                    (date(2026, 10, 2), "MFN"),    # first day in
                    (date(2026, 11, 30), "MFN"),   # last day in
                    (date(2026, 12, 1), "MFN"))    # after
    defects = [Defect(o.order_id, NF, "active", date(2026, 11, 30)) for o in placed]
    odr = order_defect_rate(placed, defects, as_of=AS_OF)
    assert (odr.mfn.orders, odr.mfn.orders_with_defects) == (2, 2)


def test_an_order_with_several_defects_counts_once_but_in_each_part():
    placed = orders(*[(date(2026, 11, 1), "MFN")] * 4)
    defects = [Defect("o0", NF, "active", date(2026, 11, 5)),
               Defect("o0", AZ, "granted", date(2026, 11, 9)),
               Defect("o0", CB, "lost", date(2026, 11, 20))]
    odr = order_defect_rate(placed, defects, as_of=AS_OF)
    assert odr.mfn.orders_with_defects == 1
    assert (odr.mfn.negative_feedback, odr.mfn.atoz_claims, odr.mfn.chargebacks) == (1, 1, 1)
    assert odr.mfn.rate == pytest.approx(0.25)


@pytest.mark.parametrize(("kind", "status", "counted"), [
    (NF, "active", True), (NF, "removed", False),
    (AZ, "open", True), (AZ, "granted", True), (AZ, "denied", False), (AZ, "withdrawn", False),
    (CB, "open", True), (CB, "lost", True), (CB, "won", False),
])
def test_which_defects_count(kind, status, counted):
    odr = order_defect_rate(orders((date(2026, 11, 1), "AFN")),
                            [Defect("o0", kind, status, date(2026, 11, 2))], as_of=AS_OF)
    assert odr.afn.orders_with_defects == int(counted)


def test_a_defect_belongs_to_its_orders_date_and_counts_once_known():
    placed = orders((date(2026, 9, 20), "MFN"), (date(2026, 11, 1), "MFN"))
    defects = [Defect("o0", NF, "active", date(2026, 11, 10)),   # order before the window
               Defect("o1", NF, "active", date(2026, 12, 5))]    # not known on AS_OF yet
    assert order_defect_rate(placed, defects, as_of=AS_OF).mfn.orders_with_defects == 0
    later = order_defect_rate(placed, defects, as_of=date(2026, 12, 5))
    assert later.mfn.orders_with_defects == 1


def test_mfn_and_afn_are_separate_and_add_up():
    placed = orders(*[(date(2026, 11, 1), "MFN")] * 3, *[(date(2026, 11, 1), "AFN")] * 7)
    defects = [Defect("o1", CB, "open", date(2026, 11, 3)),
               Defect("o5", AZ, "open", date(2026, 11, 3)),
               Defect("o6", AZ, "open", date(2026, 11, 3))]
    odr = order_defect_rate(placed, defects, as_of=AS_OF)
    assert (odr.mfn.orders, odr.mfn.orders_with_defects) == (3, 1)
    assert (odr.afn.orders, odr.afn.orders_with_defects) == (7, 2)
    assert (odr.all.orders, odr.all.orders_with_defects, odr.all.rate) == (10, 3, 0.3)


def test_no_orders_is_a_rate_of_zero_not_a_crash():
    assert order_defect_rate([], [], as_of=AS_OF).all.rate == 0.0


def test_defects_avoided_is_an_estimate_from_the_two_rates():
    effect = CreditEffect(credited=40, credited_with_defect=1, uncredited=20,
                          uncredited_with_defect=3)
    # without credit 3/20 = 15 %, with 1/40 = 2.5 %: (0.15 − 0.025) × 40 = 5 defects avoided
    assert effect.defects_avoided == pytest.approx(5.0)
    odr = order_defect_rate(orders(*[(date(2026, 11, 1), "MFN")] * 1000),
                            [Defect("o0", NF, "active", date(2026, 11, 2))], as_of=AS_OF)
    assert effect.odr_without_credits(odr.all) == pytest.approx(6 / 1000)
    assert CreditEffect(0, 0, 5, 1).defects_avoided is None
