"""Entry point: `sellerdesk` or `python -m sellerdesk`."""

import multiprocessing
import sys


def main() -> None:
    # A large import reads its file in a second process; in the packaged app that
    # process is this executable again, and this call makes it the reader, not the app.
    multiprocessing.freeze_support()
    from sellerdesk.cli import main as cli_main
    sys.exit(cli_main())


if __name__ == "__main__":
    main()
