"""How this app's models sync with site nodes (the `sync` hook: orienta/sync/classification.py)."""

SYNC = {
    "OrganisationProfile": "reference",
    "Service": "reference",
    "CostOption": "reference",
    "Contact": "reference",
    "Location": "reference",
    "ServiceAtLocation": "reference",
    "Schedule": "reference",
    "Permanence": "reference",
}
