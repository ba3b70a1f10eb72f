"""One order's timeline across the five services: what each says about the order, fetched
side by side and merged into one list, oldest first. `assemble` is pure; `fetch` asks."""

import asyncio
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from orderflow_console.proxy import Upstreams

Json = Any


@dataclass(frozen=True)
class Entry:
    at: str  # ISO 8601, as the service gave it
    service: str
    step: str
    summary: str

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


def _order(order: Json) -> list[Entry]:
    if not isinstance(order, dict):
        return []
    entries = [Entry(order["received_at"], "intake", "received", _received(order))]
    for hold in order.get("holds", []):
        entries.append(
            Entry(hold["held_at"], "intake", "held", f"{hold['code']}: {hold['detail']}")
        )
        if hold.get("resolved_at"):
            entries.append(Entry(hold["resolved_at"], "intake", "hold resolved", hold["code"]))
    steps = (
        ("accepted_at", "screened: accepted"),
        ("shipped_at", "shipped"),
        ("delivered_at", "delivered"),
    )
    for field, step in steps:
        if order.get(field):
            entries.append(Entry(order[field], "intake", step, f"status {order['status']}"))
    if order.get("cancelled_at"):
        reason = order.get("cancel_reason") or ""
        entries.append(Entry(order["cancelled_at"], "intake", "cancelled", reason))
    return entries


def _received(order: Json) -> str:
    return f"{order['channel']} order {order['external_id']} (correlation {order.get('correlation_id', '')})"


def _audit(audit: Json) -> list[Entry]:
    return [
        Entry(row["at"], "intake", f"operator: {row['action']}", f"by {row['actor']}")
        for row in audit or []
    ]


def _decisions(found: Json) -> list[Entry]:
    if not isinstance(found, dict):
        return []
    return [_decision(decision) for decision in found.get("decisions", [])]


def _decision(decision: Json) -> Entry:
    chosen = ", ".join(
        f"{s.get('location_id', '?')} by {s.get('carrier', '?')} {s.get('service', '')}".strip()
        for s in decision.get("chosen", [])
    )
    summary = f"attempt {decision['attempt']}: {decision['outcome']}"
    summary += f" — {chosen}" if chosen else ""
    summary += f" ({decision['reason']})" if decision.get("reason") else ""
    return Entry(decision["decided_at"], "routing", "planned", summary)


def _reservation(reservation: Json) -> list[Entry]:
    if not isinstance(reservation, dict):
        return []
    lines = ", ".join(
        f"{line.get('quantity', '?')} {line.get('sku', '?')} at {line.get('location_id', '?')}"
        for line in reservation.get("lines", [])
    )
    entries = [
        Entry(
            reservation["created_at"],
            "inventory",
            "reserved",
            f"attempt {reservation['attempt']}: {lines}",
        )
    ]
    if reservation.get("updated_at") and reservation["updated_at"] != reservation["created_at"]:
        entries.append(
            Entry(reservation["updated_at"], "inventory", "reservation", reservation["status"])
        )
    return entries


def _shipments(shipments: Json) -> list[Entry]:
    entries = []
    for shipment in shipments or []:
        where = f"{shipment['shipment_id']} at {shipment['location_id']} by {shipment['carrier']}"
        entries.append(Entry(shipment["created_at"], "fulfillment", "pick task", where))
        for news in shipment.get("history", []):
            refused = "" if news.get("accepted", True) else " (refused as impossible)"
            step = "carrier news" if news["status"] in CARRIER_STATUSES else "warehouse news"
            summary = f"{shipment['shipment_id']}: {news['status']}{refused} {news.get('note', '')}"
            entries.append(Entry(news["at"], "fulfillment", step, summary.strip()))
    return entries


CARRIER_STATUSES = frozenset(
    {"in_transit", "out_for_delivery", "delivered", "exception", "customs_hold"}
    | {"failed_delivery", "returned_to_sender", "lost"}
)


def _uploads(uploads: Json, order_id: str) -> list[Entry]:
    return [
        Entry(
            upload.get("updated_at") or upload.get("created_at") or "",
            "fulfillment",
            "tracking sent",
            f"{upload['tracking_number']} to {upload['channel']}: {upload['status']}",
        )
        for upload in uploads or []
        if upload.get("order_id") == order_id
    ]


def _notifications(notifications: Json) -> list[Entry]:
    entries = []
    for note in notifications or []:
        at = note.get("sent_at") or note["created_at"]
        summary = (
            f"{note['kind']} to {note.get('recipient', '')} ({note['language']}): {note['status']}"
        )
        entries.append(Entry(at, "notifications", "notification", summary))
    return entries


def assemble(order_id: str, sources: dict[str, Json]) -> list[Entry]:
    """Every service's news of the order, oldest first (a missing source adds nothing)."""
    entries = [
        *_order(sources.get("order")),
        *_audit(sources.get("audit")),
        *_decisions(sources.get("decisions")),
        *_reservation(sources.get("reservation")),
        *_shipments(sources.get("shipments")),
        *_uploads(sources.get("uploads"), order_id),
        *_notifications(sources.get("notifications")),
    ]
    return sorted(entries, key=lambda entry: _instant(entry.at))


def _instant(at: str) -> datetime:
    try:
        moment = datetime.fromisoformat(at)
    except ValueError:
        return datetime.max.replace(tzinfo=UTC)  # unknown times last
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


SOURCES = {
    "order": ("intake", "/orders/{id}"),
    "audit": ("intake", "/orders/{id}/audit"),
    "decisions": ("routing", "/orders/{id}/decisions"),
    "reservation": ("inventory", "/reservations/{id}"),
    "shipments": ("fulfillment", "/orders/{id}/shipments"),
    "uploads": ("fulfillment", "/tracking-uploads?order_id={id}&limit=500"),
    "notifications": ("notifications", "/orders/{id}/notifications"),
}


async def order_id_of(upstreams: Upstreams, wanted: str) -> str | None:
    """An order id, or the id of the order with this correlation id."""
    status, _ = await upstreams.get_json("intake", f"/orders/{wanted}")
    if status == 200:
        return wanted
    status, page = await upstreams.get_json("intake", "/orders", correlation_id=wanted, limit=1)
    if status == 200 and page["items"]:
        return str(page["items"][0]["order_id"])
    return None


async def fetch(upstreams: Upstreams, order_id: str) -> dict[str, Any]:
    """The sources side by side; what a service does not know (404) is empty, what failed is
    named in `unavailable`."""
    names = list(SOURCES)
    answers = await asyncio.gather(
        *(
            upstreams.get_json(service, path.format(id=order_id))
            for service, path in SOURCES.values()
        )
    )
    sources, unavailable = {}, []
    for name, (status, body) in zip(names, answers, strict=True):
        if status == 200:
            sources[name] = body
        elif status != 404:
            unavailable.append(f"{SOURCES[name][0]} {name}: {status or body}")
    entries = assemble(order_id, sources)
    return {
        "order_id": order_id,
        "order": sources.get("order"),
        "entries": [entry.as_dict() for entry in entries],
        "unavailable": unavailable,
    }
