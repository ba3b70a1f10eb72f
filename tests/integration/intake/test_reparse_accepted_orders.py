"""Re-parsing an accepted order that has not shipped, after its adapter was fixed: a new address
becomes an address change, other lines hold the order for an operator instead of changing a
routed order silently, and a shipped order is refused."""

import pytest
from orderflow_contracts.intake import OrderAddressChanged, OrderHeld
from orderflow_intake import adapters
from orderflow_intake.domain import order_id_for
from orderflow_simulators import payloads

from tests.integration.intake.test_updates import _shipped

pytestmark = pytest.mark.integration

OPS = {"X-Actor": "mei@seller.example"}
REAL_PARSE = adapters.parse


def _misreading(**changes):
    """An adapter with a bug: it reads the channel's payload, then gets some of it wrong."""

    def parse(channel, payload):
        return REAL_PARSE(channel, payload).model_copy(update=changes)

    return parse


async def _accepted_by_a_buggy_adapter(intake, monkeypatch, number: int, **changes) -> str:
    order = payloads.shopify_order(number, [("MUG-RED", 1)], email=f"{number}@example.com")
    external_id = str(order["id"])
    order_id = order_id_for("shopify", external_id)
    with monkeypatch.context() as patched:
        patched.setattr(adapters, "parse", _misreading(**changes))
        await intake.publish_order("shopify", order, external_id)
        await intake.status_of(order_id, "accepted")
    return order_id


async def _lines(intake, order_id: str) -> list:
    detail = (await intake.http.get(f"/orders/{order_id}")).json()
    return [(line["sku"], line["quantity"]) for line in detail["order"]["lines"]]


async def test_fixed_address_is_applied_as_an_address_change(start_intake, monkeypatch) -> None:
    intake = await start_intake()
    real = payloads.shopify_order(70, [("MUG-RED", 1)])
    garbled = REAL_PARSE("shopify", real).ship_to.model_copy(update={"line1": "500 Congres Av"})
    order_id = await _accepted_by_a_buggy_adapter(intake, monkeypatch, 70, ship_to=garbled)

    reparsed = await intake.http.post(f"/orders/{order_id}/reparse", headers=OPS)

    assert reparsed.json() == {"order_id": order_id, "status": "accepted"}
    await intake.settled()
    events = await intake.emitted(order_id)
    assert [type(event).__name__ for event in events] == ["OrderAccepted", "OrderAddressChanged"]
    assert isinstance(events[1], OrderAddressChanged)
    assert events[1].ship_to.line1 == "500 Congress Ave"
    detail = (await intake.http.get(f"/orders/{order_id}")).json()
    assert detail["order"]["ship_to"]["line1"] == "500 Congress Ave"


async def test_fixed_lines_hold_the_routed_order_for_an_operator(start_intake, monkeypatch):
    intake = await start_intake()
    misread = REAL_PARSE("shopify", payloads.shopify_order(71, [("MUG-RED", 1)])).lines
    doubled = tuple(line.model_copy(update={"quantity": 2}) for line in misread)
    order_id = await _accepted_by_a_buggy_adapter(intake, monkeypatch, 71, lines=doubled)
    assert await _lines(intake, order_id) == [("MUG-RED", 2)]

    reparsed = await intake.http.post(f"/orders/{order_id}/reparse", headers=OPS)

    assert reparsed.json() == {"order_id": order_id, "status": "held"}
    assert await intake.open_holds(order_id) == ["reparse_changed_lines"]
    holds = (await intake.http.get(f"/orders/{order_id}")).json()["holds"]
    assert "1 x MUG-RED" in holds[0]["detail"] and "2 x MUG-RED" in holds[0]["detail"]
    assert await _lines(intake, order_id) == [("MUG-RED", 2)], "routed lines are not changed"
    await intake.settled()
    events = await intake.emitted(order_id)
    assert isinstance(events[-1], OrderHeld)

    released = await intake.http.post(f"/orders/{order_id}/release", headers=OPS)
    assert released.json()["status"] == "accepted"
    assert await _lines(intake, order_id) == [("MUG-RED", 2)], "released: ships as routed"
    again = await intake.http.post(f"/orders/{order_id}/reparse", headers=OPS)
    assert again.json()["status"] == "accepted"
    assert await intake.open_holds(order_id) == []


async def test_a_shipped_order_is_not_parsed_again(start_intake) -> None:
    intake = await start_intake()
    order = payloads.shopify_order(72, [("MUG-RED", 1)])
    order_id = (await intake.post_webhook("shopify", order)).json()["order_id"]
    await intake.status_of(order_id, "accepted")
    await _shipped(intake, order_id)

    refused = await intake.http.post(f"/orders/{order_id}/reparse", headers=OPS)

    assert refused.status_code == 409
    assert "shipped" in refused.json()["detail"]
