"""Each shipment's latest news from fulfillment, kept to tell when an order is delivered: all
of its parcels on their way delivered."""

from typing import NamedTuple

import asyncpg

# Shipments that will never reach the buyer as such: stopped, or refused by the warehouse
# (their lines are re-planned as other shipments).
_NOT_ON_ITS_WAY = ("cancelled", "rejected")
# The only news that can make an order not delivered yet delivered: a parcel arrived, or the
# last one still on its way will never be.
_CAN_COMPLETE = ("delivered", *_NOT_ON_ITS_WAY)


class Deliveries(NamedTuple):
    delivered: list[str]  # each parcel on its way delivered now
    reopened: list[str]  # delivered before, a new parcel on its way now


async def note_deliveries(conn: asyncpg.Connection, news: list[tuple[str, str, str]]) -> Deliveries:
    """Record (order id, shipment id, status) of the orders intake knows, in the order read;
    returns the orders delivered now, and those no longer delivered. One round trip for most
    polls (news of parcels on their way, of orders not delivered): the other two statements
    run only for the orders their news can change."""
    if not news:
        return Deliveries([], [])
    delivered_before = await conn.fetch(
        "WITH noted AS ("
        " INSERT INTO order_shipments AS s (shipment_id, order_id, status, delivered_at)"
        " SELECT n.shipment_id, n.order_id, (array_agg(n.status ORDER BY n.position DESC))[1],"
        "  CASE WHEN bool_or(n.status = 'delivered') THEN now() END"
        " FROM unnest($1::text[], $2::text[], $3::text[]) WITH ORDINALITY"
        "  AS n(order_id, shipment_id, status, position)"
        " JOIN orders o ON o.order_id = n.order_id"
        " GROUP BY n.shipment_id, n.order_id"
        " ON CONFLICT (shipment_id) DO UPDATE SET status = excluded.status,"
        "  delivered_at = coalesce(s.delivered_at, excluded.delivered_at), updated_at = now()"
        " RETURNING s.order_id)"
        " SELECT DISTINCT o.order_id FROM noted JOIN orders o USING (order_id)"
        " WHERE o.delivered_at IS NOT NULL",
        [order_id for order_id, _, _ in news],
        [shipment_id for _, shipment_id, _ in news],
        [status for _, _, status in news],
    )
    reopened = await _reopen(conn, sorted(row["order_id"] for row in delivered_before))
    # A held order (a cancellation after shipment) keeps its status until released: then it
    # is delivered (store.accept).
    completing = sorted({order_id for order_id, _, status in news if status in _CAN_COMPLETE})
    rows = await _deliver(conn, completing)
    return Deliveries(delivered=rows, reopened=reopened)


async def _deliver(conn: asyncpg.Connection, order_ids: list[str]) -> list[str]:
    """Of these orders (shipped, not delivered), those whose every parcel on its way is
    delivered now: delivered."""
    if not order_ids:
        return []
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
        order_ids,
        list(_NOT_ON_ITS_WAY),
    )
    return [row["order_id"] for row in rows]


async def _reopen(conn: asyncpg.Connection, order_ids: list[str]) -> list[str]:
    """Of these orders counted delivered, those that have a parcel on its way again (a short
    pick re-planned as a new shipment after the others arrived): shipped until that one is
    delivered too."""
    if not order_ids:
        return []
    rows = await conn.fetch(
        "UPDATE orders o SET delivered_at = NULL, updated_at = now(),"
        " status = CASE WHEN o.status = 'delivered' THEN 'shipped' ELSE o.status END"
        " WHERE o.order_id = ANY($1::text[]) AND o.delivered_at IS NOT NULL"
        " AND EXISTS (SELECT 1 FROM order_shipments s WHERE s.order_id = o.order_id"
        "  AND s.delivered_at IS NULL AND s.status <> ALL($2::text[]))"
        " RETURNING o.order_id",
        order_ids,
        list(_NOT_ON_ITS_WAY),
    )
    return [row["order_id"] for row in rows]
