"""fulfillment's tables."""

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

import asyncpg
from orderflow_contracts.fulfillment import ShipmentStatus
from orderflow_contracts.order import OrderLine
from orderflow_contracts.routing import PlannedShipment, ShipmentsPlanned
from orderflow_contracts.warehouse import WarehouseReported
from pydantic import TypeAdapter

_lines = TypeAdapter(tuple[OrderLine, ...])


# An order's ship-by, and whether it is derived from the seller's handling time.
ShipBy = tuple[datetime | None, bool]


async def create_shipments(
    conn: asyncpg.Connection,
    planned: list[tuple[ShipmentsPlanned, PlannedShipment]],
    ship_by: dict[str, ShipBy],
) -> set[str]:
    """Create the shipments not seen before, with their first history row; returns their ids.
    `ship_by`: by order id."""
    rows = await conn.fetch(
        "INSERT INTO shipments (shipment_id, order_id, channel, external_id, location_id, carrier,"
        " service, status, lines, placed_at, ship_by, carrier_code, ship_by_derived)"
        " SELECT shipment_id, order_id, channel, external_id, location_id, carrier, service, $8,"
        " lines::jsonb, placed_at, ship_by, carrier_code, ship_by_derived"
        " FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],"
        " $7::text[], $9::text[], $10::timestamptz[], $11::timestamptz[], $12::text[],"
        " $13::boolean[])"
        " AS s(shipment_id, order_id, channel, external_id, location_id, carrier, service, lines,"
        " placed_at, ship_by, carrier_code, ship_by_derived)"
        " ON CONFLICT DO NOTHING RETURNING shipment_id",
        [shipment.shipment_id for _, shipment in planned],
        [plan.order_id for plan, _ in planned],
        [plan.channel for plan, _ in planned],
        [plan.external_id for plan, _ in planned],
        [shipment.location_id for _, shipment in planned],
        [shipment.carrier for _, shipment in planned],
        [shipment.service for _, shipment in planned],
        ShipmentStatus.PICK_REQUESTED.value,
        [_lines.dump_json(shipment.lines).decode() for _, shipment in planned],
        [plan.placed_at for plan, _ in planned],
        [ship_by[plan.order_id][0] for plan, _ in planned],
        [shipment.carrier_code for _, shipment in planned],
        [ship_by[plan.order_id][1] for plan, _ in planned],
    )
    created = [row["shipment_id"] for row in rows]
    if created:
        first = ShipmentStatus.PICK_REQUESTED.value
        await _insert_history(conn, [(shipment_id, first, True, "") for shipment_id in created])
    return set(created)


@dataclass(frozen=True)
class UploadRow:
    """A shipment's first tracking upload: sent (attempt 1), or held with why."""

    shipment_id: str
    channel: str
    tracking_number: str
    carrier_code: str
    status: str
    reason: str = ""


@dataclass
class Shipment:
    """A shipment row as a batch changes it, in memory until `ShipmentBook.save`."""

    shipment_id: str
    order_id: str
    channel: str
    external_id: str
    location_id: str
    carrier: str
    status: ShipmentStatus
    tracking_number: str
    lines_json: str
    cancel_requested: bool = False
    return_reason: str = ""
    return_tracking_number: str = ""
    carrier_news_at: datetime | None = None
    carrier_code: str = ""
    address_change_requested: bool = False  # sent to the warehouse, not answered yet

    @property
    def lines(self) -> tuple[OrderLine, ...]:
        return _lines.validate_json(self.lines_json)

    @lines.setter
    def lines(self, lines: tuple[OrderLine, ...]) -> None:
        self.lines_json = _lines.dump_json(lines).decode()


@dataclass
class ShipmentBook:
    """The shipments one batch touches, locked in key order (two instances never deadlock),
    changed in memory in the order the news was read and written back with one statement per
    table."""

    by_id: dict[str, Shipment]
    _changed: set[str] = field(default_factory=set)
    _by_tracking: dict[str, Shipment] | None = None
    _history: list[tuple[str, str, bool, str]] = field(default_factory=list)
    uploads: list[UploadRow] = field(default_factory=list)

    @classmethod
    async def load(
        cls,
        conn: asyncpg.Connection,
        *,
        shipment_ids: Iterable[str] = (),
        tracking_numbers: Iterable[str] = (),
        order_ids: Iterable[str] = (),
    ) -> "ShipmentBook":
        rows = await conn.fetch(
            "SELECT shipment_id, order_id, channel, external_id, location_id, carrier, status,"
            " coalesce(tracking_number, '') AS tracking_number, lines::text AS lines_json,"
            " cancel_requested_at IS NOT NULL AS cancel_requested, return_reason,"
            " coalesce(return_tracking_number, '') AS return_tracking_number, carrier_news_at,"
            " carrier_code, address_change_requested_at IS NOT NULL AS address_change_requested"
            " FROM shipments WHERE shipment_id = ANY($1::text[]) OR tracking_number = ANY($2::text[])"
            " OR return_tracking_number = ANY($2::text[]) OR order_id = ANY($3::text[])"
            " ORDER BY shipment_id FOR UPDATE",
            sorted(set(shipment_ids)),
            sorted(set(tracking_numbers)),
            sorted(set(order_ids)),
        )
        return cls({row["shipment_id"]: _shipment(row) for row in rows})

    def by_tracking_number(self, tracking_number: str) -> Shipment | None:
        return next((s for s in self.by_id.values() if s.tracking_number == tracking_number), None)

    def by_return_tracking_number(self, tracking_number: str) -> Shipment | None:
        return next(
            (s for s in self.by_id.values() if s.return_tracking_number == tracking_number), None
        )

    def touch(self, shipment: Shipment) -> None:
        """The shipment's fields other than its status changed: write them back."""
        self._changed.add(shipment.shipment_id)

    def change(
        self, shipment: Shipment, status: ShipmentStatus, tracking_number: str, note: str = ""
    ) -> None:
        shipment.status = status
        if tracking_number and tracking_number != shipment.tracking_number:
            shipment.tracking_number = tracking_number
            self._by_tracking = None
        self._changed.add(shipment.shipment_id)
        self.record(shipment, status, accepted=True, note=note)

    def record(
        self, shipment: Shipment, status: ShipmentStatus, *, accepted: bool, note: str = ""
    ) -> None:
        self._history.append((shipment.shipment_id, status.value, accepted, note))

    def note(self, shipment: Shipment, note: str) -> None:
        """Something an operator should see in the shipment's history; its status stays."""
        self.record(shipment, shipment.status, accepted=True, note=note)

    def request_cancel(self, shipment: Shipment) -> None:
        shipment.cancel_requested = True
        self._changed.add(shipment.shipment_id)

    def await_address_change(self, shipment: Shipment, waiting: bool = True) -> None:
        """A new address sent to the warehouse (waiting), or its answer come (not waiting)."""
        shipment.address_change_requested = waiting
        self._changed.add(shipment.shipment_id)

    async def save(self, conn: asyncpg.Connection) -> None:
        changed = [self.by_id[shipment_id] for shipment_id in sorted(self._changed)]
        if changed:
            await conn.execute(
                "UPDATE shipments s SET status = c.status,"
                " tracking_number = NULLIF(c.tracking_number, ''), updated_at = now(),"
                " cancel_requested_at = CASE WHEN c.cancel_requested"
                "  THEN coalesce(s.cancel_requested_at, now()) END,"
                " shipped_at = CASE WHEN c.status = 'shipped' THEN coalesce(s.shipped_at, now())"
                "  ELSE s.shipped_at END,"
                " lines = c.lines::jsonb, return_reason = c.return_reason,"
                " return_tracking_number = NULLIF(c.return_tracking_number, ''),"
                " carrier_news_at = c.carrier_news_at,"
                " address_change_requested_at = CASE WHEN c.address_change_requested"
                "  THEN coalesce(s.address_change_requested_at, now()) END"
                " FROM unnest($1::text[], $2::text[], $3::text[], $4::bool[], $5::text[],"
                "  $6::text[], $7::text[], $8::timestamptz[], $9::bool[])"
                "  AS c(shipment_id, status, tracking_number, cancel_requested, lines,"
                "  return_reason, return_tracking_number, carrier_news_at, address_change_requested)"
                " WHERE s.shipment_id = c.shipment_id",
                [s.shipment_id for s in changed],
                [s.status.value for s in changed],
                [s.tracking_number for s in changed],
                [s.cancel_requested for s in changed],
                [s.lines_json for s in changed],
                [s.return_reason for s in changed],
                [s.return_tracking_number for s in changed],
                [s.carrier_news_at for s in changed],
                [s.address_change_requested for s in changed],
            )
        if self._history:
            await _insert_history(conn, self._history)
        await _insert_uploads(conn, self.uploads)
        self._changed.clear()
        self._history.clear()
        self.uploads.clear()


async def _insert_uploads(conn: asyncpg.Connection, uploads: list[UploadRow]) -> None:
    if uploads:
        await conn.executemany(
            "INSERT INTO tracking_uploads (shipment_id, channel, tracking_number, carrier_code,"
            " status, attempts, reason) VALUES ($1, $2, $3, $4, $5,"
            " CASE WHEN $5 = 'sent' THEN 1 ELSE 0 END, $6) ON CONFLICT DO NOTHING",
            [
                (u.shipment_id, u.channel, u.tracking_number, u.carrier_code, u.status, u.reason)
                for u in uploads
            ],
        )


def _shipment(row: asyncpg.Record) -> Shipment:
    return Shipment(**{**dict(row), "status": ShipmentStatus(row["status"])})


async def _insert_history(
    conn: asyncpg.Connection, history: list[tuple[str, str, bool, str]]
) -> None:
    # WITH ORDINALITY: rows written in one statement tie on now(); their order is the journey's.
    await conn.execute(
        "INSERT INTO shipment_history (shipment_id, status, accepted, note)"
        " SELECT i, s, a, n FROM unnest($1::text[], $2::text[], $3::boolean[], $4::text[])"
        " WITH ORDINALITY AS h(i, s, a, n, o) ORDER BY o",
        [h[0] for h in history],
        [h[1] for h in history],
        [h[2] for h in history],
        [h[3] for h in history],
    )


async def refuse_reports(
    conn: asyncpg.Connection, reports: list[tuple[WarehouseReported, str, str]]
) -> None:
    """Keep (report, reason, correlation id) for reports that cannot be applied."""
    if reports:
        await conn.executemany(
            "INSERT INTO refused_reports (shipment_id, order_id, status, tracking_number, reason,"
            " correlation_id, location_id, report) VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb)",
            [
                (
                    r.shipment_id,
                    r.order_id,
                    r.status,
                    r.tracking_number,
                    reason,
                    correlation,
                    r.location_id,
                    r.model_dump_json(),
                )
                for r, reason, correlation in reports
            ],
        )


async def refused_reports(conn: asyncpg.Connection, limit: int) -> list[asyncpg.Record]:
    return list(
        await conn.fetch(
            "SELECT shipment_id, order_id, location_id, status, tracking_number, reason,"
            " correlation_id, received_at, report::text AS report"
            " FROM refused_reports ORDER BY id DESC LIMIT $1",
            limit,
        )
    )


async def remember_cancellation(conn: asyncpg.Connection, order_id: str, reason: str) -> None:
    await conn.execute(
        "INSERT INTO cancelled_orders (order_id, reason) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        order_id,
        reason,
    )


async def cancelled_among(conn: asyncpg.Connection, order_ids: list[str]) -> set[str]:
    rows = await conn.fetch(
        "SELECT order_id FROM cancelled_orders WHERE order_id = ANY($1::text[])", order_ids
    )
    return {row["order_id"] for row in rows}


async def park_tracking(conn: asyncpg.Connection, news: list[tuple[str, ShipmentStatus]]) -> None:
    if news:
        await conn.execute(
            "INSERT INTO early_tracking (tracking_number, status)"
            " SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT DO NOTHING",
            [tracking_number for tracking_number, _ in news],
            [status.value for _, status in news],
        )


async def take_parked_tracking(
    conn: asyncpg.Connection, tracking_numbers: list[str]
) -> dict[str, list[ShipmentStatus]]:
    """Parked carrier news per tracking number, in journey order (arrival times can tie)."""
    if not tracking_numbers:
        return {}
    rows = await conn.fetch(
        "DELETE FROM early_tracking WHERE tracking_number = ANY($1::text[])"
        " RETURNING tracking_number, status",
        tracking_numbers,
    )
    journey = list(ShipmentStatus)
    parked: dict[str, list[ShipmentStatus]] = {}
    for row in rows:
        parked.setdefault(row["tracking_number"], []).append(ShipmentStatus(row["status"]))
    return {number: sorted(news, key=journey.index) for number, news in parked.items()}


async def shipments(
    conn: asyncpg.Connection,
    *,
    shipment_id: str | None = None,
    order_id: str | None = None,
    status: str | None = None,
    location_id: str | None = None,
    limit: int = 500,
) -> list[asyncpg.Record]:
    """Shipments as the API shows them, newest change first; each filter given narrows."""
    return list(
        await conn.fetch(
            "SELECT shipment_id, order_id, channel, external_id, location_id, carrier, service,"
            " status, coalesce(tracking_number, '') AS tracking_number, lines::text AS lines,"
            " cancel_requested_at IS NOT NULL AS cancel_requested, return_reason,"
            " coalesce(return_tracking_number, '') AS return_tracking_number, created_at, updated_at,"
            " address_change_requested_at IS NOT NULL AS address_change_requested, ship_by,"
            " ship_by_derived"
            " FROM shipments WHERE ($1::text IS NULL OR shipment_id = $1)"
            " AND ($2::text IS NULL OR order_id = $2) AND ($3::text IS NULL OR status = $3)"
            " AND ($4::text IS NULL OR location_id = $4)"
            " ORDER BY updated_at DESC, shipment_id LIMIT $5",
            shipment_id,
            order_id,
            status,
            location_id,
            limit,
        )
    )


async def history(
    conn: asyncpg.Connection, shipment_ids: list[str]
) -> dict[str, list[asyncpg.Record]]:
    rows = await conn.fetch(
        "SELECT shipment_id, status, accepted, note, at FROM shipment_history"
        " WHERE shipment_id = ANY($1::text[]) ORDER BY id",
        shipment_ids,
    )
    by_shipment: dict[str, list[asyncpg.Record]] = {}
    for row in rows:
        by_shipment.setdefault(row["shipment_id"], []).append(row)
    return by_shipment


SHIP_BY_LEVELS = (50, 80, 100)
# The ship-by clock watches shipments still to ship: not one whose order was cancelled (its stop
# is asked of the warehouse; shipping it would be the wrong thing to hurry).
_WATCHED_FOR_SHIP_BY = (
    "status IN ('pick_requested', 'accepted', 'picked', 'packed')"
    " AND cancel_requested_at IS NULL AND ship_by IS NOT NULL AND placed_at IS NOT NULL"
)


async def escalate_ship_by(conn: asyncpg.Connection, now: datetime) -> list[asyncpg.Record]:
    """Shipments not shipped that have reached a new escalation level by `now` (the highest
    reached, once; a level skipped between two checks is not announced late). Returns them."""
    return list(
        await conn.fetch(
            "WITH due AS ("
            " SELECT shipment_id, order_id, location_id, channel, ship_by, ship_by_derived,"
            "  max(l.level) AS level"
            " FROM shipments CROSS JOIN unnest($2::int[]) AS l(level)"
            f" WHERE {_WATCHED_FOR_SHIP_BY}"
            "  AND $1 >= placed_at + (ship_by - placed_at) * (l.level / 100.0)"
            " GROUP BY shipment_id),"
            " fresh AS (INSERT INTO ship_by_escalations (shipment_id, level)"
            "  SELECT shipment_id, level FROM due ON CONFLICT DO NOTHING"
            "  RETURNING shipment_id, level)"
            " SELECT due.* FROM due JOIN fresh USING (shipment_id, level) ORDER BY due.ship_by",
            now,
            list(SHIP_BY_LEVELS),
        )
    )


async def at_risk(
    conn: asyncpg.Connection, now: datetime, min_percent: int, channel: str | None = None
) -> list[asyncpg.Record]:
    """Shipments not shipped yet (nor asked to stop) with a ship-by, and the share of their
    time to it used; of one marketplace, or of all."""
    return list(
        await conn.fetch(
            "SELECT shipment_id, order_id, location_id, channel, status, placed_at, ship_by,"
            " ship_by_derived, round((extract(epoch FROM $1 - placed_at)"
            "  / greatest(extract(epoch FROM ship_by - placed_at), 1) * 100)::numeric)::int"
            "  AS percent_used"
            f" FROM shipments WHERE {_WATCHED_FOR_SHIP_BY}"
            " AND $1 >= placed_at + (ship_by - placed_at) * ($2 / 100.0)"
            " AND ($3::text IS NULL OR channel = $3)"
            " ORDER BY ship_by, shipment_id",
            now,
            min_percent,
            channel,
        )
    )


async def ship_kpis(
    conn: asyncpg.Connection, since: datetime, channel: str | None = None
) -> asyncpg.Record:
    """Over the shipments shipped since `since` (of one marketplace, or of all): how many, the
    share shipped by their ship-by, and the order-to-ship time's median and 90th percentile in
    hours."""
    row = await conn.fetchrow(
        "SELECT count(*) AS shipped,"
        " avg((shipped_at <= ship_by)::int) FILTER (WHERE ship_by IS NOT NULL) AS on_time_rate,"
        " percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM shipped_at - placed_at))"
        "  / 3600 AS order_to_ship_p50_hours,"
        " percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM shipped_at - placed_at))"
        "  / 3600 AS order_to_ship_p90_hours"
        " FROM shipments WHERE shipped_at >= $1 AND placed_at IS NOT NULL"
        " AND ($2::text IS NULL OR channel = $2)",
        since,
        channel,
    )
    assert row is not None
    return row


async def tracking_number_taken(conn: asyncpg.Connection, tracking_number: str) -> bool:
    return bool(
        await conn.fetchval(
            "SELECT EXISTS (SELECT 1 FROM shipments WHERE tracking_number = $1"
            " OR return_tracking_number = $1)",
            tracking_number,
        )
    )


async def lock_upload(conn: asyncpg.Connection, shipment_id: str) -> asyncpg.Record | None:
    return await conn.fetchrow(
        "SELECT shipment_id, status, attempts, tracking_number FROM tracking_uploads"
        " WHERE shipment_id = $1 FOR UPDATE",
        shipment_id,
    )


async def record_answer(
    conn: asyncpg.Connection,
    shipment_id: str,
    attempt: int,
    accepted: bool,
    retryable: bool,
    message: str,
) -> None:
    await conn.execute(
        "INSERT INTO tracking_upload_answers (shipment_id, attempt, accepted, retryable, message)"
        " VALUES ($1, $2, $3, $4, $5)",
        shipment_id,
        attempt,
        accepted,
        retryable,
        message,
    )


async def settle_upload(
    conn: asyncpg.Connection,
    shipment_id: str,
    status: str,
    reason: str,
    next_attempt_at: datetime | None = None,
) -> None:
    await conn.execute(
        "UPDATE tracking_uploads SET status = $2, reason = $3, next_attempt_at = $4,"
        " updated_at = now() WHERE shipment_id = $1",
        shipment_id,
        status,
        reason,
        next_attempt_at,
    )


async def take_due_uploads(
    conn: asyncpg.Connection, now: datetime, limit: int = 200
) -> list[asyncpg.Record]:
    """Uploads whose retry is due, marked sent again (one more attempt), with what to send."""
    return list(
        await conn.fetch(
            "WITH due AS (SELECT shipment_id FROM tracking_uploads"
            " WHERE status = 'retrying' AND next_attempt_at <= $1"
            " ORDER BY next_attempt_at LIMIT $2 FOR UPDATE SKIP LOCKED)"
            " UPDATE tracking_uploads u SET status = 'sent', attempts = u.attempts + 1,"
            " next_attempt_at = NULL, updated_at = now() FROM due, shipments s"
            " WHERE u.shipment_id = due.shipment_id AND s.shipment_id = u.shipment_id"
            " RETURNING u.shipment_id, u.attempts, u.carrier_code, u.tracking_number, s.order_id,"
            " s.channel, s.external_id, s.carrier, s.lines::text AS lines",
            now,
            limit,
        )
    )


async def tracking_uploads(
    conn: asyncpg.Connection, status: str | None, limit: int, order_id: str | None = None
) -> list[asyncpg.Record]:
    """Newest change first; of one status, of one order's shipments, or all."""
    return list(
        await conn.fetch(
            "SELECT u.shipment_id, s.order_id, u.channel, u.tracking_number, u.carrier_code,"
            " u.status, u.attempts, u.reason, u.next_attempt_at, u.updated_at,"
            " coalesce((SELECT a.message FROM tracking_upload_answers a"
            "  WHERE a.shipment_id = u.shipment_id ORDER BY a.id DESC LIMIT 1), '')"
            "  AS last_answer"
            " FROM tracking_uploads u JOIN shipments s USING (shipment_id)"
            " WHERE ($1::text IS NULL OR u.status = $1) AND ($3::text IS NULL OR s.order_id = $3)"
            " ORDER BY u.updated_at DESC LIMIT $2",
            status,
            limit,
            order_id,
        )
    )


async def upload_to_send(conn: asyncpg.Connection, shipment_id: str) -> asyncpg.Record | None:
    """A shipment's upload with what sending it needs, locked."""
    return await conn.fetchrow(
        "SELECT u.status, u.attempts, u.tracking_number, u.carrier_code, s.order_id, s.channel,"
        " s.external_id, s.carrier, s.lines::text AS lines"
        " FROM tracking_uploads u JOIN shipments s USING (shipment_id)"
        " WHERE u.shipment_id = $1 FOR UPDATE OF u",
        shipment_id,
    )


async def resend_upload(
    conn: asyncpg.Connection, shipment_id: str, tracking_number: str, carrier_code: str
) -> int:
    """The upload sent again as corrected (the shipment's tracking number with it, so the
    carrier's news on it is matched); returns its attempt."""
    await conn.execute(
        "UPDATE shipments SET tracking_number = $2, updated_at = now() WHERE shipment_id = $1"
        " AND tracking_number IS DISTINCT FROM $2",
        shipment_id,
        tracking_number,
    )
    await conn.execute(
        "INSERT INTO shipment_history (shipment_id, status, accepted, note)"
        " SELECT shipment_id, status, true, $2 FROM shipments WHERE shipment_id = $1",
        shipment_id,
        f"tracking upload sent again by an operator: {tracking_number} as {carrier_code}",
    )
    attempt = await conn.fetchval(
        "UPDATE tracking_uploads SET status = 'sent', attempts = attempts + 1, reason = '',"
        " tracking_number = $2, carrier_code = $3, next_attempt_at = NULL, updated_at = now()"
        " WHERE shipment_id = $1 RETURNING attempts",
        shipment_id,
        tracking_number,
        carrier_code,
    )
    return int(attempt)


async def record_operator_action(
    conn: asyncpg.Connection, actor: str, action: str, shipment_id: str, detail: dict[str, str]
) -> None:
    """In the action's transaction: the audit commits with the change or not at all."""
    await conn.execute(
        "INSERT INTO operator_audit (actor, action, shipment_id, order_id, detail)"
        " SELECT $1, $2, shipment_id, order_id, $4::jsonb FROM shipments WHERE shipment_id = $3",
        actor,
        action,
        shipment_id,
        json.dumps(detail),
    )


@dataclass(frozen=True)
class AuditFilter:
    shipment_id: str | None = None
    order_id: str | None = None
    actor: str | None = None
    action: str | None = None
    before_id: int | None = None
    limit: int = 100


async def operator_actions(conn: asyncpg.Connection, wanted: AuditFilter) -> list[asyncpg.Record]:
    """Newest first; each filter left None matches everything."""
    return list(
        await conn.fetch(
            "SELECT audit_id, actor, action, shipment_id, order_id, at, detail::text AS detail"
            " FROM operator_audit"
            " WHERE ($1::text IS NULL OR shipment_id = $1) AND ($2::text IS NULL OR order_id = $2)"
            " AND ($3::text IS NULL OR actor = $3) AND ($4::text IS NULL OR action = $4)"
            " AND ($5::bigint IS NULL OR audit_id < $5) ORDER BY audit_id DESC LIMIT $6",
            wanted.shipment_id,
            wanted.order_id,
            wanted.actor,
            wanted.action,
            wanted.before_id,
            wanted.limit,
        )
    )
