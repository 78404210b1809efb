"""Defects on orders — negative feedback, A-to-z claims, chargebacks — for the Order
Defect Rate. One of each kind per order, as Amazon allows.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

ORDER_ID = sa.String(32).with_variant(sa.String(32, collation="C"), "postgresql")


def upgrade() -> None:
    op.create_table(
        "defect",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("order_id", ORDER_ID, sa.ForeignKey("orders.order_id"), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("recorded_on", sa.Date(), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=True),
        sa.Column("rater_ref", sa.String(64), nullable=True),
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("order_id", "kind", name="uq_defect_order_kind"),
    )
    op.create_index("ix_defect_recorded", "defect", ["recorded_on"])


def downgrade() -> None:
    op.drop_index("ix_defect_recorded", "defect")
    op.drop_table("defect")
