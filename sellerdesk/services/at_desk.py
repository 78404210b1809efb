"""Who is at work, asked by every change that records who made it: on a team database
the login; on a single desk the named staff member (never a typo, never someone
deactivated); on a new desk nobody works at yet, its first owner, added then. A request
the desk refuses raises DeskError with the reason."""

from __future__ import annotations

from sqlalchemy.engine import Connection

from sellerdesk.core.errors import KnownError
from sellerdesk.core.records import StaffMember
from sellerdesk.services.clock import now
from sellerdesk.services.protection import security_log
from sellerdesk.services.staff import default_staff_name
from sellerdesk.store import staff as staff_store
from sellerdesk.store import team as team_store


class DeskError(KnownError):
    """A request the desk refuses, with the reason."""


def staff_at_desk(conn: Connection, name: str | None) -> StaffMember:
    """Who is at work: on a team database the login; on a single desk the named staff
    member. Refuses a name nobody has (a typo never becomes a colleague: only an owner
    adds staff) and a deactivated person."""
    login = team_store.team_login(conn)
    if login is not None:           # a team database: the login is who is at work
        member = staff_store.staff_member(conn, name=login)
        if member is None:
            raise DeskError(f"the login {login} is not on this team; ask the owner to add "
                            f"you (sellerdesk team add-user {login} --role agent)")
        return member
    name = (name or default_staff_name()).strip()
    if not name:
        raise DeskError("say who is at the desk (--staff NAME)")
    member = staff_store.staff_member(conn, name=name)
    if member is None:
        raise DeskError(f"nobody called {name!r} works at this desk; pick a name in the "
                        "At the desk box (or --staff), or ask the owner to add you "
                        "(Desk › Staff, sellerdesk staff add)")
    if not member.active:
        raise DeskError(f"{name} was deactivated and can no longer act at this desk")
    return member


def add_first_owner(conn: Connection, name: str | None) -> StaffMember:
    """The first run: the very first person on a desk with no staff becomes its owner
    (they set SellerDesk up). Refused once anyone works there."""
    name = (name or default_staff_name()).strip()
    if not name:
        raise DeskError("say who is at the desk (--staff NAME)")
    if team_store.team_login(conn) is not None or staff_store.staff_count(conn):
        raise DeskError(f"this desk already has staff; {name} is added by its owner")
    member = staff_store.add_staff(conn, name=name, role="owner", approval_limits={},
                                   now=now())
    security_log.record(conn, "staff_changed", f"{name} set up the desk and owns it",
                        actor=name)
    return member


def at_desk_or_add_first_owner(conn: Connection, name: str | None) -> StaffMember:
    """For work that records who did it: the person at the desk (staff_at_desk) — or, on
    a new desk nobody works at yet, its first owner (add_first_owner)."""
    if team_store.team_login(conn) is None and staff_store.staff_count(conn) == 0:
        return add_first_owner(conn, name)
    return staff_at_desk(conn, name)
