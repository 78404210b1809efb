"""The test session's real mail servers: Dovecot (IMAP over TLS) and aiosmtpd (SMTP with
STARTTLS and AUTH), both behind a certificate authority made for the session.

Dovecot runs from its own configuration in a temporary folder (sockets, state, log and
mail all there), on free ports, the way the suite runs PostgreSQL. Each user has a
passwd-file of its own that Dovecot reads at the first sign-in, so a test adds a mailbox
without restarting anything. Nothing is trusted by default: a test trusts the session's
CA through SSL_CERT_FILE (OpenSSL's own variable, which ssl.create_default_context reads),
so the app's code connects exactly as it does on a seller's desk."""

from __future__ import annotations

import base64
import imaplib
import itertools
import json
import logging
import os
import pwd
import re
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from ipaddress import IPv4Address
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, Envelope, LoginPassword, Session
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

DOVECOT = Path(os.environ.get("SELLERDESK_DOVECOT", "/usr/sbin/dovecot"))
HOST = "localhost"
WRONG_NAME = "mail.example.net"
# A fixed, wide validity window: OpenSSL checks it against the machine's real clock, while
# the session's own clock may be moved by --clock (time_machine does not reach OpenSSL).
_VALID_FROM = datetime(2020, 1, 1, tzinfo=UTC)
_VALID_UNTIL = datetime(2099, 12, 31, tzinfo=UTC)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# -- certificates --------------------------------------------------------------------------
@dataclass(frozen=True)
class ServerCert:
    cert_file: Path
    key_file: Path


@dataclass(frozen=True)
class Certificates:
    ca_file: Path          # the session's CA: what SSL_CERT_FILE points at in a test
    localhost: ServerCert  # for "localhost" and 127.0.0.1
    wrong_name: ServerCert  # signed by the same CA, for another host's name


def _write_key(path: Path, key: ec.EllipticCurvePrivateKey) -> None:
    path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                       serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()))
    path.chmod(0o600)


def make_certificates(folder: Path) -> Certificates:
    """A CA, and two server certificates it signs: one for localhost, one for another name.
    EC keys, because RSA key generation would cost the session's start a noticeable time."""
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "SellerDesk test CA")])
    ca_cert = (x509.CertificateBuilder()
               .subject_name(ca_name).issuer_name(ca_name)
               .public_key(ca_key.public_key())
               .serial_number(x509.random_serial_number())
               .not_valid_before(_VALID_FROM).not_valid_after(_VALID_UNTIL)
               .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
               .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True,
                                            crl_sign=True, content_commitment=False,
                                            key_encipherment=False, data_encipherment=False,
                                            key_agreement=False, encipher_only=False,
                                            decipher_only=False), critical=True)
               .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()),
                              critical=False)
               .sign(ca_key, hashes.SHA256()))
    ca_file = folder / "ca.pem"
    ca_file.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))

    def server(stem: str, names: list[x509.GeneralName]) -> ServerCert:
        key = ec.generate_private_key(ec.SECP256R1())
        first = names[0].value
        cert = (x509.CertificateBuilder()
                .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, str(first))]))
                .issuer_name(ca_name)
                .public_key(key.public_key())
                .serial_number(x509.random_serial_number())
                .not_valid_before(_VALID_FROM).not_valid_after(_VALID_UNTIL)
                .add_extension(x509.SubjectAlternativeName(names), critical=False)
                .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
                .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]),
                               critical=False)
                .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                    ca_key.public_key()), critical=False)
                .sign(ca_key, hashes.SHA256()))
        made = ServerCert(folder / f"{stem}.pem", folder / f"{stem}.key")
        made.cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        _write_key(made.key_file, key)
        return made

    return Certificates(
        ca_file=ca_file,
        localhost=server("localhost", [x509.DNSName(HOST),
                                       x509.IPAddress(IPv4Address("127.0.0.1"))]),
        wrong_name=server("wrong-name", [x509.DNSName(WRONG_NAME)]))


def _trusting(ca_file: Path) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(ca_file))


# -- Dovecot -------------------------------------------------------------------------------
class Dovecot:
    """A real Dovecot 2.3 serving IMAP over TLS (port `port`, TLS from the first byte, as on
    993) to users added with `new_user`. As root, Dovecot's own rules apply: its login
    processes may not run as root and no mailbox may belong to uid 0, so the session runs
    them as Debian's dovenull/dovecot users; otherwise everything runs as the current user."""

    def __init__(self, root: Path, certificates: Certificates, *,
                 cert: ServerCert | None = None) -> None:
        self.root = root
        self.certificates = certificates
        self.cert = cert or certificates.localhost
        self.host = HOST
        self.port = free_port()
        self.ca_file = certificates.ca_file
        self.users = root / "users"
        self.mail_root = root / "mail"
        self.log_file = root / "dovecot.log"
        self.config_file = root / "dovecot.conf"
        self._process: subprocess.Popen[bytes] | None = None
        self._passwords: dict[str, str] = {}
        self._names = itertools.count(1)
        self._batches = itertools.count(1)     # deliver_many's Maildir names
        self._lock = threading.Lock()
        if os.geteuid() == 0:
            login_user, internal = "dovenull", pwd.getpwnam("dovecot")
        else:
            internal = pwd.getpwuid(os.geteuid())
            login_user = internal.pw_name
        self._mail_uid, self._mail_gid = internal.pw_uid, internal.pw_gid
        for folder in (root / "run", root / "state", self.mail_root):
            folder.mkdir(parents=True, exist_ok=True)
        os.chown(self.mail_root, self._mail_uid, self._mail_gid)
        self.users.mkdir(exist_ok=True)
        self.config_file.write_text(self._config(login_user, internal))

    def _config(self, login_user: str, internal: pwd.struct_passwd) -> str:
        internal_group = _group_name(internal.pw_gid)
        return f"""\
# Written by tests/helpers/mail_servers.py for one test session.
base_dir = {self.root}/run
state_dir = {self.root}/state
log_path = {self.log_file}
info_log_path = {self.log_file}
protocols = imap
listen = 127.0.0.1
ssl = required
ssl_cert = <{self.cert.cert_file}
ssl_key = <{self.cert.key_file}
default_login_user = {login_user}
default_internal_user = {internal.pw_name}
default_internal_group = {internal_group}
first_valid_uid = 1
first_valid_gid = 0
auth_mechanisms = plain login
# A wrong password is answered at once, not after Dovecot's usual two seconds.
auth_failure_delay = 0
passdb {{
  driver = passwd-file
  # A file per user: Dovecot looks at a passwd-file's time at most once a second, so a
  # user added to one shared file within that second would be refused.
  args = scheme=PLAIN username_format=%u {self.users}/%u
}}
userdb {{
  driver = static
  args = uid={self._mail_uid} gid={self._mail_gid} home={self.mail_root}/%u
}}
mail_location = maildir:~/Maildir
namespace inbox {{
  inbox = yes
  separator = /
  mailbox Sent {{
    special_use = \\Sent
    auto = create
  }}
}}
# Only root may chroot; the session runs Dovecot as whoever runs the tests.
service anvil {{
  chroot =
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    port = 0
  }}
  inet_listener imaps {{
    port = {self.port}
    ssl = yes
  }}
}}
# IDLE tells the client about new mail within a second, not Dovecot's default two minutes.
imap_idle_notify_interval = 1 secs
# Tests open many connections from one address in a short time.
mail_max_userip_connections = 1000
"""

    # -- running --------------------------------------------------------------------
    def start(self, timeout: float = 10.0) -> None:
        """Start (again, after `stop`) on the same port; return once it greets over TLS."""
        (self.root / "run" / "master.pid").unlink(missing_ok=True)
        # Its own process group, so stop() ends the master and every child it forked.
        self._process = subprocess.Popen(
            [str(DOVECOT), "-F", "-c", str(self.config_file)],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            start_new_session=True)
        deadline = time.monotonic() + timeout
        context = _trusting(self.ca_file)
        if self.cert is not self.certificates.localhost:
            context.check_hostname = False   # only to see it is up, not to trust it
        while True:
            if self._process.poll() is not None:
                raise RuntimeError(f"dovecot ended at start: {self._process.stderr.read()!r}"
                                   f"\n{self.log_text()}")
            if self._greets(context):
                return
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"dovecot did not answer in {timeout} s\n{self.log_text()}")
            time.sleep(0.01)

    def _greets(self, context: ssl.SSLContext) -> bool:
        # The port accepts before the auth process is ready; a login then would fail, so
        # ready means a greeting without "Waiting for authentication process".
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=2) as raw, \
                    context.wrap_socket(raw, server_hostname=self.host) as tls:
                greeting = tls.recv(512)
        except OSError:
            return False
        return greeting.startswith(b"* OK") and b"Waiting" not in greeting

    def stop(self) -> None:
        """Stop as a server that goes away does: connections drop, later ones are refused."""
        process, self._process = self._process, None
        if process is None:
            return
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)
        if process.stderr:
            process.stderr.close()
        # The children (imap, auth, log) are in the same group; make sure none lingers.
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def log_text(self) -> str:
        return self.log_file.read_text(errors="replace") if self.log_file.exists() else ""

    # -- mailboxes ------------------------------------------------------------------
    def new_user(self, login: str | None = None, password: str | None = None
                 ) -> tuple[str, str]:
        """A fresh, empty mailbox (INBOX and Sent) and its password."""
        with self._lock:
            login = login or f"seller{next(self._names)}@desk.test"
            password = password or secrets.token_urlsafe(12)
            if not re.fullmatch(r"[\w.@+-]+", login) or ":" in password:
                raise ValueError(f"{login!r}: not a login this passwd-file can hold")
            (self.users / login).write_text(f"{login}:{{PLAIN}}{password}\n")
            self._passwords[login] = password
        return login, password

    def password(self, login: str) -> str:
        return self._passwords[login]

    @contextmanager
    def imap(self, login: str) -> Iterator[imaplib.IMAP4_SSL]:
        """An IMAP connection signed in as `login`, trusting the session CA: what a test
        uses to play the other side (deliver, delete, rebuild a folder)."""
        context = _trusting(self.ca_file)
        if self.cert is not self.certificates.localhost:
            context.check_hostname = False
        connection = imaplib.IMAP4_SSL(self.host, self.port, ssl_context=context, timeout=30)
        try:
            connection.login(login, self._passwords[login])
            yield connection
        finally:
            with suppress(imaplib.IMAP4.error, OSError):
                connection.logout()

    def deliver(self, login: str, raw: bytes, folder: str = "INBOX", *,
                flags: str = "") -> int:
        """Put one message in `login`'s folder (made if missing); return its UID."""
        with self.imap(login) as connection:
            return _append(connection, folder, raw, flags)

    def deliver_many(self, login: str, raws: list[bytes], folder: str = "INBOX") -> None:
        """Many messages at once, written straight into the Maildir as a delivery agent
        would (20,000 APPENDs would take minutes); Dovecot gives them UIDs on next look."""
        with self.imap(login) as connection:   # makes the user's Maildir and the folder
            _create(connection, folder)
        maildir = self.mail_root / login / "Maildir"
        if folder.upper() != "INBOX":
            maildir = maildir / ("." + folder.replace("/", "."))
        # Maildir names need only be unique: a delivery's own number stands where a
        # delivery agent writes the time (no test reads the clock to make mail).
        batch = next(self._batches)
        for number, raw in enumerate(raws):
            name = f"{batch}.M{number}P{os.getpid()}.sellerdesk-tests"
            temporary = maildir / "tmp" / name
            temporary.write_bytes(raw)
            os.chown(temporary, self._mail_uid, self._mail_gid)
            os.rename(temporary, maildir / "new" / name)

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)


def _group_name(gid: int) -> str:
    import grp
    return grp.getgrgid(gid).gr_name


def _create(connection: imaplib.IMAP4, folder: str) -> None:
    status, _ = connection.select(_quoted(folder), readonly=True)
    if status != "OK":
        status, detail = connection.create(_quoted(folder))
        if status != "OK":
            raise RuntimeError(f"CREATE {folder}: {detail!r}")


def _append(connection: imaplib.IMAP4, folder: str, raw: bytes, flags: str) -> int:
    _create(connection, folder)
    status, detail = connection.append(_quoted(folder), f"({flags})" if flags else None,
                                       None, raw)
    if status != "OK":
        raise RuntimeError(f"APPEND to {folder}: {detail!r}")
    found = re.search(rb"APPENDUID \d+ (\d+)", detail[0] or b"")
    if found is None:
        raise RuntimeError(f"APPEND to {folder} gave no UID: {detail!r}")
    return int(found.group(1))


def _quoted(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


# -- SMTP ----------------------------------------------------------------------------------
# aiosmtpd 1.4 logs "Session.login_data is deprecated" from its own AUTH code on every
# sign-in (nothing a handler can change); the line says nothing about the test.
logging.getLogger("mail.log").addFilter(
    lambda record: "login_data is deprecated" not in record.getMessage())

@dataclass(frozen=True)
class Received:
    """One message as the SMTP server took it: who signed in, the envelope, and the exact
    bytes of DATA (dot-unstuffed, line endings as sent)."""
    login: str | None
    mail_from: str
    rcpt_tos: tuple[str, ...]
    raw: bytes


@dataclass
class _Keeper:
    received: list[Received] = field(default_factory=list)
    tokens: dict[str, str] = field(default_factory=dict)   # access token → login

    async def auth_XOAUTH2(self, server, args: list[str]) -> AuthResult:
        """SASL XOAUTH2 as Gmail's SMTP answers it: the initial response carries
        "user=…^Aauth=Bearer …^A^A"; a token it does not take gets a base64 JSON challenge,
        the client's empty answer, then 535."""
        if len(args) > 1:
            answer = args[1].encode()
        else:
            answer = await server.challenge_auth("", encode_to_b64=False)
            if not isinstance(answer, bytes):
                return AuthResult(success=False, handled=True)
            answer = base64.b64encode(answer)
        try:
            fields = dict(part.split("=", 1) for part in
                          base64.b64decode(answer, validate=True).decode().split("\x01")
                          if part)
        except ValueError:
            return AuthResult(success=False, handled=False,
                              message="501 5.5.2 Cannot decode XOAUTH2")
        user, bearer = fields.get("user", ""), fields.get("auth", "")
        token = bearer.removeprefix("Bearer ")
        if bearer.startswith("Bearer ") and self.tokens.get(token) == user:
            return AuthResult(success=True, auth_data=LoginPassword(user.encode(), b""))
        await server.challenge_auth(json.dumps({"status": "401", "schemes": "bearer",
                                                "scope": "https://mail.google.com/"}))
        return AuthResult(success=False, handled=False,
                          message="535 5.7.8 Username and Password not accepted")

    async def handle_DATA(self, server, session: Session, envelope: Envelope) -> str:
        login = session.auth_data.login.decode() if isinstance(
            session.auth_data, LoginPassword) else None
        self.received.append(Received(login, envelope.mail_from or "",
                                      tuple(envelope.rcpt_tos),
                                      bytes(envelope.original_content or b"")))
        return "250 Message accepted for delivery"


class SmtpServer:
    """aiosmtpd on a free port: STARTTLS with the session's localhost certificate; AUTH
    only after STARTTLS and required before MAIL: PLAIN/LOGIN for users added with
    `add_user` (the same logins as Dovecot's, in tests), XOAUTH2 for `add_token`'s."""

    # Real providers take 25–35 MB; base64 makes a 25 MB attachment about 34 MB.
    size_limit = 50 * 1024 * 1024

    def __init__(self, certificates: Certificates) -> None:
        self.host = HOST
        self.port = free_port()
        self.ca_file = certificates.ca_file
        self._users: dict[str, str] = {}
        self._keeper = _Keeper()
        tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls.load_cert_chain(certificates.localhost.cert_file,
                            certificates.localhost.key_file)
        self._controller = Controller(
            self._keeper, hostname="127.0.0.1", port=self.port,
            server_hostname=self.host, ready_timeout=10,
            tls_context=tls, require_starttls=True, auth_required=True,
            auth_require_tls=True, authenticator=self._authenticate,
            data_size_limit=self.size_limit)

    @property
    def received(self) -> list[Received]:
        return self._keeper.received

    def add_user(self, login: str, password: str) -> None:
        self._users[login] = password

    def add_token(self, login: str, access_token: str) -> None:
        """Take `access_token` for `login` through AUTH XOAUTH2 (as an OAuth provider's
        mail server takes the access tokens it issued)."""
        self._keeper.tokens[access_token] = login

    def _authenticate(self, server, session, envelope, mechanism: str,
                      auth_data) -> AuthResult:
        if not isinstance(auth_data, LoginPassword):
            return AuthResult(success=False, handled=False)
        login = auth_data.login.decode("utf-8", "replace")
        password = auth_data.password.decode("utf-8", "replace")
        ok = login in self._users and secrets.compare_digest(self._users[login], password)
        return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)

    def start(self) -> None:
        self._controller.start()

    def stop(self) -> None:
        self._controller.stop()


@dataclass(frozen=True)
class MailUser:
    login: str
    password: str
    address: str


# -- one session's servers -----------------------------------------------------------------
class MailServers:
    """Everything one test session runs: the CA, Dovecot, a second Dovecot presenting a
    certificate for another name (started the first time a test asks), and SMTP."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="sdmail-"))
        os.chmod(self.root, 0o755)   # Dovecot's unprivileged processes read their config here
        self.certificates = make_certificates(self.root)
        self.dovecot = Dovecot(self.root / "dovecot", self.certificates)
        self.smtp = SmtpServer(self.certificates)
        self._wrong_name: Dovecot | None = None

    def start(self) -> None:
        self.dovecot.start()
        self.smtp.start()

    @property
    def wrong_name_dovecot(self) -> Dovecot:
        if self._wrong_name is None:
            self._wrong_name = Dovecot(self.root / "wrong-name", self.certificates,
                                       cert=self.certificates.wrong_name)
            self._wrong_name.start()
        return self._wrong_name

    def close(self) -> None:
        try:
            self.smtp.stop()
        finally:
            for server in (self.dovecot, self._wrong_name):
                if server is not None:
                    server.stop()
            shutil.rmtree(self.root, ignore_errors=True)
