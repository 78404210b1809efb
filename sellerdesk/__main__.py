"""Entry point: `sellerdesk` or `python -m sellerdesk`."""

import sys


def main() -> None:
    from sellerdesk.cli import main as cli_main
    sys.exit(cli_main())


if __name__ == "__main__":
    main()
