"""The shipment state machine. Before it ships a shipment goes forward (a warehouse that reports
only some of its steps, often just the dispatch, skips the others: they are implied) and may be
cancelled or rejected; on the road the carrier's exceptions (held at customs, a failed
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


# The warehouse's steps to the dock, in order. Acceptance is a 3PL's answer, never implied.
WAREHOUSE_LINE = (S.PICK_REQUESTED, S.ACCEPTED, S.PICKED, S.PACKED, S.SHIPPED)
# Where a shipment is once it has passed every step of the warehouse line.
LEFT = frozenset(S) - NOT_LEFT - {S.CANCELLED, S.REJECTED}


class Transition(Enum):
    APPLY = "apply"
    SKIPS = "skips"  # forward past steps the warehouse did not report: they are implied
    REPEATED = "repeated"  # the same news twice: nothing to do
    LATE = "late"  # a warehouse step the shipment has passed: recorded, not applied
    REFUSED = "refused"  # impossible from here: recorded, not applied


def transition(current: S, new: S) -> Transition:
    if new == current:
        return Transition.REPEATED
    if new in ALLOWED[current]:
        return Transition.APPLY
    if implied_steps(current, new):
        return Transition.SKIPS
    if _passed(current, new):
        return Transition.LATE
    return Transition.REFUSED


def implied_steps(current: S, new: S) -> tuple[S, ...]:
    """The warehouse steps between where the shipment is and a later one reported, which the
    report implies (picked and packed, for a dispatch reported alone); none otherwise."""
    if current not in WAREHOUSE_LINE or new not in WAREHOUSE_LINE:
        return ()
    between = WAREHOUSE_LINE[WAREHOUSE_LINE.index(current) + 1 : WAREHOUSE_LINE.index(new)]
    return tuple(step for step in between if step is not S.ACCEPTED)


def _passed(current: S, new: S) -> bool:
    """A warehouse step reported once the shipment is past it: a late or repeated report."""
    if new not in WAREHOUSE_LINE[1:]:
        return False
    if current in LEFT:
        return True
    return current in WAREHOUSE_LINE and WAREHOUSE_LINE.index(current) > WAREHOUSE_LINE.index(new)


def is_carrier_status(status: S) -> bool:
    return status in CARRIER_STATUSES
