"""How this app's models sync with site nodes (the `sync` hook: orienta/sync/classification.py)."""

SYNC = {"Referral": "site", "ReferralEvent": "site", "ReferralLink": "site"}
