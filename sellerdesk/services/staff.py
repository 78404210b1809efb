"""Who is at the desk when nobody said: $SELLERDESK_STAFF, else the OS login. Light on
purpose: the window reads it before the database opens."""

from __future__ import annotations

import getpass
import os

STAFF_ENV = "SELLERDESK_STAFF"


def default_staff_name() -> str:
    return os.environ.get(STAFF_ENV) or getpass.getuser()
