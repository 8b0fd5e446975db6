"""A local stand-in for Zalo ZNS's send API (POST /message/template), for tests.

It follows what Zalo publishes about the API: the `access_token` header; a JSON body {phone, template_id,
template_data, tracking_id}; the answer {error, message, data}, error 0 when sent and a negative code
otherwise. It enforces what the real service refuses: an unknown token, a template id not approved,
a phone not in the 84… form, and template parameters missing, extra or longer than the template allows.
The error names are those of Zalo's public list of ZNS errors; their numbers follow the codes seen in
public integrations and could not all be checked against an official table, so treat them as
real-looking, not authoritative.
"""
import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

UNKNOWN_ERROR = -100  # "Unknown error": try again later
PHONE_INVALID = -108  # "Phone number invalid"
TEMPLATE_ID_INVALID = -109  # "Template ID invalid"
TEMPLATE_DATA_INVALID = -112  # "Template data invalid"
ACCESS_TOKEN_INVALID = -124  # "Access token invalid"
MESSAGES = {UNKNOWN_ERROR: "Unknown error", PHONE_INVALID: "Phone number is invalid",
            TEMPLATE_ID_INVALID: "Template ID is invalid", TEMPLATE_DATA_INVALID: "Template data is invalid",
            ACCESS_TOKEN_INVALID: "Access token is invalid"}
PHONE = re.compile(r"^84[35789]\d{8}$")


class FakeZNS:
    """Started in a thread on a free local port; `requests` holds every body received, `fail_next` codes are
    answered (once each, in order) before the checks, as when the service is briefly unavailable."""

    def __init__(self, *, token, templates):
        self.token, self.templates = token, templates  # template id -> {parameter: max length}
        self.requests, self.sent, self.fail_next = [], [], []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
                fake.requests.append(body)
                code = fake.check(self.path, self.headers.get("access_token"), body)
                answer = {"error": code, "message": "Success" if code == 0 else MESSAGES[code]}
                if code == 0:
                    fake.sent.append(body)
                    answer["data"] = {"msg_id": f"fake-{len(fake.sent)}", "sent_time": "0",
                                      "quota": {"dailyQuota": "500", "remainingQuota": str(500 - len(fake.sent))}}
                data = json.dumps(answer).encode()
                self.send_response(200)  # ZNS answers its errors with HTTP 200 and a non-zero `error`
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/message/template"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def check(self, path, token, body):
        if path != "/message/template" or token != self.token:
            return ACCESS_TOKEN_INVALID
        if self.fail_next:
            return self.fail_next.pop(0)
        params = self.templates.get(body.get("template_id"))
        if params is None:
            return TEMPLATE_ID_INVALID
        if not PHONE.match(str(body.get("phone", ""))):
            return PHONE_INVALID
        data = body.get("template_data")
        if not isinstance(data, dict) or set(data) != set(params) or any(
                not isinstance(value, str) or len(value) > params[key] for key, value in data.items()):
            return TEMPLATE_DATA_INVALID
        return 0

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
