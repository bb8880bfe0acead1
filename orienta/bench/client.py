"""A small HTTP client on the standard library: cookies, CSRF, compressed bodies, timings.

One `Session` is one browser of one user: its own cookies and connection (kept alive when the
server allows it; gunicorn's sync workers close after each response, so it reconnects).
"""

import gzip
import http.client
import json
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

from orienta.bench.network import totp_code, totp_seconds_left

VERIFY_PATH = "/account/2fa/verify/"


@dataclass
class Response:
    status: int
    headers: dict[str, str]  # lower-case names
    raw: bytes  # the body as it came over the wire (compressed or not)
    header_bytes: int
    seconds: float

    @property
    def body(self) -> bytes:
        if self.headers.get("content-encoding") == "gzip":
            return gzip.decompress(self.raw)
        return self.raw

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def json(self):
        return json.loads(self.body)


@dataclass
class Session:
    base_url: str
    cookies: dict[str, str] = field(default_factory=dict)
    token: str = ""
    timeout: float = 60.0

    def __post_init__(self):
        parts = urlsplit(self.base_url)
        self.host, self.port = parts.hostname, parts.port
        self._conn: http.client.HTTPConnection | None = None

    def _connection(self) -> http.client.HTTPConnection:
        if self._conn is None:
            self._conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        return self._conn

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def request(
        self,
        method: str,
        path: str,
        *,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
        cookies: bool = True,
    ) -> Response:
        sent = {"Accept-Encoding": "gzip", "Host": f"{self.host}:{self.port}"} | (headers or {})
        if cookies and self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        started = time.perf_counter()
        try:
            response = self._send(method, path, body, sent)
        except (ConnectionError, http.client.HTTPException):
            self.close()  # the server closed a kept-alive connection: once more, afresh
            response = self._send(method, path, body, sent)
        raw = response.read()
        elapsed = time.perf_counter() - started
        if response.getheader("Connection", "").lower() == "close":
            self.close()
        names = {k.lower(): v for k, v in response.getheaders()}
        if cookies:
            self._keep_cookies(response)
        size = len(f"HTTP/1.1 {response.status} {response.reason}\r\n\r\n") + sum(
            len(k) + len(v) + 4 for k, v in response.getheaders()
        )
        return Response(response.status, names, raw, size, elapsed)

    def _send(self, method, path, body, headers) -> http.client.HTTPResponse:
        conn = self._connection()
        conn.request(method, path, body=body, headers=headers)
        return conn.getresponse()

    def _keep_cookies(self, response: http.client.HTTPResponse) -> None:
        for header in response.msg.get_all("Set-Cookie") or []:
            jar = SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                self.cookies[name] = morsel.value

    # -- forms, logins and the API ------------------------------------------------------------

    def get(self, path: str, **kwargs) -> Response:
        return self.request("GET", path, **kwargs)

    def post_form(self, path: str, data: dict | list, **kwargs) -> Response:
        fields = list(data.items()) if isinstance(data, dict) else list(data)
        fields.append(("csrfmiddlewaretoken", self.cookies.get("csrftoken", "")))
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        return self.request("POST", path, body=urlencode(fields).encode(), headers=headers)

    def api(self, method: str, path: str, payload: dict | None = None) -> Response:
        headers = {"Authorization": f"Bearer {self.token}", "Accept": "application/json"}
        body = None
        if payload is not None:
            body = json.dumps(payload, default=str).encode()
            headers["Content-Type"] = "application/json"
        return self.request(method, path, body=body, headers=headers, cookies=False)

    def log_in(self, username: str, password: str) -> None:
        """Sign in through the login page, as a browser does; raises when it does not work."""
        page = self.get("/login/")
        if page.status != 200 or "csrftoken" not in self.cookies:
            raise RuntimeError(f"the login page answered {page.status} without a CSRF cookie")
        answer = self.post_form("/login/", {"username": username, "password": password})
        if answer.status != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"login of {username} failed: HTTP {answer.status}")
        if self.get(VERIFY_PATH).status == 200:  # the code form: the account has a device
            self._second_factor(username)

    def _second_factor(self, username: str) -> None:
        """Enter the authenticator code, as a manager does after the password. A code is
        accepted once: when this step's and the next one's are used (other sessions of the
        same account), wait for the next step."""
        for attempt in range(4):
            if attempt == 2:
                time.sleep(totp_seconds_left() + 0.5)
            self.get(VERIFY_PATH)
            answer = self.post_form(VERIFY_PATH, {"code": totp_code(drift=attempt % 2)})
            if answer.status == 302 and VERIFY_PATH not in answer.headers.get("location", ""):
                return
        raise RuntimeError(f"two-factor sign-in of {username} failed")

    def api_log_in(self, username: str, password: str) -> None:
        answer = self.request(
            "POST",
            "/api/v1/auth/token",
            body=json.dumps({"username": username, "password": password}).encode(),
            headers={"Content-Type": "application/json"},
            cookies=False,
        )
        if answer.status != 200:
            raise RuntimeError(f"API token for {username}: HTTP {answer.status}")
        self.token = answer.json()["token"]
