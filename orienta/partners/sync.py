"""How this app's models sync with site nodes (the `sync` hook: orienta/sync/classification.py).

Partner CSOs' profiles, capacity assessments and funding are organisations' records, kept and
worked on at the central server by the CSOs' staff and the coordinators: a site node holds
none of them."""

SYNC = {
    "Profile": "central",
    "Contact": "central",
    "Document": "central",
    "Tool": "central",
    "Assessment": "central",
    "PlanAction": "central",
    "Grant": "central",
    "Tranche": "central",
    "GrantReport": "central",
    "Application": "central",
}
