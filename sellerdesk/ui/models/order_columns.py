"""The orders table's columns: their headers and what each sorts by. Apart from the model
(which brings SQLAlchemy) so that the view and the window's start need not import it."""

from __future__ import annotations

from sellerdesk.core.orders import OrderSort

COL_ORDER_ID, COL_PURCHASED, COL_MARKETPLACE, COL_CHANNEL, COL_STATUS, COL_UNITS, \
    COL_TOTAL, COL_PRODUCT = range(8)
HEADERS = ("Order ID", "Purchased", "Market", "Channel", "Status", "Units", "Total", "Product")
# What each column sorts by (store.orders has an index for each).
SORT_KEYS = (OrderSort.ORDER_ID, OrderSort.PURCHASED, OrderSort.MARKETPLACE, OrderSort.CHANNEL,
             OrderSort.STATUS, OrderSort.UNITS, OrderSort.TOTAL, OrderSort.PRODUCT)
