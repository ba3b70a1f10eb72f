"""intake with the operators' keys file: an action from the exception queue is audited under
the key's operator, whatever X-Actor says, and a reader's key may look but not release."""

from pathlib import Path

import pytest
from orderflow_contracts import topics
from orderflow_contracts.marketplace import MarketplaceOrderPublished
from orderflow_intake.domain import order_id_for
from orderflow_runtime.access import Role, add_operator
from orderflow_simulators import payloads

pytestmark = pytest.mark.integration


async def test_a_release_is_audited_under_the_keys_operator_not_x_actor(
    start_intake, tmp_path: Path
) -> None:
    keys_file = tmp_path / "keys.json"
    reader = add_operator(keys_file, "lee@seller", Role.READ)
    operator = add_operator(keys_file, "mei@seller", Role.OPERATE)
    intake = await start_intake(api_keys_file=keys_file)
    order = payloads.shopify_order(4711, [("MUG-GREEN", 1)], email="4711@x")  # no listing: held
    external_id = str(order["id"])
    await intake.publish(
        topics.MARKETPLACE_ORDERS,
        topics.channel_order_key("shopify", external_id),
        MarketplaceOrderPublished(channel="shopify", payload=order),
    )
    order_id = order_id_for("shopify", external_id)
    await intake.status_of(order_id, "held")
    pretending = {"X-Actor": "mallory"}

    refused = await intake.http.post(
        f"/orders/{order_id}/release", headers={"X-API-Key": reader, **pretending}
    )
    released = await intake.http.post(
        f"/orders/{order_id}/release", headers={"X-API-Key": operator, **pretending}
    )
    audit = await intake.http.get(f"/orders/{order_id}/audit", headers={"X-API-Key": reader})

    assert refused.status_code == 403 and "needs operate" in refused.text, refused.text
    assert released.status_code == 200, released.text
    assert [(entry["action"], entry["actor"]) for entry in audit.json()] == [
        ("release", "mei@seller")
    ]
