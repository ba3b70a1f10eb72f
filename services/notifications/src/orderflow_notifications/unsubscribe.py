"""Self-service opt-out. Every message carries a link to `/unsubscribe/<token>`, the token being
the order's id and an HMAC-SHA256 of it under the service's secret: the link proves who may
unsubscribe without an operator's key, and holds no e-mail address (links end up in browser
histories and proxies' logs). Unsubscribing stops the optional kinds (news of an order's
progress); the transactional ones (money, a parcel in trouble, the order changed) keep coming."""

import base64
import hashlib
import hmac
from dataclasses import dataclass

# Progress a customer may do without: it changes nothing they must do or know about their money.
OPTIONAL_KINDS = ("confirmed", "shipped", "out_for_delivery", "delayed", "delivered")
# Kept after an unsubscribe: their money (refunds, a cancellation), a parcel that needs them or
# will not come (failed delivery, lost, sent back), part of the order waiting for stock.
TRANSACTIONAL_KINDS = (
    "backordered",
    "failed_delivery",
    "lost",
    "returned_to_sender",
    "cancelled",
    "cancelled_after_shipment",
    "return_received",
    "refunded",
    "partially_refunded",
)
DEVELOPMENT_SECRET = "orderflow-development-unsubscribe-key"  # logged at start when used
_PURPOSE = b"orderflow-unsubscribe-v1\x00"
_SUPPRESSION = b"orderflow-suppression-v1\x00"


@dataclass(frozen=True)
class Links:
    """Makes and reads unsubscribe links; `base_url` without a trailing slash."""

    secret: str
    base_url: str

    def url(self, order_id: str) -> str:
        return f"{self.base_url}/unsubscribe/{self.token(order_id)}"

    def token(self, order_id: str) -> str:
        return f"{_encoded(order_id.encode())}.{_encoded(self._mac(order_id))}"

    def order_of(self, token: str) -> str | None:
        """The order `token` was made for; None when this secret did not make it."""
        order_part, _, mac_part = token.partition(".")
        try:
            order_id = _decoded(order_part).decode()
            mac = _decoded(mac_part)
        except (ValueError, UnicodeDecodeError):
            return None
        return order_id if hmac.compare_digest(mac, self._mac(order_id)) else None

    def email_key(self, email: str) -> str:
        """The suppression list's key for an e-mail address (any case, spaces around): an
        HMAC-SHA256 under the secret, so the list holds no address and, unlike a plain hash,
        cannot be matched against a list of addresses by someone without the secret."""
        normal = email.strip().lower().encode()
        return hmac.new(self.secret.encode(), _SUPPRESSION + normal, hashlib.sha256).hexdigest()

    def _mac(self, order_id: str) -> bytes:
        digest = hmac.new(self.secret.encode(), _PURPOSE + order_id.encode(), hashlib.sha256)
        return digest.digest()[:16]


def _encoded(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _decoded(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
