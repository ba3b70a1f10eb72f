"""Pure intake rules: identity of an order, SKU mapping, screening. No I/O here."""

import uuid
from collections.abc import Mapping

from orderflow_contracts.intake import HoldReason
from orderflow_contracts.order import CanonicalOrder, OrderLine, merge_lines

from orderflow_intake.adapters import ParsedOrder

_ORDER_NAMESPACE = uuid.UUID("5a4c1f0e-6b7d-4e0f-9a51-0f6c2d9b8e11")

REQUIRED_ADDRESS_FIELDS = ("name", "line1", "city", "postal_code", "country")


def order_id_for(channel: str, external_id: str) -> str:
    """Stable: the same marketplace order always gets the same id, however often it arrives."""
    return str(uuid.uuid5(_ORDER_NAMESPACE, f"{channel}:{external_id}"))


Listing = tuple[str, int]  # master SKU, units per listing unit


def canonicalise(
    parsed: ParsedOrder, listings: Mapping[str, Listing]
) -> tuple[CanonicalOrder, list[HoldReason]]:
    """Map channel SKUs to master SKUs (one line per master SKU) and screen the result.
    Unmapped lines are kept out of the canonical order and reported as a hold reason."""
    lines: list[OrderLine] = []
    reasons: list[HoldReason] = []
    for line in parsed.lines:
        listing = listings.get(line.channel_sku)
        if listing is None:
            reasons.append(
                HoldReason(
                    code="unknown_sku",
                    detail=f"{parsed.channel} SKU {line.channel_sku!r} is not mapped",
                )
            )
            continue
        sku, units = listing
        lines.append(
            OrderLine(sku=sku, quantity=line.quantity * units, unit_price=line.unit_price / units)
        )
    missing = [
        name for name in REQUIRED_ADDRESS_FIELDS if not getattr(parsed.ship_to, name).strip()
    ]
    if missing:
        reasons.append(
            HoldReason(code="incomplete_address", detail=f"missing {', '.join(missing)}")
        )
    if not parsed.payment_captured:
        reasons.append(
            HoldReason(
                code="payment_not_captured", detail="the marketplace has not captured payment"
            )
        )
    order = CanonicalOrder(
        order_id=order_id_for(parsed.channel, parsed.external_id),
        channel=parsed.channel,
        external_id=parsed.external_id,
        customer=parsed.customer,
        ship_to=parsed.ship_to,
        lines=merge_lines(lines),
        currency=parsed.currency,
        placed_at=parsed.placed_at,
        ship_by=parsed.ship_by,
    )
    return order, reasons
