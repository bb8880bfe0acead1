"""How this app's models sync with site nodes (the `sync` hook: orienta/sync/classification.py)."""

SYNC = {
    "Instrument": "reference",
    "Assessment": "site",
    "Enrolment": "site",
    "Goal": "site",
    "PlanAction": "site",
}
