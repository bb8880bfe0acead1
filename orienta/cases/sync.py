"""How this app's models sync with site nodes (the `sync` hook: orienta/sync/classification.py)."""

SYNC = {
    "CaseSettings": "site",
    "Case": "site",
    "CaseAction": "site",
    "FollowUp": "site",
    "CaseEvent": "site",
    "CaseAccessGrant": "site",
}
# The case codes' counter: each side numbers its own.
SYNC_EXCLUDE = {"CaseSettings": ["case_seq"]}
