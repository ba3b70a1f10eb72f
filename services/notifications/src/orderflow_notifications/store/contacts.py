"""Each order's contact: who to tell, where, in which language."""

import asyncpg
from orderflow_contracts.order import CanonicalOrder


async def save_contacts(conn: asyncpg.Connection, orders: list[CanonicalOrder]) -> list[str]:
    """Keep each order's contact, and release the notifications that were waiting for it;
    returns the shipments whose 'shipped' news was among them (it still lacks its expected
    delivery, which needs the destination)."""
    columns = (
        [order.order_id for order in orders],
        [order.customer.name for order in orders],
        [order.customer.email for order in orders],
        [order.customer.language for order in orders],
        [order.channel for order in orders],
        [order.external_id for order in orders],
        [order.ship_to.country for order in orders],
        [order.deliver_by for order in orders],
    )
    await conn.execute(
        "INSERT INTO contacts (order_id, name, email, language, sales_channel, external_id,"
        " country, deliver_by)"
        " SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[],"
        "  $6::text[], $7::text[], $8::timestamptz[])"
        " ON CONFLICT (order_id) DO NOTHING",
        *columns,
    )
    released = await conn.fetch(
        "UPDATE notifications n SET status = 'pending', recipient = c.email, language = c.language"
        " FROM contacts c WHERE c.order_id = n.order_id AND n.order_id = ANY($1::text[])"
        " AND n.status = 'awaiting_contact' RETURNING n.shipment_id, n.kind",
        columns[0],
    )
    return [row["shipment_id"] for row in released if row["kind"] == "shipped"]


async def known_orders(conn: asyncpg.Connection, order_ids: list[str]) -> set[str]:
    rows = await conn.fetch(
        "SELECT order_id FROM contacts WHERE order_id = ANY($1::text[])", order_ids
    )
    return {row["order_id"] for row in rows}
