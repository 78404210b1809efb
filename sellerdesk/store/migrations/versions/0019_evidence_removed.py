"""Evidence taken back within a minute of attaching it (a wrong file dropped) keeps its
record, marked with who removed it and when: the attachment stays on file, only the
issue's evidence (lists, dispute packets) leaves it out.

A file is on an issue once while it is attached: the unique constraint on (issue, file)
becomes a unique index over the rows not removed, so the right file can be attached
again after a removal. SQLite and PostgreSQL both keep partial unique indexes.

Revision ID: 0019
Revises: 0018
"""

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

_ATTACHED = "removed_at IS NULL"


def upgrade() -> None:
    with op.batch_alter_table("evidence") as batch:
        batch.add_column(sa.Column("removed_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("removed_by", sa.String(100), nullable=True))
        batch.drop_constraint("uq_evidence_issue_file", type_="unique")
    op.create_index("uq_evidence_issue_file", "evidence", ["issue_id", "sha256"], unique=True,
                    sqlite_where=sa.text(_ATTACHED), postgresql_where=sa.text(_ATTACHED))


def downgrade() -> None:
    op.drop_index("uq_evidence_issue_file", "evidence")
    op.execute("DELETE FROM evidence WHERE removed_at IS NOT NULL")
    with op.batch_alter_table("evidence") as batch:
        batch.create_unique_constraint("uq_evidence_issue_file", ["issue_id", "sha256"])
        batch.drop_column("removed_by")
        batch.drop_column("removed_at")
