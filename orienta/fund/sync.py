"""How this app's models sync with site nodes (the `sync` hook: orienta/sync/classification.py)."""

SYNC = {
    "FundSettings": "reference",
    "Fund": "reference",
    "Period": "reference",
    "Account": "site",
    "FundRequest": "site",
    "Payment": "site",
    "LedgerEntry": ("site", "account.site_id"),
}
SYNC_EXCLUDE = {"Account": ["request_seq"]}
