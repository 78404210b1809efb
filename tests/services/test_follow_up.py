"""After an issue is logged: the reply clock, the drafted reply, the buyer's answer, status,
assignee and staff — on SQLite and PostgreSQL."""

from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
import time_machine

from sellerdesk.core.deadlines import runs
from sellerdesk.core.errors import KnownError
from sellerdesk.core.issues import BuyerResponse, IssueStatus, IssueType, Remedy
from sellerdesk.services import follow_up, ledger, staff_admin
from sellerdesk.services.at_desk import DeskError
from sellerdesk.services.credits import decide_approval, issue_credit, reverse_credit
from sellerdesk.services.imports.orders import import_orders
from sellerdesk.services.issues import add_issue
from sellerdesk.store.engine import reading
from sellerdesk.store.settings import setting
from sellerdesk.store.tables import CLOCK_RUNS
from tests.helpers.reports import row, write
from tests.helpers.staffing import hire, owner_at_work
from tests.helpers.stored_orders import ORDER, OTHER, lamp_and_mugs

MONDAY_9AM = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)


@pytest.fixture
def engine(database, tmp_path, monkeypatch):
    monkeypatch.setenv("SELLERDESK_STAFF", "Ana")
    return lamp_and_mugs(database.engine, tmp_path)


def kinds(engine, issue_id):
    return [e.kind for e in follow_up.issue_detail(engine, issue_id).timeline]


def test_the_reply_clock_runs_24_hours_from_the_buyers_contact(engine):
    with time_machine.travel(MONDAY_9AM, tick=False):
        issue = add_issue(engine, order_id=ORDER, issue_type=IssueType.DAMAGED,
                          affected=(("LAMP", 1),))
    assert issue.reply_due_at == datetime(2026, 11, 17, 9, 0)
    with time_machine.travel(MONDAY_9AM + timedelta(hours=25), tick=False):
        overdue = follow_up.find_issues(engine, overdue=True)
        assert [row.issue.issue_id for row in overdue] == [issue.issue_id]
        replied = follow_up.note_reply(engine, issue_id=issue.issue_id, text="Sorry — credit.")
        assert follow_up.find_issues(engine, overdue=True) == []
    assert replied.reply_due_at is None
    assert (replied.status, replied.buyer_response) == (IssueStatus.AWAITING_BUYER,
                                                        BuyerResponse.WAITING)
    timeline = follow_up.issue_detail(engine, issue.issue_id).timeline
    assert (timeline[1].kind, timeline[1].text) == ("reply_late", "Sorry — credit.")
    assert timeline[2].text == "Open → Awaiting buyer"


def test_a_new_buyer_message_restarts_the_clock_and_reopens(engine):
    with time_machine.travel(MONDAY_9AM, tick=False):
        issue = add_issue(engine, order_id=ORDER, issue_type=IssueType.LATE_DELIVERY,
                          days_late=3)
        follow_up.note_reply(engine, issue_id=issue.issue_id, text="On its way.")
    with time_machine.travel(MONDAY_9AM + timedelta(days=2), tick=False):
        again = follow_up.note_buyer_message(engine, issue_id=issue.issue_id,
                                             text="Still not here")
    assert again.reply_due_at == datetime(2026, 11, 19, 9, 0)
    assert again.status is IssueStatus.OPEN
    assert kinds(engine, issue.issue_id) == ["logged", "reply", "status", "buyer_message",
                                             "status"]
    with pytest.raises(DeskError, match="say what the buyer wrote"):
        follow_up.note_buyer_message(engine, issue_id=issue.issue_id, text="  ")


def test_the_buyers_answer_resolves_or_reopens(engine):
    issue = add_issue(engine, order_id=ORDER, issue_type=IssueType.DAMAGED,
                      affected=(("LAMP", 1),))
    credited = issue_credit(engine, issue_id=issue.issue_id)
    assert credited.credit_id is not None
    # the credit is an offer: the issue stays open, its reply still owed
    offered = follow_up.issue_detail(engine, issue.issue_id).issue
    assert offered.status is IssueStatus.OPEN
    assert offered.reply_due_at is not None
    follow_up.note_reply(engine, issue_id=issue.issue_id, text="Offer")
    declined = follow_up.record_response(engine, issue_id=issue.issue_id,
                                         response=BuyerResponse.DECLINED)
    assert (declined.status, declined.buyer_response) == (IssueStatus.OPEN,
                                                          BuyerResponse.DECLINED)
    follow_up.note_reply(engine, issue_id=issue.issue_id, text="Better offer")
    accepted = follow_up.record_response(engine, issue_id=issue.issue_id,
                                         response=BuyerResponse.ACCEPTED)
    assert (accepted.status, accepted.buyer_response) == (IssueStatus.RESOLVED,
                                                          BuyerResponse.ACCEPTED)
    with pytest.raises(DeskError, match="accepted, declined or no_answer"):
        follow_up.record_response(engine, issue_id=issue.issue_id,
                                  response=BuyerResponse.WAITING)


def test_no_answer_is_recorded_without_an_offer(engine):
    issue = add_issue(engine, order_id=ORDER, issue_type=IssueType.DAMAGED,
                      affected=(("LAMP", 1),))
    follow_up.note_reply(engine, issue_id=issue.issue_id, text="We are looking into it.")
    for response in (BuyerResponse.ACCEPTED, BuyerResponse.DECLINED, BuyerResponse.NO_ANSWER):
        with pytest.raises(KnownError, match="no offer stands on this issue"):
            follow_up.record_response(engine, issue_id=issue.issue_id, response=response)
    after = follow_up.issue_detail(engine, issue.issue_id)
    assert after.issue.status is IssueStatus.AWAITING_BUYER
    assert [e.kind for e in after.timeline] == ["logged", "reply", "status"]


def credited_and_answered_on_monday(engine):
    """A damaged lamp logged, credited and replied to at 9:00 on Monday 16 November."""
    with time_machine.travel(MONDAY_9AM, tick=False):
        issue = add_issue(engine, order_id=ORDER, issue_type=IssueType.DAMAGED,
                          affected=(("LAMP", 1),))
        issue_credit(engine, issue_id=issue.issue_id)
        follow_up.note_reply(engine, issue_id=issue.issue_id, text="A credit for you")
    return issue


def test_accepting_while_the_buyer_waits_for_a_reply_does_not_resolve(engine):
    """The buyer accepted, then wrote again: the new message is owed a reply first."""
    issue = credited_and_answered_on_monday(engine)
    with time_machine.travel(MONDAY_9AM + timedelta(hours=2), tick=False):
        follow_up.note_buyer_message(engine, issue_id=issue.issue_id,
                                     text="Thanks — could you also send a new shade?")
        held = follow_up.record_response(engine, issue_id=issue.issue_id,
                                         response=BuyerResponse.ACCEPTED)
    assert held.status is IssueStatus.OPEN
    assert held.reply_due_at == datetime(2026, 11, 17, 11, 0)
    last = follow_up.issue_detail(engine, issue.issue_id).timeline[-1]
    assert last.text == ("buyer's answer to the offer: accepted (not resolved: a reply to "
                         "the buyer still owed)")


def test_a_message_noted_late_reopens_after_what_came_before(engine):
    """Written at 10:00, noted at 12:00 after a resolution at 11:00: the timeline says the
    issue was resolved, then reopened — not reopened before it was resolved."""
    issue = credited_and_answered_on_monday(engine)
    with time_machine.travel(MONDAY_9AM + timedelta(hours=2), tick=False):
        follow_up.record_response(engine, issue_id=issue.issue_id,
                                  response=BuyerResponse.ACCEPTED)
    with time_machine.travel(MONDAY_9AM + timedelta(hours=3), tick=False):
        follow_up.note_buyer_message(engine, issue_id=issue.issue_id, text="One more thing",
                                     when=(MONDAY_9AM + timedelta(hours=1)).replace(
                                         tzinfo=None))
    statuses = [(e.at.hour, e.text) for e in follow_up.issue_detail(engine, issue.issue_id)
                .timeline if e.kind == "status"]
    assert statuses == [(9, "Open → Awaiting buyer"), (11, "Awaiting buyer → Resolved"),
                        (12, "Resolved → Open")]


def test_the_draft_reply_names_the_order_problem_and_offer(engine):
    issue = add_issue(engine, order_id=ORDER, issue_type=IssueType.DAMAGED,
                      affected=(("LAMP", 1),))
    before = follow_up.draft_reply_for(engine, issue.issue_id, staff="Ana")
    assert "your order 114-3941689-8772232" in before
    assert "your “Brass Desk Lamp” arrived damaged" in before
    assert "We are looking into what happened. We will write again within 24 hours" in before
    issue_credit(engine, issue_id=issue.issue_id)
    after = follow_up.draft_reply_for(engine, issue.issue_id, staff="Ana")
    assert "offering you a courtesy credit of $17.70." in after
    assert "original payment method" in after
    assert after.rstrip().endswith("Kind regards,\nAna")


def test_the_offer_in_the_draft_follows_reversals_and_promotions(engine):
    with time_machine.travel(MONDAY_9AM, tick=False):
        issue = add_issue(engine, order_id=ORDER, issue_type=IssueType.DAMAGED,
                          affected=(("LAMP", 1),))
        issue_credit(engine, issue_id=issue.issue_id)
        reverse_credit(engine, credit_id=1, reason="wrong kind")
        issue_credit(engine, issue_id=issue.issue_id, kind=Remedy.PROMOTIONAL_CREDIT,
                     expires_on=date(2027, 1, 15))
        draft = follow_up.draft_reply_for(engine, issue.issue_id, staff="Ana")
    assert ("a promotional credit of $17.70 for your next purchase, valid until "
            "15 January 2027") in draft
    assert "send you the code" in draft


def test_a_seller_edits_the_template_for_the_whole_desk(engine):
    issue = add_issue(engine, order_id=ORDER, issue_type=IssueType.MISSING_ITEM,
                      affected=(("MUG", 1), ("LAMP", 1)))
    follow_up.save_reply_template(engine, "Hi! $problem. $offer\n— $staff, $store",
                                  store="Brightside Home")
    draft = follow_up.draft_reply_for(engine, issue.issue_id, staff="Ana")
    assert draft == ("Hi! your “Ceramic Mug” and your “Brass Desk Lamp” were missing from "
                     "your parcel. We are looking into what happened.\n"
                     "— Ana, Brightside Home\n")
    with pytest.raises(KnownError, match=r"line 2: \$buyer_name is not a placeholder"):
        follow_up.save_reply_template(engine, "Hi\nDear $buyer_name", store="")
    assert follow_up.reply_template(engine).startswith("Hi! $problem")


DE_ORDER = "302-5555555-5555555"


def german_order(engine, folder):
    import_orders(engine, write(folder / "de.txt", [
        row(DE_ORDER, sku="LAMP-DE", title="Messing-Schreibtischlampe, 40 cm", price="59.00",
            currency="EUR", channel="Amazon.de")]))


def test_an_amazon_de_buyer_is_answered_in_german(engine, tmp_path):
    german_order(engine, tmp_path)
    with time_machine.travel(MONDAY_9AM, tick=False):
        issue = add_issue(engine, order_id=DE_ORDER, issue_type=IssueType.DAMAGED,
                          affected=(("LAMP-DE", 1),))
        issue_credit(engine, issue_id=issue.issue_id, amount="7.50",
                     kind=Remedy.PROMOTIONAL_CREDIT, reason="a smaller gesture",
                     expires_on=date(2027, 1, 5))
        draft = follow_up.reply_draft(engine, issue.issue_id, staff="Ana")
    assert (draft.language, draft.language_name, draft.marketplace_name) == (
        "de", "German", "Amazon.de")
    assert draft.text.startswith("Guten Tag,\n\nvielen Dank für Ihre Nachricht zu Ihrer "
                                 f"Bestellung {DE_ORDER}.")
    assert "der Artikel „Messing-Schreibtischlampe“ beschädigt angekommen ist." in draft.text
    assert ("einen Aktionsgutschein über 7,50\xa0€ für Ihren nächsten Einkauf, gültig bis "
            "zum 5. Januar 2027.") in draft.text


def test_each_language_has_its_own_template_and_english_keeps_the_old_one(engine, tmp_path):
    german_order(engine, tmp_path)
    follow_up.save_reply_template(engine, "Hi! $problem.\n— $staff", store="Brightside")
    follow_up.save_reply_template(engine, "Hallo! Es tut uns leid, dass $problem.\n— $staff",
                                  store="Brightside", language="de")
    us_issue = add_issue(engine, order_id=OTHER, issue_type=IssueType.DAMAGED)
    de_issue = add_issue(engine, order_id=DE_ORDER, issue_type=IssueType.DAMAGED)
    assert follow_up.draft_reply_for(engine, us_issue.issue_id, staff="Ana") == (
        "Hi! your “Ceramic Mug” arrived damaged.\n— Ana\n")
    assert follow_up.draft_reply_for(engine, de_issue.issue_id, staff="Ana") == (
        "Hallo! Es tut uns leid, dass der Artikel „Messing-Schreibtischlampe“ beschädigt "
        "angekommen ist.\n— Ana\n")
    with reading(engine) as conn:   # English under the key desks kept their one template
        assert setting(conn, key="reply_template") == "Hi! $problem.\n— $staff"
        assert setting(conn, key="reply_template.de").startswith("Hallo!")
    assert follow_up.reply_template(engine, "fr").startswith("Bonjour,")


def test_a_template_that_trades_a_refund_for_feedback_is_not_saved(engine):
    template = ("Guten Tag,\n\n$offer\nWenn Sie Ihre Bewertung entfernen, erstatten wir "
                "Ihnen den vollen Betrag.\n$staff")
    with pytest.raises(KnownError, match=r"^line 4: “Wenn Sie Ihre Bewertung entfernen, "
                                         r"erstatten wir Ihnen den vollen Betrag\.” — it ties"):
        follow_up.save_reply_template(engine, template, store="", language="de")
    assert follow_up.reply_template(engine, "de").startswith("Guten Tag,\n\nvielen Dank")


def test_status_and_assignee_changes_are_on_the_timeline(engine):
    hire(engine, "Ben")                  # by Ana, the first at the desk: its owner
    issue = add_issue(engine, order_id=ORDER, issue_type=IssueType.DEFECTIVE)
    follow_up.assign(engine, issue_id=issue.issue_id, assignee="Ben")
    assert follow_up.find_issues(engine, assignee="Ben")[0].issue.issue_id == issue.issue_id
    with pytest.raises(DeskError, match="nobody called 'Zed' works at this desk"):
        follow_up.assign(engine, issue_id=issue.issue_id, assignee="Zed")
    escalated = follow_up.set_status(engine, issue_id=issue.issue_id,
                                     status=IssueStatus.ESCALATED_ATOZ, note="claim filed")
    assert escalated.status is IssueStatus.ESCALATED_ATOZ
    texts = [e.text for e in follow_up.issue_detail(engine, issue.issue_id).timeline]
    assert texts[1:] == ["assigned to Ben", "Open → A-to-z claim: claim filed"]
    assert follow_up.find_issues(engine, status="active") == []


def test_only_an_owner_changes_roles_and_one_owner_always_remains(engine):
    add_issue(engine, order_id=OTHER, issue_type=IssueType.OTHER)   # Ana becomes owner
    hire(engine, "Ben", "supervisor", "USD 50")
    with pytest.raises(DeskError, match="Ben is a supervisor; only an owner"):
        staff_admin.save_staff(engine, name="Cleo", role="agent", staff="Ben")
    with pytest.raises(DeskError, match="Ana is the desk's only owner"):
        staff_admin.save_staff(engine, name="Ana", role="agent")
    with pytest.raises(DeskError, match="'fifty' is not a number"):
        staff_admin.save_staff(engine, name="Ben", role="agent", approval_limits="USD fifty")
    assert [(m.name, m.role, m.limits_text) for m in staff_admin.list_staff(engine)] == [
        ("Ana", "owner", ""), ("Ben", "supervisor", "USD 50")]


def test_the_ledger_keeps_running_totals_per_currency(engine, tmp_path):
    jp = write(tmp_path / "jp.txt", [row("250-1111111-1111111", sku="TEA", price="3000",
                                         currency="JPY")])
    import_orders(engine, jp, marketplace="JP")
    first = add_issue(engine, order_id=ORDER, issue_type=IssueType.DAMAGED,
                      affected=(("LAMP", 1),))
    second = add_issue(engine, order_id="250-1111111-1111111",
                       issue_type=IssueType.DAMAGED, affected=(("TEA", 1),))
    issue_credit(engine, issue_id=first.issue_id)
    issue_credit(engine, issue_id=second.issue_id)
    reverse_credit(engine, credit_id=1, reason="returned")
    lines = ledger.ledger_lines(engine)
    assert [(line.credit.amount.display(), line.running_total.display(), line.reversed_by)
            for line in lines] == [("$17.70", "$17.70", 3), ("¥900", "¥900", None),
                                   ("-$17.70", "$0.00", None)]
    assert {c: m.display() for c, m in ledger.totals_by_currency(lines).items()} == {
        "JPY": "¥900", "USD": "$0.00"}


def test_promotional_credits_lapsing_soon(engine):
    today = MONDAY_9AM.date()
    with time_machine.travel(MONDAY_9AM, tick=False):
        for days in (3, 40, 10):
            issue = add_issue(engine, order_id=ORDER,
                              issue_type=IssueType.LATE_DELIVERY, days_late=1)
            issue_credit(engine, issue_id=issue.issue_id,
                         kind=Remedy.PROMOTIONAL_CREDIT,
                         expires_on=today + timedelta(days=days))
    lapsing = ledger.lapsing_promotions(engine, today=today)
    assert [(c.credit_id, c.expires_on) for c in lapsing] == [
        (1, today + timedelta(days=3)), (3, today + timedelta(days=10))]
    reverse_credit(engine, credit_id=1, reason="buyer preferred a refund")
    assert [c.credit_id for c in ledger.lapsing_promotions(engine, today=today)] == [3]


def test_amazons_deadlines_follow_the_events_recorded(engine):
    with time_machine.travel(MONDAY_9AM, tick=False):
        issue = add_issue(engine, order_id=ORDER, issue_type=IssueType.DAMAGED)
        follow_up.note_reply(engine, issue_id=issue.issue_id, text="Sorry, a refund follows.")
    with time_machine.travel(MONDAY_9AM + timedelta(days=4), tick=False):   # Friday
        follow_up.record_event(engine, issue_id=issue.issue_id, kind="return_received",
                               note="tracking 1Z999")
        [listed] = follow_up.find_issues(engine)
        # the buyer's contact is still unresolved after 48 hours: that comes first
        assert listed.next_deadline.key == "atoz_contact"
        refund = [d for d in follow_up.issue_detail(engine, issue.issue_id).deadlines
                  if d.key == "refund_after_return"]
        assert refund[0].due == datetime(2026, 11, 24, 9, 0)   # Tuesday, 2 business days
    with time_machine.travel(MONDAY_9AM + timedelta(days=5), tick=False):
        follow_up.record_event(engine, issue_id=issue.issue_id, kind="refund_issued")
        chargeback = follow_up.record_event(engine, issue_id=issue.issue_id,
                                            kind="chargeback_notice")
        assert chargeback.status is IssueStatus.ESCALATED_CHARGEBACK
        with pytest.raises(DeskError, match="unknown event 'claim'"):
            follow_up.record_event(engine, issue_id=issue.issue_id, kind="claim")
    detail = follow_up.issue_detail(engine, issue.issue_id)
    moment = datetime(2026, 11, 21, 10, 0)
    assert [d.describe(moment) for d in detail.deadlines] == [
        "Answer the chargeback: 6 d 23 h left",
        # the chargeback settled the buyer-contact clock, late
        "Resolve before the buyer may file an A-to-z claim: done late",
        "Refund the return: done"]


def test_a_message_noted_late_keeps_the_time_it_was_written(engine):
    with time_machine.travel(MONDAY_9AM, tick=False):
        issue = add_issue(engine, order_id=ORDER, issue_type=IssueType.DAMAGED)
        follow_up.note_reply(engine, issue_id=issue.issue_id, text="Sorry!")
    written = datetime(2026, 11, 17, 8, 30)            # read off Buyer-Seller Messages
    with time_machine.travel(MONDAY_9AM + timedelta(days=1, hours=3), tick=False):
        noted = follow_up.note_buyer_message(engine, issue_id=issue.issue_id,
                                             text="Still broken", when=written)
        assert noted.reply_due_at == written + timedelta(hours=24)
        assert noted.updated_at == datetime(2026, 11, 17, 12, 0)
        replied = follow_up.note_reply(engine, issue_id=issue.issue_id, text="A new one ships",
                                       when=datetime(2026, 11, 17, 10, 0))
        with pytest.raises(DeskError, match="2026-11-17 12:05 UTC is still to come"):
            follow_up.note_buyer_message(engine, issue_id=issue.issue_id, text="x",
                                         when=datetime(2026, 11, 17, 12, 5))
    timeline = follow_up.issue_detail(engine, issue.issue_id).timeline
    assert [(e.at, e.kind) for e in timeline if e.kind in ("buyer_message", "reply")] == [
        (datetime(2026, 11, 16, 9, 0), "reply"), (written, "buyer_message"),
        (datetime(2026, 11, 17, 10, 0), "reply")]
    assert replied.reply_due_at is None


def stored_runs(engine, issue_id):
    runs_ = CLOCK_RUNS.c
    with reading(engine) as conn:
        return [tuple(r) for r in conn.execute(
            sa.select(runs_.clock, runs_.started, runs_.met)
            .where(runs_.issue_id == issue_id).order_by(runs_.clock))]


def test_a_credit_meets_the_buyer_contact_clock_where_the_metrics_read_it(engine):
    """The credit's line is counted in the stored clock runs before it is written (outside
    the ledger's lock): the stored runs must still equal the timeline's."""
    with time_machine.travel(MONDAY_9AM, tick=False):
        direct = add_issue(engine, order_id=ORDER, issue_type=IssueType.DAMAGED,
                           affected=(("LAMP", 1),))
        hire(engine, "Ben")
        asked_for = add_issue(engine, order_id=OTHER, issue_type=IssueType.MISSING_ITEM,
                              affected=(("MUG", 1),), staff="Ben")
    with time_machine.travel(MONDAY_9AM + timedelta(hours=49), tick=False):   # late
        issue_credit(engine, issue_id=direct.issue_id)
        asked = issue_credit(engine, issue_id=asked_for.issue_id, amount="14.50",
                             reason="the whole mug", staff="Ben")
        assert asked.pending
    with time_machine.travel(MONDAY_9AM + timedelta(hours=50), tick=False):
        owner_at_work(engine)
        decide_approval(engine, approval_id=asked.approval_id, approve=True)
    # the credit meets the clock; the issue stays open for the reply and the buyer's answer
    assert kinds(engine, direct.issue_id) == ["logged", "suggestion", "credit"]
    assert kinds(engine, asked_for.issue_id) == ["logged", "suggestion",
                                                 "approval_requested", "approved"]
    credited, approved = datetime(2026, 11, 18, 10, 0), datetime(2026, 11, 18, 11, 0)
    assert stored_runs(engine, direct.issue_id) == [
        ("atoz_contact", MONDAY_9AM.replace(tzinfo=None), credited)]
    assert stored_runs(engine, asked_for.issue_id) == [
        ("atoz_contact", MONDAY_9AM.replace(tzinfo=None), approved)]
    for issue in (direct, asked_for):
        timeline = follow_up.issue_detail(engine, issue.issue_id).timeline
        assert stored_runs(engine, issue.issue_id) == [
            (r.clock, r.started, r.met) for r in runs(timeline)]


def test_no_response_needed_stops_the_clock_and_says_so(engine):
    """A buyer's thank-you needs no answer: the clock stops, the issue stays as it was,
    and the timeline says a person decided it (Seller Central's "No response needed")."""
    with time_machine.travel(MONDAY_9AM, tick=False):
        issue_id = add_issue(engine, order_id=ORDER, issue_type=IssueType.DAMAGED).issue_id
        after = follow_up.no_response_needed(engine, issue_id=issue_id,
                                             note="buyer said thanks")
        assert after.reply_due_at is None
        assert after.status is IssueStatus.OPEN
        [*_, last] = follow_up.issue_detail(engine, issue_id).timeline
        assert (last.kind, last.text) == ("no_response_needed",
                                          "No response needed: buyer said thanks")
        with pytest.raises(DeskError, match="owes the buyer no reply"):
            follow_up.no_response_needed(engine, issue_id=issue_id)
