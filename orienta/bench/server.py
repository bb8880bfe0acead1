"""The server under test: gunicorn on 127.0.0.1, production settings except plain HTTP."""

import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

WORKERS = 2
# gunicorn's access log, one line a request: the operation (a header the load client sends),
# status, response bytes, the time the worker spent on it, in microseconds, and the path.
LOG_FORMAT = "%({x-bench-op}i)s %(s)s %(B)s %(D)s %(U)s"


def server_env(database_url: str) -> dict[str, str]:
    """Production settings, except that a loopback benchmark speaks plain HTTP: a random secret,
    no demo mode, no debug, secure cookies and HTTPS redirects off, persistent connections."""
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": database_url,
            "SECRET_KEY": env.get("SECRET_KEY") or secrets.token_urlsafe(50),
            "ORIENTA_DEMO": "0",
            "DEBUG": "0",
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_COOKIES": "0",
            "SECURE_SSL_REDIRECT": "0",
            "SECURE_HSTS_SECONDS": "0",
            "CONN_MAX_AGE": "60",
            "LOG_LEVEL": "ERROR",
            # Hashed, compressed static files with a year's cache, as in production.
            "ORIENTA_STATIC_MANIFEST": "1",
            "STATIC_ROOT": str(settings.BASE_DIR / "var" / "bench" / "static"),
        }
    )
    return env


def collect_static(env: dict[str, str]) -> None:
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "--clear", "-v", "0"],
        env=env,
        cwd=settings.BASE_DIR,
        check=True,
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    process: subprocess.Popen
    base_url: str
    access_log: Path
    error_log: Path

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)


def port_from(first: int, last: int | None = None) -> int:
    """The first port free on 127.0.0.1 from `first` to `last` (default: 99 more)."""
    for port in range(first, (last or first + 99) + 1):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port from {first}")


def start(
    database_url: str, log_dir: Path, workers: int = WORKERS, port: int | None = None
) -> Server:
    port = port or free_port()
    log_dir.mkdir(parents=True, exist_ok=True)
    access, errors = log_dir / "gunicorn-access.log", log_dir / "gunicorn-error.log"
    access.write_text("")
    command = [
        sys.executable, "-m", "gunicorn", "orienta.wsgi:application",
        "--bind", f"127.0.0.1:{port}",
        "--workers", str(workers),
        "--chdir", str(settings.BASE_DIR),
        "--access-logfile", str(access),
        "--access-logformat", LOG_FORMAT,
        "--error-logfile", str(errors),
        "--graceful-timeout", "5",
    ]  # fmt: skip
    env = server_env(database_url)
    collect_static(env)
    process = subprocess.Popen(command, env=env, cwd=settings.BASE_DIR)
    server = Server(process, f"http://127.0.0.1:{port}", access, errors)
    wait_ready(server)
    return server


def wait_ready(server: Server, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"gunicorn exited; see {server.error_log}")
        try:
            with urllib.request.urlopen(server.base_url + "/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    server.stop()
    raise RuntimeError(f"gunicorn did not answer within {timeout:.0f} s; see {server.error_log}")


def server_times(access_log: Path) -> dict[str, list[float]]:
    """Milliseconds the workers spent on each tagged operation, from the access log."""
    times: dict[str, list[float]] = {}
    for line in access_log.read_text().splitlines():
        parts = line.split()
        if len(parts) >= 4 and parts[0] != "-":
            times.setdefault(parts[0], []).append(int(parts[3]) / 1000)
    return times


def _children(parent: int) -> list[list[str]]:
    """The /proc/<pid>/stat fields (after the command name) of the processes `parent` started."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # the process ended meanwhile
        if int(fields[1]) == parent:  # fields[1] is the parent's pid
            found.append([stat.parent.name, *fields])
    return found


def worker_pids(server: Server) -> list[int]:
    return [int(fields[0]) for fields in _children(server.process.pid)]


def worker_cpu_seconds(server: Server) -> float:
    """CPU time (user + system) the server's worker processes have used so far (Linux /proc):
    unlike latencies, it does not grow when other work on the machine takes the CPUs."""
    tick = os.sysconf("SC_CLK_TCK")
    # utime and stime, after the pid this list starts with
    return sum((int(f[12]) + int(f[13])) / tick for f in _children(server.process.pid))
