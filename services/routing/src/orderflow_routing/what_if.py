"""What if: a stored window of past decisions planned again against changed reference data
(rules, rate cards, weights), beside the same decisions planned against the version each was
made with; nothing is emitted or stored. Both weigh products as intake's catalog defines
them now. Each decision is replayed with the stock, the load and the time it saw (kept in its
explanation; a decision made before those were kept is replayed against today's replica, and
counted as such)."""

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

import asyncpg
from orderflow_contracts.intake import OrderAccepted
from pydantic import BaseModel, Field

from orderflow_routing import domain, store
from orderflow_routing.reference import ProductSize, ReferenceData
from orderflow_routing.use_cases import order_costs

SHOWN_CHANGES = 100
YIELD_EVERY = 25  # decisions replayed between two turns of the event loop


class Figures(BaseModel):
    orders: int = 0
    routed: int = 0
    unroutable: int = 0
    cost: Decimal = Field(default=Decimal(0), description="the plans' total cost, all parts")
    shipping: Decimal = Decimal(0)
    shipments: int = 0
    split_orders: int = 0
    late_orders: int = Field(default=0, description="a shipment at risk of missing a date")

    @property
    def late_share(self) -> float:
        return self.late_orders / self.routed if self.routed else 0.0

    def add(self, decision: domain.Decision) -> None:
        self.orders += 1
        if not decision.routed:
            self.unroutable += 1
            return
        self.routed += 1
        self.cost += decision.total
        self.shipping += sum((s.quote.parts.shipping for s in decision.shipments), Decimal(0))
        self.shipments += len(decision.shipments)
        self.split_orders += len(decision.shipments) > 1
        self.late_orders += any(s.quote.late for s in decision.shipments)


class Change(BaseModel):
    order_id: str
    attempt: int
    before: list[str]
    after: list[str]
    before_cost: str
    after_cost: str
    after_reason: str


class Report(BaseModel):
    decisions_in_window: int = 0
    replayed: int = Field(default=0, description="fewer than in the window only under a limit")
    baseline: Figures = Field(
        default_factory=Figures, description="as planned with the version each decision used"
    )
    what_if: Figures = Field(
        default_factory=Figures, description="as planned with the changed reference data"
    )
    late_share: dict[str, float] = {}
    changed_decisions: int = 0
    changes: list[Change] = Field(default=[], description=f"the first {SHOWN_CHANGES}")
    replayed_on_todays_stock: int = 0
    skipped: int = Field(default=0, description="decisions that planned nothing (give-ups)")


def merged(base: Mapping[str, Any], patch: Mapping[str, Any]) -> dict[str, Any]:
    """`patch` over `base` (a JSON merge patch: objects merge, anything else replaces)."""
    out = dict(base)
    for key, value in patch.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = merged(out[key], value)
        else:
            out[key] = value
    return out


def _key(sku_at_location: str) -> domain.Key:
    sku, _, location = sku_at_location.rpartition("@")
    return sku, location


def _shipped(decision: domain.Decision) -> list[str]:
    return [f"{s.location_id}:{s.quote.service.name}" for s in decision.shipments]


def _plan(
    event: OrderAccepted,
    network: domain.Network,
    at: datetime,
    stock: Mapping[domain.Key, int],
    load: Mapping[str, int],
    confirmed: set[domain.Key] | None,
) -> domain.Decision:
    """The order planned as routing planned it (on the replica, or on its word alone)."""
    costed, lines = order_costs(event, network, at), event.order.lines
    return domain.plan_on_replica(lines, costed, dict(stock), network, dict(load), confirmed)


@dataclass
class Replay:
    conn: asyncpg.Connection
    changed: domain.Network
    catalog: tuple[ProductSize, ...] = ()
    report: Report = field(default_factory=Report)
    _versions: dict[int, domain.Network] = field(default_factory=dict)

    async def network(self, version: int | None) -> domain.Network:
        if version is None:
            return self.changed
        if version not in self._versions:
            stored = await store.reference(self.conn, version)
            self._versions[version] = (
                domain.Network(stored.data, self.catalog) if stored else self.changed
            )
        return self._versions[version]

    async def stock(
        self, past: store.PastDecision
    ) -> tuple[dict[domain.Key, int], dict[str, int], datetime, set[domain.Key] | None]:
        """What the decision saw: stock, load, time, and the figures inventory had confirmed
        (None for a decision whose replica's word was final, or made before they were kept)."""
        seen = past.explanation.get("seen")
        if seen is None:
            self.report.replayed_on_todays_stock += 1
            skus = store.line_skus(past.accepted.order.lines)
            return dict(await store.stock_for(self.conn, skus)), {}, past.decided_at, None
        stock = {_key(k): v for k, v in seen["stock"].items()}
        confirmed = seen.get("confirmed")
        return (
            stock,
            dict(seen["load"]),
            datetime.fromisoformat(seen["at"]),
            None if confirmed is None else {_key(k) for k in confirmed},
        )

    async def add(self, past: store.PastDecision) -> None:
        if "candidates" not in past.explanation:
            self.report.skipped += 1
            return
        stock, load, at, confirmed = await self.stock(past)
        before_net = await self.network(past.explanation.get("reference_version"))
        event = past.accepted
        before = _plan(event, before_net, at, stock, load, confirmed)
        after = _plan(event, self.changed, at, stock, load, confirmed)
        self.report.baseline.add(before)
        self.report.what_if.add(after)
        if _shipped(before) != _shipped(after):
            self.report.changed_decisions += 1
            if len(self.report.changes) < SHOWN_CHANGES:
                self.report.changes.append(
                    Change(
                        order_id=event.order.order_id,
                        attempt=past.attempt,
                        before=_shipped(before),
                        after=_shipped(after),
                        before_cost=str(before.total),
                        after_cost=str(after.total),
                        after_reason=after.reason,
                    )
                )


async def replay(
    conn: asyncpg.Connection,
    changed: ReferenceData,
    since: datetime,
    until: datetime,
    limit: int | None = None,
) -> Report:
    """Planning is CPU work: the event loop gets a turn every YIELD_EVERY decisions, so a
    service's consumers and API keep going while its API replays a window."""
    catalog = await store.catalog_products(conn)
    run = Replay(conn, domain.Network(changed, catalog), catalog)
    pasts = await store.decisions_between(conn, since, until, limit)
    for done, past in enumerate(pasts, 1):
        await run.add(past)
        if done % YIELD_EVERY == 0:
            await asyncio.sleep(0)
    report = run.report
    report.replayed = len(pasts)
    report.decisions_in_window = (
        len(pasts)
        if limit is None or len(pasts) < limit
        else await store.count_decisions_between(conn, since, until)
    )
    report.late_share = {
        "baseline": report.baseline.late_share,
        "what_if": report.what_if.late_share,
    }
    return report
