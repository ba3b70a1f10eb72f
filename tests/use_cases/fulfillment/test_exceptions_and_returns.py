"""The carrier's exceptions on the road, and a return from request to restock or write-off."""

from datetime import UTC, datetime, timedelta

from orderflow_contracts import Envelope, topics
from orderflow_contracts.carrier import TrackingUpdated
from orderflow_contracts.fulfillment import ShipmentStatusChanged
from orderflow_contracts.warehouse import WarehouseReported
from orderflow_fulfillment import returns
from orderflow_testing.use_cases import DrivenService

from tests.use_cases.fulfillment.test_shipments import report, reserved, sent

SHIPMENT = "o-1-us-ontario"


async def shipped(fulfillment: DrivenService) -> None:
    await fulfillment.deliver(topics.INVENTORY_RESERVATIONS, reserved("o-1", "us-ontario"))
    await report(
        fulfillment, SHIPMENT, "picked", "packed", "shipped", tracking="9400100000000000000001"
    )


def carrier(
    status: str, tracking: str = "9400100000000000000001", detail: str = ""
) -> TrackingUpdated:
    return TrackingUpdated(tracking_number=tracking, carrier="usps", status=status, detail=detail)


def statuses(emitted) -> list[str]:
    return [e.status for _, _, e in sent(emitted) if isinstance(e, ShipmentStatusChanged)]


async def status_of(fulfillment: DrivenService) -> str:
    return await fulfillment.conn.fetchval(
        "SELECT status FROM shipments WHERE shipment_id = $1", SHIPMENT
    )


async def test_a_failed_delivery_is_retried_then_delivered(fulfillment) -> None:
    await shipped(fulfillment)
    emitted = await fulfillment.deliver(
        topics.CARRIER_TRACKING,
        carrier("out_for_delivery"),
        carrier("failed_delivery", detail="nobody home"),
        carrier("out_for_delivery"),
        carrier("delivered"),
    )

    assert statuses(emitted) == [
        "out_for_delivery",
        "failed_delivery",
        "out_for_delivery",
        "delivered",
    ]
    [failed] = [e for _, _, e in sent(emitted) if e.status == "failed_delivery"]
    assert failed.reason == "nobody home"


async def test_customs_hold_and_exception_are_followed_on_the_road(fulfillment) -> None:
    await shipped(fulfillment)
    emitted = await fulfillment.deliver(
        topics.CARRIER_TRACKING,
        carrier("customs_hold", detail="duties unpaid"),
        carrier("in_transit"),
        carrier("exception", detail="damaged label"),
        carrier("lost"),
    )

    assert statuses(emitted) == ["customs_hold", "in_transit", "exception", "lost"]


async def test_older_carrier_news_arriving_late_is_kept_not_applied(fulfillment) -> None:
    await shipped(fulfillment)
    now = datetime.now(UTC)
    later = Envelope.wrap(carrier("exception"), source="carrier", correlation_id="c")
    earlier = Envelope.wrap(carrier("in_transit"), source="carrier", correlation_id="c")
    later = later.model_copy(update={"occurred_at": now})
    earlier = earlier.model_copy(update={"occurred_at": now - timedelta(minutes=5)})

    await fulfillment.redeliver(topics.CARRIER_TRACKING, later)
    assert statuses(await fulfillment.redeliver(topics.CARRIER_TRACKING, earlier)) == []
    assert await status_of(fulfillment) == "exception"
    refused = await fulfillment.conn.fetchval(
        "SELECT note FROM shipment_history WHERE shipment_id = $1 AND NOT accepted", SHIPMENT
    )
    assert refused == "older than the carrier's latest"


async def test_the_same_carrier_news_twice_is_applied_once(fulfillment) -> None:
    await shipped(fulfillment)
    news = Envelope.wrap(carrier("failed_delivery"), source="carrier", correlation_id="c")
    assert statuses(await fulfillment.redeliver(topics.CARRIER_TRACKING, news)) == [
        "failed_delivery"
    ]
    assert await fulfillment.redeliver(topics.CARRIER_TRACKING, news) == []
    assert await fulfillment.deliver(topics.CARRIER_TRACKING, carrier("failed_delivery")) == []


async def test_a_failed_delivery_comes_back_restocked_with_its_refund_reason(fulfillment) -> None:
    await shipped(fulfillment)
    await fulfillment.deliver(topics.CARRIER_TRACKING, carrier("failed_delivery"))
    async with fulfillment.unit_of_work() as uow:
        await returns.request_return(uow, SHIPMENT, "undeliverable: refund the buyer")
        await returns.issue_return_label(uow, SHIPMENT, "RET-1")
        told = statuses(uow.outgoing)
    assert told == ["return_requested", "return_label_issued"]

    back = await fulfillment.deliver(
        topics.CARRIER_TRACKING, carrier("in_transit", "RET-1"), carrier("delivered", "RET-1")
    )
    assert statuses(back) == ["return_in_transit", "return_received"]
    restocked = sent(
        await fulfillment.deliver(
            topics.WAREHOUSE_EVENTS,
            WarehouseReported(
                shipment_id=SHIPMENT, order_id="o-1", status="restocked", location_id="us-ontario"
            ),
        )
    )
    [(topic, _, news)] = restocked
    assert (topic, news.status) == (topics.FULFILLMENT_STATUS, "restocked")
    assert [(line.sku, line.quantity) for line in news.lines] == [("MUG-RED", 1)]
    assert (
        await fulfillment.conn.fetchval(
            "SELECT return_reason FROM shipments WHERE shipment_id = $1", SHIPMENT
        )
        == "undeliverable: refund the buyer"
    )


async def test_a_parcel_returned_to_sender_is_written_off_with_the_reason(fulfillment) -> None:
    await shipped(fulfillment)
    await fulfillment.deliver(topics.CARRIER_TRACKING, carrier("returned_to_sender"))
    emitted = await report(fulfillment, SHIPMENT, "return_received")
    written_off = WarehouseReported(
        shipment_id=SHIPMENT,
        order_id="o-1",
        status="written_off",
        reason="crushed",
        location_id="us-ontario",
    )
    emitted += await fulfillment.deliver(topics.WAREHOUSE_EVENTS, written_off)

    assert statuses(emitted) == ["return_received", "written_off"]
    assert sent(emitted)[-1][2].reason == "crushed"


async def test_a_return_needs_a_reason_and_a_parcel_that_left(fulfillment) -> None:
    await fulfillment.deliver(topics.INVENTORY_RESERVATIONS, reserved("o-1", "us-ontario"))
    async with fulfillment.unit_of_work() as uow:
        for reason in ("", "changed my mind"):
            try:
                await returns.request_return(uow, SHIPMENT, reason)
            except returns.ReturnRefused as refused:
                assert str(refused) in (
                    "a return needs its refund reason",
                    "no return from pick_requested",
                )
            else:
                raise AssertionError("a return was started")
    assert await status_of(fulfillment) == "pick_requested"


async def test_a_return_label_may_not_reuse_another_parcels_number(fulfillment) -> None:
    await shipped(fulfillment)
    async with fulfillment.unit_of_work() as uow:
        await returns.request_return(uow, SHIPMENT, "wrong size")
        try:
            await returns.issue_return_label(uow, SHIPMENT, "9400100000000000000001")
        except returns.ReturnRefused as refused:
            assert str(refused) == "tracking number 9400100000000000000001 is another parcel's"
        else:
            raise AssertionError("the label was issued")


async def test_carrier_news_on_a_return_label_before_it_is_ours_is_applied_then(
    fulfillment,
) -> None:
    await shipped(fulfillment)
    await fulfillment.deliver(topics.CARRIER_TRACKING, carrier("delivered"))
    early = await fulfillment.deliver(
        topics.CARRIER_TRACKING, carrier("delivered", "RET-1"), carrier("in_transit", "RET-1")
    )
    assert statuses(early) == []  # nobody's number yet: parked, not dropped
    async with fulfillment.unit_of_work() as uow:
        await returns.request_return(uow, SHIPMENT, "wrong size")
        await returns.issue_return_label(uow, SHIPMENT, "RET-1")
        told = statuses(uow.outgoing)

    assert told == [
        "return_requested",
        "return_label_issued",
        "return_in_transit",
        "return_received",
    ]
    assert await status_of(fulfillment) == "return_received"
    assert not await fulfillment.conn.fetchval("SELECT count(*) FROM early_tracking")
