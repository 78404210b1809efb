"""OAuth 2.0 for the mailbox (Gmail, Microsoft 365): the XOAUTH2 string, access tokens
made from the kept refresh token and renewed when they end or are refused, and the
device-code sign-in — against a token endpoint on a local socket (answering in the
shapes Google and Microsoft document) and the session's real SMTP server taking XOAUTH2."""

from __future__ import annotations

import base64
import dataclasses
import json
import threading
from collections import deque
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest
import time_machine

from sellerdesk.services.mail.account import mail_password, save_mail_account
from sellerdesk.services.mail.connection import MailError, open_smtp
from sellerdesk.services.mail.oauth import (
    OAuthError,
    OAuthTokens,
    poll_device_sign_in,
    start_device_sign_in,
    xoauth2,
)

CLIENT_ID = "1234567890-desk.apps.googleusercontent.com"
REFRESH_TOKEN = "1//0g-refresh-token-marker"


class TokenEndpoint:
    """A provider's token (and device-code) endpoint: each POST takes the next scripted
    answer, or else issues access-1, access-2, … for an hour; every form asked is kept."""

    def __init__(self) -> None:
        self.asked: list[dict[str, str]] = []
        self.answers: deque[tuple[int, dict]] = deque()
        self._issued = 0
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                endpoint.asked.append(form)
                status, body = endpoint._answer()
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_port}/token"
        # A short poll: shutdown() waits for the loop to look, half a second by default.
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.02}, daemon=True)
        self._thread.start()

    def _answer(self) -> tuple[int, dict]:
        if self.answers:
            return self.answers.popleft()
        self._issued += 1
        return 200, {"access_token": f"access-{self._issued}", "expires_in": 3599,
                     "scope": "https://mail.google.com/", "token_type": "Bearer"}

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()


@pytest.fixture
def token_endpoint() -> Iterator[TokenEndpoint]:
    endpoint = TokenEndpoint()
    yield endpoint
    endpoint.close()


@pytest.fixture
def pinned():
    with time_machine.travel(datetime(2026, 3, 1, 12, tzinfo=UTC), tick=False) as traveller:
        yield traveller


def google_tokens(endpoint: TokenEndpoint, **more) -> OAuthTokens:
    return OAuthTokens("google", CLIENT_ID, REFRESH_TOKEN, "GOCSPX-client-secret",
                       token_url=endpoint.url, **more)


def test_the_xoauth2_string_is_the_one_google_documents():
    # developers.google.com/gmail/imap/xoauth2-protocol, "The SASL XOAUTH2 Mechanism".
    said = xoauth2("someuser@example.com", "ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg")

    assert base64.b64encode(said).decode() == (
        "dXNlcj1zb21ldXNlckBleGFtcGxlLmNvbQFhdXRoPUJlYXJlciB5YTI5LnZGOWRmdDRxbVRjMk52YjNSbGNr"
        "QmhkSFJoZG1semRHRXVZMjl0Q2cBAQ==")


def test_an_access_token_is_made_once_and_renewed_as_it_ends(token_endpoint, pinned):
    tokens = google_tokens(token_endpoint)

    assert tokens.access_token() == "access-1"
    pinned.shift(timedelta(minutes=50))
    assert tokens.access_token() == "access-1"          # still good for ten minutes
    pinned.shift(timedelta(minutes=9, seconds=30))
    assert tokens.access_token() == "access-2"          # within a minute of its end
    assert token_endpoint.asked == [
        {"grant_type": "refresh_token", "client_id": CLIENT_ID, "refresh_token": REFRESH_TOKEN,
         "client_secret": "GOCSPX-client-secret"}] * 2


def test_a_refused_token_is_renewed_once_and_the_sign_in_tried_again(
        token_endpoint, pinned, mail_account, mail_user, smtp_server):
    # The server no longer takes access-1 (revoked or ended early); it takes access-2.
    smtp_server.add_token(mail_user.login, "access-2")
    account = dataclasses.replace(mail_account, auth="oauth2", oauth_provider="google",
                                  oauth_client_id=CLIENT_ID)

    with open_smtp(account, google_tokens(token_endpoint)) as smtp:
        smtp.sendmail(mail_user.address, ["buyer@marketplace.amazon.com"],
                      b"Subject: Your order\r\n\r\nOn its way.\r\n")

    assert [arrived.login for arrived in smtp_server.received] == [mail_user.login]
    assert len(token_endpoint.asked) == 2


def test_a_token_refused_after_renewal_is_one_sentence(token_endpoint, pinned, mail_account,
                                                       mail_user, smtp_server):
    account = dataclasses.replace(mail_account, auth="oauth2", oauth_provider="google",
                                  oauth_client_id=CLIENT_ID)

    with pytest.raises(MailError) as refused:
        open_smtp(account, google_tokens(token_endpoint))

    assert str(refused.value) == (
        f"The SMTP server at localhost:{smtp_server.port} refused the Google sign-in for "
        f"{mail_user.login} (535 5.7.8 Username and Password not accepted).")
    assert len(token_endpoint.asked) == 2               # renewed once, not in a loop


def test_a_refused_renewal_is_one_sentence(token_endpoint, pinned):
    token_endpoint.answers.append((400, {"error": "invalid_grant",
                                         "error_description": "Token has been expired or "
                                                              "revoked."}))

    with pytest.raises(OAuthError) as refused:
        google_tokens(token_endpoint).access_token()

    assert str(refused.value) == (
        "Google refused to renew the mailbox's sign-in (invalid_grant: Token has been "
        "expired or revoked.): sign in again in Settings › Mail.")
    assert REFRESH_TOKEN not in str(refused.value)


def test_a_new_refresh_token_replaces_the_kept_one(token_endpoint, pinned, sqlite_database,
                                                   mail_account):
    # Microsoft hands out a new refresh token with each access token.
    engine = sqlite_database.engine
    account = dataclasses.replace(mail_account, auth="oauth2", oauth_provider="microsoft",
                                  oauth_client_id="0f3c5b1e-desk")
    save_mail_account(engine, account, password="M.R3_BAY.old-refresh")
    token_endpoint.answers.append((200, {"access_token": "EwBIA-access", "expires_in": 4371,
                                         "refresh_token": "M.R3_BAY.new-refresh",
                                         "token_type": "Bearer"}))
    tokens = OAuthTokens("microsoft", "0f3c5b1e-desk", mail_password(engine, account),
                         token_url=token_endpoint.url,
                         keep_refresh_token=lambda token: save_mail_account(
                             engine, account, password=token))

    assert tokens.access_token() == "EwBIA-access"
    assert mail_password(engine, account) == "M.R3_BAY.new-refresh"
    assert "client_secret" not in token_endpoint.asked[0]   # a public client has none


def test_the_device_sign_in_shows_a_code_then_gives_the_tokens(token_endpoint, pinned):
    # learn.microsoft.com "OAuth 2.0 device authorization grant": the answers' shapes.
    token_endpoint.answers.extend([
        (200, {"device_code": "GMMhmHCXhWEzkobqIHGG_EnNYYsAkukHspeYUk9E8",
               "user_code": "FJ6L9DQZ3", "verification_uri": "https://microsoft.com/devicelogin",
               "expires_in": 900, "interval": 5,
               "message": "To sign in, use a web browser to open the page …"}),
        (400, {"error": "authorization_pending",
               "error_description": "AADSTS70016: OAuth 2.0 device flow error."}),
        (200, {"token_type": "Bearer", "access_token": "EwBIA-first", "expires_in": 3599,
               "refresh_token": "M.R3_BAY.first-refresh",
               "scope": "https://outlook.office.com/IMAP.AccessAsUser.All"}),
    ])

    sign_in = start_device_sign_in("microsoft", "0f3c5b1e-desk", device_url=token_endpoint.url,
                                   token_url=token_endpoint.url)
    assert sign_in.instructions == ("Open https://microsoft.com/devicelogin in a browser, sign "
                                    "in to the mailbox and enter the code FJ6L9DQZ3.")
    assert poll_device_sign_in(sign_in) is None             # not yet typed
    tokens = poll_device_sign_in(sign_in)

    assert tokens is not None
    assert tokens.refresh_token == "M.R3_BAY.first-refresh"
    assert tokens.access_token() == "EwBIA-first"           # no renewal needed yet
    assert token_endpoint.asked[0]["scope"] == (
        "offline_access https://outlook.office.com/IMAP.AccessAsUser.All "
        "https://outlook.office.com/SMTP.Send")
    assert token_endpoint.asked[2]["grant_type"] == (
        "urn:ietf:params:oauth:grant-type:device_code")
    assert len(token_endpoint.asked) == 3


def test_a_declined_device_sign_in_is_one_sentence(token_endpoint, pinned):
    token_endpoint.answers.extend([
        (200, {"device_code": "AH-1Ng", "user_code": "GQVQ-JKEC",
               "verification_url": "https://www.google.com/device", "expires_in": 1800,
               "interval": 5}),
        (403, {"error": "access_denied", "error_description": "Forbidden"}),
    ])
    sign_in = start_device_sign_in("google", CLIENT_ID, client_secret="GOCSPX-client-secret",
                                   device_url=token_endpoint.url, token_url=token_endpoint.url)

    with pytest.raises(OAuthError) as declined:
        poll_device_sign_in(sign_in)

    assert str(declined.value) == "The Google sign-in was declined: nothing was connected."
