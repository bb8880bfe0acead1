"""How this app's models sync with site nodes (the `sync` hook: orienta/sync/classification.py)."""

SYNC = {
    "Country": "reference",
    "Area": "reference",
    "Organisation": "reference",
    "Site": "reference",
    # Every account, so that any author of a record exists on the node; a node signs in the
    # users of its site. (Later: send password hashes only to the nodes of the user's sites.)
    "User": "reference",
    "ApiToken": "central",
    "Theme": "reference",
    "Event": "site",
    "RetentionPeriod": "reference",
}
# Each side numbers its own readable codes (a node's carry its node part).
# Django's groups and permissions are each instance's own (roles are a field of the user).
SYNC_EXCLUDE = {
    "Site": ["person_seq", "household_seq"],
    "User": ["last_login", "groups", "user_permissions"],
}
