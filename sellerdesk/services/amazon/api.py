"""Talking to Amazon's Selling Partner API (SP-API) through python-amazon-sp-api.

The seller's own app credentials come from the keyring (services.protection.secrets) and go nowhere
else. Amazon's throttling (HTTP 429) and passing server trouble are answered by waiting
and asking again, at the pace Amazon's rate-limit header asks for; an access token that
has expired is renewed once; every other failure becomes one sentence naming the call
and Amazon's error code.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
from sp_api.api import Orders, Reports
from sp_api.auth import AccessTokenClient, AccessTokenResponse
from sp_api.auth.exceptions import AuthorizationError
from sp_api.base import ApiResponse, Marketplaces, SellingApiException
from sp_api.base.credential_provider import FromCodeCredentialProvider
from sp_api.base.exceptions import (
    SellingApiForbiddenException,
    SellingApiGatewayTimeoutException,
    SellingApiRequestThrottledException,
    SellingApiServerException,
    SellingApiTemporarilyUnavailableException,
)
from tenacity import RetryCallState, Retrying, retry_if_exception_type, stop_after_attempt
from tenacity.wait import wait_exponential_jitter

from sellerdesk.core.errors import Cancelled, KnownError
from sellerdesk.core.marketplaces import Marketplace
from sellerdesk.services.protection import secrets

# Point SellerDesk at a stand-in for Amazon (the tests' local server, a trial run):
# both the login (LWA) and the SP-API calls then go to this address.
ENDPOINT_VARIABLE = "SELLERDESK_SP_API_ENDPOINT"
SECRET_NAMES = ("sp-api-client-id", "sp-api-client-secret", "sp-api-refresh-token")
SETTINGS_PLACE = "Settings › Amazon SP-API"
# Worth asking again: Amazon asked us to slow down, or had trouble of its own, or the
# network did.
_PASSING = (SellingApiRequestThrottledException, SellingApiServerException,
            SellingApiTemporarilyUnavailableException, SellingApiGatewayTimeoutException,
            httpx.TransportError)


class AmazonError(KnownError):
    """Amazon refused a call, or could not be reached: the message names the call."""


@dataclass(frozen=True, slots=True)
class Credentials:
    """A self-authorised SP-API app's login: never shown, logged or written to a file."""
    client_id: str = field(repr=False)
    client_secret: str = field(repr=False)
    refresh_token: str = field(repr=False)

    def problem(self) -> str | None:
        missing = [label for label, value in (("the LWA client id", self.client_id),
                                              ("the client secret", self.client_secret),
                                              ("the refresh token", self.refresh_token))
                   if not value.strip()]
        if not missing:
            return None
        named = ", ".join(missing[:-1]) + " and " + missing[-1] if len(missing) > 1 \
            else missing[0]
        return f"{named} {'is' if len(missing) == 1 else 'are'} missing"


def saved_credentials() -> Credentials:
    """What Settings saved, a field blank where nothing is."""
    return Credentials(*(secrets.get_secret(name) or "" for name in SECRET_NAMES))


def load_credentials() -> Credentials | None:
    """The credentials saved in Settings, or None when some are missing."""
    found = saved_credentials()
    return None if found.problem() else found


def save_credentials(credentials: Credentials) -> bool:
    """Keep them in the OS keyring; False when only this session holds them."""
    if (problem := credentials.problem()) is not None:
        raise KnownError(f"The SP-API credentials are incomplete: {problem}.")
    kept = [secrets.set_secret(name, value.strip())
            for name, value in zip(SECRET_NAMES, (credentials.client_id,
                                                  credentials.client_secret,
                                                  credentials.refresh_token), strict=True)]
    return all(kept)


def forget_credentials() -> None:
    for name in SECRET_NAMES:
        secrets.delete_secret(name)


@dataclass(frozen=True, slots=True)
class Pace:
    """How patiently to wait on Amazon. Tests use a brisk pace; the defaults fit Amazon's
    usage plans (searchOrders refills one request every three minutes)."""
    first_wait: float = 2.0           # after a throttled call; doubles, with jitter
    longest_wait: float = 240.0
    attempts: int = 7                 # tries per call, the first included
    poll_every: float = 15.0          # how often to ask whether a report is ready
    report_patience: float = 45 * 60  # how long a report may take before we stop waiting


class _Tokens:
    """The access token of one connection, so an expired one can be dropped (the
    library's own cache is module-wide and cannot be told)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._value: dict[str, Any] | None = None
        self._until = 0.0

    def get(self, fetch: Callable[[], dict[str, Any]]) -> AccessTokenResponse:
        with self._lock:
            if self._value is None or time.monotonic() >= self._until:
                self._value = fetch()
                lifetime = float(self._value.get("expires_in") or 3600)
                self._until = time.monotonic() + max(lifetime - 60, 0)
            return AccessTokenResponse(**self._value)

    def forget(self) -> None:
        with self._lock:
            self._value = None


class _TokenClient(AccessTokenClient):
    tokens: _Tokens   # set on the subclass each connection makes

    def get_auth(self) -> AccessTokenResponse:
        return self.tokens.get(
            lambda: self._request(self.scheme + self.host + self.path, self.data, self.headers))


def library_marketplace(market: Marketplace) -> Marketplaces:
    return Marketplaces["GB" if market.code == "UK" else market.code]


def region_of(market: Marketplace) -> str:
    """The SP-API endpoint serving a marketplace (NA, EU or FE): one call covers all of
    a region's marketplaces."""
    return library_marketplace(market).endpoint


class AmazonApi:
    """One seller's connection to SP-API. `cancelled` is polled while waiting; `waiting`
    hears why (Amazon asked us to slow down) and for how long."""

    def __init__(self, credentials: Credentials, *, endpoint: str | None = None,
                 pace: Pace = Pace(), cancelled: Callable[[], bool] | None = None,
                 waiting: Callable[[str], None] | None = None) -> None:
        self._credentials = credentials
        self.endpoint = (endpoint or os.environ.get(ENDPOINT_VARIABLE) or "").rstrip("/")
        self.pace = pace
        self.cancelled = cancelled or (lambda: False)
        self._waiting = waiting or (lambda _text: None)
        self._tokens = _Tokens()
        attributes: dict[str, Any] = {"tokens": self._tokens}
        if self.endpoint:
            scheme, _, host = self.endpoint.partition("://")
            attributes.update(scheme=scheme + "://", host=host)
        self._token_client = type("TokenClient", (_TokenClient,), attributes)
        self._backoff = wait_exponential_jitter(multiplier=pace.first_wait,
                                                max=pace.longest_wait, jitter=pace.first_wait)
        self._http = httpx.Client(timeout=60, follow_redirects=True)
        self._clients: dict[tuple[type, str], Any] = {}

    def close(self) -> None:
        """Close every connection this one opened (the library's clients keep theirs)."""
        for client in self._clients.values():
            client._auth._transport.close()
            client.close()
        self._clients.clear()
        self._http.close()

    def __enter__(self) -> AmazonApi:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # -- clients --------------------------------------------------------------------
    def _client(self, kind: type, market: Marketplace, **extra: Any):
        key = (kind, market.code)
        if key in self._clients:
            return self._clients[key]
        client = kind(library_marketplace(market),
                      credentials={"lwa_app_id": self._credentials.client_id,
                                   "lwa_client_secret": self._credentials.client_secret,
                                   "refresh_token": self._credentials.refresh_token},
                      credential_providers=[FromCodeCredentialProvider],
                      auth_token_client_class=self._token_client, timeout=60, **extra)
        if self.endpoint:
            client.endpoint = self.endpoint
        self._clients[key] = client
        return client

    def orders(self, market: Marketplace):
        return self._client(Orders, market, version="2026-01-01")

    def reports(self, market: Marketplace) -> Reports:
        return self._client(Reports, market)

    # -- calls ----------------------------------------------------------------------
    def call(self, operation: str, method: Callable[..., ApiResponse], /,
             **arguments: Any) -> ApiResponse:
        """Make one SP-API call, waiting and asking again while Amazon throttles or
        stumbles. Raises AmazonError naming `operation`, or Cancelled."""
        try:
            return self._retrying(operation, _PASSING)(self._once, method, arguments)
        except AuthorizationError as exc:
            raise AmazonError(
                f"Amazon's login refused SellerDesk's SP-API credentials ({exc.error_code}: "
                f"{exc.message}); check them in {SETTINGS_PLACE}.") from None
        except SellingApiException as exc:
            raise AmazonError(_refusal(operation, exc)) from None
        except json.JSONDecodeError:
            raise AmazonError(f"Amazon's answer to {operation} was not readable (not JSON); "
                              "sync again later.") from None
        except httpx.HTTPError as exc:
            raise AmazonError(
                f"SellerDesk could not reach Amazon for {operation} ({_network_trouble(exc)}); "
                "check the internet connection and sync again.") from None

    def _once(self, method: Callable[..., ApiResponse], arguments: dict[str, Any]) -> ApiResponse:
        self.check_cancelled()
        try:
            return method(**arguments)
        except SellingApiForbiddenException as exc:
            if _code(exc) != "Unauthorized":
                raise
            self._tokens.forget()   # an expired access token: log in again, once
            return method(**arguments)

    def download(self, url: str, what: str) -> bytes:
        """A report document's bytes, from the address getReportDocument gave."""
        def fetch() -> bytes:
            self.check_cancelled()
            response = self._http.get(url)
            response.raise_for_status()
            return response.content
        try:
            return self._retrying(what, (httpx.TransportError,))(fetch)
        except httpx.HTTPStatusError as exc:
            raise AmazonError(f"Amazon's download of {what} failed (HTTP "
                              f"{exc.response.status_code}); sync again.") from None
        except httpx.HTTPError as exc:
            raise AmazonError(f"SellerDesk could not download {what} "
                              f"({_network_trouble(exc)}); sync again.") from None

    # -- waiting --------------------------------------------------------------------
    def check_cancelled(self) -> None:
        if self.cancelled():
            raise Cancelled("The sync")

    def sleep(self, seconds: float) -> None:
        """Wait, a tenth of a second at a time, so Cancel is heard at once."""
        end = time.monotonic() + seconds
        while (left := end - time.monotonic()) > 0:
            self.check_cancelled()
            time.sleep(min(left, 0.1))
        self.check_cancelled()

    def _retrying(self, what: str, passing: tuple[type[BaseException], ...]) -> Retrying:
        """Ask again while the failure is a passing one, at the pace Amazon asks for,
        telling `waiting` why and for how long."""
        return Retrying(retry=retry_if_exception_type(passing), wait=self._wait,
                        stop=stop_after_attempt(self.pace.attempts), sleep=self.sleep,
                        before_sleep=lambda state: self._tell_wait(what, state), reraise=True)

    def _wait(self, state: RetryCallState) -> float:
        backoff = self._backoff(state)
        error = state.outcome.exception() if state.outcome is not None else None
        rate = _rate_limit(error)
        # Amazon says how many calls a second it allows: never ask sooner than that.
        return min(max(backoff, 1 / rate if rate else 0.0), self.pace.longest_wait)

    def _tell_wait(self, what: str, state: RetryCallState) -> None:
        error = state.outcome.exception() if state.outcome is not None else None
        seconds = state.next_action.sleep if state.next_action is not None else 0
        why = ("Amazon asked SellerDesk to slow down"
               if isinstance(error, SellingApiRequestThrottledException)
               else "Amazon could not answer just now" if isinstance(error, SellingApiException)
               else "Amazon could not be reached")
        self._waiting(f"{why} ({what}); asking again in {_duration(seconds)}")


def _code(exc: SellingApiException) -> str:
    return getattr(exc, "amzn_code", None) or ""


def _refusal(operation: str, exc: SellingApiException) -> str:
    """Amazon's refusal as one sentence: the call, Amazon's code and words, and what the
    seller can do about it."""
    message = getattr(exc, "message", None) or "no reason given"
    said = f"{_code(exc)}: {message}" if _code(exc) else message
    if isinstance(exc, SellingApiRequestThrottledException):
        return (f"Amazon kept asking SellerDesk to slow down on {operation} ({said}); "
                "sync again in a few minutes.")
    if isinstance(exc, SellingApiForbiddenException):
        return (f"Amazon refused {operation} ({said}); check the SP-API credentials in "
                f"{SETTINGS_PLACE} and that the app has the role this needs.")
    if isinstance(exc, _PASSING):
        return f"Amazon could not answer {operation} ({said}); sync again later."
    return f"Amazon refused {operation} ({said})."


def _rate_limit(error: BaseException | None) -> float | None:
    headers = getattr(error, "headers", None) or {}
    try:
        rate = float(headers.get("x-amzn-RateLimit-Limit") or 0)
    except (TypeError, ValueError):
        return None
    return rate if rate > 0 else None


def _network_trouble(exc: httpx.HTTPError) -> str:
    text = str(exc) or type(exc).__name__
    return text if len(text) < 120 else text[:117] + "…"


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{max(seconds, 0.1):.0f} s" if seconds >= 1 else f"{seconds:.1f} s"
    return f"{seconds / 60:.0f} min"
