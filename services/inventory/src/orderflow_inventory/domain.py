"""Pure inventory rules: how a poll's plans share the free stock, and what each channel may show.

Plans are decided in the order they were read, each against what the plans before it left, so
a batch decides exactly as one-at-a-time would. A plan is reserved whole or not at all, unless
its channel's policy is `partial`."""

import math
from collections import Counter
from collections.abc import Iterable, Mapping, MutableMapping
from dataclasses import dataclass, field
from typing import Literal

from orderflow_contracts.inventory import BackorderedLine, ChannelAvailability, Shortage
from orderflow_contracts.order import merge_lines
from orderflow_contracts.routing import ShipmentsPlanned
from orderflow_contracts.setup import ChannelPolicy, Location

Key = tuple[str, str]  # (sku, location_id)
Need = Counter[Key]  # units per key
Outcome = Literal["reserved", "partial", "backordered", "rejected", "held"]

DEFAULT_POLICY = ChannelPolicy(channel="*")  # a channel without a policy of its own

# An order in one of these may still hold units or wait for them; a committed one may still have
# backorders open (its available part shipped), which a receipt may fill and a cancellation closes.
LIVE = ("reserved", "confirmed", "backordered", "committed")


@dataclass(frozen=True)
class Movement:
    """One line of the ledger: its effect on on hand and on reserved, so replaying the ledger
    gives the balances."""

    sku: str
    location_id: str
    kind: str
    reference: str
    on_hand_delta: int = 0
    reserved_delta: int = 0
    reason: str = ""


def one_line_per_sku(plan: ShipmentsPlanned) -> ShipmentsPlanned:
    """The plan with each shipment's repeated SKUs merged into one line: a shipment reserves a
    SKU once (its lines are keyed by shipment and SKU), and fulfillment picks it once."""
    if all(len({line.sku for line in s.lines}) == len(s.lines) for s in plan.shipments):
        return plan
    shipments = tuple(s.model_copy(update={"lines": merge_lines(s.lines)}) for s in plan.shipments)
    return plan.model_copy(update={"shipments": shipments})


def needs_of(plan: ShipmentsPlanned) -> Need:
    need: Need = Counter()
    for shipment in plan.shipments:
        for line in shipment.lines:
            need[(line.sku, shipment.location_id)] += line.quantity
    return need


def shortages(need: Need, free: Mapping[Key, int]) -> list[Shortage]:
    return [
        Shortage(
            sku=sku, location_id=location, requested=units, available=free.get((sku, location), 0)
        )
        for (sku, location), units in sorted(need.items())
        if free.get((sku, location), 0) < units
    ]


@dataclass(frozen=True)
class Decision:
    plan: ShipmentsPlanned  # as routing asked for it, one line per SKU in each shipment
    outcome: Outcome
    reserved: ShipmentsPlanned | None = None  # the whole plan, or the part there was stock for
    taken: Need = field(default_factory=Counter)
    shortages: tuple[Shortage, ...] = ()
    backordered: tuple[BackorderedLine, ...] = ()


def decide(
    plan: ShipmentsPlanned, free: MutableMapping[Key, int], policy: ChannelPolicy
) -> Decision:
    """Decide one plan against `free`, and take what it reserves out of `free`."""
    plan = one_line_per_sku(plan)
    need = needs_of(plan)
    short = shortages(need, free)
    if not short:
        _take(need, free)
        return Decision(plan, "reserved", plan, need)
    if policy.shortage == "reject":
        return Decision(plan, "rejected", shortages=tuple(short))
    if policy.shortage == "hold":
        return Decision(plan, "held", shortages=tuple(short))
    return _partial(plan, free)


def _partial(plan: ShipmentsPlanned, free: MutableMapping[Key, int]) -> Decision:
    taken: Need = Counter()
    backordered: list[BackorderedLine] = []
    shipments = []
    for shipment in plan.shipments:
        lines = []
        for line in shipment.lines:
            key = (line.sku, shipment.location_id)
            units = min(line.quantity, free.get(key, 0) - taken[key])
            if units > 0:
                taken[key] += units
                lines.append(line.model_copy(update={"quantity": units}))
            if units < line.quantity:
                backordered.append(
                    BackorderedLine(
                        shipment_id=shipment.shipment_id,
                        sku=line.sku,
                        location_id=shipment.location_id,
                        quantity=line.quantity - max(units, 0),
                    )
                )
        if lines:
            shipments.append(shipment.model_copy(update={"lines": tuple(lines)}))
    _take(taken, free)
    if not shipments:
        return Decision(plan, "backordered", backordered=tuple(backordered))
    reduced = plan.model_copy(update={"shipments": tuple(shipments)})
    return Decision(plan, "partial", reduced, taken, backordered=tuple(backordered))


def _take(need: Need, free: MutableMapping[Key, int]) -> None:
    for key, units in need.items():
        free[key] = free.get(key, 0) - units


def backorder_plan(
    plan: ShipmentsPlanned, shipment_id: str, sku: str, units: int, backorder_id: int
) -> ShipmentsPlanned:
    """The follow-up shipment that takes a backordered line once its units arrive."""
    shipment = next(s for s in plan.shipments if s.shipment_id == shipment_id)
    line = next(line for line in shipment.lines if line.sku == sku)
    follow_up = shipment.model_copy(
        update={
            "shipment_id": f"{shipment_id}-b{backorder_id}",
            "lines": (line.model_copy(update={"quantity": units}),),
        }
    )
    return plan.model_copy(update={"shipments": (follow_up,)})


def channel_availability(
    available_by_location: Mapping[str, int],
    locations: Mapping[str, Location],
    policies: Iterable[ChannelPolicy],
) -> list[ChannelAvailability]:
    """What each channel may show: available at the locations serving it, less its buffer."""
    result = []
    for policy in sorted(policies, key=lambda p: p.channel):
        eligible = sum(
            max(units, 0)
            for location_id, units in available_by_location.items()
            if location_id in locations and locations[location_id].serves(policy.channel)
        )
        held_back = policy.buffer_units + math.ceil(eligible * policy.buffer_percent / 100)
        result.append(
            ChannelAvailability(channel=policy.channel, available=max(0, eligible - held_back))
        )
    return result


@dataclass(frozen=True)
class ShippedLine:
    """A reservation line whose goods shipped; `released` if its units had gone back already."""

    order_id: str
    shipment_id: str
    sku: str
    location_id: str
    quantity: int
    released: bool


def commit_movements(lines: Iterable[ShippedLine], free: Mapping[Key, int]) -> list[Movement]:
    """What shipped goods do to the books. A reserved line's units leave on hand and reserved. A
    released line's goods shipped anyway: they leave on hand only, out of what is free there.
    Beyond that the books cannot follow (a count found fewer since, or other orders hold those
    units now): that part is a discrepancy, a movement that keeps it on hand with the reason,
    for an operator to settle with a count, instead of a refused shipment."""
    left = dict(free)
    commits, discrepancies = [], []
    # A reserved line leaves what is free as it was; released lines take from it in this order.
    for line in sorted(lines, key=lambda line: (line.shipment_id, line.sku, line.location_id)):
        reserved = 0 if line.released else -line.quantity
        commits.append(
            Movement(
                line.sku, line.location_id, "commit", line.shipment_id, -line.quantity, reserved
            )
        )
        if line.released:
            key = (line.sku, line.location_id)
            taken = min(line.quantity, max(left.get(key, 0), 0))
            left[key] = left.get(key, 0) - taken
            if taken < line.quantity:
                discrepancies.append(_discrepancy(line, line.quantity - taken))
    return commits + discrepancies


def _discrepancy(line: ShippedLine, units: int) -> Movement:
    return Movement(
        line.sku,
        line.location_id,
        "discrepancy",
        line.shipment_id,
        on_hand_delta=units,
        reason=f"shipped {units} unit{'s' if units > 1 else ''} more than the books had free"
        " (released before shipping, then counted or reserved by others): count the location",
    )


def balance_changes(movements: Iterable[Movement]) -> tuple[Counter[Key], Counter[Key]]:
    """The movements' effect on on hand and on reserved, per key."""
    on_hand: Counter[Key] = Counter()
    reserved: Counter[Key] = Counter()
    for m in movements:
        on_hand[(m.sku, m.location_id)] += m.on_hand_delta
        reserved[(m.sku, m.location_id)] += m.reserved_delta
    return on_hand, reserved
