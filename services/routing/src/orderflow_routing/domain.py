"""Pure routing: which location(s) ship an order, with which carrier service, and why.

One cost function over (location set x carrier services), costs.py; the location sets tried,
search.py. The seller's rules come first: only locations serving the order's channel and
services the seller allows count; a plan from locations the seller prefers (same market
first, if asked; then priority) wins before cost; a channel that never splits gets single
shipments only. Among plans the seller likes equally, the cheapest wins."""

import uuid
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from orderflow_contracts.order import OrderLine, merge_lines

from orderflow_routing import costs
from orderflow_routing.network import NO_PREFERENCE, Network, Preference, Shipment
from orderflow_routing.search import Candidate, Key, Search, Stock, candidates

__all__ = [
    "Decision",
    "Key",
    "Network",
    "Preference",
    "Shipment",
    "Stock",
    "plan",
    "plan_on_replica",
    "shipment_id",
]

RECORDED_PLANS = 40  # beyond the exact search, a decision keeps the best 40 plans, counts the rest


@dataclass
class Decision:
    shipments: tuple[Shipment, ...] = ()
    reason: str = ""
    candidates: list[dict[str, str]] = field(default_factory=list)  # one per location
    plans: list[dict[str, Any]] = field(default_factory=list)  # every location set tried
    method: str = ""
    plans_tried: int = 0
    split: Decimal = Decimal(0)  # the split penalty of the shipments
    # Sent although the replica covers no plan: what the replica says ('' when it covers it).
    replica_says: str = ""

    @property
    def routed(self) -> bool:
        return bool(self.shipments)

    @property
    def total(self) -> Decimal:
        return sum((s.total for s in self.shipments), self.split)


def plan(
    lines: tuple[OrderLine, ...],
    order: costs.Order,
    stock: Stock,
    network: Network,
    used_today: Mapping[str, int] | None = None,
) -> Decision:
    """The plan for an order: the seller's rules first, then the lowest cost; every location
    and every location set tried is kept with its cost parts, or why it could not ship."""
    search = Search(
        merge_lines(lines), stock, network, order, used_today or {}, network.rank_for(order.country)
    )
    decision = Decision()
    holders = [
        loc
        for loc in sorted(network.sites)
        if _excluded(search, loc) == "" and search.coverage(loc) > 0
    ]
    never_split = network.never_splits(order.channel)
    decision.method, tried = candidates(search, holders, never_split)
    decision.plans_tried = len(tried)
    decision.candidates = [_location_view(search, loc) for loc in sorted(network.sites)]
    winner = tried[0] if tried and tried[0].feasible else None
    recorded = tried if decision.method == "exact" else tried[:RECORDED_PLANS]
    decision.plans = [_plan_view(c, winner) for c in recorded]
    if winner is None:
        decision.reason = _why_none(search, tried, never_split)
        return decision
    decision.shipments, decision.split = winner.shipments, winner.split
    decision.reason = _why_won(search, winner, [c for c in tried if c.feasible])
    return decision


def plan_on_replica(
    lines: tuple[OrderLine, ...],
    order: costs.Order,
    stock: Stock,
    network: Network,
    used_today: Mapping[str, int],
    confirmed: Collection[Key] | None,
) -> Decision:
    """The plan for an order on routing's replica of the stock, which may lag inventory (its
    feed is published about once a second, and read from where routing left it). A shortage
    only the replica shows does not hold the order: where the replica covers no plan, the
    best plan with every figure inventory has not `confirmed` for this order taken as unknown
    (as if it held the order's units there) is sent, and inventory's answer decides; a
    rejection's figures are then confirmed. Only confirmed figures leave an order without a
    plan for want of stock. `confirmed` None: the replica's word is final (`plan`)."""
    decision = plan(lines, order, stock, network, used_today)
    if decision.routed or confirmed is None:
        return decision
    unknown = _unknown_unless_confirmed(lines, stock, network, confirmed)
    if not unknown:
        return decision
    sent = plan(lines, order, {**stock, **unknown}, network, used_today)
    if not sent.routed:
        return decision
    sent.replica_says = decision.reason
    sent.reason = (
        f"planned on an unconfirmed replica, inventory's answer decides (the replica says:"
        f" {decision.reason}): {sent.reason}"
    )
    return sent


def _unknown_unless_confirmed(
    lines: tuple[OrderLine, ...], stock: Stock, network: Network, confirmed: Collection[Key]
) -> dict[Key, int]:
    """The order's units of each SKU at every location where the replica is short of them
    and inventory has not confirmed its figure."""
    wanted: dict[str, int] = {}
    for line in lines:
        wanted[line.sku] = wanted.get(line.sku, 0) + line.quantity
    return {
        (sku, location): units
        for sku, units in wanted.items()
        for location in network.sites
        if stock.get((sku, location), 0) < units and (sku, location) not in confirmed
    }


def _excluded(search: Search, location: str) -> str:
    """Why a location cannot ship any of this order, before stock: '' if it can."""
    return search.excluded(location)


def _location_view(search: Search, location: str) -> dict[str, str]:
    """The location's whole-order candidate: its stock, and its single shipment's best
    service and cost parts where the search priced one."""
    excluded = _excluded(search, location)
    view = {
        "location_id": location,
        "has_all_stock": str(search.holds_all(location)),
        "preference": search.rank.get(location, NO_PREFERENCE).why,
        "excluded": excluded,
        "service": "none to destination" if excluded.startswith("no allowed") else "",
        "cost": "",
    }
    if excluded:
        return view
    if not search.holds_all(location):
        held = "part" if search.coverage(location) else "none"
        return view | {"service": f"not priced whole: holds {held} of this order"}
    priced = search.priced(location, search.lines)
    if priced is None:
        return view | {"service": "not priced: not among the locations the heuristic tried"}
    if isinstance(priced, str):
        return view | {"service": "none takes this parcel", "why": priced}
    return (
        view
        | {"service": priced.quote.service.name, "cost": str(priced.total)}
        | priced.quote.parts.as_json()
    )


def _shipment_view(shipment: Shipment) -> dict[str, Any]:
    quote = shipment.quote
    return {
        "location_id": shipment.location_id,
        "service": quote.service.name,
        "level": quote.service.level,
        "lines": {line.sku: line.quantity for line in shipment.lines},
        "cost": quote.parts.as_json(),
        "ships_at": quote.ships_at.isoformat(),
        "arrives_p50": quote.arrives_p50.isoformat(),
        "arrives_p90": quote.arrives_p90.isoformat(),
        "late": list(quote.late),
    }


def _plan_view(candidate: Candidate, winner: Candidate | None) -> dict[str, Any]:
    view: dict[str, Any] = {"locations": list(candidate.locations)}
    if not candidate.feasible:
        return view | {"feasible": False, "verdict": candidate.why_not}
    if candidate is winner:
        verdict = "chosen"
    elif winner is not None and winner.preference < candidate.preference:
        verdict = "the seller prefers the chosen plan's locations"
    else:
        more = candidate.total - (winner.total if winner else Decimal(0))
        verdict = f"costs {more} more than the chosen plan"
    return view | {
        "feasible": True,
        "verdict": verdict,
        "cost": candidate.parts(),
        "shipments": [_shipment_view(s) for s in candidate.shipments],
    }


def _named(candidate: Candidate) -> str:
    if len(candidate.locations) == 1:
        return candidate.locations[0]
    return f"a split over {', '.join(candidate.locations)}"


def _why_won(search: Search, winner: Candidate, feasible: list[Candidate]) -> str:
    cheapest = min(feasible, key=lambda c: (c.total, len(c.locations), c.locations))
    single = len(winner.locations) == 1
    head = (
        f"one shipment from {winner.locations[0]}"
        if single
        else f"split over {len(winner.locations)} locations"
    )
    if cheapest.total < winner.total:
        worst = max(winner.locations, key=lambda loc: search.rank[loc].key)
        return (
            f"{head}: the seller prefers it ({search.rank[worst].why}) to {_named(cheapest)},"
            f" which costs {winner.total - cheapest.total} less"
        )
    singles = [c for c in feasible if len(c.locations) == 1]
    if single:
        others = [c for c in feasible if c is not winner]
        runner = f"; next {_named(others[0])} at {others[0].total}" if others else ""
        return (
            f"{head} by {winner.shipments[0].quote.service.name} at {winner.total}:"
            f" the cheapest of {len(feasible)} plans that ship{runner}"
        )
    where = f"({', '.join(winner.locations)}, {winner.total})"
    if not singles:
        holds = any(search.holds_all(loc) for loc in search.network.sites)
        return f"{head}: no single location {'can ship' if holds else 'holds'} every line {where}"
    best_single = min(singles, key=Candidate.rank)
    return (
        f"{head}: {best_single.total - winner.total} cheaper than one shipment from"
        f" {best_single.locations[0]} {where}"
    )


def _why_none(search: Search, tried: list[Candidate], never_split: bool) -> str:
    network, order = search.network, search.order
    serving = [loc for loc in sorted(network.sites) if _excluded(search, loc) == ""]
    reachable = [
        loc
        for loc in sorted(network.sites)
        if network.sites[loc].serves(order.channel)
        and network.reaches(loc, order.channel, order.country)
    ]
    if not reachable:
        return f"no carrier service to {order.country} from any location"
    full = [loc for loc in reachable if loc not in serving]
    at_capacity = f" (at capacity today: {', '.join(full)})" if full else ""
    short = {
        line.sku: line.quantity - total
        for line in search.lines
        if (total := sum(search.held(loc, line.sku) for loc in serving)) < line.quantity
    }
    if short:
        return (
            f"not enough stock at any location serving {order.country}: short {short}{at_capacity}"
        )
    if never_split and not any(search.holds_all(loc) for loc in serving):
        return "no single location holds every line, and this channel never splits"
    return tried[0].why_not if tried else f"no plan ships this order{at_capacity}"


_SHIPMENT_NAMESPACE = uuid.UUID("0b7e6a43-42c4-4f7a-b3a5-52c0a8e5f0d2")


def shipment_id(order_id: str, attempt: int, location_id: str) -> str:
    return str(uuid.uuid5(_SHIPMENT_NAMESPACE, f"{order_id}/{attempt}/{location_id}"))
