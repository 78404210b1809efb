"""Orders per day, marketplace, channel and currency, kept beside the orders so the
dashboard counts a 60-day window from a few hundred rows instead of every order in it;
and the dates issues and credits were written, indexed for the dashboard's window.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "order_day",
        sa.Column("day", sa.Date(), primary_key=True),
        sa.Column("marketplace", sa.String(8), primary_key=True),
        sa.Column("channel", sa.String(3), primary_key=True),
        sa.Column("currency", sa.String(3), primary_key=True),
        sa.Column("orders", sa.Integer(), nullable=False),
        sa.Column("total_minor", sa.BigInteger(), nullable=False),
    )
    op.execute("INSERT INTO order_day (day, marketplace, channel, currency, orders, "
               "total_minor) SELECT date(purchase_date), marketplace, channel, currency, "
               "count(*), sum(total_minor) FROM orders "
               "GROUP BY date(purchase_date), marketplace, channel, currency")
    op.create_index("ix_issue_created", "issue", ["created_at"])
    op.create_index("ix_credit_created", "credit", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_credit_created", "credit")
    op.drop_index("ix_issue_created", "issue")
    op.drop_table("order_day")
