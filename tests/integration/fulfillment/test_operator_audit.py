"""fulfillment's operator actions (a return started, its label, a tracking upload sent again)
take the authenticated actor and are audited with it: who, when, what, on which shipment,
readable at GET /audit. An action refused or without an actor leaves no entry."""

import httpx
import pytest
from orderflow_contracts import topics
from orderflow_contracts.inventory import StockReserved
from orderflow_runtime import RunningService
from orderflow_runtime.access import Role, add_operator
from orderflow_testing.system import TestSystem, eventually

from tests.integration.fulfillment.test_shipments_api import ship
from tests.use_cases.conftest import planned

pytestmark = pytest.mark.integration

SHIPMENT = "o-1-us-ontario"
USPS = "9400100000000000000001"
BAD_NUMBER = "USP0123456789"  # not a USPS number: its upload is held


async def shipped_with_a_held_upload(system: TestSystem, start, **settings) -> RunningService:
    await system.create_topics(["us-ontario"])
    service: RunningService = await start(system, "fulfillment", **settings)
    partners = await system.bus("partners")
    plan = planned("o-1", ("us-ontario", "MUG-RED", 1))
    await partners.publish(topics.INVENTORY_RESERVATIONS, "o-1", StockReserved(plan=plan))
    await partners.flush()
    db = await system.db("fulfillment")
    await eventually(lambda: db.fetchval("SELECT count(*) = 1 FROM shipments"))
    await ship(partners, "o-1", SHIPMENT, BAD_NUMBER)
    await eventually(lambda: db.fetchval("SELECT status = 'held' FROM tracking_uploads"))
    return service


def client(service: RunningService) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=service.api), base_url="http://fulfillment"
    )


async def test_every_operator_action_is_audited_with_its_actor_and_shipment(
    system: TestSystem, start
) -> None:
    service = await shipped_with_a_held_upload(system, start)
    async with client(service) as api:
        nobody = await api.post(
            f"/tracking-uploads/{SHIPMENT}/send", json={"tracking_number": USPS}
        )
        resent = await api.post(
            f"/tracking-uploads/{SHIPMENT}/send",
            json={"tracking_number": USPS},
            headers={"X-Actor": "ana"},
        )
        refused = await api.post(
            f"/shipments/{SHIPMENT}/return", json={"reason": " "}, headers={"X-Actor": "ben"}
        )
        requested = await api.post(
            f"/shipments/{SHIPMENT}/return",
            json={"reason": "damaged: refund"},
            headers={"X-Actor": "ben"},
        )
        labelled = await api.post(
            f"/shipments/{SHIPMENT}/return-label",
            json={"tracking_number": "RET-1"},
            headers={"X-Actor": "ana"},
        )
        of_shipment = (await api.get("/audit", params={"shipment_id": SHIPMENT})).json()
        by_ben = (await api.get("/audit", params={"actor": "ben"})).json()
        of_order = (await api.get("/audit", params={"order_id": "o-1", "limit": 1})).json()
        elsewhere = (await api.get("/audit", params={"shipment_id": "o-2-us-ontario"})).json()
        spec = (await api.get("/openapi.json")).json()

    assert (nobody.status_code, resent.status_code, refused.status_code) == (422, 202, 409)
    assert (requested.status_code, labelled.status_code) == (200, 200)
    assert [(e["action"], e["actor"], e["order_id"], e["detail"]) for e in of_shipment] == [
        ("return_label.issued", "ana", "o-1", {"tracking_number": "RET-1"}),  # newest first
        ("return.requested", "ben", "o-1", {"reason": "damaged: refund"}),
        ("tracking_upload.sent_again", "ana", "o-1", {"tracking_number": USPS, "carrier_code": ""}),
    ]  # fmt: skip
    assert all(e["shipment_id"] == SHIPMENT and e["at"] for e in of_shipment)
    assert [e["action"] for e in by_ben] == ["return.requested"]
    assert [e["action"] for e in of_order] == ["return_label.issued"]
    assert elsewhere == []
    assert "/audit" in spec["paths"]
    for path in (
        "/shipments/{shipment_id}/return",
        "/shipments/{shipment_id}/return-label",
        "/tracking-uploads/{shipment_id}/send",
    ):
        parameters = spec["paths"][path]["post"]["parameters"]
        assert "X-Actor" in [p["name"] for p in parameters], path


async def test_with_keys_the_audit_names_the_keys_operator_not_the_header(
    system: TestSystem, start, tmp_path
) -> None:
    keys_file = tmp_path / "keys.json"
    operator = add_operator(keys_file, "lin@seller", Role.OPERATE)
    reader = add_operator(keys_file, "viewer@seller", Role.READ)
    service = await shipped_with_a_held_upload(system, start, api_keys_file=keys_file)
    async with client(service) as api:
        read_only = await api.post(
            f"/shipments/{SHIPMENT}/return",
            json={"reason": "wrong size"},
            headers={"X-API-Key": reader, "X-Actor": "lin@seller"},
        )
        requested = await api.post(
            f"/shipments/{SHIPMENT}/return",
            json={"reason": "wrong size"},
            headers={"X-API-Key": operator, "X-Actor": "mallory"},
        )
        audit = (await api.get("/audit", headers={"X-API-Key": reader})).json()

    assert (read_only.status_code, requested.status_code) == (403, 200)
    assert [(e["action"], e["actor"]) for e in audit] == [("return.requested", "lin@seller")]
