"""Where no OS keyring works: `key-file create|status`, the buyer-history key kept in a
file sealed with a passphrase (common.unlock_key_file opens it before a command)."""

from __future__ import annotations

import argparse
import os
from typing import Any

from sellerdesk.cli.common import PASSPHRASE_ENV, emit, secret
from sellerdesk.core.errors import KnownError


def add_commands(commands: Any, common: argparse.ArgumentParser) -> None:
    keys = commands.add_parser("key-file", parents=[common],
                               help="where no OS keyring works: keep the buyer-history key "
                                    "in a file sealed with a passphrase")
    key_cmds = keys.add_subparsers(dest="key_file_command", metavar="ACTION", required=True)
    create = key_cmds.add_parser("create", parents=[common],
                                 help="make the sealed key file (passphrase asked, or "
                                      f"${PASSPHRASE_ENV})")
    create.set_defaults(handler=cmd_key_file)
    status = key_cmds.add_parser("status", parents=[common],
                                 help="whether a keyring or the key file keeps the "
                                      "buyer-history key")
    status.set_defaults(handler=cmd_key_file)


def cmd_key_file(args: argparse.Namespace) -> int:
    from sellerdesk.services.protection import key_file
    if args.key_file_command == "status":
        state = key_file.state()
        emit(args, {"keyring": not key_file.needed(), "key_file": str(key_file.path()),
                    "exists": key_file.exists(), "open": key_file.is_open()}, state)
        return 0
    passphrase = os.environ.get(PASSPHRASE_ENV)
    if not passphrase:
        passphrase = secret("Passphrase for the key file (12 characters or more): ")
        if passphrase is not None and secret("Again: ") != passphrase:
            raise KnownError("the two passphrases differ; no key file was made")
    if not passphrase:
        raise KnownError(f"the key file needs a passphrase: type it at the prompt, or give "
                         f"it in ${PASSPHRASE_ENV}")
    made = key_file.create_key_file(passphrase)
    emit(args, {"key_file": str(made)},
         f"Buyer-history keys are now kept in {made}, sealed with your passphrase; "
         f"SellerDesk asks for it at start (or reads ${PASSPHRASE_ENV}).")
    return 0
