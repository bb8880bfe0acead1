"""Starting Orienta's production configuration (deploy/serve, what `make serve` runs) from a
test: the environment a fresh server would have, a database and files of the test's own; and a
TLS-terminating proxy in front of it, as Caddy or nginx is in production."""

import datetime
import http.client
import ipaddress
import os
import secrets
import ssl
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from orienta.testing.servers import start_in_thread

ROOT = Path(__file__).resolve().parents[1]
SERVE = ROOT / "deploy" / "serve"
KEEP = {"PATH", "HOME", "LANG", "LC_ALL", "TMPDIR"}


def production_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """What an operator's shell holds before `make serve`: a fresh secret, a database, static,
    uploaded and cache files of this test; no demo mode, nothing else of the test run."""
    env = {name: value for name, value in os.environ.items() if name in KEEP}
    env |= {
        "PY": sys.executable,
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'serve.sqlite3'}",
        "STATIC_ROOT": str(tmp_path / "static"),
        "MEDIA_ROOT": str(tmp_path / "media"),
        "CACHE_DIR": str(tmp_path / "cache"),
    }
    return env | extra


def manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    """`manage.py ARGS` under the server's environment, settings as the server reads them."""
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env | {"ORIENTA_DEMO": "0"},
        capture_output=True,
        text=True,
        check=True,
    )


HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "upgrade"}


class _Forward(BaseHTTPRequestHandler):
    """One request to the upstream, as a TLS-terminating proxy (Caddy, nginx) passes it on."""

    upstream: str

    def _forward(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
        headers |= {"X-Forwarded-Proto": "https", "X-Forwarded-For": self.client_address[0]}
        connection = http.client.HTTPConnection(self.upstream, timeout=60)
        connection.request(self.command, self.path, body=body, headers=headers)
        response = connection.getresponse()
        data = response.read()
        connection.close()
        self.send_response(response.status, response.reason)
        for name, value in response.getheaders():
            if name.lower() not in HOP_BY_HOP:
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_HEAD = _forward

    def log_message(self, format, *args):  # the upstream's log is the one that counts
        pass


@contextmanager
def tls_proxy(upstream: str, workdir: Path) -> Iterator[str]:
    """https://127.0.0.1:<port> in front of `upstream` (host:port), with a self-signed
    certificate: the browser sees HTTPS, gunicorn gets X-Forwarded-Proto and -For."""
    cert, key = _self_signed(workdir)
    handler = type("Forward", (_Forward,), {"upstream": upstream})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(cert, key)
    server.socket = tls.wrap_socket(server.socket, server_side=True)
    start_in_thread(server)
    try:
        yield f"https://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _self_signed(workdir: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = workdir / "proxy.crt", workdir / "proxy.key"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path
