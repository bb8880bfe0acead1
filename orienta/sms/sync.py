"""How this app's models sync with site nodes (the `sync` hook: orienta/sync/classification.py).

Messages go out and come in through the gateway of the central server only: a node sends
none, and the log and the opt-outs stay there. (A person's SMS consent and language are fields
of the person, synced with it.)"""

SYNC = {
    "SmsMessage": "central",
    "OptOut": "central",
}
