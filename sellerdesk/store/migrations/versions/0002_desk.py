"""The desk: staff, policy versions, issues and their timeline, approval requests, and
the append-only credit ledger (the database refuses UPDATE and DELETE on it).

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

ORDER_ID = sa.String(32).with_variant(sa.String(32, collation="C"), "postgresql")
APPEND_ONLY = "credits are append-only: correct a credit with a reversing entry"


def upgrade() -> None:
    op.create_table(
        "staff",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(100), nullable=False, unique=True),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("approval_limit", sa.String(32), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "policy_version",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
    )
    op.create_table(
        "issue",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("order_id", ORDER_ID, sa.ForeignKey("orders.order_id"), nullable=False),
        sa.Column("type", sa.String(32), nullable=False),
        sa.Column("severity", sa.String(16), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("affected", sa.Text(), nullable=False),
        sa.Column("days_late", sa.Integer(), nullable=False),
        sa.Column("buyer_ref", sa.String(64), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("assignee", sa.String(100), nullable=False),
        sa.Column("resolution", sa.String(32), nullable=False),
        sa.Column("buyer_response", sa.String(16), nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_issue_order", "issue", ["order_id"])
    op.create_index("ix_issue_status", "issue", ["status"])
    op.create_index("ix_issue_buyer", "issue", ["buyer_ref", "created_at"])
    op.create_table(
        "timeline_event",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("issue_id", sa.Integer(), sa.ForeignKey("issue.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
    )
    op.create_index("ix_timeline_issue", "timeline_event", ["issue_id", "at"])
    op.create_table(
        "credit",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("issue_id", sa.Integer(), sa.ForeignKey("issue.id"), nullable=False),
        sa.Column("order_id", ORDER_ID, sa.ForeignKey("orders.order_id"), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("reverses", sa.Integer(), sa.ForeignKey("credit.id"), nullable=True,
                  unique=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("staff", sa.String(100), nullable=False),
        sa.Column("approved_by", sa.String(100), nullable=True),
        sa.Column("policy_version", sa.Integer(), sa.ForeignKey("policy_version.id"),
                  nullable=True),
        sa.Column("suggested_minor", sa.BigInteger(), nullable=True),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=True),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("entry_hash", sa.String(64), nullable=False, unique=True),
    )
    op.create_index("ix_credit_order", "credit", ["order_id"])
    op.create_index("ix_credit_issue", "credit", ["issue_id"])
    op.create_table(
        "approval_request",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("issue_id", sa.Integer(), sa.ForeignKey("issue.id"), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("requested_by", sa.String(100), nullable=False),
        sa.Column("requested_at", sa.DateTime(), nullable=False),
        sa.Column("policy_version", sa.Integer(), nullable=True),
        sa.Column("suggested_minor", sa.BigInteger(), nullable=True),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("decided_by", sa.String(100), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("credit_id", sa.Integer(), nullable=True),
    )
    op.create_index("ix_approval_status", "approval_request", ["status"])

    if op.get_context().dialect.name == "postgresql":
        op.execute(f"""
            CREATE FUNCTION credit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION '{APPEND_ONLY}'; END $$""")
        op.execute("CREATE TRIGGER credit_no_change BEFORE UPDATE OR DELETE ON credit "
                   "FOR EACH ROW EXECUTE FUNCTION credit_append_only()")
        op.execute("CREATE TRIGGER credit_no_truncate BEFORE TRUNCATE ON credit "
                   "FOR EACH STATEMENT EXECUTE FUNCTION credit_append_only()")
    else:
        for event in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER credit_no_{event.lower()} BEFORE {event} ON credit "
                       f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END")


def downgrade() -> None:
    for table in ("approval_request", "credit", "timeline_event", "issue", "policy_version",
                  "staff"):
        op.drop_table(table)
    if op.get_context().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS credit_append_only()")
