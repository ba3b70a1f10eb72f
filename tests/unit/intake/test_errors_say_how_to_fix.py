"""A refused payload's reason says how to fix it: where a wrapped body has the missing field,
what the body should be, and the range a date must fall in."""

import json
from pathlib import Path

import pytest
from orderflow_intake.adapters import MalformedChannelPayload, parse

FIXTURES = Path(__file__).parent / "fixtures"


def refusal(channel: str, payload: object) -> str:
    with pytest.raises(MalformedChannelPayload) as refused:
        parse(channel, payload)
    return str(refused.value)


def test_shopify_order_wrapped_in_an_order_object_says_to_post_the_order_itself(
    shopify_documented,
):
    # The Admin REST API answers GET /orders/{id}.json with {"order": {...}}; the webhook body
    # is the order itself.
    reason = refusal("shopify", {"order": shopify_documented})
    assert reason.startswith("shopify order: id: Field required")
    assert "the body has it at order.id: post the object at order itself, not wrapped" in reason


def test_shopee_response_envelope_points_at_the_order_inside_it():
    detail = json.loads((FIXTURES / "shopee_get_order_detail.json").read_text())
    envelope = {"request_id": "b9f4d3e2", "error": "", "response": {"order_list": [detail]}}
    reason = refusal("shopee", envelope)
    assert "post the object at response.order_list.0 itself" in reason


def test_amazon_get_order_response_says_what_the_body_should_be(amazon_documented):
    reason = refusal("amazon", {"payload": amazon_documented["order"]})
    assert reason == (
        'amazon order: order: Field required (expected {"order": getOrder\'s payload,'
        ' "items": getOrderItems\' payload.OrderItems})'
    )


def test_a_date_out_of_range_names_the_range(shopify_documented):
    order = shopify_documented
    order["created_at"] = "1999-12-31T23:00:00+00:00"
    assert refusal("shopify", order).endswith(
        "timestamp 1999-12-31T23:00:00+00:00 out of range: expected from"
        " 2000-01-01T00:00:00Z up to, not including, 2100-01-01T00:00:00Z"
    )


def test_unix_seconds_out_of_range_name_the_range():
    order = json.loads((FIXTURES / "tiktok_get_order_detail.json").read_text())
    order["create_time"] = 4102444800
    assert refusal("tiktok", order).endswith(
        "unix seconds 4102444800 out of range: expected from 946684800 (2000-01-01) up to,"
        " not including, 4102444800 (2100-01-01)"
    )
