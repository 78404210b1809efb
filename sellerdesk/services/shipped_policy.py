"""The shipped policy (resources/policies/default.toml) and the desk's first version: a
desk without a policy gets the shipped one as version 1. Apart from services.policies,
so that opening a new desk (services.database) stores it without loading PINs, the
security log and the SQLModel tables — a fifth of a second of every command that makes
a database, `sellerdesk import orders` into a new file among them."""

from __future__ import annotations

from functools import lru_cache

from sqlalchemy.engine import Connection, Engine

from sellerdesk.core.policy import Policy, parse_policy
from sellerdesk.services.clock import now
from sellerdesk.services.paths import resources_dir
from sellerdesk.store import policy_versions as policy_store
from sellerdesk.store.engine import reading, writing


def default_policy_text() -> str:
    return (resources_dir() / "policies" / "default.toml").read_text(encoding="utf-8")


def ensure_active_policy_in(conn: Connection) -> tuple[int, Policy]:
    """The newest saved version; the shipped default becomes version 1 on first use."""
    latest = policy_store.latest_policy(conn)
    if latest is None:
        text = default_policy_text()
        policy = parse_policy(text, source="default.toml")
        version = policy_store.add_policy_version(conn, name=policy.name, text=text,
                                                  by="SellerDesk", now=now())
        return version, policy
    version, text = latest
    return version, _parsed(version, text)


@lru_cache(maxsize=8)
def _parsed(version: int, text: str) -> Policy:
    """A saved version never changes, so it is parsed once per process, not per credit
    (a millisecond each time otherwise). The policy is a frozen value."""
    return parse_policy(text, source=f"policy version {version}")


def ensure_policy(engine: Engine) -> None:
    """Store the shipped default as version 1 if the desk has no policy yet."""
    with reading(engine) as conn:
        if policy_store.latest_policy(conn) is not None:
            return
    with writing(engine) as conn:
        ensure_active_policy_in(conn)
