"""How this app's models sync with site nodes (the `sync` hook: orienta/sync/classification.py).

Partner systems and DHIS2 are reached from the central server only: a node forwards nothing."""

SYNC = {
    "Subscription": "central",
    "Delivery": "central",
    "Dhis2Connection": "central",
    "Dhis2Push": "central",
}
