from sellerdesk.core.orders import Channel, OrderFilter
from sellerdesk.services.database import open_database
from sellerdesk.ui.models.orders_model import COL_ORDER_ID, COL_TOTAL, PAGE, OrdersTableModel


def test_model_passes_qtmodeltester(qtmodeltester, demo_db):
    with open_database(demo_db) as db:
        model = OrdersTableModel(db.engine)
        qtmodeltester.check(model, force_py=True)
        model.set_filter(OrderFilter(channel=Channel.MFN))
        qtmodeltester.check(model, force_py=True)


def test_rows_come_a_page_at_a_time(demo_db):
    with open_database(demo_db) as db:
        model = OrdersTableModel(db.engine)
        assert model.rowCount() == 600
        assert model._pages == {}  # nothing fetched until something is painted
        last = model.index(599, COL_ORDER_ID).data()
        assert list(model._pages) == [599 // PAGE]
        first = model.index(0, COL_ORDER_ID).data()
        assert first != last
        assert set(model._pages) == {0, 599 // PAGE}


def test_totals_show_in_the_orders_currency(demo_db):
    with open_database(demo_db) as db:
        model = OrdersTableModel(db.engine)
        model.set_filter(OrderFilter(marketplaces=frozenset({"JP"}),
                                     statuses=frozenset({"Shipped"})))
        totals = [model.index(r, COL_TOTAL).data() for r in range(model.rowCount())]
    assert totals
    assert all(t.startswith("¥") and "." not in t for t in totals)


def test_sorting_asks_the_database_and_passes_qtmodeltester(qtmodeltester, demo_db):
    from PySide6.QtCore import Qt

    from sellerdesk.ui.models.orders_model import COL_UNITS
    with open_database(demo_db) as db:
        model = OrdersTableModel(db.engine)
        units = sorted(model.index(r, COL_UNITS).data() for r in range(model.rowCount()))
        model.sort(COL_UNITS, Qt.SortOrder.DescendingOrder)
        assert model._pages == {}            # read again, a page at a time, in that order
        assert model.index(0, COL_UNITS).data() == units[-1]
        assert model.index(model.rowCount() - 1, COL_UNITS).data() == units[0]
        qtmodeltester.check(model, force_py=True)


def test_an_empty_model_says_why(demo_db):
    with open_database(demo_db) as db:
        model = OrdersTableModel(db.engine)
        assert model.empty_text() == ""
        model.set_filter(OrderFilter(search="no such words"))
        assert model.empty_text() == "No order matches “no such words”"
        model.set_filter(OrderFilter(search="lamp", marketplaces=frozenset({"XX"})))
        assert model.empty_text() == "No order matches these filters"
