"""How this app's models sync with site nodes (the `sync` hook: orienta/sync/classification.py)."""

SYNC = {
    "AwarenessSession": "site",
    "SessionCount": "site",
    "SessionVisit": "site",
    "Fair": "site",
    "FairCount": "site",
    "Stand": "site",
    "Offer": "site",
    "FairVisit": "site",
    "FairOutcome": "site",
    "Curriculum": "reference",
    "Training": "site",
    "Participant": "site",
}
