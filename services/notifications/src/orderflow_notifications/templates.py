"""Message templates per kind and language; English is the fallback."""

from dataclasses import dataclass
from string import Template


@dataclass(frozen=True)
class Message:
    subject: str
    body: str


_TEMPLATES: dict[tuple[str, str], tuple[str, str]] = {
    ("shipped", "en"): (
        "Your order has shipped",
        "Hello $name,\n\nyour order $order_id is on its way with $carrier.\n"
        "Tracking number: $tracking_number\n\nThank you for your purchase.",
    ),
    ("shipped", "zh"): (
        "您的订单已发货",
        "$name 您好：\n\n您的订单 $order_id 已由 $carrier 发出。\n运单号：$tracking_number\n\n感谢您的惠顾。",
    ),
    ("delivered", "en"): (
        "Your order has been delivered",
        "Hello $name,\n\nyour order $order_id was delivered (tracking $tracking_number).\n"
        "We hope you enjoy it.",
    ),
    ("delivered", "zh"): (
        "您的订单已签收",
        "$name 您好：\n\n您的订单 $order_id 已送达（运单号 $tracking_number）。\n祝您购物愉快。",
    ),
}

KINDS = frozenset(kind for kind, _ in _TEMPLATES)


def render(kind: str, language: str, **fields: str) -> Message:
    subject, body = _TEMPLATES.get((kind, language)) or _TEMPLATES[(kind, "en")]
    return Message(
        Template(subject).safe_substitute(fields), Template(body).safe_substitute(fields)
    )
