"""How a webhook's body is signed, and how a receiver checks it (docs/webhooks.md).

The signed string is the timestamp (seconds since 1970, UTC, the `X-Orienta-Timestamp`
header), a full stop, and the body's bytes exactly as received; the signature is its
HMAC-SHA256 under the subscription's secret, in hexadecimal, sent as
`X-Orienta-Signature: sha256=<hex>`. A receiver recomputes it, compares in constant time, and
refuses a timestamp more than five minutes from its own clock: a captured request cannot be
replayed later, and the body cannot be changed.
"""

import hashlib
import hmac

TIMESTAMP_HEADER = "X-Orienta-Timestamp"
SIGNATURE_HEADER = "X-Orienta-Signature"
EVENT_HEADER = "X-Orienta-Event"
DELIVERY_HEADER = "X-Orienta-Delivery"
TOLERANCE_SECONDS = 300


def signature(secret: str, timestamp: int, body: bytes) -> str:
    signed = str(timestamp).encode() + b"." + body
    return "sha256=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def verify(
    secret: str,
    *,
    timestamp: str,
    signature_header: str,
    body: bytes,
    now: float,
    tolerance: int = TOLERANCE_SECONDS,
) -> bool:
    """What a receiver does: the signature matches and the timestamp is recent."""
    try:
        sent_at = int(timestamp)
    except (TypeError, ValueError):
        return False
    if abs(now - sent_at) > tolerance:
        return False
    return hmac.compare_digest(signature(secret, sent_at, body), signature_header or "")
