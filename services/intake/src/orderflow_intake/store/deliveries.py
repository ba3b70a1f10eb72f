"""Each shipment's latest news from fulfillment, kept to tell when an order is delivered: all
of its parcels on their way delivered."""

import asyncpg

# Shipments that will never reach the buyer as such: stopped, or refused by the warehouse
# (their lines are re-planned as other shipments).
_NOT_ON_ITS_WAY = ("cancelled", "rejected")


async def note_deliveries(conn: asyncpg.Connection, news: list[tuple[str, str, str]]) -> list[str]:
    """Record (order id, shipment id, status) of the orders intake knows, in the order read;
    returns the orders delivered now: each parcel on its way delivered."""
    if not news:
        return []
    await conn.execute(
        "INSERT INTO order_shipments AS s (shipment_id, order_id, status, delivered_at)"
        " SELECT n.shipment_id, n.order_id, (array_agg(n.status ORDER BY n.position DESC))[1],"
        "  CASE WHEN bool_or(n.status = 'delivered') THEN now() END"
        " FROM unnest($1::text[], $2::text[], $3::text[]) WITH ORDINALITY"
        "  AS n(order_id, shipment_id, status, position)"
        " JOIN orders o ON o.order_id = n.order_id"
        " GROUP BY n.shipment_id, n.order_id"
        " ON CONFLICT (shipment_id) DO UPDATE SET status = excluded.status,"
        "  delivered_at = coalesce(s.delivered_at, excluded.delivered_at), updated_at = now()",
        [order_id for order_id, _, _ in news],
        [shipment_id for _, shipment_id, _ in news],
        [status for _, _, status in news],
    )
    # A held order (a cancellation after shipment) keeps its status until released: then it
    # is delivered (store.accept).
    rows = await conn.fetch(
        "UPDATE orders o SET delivered_at = now(), updated_at = now(),"
        " status = CASE WHEN o.status = 'shipped' THEN 'delivered' ELSE o.status END"
        " WHERE o.order_id = ANY($1::text[]) AND o.shipped_at IS NOT NULL"
        " AND o.delivered_at IS NULL"
        " AND EXISTS (SELECT 1 FROM order_shipments s WHERE s.order_id = o.order_id"
        "  AND s.delivered_at IS NOT NULL)"
        " AND NOT EXISTS (SELECT 1 FROM order_shipments s WHERE s.order_id = o.order_id"
        "  AND s.delivered_at IS NULL AND s.status <> ALL($2::text[]))"
        " RETURNING o.order_id",
        sorted({order_id for order_id, _, _ in news}),
        list(_NOT_ON_ITS_WAY),
    )
    return [row["order_id"] for row in rows]
