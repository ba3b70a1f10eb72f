"""Pure inventory rules. A plan is reserved whole or not at all."""

from collections import Counter
from collections.abc import Mapping

from orderflow_contracts.inventory import Shortage
from orderflow_contracts.routing import ShipmentsPlanned

Need = Counter[tuple[str, str]]  # (sku, location_id) -> units


def needs_of(plan: ShipmentsPlanned) -> Need:
    need: Need = Counter()
    for shipment in plan.shipments:
        for line in shipment.lines:
            need[(line.sku, shipment.location_id)] += line.quantity
    return need


def shortages(need: Need, free: Mapping[tuple[str, str], int]) -> list[Shortage]:
    return [
        Shortage(
            sku=sku, location_id=location, requested=units, available=free.get((sku, location), 0)
        )
        for (sku, location), units in sorted(need.items())
        if free.get((sku, location), 0) < units
    ]
