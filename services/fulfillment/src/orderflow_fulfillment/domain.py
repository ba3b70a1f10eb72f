"""The shipment state machine. Before it ships a shipment goes forward one step at a time and
may be cancelled or rejected; on the road the carrier's exceptions (held at customs, a failed
delivery, lost) may come and go; a return goes requested, labelled, carried back, received,
then restocked or written off."""

from enum import Enum

from orderflow_contracts.fulfillment import ShipmentStatus as S

# Where a parcel on the road may go next: anywhere the carrier can take it from here.
_ON_THE_ROAD = frozenset(
    {
        S.IN_TRANSIT,
        S.OUT_FOR_DELIVERY,
        S.DELIVERED,
        S.EXCEPTION,
        S.CUSTOMS_HOLD,
        S.FAILED_DELIVERY,
        S.RETURNED_TO_SENDER,
        S.LOST,
        S.RETURN_REQUESTED,
    }
)


def _road_from(status: S) -> frozenset[S]:
    return _ON_THE_ROAD - {status}


ALLOWED: dict[S, frozenset[S]] = {
    S.PICK_REQUESTED: frozenset({S.ACCEPTED, S.PICKED, S.CANCELLED, S.REJECTED}),
    S.ACCEPTED: frozenset({S.PICKED, S.CANCELLED, S.REJECTED}),
    S.PICKED: frozenset({S.PACKED, S.CANCELLED}),
    S.PACKED: frozenset({S.SHIPPED, S.CANCELLED}),
    S.SHIPPED: _ON_THE_ROAD,
    S.IN_TRANSIT: _road_from(S.IN_TRANSIT),
    # Out for delivery goes back to the depot only through an exception or a failed attempt.
    S.OUT_FOR_DELIVERY: _road_from(S.OUT_FOR_DELIVERY) - {S.IN_TRANSIT, S.CUSTOMS_HOLD},
    S.EXCEPTION: _road_from(S.EXCEPTION),
    S.CUSTOMS_HOLD: _road_from(S.CUSTOMS_HOLD) - {S.FAILED_DELIVERY},
    S.FAILED_DELIVERY: _road_from(S.FAILED_DELIVERY) - {S.CUSTOMS_HOLD},
    S.LOST: frozenset({S.DELIVERED, S.RETURNED_TO_SENDER}),  # found after all
    S.DELIVERED: frozenset({S.RETURN_REQUESTED}),
    S.RETURNED_TO_SENDER: frozenset({S.RETURN_RECEIVED}),
    S.RETURN_REQUESTED: frozenset({S.RETURN_LABEL_ISSUED, S.RETURN_IN_TRANSIT, S.RETURN_RECEIVED}),
    S.RETURN_LABEL_ISSUED: frozenset({S.RETURN_IN_TRANSIT, S.RETURN_RECEIVED}),
    S.RETURN_IN_TRANSIT: frozenset({S.RETURN_RECEIVED}),
    S.RETURN_RECEIVED: frozenset({S.RESTOCKED, S.WRITTEN_OFF}),
    S.RESTOCKED: frozenset(),
    S.WRITTEN_OFF: frozenset(),
    S.CANCELLED: frozenset(),
    S.REJECTED: frozenset(),
}

NOT_LEFT = frozenset({S.PICK_REQUESTED, S.ACCEPTED, S.PICKED, S.PACKED})
RETURNING = frozenset({S.RETURN_REQUESTED, S.RETURN_LABEL_ISSUED, S.RETURN_IN_TRANSIT})
# A return may be asked for while the parcel is anywhere on the road or delivered.
RETURNABLE = frozenset(s for s, after in ALLOWED.items() if S.RETURN_REQUESTED in after)

CARRIER_STATUSES = _ON_THE_ROAD - {S.RETURN_REQUESTED}
# The carrier's news about a parcel coming back, keyed by the return's tracking number.
RETURN_LEG = {
    S.IN_TRANSIT: S.RETURN_IN_TRANSIT,
    S.OUT_FOR_DELIVERY: S.RETURN_IN_TRANSIT,
    S.DELIVERED: S.RETURN_RECEIVED,
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
    return status in CARRIER_STATUSES
