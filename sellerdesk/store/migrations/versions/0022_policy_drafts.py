"""Policy as a reviewed change (issue #26): a draft saved unapplied with a note, for a
supervisor to backtest before an owner makes it current (policy_draft: what it was based
on, and whether it was applied — as which version, by whom, when — or withdrawn); and
the reason given when a version was made current (policy_version.why; earlier versions
keep NULL: nobody was asked).

Revision ID: 0022
Revises: 0021
"""

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("policy_version", sa.Column("why", sa.Text(), nullable=True))
    op.create_table(
        "policy_draft",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("based_on", sa.Integer(), sa.ForeignKey("policy_version.id"),
                  nullable=False),
        sa.Column("applied_as", sa.Integer(), sa.ForeignKey("policy_version.id"),
                  nullable=True),
        sa.Column("applied_by", sa.String(100), nullable=True),
        sa.Column("applied_at", sa.DateTime(), nullable=True),
        sa.Column("withdrawn_by", sa.String(100), nullable=True),
        sa.Column("withdrawn_at", sa.DateTime(), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("policy_draft")
    with op.batch_alter_table("policy_version") as batch:
        batch.drop_column("why")
