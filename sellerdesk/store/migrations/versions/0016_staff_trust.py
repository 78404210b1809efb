"""Trust at the desk: approval limits per currency, deactivated staff, and on a single
desk a supervisor's or owner's PIN (a scrypt hash) with its wrong tries counted.

A limit was one number for every currency (¥15 and $15 alike). It becomes that number
in each currency the desk's orders are in, so nobody's limit loosens on upgrade; the
owner then sets each currency's own in Staff. With no orders yet, in the currencies of
Amazon's marketplaces.

Revision ID: 0016
Revises: 0015
"""

import json
from decimal import Decimal

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

# core.marketplaces' currencies as of this revision (a migration never follows later code).
MARKETPLACE_CURRENCIES = ("USD", "CAD", "MXN", "BRL", "GBP", "EUR", "SEK", "PLN", "TRY",
                          "AED", "SAR", "EGP", "INR", "JPY", "AUD", "SGD")


def upgrade() -> None:
    op.add_column("staff", sa.Column("approval_limits", sa.Text(), nullable=True))
    op.add_column("staff", sa.Column("deactivated_at", sa.DateTime(), nullable=True))
    op.add_column("staff", sa.Column("pin_hash", sa.String(200), nullable=True))
    op.add_column("staff", sa.Column("pin_failures", sa.Integer(), nullable=False,
                                     server_default="0"))
    op.add_column("staff", sa.Column("pin_locked_until", sa.DateTime(), nullable=True))
    conn = op.get_bind()
    currencies = sorted(conn.execute(sa.text("SELECT DISTINCT currency FROM orders"))
                        .scalars()) or list(MARKETPLACE_CURRENCIES)
    limited = conn.execute(sa.text("SELECT id, approval_limit FROM staff "
                                   "WHERE approval_limit IS NOT NULL")).all()
    for staff_id, limit in limited:
        conn.execute(sa.text("UPDATE staff SET approval_limits = :limits WHERE id = :id"),
                     {"id": staff_id,
                      "limits": json.dumps({currency: limit for currency in currencies})})
    with op.batch_alter_table("staff") as batch:
        batch.drop_column("approval_limit")


def downgrade() -> None:
    op.add_column("staff", sa.Column("approval_limit", sa.String(32), nullable=True))
    conn = op.get_bind()
    for staff_id, limits in conn.execute(sa.text(
            "SELECT id, approval_limits FROM staff WHERE approval_limits IS NOT NULL")).all():
        values = json.loads(limits).values()
        # One number stood for every currency: the strictest one keeps nobody looser.
        conn.execute(sa.text("UPDATE staff SET approval_limit = :limit WHERE id = :id"),
                     {"id": staff_id, "limit": min(values, key=Decimal) if values else None})
    with op.batch_alter_table("staff") as batch:
        for column in ("pin_locked_until", "pin_failures", "pin_hash", "deactivated_at",
                       "approval_limits"):
            batch.drop_column(column)
