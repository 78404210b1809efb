"""On a team database, which issue each colleague has open, so an issue one of them is
working on shows as taken by them. A window holds the issue its pane shows and renews
the hold every minute; a hold not renewed for three minutes (a closed laptop, a lost
connection) has lapsed. A single desk has nobody else to tell: nothing is kept there."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.engine import Engine

from sellerdesk.store import team as team_store
from sellerdesk.store.engine import reading, writing

RENEW_EVERY_SECONDS = 60
LAPSES_AFTER_SECONDS = 180


@dataclass(frozen=True, slots=True)
class Taken:
    login: str
    since: datetime            # UTC, the server's clock


def shared(engine: Engine) -> bool:
    """A database on a server, which colleagues share (PostgreSQL): who has which issue
    open is kept there, and so are the evidence files (services.evidence)."""
    return engine.dialect.name == "postgresql"


def hold_issue(engine: Engine, issue_id: int | None) -> None:
    """This login now has `issue_id` open (None: no issue)."""
    if not shared(engine):
        return
    with writing(engine) as conn:
        if team_store.team_login(conn) is not None:
            team_store.hold_issue(conn, issue_id)


def renew_hold(engine: Engine) -> None:
    if not shared(engine):
        return
    with writing(engine) as conn:
        if team_store.team_login(conn) is not None:
            team_store.renew_hold(conn)


def taken_by_others(engine: Engine) -> dict[int, list[Taken]]:
    """issue id → the colleagues who have it open now (not this login)."""
    if not shared(engine):
        return {}
    with reading(engine) as conn:
        if team_store.team_login(conn) is None:
            return {}
        held = team_store.held_by_others(conn, lapse_seconds=LAPSES_AFTER_SECONDS)
    return {issue_id: [Taken(login, since) for login, since in who]
            for issue_id, who in held.items()}
