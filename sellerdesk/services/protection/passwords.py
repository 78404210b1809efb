"""Team database logins' passwords, kept in the OS keyring (services.protection.secrets), never in a
file: each under a name made from the URL without its password. Joining keeps one,
leaving forgets it, and every opening fills it back into the URL.

Below services.database, which fills them in, and services.team.connection, which keeps
and forgets them: the two then never import each other."""

from __future__ import annotations

import sqlalchemy as sa

from sellerdesk.services.protection.secrets import delete_secret, get_secret, set_secret


def _name(url: sa.URL) -> str:
    return "login " + url._replace(password=None).render_as_string(hide_password=True)


def kept_password(url: sa.URL) -> str | None:
    return get_secret(_name(url))


def keep_password(url: sa.URL, password: str) -> bool:
    """True if the keyring keeps it; False: this session's memory only (no keyring)."""
    return set_secret(_name(url), password)


def forget_password(url: sa.URL) -> None:
    delete_secret(_name(url))


def with_password(target: str) -> str:
    """A team database URL with the login's kept password filled in (a path, a URL that
    carries its own password, or one with none kept, passes through)."""
    if "://" not in target:
        return target
    url = sa.make_url(target)
    if url.get_backend_name() != "postgresql" or url.password:
        return target
    password = kept_password(url)
    return url.set(password=password).render_as_string(hide_password=False) if password \
        else target
