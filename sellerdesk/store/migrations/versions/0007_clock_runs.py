"""Amazon's clocks on each issue (started, met) kept beside the timeline, so the
dashboard counts missed deadlines over an index instead of reading every timeline.
Filled here from the timelines already written.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

from sellerdesk.core.deadlines import READ_KINDS, runs
from sellerdesk.core.records import TimelineEntry

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "clock_run",
        sa.Column("issue_id", sa.Integer(), sa.ForeignKey("issue.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("clock", sa.String(32), primary_key=True),
        sa.Column("started", sa.DateTime(), nullable=False),
        sa.Column("met", sa.DateTime(), nullable=True),
        sa.Column("took_seconds", sa.Float(), nullable=True),
    )
    op.create_index("ix_clock_run_started", "clock_run", ["clock", "started", "took_seconds"])
    timeline = sa.table("timeline_event", sa.column("id", sa.Integer),
                        sa.column("issue_id", sa.Integer), sa.column("at", sa.DateTime),
                        sa.column("actor", sa.String), sa.column("kind", sa.String),
                        sa.column("text", sa.Text))
    clock_run = sa.table("clock_run", sa.column("issue_id", sa.Integer),
                         sa.column("clock", sa.String), sa.column("started", sa.DateTime),
                         sa.column("met", sa.DateTime), sa.column("took_seconds", sa.Float))
    conn = op.get_bind()
    lines: dict[int, list[TimelineEntry]] = {}
    for r in conn.execute(sa.select(timeline).where(timeline.c.kind.in_(sorted(READ_KINDS)))
                          .order_by(timeline.c.issue_id, timeline.c.at, timeline.c.id)):
        lines.setdefault(r.issue_id, []).append(TimelineEntry(r.at, r.actor, r.kind, r.text))
    rows = [run.row(issue_id) for issue_id, entries in lines.items() for run in runs(entries)]
    if rows:
        conn.execute(clock_run.insert(), rows)


def downgrade() -> None:
    op.drop_table("clock_run")
