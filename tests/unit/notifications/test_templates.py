import pytest
from orderflow_notifications.templates import KINDS, Message, render

FIELDS = {
    "name": "Ada Lovelace",
    "order_id": "0f1e2d3c",
    "carrier": "usps",
    "tracking_number": "9400111899223197428490",
}


def test_english_shipped_message_names_order_carrier_and_tracking():
    message = render("shipped", "en", **FIELDS)
    assert message.subject == "Your order has shipped"
    assert message.body.startswith("Hello Ada Lovelace,")
    assert "your order 0f1e2d3c is on its way with usps." in message.body
    assert "Tracking number: 9400111899223197428490" in message.body


def test_chinese_shipped_message_is_in_chinese():
    message = render("shipped", "zh", **FIELDS)
    assert message.subject == "您的订单已发货"
    assert message.body.startswith("Ada Lovelace 您好：")  # noqa: RUF001 (full-width)
    assert "您的订单 0f1e2d3c 已由 usps 发出。" in message.body
    assert "运单号：9400111899223197428490" in message.body  # noqa: RUF001 (full-width)


def test_english_delivered_message_names_order_and_tracking():
    message = render("delivered", "en", **FIELDS)
    assert message.subject == "Your order has been delivered"
    assert "your order 0f1e2d3c was delivered (tracking 9400111899223197428490)." in message.body


def test_chinese_delivered_message_is_in_chinese():
    message = render("delivered", "zh", **FIELDS)
    assert message.subject == "您的订单已签收"
    assert "您的订单 0f1e2d3c 已送达（运单号 9400111899223197428490）。" in message.body  # noqa: RUF001 (full-width)


@pytest.mark.parametrize("language", ["fr", "de", "", "zh-CN"])
@pytest.mark.parametrize("kind", sorted(KINDS))
def test_unknown_language_falls_back_to_english(kind, language):
    assert render(kind, language, **FIELDS) == render(kind, "en", **FIELDS)


@pytest.mark.parametrize("language", ["en", "zh"])
@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_placeholder_is_substituted(kind, language):
    message = render(kind, language, **FIELDS)
    assert "$" not in message.subject + message.body
    assert FIELDS["order_id"] in message.body
    assert FIELDS["tracking_number"] in message.body


def test_missing_field_is_left_as_its_placeholder():
    message = render("shipped", "en", name="Ada", order_id="o-1", carrier="usps")
    assert "Tracking number: $tracking_number" in message.body


def test_render_returns_a_message():
    assert isinstance(render("shipped", "en", **FIELDS), Message)


def test_kinds_are_shipped_and_delivered():
    assert frozenset({"shipped", "delivered"}) == KINDS


def test_unknown_kind_is_an_error():
    with pytest.raises(KeyError):
        render("returned", "en", **FIELDS)
