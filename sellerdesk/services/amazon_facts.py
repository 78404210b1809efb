"""The desk's own values for Amazon's numbers (PRODUCT.md §2, declared in
core.amazon_facts): stored as settings named `amazon.<fact>`, read by the metrics and the
deadlines. A fact with no setting has its declared default.

Not in services.amazon: nothing here talks to Amazon, and the metrics and deadlines that
read it sit below the importers that Sync calls."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy.engine import Connection, Engine

from sellerdesk.core.amazon_facts import FACTS, Fact, checked
from sellerdesk.services.clock import now
from sellerdesk.services.policies import require_supervisor
from sellerdesk.store import settings as settings_store
from sellerdesk.store.engine import reading, writing

PREFIX = "amazon."


@dataclass(frozen=True, slots=True)
class FactSetting:
    fact: Fact
    value: Decimal
    changed_by: str = ""            # empty while the default applies
    changed_at: datetime | None = None

    @property
    def is_default(self) -> bool:
        return not self.changed_by


def overrides_in(conn: Connection) -> dict[str, Decimal]:
    """The facts this desk has changed, for `fact()`, `duration()` and `deadlines()`."""
    stored = settings_store.settings_starting(conn, prefix=PREFIX)
    return {key.removeprefix(PREFIX): Decimal(value) for key, (value, _by, _at) in stored.items()}


def overrides(engine: Engine) -> dict[str, Decimal]:
    with reading(engine) as conn:
        return overrides_in(conn)


def fact_settings(engine: Engine) -> list[FactSetting]:
    """Every fact with the value in force, in the declared order."""
    with reading(engine) as conn:
        stored = settings_store.settings_starting(conn, prefix=PREFIX)
    shown = []
    for fact in FACTS:
        if (row := stored.get(PREFIX + fact.key)) is None:
            shown.append(FactSetting(fact, fact.default))
        else:
            shown.append(FactSetting(fact, Decimal(row[0]), row[1], row[2]))
    return shown


def save_facts(engine: Engine, changes: dict[str, str | None], *, by: str) -> None:
    """Set facts from what was typed (a rate in percent); None puts one back to its default.
    All checked before any is stored. Amazon's numbers bind the whole desk, so only a
    supervisor or the owner changes them."""
    values = {key: None if text is None else checked(key, text)
              for key, text in changes.items()}
    with writing(engine) as conn:
        by = require_supervisor(conn, by, "Amazon's numbers bind the whole desk, so one of them "
                                     "changes them")
        for key, value in values.items():
            if value is None:
                settings_store.drop_setting(conn, key=PREFIX + key)
            else:
                settings_store.put_setting(conn, key=PREFIX + key, value=str(value), by=by,
                                           now=now())
