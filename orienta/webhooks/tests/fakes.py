"""Fake partner servers on loopback, real HTTP servers in threads (for this app's tests and the
browser journey)."""

import json
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from orienta.testing.servers import start_in_thread


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self):
        return json.loads(self.body)


@dataclass
class FakeServer:
    """`answers`: the statuses to give, in order (then `default`); `received`: the requests."""

    url: str = ""
    answers: list[int] = field(default_factory=list)
    default: int = 200
    received: list[Received] = field(default_factory=list)
    reply: object = None  # DHIS2: a function (Received) -> (status, dict)


def serve(fake: FakeServer):
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's name
            length = int(self.headers.get("Content-Length") or 0)
            got = Received(
                self.path, {k: v for k, v in self.headers.items()}, self.rfile.read(length)
            )
            fake.received.append(got)
            if fake.reply is not None:
                status, data = fake.reply(got)
                content = json.dumps(data).encode()
            else:
                status = fake.answers.pop(0) if fake.answers else fake.default
                content = b'{"ok": true}' if status < 300 else b"error"
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(content)))
            self.end_headers()
            self.wfile.write(content)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    start_in_thread(server)
    return server
