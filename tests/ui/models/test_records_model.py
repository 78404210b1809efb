"""A list held whole sorts in the model, by each column's value (numbers as numbers,
amounts by currency then size, moments by time, a missing value last either way), and a
list read again keeps its sort and the rows selected with it."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from PySide6.QtCore import QItemSelectionModel, Qt

from sellerdesk.core.money import Money
from sellerdesk.ui.models.records_model import Column, RecordsModel
from sellerdesk.ui.models.work_models import money_key

ASCENDING, DESCENDING = Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder
START = datetime(2026, 3, 1, 12)


@dataclass(frozen=True)
class Credit:
    number: int
    amount: Money
    due: datetime | None
    note: str


def credits_model() -> RecordsModel[Credit]:
    return RecordsModel([
        Column("#", lambda c: str(c.number), key=lambda c: c.number),
        Column("Amount", lambda c: c.amount.display(), key=lambda c: money_key(c.amount)),
        # The words a clock shows: "1 d left" is later than "2 h left", though it sorts
        # before it as text.
        Column("Due", lambda c: _left(c.due), key=lambda c: c.due),
        Column("Note", lambda c: c.note),
    ], identity=lambda c: c.number)


def _left(due: datetime | None) -> str:
    if due is None:
        return "—"
    hours = int((due - START) / timedelta(hours=1))
    return f"{hours // 24} d left" if hours >= 24 else f"{hours} h left"


CREDITS = [
    Credit(9, Money(Decimal("7.50"), "USD"), START + timedelta(days=1), "request 10"),
    Credit(10, Money(Decimal("10.00"), "USD"), START + timedelta(hours=2), "Request 9"),
    Credit(2, Money(Decimal("4.00"), "GBP"), None, "—"),
    Credit(100, Money(Decimal("1.25"), "USD"), START + timedelta(days=3), "apology"),
]


def loaded() -> RecordsModel[Credit]:
    model = credits_model()
    model.set_records(CREDITS)
    return model


def sorted_texts(column: int, order: Qt.SortOrder) -> list[str]:
    model = loaded()
    model.sort(column, order)
    return model.column_texts(column)


def test_the_model_passes_qtmodeltester_sorted(qtmodeltester):
    model = loaded()
    model.sort(2, DESCENDING)
    qtmodeltester.check(model, force_py=True)


def test_until_sorted_the_rows_keep_the_querys_order():
    model = loaded()
    assert model.column_texts(0) == ["9", "10", "2", "100"]
    model.sort(0, ASCENDING)
    model.sort(-1, ASCENDING)              # a header's third click: the query's order again
    assert model.column_texts(0) == ["9", "10", "2", "100"]


def test_numbers_sort_as_numbers_not_as_text():
    assert sorted_texts(0, ASCENDING) == ["2", "9", "10", "100"]
    assert sorted_texts(0, DESCENDING) == ["100", "10", "9", "2"]


def test_amounts_sort_by_currency_then_size():
    assert sorted_texts(1, ASCENDING) == ["£4.00", "$1.25", "$7.50", "$10.00"]


def test_a_clock_sorts_by_its_moment_and_a_missing_one_is_last_both_ways():
    assert sorted_texts(2, ASCENDING) == ["2 h left", "1 d left", "3 d left", "—"]
    assert sorted_texts(2, DESCENDING) == ["3 d left", "1 d left", "2 h left", "—"]


def test_words_sort_ignoring_case_with_their_numbers_as_numbers():
    assert sorted_texts(3, ASCENDING) == ["apology", "Request 9", "request 10", "—"]


def test_a_list_read_again_keeps_its_sort_and_the_selected_rows(qtbot):
    model = loaded()
    model.sort(0, ASCENDING)
    selection = QItemSelectionModel(model)
    for row in (1, 3):      # credits 9 and 100, as several rows are chosen in a list
        selection.select(model.index(row, 0), QItemSelectionModel.SelectionFlag.Select
                         | QItemSelectionModel.SelectionFlag.Rows)
    selection.setCurrentIndex(model.index(3, 0), QItemSelectionModel.SelectionFlag.NoUpdate)
    # Read again: credit 2 is gone, credit 9 changed its note, credit 5 is new, and the
    # query gives them in another order.
    model.set_records([CREDITS[3], Credit(5, Money(Decimal("3.00"), "USD"), None, "new"),
                       CREDITS[1], Credit(9, CREDITS[0].amount, CREDITS[0].due, "changed")])
    assert model.column_texts(0) == ["5", "9", "10", "100"]
    assert model.column_texts(3)[1] == "changed"
    chosen = sorted(model.record_at(index.row()).number
                    for index in selection.selectedRows())
    assert chosen == [9, 100]
    assert model.record_at(selection.currentIndex().row()).number == 100
