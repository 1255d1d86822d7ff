"""A stand-in for Stripe at the HTTP boundary: a real HTTP server on loopback answering
the API calls the site makes with Stripe's documented JSON, a Checkout page that sends the
browser back as Stripe's does, and webhooks signed as Stripe signs them.

Nothing of ours is mocked: the site's Stripe client talks HTTP to this server
(`STRIPE_API_BASE`), and the webhook view checks real signatures made from a test secret.
"""

import hashlib
import hmac
import itertools
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

import pytest

WEBHOOK_SECRET = "whsec_test_secret_for_the_tests"
SECRET_KEY = "sk_test_newsreader"
API_VERSION = "2026-10-28.endive"
DAY = 24 * 3600
_ids = itertools.count(1)


def new_id(prefix):
    return f"{prefix}_test_{next(_ids):06d}"


# Stripe's objects, as its API reference documents them (only the fields that matter
# here, with their real names and shapes).


def subscription_object(
    *, id, customer="cus_test_1", status="active", period_start, period_end, metadata=None, **changes
):
    return {
        "id": id,
        "object": "subscription",
        "customer": customer,
        "status": status,
        "cancel_at_period_end": False,
        "cancel_at": None,
        "canceled_at": None,
        "ended_at": None,
        "start_date": period_start,
        "livemode": False,
        "metadata": metadata or {},
        "items": {
            "object": "list",
            "data": [
                {
                    "id": new_id("si"),
                    "object": "subscription_item",
                    "current_period_start": period_start,
                    "current_period_end": period_end,
                    "price": {"id": "price_test_monthly", "object": "price", "recurring": {"interval": "month"}},
                    "quantity": 1,
                }
            ],
            "has_more": False,
        },
        **changes,
    }


def checkout_session_object(
    *,
    id=None,
    mode="subscription",
    user,
    subscription=None,
    customer="cus_test_1",
    metadata=None,
    amount_total=999,
    payment_status="paid",
):
    return {
        "id": id or new_id("cs"),
        "object": "checkout.session",
        "mode": mode,
        "status": "complete",
        "payment_status": payment_status,
        "client_reference_id": str(user.pk),
        "customer": customer,
        "customer_details": {"email": user.email},
        "subscription": subscription,
        "metadata": metadata or {},
        "amount_total": amount_total,
        "currency": "eur",
        "url": None,
    }


def invoice_object(
    *, subscription, period_start, period_end, metadata=None, customer="cus_test_1", amount=999, id=None
):
    return {
        "id": id or new_id("in"),
        "object": "invoice",
        "customer": customer,
        "amount_due": amount,
        "amount_paid": amount,
        "currency": "eur",
        "billing_reason": "subscription_cycle",
        "hosted_invoice_url": "https://invoice.stripe.com/i/acct_test/test_invoice",
        "status_transitions": {"paid_at": period_start},
        "next_payment_attempt": None,
        "parent": {
            "type": "subscription_details",
            "quote_details": None,
            "subscription_details": {"subscription": subscription, "metadata": metadata or {}},
        },
        "lines": {
            "object": "list",
            "data": [
                {
                    "id": new_id("il"),
                    "object": "line_item",
                    "amount": amount,
                    "currency": "eur",
                    "period": {"start": period_start, "end": period_end},
                }
            ],
            "has_more": False,
        },
    }


def event(type, obj, *, created=None, id=None):
    return {
        "id": id or new_id("evt"),
        "object": "event",
        "api_version": API_VERSION,
        "created": int(created if created is not None else time.time()),
        "type": type,
        "livemode": False,
        "pending_webhooks": 1,
        "request": {"id": None, "idempotency_key": None},
        "data": {"object": obj},
    }


def signature_header(payload, *, secret=WEBHOOK_SECRET, timestamp=None):
    """`Stripe-Signature` as Stripe computes it: t=timestamp, v1=HMAC-SHA256 of "t.payload"."""
    timestamp = int(timestamp if timestamp is not None else time.time())
    mac = hmac.new(secret.encode(), f"{timestamp}.{payload}".encode(), hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def send_webhook(client, payload_event, *, secret=WEBHOOK_SECRET, timestamp=None, header=None):
    payload = json.dumps(payload_event)
    signature = header if header is not None else signature_header(payload, secret=secret, timestamp=timestamp)
    return client.post(
        "/abonnement/stripe/webhook/", payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=signature
    )


# The server.


class StripeStandIn:
    """Answers /v1/… like Stripe; `requests` keeps what the site sent; `fail_with` makes
    the next calls fail as Stripe does (an HTTP status and its error JSON)."""

    def __init__(self):
        self.requests = []
        self.sessions = {}
        self.subscriptions = {}
        self.fail_with = None
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def calls(self, method, path_start):
        return [r for r in self.requests if r["method"] == method and r["path"].startswith(path_start)]

    def add_subscription(self, **fields):
        self.subscriptions[fields["id"]] = subscription_object(**fields)
        return self.subscriptions[fields["id"]]

    def _answer(self, method, path, params):
        if self.fail_with:
            status = self.fail_with
            return status, {"error": {"type": "api_error", "message": "Stand-in failure."}}
        if method == "POST" and path == "/v1/checkout/sessions":
            session_id = new_id("cs")
            self.sessions[session_id] = params
            return 200, {
                "id": session_id,
                "object": "checkout.session",
                "mode": params["mode"],
                "status": "open",
                "payment_status": "unpaid",
                "client_reference_id": params.get("client_reference_id"),
                "success_url": params["success_url"],
                "cancel_url": params["cancel_url"],
                "url": f"{self.url}/c/pay/{session_id}",
            }
        if method == "POST" and path == "/v1/billing_portal/sessions":
            return 200, {
                "id": new_id("bps"),
                "object": "billing_portal.session",
                "customer": params["customer"],
                "return_url": params["return_url"],
                "url": f"{self.url}/p/session/{new_id('portal')}",
            }
        if path.startswith("/v1/subscriptions/"):
            subscription = self.subscriptions.get(path.rsplit("/", 1)[1])
            if subscription is None:
                return 404, {"error": {"type": "invalid_request_error", "code": "resource_missing"}}
            if method == "POST" and "cancel_at_period_end" in params:
                subscription["cancel_at_period_end"] = params["cancel_at_period_end"] == "true"
            if method == "DELETE":
                subscription.update(status="canceled", ended_at=int(time.time()), canceled_at=int(time.time()))
            return 200, subscription
        return 404, {"error": {"type": "invalid_request_error", "message": f"Unknown path {path}"}}

    def _handler(standin):
        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _serve(self):
                url = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode() if length else url.query
                params = dict(parse_qsl(body))
                standin.requests.append(
                    {"method": self.command, "path": url.path, "params": params, "headers": dict(self.headers)}
                )
                if url.path.startswith("/c/pay/"):
                    # Stripe's hosted Checkout, paid at once: back to the site's success URL.
                    session = standin.sessions[url.path.rsplit("/", 1)[1]]
                    target = session["success_url"].replace("{CHECKOUT_SESSION_ID}", url.path.rsplit("/", 1)[1])
                    self.send_response(303)
                    self.send_header("Location", target)
                    self.end_headers()
                    return
                status, answer = standin._answer(self.command, url.path, params)
                content = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(content)))
                self.send_header("Request-Id", new_id("req"))
                self.end_headers()
                self.wfile.write(content)

            do_GET = do_POST = do_DELETE = _serve

        return Handler


@pytest.fixture
def stripe_standin(settings):
    """Card payment switched on, the site's Stripe client pointed at the stand-in."""
    with StripeStandIn() as standin:
        settings.STRIPE_SECRET_KEY = SECRET_KEY
        settings.STRIPE_PUBLISHABLE_KEY = "pk_test_newsreader"
        settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
        settings.STRIPE_API_BASE = standin.url
        # Its hosted pages stand in for Stripe's: forms may lead there, as to Stripe's.
        settings.SECURE_CSP = {**settings.SECURE_CSP, "form-action": [*settings.SECURE_CSP["form-action"], standin.url]}
        yield standin


@pytest.fixture
def stripe_webhooks(settings):
    """Only the webhook secret: the events need no API."""
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.STRIPE_SECRET_KEY = SECRET_KEY
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # nothing listens: no call may leave
