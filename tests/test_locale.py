"""The desk reads and writes dates the same under any system locale. Qt sets the process
locale from the system (setlocale), so on a German or Japanese desktop strptime's %b wants
"Okt" or "10月" and strftime's %B writes "Dezember": Amazon's "05-Oct-2026" must still
read, and an English reply must still say "31 December 2026"."""

import locale
from datetime import UTC, date, datetime

import pytest
import time_machine

from sellerdesk.core.issues import IssueType, Remedy
from sellerdesk.services import follow_up
from sellerdesk.services.credits import issue_credit
from sellerdesk.services.imports.orders import import_orders
from sellerdesk.services.imports.returns import import_returns
from sellerdesk.services.issues import add_issue, order_activity
from tests.helpers.reports import MFN, mfn, report, row, write

ORDER = "114-0000000-0000001"


@pytest.fixture(params=["de_DE.UTF-8", "ja_JP.UTF-8"])
def system_locale(request):
    """The whole process in the system's locale, as under Qt; put back afterwards."""
    before = locale.setlocale(locale.LC_ALL)
    locale.setlocale(locale.LC_ALL, request.param)   # .ci/run generates both
    try:
        yield request.param
    finally:
        locale.setlocale(locale.LC_ALL, before)


@pytest.fixture
def engine(sqlite_database, tmp_path, monkeypatch):
    monkeypatch.setenv("SELLERDESK_STAFF", "Ana")
    import_orders(sqlite_database.engine, write(tmp_path / "orders.txt", [
        row(ORDER, sku="MUG", title="Ceramic Mug", price="30.00")]))
    return sqlite_database.engine


def test_a_returns_report_with_english_month_names_reads(system_locale, engine, tmp_path):
    path = report(tmp_path / "returns.txt", MFN, [mfn(ORDER, "R1", day="05-Oct-2026")])
    assert import_returns(engine, path).added == 1
    [back] = order_activity(engine, ORDER).returns
    assert back.requested_on == date(2026, 10, 5)


def test_an_english_reply_names_the_month_in_english(system_locale, engine):
    with time_machine.travel(datetime(2026, 11, 2, 12, tzinfo=UTC), tick=False):
        issue = add_issue(engine, order_id=ORDER, issue_type=IssueType.DAMAGED,
                          affected=(("MUG", 1),))
        issue_credit(engine, issue_id=issue.issue_id, kind=Remedy.PROMOTIONAL_CREDIT,
                     expires_on=date(2026, 12, 31))
        draft = follow_up.draft_reply_for(engine, issue.issue_id, staff="Ana")
    assert "for your next purchase, valid until 31 December 2026" in draft


def test_a_german_or_japanese_reply_is_the_same_bytes_under_any_system_locale(system_locale):
    """Babel writes the buyer's marketplace's money and dates; the desk's own locale
    (here the other one, or the same) changes nothing."""
    from decimal import Decimal

    from sellerdesk.core.money import Money
    from sellerdesk.core.reply import DEFAULT_TEMPLATES, ReplyFacts, draft_reply
    german = ReplyFacts("302-1234567-1234567", IssueType.DAMAGED, ("Lampe",),
                        Remedy.PROMOTIONAL_CREDIT, Money(Decimal("1234.50"), "EUR"),
                        date(2027, 1, 5), marketplace="DE")
    japanese = ReplyFacts("503-1234567-1234567", IssueType.DAMAGED, ("ランプ",),
                          Remedy.PROMOTIONAL_CREDIT, Money(Decimal("750"), "JPY"),
                          date(2027, 1, 5), marketplace="JP")
    assert ("einen Aktionsgutschein über 1.234,50\xa0€ für Ihren nächsten Einkauf, gültig "
            "bis zum 5. Januar 2027.") in draft_reply(DEFAULT_TEMPLATES["de"], german)
    assert "￥750分のプロモーションクレジット（2027年1月5日まで有効）" in draft_reply(
        DEFAULT_TEMPLATES["ja"], japanese)
