"""How orderflow signs what it posts to a seller's endpoint, and how the endpoint checks it.

The header is `X-Orderflow-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256>` over
`"<t>." + body` with the secret the seller shared: the timestamp is signed with the body, so a
captured request replayed later than `tolerance_s` is refused, and comparing in constant time
leaks nothing of the expected value."""

import hashlib
import hmac

SIGNATURE_HEADER = "X-Orderflow-Signature"
DELIVERY_HEADER = "X-Orderflow-Delivery"  # the same on every retry: the receiver's dedupe key


def sign(secret: str, body: bytes, at: int) -> str:
    return f"t={at},v1={_mac(secret, body, at)}"


def verify(secret: str, header: str, body: bytes, now: float, tolerance_s: float = 300) -> bool:
    parts = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    try:
        at = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs(now - at) > tolerance_s:
        return False
    return hmac.compare_digest(parts.get("v1", ""), _mac(secret, body, at))


def _mac(secret: str, body: bytes, at: int) -> str:
    return hmac.new(secret.encode(), f"{at}.".encode() + body, hashlib.sha256).hexdigest()
