"""gunicorn's configuration for Orienta, used by `make serve` and by the systemd unit:

    .venv/bin/python -m gunicorn -c deploy/gunicorn.conf.py

Values given on the command line (or in GUNICORN_CMD_ARGS) win over these. The settings of
Orienta itself come from the environment (README, "Settings"); see docs/deploy.md.
"""

import os
import re
from pathlib import Path

from gunicorn.glogging import Logger

wsgi_app = "orienta.wsgi:application"
chdir = str(Path(__file__).resolve().parent.parent)
proc_name = "orienta"

# Behind the reverse proxy (Caddy or nginx) on the same machine: listen on the loopback only.
bind = [os.environ.get("ORIENTA_BIND", "127.0.0.1:8000")]

# Sync workers: a request takes about 60 ms of CPU (docs/benchmarks.md), so the cores bound the
# throughput; a few more workers than cores keep a slow request (a PDF, an export) from holding
# the others up. WEB_CONCURRENCY overrides. A worker holds about 115 MB (resident, part of it
# shared with the others).
cores = len(os.sched_getaffinity(0))
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * cores + 1))
worker_class = "sync"
# Load the application once, before forking: a configuration error (no SECRET_KEY...) stops the
# server at once with its message, and the workers share the loaded code's memory. Code
# changes therefore need a restart (systemctl restart orienta), not a reload.
preload_app = True
# A worker silent for this long is killed and replaced (the longest requests, exports and PDFs,
# take a few seconds); on stop or restart, requests under way get this long to finish.
timeout = 60
graceful_timeout = 30
# The proxy keeps connections to gunicorn open between requests.
keepalive = 5
# Workers are replaced after this many requests (with jitter, not all at once): a slow leak in
# any library cannot grow for ever.
max_requests = 2000
max_requests_jitter = 200

# No control socket (gunicornc): systemctl starts, stops and restarts the server, and one
# socket path per user would be shared by every gunicorn that user runs.
control_socket_disable = True

# Requests from these addresses may say, with X-Forwarded-Proto: https, that the client came
# over HTTPS (gunicorn then gives Django an https request). gunicorn's default, the loopback
# (127.0.0.1,::1; the environment variable FORWARDED_ALLOW_IPS overrides), is right when the proxy
# runs on this machine. Behind a proxy on another machine, give its address
# (--forwarded-allow-ips 10.0.0.5); never "*" unless nothing but the proxy can reach gunicorn.

# Logs: to standard output and error, which systemd's journal (or the terminal of `make serve`)
# keeps. One line a request: client (the proxy), the address the proxy saw, method, path WITHOUT
# the query string (searches put names there), status, bytes, milliseconds.
accesslog = "-"
errorlog = "-"
loglevel = "info"
access_log_format = '%(h)s %({x-forwarded-for}i)s %(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'

# Paths that carry a secret: the providers' confirmation links (/r/<token>/).
SECRET_PATHS = re.compile(r"(^|\s)/r/[^/\s?]+")


class RedactingLogger(Logger):
    """gunicorn's logger, writing /r/… instead of a confirmation link's token (in the path and
    in the request line, should a custom format use it)."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for atom in ("U", "r"):
            atoms[atom] = SECRET_PATHS.sub(r"\1/r/…", atoms.get(atom) or "")
        return atoms


logger_class = RedactingLogger
