"""A cancellation or a new address after the pick task reaches the warehouse, or is noted as too
late for the shipment that already left."""

from orderflow_contracts import topics
from orderflow_contracts.fulfillment import (
    AddressChangeApplied,
    AddressChangeTooLate,
    ChangeSentToWarehouse,
    PickTaskAddressChanged,
    PickTaskCancelled,
    PickTaskIssued,
    ShipmentStatusChanged,
)
from orderflow_contracts.intake import OrderAddressChanged, OrderCancelled
from orderflow_contracts.order import Address
from orderflow_testing.use_cases import DrivenService

from tests.use_cases.fulfillment.test_shipments import report, reserved, sent

SHIPMENT = "o-1-us-ontario"
USPS = "9400100000000000000001"
NEW_ADDRESS = Address(name="Lin", line1="9 Other St", city="Elsewhere", country="US")


def cancelled() -> OrderCancelled:
    return OrderCancelled(order_id="o-1", channel="shopify", external_id="ext-o-1", reason="buyer")


async def notes(fulfillment: DrivenService) -> list[str]:
    rows = await fulfillment.conn.fetch(
        "SELECT note FROM shipment_history WHERE shipment_id = $1 AND note <> ''", SHIPMENT
    )
    return [row["note"] for row in rows]


async def test_a_cancelled_order_is_stopped_at_the_warehouse(fulfillment) -> None:
    await fulfillment.deliver(topics.INVENTORY_RESERVATIONS, reserved("o-1", "us-ontario"))
    await report(fulfillment, SHIPMENT, "picked")

    [(topic, key, stop), (told_on, order, pending)] = sent(
        await fulfillment.deliver(topics.ORDER_CHANGES, cancelled())
    )
    assert (topic, key) == (topics.pick_tasks("us-ontario"), SHIPMENT)
    assert isinstance(stop, PickTaskCancelled)
    # intake shows the cancellation pending until the warehouse answers
    assert (told_on, order) == (topics.FULFILLMENT_STATUS, "o-1")
    assert pending == ChangeSentToWarehouse(
        order_id="o-1",
        shipment_id=SHIPMENT,
        location_id="us-ontario",
        request="cancel",
        status="picked",
    )

    [(_, _, news)] = sent(await report(fulfillment, SHIPMENT, "cancelled"))
    assert isinstance(news, ShipmentStatusChanged)
    assert news.status == "cancelled"


async def test_a_cancellation_is_sent_once(fulfillment) -> None:
    await fulfillment.deliver(topics.INVENTORY_RESERVATIONS, reserved("o-1", "us-ontario"))
    await fulfillment.deliver(topics.ORDER_CHANGES, cancelled())

    assert await fulfillment.deliver(topics.ORDER_CHANGES, cancelled()) == []


async def test_a_reservation_after_the_cancellation_issues_no_pick_task(fulfillment) -> None:
    await fulfillment.deliver(topics.ORDER_CHANGES, cancelled())

    emitted = sent(
        await fulfillment.deliver(topics.INVENTORY_RESERVATIONS, reserved("o-1", "us-ontario"))
    )
    assert [e for _, _, e in emitted if isinstance(e, PickTaskIssued)] == []


async def test_a_shipment_that_left_starts_its_return(fulfillment) -> None:
    await fulfillment.deliver(topics.INVENTORY_RESERVATIONS, reserved("o-1", "us-ontario"))
    await report(
        fulfillment, SHIPMENT, "picked", "packed", "shipped", tracking="9400100000000000000001"
    )

    [(topic, _, news)] = sent(await fulfillment.deliver(topics.ORDER_CHANGES, cancelled()))
    assert topic == topics.FULFILLMENT_STATUS
    assert (news.status, news.reason) == ("return_requested", "order cancelled (buyer)")
    assert await notes(fulfillment) == [
        "order cancelled after the shipment left: a return is needed",
        "order cancelled (buyer)",
    ]
    assert (
        await fulfillment.conn.fetchval(
            "SELECT return_reason FROM shipments WHERE shipment_id = $1", SHIPMENT
        )
        == "order cancelled (buyer)"
    )


async def test_a_warehouse_that_ships_anyway_is_followed_and_flagged(fulfillment) -> None:
    await fulfillment.deliver(topics.INVENTORY_RESERVATIONS, reserved("o-1", "us-ontario"))
    await fulfillment.deliver(topics.ORDER_CHANGES, cancelled())
    emitted = sent(
        await report(
            fulfillment, SHIPMENT, "picked", "packed", "shipped", tracking="9400100000000000000001"
        )
    )

    assert [e.status for _, _, e in emitted if isinstance(e, ShipmentStatusChanged)] == [
        "picked",
        "packed",
        "shipped",
        "return_requested",
    ]
    assert (await notes(fulfillment))[-2].startswith("shipped after the order was cancelled")


async def test_a_new_address_reaches_the_warehouse_before_the_parcel_leaves(fulfillment) -> None:
    await fulfillment.deliver(topics.INVENTORY_RESERVATIONS, reserved("o-1", "us-ontario"))
    changed = OrderAddressChanged(
        order_id="o-1", channel="shopify", external_id="ext-o-1", ship_to=NEW_ADDRESS
    )
    [(topic, _, relabel), (told_on, _, pending)] = sent(
        await fulfillment.deliver(topics.ORDER_CHANGES, changed)
    )

    assert topic == topics.pick_tasks("us-ontario")
    assert isinstance(relabel, PickTaskAddressChanged)
    assert relabel.ship_to == NEW_ADDRESS
    assert told_on == topics.FULFILLMENT_STATUS
    assert isinstance(pending, ChangeSentToWarehouse)
    assert (pending.shipment_id, pending.request, pending.status) == (
        SHIPMENT,
        "address_change",
        "pick_requested",
    )
    assert await waiting_for_the_warehouse(fulfillment)


async def waiting_for_the_warehouse(fulfillment: DrivenService) -> bool:
    return bool(
        await fulfillment.conn.fetchval(
            "SELECT address_change_requested_at IS NOT NULL FROM shipments WHERE shipment_id = $1",
            SHIPMENT,
        )
    )


async def test_the_warehouses_relabel_is_told_on(fulfillment) -> None:
    await fulfillment.deliver(topics.INVENTORY_RESERVATIONS, reserved("o-1", "us-ontario"))
    await report(fulfillment, SHIPMENT, "picked")
    changed = OrderAddressChanged(
        order_id="o-1", channel="shopify", external_id="ext-o-1", ship_to=NEW_ADDRESS
    )
    await fulfillment.deliver(topics.ORDER_CHANGES, changed)

    [(topic, key, answer)] = sent(await report(fulfillment, SHIPMENT, "address_changed"))
    assert (topic, key) == (topics.FULFILLMENT_STATUS, "o-1")
    assert isinstance(answer, AddressChangeApplied)
    assert (answer.shipment_id, answer.location_id, answer.status) == (
        SHIPMENT,
        "us-ontario",
        "picked",
    )
    assert not await waiting_for_the_warehouse(fulfillment)
    assert (await notes(fulfillment))[-1] == "the warehouse relabelled it for the new address"
    # Shipping afterwards is the journey as usual: nothing about the address.
    emitted = sent(await report(fulfillment, SHIPMENT, "packed", "shipped", tracking=USPS))
    assert not any(isinstance(e, AddressChangeTooLate) for _, _, e in emitted)


async def test_a_parcel_shipped_before_the_warehouse_relabelled_it_is_too_late(
    fulfillment,
) -> None:
    await fulfillment.deliver(topics.INVENTORY_RESERVATIONS, reserved("o-1", "us-ontario"))
    await report(fulfillment, SHIPMENT, "picked", "packed")
    changed = OrderAddressChanged(
        order_id="o-1", channel="shopify", external_id="ext-o-1", ship_to=NEW_ADDRESS
    )
    await fulfillment.deliver(topics.ORDER_CHANGES, changed)

    emitted = sent(await report(fulfillment, SHIPMENT, "shipped", tracking=USPS))
    [too_late] = [e for _, _, e in emitted if isinstance(e, AddressChangeTooLate)]
    assert (too_late.shipment_id, too_late.status, too_late.tracking_number) == (
        SHIPMENT,
        "shipped",
        USPS,
    )
    assert not await waiting_for_the_warehouse(fulfillment)
    assert "shipped before the warehouse relabelled it" in "; ".join(await notes(fulfillment))


async def test_an_address_answer_nobody_asked_for_is_refused_and_kept(fulfillment) -> None:
    await fulfillment.deliver(topics.INVENTORY_RESERVATIONS, reserved("o-1", "us-ontario"))

    assert sent(await report(fulfillment, SHIPMENT, "address_changed")) == []
    kept = await fulfillment.conn.fetch("SELECT status, reason FROM refused_reports")
    assert [tuple(row) for row in kept] == [
        (
            "address_changed",
            "an address change nobody asked for, or answered already (pick_requested)",
        )
    ]


async def test_a_new_address_after_the_parcel_left_is_noted_as_too_late(fulfillment) -> None:
    await fulfillment.deliver(topics.INVENTORY_RESERVATIONS, reserved("o-1", "us-ontario"))
    await report(
        fulfillment, SHIPMENT, "picked", "packed", "shipped", tracking="9400100000000000000001"
    )
    changed = OrderAddressChanged(
        order_id="o-1", channel="shopify", external_id="ext-o-1", ship_to=NEW_ADDRESS
    )

    [(topic, key, too_late)] = sent(await fulfillment.deliver(topics.ORDER_CHANGES, changed))
    assert await notes(fulfillment) == [
        "address changed after the shipment left: too late to relabel"
    ]
    assert (topic, key) == (topics.FULFILLMENT_STATUS, "o-1")
    assert isinstance(too_late, AddressChangeTooLate)
    assert (too_late.shipment_id, too_late.status, too_late.tracking_number) == (
        SHIPMENT,
        "shipped",
        "9400100000000000000001",
    )
