"""How this app's models sync with site nodes (the `sync` hook: orienta/sync/classification.py)."""

# Each instance keeps its own hash-chained access log and its own exports (the node's log is
# kept at the node; bringing it to the central server is a later step).
SYNC = {"AccessLogEntry": "local", "Export": "local"}
