"""A settlement report imported in the window, then squared with the ledger in
Desk › Settlements and refunds: what Amazon paid for the credit, the fee it kept, and a
refund SellerDesk never gave."""

from PySide6.QtCore import Qt

from sellerdesk.core.issues import IssueType
from sellerdesk.services.credits import issue_credit
from sellerdesk.services.issues import add_issue
from tests.helpers.reports import head, line, settlement_file
from tests.ui.conftest import ORDER


def cells(table):
    model = table.model()
    return [[model.index(r, c).data() for c in range(model.columnCount())]
            for r in range(model.rowCount())]


def test_a_settlement_dropped_in_shows_what_amazon_paid(qtbot, desk_window, tmp_path):
    engine = desk_window.database.engine
    issue = add_issue(engine, order_id=ORDER, issue_type=IssueType.DAMAGED,
                      affected=(("BOOK", 1),))
    given = issue_credit(engine, issue_id=issue.issue_id).credit_id
    report = settlement_file(tmp_path / "settlement.txt", [
        head(), line(ORDER, "Principal", "-7.50", adjustment="A1"),
        line(ORDER, "RefundCommission", "-0.23", amount_type="ItemFees", adjustment="A1"),
        line("114-0000000-0000042", "Principal", "-3.00", adjustment="A2")])
    with qtbot.waitSignal(desk_window.task_finished, timeout=20_000):
        desk_window.import_report(report)
    assert desk_window.statusBar().currentMessage().startswith(
        "settlement.txt: settlement 9001, 4 rows, 2 refunds")
    desk_window.settlements_action.trigger()
    dialog = desk_window.work_tabs.dialog
    assert [dialog.tabs.tabText(n) for n in range(3)] == [
        "&Paid (1)", "&Not paid yet (0)", "&Refunds without a credit (1)"]
    assert cells(dialog.paid) == [[ORDER, str(given), "$7.50", "$7.50", "—", "$0.23",
                                   "same order"]]
    assert dialog.paid.model().index(0, 3).data(Qt.ItemDataRole.TextAlignmentRole) & (
        Qt.AlignmentFlag.AlignRight)
    assert cells(dialog.unclaimed) == [["114-0000000-0000042", "9001", "2026-10-05", "$3.00",
                                        "$0.00"]]
    assert dialog.summary_label.text().endswith("Refund administration fees kept: $0.23.")
    dialog.close()


def test_before_any_settlement_the_view_says_what_to_do(desk_window):
    desk_window.settlements_action.trigger()
    dialog = desk_window.work_tabs.dialog
    assert dialog.summary_label.text().startswith("No refunds from a settlement yet. Import a "
                                                  "settlement report")
    assert dialog.paid.model().rowCount() == 0
    dialog.close()


def test_a_refund_in_another_currency_shows_as_a_mismatch(qtbot, desk_window, tmp_path):
    engine = desk_window.database.engine
    issue = add_issue(engine, order_id=ORDER, issue_type=IssueType.DAMAGED,
                      affected=(("BOOK", 1),))
    given = issue_credit(engine, issue_id=issue.issue_id).credit_id
    report = settlement_file(tmp_path / "yen.txt", [
        head(total="-1100", currency="JPY"), line(ORDER, "Principal", "-1100", adjustment="Y")])
    with qtbot.waitSignal(desk_window.task_finished, timeout=20_000):
        desk_window.import_report(report)
    desk_window.settlements_action.trigger()
    dialog = desk_window.work_tabs.dialog
    assert [dialog.tabs.tabText(n) for n in range(4)] == [
        "&Paid (0)", "&Not paid yet (0)", "&Refunds without a credit (0)",
        "&Currency differs (1)"]
    assert cells(dialog.mismatched) == [[ORDER, str(given), "$7.50", "¥1,100", "9001",
                                         "same order"]]
    assert "met a refund in another currency" in dialog.summary_label.text()
    dialog.close()
