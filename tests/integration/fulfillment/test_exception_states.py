"""fulfillment alone on the real broker and database: a parcel's journey off the straight line
(the carrier's exception, customs hold, lost, then returned to sender) and its write-off with
the reason, each step told on fulfillment.status and kept in the shipment's history; the same
carrier news twice changes nothing."""

import httpx
import pytest
from orderflow_contracts import topics
from orderflow_contracts.carrier import TrackingUpdated
from orderflow_contracts.fulfillment import ShipmentStatusChanged
from orderflow_contracts.inventory import StockReserved
from orderflow_contracts.warehouse import WarehouseReported
from orderflow_testing.system import TestSystem, eventually

from tests.integration.fulfillment.test_shipments_api import ship
from tests.use_cases.conftest import planned

pytestmark = pytest.mark.integration

SHIPMENT = "o-1-us-ontario"
USPS = "9400100000000000000001"
ROAD = ("in_transit", "exception", "customs_hold", "in_transit", "lost", "returned_to_sender")


async def test_a_lost_parcel_returned_to_sender_is_written_off_with_the_reason(
    system: TestSystem, start
) -> None:
    await system.create_topics(["us-ontario"])
    service = await start(system, "fulfillment")
    partners = await system.bus("partners")
    plan = planned("o-1", ("us-ontario", "MUG-RED", 1))
    await partners.publish(topics.INVENTORY_RESERVATIONS, "o-1", StockReserved(plan=plan))
    await partners.flush()
    db = await system.db("fulfillment")
    await eventually(lambda: db.fetchval("SELECT count(*) = 1 FROM shipments"))
    await ship(partners, "o-1", SHIPMENT, USPS)
    await eventually(lambda: db.fetchval("SELECT status = 'shipped' FROM shipments"))
    for status in ROAD:
        news = TrackingUpdated(tracking_number=USPS, carrier="usps", status=status)
        await partners.publish(topics.CARRIER_TRACKING, USPS, news)
        if status == "customs_hold":  # the carrier says it twice: once is news
            await partners.publish(topics.CARRIER_TRACKING, USPS, news)
    await partners.flush()
    await eventually(lambda: db.fetchval("SELECT status = 'returned_to_sender' FROM shipments"))
    for status, reason in (("return_received", ""), ("written_off", "crushed in transit")):
        back = WarehouseReported(
            shipment_id=SHIPMENT,
            order_id="o-1",
            status=status,
            reason=reason,
            location_id="us-ontario",
        )
        await partners.publish(topics.WAREHOUSE_EVENTS, SHIPMENT, back)
    await partners.flush()

    told = await system.read(
        topics.FULFILLMENT_STATUS,
        until=lambda seen: any(getattr(m.event, "status", "") == "written_off" for m in seen),
    )
    news_told = [m.event for m in told if isinstance(m.event, ShipmentStatusChanged)]
    assert [n.status for n in news_told][-8:] == [*ROAD, "return_received", "written_off"]
    assert news_told[-1].reason == "crushed in transit"
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=service.api), base_url="http://fulfillment"
    ) as client:
        shipment = (await client.get(f"/shipments/{SHIPMENT}")).json()
    assert shipment["status"] == "written_off"
    history = [entry["status"] for entry in shipment["history"]]
    assert history[-8:] == [*ROAD, "return_received", "written_off"]
    assert history.count("customs_hold") == 1
