"""How this app's models sync with site nodes (the `sync` hook: orienta/sync/classification.py).

The resource centre, the GTPS and the diagnostics are country-level work done at the central
server; a site node holds none of them (the library's files would have to travel with them:
reading the library offline is for later)."""

SYNC = {
    "Document": "central",
    "Support": "central",
    "SupportParticipant": "central",
    "Group": "central",
    "Member": "central",
    "Meeting": "central",
    "Action": "central",
    "ActionUpdate": "central",
    "Study": "central",
    "Response": "central",
}
