"""`sellerdesk sync`: new orders and reports from Amazon's SP-API, with the seller's own
app credentials (kept in the OS keyring, or typed with --login)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from sellerdesk.cli.common import ask, emit, interactive, open_desk, stderr_progress
from sellerdesk.core.errors import KnownError
from sellerdesk.core.marketplaces import BY_CODE, by_code


def add_commands(commands: Any, common: argparse.ArgumentParser) -> None:
    sync = commands.add_parser(
        "sync", parents=[common], help="bring in new orders and reports from Amazon "
        "(SP-API, with your own app's credentials)")
    sync.add_argument("--marketplace", action="append", choices=sorted(BY_CODE),
                      type=str.upper, help="a marketplace to sync (repeat for more; "
                      "default: those chosen in Settings, else US)")
    sync.add_argument("--login", action="store_true",
                      help="first ask for the SP-API credentials (LWA client id, client "
                           "secret, refresh token) and keep them in the OS keyring")
    sync.set_defaults(handler=cmd_sync)


def cmd_sync(args: argparse.Namespace) -> int:
    from sellerdesk.services.amazon import api as amazon_api
    from sellerdesk.services.amazon.sync import sync_marketplaces, sync_now
    from sellerdesk.services.staff import default_staff_name
    if args.login:
        typed = amazon_api.Credentials(ask("LWA client id: ", hidden=False),
                                       ask("Client secret: ", hidden=True),
                                       ask("Refresh token: ", hidden=True))
        if not amazon_api.save_credentials(typed):
            print("sellerdesk: no OS keyring works here, so these credentials last for "
                  "this command only (never written to disk)", file=sys.stderr)
    credentials = amazon_api.load_credentials()
    if credentials is None:
        raise KnownError("No SP-API credentials yet: enter them with `sellerdesk sync "
                         f"--login` or in the window ({amazon_api.SETTINGS_PLACE}).")
    showing = interactive(args)
    show = stderr_progress(showing)
    with open_desk(args) as db:
        markets = ([by_code(code) for code in args.marketplace] if args.marketplace
                   else sync_marketplaces(db.engine))
        with amazon_api.AmazonApi(
                credentials, waiting=lambda text: show(0, text) if show else None) as api:
            result = sync_now(db.engine, api, marketplaces=markets, by=default_staff_name(),
                              progress=show)
    if showing:
        print(file=sys.stderr)
    emit(args, result.as_json(), result.summary())
    return 0 if result.ok else 1
