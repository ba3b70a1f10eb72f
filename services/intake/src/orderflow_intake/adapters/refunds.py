"""Refunds a channel reports one at a time, each with its own id, so a second partial refund is
news as much as the first (a channel's order status says only "partially refunded", once).

Shopify: the `refunds/create` webhook (`X-Shopify-Topic: refunds/create`), whose body is the
Admin REST API Refund resource: `id`, `order_id` (the order's `id`), `created_at`, and
`transactions`, each with `kind` (`refund`), `status` (`success`, `pending`, `failure`,
`error`), `amount` (a decimal string) and `currency`. What the refund gave back is the sum of
its successful refund transactions; one without any (a restock alone) gave nothing back and
tells nothing. Whether it is the whole order, intake works out from the refunds so far and the
order's total.
"""

from decimal import Decimal
from typing import Any

from orderflow_contracts import Event
from orderflow_contracts.marketplace import MarketplaceOrderRefunded
from pydantic import Field

from orderflow_intake.adapters.base import ChannelModel, reports_malformed
from orderflow_intake.adapters.fields import Amount, CurrencyCode

SHOPIFY_REFUND_TOPIC = "refunds/create"


class _ShopifyTransaction(ChannelModel):
    kind: str = ""
    status: str = ""
    amount: Amount = Decimal(0)
    currency: CurrencyCode = ""


class _ShopifyRefund(ChannelModel):
    id: int | str = Field(union_mode="left_to_right")
    order_id: int | str = Field(union_mode="left_to_right")
    transactions: list[_ShopifyTransaction] = []


def _given_back(refund: _ShopifyRefund) -> tuple[Decimal, str]:
    paid_back = [
        transaction
        for transaction in refund.transactions
        if transaction.kind == "refund" and transaction.status == "success"
    ]
    currency = next((t.currency for t in paid_back if t.currency), "")
    amount = sum((t.amount for t in paid_back if t.currency in ("", currency)), Decimal(0))
    return amount, currency


@reports_malformed(
    "shopify", "refund", expected="the refunds/create webhook body: the Refund, id and order_id"
)
def shopify_refund(payload: Any) -> tuple[str, tuple[Event, ...]]:
    """The order's external id, and the refund it tells (none when nothing was given back)."""
    refund = _ShopifyRefund.model_validate(payload)
    external_id = str(refund.order_id)
    amount, currency = _given_back(refund)
    if amount <= 0:
        return external_id, ()
    told = MarketplaceOrderRefunded(
        channel="shopify",
        external_id=external_id,
        refund_id=str(refund.id),
        amount=amount,
        currency=currency,
        status="refund",
    )
    return external_id, (told,)
