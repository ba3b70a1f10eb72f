"""The shipment state machine: forward only, one step of the journey at a time; a shipment
the warehouse has not shipped yet may be cancelled."""

from enum import Enum

from orderflow_contracts.fulfillment import ShipmentStatus as S

ALLOWED: dict[S, frozenset[S]] = {
    S.PICK_REQUESTED: frozenset({S.PICKED, S.CANCELLED}),
    S.PICKED: frozenset({S.PACKED, S.CANCELLED}),
    S.PACKED: frozenset({S.SHIPPED, S.CANCELLED}),
    S.SHIPPED: frozenset({S.IN_TRANSIT, S.OUT_FOR_DELIVERY, S.DELIVERED}),
    S.IN_TRANSIT: frozenset({S.OUT_FOR_DELIVERY, S.DELIVERED}),
    S.OUT_FOR_DELIVERY: frozenset({S.DELIVERED}),
    S.DELIVERED: frozenset(),
    S.CANCELLED: frozenset(),
}


class Transition(Enum):
    APPLY = "apply"
    REPEATED = "repeated"  # the same news twice: nothing to do
    REFUSED = "refused"  # impossible from here: recorded, not applied


def transition(current: S, new: S) -> Transition:
    if new == current:
        return Transition.REPEATED
    if new in ALLOWED[current]:
        return Transition.APPLY
    return Transition.REFUSED


def is_carrier_status(status: S) -> bool:
    return status in (S.IN_TRANSIT, S.OUT_FOR_DELIVERY, S.DELIVERED)
