"""After quiescence, what became of each order driven through the five services: lost effects,
doubled effects, what the customer's inbox received, where orders are stuck, and whether stock
was ever oversold or drifted from inventory's ledger."""

import re
from collections import Counter
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

import asyncpg
from aiokafka import AIOKafkaConsumer, TopicPartition
from orderflow_embedded import SmtpSink
from orderflow_inventory.store.ledger import reconcile
from orderflow_testing.system import TestSystem

from tests.conftest import SERVICES
from tests.faults.report import Report

SHIPPED = ("shipped", "in_transit", "out_for_delivery", "delivered")
KINDS = ("shipped", "delivered")
# intake's statuses of an order it accepted, as its parcels go (delivered since 8aa33e3)
ACCEPTED = ("accepted", "shipped", "delivered")
# A mail in flight when its sender died: it may have gone out, so it is never sent again (at
# most once); 'unconfirmed' once SENDING_LEASE_S passes, for an operator to see.
IN_DOUBT = ("sending", "unconfirmed")


@dataclass(frozen=True)
class PlacedOrder:
    order_id: str
    sku: str
    units: int = 1


@dataclass
class Facts:
    """Each service's view of the orders, read from its own database."""

    intake: dict[str, str]
    routing: dict[str, str]
    reservations: dict[str, str]
    shipments: dict[str, list[asyncpg.Record]]
    notifications: dict[int, asyncpg.Record]
    emails: list[tuple[str, int | None]]  # (order id, a notification id the e-mail tells)


async def check(
    system: TestSystem,
    smtp: SmtpSink,
    orders: list[PlacedOrder],
    stock_received: dict[tuple[str, str], int],
    log_dir: Path | None = None,
) -> Report:
    facts = await _gather(system, smtp, [order.order_id for order in orders])
    report = Report(orders=len(orders))
    for order in orders:
        _judge(report, facts, order.order_id)
    _count_emails(report, facts)
    await _count_doubled_events(report, system)
    await _check_stock(report, system, facts, orders, stock_received)
    report.dead_letters = await dead_letters(system)
    if log_dir is not None:
        report.redeliveries = redeliveries(log_dir)
    return report


async def _gather(system: TestSystem, smtp: SmtpSink, order_ids: list[str]) -> Facts:
    def by_order(rows: list[asyncpg.Record]) -> dict[str, str]:
        return {row["order_id"]: row["status"] for row in rows}

    intake, routing, inventory, fulfillment, notifications = [
        await system.db(name) for name in SERVICES
    ]
    query = "SELECT order_id, status FROM {} WHERE order_id = ANY($1)"
    shipments: dict[str, list[asyncpg.Record]] = {}
    for row in await fulfillment.fetch(
        "SELECT order_id, shipment_id, location_id, status FROM shipments WHERE order_id = ANY($1)",
        order_ids,
    ):
        shipments.setdefault(row["order_id"], []).append(row)
    return Facts(
        intake=by_order(await intake.fetch(query.format("orders"), order_ids)),
        routing=by_order(await routing.fetch(query.format("orders"), order_ids)),
        reservations=by_order(await inventory.fetch(query.format("reservations"), order_ids)),
        shipments=shipments,
        notifications={
            row["id"]: row
            for row in await notifications.fetch(
                "SELECT id, order_id, kind, status FROM notifications WHERE order_id = ANY($1)",
                order_ids,
            )
        },
        emails=[
            (str(m["X-Orderflow-Order"]), n) for m in smtp.messages for n in _notification_ids(m)
        ],
    )


def _notification_ids(message: EmailMessage) -> list[int | None]:
    """Every notification an e-mail tells (an order's burst goes out as one e-mail)."""
    if told := message["X-Orderflow-Notifications"]:
        return [int(n) for n in str(told).split()]
    found = re.fullmatch(r"<notification-(\d+)@orderflow>", message["Message-ID"] or "")
    return [int(found.group(1)) if found else None]


def _judge(report: Report, facts: Facts, order_id: str) -> None:
    shipments = facts.shipments.get(order_id, [])
    notified = {
        row["kind"]
        for row in facts.notifications.values()
        if row["order_id"] == order_id and row["status"] == "sent"
    }
    in_doubt = {
        row["kind"]
        for row in facts.notifications.values()
        if row["order_id"] == order_id and row["status"] in IN_DOUBT
    }
    emailed = Counter(
        facts.notifications[n]["kind"]
        for order, n in facts.emails
        if order == order_id and n in facts.notifications
    )
    effects = {
        "intake: order accepted": facts.intake.get(order_id) in ACCEPTED,
        "routing: plan reserved": facts.routing.get(order_id) == "reserved",
        "inventory: stock reserved": order_id in facts.reservations,
        "inventory: reservation committed": facts.reservations.get(order_id) == "committed",
        "fulfillment: shipment": bool(shipments),
        "fulfillment: delivered": any(s["status"] == "delivered" for s in shipments),
        **{f"notifications: {kind} sent": kind in notified | in_doubt for kind in KINDS},
        **{f"smtp: {kind} e-mail": emailed[kind] > 0 or kind in in_doubt for kind in KINDS},
    }
    report.lost.update(name for name, done in effects.items() if not done)
    report.in_doubt += sum(1 for kind in in_doubt if not emailed[kind])  # never reached the sink
    report.duplicates["fulfillment: shipments per order"] += max(len(shipments) - 1, 0)
    stage = _stage(facts, order_id, shipments, notified | in_doubt)
    if stage == "done":
        report.complete += 1
    else:
        report.stuck[stage] += 1


def _stage(facts: Facts, order_id: str, shipments: list[asyncpg.Record], notified: set[str]) -> str:
    """The first station the order is still waiting at."""
    status = facts.intake.get(order_id)
    if status not in ACCEPTED:
        return f"intake ({status or 'not seen'})"
    if facts.routing.get(order_id) != "reserved":
        return f"routing ({facts.routing.get(order_id, 'not seen')})"
    if order_id not in facts.reservations:
        return "inventory (no reservation)"
    if not shipments:
        return "fulfillment (no shipment)"
    waiting = sorted({s["status"] for s in shipments} - {"delivered"})
    if waiting:
        return f"partners ({', '.join(waiting)})"
    if missing := set(KINDS) - notified:
        return f"notifications ({', '.join(sorted(missing))} not sent)"
    if facts.reservations[order_id] != "committed":
        return f"inventory (reservation {facts.reservations[order_id]})"
    return "done"


def _count_emails(report: Report, facts: Facts) -> None:
    report.emails_received = len(facts.emails)
    report.notifications_sent = sum(
        1 for r in facts.notifications.values() if r["status"] == "sent"
    )
    per_notification = Counter(n for _, n in facts.emails if n in facts.notifications)
    per_order_and_kind = Counter(
        (facts.notifications[n]["order_id"], facts.notifications[n]["kind"])
        for _, n in facts.emails
        if n in facts.notifications
    )
    report.duplicates["smtp: e-mails per order and kind"] = sum(
        count - 1 for count in per_order_and_kind.values()
    )
    report.emails_unknown = sum(1 for _, n in facts.emails if n not in facts.notifications)
    report.emails_unrecorded = sum(
        1 for n in per_notification if facts.notifications[n]["status"] != "sent"
    )


DOUBLED_PER_CAUSE = """
SELECT coalesce(sum(copies - 1), 0) FROM (
  SELECT count(*) AS copies FROM outbox WHERE headers->>'causation_id' <> ''
  GROUP BY headers->>'causation_id', headers->>'type', topic, key,
           convert_from(value, 'UTF8')::jsonb -> 'payload'
) AS effects"""

DOUBLED_STATUS_EVENTS = """
SELECT coalesce(sum(copies - 1), 0) FROM (
  SELECT count(*) AS copies FROM outbox WHERE headers->>'type' = 'ShipmentStatusChanged'
  GROUP BY convert_from(value, 'UTF8')::jsonb #>> '{payload,shipment_id}',
           convert_from(value, 'UTF8')::jsonb #>> '{payload,status}'
) AS effects"""

DOUBLED_ACCEPTANCES = """
SELECT coalesce(sum(copies - 1), 0) FROM (
  SELECT count(*) AS copies FROM outbox WHERE headers->>'type' = 'OrderAccepted' GROUP BY key
) AS effects"""

DOUBLED_MOVEMENTS = """
SELECT coalesce(sum(copies - 1), 0) FROM (
  SELECT count(*) AS copies FROM movements WHERE kind IN ('reservation', 'commit')
  GROUP BY kind, reference, sku, location_id
) AS effects"""


async def _count_doubled_events(report: Report, system: TestSystem) -> None:
    """An event handled twice emits its effects twice: the same cause, type, key and payload
    in the service's outbox. Some facts must also exist once whatever caused them."""
    for name in SERVICES:
        database = await system.db(name)
        report.duplicates[f"{name}: events emitted per cause"] = await database.fetchval(
            DOUBLED_PER_CAUSE
        )
    intake, inventory, fulfillment = [
        await system.db(name) for name in ("intake", "inventory", "fulfillment")
    ]
    report.duplicates["intake: OrderAccepted per order"] = await intake.fetchval(
        DOUBLED_ACCEPTANCES
    )
    report.duplicates[
        "fulfillment: status events per shipment and status"
    ] = await fulfillment.fetchval(DOUBLED_STATUS_EVENTS)
    report.duplicates["inventory: stock movements per document"] = await inventory.fetchval(
        DOUBLED_MOVEMENTS
    )


async def _check_stock(
    report: Report,
    system: TestSystem,
    facts: Facts,
    orders: list[PlacedOrder],
    stock_received: dict[tuple[str, str], int],
) -> None:
    inventory = await system.db("inventory")
    async with inventory.acquire() as conn:
        rows = await conn.fetch("SELECT sku, location_id, on_hand, reserved FROM stock")
        report.unreconciled = await reconcile(conn)
    report.oversold = [
        dict(row) for row in rows if row["reserved"] > row["on_hand"] or row["on_hand"] < 0
    ]
    expected = _expected_stock(facts, orders, stock_received)
    actual = {(row["sku"], row["location_id"]): (row["on_hand"], row["reserved"]) for row in rows}
    report.stock_mismatches = [
        {
            "sku": sku,
            "location_id": location,
            "expected": balance,
            "actual": actual.get((sku, location)),
        }
        for (sku, location), balance in sorted(expected.items())
        if actual.get((sku, location)) != balance
    ]


def _expected_stock(
    facts: Facts, orders: list[PlacedOrder], stock_received: dict[tuple[str, str], int]
) -> dict[tuple[str, str], tuple[int, int]]:
    """(on hand, reserved) per SKU and location: received less what shipped; reserved what
    was picked for but not yet shipped. Every order here is one SKU at one location."""
    on_hand, reserved = Counter(stock_received), Counter[tuple[str, str]]()
    for order in orders:
        for shipment in facts.shipments.get(order.order_id, [])[:1]:
            key = (order.sku, shipment["location_id"])
            if shipment["status"] in SHIPPED:
                on_hand[key] -= order.units
            else:
                reserved[key] += order.units
    return {key: (on_hand[key], reserved[key]) for key in on_hand | reserved}


async def dead_letters(system: TestSystem) -> int:
    """Records on every dead-letter topic of the test's namespace."""
    consumer = AIOKafkaConsumer(bootstrap_servers=system.infrastructure.bootstrap_servers)
    await consumer.start()
    try:
        topics = [
            t for t in await consumer.topics() if t.startswith(system.prefix) and t.endswith(".dlq")
        ]
        partitions = [p for t in topics for p in _partitions(consumer, t)]
        if not partitions:
            return 0
        ends = await consumer.end_offsets(partitions)
        starts = await consumer.beginning_offsets(partitions)
        return sum(ends[p] - starts[p] for p in partitions)
    finally:
        await consumer.stop()


def _partitions(consumer: AIOKafkaConsumer, topic: str) -> list[TopicPartition]:
    return [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or ()]


def redeliveries(log_dir: Path) -> Counter[str]:
    """Events each service was handed again and dropped by its inbox, from its JSON log."""
    dropped: Counter[str] = Counter()
    for log in log_dir.glob("*.log"):
        with log.open("rb") as lines:
            dropped[log.stem] = sum(1 for line in lines if b'"event.duplicate_ignored"' in line)
    return dropped


def log_sizes(log_dir: Path) -> dict[str, int]:
    """Where each service's log ends now, to read only what comes after."""
    return {log.stem: log.stat().st_size for log in log_dir.glob("*.log")}


def redelivered_events(log_dir: Path, since: dict[str, int]) -> dict[str, set[str]]:
    """The distinct events each service's inbox dropped after `since` (log_sizes): routing
    reads inventory's levels to their end at start and then in its group, so one record can
    be dropped twice."""
    dropped: dict[str, set[str]] = {}
    for log in log_dir.glob("*.log"):
        with log.open("rb") as lines:
            lines.seek(since.get(log.stem, 0))
            dropped[log.stem] = {
                found.group(1).decode()
                for line in lines
                if b'"event.duplicate_ignored"' in line
                and (found := re.search(rb'"event_id": ?"([^"]+)"', line))
            }
    return dropped
