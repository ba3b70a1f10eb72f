import itertools

import pytest
from orderflow_contracts.fulfillment import ShipmentStatus as S
from orderflow_fulfillment.domain import Transition, is_carrier_status, transition

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


@pytest.mark.parametrize(
    ("current", "new"),
    [(JOURNEY[i], JOURNEY[j]) for i in range(len(JOURNEY)) for j in range(i)],
)
def test_going_backwards_is_refused(current, new):
    assert transition(current, new) is Transition.REFUSED


@pytest.mark.parametrize("current", [S.PICK_REQUESTED, S.PICKED, S.PACKED])
@pytest.mark.parametrize("carrier_news", [S.IN_TRANSIT, S.OUT_FOR_DELIVERY, S.DELIVERED])
def test_carrier_news_before_shipped_is_refused(current, carrier_news):
    assert transition(current, carrier_news) is Transition.REFUSED


@pytest.mark.parametrize(
    ("current", "new"),
    [(S.PICK_REQUESTED, S.PACKED), (S.PICKED, S.SHIPPED), (S.PICK_REQUESTED, S.SHIPPED)],
)
def test_skipping_a_warehouse_step_is_refused(current, new):
    assert transition(current, new) is Transition.REFUSED


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
def test_nothing_follows_delivered(new):
    assert transition(S.DELIVERED, new) is Transition.REFUSED


@pytest.mark.parametrize("current", JOURNEY)
@pytest.mark.parametrize("new", JOURNEY)
def test_applied_transitions_only_move_forward(current, new):
    if transition(current, new) is Transition.APPLY:
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


def test_the_journey_and_cancellation_cover_every_status():
    assert {*JOURNEY, S.CANCELLED} == set(S)


@pytest.mark.parametrize("current", [S.PICK_REQUESTED, S.PICKED, S.PACKED])
def test_a_shipment_that_has_not_left_can_be_cancelled(current):
    assert transition(current, S.CANCELLED) is Transition.APPLY


@pytest.mark.parametrize("current", JOURNEY[3:])
def test_a_shipment_that_left_cannot_be_cancelled(current):
    assert transition(current, S.CANCELLED) is Transition.REFUSED


@pytest.mark.parametrize("new", JOURNEY)
def test_nothing_follows_a_cancellation(new):
    assert transition(S.CANCELLED, new) is Transition.REFUSED
