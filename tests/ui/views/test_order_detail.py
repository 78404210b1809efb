"""A Returns report and an FBA returns report dropped on the window: each return shows on
its order's activity with what was refunded or what became of the item."""

from tests.helpers.reports import FBA, MFN, fba, mfn, report
from tests.ui.conftest import ORDER


def test_returns_show_on_their_order(qtbot, desk_window, tmp_path):
    for path in (report(tmp_path / "Returns.txt", MFN, [mfn(ORDER, "DkXq1", claim="Y",
                                                            refunded="24.99")]),
                 report(tmp_path / "FBA returns.txt", FBA, [fba(ORDER, "LPN1")])):
        with qtbot.waitSignal(desk_window.task_finished, timeout=20_000):
            desk_window.import_report(path)
    assert desk_window.statusBar().currentMessage() == (
        "FBA returns.txt: 1 return (1 new, 0 imported before)")
    desk_window.show_order(ORDER)
    detail = desk_window.detail_view
    assert detail.activity_rows() == [
        ["2026-10-05", "Return", "1 × MUG returned: defective (standard refund) — A-to-z "
                                 "claim filed", "refunded $24.99", "Returns report"],
        ["2026-10-06", "Return", "1 × MUG returned: damaged by carrier (carrier damaged)",
         "unit returned to inventory", "FBA customer returns"]]
    assert detail.activity_label.text() == "<b>Issues, credits and returns</b>"
