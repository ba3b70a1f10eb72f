"""A late, older Shopify orders/updated does not overwrite a newer address: each webhook body is
kept, and the one set aside says why, in the raw store and in the order's audit."""

from datetime import UTC, datetime, timedelta

import pytest
from orderflow_contracts.intake import OrderAddressChanged
from orderflow_simulators import payloads

pytestmark = pytest.mark.integration

UPDATED = {"X-Shopify-Topic": "orders/updated"}
T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def shopify_order(version: datetime, address1: str) -> dict:
    order = payloads.shopify_order(70, [("MUG-RED", 1)])
    order["created_at"] = T0.isoformat()
    order["updated_at"] = version.isoformat()
    order["shipping_address"]["address1"] = address1
    return order


async def test_a_late_older_orders_updated_is_kept_with_its_reason_and_changes_nothing(
    start_intake,
) -> None:
    intake = await start_intake()
    created = await intake.post_webhook("shopify", shopify_order(T0, "1 Old Street"))
    order_id = created.json()["order_id"]
    newer = shopify_order(T0 + timedelta(minutes=10), "2 New Street")
    older = shopify_order(T0 + timedelta(minutes=5), "3 Stale Street")

    assert (await intake.post_webhook("shopify", newer, headers=UPDATED)).status_code == 202
    late = await intake.post_webhook("shopify", older, headers=UPDATED)

    assert late.status_code == 202, late.text
    await intake.settled()
    view = (await intake.http.get(f"/orders/{order_id}")).json()
    assert view["order"]["ship_to"]["line1"] == "2 New Street"
    changes = [e for e in await intake.emitted(order_id) if isinstance(e, OrderAddressChanged)]
    assert [change.ship_to.line1 for change in changes] == ["2 New Street"]
    kept = await intake.db.fetchrow(
        "SELECT status, error FROM raw_payloads WHERE payload_id = $1",
        late.json()["raw_payload_id"],
    )
    assert kept["status"] == "accepted"
    assert kept["error"] == (
        "stale shopify update: version 2026-12-01T09:05:00+00:00 is older than"
        " 2026-12-01T09:10:00+00:00, the order's version intake applied; recorded and ignored"
    )
    [audit] = (await intake.http.get(f"/orders/{order_id}/audit")).json()
    assert audit["action"] == "stale_update_ignored"
    assert audit["detail"]["content"]["shipping_address"]["address1"] == "3 Stale Street"
