"""Joining a team database from this computer: its URL kept in the config folder, the
login's password in the OS keyring (services.protection.passwords, never in a file), and the team
key beside it (services.protection.shared_keys). `chosen_database` then opens the team database by
default."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass

import sqlalchemy as sa

from sellerdesk.core.errors import KnownError
from sellerdesk.services.database import open_database
from sellerdesk.services.paths import joined_team, team_file
from sellerdesk.services.protection import shared_keys
from sellerdesk.services.protection.passwords import forget_password, keep_password, kept_password
from sellerdesk.store import team as team_store
from sellerdesk.store.engine import reading


class JoinError(KnownError):
    """This computer could not join the team database, with the reason."""


@dataclass(frozen=True, slots=True)
class Joined:
    location: str
    login: str
    role: str
    has_team_key: bool
    password_kept: bool        # False: no keyring, the password lasts this session

    def summary(self) -> str:
        article = "an" if self.role[0] in "aeiou" else "a"
        key = ("the team key is in this computer's keyring" if self.has_team_key else
               "buyer details need the team key: ask the owner (sellerdesk team key)")
        return (f"This computer now works on {self.location} as {self.login}, {article} "
                f"{self.role}; {key}.")


def _url(text: str) -> sa.URL:
    try:
        url = sa.make_url(text.strip())
    except sa.exc.ArgumentError:
        raise JoinError(f"{text!r} is not a database URL; a team database's looks like "
                        "postgresql://ana@server/sellerdesk") from None
    if url.get_backend_name() != "postgresql":
        raise JoinError("a team database is on PostgreSQL: postgresql://LOGIN@SERVER/DATABASE")
    if not url.username:
        raise JoinError("the URL names no login: postgresql://LOGIN@SERVER/DATABASE")
    if url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    return url


def join_team(url_text: str, *, password: str = "", team_key: str = "") -> Joined:
    """Connect as a colleague, check the login is on the team, then keep the URL, the
    password (a blank one: the one kept before) and, when given, the team key for next
    time. Nothing is kept on failure."""
    url = _url(url_text)
    password = password or kept_password(url) or ""    # blank: the kept one
    full = url._replace(password=password or None).render_as_string(hide_password=False)
    with open_database(full) as db, reading(db.engine) as conn:
        login = team_store.team_login(conn)
        if login is None:
            raise JoinError(f"{db.location} is not a team database: its owner runs "
                            "sellerdesk team init URL first")
        role = team_store.login_role(conn, login)
        if role is None:
            raise JoinError(f"the login {login} is not on this team; ask the owner to run "
                            f"sellerdesk team add-user {login} --role agent")
        if team_key.strip():
            shared_keys.enter_team_key(db.engine, team_key)
        has_key = shared_keys.team_key_text(db.engine) is not None
        location = db.location
    kept = keep_password(url, password) if password else True
    plain = url.render_as_string(hide_password=True)
    team_file().parent.mkdir(parents=True, exist_ok=True)
    temporary = team_file().with_suffix(".tmp")
    temporary.write_text(json.dumps({"url": plain}), encoding="utf-8")
    os.replace(temporary, team_file())
    return Joined(location, login, role, has_key, kept)


def leave_team() -> None:
    """Back to this computer's own file; the password is forgotten (the team key stays,
    for rejoining)."""
    joined = joined_team()
    if joined:
        forget_password(sa.make_url(joined))
    team_file().unlink(missing_ok=True)
