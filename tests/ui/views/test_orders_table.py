"""Typing on the orders table searches through the search box (one query), never Qt's
type-ahead, which reads every row of the model to match the first column."""


def test_typing_on_the_orders_table_searches_with_the_search_box(qtbot, window):
    target = window.orders_model.order_at(37).order_id
    window.orders_view.setFocus()
    qtbot.keyClicks(window.orders_view, target[:11])
    box = window.filter_bar.search_box
    assert box.hasFocus()
    assert box.text() == target[:11]
    qtbot.waitUntil(lambda: window.orders_model.order_filter.search == target[:11])
    shown = {window.orders_model.order_at(r).order_id
             for r in range(window.orders_model.rowCount())}
    assert target in shown
    assert all(order_id.startswith(target[:11]) for order_id in shown)
