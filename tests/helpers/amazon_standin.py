"""A stand-in for Amazon on a local socket: Login with Amazon's token endpoint and the
SP-API Orders (2026-01-01) and Reports (2021-06-30) calls SellerDesk makes, answering
with Amazon's own sample responses from ../shared/amazon (the orders are Amazon's
sandbox orders; reports follow the sample shapes, their documents are given by the test).

A test scripts the bad days: throttled calls (429 with Amazon's QuotaExceeded body and
rate-limit header), server trouble, expired access tokens, reports that end CANCELLED
or FATAL. Everything asked is kept in `calls`, for tests to read.

Run it by hand for a trial of Sync now: `python -m tests.helpers.amazon_standin` prints the
address and credentials to use (SELLERDESK_SP_API_ENDPOINT=…).
"""

from __future__ import annotations

import gzip
import itertools
import json
import threading
from collections import defaultdict, deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

AMAZON = Path(__file__).resolve().parents[3] / "shared" / "amazon"   # ../shared beside the repo
CLIENT_ID = "amzn1.application-oa2-client.standin0000000000000000"
CLIENT_SECRET = "amzn1.oa2-cs.v1.standin-client-secret-marker"
REFRESH_TOKEN = "Atzr|standin-refresh-token-marker"
THROTTLED = {"errors": [{"code": "QuotaExceeded",
                         "message": "You exceeded your quota for the requested resource."}]}
EXPIRED = {"errors": [{"code": "Unauthorized", "message": "Access to requested resource is denied.",
                       "details": "The access token you provided has expired."}]}
SERVER_TROUBLE = {"errors": [{"code": "InternalFailure",
                              "message": "We encountered an internal error. Please try again."}]}


def _sample(name: str) -> dict[str, Any]:
    return json.loads((AMAZON / name).read_text(encoding="utf-8"))


def sample_orders() -> list[dict[str, Any]]:
    """Every order in Amazon's searchOrders samples (sandbox answers and the example)."""
    answers = _sample("orders_api/orders_2026-01-01_searchOrders_examples.json")["responses"]["200"]
    found = [o for pair in answers["x-amzn-api-sandbox_static"] for o in pair["response"]["orders"]]
    found += answers["examples"]["application/json"]["orders"]
    return found


def _report_template() -> dict[str, Any]:
    answers = _sample("reports_api/reports_2021-06-30_getReport_examples.json")["responses"]
    return dict(answers["200"]["x-amzn-api-sandbox_static"][0]["response"])


@dataclass
class Report:
    report_id: str
    report_type: str
    marketplace_ids: list[str]
    body: dict[str, Any]
    polls: int = 0


@dataclass
class AmazonStandIn:
    documents: dict[str, bytes] = field(default_factory=dict)   # report type → content
    settlements: list[bytes] = field(default_factory=list)      # Amazon-made, listed
    outcomes: dict[str, str] = field(default_factory=dict)      # report type → final status
    orders: list[dict[str, Any]] = field(default_factory=sample_orders)
    page_size: int = 2
    polls_before_done: int = 1
    compress: bool = True
    rate_limit: str = "0.5"   # x-amzn-RateLimit-Limit on a throttled answer
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._faults: dict[str, deque[tuple[int, dict[str, Any]]]] = defaultdict(deque)
        self._tokens: set[str] = set()
        self._numbers = itertools.count(1)
        self._reports: dict[str, Report] = {}
        self._documents: dict[str, bytes] = {}
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    # -- running -----------------------------------------------------------------
    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> AmazonStandIn:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    # -- scripting bad days --------------------------------------------------------
    def throttle(self, operation: str, times: int = 1) -> None:
        self._faults[operation].extend([(429, THROTTLED)] * times)

    def trouble(self, operation: str, times: int = 1) -> None:
        self._faults[operation].extend([(500, SERVER_TROUBLE)] * times)

    def refuse(self, operation: str, status: int, body: dict[str, Any]) -> None:
        self._faults[operation].append((status, body))

    def expire_tokens(self) -> None:
        """Every access token handed out so far has now expired."""
        with self._lock:
            self._tokens.clear()

    def asked(self, operation: str) -> list[dict[str, Any]]:
        return [query for name, query in self.calls if name == operation]

    # -- answering -----------------------------------------------------------------
    def answer(self, method: str, path: str, query: dict[str, list[str]], body: bytes,
               headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        operation, argument = _operation(method, path)
        flat = {k: v[0] if len(v) == 1 else v for k, v in query.items()}
        if operation == "token":
            flat = {k: v[0] for k, v in parse_qs(body.decode()).items()}
        elif operation in ("createReport",):
            flat = json.loads(body or b"{}")
        self.calls.append((operation, flat))
        if operation == "unknown":
            return _json(404, {"errors": [{"code": "NotFound", "message": f"no {path}"}]})
        if self._faults[operation]:
            status, fault = self._faults[operation].popleft()
            extra = {"x-amzn-RateLimit-Limit": self.rate_limit} if status == 429 else {}
            return _json(status, fault, extra)
        if operation == "token":
            return self._token(flat)
        if operation == "download":
            return 200, {"Content-Type": "text/plain"}, self._documents[argument]
        if headers.get("x-amz-access-token") not in self._tokens:
            return _json(403, EXPIRED)
        return getattr(self, "_" + operation)(argument, flat)

    def _token(self, form: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        if form.get("client_id") != CLIENT_ID or form.get("client_secret") != CLIENT_SECRET:
            return _json(401, {"error": "invalid_client",
                               "error_description": "Client authentication failed"})
        if form.get("refresh_token") != REFRESH_TOKEN:
            return _json(400, {"error": "invalid_grant", "error_description":
                               "The request has an invalid grant parameter : refresh_token"})
        token = f"Atza|standin-access-{next(self._numbers)}"
        with self._lock:
            self._tokens.add(token)
        return _json(200, {"access_token": token, "refresh_token": REFRESH_TOKEN,
                           "token_type": "bearer", "expires_in": 3600})

    def _searchOrders(self, _argument: str, query: dict[str, Any]):
        markets = str(query.get("marketplaceIds", "")).split(",")
        chosen = [o for o in self.orders if o["salesChannel"]["marketplaceId"] in markets]
        start = int(str(query.get("paginationToken", "page-0")).removeprefix("page-"))
        page = chosen[start:start + self.page_size]
        answer: dict[str, Any] = {"orders": page, "lastUpdatedBefore": "2026-11-22T09:58:00Z"}
        if start + self.page_size < len(chosen):
            answer["pagination"] = {"nextToken": f"page-{start + self.page_size}"}
        return _json(200, answer)

    def _createReport(self, _argument: str, body: dict[str, Any]):
        report_id = f"ID{next(self._numbers)}"
        self._reports[report_id] = Report(report_id, body["reportType"],
                                          body.get("marketplaceIds", []), body)
        return _json(202, {"reportId": report_id})

    def _getReport(self, report_id: str, _query: dict[str, Any]):
        report = self._reports.get(report_id)
        if report is None:
            return _json(404, {"errors": [{"code": "NotFound",
                                           "message": f"Report {report_id} not found"}]})
        answer = _report_template()
        answer.update(reportId=report_id, reportType=report.report_type,
                      marketplaceIds=report.marketplace_ids)
        report.polls += 1
        if report.polls <= self.polls_before_done:
            answer["processingStatus"] = "IN_QUEUE" if report.polls == 1 else "IN_PROGRESS"
            return _json(200, answer)
        status = self.outcomes.get(report.report_type, "DONE")
        answer["processingStatus"] = status
        if status == "DONE":
            answer["reportDocumentId"] = self._keep(self.documents.get(report.report_type, b""))
        elif status == "FATAL":
            answer["reportDocumentId"] = self._keep(b'{"errorDetails": "Report failed"}')
        return _json(200, answer)

    def _getReports(self, _argument: str, query: dict[str, Any]):
        if "nextToken" in query and len(query) > 1:
            return _json(400, {"errors": [{"code": "InvalidInput", "message":
                               "nextToken must be the only parameter"}]})
        start = int(str(query.get("nextToken", "page-0")).removeprefix("page-"))
        template = _report_template()
        listed = []
        for n, content in enumerate(self.settlements[start:start + self.page_size], start):
            listed.append({**template, "reportId": f"SETTLEMENT{n}",
                           "reportType": "GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE",
                           "processingStatus": "DONE",
                           "reportDocumentId": self._keep(content)})
        answer: dict[str, Any] = {"reports": listed}
        if start + self.page_size < len(self.settlements):
            answer["nextToken"] = f"page-{start + self.page_size}"
        return _json(200, answer)

    def _getReportDocument(self, document_id: str, _query: dict[str, Any]):
        answer = {"reportDocumentId": document_id, "url": f"{self.url}/download/{document_id}"}
        if self.compress:
            answer["compressionAlgorithm"] = "GZIP"
        return _json(200, answer)

    def _keep(self, content: bytes) -> str:
        document_id = f"amzn1.spdoc.1.4.na.standin-{next(self._numbers)}"
        self._documents[document_id] = gzip.compress(content) if self.compress else content
        return document_id


def _operation(method: str, path: str) -> tuple[str, str]:
    parts = path.strip("/").split("/")
    if path == "/auth/o2/token" and method == "POST":
        return "token", ""
    if parts[:3] == ["orders", "2026-01-01", "orders"] and len(parts) == 3:
        return "searchOrders", ""
    if parts[:3] == ["reports", "2021-06-30", "reports"]:
        if len(parts) == 3:
            return ("createReport" if method == "POST" else "getReports"), ""
        return "getReport", parts[3]
    if parts[:3] == ["reports", "2021-06-30", "documents"] and len(parts) == 4:
        return "getReportDocument", parts[3]
    if parts[0] == "download" and len(parts) == 2:
        return "download", parts[1]
    return "unknown", ""


def _json(status: int, body: dict[str, Any], headers: dict[str, str] | None = None):
    return status, {"Content-Type": "application/json", **(headers or {})}, \
        json.dumps(body).encode()


def _handler(standin: AmazonStandIn) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _serve(self) -> None:
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            status, headers, content = standin.answer(
                self.command, parts.path, parse_qs(parts.query), body,
                {k.lower(): v for k, v in self.headers.items()})
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(content)))
            self.end_headers()
            self.wfile.write(content)

        do_GET = do_POST = do_DELETE = _serve

        def log_message(self, *_args: Any) -> None:   # quiet: the test reads `calls`
            pass

    return Handler


if __name__ == "__main__":
    import time

    from tests.services.amazon.test_sync import documents, settlement
    with AmazonStandIn(documents=documents(), settlements=[settlement()]) as standin:
        print(f"Amazon stand-in at {standin.url}\n"
              f"  SELLERDESK_SP_API_ENDPOINT={standin.url}\n"
              f"  client id:     {CLIENT_ID}\n  client secret: {CLIENT_SECRET}\n"
              f"  refresh token: {REFRESH_TOKEN}\nCtrl+C to stop.", flush=True)
        try:
            while True:
                time.sleep(1)
        except KeyboardInterrupt:
            pass
