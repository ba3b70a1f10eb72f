import itertools

import pytest
from orderflow_contracts.fulfillment import ShipmentStatus as S
from orderflow_fulfillment.domain import (
    Transition,
    implied_steps,
    is_carrier_status,
    transition,
)

JOURNEY = [
    S.PICK_REQUESTED,
    S.PICKED,
    S.PACKED,
    S.SHIPPED,
    S.IN_TRANSIT,
    S.OUT_FOR_DELIVERY,
    S.DELIVERED,
]


@pytest.mark.parametrize(("current", "new"), list(itertools.pairwise(JOURNEY)))
def test_next_step_of_the_journey_applies(current, new):
    assert transition(current, new) is Transition.APPLY


@pytest.mark.parametrize("status", JOURNEY)
def test_same_status_twice_is_repeated(status):
    assert transition(status, status) is Transition.REPEATED


WAREHOUSE_STEPS = [S.PICKED, S.PACKED, S.SHIPPED]


@pytest.mark.parametrize(
    ("current", "new"),
    [
        (JOURNEY[i], JOURNEY[j])
        for i in range(len(JOURNEY))
        for j in range(i)
        if JOURNEY[j] not in WAREHOUSE_STEPS
    ],
)
def test_going_backwards_is_refused(current, new):
    assert transition(current, new) is Transition.REFUSED


@pytest.mark.parametrize(
    ("current", "new"),
    [
        (JOURNEY[i], JOURNEY[j])
        for i in range(len(JOURNEY))
        for j in range(i)
        if JOURNEY[j] in WAREHOUSE_STEPS
    ]
    + [(S.PICKED, S.ACCEPTED), (S.SHIPPED, S.ACCEPTED), (S.RESTOCKED, S.SHIPPED)],
)
def test_a_warehouse_step_the_shipment_passed_is_late_not_refused(current, new):
    # e.g. 'picked' arriving after 'shipped': a late duplicate, kept and ignored
    assert transition(current, new) is Transition.LATE


@pytest.mark.parametrize("current", [S.PICK_REQUESTED, S.PICKED, S.PACKED])
@pytest.mark.parametrize("carrier_news", [S.IN_TRANSIT, S.OUT_FOR_DELIVERY, S.DELIVERED])
def test_carrier_news_before_shipped_is_refused(current, carrier_news):
    assert transition(current, carrier_news) is Transition.REFUSED


@pytest.mark.parametrize(
    ("current", "new", "implied"),
    [
        (S.PICK_REQUESTED, S.PACKED, (S.PICKED,)),
        (S.PICKED, S.SHIPPED, (S.PACKED,)),
        (S.PICK_REQUESTED, S.SHIPPED, (S.PICKED, S.PACKED)),
        (S.ACCEPTED, S.SHIPPED, (S.PICKED, S.PACKED)),
        (S.ACCEPTED, S.PACKED, (S.PICKED,)),
    ],
)
def test_skipping_warehouse_steps_moves_forward_with_them_implied(current, new, implied):
    # many 3PLs report only the dispatch: it ships, picked and packed implied
    assert transition(current, new) is Transition.SKIPS
    assert implied_steps(current, new) == implied


@pytest.mark.parametrize(
    ("current", "new"),
    [(S.PICK_REQUESTED, S.PICKED), (S.ACCEPTED, S.PICKED), (S.SHIPPED, S.DELIVERED)],
)
def test_a_next_step_implies_nothing(current, new):
    assert implied_steps(current, new) == ()


@pytest.mark.parametrize("stop", [S.CANCELLED, S.REJECTED])
@pytest.mark.parametrize("new", [S.ACCEPTED, *WAREHOUSE_STEPS])
def test_a_warehouse_step_after_the_shipment_stopped_is_refused(stop, new):
    assert transition(stop, new) is Transition.REFUSED


@pytest.mark.parametrize(
    ("current", "new"),
    [
        (S.SHIPPED, S.OUT_FOR_DELIVERY),
        (S.SHIPPED, S.DELIVERED),
        (S.IN_TRANSIT, S.DELIVERED),
    ],
)
def test_carrier_may_skip_scans_after_shipping(current, new):
    assert transition(current, new) is Transition.APPLY


@pytest.mark.parametrize("new", [s for s in JOURNEY if s is not S.DELIVERED])
def test_no_journey_step_follows_delivered(new):
    late = new in WAREHOUSE_STEPS  # the warehouse's news, late
    assert transition(S.DELIVERED, new) is (Transition.LATE if late else Transition.REFUSED)


@pytest.mark.parametrize("current", JOURNEY)
@pytest.mark.parametrize("new", JOURNEY)
def test_applied_transitions_only_move_forward(current, new):
    if transition(current, new) in (Transition.APPLY, Transition.SKIPS):
        assert JOURNEY.index(new) > JOURNEY.index(current)


@pytest.mark.parametrize(
    ("status", "from_carrier"),
    [
        (S.PICK_REQUESTED, False),
        (S.PICKED, False),
        (S.PACKED, False),
        (S.SHIPPED, False),
        (S.IN_TRANSIT, True),
        (S.OUT_FOR_DELIVERY, True),
        (S.DELIVERED, True),
    ],
)
def test_only_post_shipping_statuses_come_from_the_carrier(status, from_carrier):
    assert is_carrier_status(status) is from_carrier


EXCEPTIONS = [S.EXCEPTION, S.CUSTOMS_HOLD, S.FAILED_DELIVERY, S.RETURNED_TO_SENDER, S.LOST]
RETURN = [
    S.RETURN_REQUESTED,
    S.RETURN_LABEL_ISSUED,
    S.RETURN_IN_TRANSIT,
    S.RETURN_RECEIVED,
    S.RESTOCKED,
]


def test_the_journey_exceptions_returns_and_stops_cover_every_status():
    assert {
        *JOURNEY,
        *EXCEPTIONS,
        *RETURN,
        S.WRITTEN_OFF,
        S.ACCEPTED,
        S.CANCELLED,
        S.REJECTED,
    } == set(S)


@pytest.mark.parametrize("exception", EXCEPTIONS)
@pytest.mark.parametrize("current", [S.SHIPPED, S.IN_TRANSIT])
def test_the_carrier_may_report_an_exception_on_the_road(current, exception):
    assert transition(current, exception) is Transition.APPLY
    assert is_carrier_status(exception)


@pytest.mark.parametrize("exception", EXCEPTIONS)
@pytest.mark.parametrize("current", [S.PICK_REQUESTED, S.PICKED, S.PACKED, S.DELIVERED])
def test_no_carrier_exception_before_shipping_or_after_delivery(current, exception):
    assert transition(current, exception) is Transition.REFUSED


@pytest.mark.parametrize(
    ("current", "new"),
    [
        (S.EXCEPTION, S.IN_TRANSIT),
        (S.CUSTOMS_HOLD, S.IN_TRANSIT),
        (S.FAILED_DELIVERY, S.OUT_FOR_DELIVERY),
        (S.FAILED_DELIVERY, S.DELIVERED),
        (S.OUT_FOR_DELIVERY, S.FAILED_DELIVERY),
        (S.LOST, S.DELIVERED),
    ],
)
def test_a_parcel_recovers_from_an_exception(current, new):
    assert transition(current, new) is Transition.APPLY


@pytest.mark.parametrize("current", [S.OUT_FOR_DELIVERY, S.FAILED_DELIVERY])
def test_a_parcel_at_the_door_does_not_go_back_to_customs(current):
    assert transition(current, S.CUSTOMS_HOLD) is Transition.REFUSED


@pytest.mark.parametrize(("current", "new"), list(itertools.pairwise(RETURN)))
def test_a_return_goes_step_by_step(current, new):
    assert transition(current, new) is Transition.APPLY


@pytest.mark.parametrize("current", [S.DELIVERED, S.FAILED_DELIVERY, S.SHIPPED, S.EXCEPTION])
def test_a_return_may_be_requested_once_the_parcel_left(current):
    assert transition(current, S.RETURN_REQUESTED) is Transition.APPLY


@pytest.mark.parametrize("current", [S.PICK_REQUESTED, S.PACKED, S.CANCELLED, S.REJECTED])
def test_no_return_of_a_parcel_that_never_left(current):
    assert transition(current, S.RETURN_REQUESTED) is Transition.REFUSED


def test_a_parcel_returned_to_sender_is_received_then_restocked_or_written_off():
    assert transition(S.RETURNED_TO_SENDER, S.RETURN_RECEIVED) is Transition.APPLY
    assert transition(S.RETURN_RECEIVED, S.WRITTEN_OFF) is Transition.APPLY
    assert transition(S.RETURN_RECEIVED, S.RESTOCKED) is Transition.APPLY
    assert transition(S.RETURN_REQUESTED, S.RESTOCKED) is Transition.REFUSED


@pytest.mark.parametrize("end", [S.RESTOCKED, S.WRITTEN_OFF, S.REJECTED, S.CANCELLED])
@pytest.mark.parametrize("new", list(S))
def test_nothing_follows_the_end_of_a_shipment(end, new):
    assert transition(end, new) is not Transition.APPLY


@pytest.mark.parametrize("current", [S.PICK_REQUESTED, S.ACCEPTED])
def test_a_3pl_may_reject_a_pick_task_it_has_not_picked(current):
    assert transition(current, S.REJECTED) is Transition.APPLY
    assert transition(S.PICKED, S.REJECTED) is Transition.REFUSED


@pytest.mark.parametrize("current", [S.PICK_REQUESTED, S.PICKED, S.PACKED])
def test_a_shipment_that_has_not_left_can_be_cancelled(current):
    assert transition(current, S.CANCELLED) is Transition.APPLY


@pytest.mark.parametrize("current", JOURNEY[3:])
def test_a_shipment_that_left_cannot_be_cancelled(current):
    assert transition(current, S.CANCELLED) is Transition.REFUSED


@pytest.mark.parametrize("new", JOURNEY)
def test_nothing_follows_a_cancellation(new):
    assert transition(S.CANCELLED, new) is Transition.REFUSED
