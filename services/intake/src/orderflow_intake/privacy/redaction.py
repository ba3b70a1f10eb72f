"""Personal data out of what a channel sent: a raw body or payload keeps its shape (so it still
reads as the channel's document) with every contact field and every known personal value
emptied. Pure: no I/O."""

import json
import re
from collections.abc import Iterable
from typing import Any

from orderflow_contracts.order import Address, CanonicalOrder, Customer

# Keys (lower-cased, without separators) whose text values are always contact data, whatever
# the channel calls them: "BuyerEmail", "buyer_email", "phone", "ShippingAddress.AddressLine1",
# "first_name", "recipient_name"... and what the buyer wrote for a line, which may name a person
# (Shopify's line item "properties", Amazon's "BuyerCustomizedInfo" and "GiftMessageText").
_CONTACT_KEY = re.compile(
    r"email|phone|mobile|firstname|lastname|fullname|buyername|recipient|contact"
    r"|addressline|address[0-9]|street|district|company|zip|postalcode|postcode"
    r"|properties|customized|giftmessage"
)
_SHORTEST_VALUE = 3  # shorter known values ("A", "12") would empty unrelated text


def personal_values(customer: Customer, *addresses: Address | None) -> set[str]:
    """The customer's own strings the canonical order knows: name, e-mail, buyer id, and each
    address's name, lines and city."""
    values = {customer.name, customer.email, customer.buyer_id}
    for address in addresses:
        if address is not None:
            values |= {address.name, address.line1, address.line2, address.city, address.phone}
    return {value.strip() for value in values if len(value.strip()) >= _SHORTEST_VALUE}


def asked_values(order: CanonicalOrder) -> set[str]:
    """What the buyer wrote for the order's lines (engraving text, a gift message)."""
    values = {prop.value.strip() for line in order.lines for prop in line.properties}
    return {value for value in values if len(value) >= _SHORTEST_VALUE}


def without_asked_values(order: CanonicalOrder) -> CanonicalOrder:
    """The order with each line property's value emptied; its name and units stay, so the
    warehouse's record still tells a line was personalised."""
    lines = tuple(
        line.model_copy(
            update={
                "properties": tuple(p.model_copy(update={"value": ""}) for p in line.properties)
            }
        )
        for line in order.lines
    )
    return order.model_copy(update={"lines": lines})


def redact_document(document: Any, values: Iterable[str]) -> Any:
    """The document with contact fields emptied and every known personal value cut out of any
    other text; numbers, booleans and the structure stay."""
    known = sorted(set(values), key=len, reverse=True)
    pattern = re.compile("|".join(re.escape(v) for v in known), re.IGNORECASE) if known else None
    return _redacted(document, pattern, contact=False)


def _redacted(node: Any, pattern: re.Pattern[str] | None, *, contact: bool) -> Any:
    if isinstance(node, dict):
        return {
            key: _redacted(value, pattern, contact=contact or _is_contact_key(key))
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_redacted(item, pattern, contact=contact) for item in node]
    if isinstance(node, str):
        if contact:
            return ""
        return pattern.sub("", node) if pattern else node
    return node


def _is_contact_key(key: Any) -> bool:
    return isinstance(key, str) and bool(_CONTACT_KEY.search(re.sub(r"[^a-z0-9]", "", key.lower())))


def redact_body(body: bytes, values: Iterable[str]) -> bytes:
    """A raw body redacted: as JSON where it is JSON, else every known value cut out of its
    text (bytes that are not UTF-8 kept as they were)."""
    text = body.decode("utf-8", errors="surrogateescape")
    try:
        document = json.loads(text)
    except ValueError:
        known = sorted(set(values), key=len, reverse=True)
        for value in known:
            text = re.sub(re.escape(value), "", text, flags=re.IGNORECASE)
        return text.encode("utf-8", errors="surrogateescape")
    return json.dumps(redact_document(document, values), ensure_ascii=False).encode()
