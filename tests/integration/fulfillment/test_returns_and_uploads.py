"""fulfillment alone on the real broker and database: a failed delivery's return through the
API (refund reason, label, the carrier's news on the label's number, restocked), a report from
the wrong location kept as refused, and a marketplace's answers to the tracking upload."""

import httpx
import pytest
from orderflow_contracts import topics
from orderflow_contracts.carrier import TrackingUpdated
from orderflow_contracts.fulfillment import ShipmentStatusChanged
from orderflow_contracts.inventory import StockReserved
from orderflow_contracts.marketplace import TrackingUploadAnswered
from orderflow_contracts.warehouse import WarehouseReported
from orderflow_testing.system import TestSystem, eventually

from tests.integration.fulfillment.test_shipments_api import ship
from tests.use_cases.conftest import planned

pytestmark = pytest.mark.integration

SHIPMENT = "o-1-us-ontario"
USPS = "9400100000000000000001"


async def test_a_failed_delivery_is_returned_through_the_api(system: TestSystem, start) -> None:
    await system.create_topics(["us-ontario"])
    service = await start(system, "fulfillment")
    partners = await system.bus("partners")
    plan = planned("o-1", ("us-ontario", "MUG-RED", 1))
    await partners.publish(topics.INVENTORY_RESERVATIONS, "o-1", StockReserved(plan=plan))
    await partners.flush()
    db = await system.db("fulfillment")
    await eventually(lambda: db.fetchval("SELECT count(*) = 1 FROM shipments"))
    wrong_place = WarehouseReported(
        shipment_id=SHIPMENT, order_id="o-1", status="picked", location_id="de-3pl"
    )
    await partners.publish(topics.WAREHOUSE_EVENTS, SHIPMENT, wrong_place)
    await ship(partners, "o-1", SHIPMENT, USPS)
    failed = TrackingUpdated(tracking_number=USPS, carrier="usps", status="failed_delivery")
    await partners.publish(topics.CARRIER_TRACKING, USPS, failed)
    await partners.flush()
    await eventually(lambda: db.fetchval("SELECT status = 'failed_delivery' FROM shipments"))

    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=service.api),
        base_url="http://fulfillment",
        headers={"X-Actor": "ana"},
    ) as client:
        no_reason = await client.post(f"/shipments/{SHIPMENT}/return", json={"reason": " "})
        requested = await client.post(
            f"/shipments/{SHIPMENT}/return", json={"reason": "undeliverable: refund"}
        )
        reused = await client.post(
            f"/shipments/{SHIPMENT}/return-label", json={"tracking_number": USPS}
        )
        labelled = await client.post(
            f"/shipments/{SHIPMENT}/return-label", json={"tracking_number": "RET-1"}
        )
        refused = (await client.get("/refused-reports")).json()

    assert no_reason.status_code == 409
    assert requested.json()["return_reason"] == "undeliverable: refund"
    assert reused.status_code == 409
    assert (labelled.json()["status"], labelled.json()["return_tracking_number"]) == (
        "return_label_issued",
        "RET-1",
    )
    assert [(r["location_id"], r["status"]) for r in refused] == [("de-3pl", "picked")]
    assert refused[0]["report"]["shipment_id"] == SHIPMENT

    for status in ("in_transit", "delivered"):
        back = TrackingUpdated(tracking_number="RET-1", carrier="usps", status=status)
        await partners.publish(topics.CARRIER_TRACKING, "RET-1", back)
    await partners.flush()
    # The warehouse restocks what it received: its report follows the carrier's on another topic.
    await eventually(lambda: db.fetchval("SELECT status = 'return_received' FROM shipments"))
    restocked = WarehouseReported(
        shipment_id=SHIPMENT, order_id="o-1", status="restocked", location_id="us-ontario"
    )
    await partners.publish(topics.WAREHOUSE_EVENTS, SHIPMENT, restocked)
    await partners.flush()

    told = await system.read(
        topics.FULFILLMENT_STATUS,
        until=lambda seen: any(getattr(m.event, "status", "") == "restocked" for m in seen),
    )
    statuses = [m.event.status for m in told if isinstance(m.event, ShipmentStatusChanged)]
    assert statuses[-6:] == [
        "failed_delivery",
        "return_requested",
        "return_label_issued",
        "return_in_transit",
        "return_received",
        "restocked",
    ]


async def test_the_marketplaces_answers_to_an_upload_are_kept(system: TestSystem, start) -> None:
    await system.create_topics(["us-ontario"])
    service = await start(system, "fulfillment", upload_retry_interval_s=0.2)
    partners = await system.bus("partners")
    plan = planned("o-1", ("us-ontario", "MUG-RED", 1))
    await partners.publish(topics.INVENTORY_RESERVATIONS, "o-1", StockReserved(plan=plan))
    await partners.flush()
    db = await system.db("fulfillment")
    await eventually(lambda: db.fetchval("SELECT count(*) = 1 FROM shipments"))
    await ship(partners, "o-1", SHIPMENT, USPS)
    [upload] = await system.read(topics.MARKETPLACE_TRACKING, until=lambda seen: len(seen) >= 1)
    assert (upload.event.carrier_code, upload.event.attempt) == ("USPS", 1)

    answer = TrackingUploadAnswered(
        channel="shopify",
        external_id="ext-o-1",
        shipment_id=SHIPMENT,
        tracking_number=USPS,
        accepted=False,
        retryable=True,
        message="429 too many requests",
    )
    await partners.publish(topics.MARKETPLACE_TRACKING, "shopify:ext-o-1", answer)
    await partners.flush()
    await eventually(lambda: db.fetchval("SELECT status = 'retrying' FROM tracking_uploads"))
    await db.execute("UPDATE tracking_uploads SET next_attempt_at = now()")  # not 30 s from now
    uploads = await system.read(
        topics.MARKETPLACE_TRACKING,
        until=lambda seen: any(getattr(m.event, "attempt", 0) == 2 for m in seen),
    )
    accepted = answer.model_copy(update={"accepted": True, "retryable": False, "message": ""})
    await partners.publish(topics.MARKETPLACE_TRACKING, "shopify:ext-o-1", accepted)
    await partners.flush()
    await eventually(lambda: db.fetchval("SELECT status = 'accepted' FROM tracking_uploads"))

    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=service.api), base_url="http://fulfillment"
    ) as client:
        [listed] = (await client.get("/tracking-uploads")).json()
        mine = (await client.get("/tracking-uploads", params={"order_id": "o-1"})).json()
        others = (await client.get("/tracking-uploads", params={"order_id": "o-2"})).json()
    assert (mine, others) == ([listed], [])  # one order's uploads (the console's timeline)
    assert (listed["status"], listed["attempts"]) == ("accepted", 2)
    assert len([m for m in uploads if getattr(m.event, "attempt", 0) == 2]) == 1
    assert await db.fetchval("SELECT count(*) FROM tracking_upload_answers") == 2
