"""Shapes of the SMS gateway's callbacks' answers."""

from ninja import Schema


class ReceivedOut(Schema):
    received: bool
    # What Orienta did: "confirmed", "refused", "unknown", "opt_out", "not_understood",
    # "duplicate" (the gateway sent the same message again).
    action: str


class StatusOut(Schema):
    updated: bool
