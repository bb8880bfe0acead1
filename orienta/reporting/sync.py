"""How this app's models sync with site nodes (the `sync` hook: orienta/sync/classification.py)."""

# Results are computed and set at the central server.
SYNC = {
    "Objective": "central",
    "Result": "central",
    "LogframeIndicator": "central",
    "Target": "central",
    "HandValue": "central",
    "Dhis2DataElement": "central",
    "Dhis2OrgUnit": "central",
}
