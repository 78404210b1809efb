"""The desk's mailbox: where it is (in the settings table, readable by every desk of a
team) and its secret — a password or app password, or an OAuth refresh token — which is
never in the settings: on a single desk it is in the OS keyring (services.protection.
secrets), on a team database in the team's table sealed with the team key, like the
team's other shared secrets, so whichever desk fetches the mail can sign in."""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field, replace

from sqlalchemy.engine import Engine

from sellerdesk.core.errors import KnownError
from sellerdesk.services.clock import now
from sellerdesk.services.policies import require_supervisor
from sellerdesk.services.protection import secrets
from sellerdesk.services.protection.shared_keys import read_shared, write_shared
from sellerdesk.store import settings as settings_store
from sellerdesk.store import team as team_store
from sellerdesk.store.engine import reading, writing

SETTING = "mail.account"
PASSWORD = "mail-password"                   # a password or an app password
REFRESH_TOKEN = "mail-oauth-refresh-token"
CLIENT_SECRET = "mail-oauth-client-secret"   # Google's desktop clients have one; Microsoft's not
SECRETS = (PASSWORD, REFRESH_TOKEN, CLIENT_SECRET)
AUTH_KINDS = ("password", "oauth2")
OAUTH_PROVIDERS = ("google", "microsoft")
_ADDRESS = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


class MailError(KnownError):
    """The mailbox cannot be used as set up: one sentence saying what to change."""


@dataclass(frozen=True)
class MailAccount:
    """Where the desk reads mail (IMAP over TLS) and sends it (SMTP). No secret in here:
    it is saved in the settings table as it is."""
    imap_host: str
    smtp_host: str
    login: str
    address: str                       # the sender approved in Seller Central
    imap_port: int = 993
    smtp_port: int = 587               # STARTTLS; 465 is TLS from the first byte
    folders: tuple[str, ...] = ("INBOX",)
    sent_folder: str = "Sent"
    auth: str = "password"             # or "oauth2" (XOAUTH2)
    oauth_provider: str = ""           # "google" or "microsoft" when auth is "oauth2"
    oauth_client_id: str = ""          # the seller's own app registration
    smtp_login: str = field(default="")  # when the SMTP login differs from IMAP's

    @property
    def smtp_user(self) -> str:
        return self.smtp_login or self.login

    def problem(self) -> str | None:
        """What is missing or wrong, in words; None when it can be saved."""
        for label, host in (("the IMAP server", self.imap_host),
                            ("the SMTP server", self.smtp_host)):
            if not host.strip() or any(c.isspace() for c in host.strip()):
                return f"{label} is not a host name"
        for label, port in (("the IMAP port", self.imap_port),
                            ("the SMTP port", self.smtp_port)):
            if not 0 < port < 65536:
                return f"{label} {port} is not between 1 and 65535"
        if not self.login.strip():
            return "the login is missing"
        if not _ADDRESS.fullmatch(self.address.strip()):
            return f"{self.address!r} is not an email address"
        if not [f for f in self.folders if f.strip()]:
            return "no folder is chosen to watch"
        if self.auth not in AUTH_KINDS:
            return f"the sign-in {self.auth!r} is neither a password nor OAuth 2.0"
        if self.auth == "oauth2":
            if self.oauth_provider not in OAUTH_PROVIDERS:
                return "OAuth 2.0 needs the provider: Google or Microsoft"
            if not self.oauth_client_id.strip():
                return "OAuth 2.0 needs the client id of your own app registration"
        return None

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> MailAccount:
        values = json.loads(text)
        known = {name: values[name] for name in cls.__dataclass_fields__ if name in values}
        known["folders"] = tuple(known.get("folders", ("INBOX",)))
        return cls(**known)


def mail_account(engine: Engine) -> MailAccount | None:
    """The desk's mailbox, or None when none is connected."""
    with reading(engine) as conn:
        text = settings_store.setting(conn, key=SETTING)
    return None if text is None else MailAccount.from_json(text)


def _in_team(engine: Engine) -> bool:
    if engine.dialect.name != "postgresql":
        return False
    with reading(engine) as conn:
        return team_store.team_login(conn) is not None


def _secret_name(account: MailAccount) -> str:
    return PASSWORD if account.auth == "password" else REFRESH_TOKEN


def save_mail_account(engine: Engine, account: MailAccount, *, password: str | None,
                      client_secret: str | None = None, staff: str | None = None) -> str:
    """Connect the desk to `account`. `password` is the password or app password (or,
    for OAuth 2.0, the refresh token the sign-in gave); None keeps the one already kept.
    Returns the sentence saying where the secret went. The mailbox serves the whole desk,
    so a supervisor or the owner sets it (anyone on a desk with no staff yet)."""
    account = replace(account, imap_host=account.imap_host.strip(),
                      smtp_host=account.smtp_host.strip(), login=account.login.strip(),
                      address=account.address.strip().lower(),
                      folders=tuple(f.strip() for f in account.folders if f.strip()),
                      sent_folder=account.sent_folder.strip())
    if (problem := account.problem()) is not None:
        raise MailError(f"The mailbox cannot be saved: {problem}.")
    name = _secret_name(account)
    if password is None and read_shared(engine, name) is None:
        raise MailError("The mailbox cannot be saved: "
                        + ("the password is missing." if account.auth == "password" else
                           "sign in with the provider first (no refresh token is kept)."))
    with writing(engine) as conn:
        by = require_supervisor(conn, staff or "", "the mailbox serves the whole desk, so "
                                "one of them connects it")
        settings_store.put_setting(conn, key=SETTING, value=account.to_json(), by=by,
                                   now=now())
    if password is not None:
        write_shared(engine, name, password)
    if client_secret:
        write_shared(engine, CLIENT_SECRET, client_secret)
    return where_secret_is(engine, account)


def where_secret_is(engine: Engine, account: MailAccount) -> str:
    """One sentence for Settings: where the mailbox's secret is kept."""
    what = ("The mailbox password" if account.auth == "password" else
            "The mailbox's OAuth 2.0 sign-in")
    if _in_team(engine):
        return (f"{what} is kept in the team database, sealed with the team key, so any "
                "desk of the team can fetch the mail; never in a log or an export.")
    if secrets.keyring_available():
        return (f"{what} is kept in the OS keyring ({secrets.backend_name()}); never in "
                "the database, a log or an export.")
    return (f"No OS keyring works on this computer: {what[0].lower() + what[1:]} is kept "
            "for this session only (never on disk), so enter it again next time.")


def mail_password(engine: Engine, account: MailAccount) -> str | None:
    """The kept secret: the password, or the OAuth 2.0 refresh token."""
    return read_shared(engine, _secret_name(account))


def oauth_client_secret(engine: Engine) -> str | None:
    return read_shared(engine, CLIENT_SECRET)


def keep_refresh_token(engine: Engine, token: str) -> None:
    """A provider that hands out a new refresh token with each access token (Microsoft)
    wants the new one used next time."""
    write_shared(engine, REFRESH_TOKEN, token)


def forget_mail_account(engine: Engine, *, staff: str | None = None) -> None:
    """Disconnect the mailbox: its setting and every secret it had."""
    with writing(engine) as conn:
        require_supervisor(conn, staff or "", "the mailbox serves the whole desk, so one of "
                           "them disconnects it")
        settings_store.drop_setting(conn, key=SETTING)
    if not _in_team(engine):
        for name in (PASSWORD, REFRESH_TOKEN, CLIENT_SECRET):
            secrets.delete_secret(name)
