"""Scheduled work of the access log app: removing the files of expired exports."""

from orienta.audit.exports import exports_purge


def run(now) -> str:
    return f"exports: {exports_purge(now)} expired files removed"
