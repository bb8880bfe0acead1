"""Fake servers that tests run on loopback, each in a thread of its own."""

import threading
from socketserver import BaseServer

# How often a server's loop looks whether it was asked to stop. The standard library's half
# second is what `shutdown()` waits at worst, at the end of every test that starts a server.
POLL_SECONDS = 0.01


def start_in_thread(server: BaseServer) -> threading.Thread:
    """Serve `server` in a daemon thread until `server.shutdown()`."""
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": POLL_SECONDS}, daemon=True
    )
    thread.start()
    return thread
