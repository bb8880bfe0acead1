"""A fake SMS gateway: a real HTTP server on 127.0.0.1, in a thread, for the tests.

It answers the generic HTTP backend's JSON posts and Twilio's Messages resource alike, keeps
every request it received (`requests`), and answers each with the next of `answers` (a status
and a JSON body), then with a success.
"""

import json
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from orienta.testing.servers import start_in_thread


class FakeGateway:
    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.answers: list[tuple[int, dict[str, Any]]] = []
        self.count = 0
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode()
                if self.headers.get("Content-Type", "").startswith("application/json"):
                    body = json.loads(raw)
                else:
                    body = dict(urllib.parse.parse_qsl(raw))
                status, answer = gateway.answer(self.path, dict(self.headers), body)
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def answer(self, path: str, headers: dict[str, str], body: dict[str, Any]):
        self.requests.append({"path": path, "headers": headers, "body": body})
        self.count += 1
        if self.answers:
            return self.answers.pop(0)
        if "/Messages.json" in path:
            return 201, {
                "sid": f"SM{self.count:032d}",
                "status": "queued",
                "price": None,
                "price_unit": "USD",
            }
        return 200, {"id": f"gw-{self.count}", "cost": "0.0400", "currency": "USD"}

    def __enter__(self) -> "FakeGateway":
        start_in_thread(self.server)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
