"""Signing in to the seller's mailbox: IMAP over TLS from the first byte (993), SMTP with
STARTTLS (587, or any port but 465) or TLS from the first byte (465). Certificates are
checked against the system's trusted authorities and the host's name, always: a name
that does not match is refused, never trusted anyway. Whatever goes wrong becomes one
MailError sentence naming the host, port, login or folder — never the password."""

from __future__ import annotations

import base64
import imaplib
import re
import smtplib
import socket
import ssl
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress

from sqlalchemy.engine import Engine

from sellerdesk.services.mail.account import (
    MailAccount,
    MailError,
    keep_refresh_token,
    mail_password,
    oauth_client_secret,
)
from sellerdesk.services.mail.oauth import OAuthTokens, xoauth2

__all__ = ["MailError", "Secret", "check_mailbox", "desk_secret", "folder_names", "open_imap",
           "open_smtp", "quoted"]

TIMEOUT = 30.0
SMTPS_PORT = 465
# OpenSSL's verify results (X509_V_ERR_*) that say who the certificate is not trusted by.
_HOSTNAME_MISMATCH = 62
_EXPIRED, _NOT_YET_VALID = 10, 9
# A password, or OAuth 2.0 tokens (access tokens made from the kept refresh token).
Secret = str | OAuthTokens


def desk_secret(engine: Engine, account: MailAccount) -> Secret:
    """What signs the desk in to its mailbox: the kept password, or OAuth 2.0 tokens made
    from the kept refresh token (a newer one the provider sends is kept in its place)."""
    kept = mail_password(engine, account)
    if kept is None:
        raise MailError(f"No {'password' if account.auth == 'password' else 'sign-in'} is "
                        f"kept for the mailbox {account.login} on this computer: enter it "
                        "in Settings › Mail.")
    if account.auth == "password":
        return kept
    return OAuthTokens(account.oauth_provider, account.oauth_client_id, kept,
                       oauth_client_secret(engine),
                       keep_refresh_token=lambda token: keep_refresh_token(engine, token))


# -- the network's faults, in words --------------------------------------------------------
@contextmanager
def _reaching(what: str, host: str, port: int) -> Iterator[None]:
    """Turn the ways a connection fails before any sign-in into one sentence."""
    where = f"{host}:{port}"
    try:
        yield
    except ssl.SSLCertVerificationError as exc:
        raise MailError(_certificate_sentence(what, host, where, exc)) from None
    except ssl.SSLError as exc:
        raise MailError(f"The {what} server at {where} did not complete a TLS handshake "
                        f"({exc.reason or exc.strerror}): check the port is the one for "
                        f"{'TLS' if what == 'IMAP' else 'STARTTLS or TLS'}.") from None
    except socket.gaierror:
        raise MailError(f"The {what} server {host} cannot be found (no such name in DNS): "
                        "check the host name and the network.") from None
    except ConnectionRefusedError:
        raise MailError(f"Nothing answers at {where}: the {what} server is down or the "
                        "port is wrong.") from None
    except TimeoutError:
        raise MailError(f"The {what} server at {where} did not answer within "
                        f"{TIMEOUT:.0f} seconds: check the host, the port and the "
                        "network.") from None
    except (imaplib.IMAP4.abort, smtplib.SMTPServerDisconnected, EOFError) as exc:
        raise MailError(f"The {what} server at {where} closed the connection "
                        f"({_said(exc)}).") from None
    except OSError as exc:
        raise MailError(f"The {what} server at {where} cannot be reached "
                        f"({exc.strerror or type(exc).__name__}).") from None


def _certificate_sentence(what: str, host: str, where: str,
                          exc: ssl.SSLCertVerificationError) -> str:
    if exc.verify_code == _HOSTNAME_MISMATCH:
        return (f"The {what} server at {where} presented a TLS certificate for another "
                f"name, not {host}: SellerDesk refused the connection (the name must match; "
                "check the host name your provider gives).")
    if exc.verify_code in (_EXPIRED, _NOT_YET_VALID):
        return (f"The {what} server at {where} presented a TLS certificate that is "
                f"{'expired' if exc.verify_code == _EXPIRED else 'not valid yet'}: "
                "SellerDesk refused the connection (check the computer's clock, or tell "
                "the mail provider).")
    return (f"The {what} server at {where} presented a TLS certificate this computer does "
            f"not trust ({exc.verify_message}): SellerDesk refused the connection (a "
            "private mail server's authority must be added to the system's trusted "
            "certificates).")


def _said(exc: BaseException) -> str:
    """What the server said, as text (imaplib gives bytes inside a str)."""
    text = str(exc.args[0] if exc.args else exc)
    if isinstance(exc.args[0] if exc.args else None, bytes):
        text = exc.args[0].decode("utf-8", "replace")
    text = re.sub(r"^b['\"](.*)['\"]$", r"\1", text.strip())
    return text or type(exc).__name__


def _context() -> ssl.SSLContext:
    # The system's trusted authorities (OpenSSL reads SSL_CERT_FILE/SSL_CERT_DIR here),
    # the host name checked, TLS 1.2 at least: no option to turn any of it off.
    context = ssl.create_default_context()
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    return context


# -- IMAP ----------------------------------------------------------------------------------
def open_imap(account: MailAccount, secret: Secret, *,
              timeout: float = TIMEOUT) -> imaplib.IMAP4_SSL:
    """Signed in to the account's IMAP server over TLS; close it with `with` or logout()."""
    host, port = account.imap_host, account.imap_port
    with _reaching("IMAP", host, port):
        connection = imaplib.IMAP4_SSL(host, port, ssl_context=_context(), timeout=timeout)
    try:
        with _reaching("IMAP", host, port):
            _sign_in_imap(connection, account, secret)
    except BaseException:
        _close_quietly(connection.shutdown)
        raise
    return connection


def _sign_in_imap(connection: imaplib.IMAP4_SSL, account: MailAccount, secret: Secret) -> None:
    where = f"{account.imap_host}:{account.imap_port}"
    if isinstance(secret, OAuthTokens):
        def sign_in(token: str) -> None:
            # After a refusal Gmail sends a JSON challenge; an empty answer ends the exchange.
            connection.authenticate(
                "XOAUTH2", lambda challenge: b"" if challenge else xoauth2(account.login, token))
        _with_fresh_token(secret, sign_in, imaplib.IMAP4.error,
                          lambda exc: f"The IMAP server at {where} refused the "
                          f"{secret.provider_name} sign-in for {account.login} ({_said(exc)}).")
        return
    try:
        connection.login(account.login, secret)
    except imaplib.IMAP4.error as exc:
        raise MailError(f"The IMAP server at {where} refused the login {account.login} "
                        f"({_said(exc)}): check the password (an app password where the "
                        "provider asks for one).") from None


def _with_fresh_token(tokens: OAuthTokens, sign_in: Callable[[str], None],
                      refused: type[BaseException],
                      sentence: Callable[[BaseException], str]) -> None:
    """Sign in with the access token; if the server refuses it (expired, revoked early),
    make a new one once and try again."""
    try:
        sign_in(tokens.access_token())
        return
    except refused:
        pass
    fresh = tokens.refresh()
    try:
        sign_in(fresh)
    except refused as exc:
        raise MailError(sentence(exc)) from None


def folder_names(connection: imaplib.IMAP4) -> list[str]:
    """Every folder the mailbox has, as the server names them (UTF-7 undone)."""
    status, lines = connection.list()
    if status != "OK":
        return []
    names = []
    for line in lines:
        if not isinstance(line, bytes):
            continue
        found = re.match(rb'\((?P<flags>[^)]*)\) (?:"(?:[^"\\]|\\.)*"|NIL) (?P<name>.+)$', line)
        if found is None:
            continue
        name = found.group("name").strip()
        if name.startswith(b'"') and name.endswith(b'"'):
            name = re.sub(rb"\\(.)", rb"\1", name[1:-1])
        names.append(_from_modified_utf7(name))
    return names


def quoted(folder: str) -> str:
    """A folder's name as an IMAP argument: modified UTF-7 (RFC 3501), quoted."""
    encoded = _to_modified_utf7(folder)
    return '"' + encoded.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _to_modified_utf7(text: str) -> str:
    out, pending = [], []

    def flush() -> None:
        if pending:
            raw = "".join(pending).encode("utf-16-be")
            out.append("&" + base64.b64encode(raw).decode().rstrip("=").replace("/", ",") + "-")
            pending.clear()
    for char in text:
        if 0x20 <= ord(char) <= 0x7E:
            flush()
            out.append("&-" if char == "&" else char)
        else:
            pending.append(char)
    flush()
    return "".join(out)


def _from_modified_utf7(raw: bytes) -> str:
    text = raw.decode("ascii", "replace")

    def decode(match: re.Match[str]) -> str:
        inner = match.group(1)
        if not inner:
            return "&"
        padded = inner.replace(",", "/") + "=" * (-len(inner) % 4)
        try:
            return base64.b64decode(padded).decode("utf-16-be")
        except (ValueError, UnicodeDecodeError):
            return match.group(0)
    return re.sub(r"&([^-]*)-", decode, text)


# -- SMTP ----------------------------------------------------------------------------------
def open_smtp(account: MailAccount, secret: Secret, *,
              timeout: float = TIMEOUT) -> smtplib.SMTP:
    """Signed in to the account's SMTP server: TLS from the first byte on 465, STARTTLS on
    any other port (mail is never sent, nor a password given, in clear)."""
    host, port = account.smtp_host, account.smtp_port
    where = f"{host}:{port}"
    with _reaching("SMTP", host, port):
        if port == SMTPS_PORT:
            connection: smtplib.SMTP = smtplib.SMTP_SSL(host, port, timeout=timeout,
                                                        context=_context())
        else:
            connection = smtplib.SMTP(host, port, timeout=timeout)
    try:
        with _reaching("SMTP", host, port):
            connection.ehlo()
            if port != SMTPS_PORT:
                if not connection.has_extn("starttls"):
                    raise MailError(f"The SMTP server at {where} does not offer STARTTLS: "
                                    "SellerDesk sends mail only over TLS (try port 465).")
                connection.starttls(context=_context())
                connection.ehlo()
            _sign_in_smtp(connection, account, secret, where)
    except BaseException:
        _close_quietly(connection.close)
        raise
    return connection


def _sign_in_smtp(connection: smtplib.SMTP, account: MailAccount, secret: Secret,
                  where: str) -> None:
    login = account.smtp_user
    if isinstance(secret, OAuthTokens):
        def sign_in(token: str) -> None:
            # smtplib asks for the initial response with challenge=None, then for an
            # answer to a refusal's JSON challenge: empty, as Google asks.
            connection.auth("XOAUTH2", lambda challenge=None: (
                xoauth2(login, token).decode() if challenge is None else ""))
        _with_fresh_token(secret, sign_in, smtplib.SMTPAuthenticationError,
                          lambda exc: f"The SMTP server at {where} refused the "
                          f"{secret.provider_name} sign-in for {login} ({_smtp_said(exc)}).")
        return
    try:
        connection.login(login, secret)
    except smtplib.SMTPAuthenticationError as exc:
        raise MailError(f"The SMTP server at {where} refused the login {login} "
                        f"({_smtp_said(exc)}): check the password (an app password where "
                        "the provider asks for one).") from None
    except smtplib.SMTPNotSupportedError:
        raise MailError(f"The SMTP server at {where} does not take a login: check the "
                        "port is the one for sending with a password (587 or 465).") from None
    except smtplib.SMTPException as exc:
        raise MailError(f"The SMTP server at {where} did not let {login} sign in "
                        f"({_smtp_said(exc)}).") from None


def _smtp_said(exc: smtplib.SMTPException) -> str:
    code = getattr(exc, "smtp_code", None)
    text = getattr(exc, "smtp_error", b"")
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    text = " ".join(str(text).split())
    return f"{code} {text}".strip() if code else (text or type(exc).__name__)


def _close_quietly(close: Callable[[], object]) -> None:
    with suppress(OSError, imaplib.IMAP4.error, smtplib.SMTPException):
        close()


# -- the check in Settings -----------------------------------------------------------------
def check_mailbox(account: MailAccount, secret: Secret, *,
                  timeout: float = TIMEOUT) -> list[str]:
    """Sign in to both servers, open every watched folder and the Sent folder, and ask the
    SMTP server whether it takes mail from the account's address (nothing is sent).
    Returns what was checked, line by line; the first fault raises MailError."""
    done: list[str] = []
    imap = open_imap(account, secret, timeout=timeout)
    try:
        with _reaching("IMAP", account.imap_host, account.imap_port):
            done.append(f"IMAP: signed in to {account.imap_host}:{account.imap_port} as "
                        f"{account.login}, over TLS.")
            existing: list[str] | None = None
            for folder in (*account.folders, account.sent_folder):
                status, data = imap.select(quoted(folder), readonly=True)
                if status != "OK":
                    existing = existing if existing is not None else folder_names(imap)
                    role = "Sent folder" if folder == account.sent_folder and \
                        folder not in account.folders else "folder"
                    raise MailError(f"The {role} “{folder}” is not in the mailbox "
                                    f"{account.login} at {account.imap_host}; it has "
                                    f"{_listed(existing)}.")
                count = int(data[0]) if data and data[0] and data[0].isdigit() else 0
                label = "Sent folder" if folder == account.sent_folder else "Folder"
                done.append(f"{label} {folder}: {count:,} message{'s' if count != 1 else ''}.")
    finally:
        _close_quietly(imap.logout)
    smtp = open_smtp(account, secret, timeout=timeout)
    try:
        with _reaching("SMTP", account.smtp_host, account.smtp_port):
            code, said = smtp.mail(account.address)
            if code != 250:
                raise MailError(f"The SMTP server at {account.smtp_host}:{account.smtp_port} "
                                f"does not take mail from {account.address} as "
                                f"{account.smtp_user} ({code} "
                                f"{said.decode('utf-8', 'replace').strip()}).")
            smtp.rset()
        done.append(f"SMTP: {account.smtp_host}:{account.smtp_port} accepts mail from "
                    f"{account.address}, signed in as {account.smtp_user} over TLS.")
    finally:
        _close_quietly(smtp.quit)
    return done


def _listed(names: list[str]) -> str:
    if not names:
        return "no folders"
    shown = sorted(names, key=lambda n: (n.upper() != "INBOX", n.casefold()))[:12]
    more = len(names) - len(shown)
    return ", ".join(shown) + (f" and {more} more" if more else "")
