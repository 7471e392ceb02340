"""A small fake of the Stripe API over real HTTP on 127.0.0.1, for test runs without localstripe.

It stands in for the outside network only: the provider and the ``stripe`` library run unchanged against
it, exactly as against localstripe (which CI uses). It serves what the payments code and the tests call —
PaymentIntents (create, retrieve, update, confirm, cancel, the 3-D Secure ``_authenticate`` step that
localstripe also has), PaymentMethods (create) and Refunds (create, retrieve, list) — and replays the answer
of a repeated Idempotency-Key like Stripe does.
"""

import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

DECLINED = {
    "4000000000000002": "generic_decline",
    "4000000000000341": "generic_decline",
    "4000000000009995": "insufficient_funds",
}
THREE_D_SECURE = {"4000002760003184", "4000002500003155", "4000000000003220"}


class ApiError(Exception):
    def __init__(self, status: int, message: str, *, kind: str = "invalid_request_error", **extra) -> None:
        super().__init__(message)
        self.status = status
        self.body = {"error": {"type": kind, "message": message, **extra}}


def decode_form(body: str) -> dict:
    """Stripe's form encoding (``metadata[order]=X``, ``payment_method_types[0]=card``) → nested values."""
    result: dict = {}
    for key, value in parse_qsl(body, keep_blank_values=True):
        parts = key.replace("]", "").split("[")
        node = result
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return _with_lists(result)


def _with_lists(node):
    if isinstance(node, dict):
        if node and all(key.isdigit() for key in node):
            return [_with_lists(node[key]) for key in sorted(node, key=int)]
        return {key: _with_lists(value) for key, value in node.items()}
    return node


def _new_id(prefix: str) -> str:
    return f"{prefix}_fake{secrets.token_hex(8)}"


class FakeStripe:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.intents: dict[str, dict] = {}
        self.methods: dict[str, dict] = {}
        self.refunds: dict[str, dict] = {}
        self.replays: dict[str, tuple[tuple, tuple[int, dict]]] = {}
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self, method: str) -> None:
                url = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode() if length else ""
                form = decode_form(body if method == "POST" else url.query)
                status, payload = fake.handle(method, url.path, form, self.headers.get("Idempotency-Key", ""))
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                self._answer("GET")

            def do_POST(self):
                self._answer("POST")

            def do_DELETE(self):
                self._answer("DELETE")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> "FakeStripe":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    # --- dispatch -----------------------------------------------------------------------------------

    def handle(self, method: str, path: str, form: dict, idempotency_key: str) -> tuple[int, dict]:
        with self.lock:
            if method == "POST" and idempotency_key in self.replays:
                request, answer = self.replays[idempotency_key]
                if request != (path, form):
                    return 400, {"error": {"type": "idempotency_error", "message": "Keys reused with new params"}}
                return answer
            try:
                answer = 200, self._route(method, path.rstrip("/").split("/")[2:], form)
            except ApiError as exc:
                answer = exc.status, exc.body
            if method == "POST" and idempotency_key:
                self.replays[idempotency_key] = ((path, form), answer)
            return answer

    def _route(self, method: str, parts: list[str], form: dict) -> dict:
        match method, parts:
            case "POST", ["payment_intents"]:
                return self._intent_create(form)
            case "GET", ["payment_intents", intent_id]:
                return self._intent(intent_id)
            case "POST", ["payment_intents", intent_id]:
                return self._intent_update(self._intent(intent_id), form)
            case "POST", ["payment_intents", intent_id, "confirm"]:
                return self._intent_confirm(self._intent(intent_id))
            case "POST", ["payment_intents", intent_id, "cancel"]:
                return self._intent_cancel(self._intent(intent_id))
            case "POST", ["payment_intents", intent_id, "_authenticate"]:
                return self._intent_authenticate(self._intent(intent_id), form)
            case "POST", ["payment_methods"]:
                return self._method_create(form)
            case "POST", ["refunds"]:
                return self._refund_create(form)
            case "GET", ["refunds", refund_id]:
                if refund_id not in self.refunds:
                    raise ApiError(404, f"No such refund: '{refund_id}'", code="resource_missing")
                return self.refunds[refund_id]
            case "GET", ["refunds"]:
                data = [r for r in self.refunds.values() if r["payment_intent"] == form.get("payment_intent")]
                return {"object": "list", "url": "/v1/refunds", "has_more": False, "data": data[::-1]}
        raise ApiError(404, f"Unrecognized request URL ({method} /v1/{'/'.join(parts)}).")

    # --- payment intents ----------------------------------------------------------------------------

    def _intent(self, intent_id: str) -> dict:
        if intent_id not in self.intents:
            raise ApiError(404, f"No such payment_intent: '{intent_id}'", code="resource_missing")
        return self.intents[intent_id]

    def _intent_create(self, form: dict) -> dict:
        amount = int(form.get("amount") or 0)
        if amount <= 0 or not form.get("currency"):
            raise ApiError(400, "Missing required param: amount.")
        intent_id = _new_id("pi")
        intent = {
            "id": intent_id,
            "object": "payment_intent",
            "amount": amount,
            "currency": form["currency"],
            "status": "requires_payment_method",
            "client_secret": f"{intent_id}_secret_{secrets.token_hex(8)}",
            "metadata": form.get("metadata") or {},
            "payment_method": None,
            "payment_method_types": form.get("payment_method_types") or ["card"],
            "last_payment_error": None,
            "latest_charge": None,
            "next_action": None,
            "created": int(time.time()),
            "livemode": False,
        }
        self.intents[intent_id] = intent
        return self._intent_update(
            intent, {"payment_method": form["payment_method"]} if "payment_method" in form else {}
        )

    def _intent_update(self, intent: dict, form: dict) -> dict:
        if "metadata" in form:
            intent["metadata"].update(form["metadata"])
        if form.get("payment_method"):
            if intent["status"] in ("succeeded", "canceled", "processing"):
                raise ApiError(
                    400, "This PaymentIntent can no longer be updated.", code="payment_intent_unexpected_state"
                )
            if form["payment_method"] not in self.methods:
                raise ApiError(404, f"No such PaymentMethod: '{form['payment_method']}'", code="resource_missing")
            intent["payment_method"] = form["payment_method"]
            intent["status"] = "requires_confirmation"
        return intent

    def _intent_confirm(self, intent: dict) -> dict:
        if intent["status"] != "requires_confirmation":
            raise ApiError(400, "This PaymentIntent cannot be confirmed now.", code="payment_intent_unexpected_state")
        number = self.methods[intent["payment_method"]]["card"]["number"]
        if number in THREE_D_SECURE:
            intent["status"] = "requires_action"
            intent["next_action"] = {"type": "use_stripe_sdk", "use_stripe_sdk": {"type": "three_d_secure_redirect"}}
            return intent
        if number in DECLINED:
            return self._decline(intent, DECLINED[number])
        return self._charge(intent)

    def _charge(self, intent: dict) -> dict:
        intent.update(status="succeeded", latest_charge=_new_id("ch"), next_action=None, last_payment_error=None)
        return intent

    def _decline(self, intent: dict, decline_code: str) -> dict:
        error = {"type": "card_error", "code": "card_declined", "decline_code": decline_code,
                 "message": "Your card was declined."}  # fmt: skip
        intent.update(status="requires_payment_method", payment_method=None, latest_charge=_new_id("ch"))
        intent["last_payment_error"] = error
        raise ApiError(402, error["message"], kind="card_error", code="card_declined", decline_code=decline_code,
                       payment_intent=intent)  # fmt: skip

    def _intent_cancel(self, intent: dict) -> dict:
        if intent["status"] in ("succeeded", "canceled"):
            raise ApiError(400, "This PaymentIntent cannot be canceled.", code="payment_intent_unexpected_state")
        intent.update(status="canceled", next_action=None)
        return intent

    def _intent_authenticate(self, intent: dict, form: dict) -> dict:
        if intent["status"] != "requires_action" or form.get("client_secret") != intent["client_secret"]:
            raise ApiError(400, "Bad request")
        if form.get("success") == "true":
            return self._charge(intent)
        intent.update(status="requires_payment_method", payment_method=None, next_action=None)
        intent["last_payment_error"] = {
            "code": "payment_intent_authentication_failure",
            "message": "The provided PaymentMethod has failed authentication.",
        }
        return intent

    def _method_create(self, form: dict) -> dict:
        method = {"id": _new_id("pm"), "object": "payment_method", "type": "card", "card": dict(form.get("card") or {})}
        self.methods[method["id"]] = method
        return method

    # --- refunds ------------------------------------------------------------------------------------

    def _refund_create(self, form: dict) -> dict:
        intent = self._intent(form.get("payment_intent") or "")
        if intent["status"] != "succeeded":
            raise ApiError(400, "This PaymentIntent does not have a successful charge to refund.")
        refunded = sum(r["amount"] for r in self.refunds.values() if r["payment_intent"] == intent["id"])
        amount = int(form.get("amount") or intent["amount"] - refunded)
        if amount <= 0 or refunded + amount > intent["amount"]:
            raise ApiError(400, "Refund amount is greater than the unrefunded amount.", code="amount_too_large")
        refund = {
            "id": _new_id("re"),
            "object": "refund",
            "amount": amount,
            "currency": intent["currency"],
            "status": "succeeded",
            "payment_intent": intent["id"],
            "charge": intent["latest_charge"],
            "metadata": form.get("metadata") or {},
            "created": int(time.time()),
        }
        self.refunds[refund["id"]] = refund
        return refund
