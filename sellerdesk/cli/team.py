"""Several people on one PostgreSQL database: `team init|add-user|migrate-from|join|leave|
key`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from sellerdesk.cli.common import emit, interactive, open_desk, stderr_progress
from sellerdesk.core.errors import KnownError


def add_commands(commands: Any, common: argparse.ArgumentParser) -> None:
    team = commands.add_parser("team", parents=[common],
                               help="several people on one PostgreSQL database")
    team_cmds = team.add_subparsers(dest="team_command", metavar="ACTION", required=True)
    tinit = team_cmds.add_parser("init", parents=[common],
                                 help="set up URL as a team database, as its owner")
    tinit.add_argument("url", metavar="URL", help="postgresql+psycopg://owner@host/sellerdesk")
    tinit.set_defaults(handler=cmd_team_init)
    tadd = team_cmds.add_parser("add-user", parents=[common],
                                help="a colleague's own login in their role")
    tadd.add_argument("name", help="the login: lower-case letters, digits, _")
    tadd.add_argument("--role", required=True, choices=["agent", "supervisor", "owner"])
    tadd.add_argument("--limit", action="append", default=[], metavar="CUR=AMOUNT",
                      help="a personal approval limit in one currency, e.g. USD=15 (repeat "
                           "per currency; in another the policy's approval_above applies)")
    tadd.add_argument("--password-stdin", action="store_true",
                      help="read the login's password from standard input (else asked for; "
                           "blank for none, where the server trusts local logins)")
    tadd.set_defaults(handler=cmd_team_add_user)
    tmove = team_cmds.add_parser("migrate-from", parents=[common],
                                 help="move a single desk's SQLite FILE into this (empty) team "
                                      "database, checked table by table")
    tmove.add_argument("file", type=Path)
    tmove.set_defaults(handler=cmd_team_migrate_from)
    tjoin = team_cmds.add_parser("join", parents=[common],
                                 help="work on the team database URL from this computer "
                                      "(password and team key kept in the OS keyring)")
    tjoin.add_argument("url", metavar="URL", help="postgresql://LOGIN@SERVER/DATABASE")
    tjoin.add_argument("--stdin", action="store_true",
                       help="read the password, then the team key, one per line from "
                            "standard input (else asked for)")
    tjoin.set_defaults(handler=cmd_team_join)
    leave = team_cmds.add_parser("leave", parents=[common],
                                 help="back to this computer's own file (forgets the password)")
    leave.set_defaults(handler=cmd_team_leave)
    key = team_cmds.add_parser("key", parents=[common],
                               help="show the team key, to hand to a colleague once")
    key.set_defaults(handler=cmd_team_key)


def cmd_team_init(args: argparse.Namespace) -> int:
    from sellerdesk.services.protection.shared_keys import team_key_text
    from sellerdesk.services.team.setup import team_init
    db, owner = team_init(args.url)
    with db:
        key = team_key_text(db.engine)
        emit(args, {"db": db.location, "owner": owner.as_json(), "team_key": key},
             f"{db.location} is a team database; {owner.name} is its owner. Add colleagues "
             "with: sellerdesk team add-user NAME --role agent|supervisor|owner\n"
             f"Team key (give it to each colleague once; it opens the team's buyer data, "
             f"so pass it on as you would a password):\n  {key}")
    return 0


def cmd_team_join(args: argparse.Namespace) -> int:
    import getpass

    from sellerdesk.services.team.connection import join_team
    if args.stdin:
        password = sys.stdin.readline().rstrip("\n")
        team_key = sys.stdin.readline().strip()
    elif sys.stdin.isatty():
        password = getpass.getpass("Password (blank for none): ")
        team_key = getpass.getpass("Team key from the owner (blank to enter it later): ")
    else:
        password = team_key = ""
    joined = join_team(args.url, password=password, team_key=team_key)
    emit(args, {"db": joined.location, "login": joined.login, "role": joined.role,
                "team_key": joined.has_team_key}, joined.summary())
    return 0


def cmd_team_leave(args: argparse.Namespace) -> int:
    from sellerdesk.services.paths import default_database
    from sellerdesk.services.team.connection import leave_team
    leave_team()
    emit(args, {"db": str(default_database())},
         f"This computer works on its own file again: {default_database()}")
    return 0


def cmd_team_key(args: argparse.Namespace) -> int:
    from sellerdesk.services.protection.shared_keys import team_key_text
    with open_desk(args) as db:
        if not db.is_team:
            raise KnownError(f"{db.location} is not a team database; a single desk has no "
                             "team key")
        key = team_key_text(db.engine)
    if key is None:
        raise KnownError("this computer does not hold the team key; the owner's does")
    emit(args, {"team_key": key}, key)
    return 0


def cmd_team_add_user(args: argparse.Namespace) -> int:
    import getpass

    from sellerdesk.core.records import format_limits
    from sellerdesk.services.team.setup import add_user
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    elif sys.stdin.isatty():
        password = getpass.getpass(f"Password for {args.name} (blank for none): ")
        if password and getpass.getpass("Again: ") != password:
            raise KnownError("the two passwords differ; nothing was changed")
    else:
        password = ""
    with open_desk(args) as db:
        member = add_user(db.engine, args.name, role=args.role, limits=", ".join(args.limit),
                          password=password or None)
    emit(args, member.as_json(),
         f"{member.name} can now log in as {_article(member.role)} {member.role}"
         + (f" (approval limits {format_limits(member.approval_limits)})"
            if member.approval_limits else ""))
    return 0


def cmd_team_migrate_from(args: argparse.Namespace) -> int:
    from sellerdesk.services.team.setup import migrate_from
    showing = interactive(args)
    with open_desk(args) as db:
        moved = migrate_from(db.engine, args.file, progress=stderr_progress(showing))
    if showing:
        print(file=sys.stderr)
    emit(args, moved.as_json(), moved.summary())
    return 0


def _article(word: str) -> str:
    return "an" if word[0] in "aeiou" else "a"
