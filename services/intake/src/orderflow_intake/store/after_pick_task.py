"""Changes after the pick task sent to the warehouse, as the order's audit trail by fulfillment
keeps them: which are still waiting for an answer."""

import asyncpg

# The audit actions that answer a request sent (cancel_sent, address_change_sent): the
# warehouse's answer, or the shipment's end that made one moot.
ANSWERED_BY = {
    "cancel_sent": ("shipment_stopped", "return_started", "cancel_superseded"),
    "address_change_sent": (
        "address_relabelled",
        "address_change_too_late",
        "address_change_superseded",
    ),
}


async def pending_requests(
    conn: asyncpg.Connection, shipments: list[tuple[str, str]]
) -> list[asyncpg.Record]:
    """Of these (order id, shipment id), each request sent and not answered since, once per
    shipment and request: order_id, shipment_id, location_id, action (the request's)."""
    if not shipments:
        return []
    return list(
        await conn.fetch(
            "SELECT DISTINCT ON (s.subject, n.shipment_id, s.action)"
            " n.order_id, n.shipment_id, s.detail->>'location_id' AS location_id, s.action"
            " FROM unnest($1::text[], $2::text[]) AS n(order_id, shipment_id)"
            " JOIN audit s ON s.subject = 'order:' || n.order_id AND s.actor = 'fulfillment'"
            "  AND s.action = ANY($3::text[]) AND s.detail->>'shipment_id' = n.shipment_id"
            " WHERE NOT EXISTS (SELECT 1 FROM audit a WHERE a.subject = s.subject"
            "  AND a.audit_id > s.audit_id AND a.actor = 'fulfillment'"
            "  AND a.detail->>'shipment_id' = n.shipment_id AND a.action = ANY("
            "   CASE s.action WHEN 'cancel_sent' THEN $4::text[] ELSE $5::text[] END))"
            " ORDER BY s.subject, n.shipment_id, s.action, s.audit_id",
            [order_id for order_id, _ in shipments],
            [shipment_id for _, shipment_id in shipments],
            list(ANSWERED_BY),
            list(ANSWERED_BY["cancel_sent"]),
            list(ANSWERED_BY["address_change_sent"]),
        )
    )
