"""Who works at the desk: `staff list|add|deactivate|activate|pin`, and the PIN a
supervisor's or owner's command needs on a single desk — asked at the prompt, or taken
from SELLERDESK_PIN for scripts."""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from typing import Any

from sellerdesk.cli.common import PIN_ENV, emit, open_desk, secret
from sellerdesk.core.errors import KnownError

ROLES = ("agent", "supervisor", "owner")


def add_commands(commands: Any, common: argparse.ArgumentParser) -> None:
    staff = commands.add_parser("staff", parents=[common],
                                help="who works at the desk (an owner's changes ask the "
                                     f"owner's PIN, or ${PIN_ENV})")
    staff_cmds = staff.add_subparsers(dest="staff_command", metavar="ACTION", required=True)
    listing = staff_cmds.add_parser("list", parents=[common],
                                    help="everyone, with role and limits")
    listing.set_defaults(handler=cmd_staff)
    add = staff_cmds.add_parser("add", parents=[common],
                                help="add someone or change their role and limits (owner); "
                                     "on a desk with nobody yet, you become its owner")
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=ROLES)
    add.add_argument("--limit", action="append", default=[], metavar="CUR=AMOUNT",
                     help="a personal approval limit in one currency, e.g. USD=15 "
                          "(repeat per currency; elsewhere the policy's limit applies)")
    add.add_argument("--staff", metavar="NAME", help="who makes the change (an owner)")
    add.set_defaults(handler=cmd_staff)
    for action, what in (("deactivate", "can no longer be picked or act; history stays"),
                         ("activate", "can work at the desk again")):
        sub = staff_cmds.add_parser(action, parents=[common], help=f"NAME {what} (owner)")
        sub.add_argument("name")
        sub.add_argument("--staff", metavar="NAME")
        sub.set_defaults(handler=cmd_staff)
    pin = staff_cmds.add_parser("pin", parents=[common],
                                help="change your own PIN, or (an owner) reset NAME's")
    pin.add_argument("name", nargs="?", help="whose PIN an owner resets (default: yours)")
    pin.add_argument("--staff", metavar="NAME")
    pin.set_defaults(handler=cmd_staff)


# -- asking for a PIN ------------------------------------------------------------------------
def _pin_for(name: str, *, first: bool, why: str) -> str:
    pin = os.environ.get(PIN_ENV)
    if pin:
        return pin
    if first:
        pin = secret(f"{name} has no PIN yet; choose one (4 characters or more): ")
        if pin is not None and secret("Again: ") != pin:
            raise KnownError("the two PINs differ; nothing was changed")
    else:
        pin = secret(f"{name}'s PIN: ")
    if pin is None:
        raise KnownError(f"{why}. Give it at the prompt, or in ${PIN_ENV} for a script.")
    return pin


def with_pin(run: Callable[[], int], open_db: Callable[[], Any]) -> int:
    """Run a command; if it needs a supervisor's or owner's PIN, ask for it (or read
    $SELLERDESK_PIN), give it, and run the command once more (the refused try changed
    nothing: its transaction rolled back)."""
    try:
        return run()
    except KnownError as exc:
        # Imported only once a command has failed, so that a command that succeeds (an
        # order listing) never loads the PIN machinery: cryptography and the staff tables.
        from sellerdesk.services.protection.pins import PinNeeded
        if not isinstance(exc, PinNeeded):
            raise
        from sellerdesk.services.staff_admin import give_pin
        pin = _pin_for(exc.name, first=exc.first, why=str(exc))
        with open_db() as db:
            give_pin(db.engine, exc.name, pin)
        return run()


# -- the commands -------------------------------------------------------------------------------
def _member_json(member) -> dict[str, Any]:
    return {"name": member.name, "role": member.role, "active": member.active,
            "has_pin": member.has_pin,
            "limits": {c: str(v) for c, v in member.approval_limits.items()}}


def cmd_staff(args: argparse.Namespace) -> int:
    from sellerdesk.services import staff_admin
    from sellerdesk.services.protection import pins
    from sellerdesk.services.staff import default_staff_name
    action = args.staff_command
    with open_desk(args) as db:
        if action == "list":
            members = staff_admin.list_staff(db.engine)
            emit(args, [_member_json(m) for m in members], "\n".join(
                f"{m.name:<20} {m.role:<10} {m.limits_text or '—':<24}"
                + ("" if m.active else " (deactivated)") for m in members)
                or "Nobody works at this desk yet.")
            return 0
        if action == "add":
            member = staff_admin.save_staff(db.engine, name=args.name, role=args.role,
                                            approval_limits=", ".join(args.limit),
                                            staff=args.staff)
            text = f"{member.name}: {member.role}" + (
                f", approval limits {member.limits_text}" if member.approval_limits else "")
        elif action in ("deactivate", "activate"):
            member = staff_admin.set_active(db.engine, name=args.name,
                                            active=action == "activate", staff=args.staff)
            text = f"{member.name} is {'active' if member.active else 'deactivated'}"
        else:
            me = (args.staff or default_staff_name()).strip()
            whose = (args.name or me).strip()
            new = _new_pin(whose)
            if whose == me and pins.has_pin(db.engine, me):
                current = os.environ.get(PIN_ENV) or secret(f"{me}'s current PIN: ")
                if current is None:
                    raise KnownError(f"changing a PIN needs the current one (${PIN_ENV})")
                pins.change_pin(db.engine, me, current=current, new=new)
            elif whose == me:
                staff_admin.give_pin(db.engine, me, new)
            else:
                pins.reset_pin(db.engine, whose, new, by=me)
            member = next(m for m in staff_admin.list_staff(db.engine) if m.name == whose)
            text = f"{whose}'s PIN is set"
    emit(args, _member_json(member), text)
    return 0


def _new_pin(whose: str) -> str:
    new = os.environ.get("SELLERDESK_NEW_PIN") or secret(f"New PIN for {whose}: ")
    if new is None:
        raise KnownError("a new PIN is typed at the prompt (or given in SELLERDESK_NEW_PIN)")
    if not os.environ.get("SELLERDESK_NEW_PIN") and secret("Again: ") != new:
        raise KnownError("the two PINs differ; nothing was changed")
    return new
