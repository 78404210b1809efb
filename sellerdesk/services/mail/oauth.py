"""OAuth 2.0 for mailboxes that refuse plain passwords (Microsoft 365) or prefer not to
take them (Gmail): the seller's own app registration (client id, and for Google's desktop
clients the client secret that is not secret), a device-code sign-in the first time, and
then a refresh token kept like a password (services.mail.account) from which short-lived
access tokens are made. IMAP and SMTP take an access token through SASL XOAUTH2."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import httpx

from sellerdesk.services.clock import now
from sellerdesk.services.mail.account import MailError

# An access token this close to its end is renewed before use, not refused mid-sync.
EARLY = timedelta(seconds=60)
TIMEOUT = 30.0


@dataclass(frozen=True)
class Provider:
    name: str                # as a person reads it
    token_url: str
    device_url: str
    scope: str


PROVIDERS = {
    # developers.google.com/identity/protocols/oauth2/limited-input-device; the scope
    # IMAP and SMTP need is the whole-mailbox one.
    "google": Provider("Google", "https://oauth2.googleapis.com/token",
                       "https://oauth2.googleapis.com/device/code", "https://mail.google.com/"),
    # learn.microsoft.com: "Authenticate an IMAP, POP or SMTP connection using OAuth";
    # offline_access is what brings a refresh token.
    "microsoft": Provider("Microsoft", "https://login.microsoftonline.com/common/oauth2/v2.0/token",
                          "https://login.microsoftonline.com/common/oauth2/v2.0/devicecode",
                          "offline_access https://outlook.office.com/IMAP.AccessAsUser.All "
                          "https://outlook.office.com/SMTP.Send"),
}


class OAuthError(MailError):
    """The provider would not give an access token: one sentence, what to do next."""


def xoauth2(user: str, access_token: str) -> bytes:
    """The SASL XOAUTH2 initial response, before base64 (imaplib and smtplib encode it):
    "user=" user ^A "auth=Bearer " token ^A ^A, as Google and Microsoft document it."""
    return f"user={user}\x01auth=Bearer {access_token}\x01\x01".encode()


@dataclass
class OAuthTokens:
    """A refresh token and the access token last made from it. `access_token()` renews it
    when it is missing or about to end; `refresh()` renews it now (a server that refused
    the token it had). A provider that sends a new refresh token (Microsoft) has it passed
    to `keep_refresh_token`, so the next start uses it."""
    provider: str
    client_id: str
    refresh_token: str = field(repr=False)
    client_secret: str | None = field(default=None, repr=False)
    token_url: str = ""
    keep_refresh_token: Callable[[str], None] | None = None
    _access: str | None = field(default=None, repr=False)
    _until: datetime | None = None

    def __post_init__(self) -> None:
        if self.provider not in PROVIDERS:
            raise OAuthError(f"{self.provider!r} is not an OAuth 2.0 provider SellerDesk "
                             "knows: choose Google or Microsoft.")
        self.token_url = self.token_url or PROVIDERS[self.provider].token_url

    @property
    def provider_name(self) -> str:
        return PROVIDERS[self.provider].name

    def access_token(self) -> str:
        if self._access is None or self._until is None or now() >= self._until - EARLY:
            self.refresh()
        assert self._access is not None
        return self._access

    def refresh(self) -> str:
        form = {"grant_type": "refresh_token", "client_id": self.client_id,
                "refresh_token": self.refresh_token}
        if self.client_secret:
            form["client_secret"] = self.client_secret
        answer = _post(self.token_url, form, self.provider_name)
        if answer.status_code != 200:
            raise OAuthError(f"{self.provider_name} refused to renew the mailbox's sign-in "
                             f"({_reason(answer)}): sign in again in Settings › Mail.")
        body = _json(answer, self.provider_name)
        token = body.get("access_token")
        if not isinstance(token, str) or not token:
            raise OAuthError(f"{self.provider_name}'s answer to renewing the sign-in had no "
                             "access token: sign in again in Settings › Mail.")
        self._access = token
        self._until = now() + timedelta(seconds=_seconds(body.get("expires_in"), 3600))
        newer = body.get("refresh_token")
        if isinstance(newer, str) and newer and newer != self.refresh_token:
            self.refresh_token = newer
            if self.keep_refresh_token is not None:
                self.keep_refresh_token(newer)
        return token


# -- the first sign-in: device code ----------------------------------------------------------
@dataclass(frozen=True)
class DeviceSignIn:
    """What to show the person: go to `verification_url` and type `user_code`."""
    provider: str
    client_id: str
    device_code: str = field(repr=False)
    user_code: str
    verification_url: str
    interval: int
    expires_at: datetime
    client_secret: str | None = field(default=None, repr=False)
    token_url: str = ""

    @property
    def instructions(self) -> str:
        return (f"Open {self.verification_url} in a browser, sign in to the mailbox and "
                f"enter the code {self.user_code}.")


def start_device_sign_in(provider: str, client_id: str, *, client_secret: str | None = None,
                         device_url: str = "", token_url: str = "") -> DeviceSignIn:
    """Ask the provider for a code the person types at its sign-in page (RFC 8628)."""
    if provider not in PROVIDERS:
        raise OAuthError(f"{provider!r} is not an OAuth 2.0 provider SellerDesk knows: "
                         "choose Google or Microsoft.")
    known = PROVIDERS[provider]
    form = {"client_id": client_id, "scope": known.scope}
    if client_secret:
        form["client_secret"] = client_secret
    answer = _post(device_url or known.device_url, form, known.name)
    if answer.status_code != 200:
        raise OAuthError(f"{known.name} would not start a sign-in for the client id "
                         f"{client_id} ({_reason(answer)}): check the app registration.")
    body = _json(answer, known.name)
    try:
        return DeviceSignIn(
            provider=provider, client_id=client_id, device_code=str(body["device_code"]),
            user_code=str(body["user_code"]),
            # Google says verification_url, RFC 8628 and Microsoft verification_uri.
            verification_url=str(body.get("verification_uri") or body["verification_url"]),
            interval=int(body.get("interval", 5)),
            expires_at=now() + timedelta(seconds=_seconds(body.get("expires_in"), 900)),
            client_secret=client_secret, token_url=token_url or known.token_url)
    except (KeyError, ValueError, TypeError):
        raise OAuthError(f"{known.name}'s answer to starting a sign-in was not a device "
                         "code: check the app registration allows the device flow.") from None


def poll_device_sign_in(sign_in: DeviceSignIn) -> OAuthTokens | None:
    """Ask once whether the person has finished: the tokens, or None while they have not."""
    name = PROVIDERS[sign_in.provider].name
    if now() >= sign_in.expires_at:
        raise OAuthError(f"The {name} sign-in code {sign_in.user_code} expired before it was "
                         "entered: start the sign-in again.")
    form = {"grant_type": "urn:ietf:params:oauth:grant-type:device_code",
            "client_id": sign_in.client_id, "device_code": sign_in.device_code}
    if sign_in.client_secret:
        form["client_secret"] = sign_in.client_secret
    answer = _post(sign_in.token_url, form, name)
    if answer.status_code == 200:
        body = _json(answer, name)
        refresh, access = body.get("refresh_token"), body.get("access_token")
        if not isinstance(refresh, str) or not refresh:
            raise OAuthError(f"{name} signed in but gave no refresh token, so the desk could "
                             "not sign in again later: check the app asks for offline access.")
        tokens = OAuthTokens(sign_in.provider, sign_in.client_id, refresh,
                             sign_in.client_secret, sign_in.token_url)
        if isinstance(access, str) and access:
            tokens._access = access
            tokens._until = now() + timedelta(seconds=_seconds(body.get("expires_in"), 3600))
        return tokens
    error = _error_code(answer)
    if error in ("authorization_pending", "slow_down"):
        return None
    if error == "access_denied":
        raise OAuthError(f"The {name} sign-in was declined: nothing was connected.")
    if error == "expired_token":
        raise OAuthError(f"The {name} sign-in code {sign_in.user_code} expired before it was "
                         "entered: start the sign-in again.")
    raise OAuthError(f"{name} refused the sign-in ({_reason(answer)}).")


def wait_for_device_sign_in(sign_in: DeviceSignIn, *,
                            cancelled: Callable[[], bool] = lambda: False,
                            sleep: Callable[[float], None] = time.sleep) -> OAuthTokens:
    """Poll at the interval the provider asked for until the person has signed in."""
    while True:
        tokens = poll_device_sign_in(sign_in)
        if tokens is not None:
            return tokens
        if cancelled():
            raise OAuthError("The sign-in was cancelled: nothing was connected.")
        sleep(sign_in.interval)


# -- talking to the token endpoint ---------------------------------------------------------
def _post(url: str, form: dict[str, str], name: str) -> httpx.Response:
    try:
        return httpx.post(url, data=form, timeout=TIMEOUT,
                          headers={"Accept": "application/json"})
    except httpx.TimeoutException:
        raise OAuthError(f"{name}'s sign-in server ({httpx.URL(url).host}) did not answer "
                         f"within {TIMEOUT:.0f} seconds: check the connection and try "
                         "again.") from None
    except httpx.HTTPError:
        raise OAuthError(f"{name}'s sign-in server ({httpx.URL(url).host}) cannot be "
                         "reached: check the connection and try again.") from None


def _json(answer: httpx.Response, name: str) -> dict:
    try:
        body = answer.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise OAuthError(f"{name}'s sign-in server answered with something other than "
                         "JSON: try again later.")
    return body


def _error_code(answer: httpx.Response) -> str:
    try:
        body = answer.json()
    except ValueError:
        return ""
    return str(body.get("error", "")) if isinstance(body, dict) else ""


def _reason(answer: httpx.Response) -> str:
    """The provider's own words (its error code and description); never the request."""
    try:
        body = answer.json()
    except ValueError:
        body = None
    if isinstance(body, dict) and body.get("error"):
        described = str(body.get("error_description") or "").strip().splitlines()
        return f"{body['error']}: {described[0]}" if described else str(body["error"])
    return f"HTTP {answer.status_code}"


def _seconds(value: object, default: int) -> int:
    try:
        return max(0, int(value))  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return default
