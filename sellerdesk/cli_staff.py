"""The command line's trust at the desk: staff (list, add, deactivate, PINs), approving
requests, the sealed key file, and the PIN a supervisor's or owner's command needs on a
single desk — asked at the prompt, or taken from SELLERDESK_PIN for scripts."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Callable
from typing import Any

from sellerdesk.core.errors import KnownError

PIN_ENV = "SELLERDESK_PIN"                      # services.protection.pins.PIN_ENV (not imported)
PASSPHRASE_ENV = "SELLERDESK_KEY_PASSPHRASE"    # services.protection.key_file.PASSPHRASE_ENV
ROLES = ("agent", "supervisor", "owner")


def add_parsers(commands: Any, common: argparse.ArgumentParser,
                credit_cmds: Any) -> None:
    approve = credit_cmds.add_parser("approve", parents=[common],
                                     help="approve a credit waiting for a supervisor "
                                          f"(single desk: asks the PIN, or ${PIN_ENV})")
    approve.add_argument("approval_id", type=int)
    approve.add_argument("--comment", default="", metavar="TEXT")
    approve.add_argument("--staff", metavar="NAME")
    reject = credit_cmds.add_parser("reject", parents=[common],
                                    help="reject a credit waiting for a supervisor")
    reject.add_argument("approval_id", type=int)
    reject.add_argument("--comment", required=True, metavar="TEXT")
    reject.add_argument("--staff", metavar="NAME")

    staff = commands.add_parser("staff", parents=[common],
                                help="who works at the desk (an owner's changes ask the "
                                     f"owner's PIN, or ${PIN_ENV})")
    staff_cmds = staff.add_subparsers(dest="staff_command", metavar="ACTION", required=True)
    staff_cmds.add_parser("list", parents=[common], help="everyone, with role and limits")
    add = staff_cmds.add_parser("add", parents=[common],
                                help="add someone or change their role and limits (owner); "
                                     "on a desk with nobody yet, you become its owner")
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=ROLES)
    add.add_argument("--limit", action="append", default=[], metavar="CUR=AMOUNT",
                     help="a personal approval limit in one currency, e.g. USD=15 "
                          "(repeat per currency; elsewhere the policy's limit applies)")
    add.add_argument("--staff", metavar="NAME", help="who makes the change (an owner)")
    for action, what in (("deactivate", "can no longer be picked or act; history stays"),
                         ("activate", "can work at the desk again")):
        sub = staff_cmds.add_parser(action, parents=[common], help=f"NAME {what} (owner)")
        sub.add_argument("name")
        sub.add_argument("--staff", metavar="NAME")
    pin = staff_cmds.add_parser("pin", parents=[common],
                                help="change your own PIN, or (an owner) reset NAME's")
    pin.add_argument("name", nargs="?", help="whose PIN an owner resets (default: yours)")
    pin.add_argument("--staff", metavar="NAME")

    keys = commands.add_parser("key-file", parents=[common],
                               help="where no OS keyring works: keep the buyer-history key "
                                    "in a file sealed with a passphrase")
    key_cmds = keys.add_subparsers(dest="key_file_command", metavar="ACTION", required=True)
    key_cmds.add_parser("create", parents=[common],
                        help=f"make the sealed key file (passphrase asked, or ${PASSPHRASE_ENV})")
    key_cmds.add_parser("status", parents=[common],
                        help="whether a keyring or the key file keeps the buyer-history key")


# -- asking for a PIN ------------------------------------------------------------------------
def _secret(prompt: str) -> str | None:
    return getpass.getpass(prompt) if sys.stdin.isatty() else None


def _pin_for(name: str, *, first: bool, why: str) -> str:
    pin = os.environ.get(PIN_ENV)
    if pin:
        return pin
    if first:
        pin = _secret(f"{name} has no PIN yet; choose one (4 characters or more): ")
        if pin is not None and _secret("Again: ") != pin:
            raise KnownError("the two PINs differ; nothing was changed")
    else:
        pin = _secret(f"{name}'s PIN: ")
    if pin is None:
        raise KnownError(f"{why}. Give it at the prompt, or in ${PIN_ENV} for a script.")
    return pin


def with_pin(run: Callable[[], int], open_db: Callable[[], Any]) -> int:
    """Run a command; if it needs a supervisor's or owner's PIN, ask for it (or read
    $SELLERDESK_PIN), give it, and run the command once more (the refused try changed
    nothing: its transaction rolled back)."""
    from sellerdesk.services.protection.pins import PinNeeded
    try:
        return run()
    except PinNeeded as exc:
        from sellerdesk.services.staff_admin import give_pin
        pin = _pin_for(exc.name, first=exc.first, why=str(exc))
        with open_db() as db:
            give_pin(db.engine, exc.name, pin)
        return run()


# -- the sealed key file ----------------------------------------------------------------------
def unlock_key_file() -> None:
    """Before a command's database work: where no keyring works and a key file exists,
    open it with $SELLERDESK_KEY_PASSPHRASE or the passphrase typed at the prompt. Without
    one the command goes on, and any buyer's history is reported as not checked."""
    from sellerdesk.services.protection import key_file
    if not key_file.needed() or key_file.is_open() or not key_file.exists():
        return
    passphrase = os.environ.get(PASSPHRASE_ENV) or _secret(
        "Passphrase of the key file (Enter to go on without buyer history): ")
    if passphrase:
        key_file.open_key_file(passphrase)
    else:
        print(f"sellerdesk: {key_file.LOCKED}", file=sys.stderr)


# -- the commands -------------------------------------------------------------------------------
def cmd_credit_decide(args: argparse.Namespace, emit, open_db) -> int:
    from sellerdesk.services.credits import decide_approval
    approve = args.credit_command == "approve"
    with open_db() as db:
        outcome = decide_approval(db.engine, approval_id=args.approval_id, approve=approve,
                                  comment=args.comment, staff=args.staff)
    if outcome is None:
        emit(args, {"approval_id": args.approval_id, "status": "rejected"},
             f"Request {args.approval_id} rejected")
    else:
        emit(args, outcome.as_json() | {"approval_id": args.approval_id},
             f"Request {args.approval_id} approved: credit {outcome.credit_id}, "
             f"{outcome.kind.label} {outcome.amount.display()}")
    return 0


def _member_json(member) -> dict[str, Any]:
    return {"name": member.name, "role": member.role, "active": member.active,
            "has_pin": member.has_pin,
            "limits": {c: str(v) for c, v in member.approval_limits.items()}}


def cmd_staff(args: argparse.Namespace, emit, open_db) -> int:
    from sellerdesk.services import staff_admin
    from sellerdesk.services.protection import pins
    from sellerdesk.services.staff import default_staff_name
    action = args.staff_command
    with open_db() as db:
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
                current = os.environ.get(PIN_ENV) or _secret(f"{me}'s current PIN: ")
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
    new = os.environ.get("SELLERDESK_NEW_PIN") or _secret(f"New PIN for {whose}: ")
    if new is None:
        raise KnownError("a new PIN is typed at the prompt (or given in SELLERDESK_NEW_PIN)")
    if not os.environ.get("SELLERDESK_NEW_PIN") and _secret("Again: ") != new:
        raise KnownError("the two PINs differ; nothing was changed")
    return new


def cmd_key_file(args: argparse.Namespace, emit, open_db) -> int:
    from sellerdesk.services.protection import key_file
    if args.key_file_command == "status":
        state = key_file.state()
        emit(args, {"keyring": not key_file.needed(), "key_file": str(key_file.path()),
                     "exists": key_file.exists(), "open": key_file.is_open()}, state)
        return 0
    passphrase = os.environ.get(PASSPHRASE_ENV)
    if not passphrase:
        passphrase = _secret("Passphrase for the key file (12 characters or more): ")
        if passphrase is not None and _secret("Again: ") != passphrase:
            raise KnownError("the two passphrases differ; no key file was made")
    if not passphrase:
        raise KnownError(f"the key file needs a passphrase: type it at the prompt, or give "
                         f"it in ${PASSPHRASE_ENV}")
    made = key_file.create_key_file(passphrase)
    emit(args, {"key_file": str(made)},
         f"Buyer-history keys are now kept in {made}, sealed with your passphrase; "
         f"SellerDesk asks for it at start (or reads ${PASSPHRASE_ENV}).")
    return 0


COMMANDS: dict[str, Callable[..., int]] = {
    "credit approve": cmd_credit_decide,
    "credit reject": cmd_credit_decide,
    "staff list": cmd_staff,
    "staff add": cmd_staff,
    "staff deactivate": cmd_staff,
    "staff activate": cmd_staff,
    "staff pin": cmd_staff,
    "key-file create": cmd_key_file,
    "key-file status": cmd_key_file,
}
