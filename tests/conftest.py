"""Test session: Qt offscreen, a private home for every test (data, config, keyring),
and databases on both backends — a real SQLite file and a real PostgreSQL 15 cluster
that the session starts in a temporary folder and stops at the end."""

from __future__ import annotations

import itertools
import multiprocessing
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import keyring
import pytest

from sellerdesk.services import paths
from sellerdesk.services.protection import secrets
from tests.helpers.memory_keyring import MemoryKeyring

REPO = Path(__file__).resolve().parents[1]
AMAZON = REPO.parent / "shared" / "amazon"
PG_BIN = Path(os.environ.get("SELLERDESK_PG_BIN", "/usr/lib/postgresql/15/bin"))


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--soak", action="store_true",
                     help="crash tests: kill the crediting child 5,000 times instead of 200")
    parser.addoption("--clock", default="+0d", metavar="SHIFT",
                     help="move the whole session's clock (and its child processes') by "
                          "SHIFT, e.g. +400d, -30d, +13h: a test that leans on the "
                          "calendar fails the day it is written, not months later")
    parser.addoption("--tz", default=None, metavar="ZONE",
                     help="run the session in this IANA time zone (TZ), e.g. "
                          "Pacific/Kiritimati (UTC+14): local and UTC dates then differ")


_SHIFT = re.compile(r"([+-])(\d+)([dhm])")
_UNITS = {"d": "days", "h": "hours", "m": "minutes"}


def clock_shift(text: str) -> timedelta:
    """"+400d" → 400 days; "-6h" → minus six hours."""
    match = _SHIFT.fullmatch(text.strip())
    if match is None:
        raise pytest.UsageError(f"--clock {text!r}: write a signed shift such as +400d, "
                                "-30d or +13h")
    sign, number, unit = match.groups()
    shift = timedelta(**{_UNITS[unit]: int(number)})
    return -shift if sign == "-" else shift


def pytest_configure(config: pytest.Config) -> None:
    # Processes start as on Windows and macOS (a fresh interpreter that imports what it
    # runs), so app code that leans on fork's copy of the parent (a lambda or closure as
    # the target, state set up at run time) fails here too, not only on a seller's desk.
    multiprocessing.set_start_method("spawn", force=True)
    zone = config.getoption("--tz")
    if zone:
        if not Path("/usr/share/zoneinfo", zone).is_file():
            raise pytest.UsageError(f"--tz {zone!r}: no such time zone in /usr/share/zoneinfo")
        os.environ["TZ"] = zone        # children (the CLI, crash tests) inherit it
        time.tzset()
    shift = clock_shift(config.getoption("--clock"))
    if shift:
        import time_machine
        # A timestamp, not an aware datetime: time_machine would set TZ to the datetime's zone.
        travel = time_machine.travel(time.time() + shift.total_seconds(), tick=True)
        travel.start()
        config.add_cleanup(travel.stop)
        # Child Python processes move their clocks too: a sitecustomize on PYTHONPATH.
        site = Path(tempfile.mkdtemp(prefix="sdclock-"))
        (site / "sitecustomize.py").write_text(
            "import time, time_machine\n"
            f"time_machine.travel(time.time() + {shift.total_seconds()!r}, tick=True).start()\n")
        config.add_cleanup(lambda: shutil.rmtree(site, ignore_errors=True))
        os.environ["PYTHONPATH"] = os.pathsep.join(
            filter(None, [str(site), os.environ.get("PYTHONPATH")]))
    config.stash[_CLOCK_NOTE] = (f"clock moved by {config.getoption('--clock')}"
                                 if shift else "clock: real") + (
        f", TZ={zone}" if zone else f", TZ={os.environ.get('TZ', 'as the machine has it')}")


_CLOCK_NOTE = pytest.StashKey[str]()


def pytest_report_header(config: pytest.Config) -> str:
    return config.stash[_CLOCK_NOTE]


@pytest.fixture(autouse=True)
def private_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test gets its own data and config folders, an empty keyring, and the secrets
    as a new process has them: none kept for the session, no keyring failure seen, no
    key file open. SellerDesk's data and config folders move through its paths module
    ($SELLERDESK_HOME: home/sellerdesk/data and /config, made by SellerDesk as it would
    make them in a profile) on every OS, children included; the XDG variables, which do
    nothing on macOS or Windows, keep what other code puts there (Qt, the platform's log
    folder) in the test's home on Linux."""
    home = tmp_path / "home"
    for name, sub in (("XDG_DATA_HOME", "data"), ("XDG_CONFIG_HOME", "config"),
                      ("XDG_CACHE_HOME", "cache"), ("XDG_STATE_HOME", "state")):
        (home / sub).mkdir(parents=True)
        monkeypatch.setenv(name, str(home / sub))
    monkeypatch.setenv(paths.HOME_ENV, str(home / "sellerdesk"))
    monkeypatch.delenv(paths.DB_ENV, raising=False)
    monkeypatch.setattr(secrets, "_session", {})
    monkeypatch.setattr(secrets, "_broken", [])
    monkeypatch.setattr(secrets, "_sealed", [None])
    keyring.set_keyring(MemoryKeyring())
    return home


# -- PostgreSQL -------------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PostgresCluster:
    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="sdpg-"))
        self.data = self.root / "data"
        self.port = _free_port()
        # initdb refuses to run as root: run the server as the postgres user then.
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_user:
            shutil.chown(self.root, "postgres", "postgres")
        self._names = itertools.count()

    def _run(self, *args: str) -> None:
        subprocess.run([*self.as_user, *args], check=True, capture_output=True, timeout=120)

    def start(self) -> None:
        self._run(str(PG_BIN / "initdb"), "-D", str(self.data), "-U", "sellerdesk",
                  "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8",
                  "--locale=C.UTF-8", "--no-sync")
        self.resume()

    def resume(self) -> None:
        """Start the server (again, after `pause`), on the same socket and port."""
        # The socket trusts the test's logins; TCP on 127.0.0.1 asks for passwords.
        options = (f"-k {self.root} -p {self.port} -c listen_addresses=127.0.0.1 -c fsync=off "
                   "-c full_page_writes=off -c synchronous_commit=off")
        self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-o", options,
                  "-l", str(self.root / "server.log"), "-w", "start")

    def pause(self) -> None:
        """Stop the server as a restart or a network outage would, data kept."""
        self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    def stop(self) -> None:
        try:
            self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://sellerdesk@/{database}?host={self.root}&port={self.port}"

    def tcp_url(self, database: str, login: str) -> str:
        """Over TCP, where the server asks for the login's password."""
        return f"postgresql://{login}@127.0.0.1:{self.port}/{database}"

    def new_database(self) -> str:
        import psycopg
        name = f"test_{os.getpid()}_{next(self._names)}"
        with psycopg.connect(host=str(self.root), port=self.port, user="sellerdesk",
                             dbname="postgres", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresCluster]:
    cluster = PostgresCluster()
    cluster.start()
    try:
        yield cluster
    finally:
        cluster.stop()


# -- databases ---------------------------------------------------------------------------
@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return str(tmp_path / "desk.sqlite3")


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The same test on a real SQLite file and on the real PostgreSQL cluster."""
    if request.param == "sqlite":
        return str(tmp_path / "desk.sqlite3")
    return request.getfixturevalue("postgres").new_database()


@pytest.fixture
def database(db_url: str):
    from sellerdesk.services.database import open_database
    db = open_database(db_url)
    yield db
    db.engine.dispose()


@pytest.fixture
def sqlite_database(sqlite_url: str):
    from sellerdesk.services.database import open_database
    db = open_database(sqlite_url)
    yield db
    db.engine.dispose()


# -- mail servers (#25) --------------------------------------------------------------------
# A real Dovecot (IMAP over TLS) and a real SMTP server (aiosmtpd: STARTTLS, AUTH) behind a
# CA made for the session; see tests/helpers/mail_servers.py. Both start the first time a
# test asks (about 30 ms) and stop, with every process Dovecot forked, when the session ends.
@pytest.fixture(scope="session")
def mail_servers():
    from tests.helpers.mail_servers import MailServers
    servers = MailServers()
    try:
        servers.start()
        yield servers
    finally:
        servers.close()


@pytest.fixture
def dovecot(mail_servers):
    """The session's Dovecot, running: a test that stopped it (the server went away) and
    failed before starting it again does not take the next test's server with it."""
    if not mail_servers.dovecot.running:
        mail_servers.dovecot.start()
    return mail_servers.dovecot


@pytest.fixture
def wrong_name_dovecot(mail_servers):
    """A second Dovecot whose certificate (from the same, trusted CA) names
    mail.example.net: connecting to it as localhost must be refused."""
    return mail_servers.wrong_name_dovecot


@pytest.fixture
def smtp_server(mail_servers):
    """The session's SMTP server with nothing received yet; `.received` then holds each
    message this test sent: login, envelope and the exact bytes."""
    mail_servers.smtp.received.clear()
    return mail_servers.smtp


@pytest.fixture
def mail_trust(mail_servers, monkeypatch: pytest.MonkeyPatch):
    """This test trusts the session's CA as a desk trusts its system's: through
    SSL_CERT_FILE, which OpenSSL (so ssl.create_default_context) reads on each call."""
    monkeypatch.setenv("SSL_CERT_FILE", str(mail_servers.certificates.ca_file))
    return mail_servers.certificates.ca_file


@pytest.fixture
def mail_user(dovecot, smtp_server):
    """A fresh mailbox (INBOX, Sent) on Dovecot whose login and password also sign in to
    the SMTP server; its address is its login."""
    from tests.helpers.mail_servers import MailUser
    login, password = dovecot.new_user()
    smtp_server.add_user(login, password)
    return MailUser(login=login, password=password, address=login)


@pytest.fixture
def mail_account(dovecot, smtp_server, mail_user, mail_trust):
    """The desk's MailAccount for `mail_user` on the session's servers, trusted: sign in
    with mail_user.password (services.mail.connection.open_imap / open_smtp)."""
    from sellerdesk.services.mail.account import MailAccount
    return MailAccount(imap_host=dovecot.host, imap_port=dovecot.port,
                       smtp_host=smtp_server.host, smtp_port=smtp_server.port,
                       login=mail_user.login, address=mail_user.address)
