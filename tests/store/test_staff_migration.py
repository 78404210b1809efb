"""Upgrading a desk from before PINs and per-currency limits (migration 0016): a limit
that was one number stays that number in each currency the desk's orders are in, so
nobody's limit loosens; supervisors and owners have no PIN yet and choose one first."""

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config

from sellerdesk.services import staff_admin
from sellerdesk.services.at_desk import staff_at_desk
from sellerdesk.services.database import open_database
from sellerdesk.services.protection.pins import PinNeeded
from sellerdesk.store.engine import database_url, make_engine, writing
from sellerdesk.store.migrate import MIGRATIONS_DIR


def desk_at_0015(url: str) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    engine = make_engine(database_url(url))
    with writing(engine) as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0015")
        for order_id, currency in (("114-0000000-0000001", "USD"),
                                   ("250-0000000-0000002", "JPY")):
            conn.execute(sa.text(
                "INSERT INTO orders (order_id, merchant_order_id, purchase_date, last_updated, "
                "status, marketplace, sales_channel, channel, currency, ship_service_level, "
                "ship_country, is_business, units, first_title, items_minor, shipping_minor, "
                "tax_minor, discount_minor, total_minor) VALUES (:id, '', '2026-10-01', "
                "'2026-10-01', 'Shipped', 'US', '', 'AFN', :currency, '', '', false, 1, 'Mug', "
                "1450, 0, 0, 0, 1450)"), {"id": order_id, "currency": currency})
        for name, role, limit in (("Olga", "owner", None), ("Ben", "agent", "15"),
                                  ("Mara", "supervisor", None)):
            conn.execute(sa.text("INSERT INTO staff (name, role, approval_limit, created_at) "
                                 "VALUES (:name, :role, :limit, '2026-10-01')"),
                         {"name": name, "role": role, "limit": limit})
    engine.dispose()


def test_limits_keep_their_number_per_currency_and_pins_are_chosen_first(db_url):
    desk_at_0015(db_url)
    db = open_database(db_url)
    try:
        members = {m.name: m for m in staff_admin.list_staff(db.engine)}
        assert members["Ben"].limits_text == "JPY 15, USD 15"
        assert not members["Mara"].has_pin
        assert members["Mara"].active
        with pytest.raises(PinNeeded, match="Olga has none yet and sets one the first time"):
            staff_admin.save_staff(db.engine, name="Ben", role="agent",
                                   approval_limits="USD 15, JPY 1500", staff="Olga")
        staff_admin.give_pin(db.engine, "Olga", "olga-1234")
        staff_admin.save_staff(db.engine, name="Ben", role="agent",
                               approval_limits="USD 15, JPY 1500", staff="Olga")
        with db.engine.connect() as conn:
            assert staff_at_desk(conn, "Ben").limits_text == "JPY 1500, USD 15"
    finally:
        db.engine.dispose()
