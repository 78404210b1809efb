"""The seller's mailbox (issue #25): the mail read from it and the replies sent
(mail_message), how far each watched folder was read (mail_folder), and on a team
database which desk fetches the mailbox (mail_lease).

Revision ID: 0021
Revises: 0020
"""

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

_ORDER_ID = sa.String(32).with_variant(sa.String(32, collation="C"), "postgresql")


def upgrade() -> None:
    op.create_table(
        "mail_message",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("message_id", sa.String(300), nullable=False, unique=True),
        sa.Column("direction", sa.String(3), nullable=False),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("account", sa.String(300), nullable=False),
        sa.Column("folder", sa.String(200), nullable=False),
        sa.Column("uidvalidity", sa.BigInteger(), nullable=True),
        sa.Column("uid", sa.BigInteger(), nullable=True),
        sa.Column("written_at", sa.DateTime(), nullable=False),
        sa.Column("fetched_at", sa.DateTime(), nullable=False),
        sa.Column("order_id", _ORDER_ID, nullable=True),
        sa.Column("issue_id", sa.Integer(), sa.ForeignKey("issue.id"), nullable=True),
        sa.Column("marketplace", sa.String(8), nullable=False),
        sa.Column("buyer_ref", sa.String(64), nullable=True),
        sa.Column("in_reply_to", sa.String(300), nullable=True),
        sa.Column("thread", sa.Text(), nullable=False),
        sa.Column("trusted", sa.Boolean(), nullable=False),
        sa.Column("note", sa.String(500), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("by", sa.String(100), nullable=False),
        sa.Column("attachments", sa.Integer(), nullable=False),
        sa.Column("key_id", sa.BigInteger(), nullable=True),
        sa.Column("sealed_subject", sa.LargeBinary(), nullable=True),
        sa.Column("sealed_sender", sa.LargeBinary(), nullable=True),
        sa.Column("sealed_body", sa.LargeBinary(), nullable=True),
        sa.Column("purged_at", sa.DateTime(), nullable=True),
    )
    op.create_index("ix_mail_issue", "mail_message", ["issue_id", "written_at"])
    op.create_index("ix_mail_order", "mail_message", ["order_id"])
    op.create_index("ix_mail_kind", "mail_message", ["kind", "issue_id"])
    op.create_index("ix_mail_key", "mail_message", ["key_id"])
    op.create_table(
        "mail_folder",
        sa.Column("account", sa.String(300), primary_key=True),
        sa.Column("folder", sa.String(200), primary_key=True),
        sa.Column("uidvalidity", sa.BigInteger(), nullable=False),
        sa.Column("last_uid", sa.BigInteger(), nullable=False),
        sa.Column("synced_at", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "mail_lease",
        sa.Column("name", sa.String(50), primary_key=True),
        sa.Column("holder", sa.String(200), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("mail_lease")
    op.drop_table("mail_folder")
    op.drop_table("mail_message")
