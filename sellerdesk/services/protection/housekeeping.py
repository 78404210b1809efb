"""What SellerDesk does by itself while the window is open (at start and every hour):
finish a key rotation cut short, purge buyer personal data past its retention period,
and make the day's backup. Each part says what it did; none of them asks anything."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from sqlalchemy.engine import Engine

from sellerdesk.core.errors import KnownError
from sellerdesk.services.protection import backups, data_keys, personal_data
from sellerdesk.services.protection.purge import purge_personal_data

log = logging.getLogger(__name__)
ACTOR = "SellerDesk"


@dataclass(frozen=True, slots=True)
class HouseKept:
    lines: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return " ".join([*self.lines, *self.problems])


def keep_house(engine: Engine) -> HouseKept:
    lines: list[str] = []
    problems: list[str] = []
    steps = (("finishing the key rotation", _finish_rotation), ("purging", _purge),
             ("the daily backup", _backup))
    for what, step in steps:
        try:
            said = step(engine)
        except KnownError as exc:
            problems.append(f"SellerDesk could not complete {what}: {exc}")
            log.warning("housekeeping: %s failed: %s", what, exc)
        else:
            if said:
                lines.append(said)
    return HouseKept(lines, problems)


def _finish_rotation(engine: Engine) -> str:
    keys = data_keys.saved_key_set(engine)
    if keys is None or not keys.rotating:
        return ""
    return personal_data.finish_rotation(engine, staff=ACTOR).summary()


def _purge(engine: Engine) -> str:
    report = purge_personal_data(engine, staff=ACTOR)
    return report.summary() if report.issue_ids else ""


def _backup(engine: Engine) -> str:
    check = backups.daily_backup(engine, staff=ACTOR)
    return f"Daily backup made: {check.path.name}." if check else ""
