"""How this app's models sync with site nodes (the `sync` hook: orienta/sync/classification.py)."""

SYNC = {
    "Change": "local",
    "Counter": "local",
    "Node": "central",
    "Batch": "central",
    "Receipt": "central",
    "Conflict": "central",
    "NodeState": "local",
    "Quarantine": "local",
}
