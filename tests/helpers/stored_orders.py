"""An order read back from the database as the store gives it, for tests to check what an
import left there."""

from __future__ import annotations

from sellerdesk.store.engine import reading
from sellerdesk.store.orders import get_order


def order(engine, order_id):
    with reading(engine) as conn:
        return get_order(conn, order_id=order_id)


ORDER, OTHER = "114-3941689-8772232", "114-0000000-0000002"


def lamp_and_mugs(engine, folder):
    """Two orders imported: ORDER (a brass desk lamp and two mugs), OTHER (one mug) — the
    desk the follow-up and queue tests work on."""
    from sellerdesk.services.imports.orders import import_orders
    from tests.helpers.reports import row, write
    report = write(folder / "orders.txt", [
        row(ORDER, sku="LAMP", title="Brass Desk Lamp, 40 cm, warm white", price="59.00"),
        row(ORDER, sku="MUG", title="Ceramic Mug", price="29.00", quantity=2),
        row(OTHER, sku="MUG", title="Ceramic Mug", price="14.50"),
    ])
    import_orders(engine, report)
    return engine
