"""Open the database the user chose and bring it up to date: the one entry point the
CLI and the window share."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from sellerdesk.store.engine import (
    NotAllowed,
    check_intact,
    damaged,
    database_url,
    explain,
    location,
    make_engine,
    reading,
    refresh_statistics,
    writing,
)
from sellerdesk.store.migrate import MigrationResult, upgrade


@dataclass(frozen=True, slots=True)
class Database:
    engine: Engine
    migration: MigrationResult

    @property
    def location(self) -> str:
        """For the status bar and messages: a path, or a URL without its password."""
        return location(self.engine)

    @property
    def is_team(self) -> bool:
        return self.engine.dialect.name == "postgresql"

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def open_database(target: str) -> Database:
    """Open a path or URL (a team database with the password this computer keeps).

    What a command needs before its first row is kept light (`sellerdesk order list`
    starts in a fifth of a second): the keyring is loaded only for a URL, and the policy
    tables only when the schema was made or migrated just now."""
    if "://" in target:       # only a URL has a password to fill in from the keyring
        from sellerdesk.services.protection.passwords import with_password
        target = with_password(target)
    engine = make_engine(database_url(target))
    try:
        if engine.dialect.name == "postgresql":
            with reading(engine):
                pass                # a login or server refused is said as such, first
        check_intact(engine)        # a damaged file: the sentence, before any row is read
        try:
            migration = upgrade(engine)
        except sa.exc.DBAPIError as exc:
            if damaged(exc):
                raise explain(engine, exc) from None
            raise
        except NotAllowed:
            raise NotAllowed(
                f"{location(engine)} needs SellerDesk's tables made or brought up to date, "
                f"which the login {engine.url.username} may not do: the team's owner does "
                "it once (sellerdesk team init URL, again after an upgrade).") from None
        if migration.from_revision != migration.to_revision:
            # A new or migrated desk gets the shipped policy as version 1 now; a desk
            # already at the newest schema got it at that opening (and should that one
            # have been cut short, the policy's first use stores it: ensure_active_policy).
            from sellerdesk.services.shipped_policy import ensure_policy
            ensure_policy(engine)
        with writing(engine) as conn:
            refresh_statistics(conn)
    except BaseException:
        engine.dispose()
        raise
    return Database(engine, migration)
