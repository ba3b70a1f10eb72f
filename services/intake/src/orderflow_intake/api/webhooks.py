"""POST /webhooks/{channel}: a marketplace pushes an order, or one of its own update
notifications (adapters/updates.py). The body is stored exactly as it arrived before anything
answers 2xx; a body that cannot be parsed is refused (422, naming the field) but kept, marked
rejected, so it can be parsed again once its adapter is fixed."""

import base64
import hashlib
import hmac
from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg
import structlog
from fastapi import APIRouter, HTTPException, Request, status
from orderflow_contracts import topics
from orderflow_contracts.marketplace import (
    MarketplaceAddressChanged,
    MarketplaceOrderCancelled,
    MarketplacePaymentChanged,
)
from pydantic import SecretStr

from orderflow_intake import adapters, operations, store
from orderflow_intake.api.schemas import Problem, WebhookAccepted
from orderflow_intake.bodies import Refused, decode
from orderflow_intake.config import Settings
from orderflow_intake.domain import order_id_for

log = structlog.get_logger()

CHANNELS = ("shopify", "amazon", "shopee", "tiktok", "aliexpress")
UPDATE_NOTIFICATIONS = {
    "amazon": "SP-API ORDER_CHANGE",
    "shopee": "push code 3, order status",
    "tiktok": "webhook type 1, order status change",
    "aliexpress": "order status message",
}
SHOPIFY_SIGNATURE = "X-Shopify-Hmac-Sha256"
SIGNATURE = "X-Orderflow-Hmac-Sha256"
KEPT_HEADERS = (
    "content-type",
    "user-agent",
    "x-request-id",
    "x-shopify-topic",
    "x-shopify-shop-domain",
    "x-shopify-webhook-id",
    "x-shopify-event-id",
    "x-shopify-triggered-at",
    "x-shopify-api-version",
    "x-shopify-hmac-sha256",
    "x-orderflow-hmac-sha256",
)


def sign(secret: str, body: bytes) -> str:
    """base64(HMAC-SHA256(secret, body)): Shopify's scheme, used for every channel here."""
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def signature_matches(secret: str, body: bytes, given: str | None) -> bool:
    if not given:
        return False
    return hmac.compare_digest(sign(secret, body).encode(), given.strip().encode())


def _kept(request: Request) -> dict[str, str]:
    return {
        name: request.headers[name].replace("\x00", "")
        for name in KEPT_HEADERS
        if name in request.headers
    }


def _secret(settings: Settings, channel: str) -> tuple[SecretStr | None, str, str]:
    if channel == "shopify":
        return settings.shopify_webhook_secret, SHOPIFY_SIGNATURE, "INTAKE_SHOPIFY_WEBHOOK_SECRET"
    return settings.webhook_secret, SIGNATURE, "INTAKE_WEBHOOK_SECRET"


def create_router(pool: asyncpg.Pool, settings: Settings) -> APIRouter:
    router = APIRouter(prefix="/webhooks", tags=["webhooks"])
    for channel in CHANNELS:
        router.add_api_route(
            f"/{channel}",
            _endpoint(pool, settings, channel),
            methods=["POST"],
            status_code=status.HTTP_202_ACCEPTED,
            response_model=WebhookAccepted,
            summary=f"Receive a {channel} order",
            description=_description(channel),
            responses={
                401: {
                    "model": Problem,
                    "description": "signature missing or wrong; nothing stored",
                },
                422: {
                    "model": Problem,
                    "description": "not an order: the field; stored as rejected",
                },
                503: {"model": Problem, "description": "no signing secret configured"},
            },
            operation_id=f"receive_{channel}_webhook",
            openapi_extra={
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": {"type": "object"}}},
                }
            },
        )
    return router


def _description(channel: str) -> str:
    header = SHOPIFY_SIGNATURE if channel == "shopify" else SIGNATURE
    return (
        f"The body is the {channel} order as the channel documents it. `{header}` must be"
        " base64(HMAC-SHA256(secret, raw body)). 202 once the body is stored and the order is"
        " queued for intake; resending the same order makes no second order."
        + (
            " `X-Shopify-Topic: orders/cancelled` cancels, `orders/paid` marks payment captured,"
            " `orders/updated` applies the payment of the body, and its shipping address when it"
            " is present and differs from the last one Shopify sent."
            if channel == "shopify"
            else f" The channel's own update notifications ({UPDATE_NOTIFICATIONS[channel]}) are"
            " taken here too, told apart by their shape: a cancellation cancels the order, a paid"
            " status captures its payment (`kind: update` in the answer)."
        )
    )


def _endpoint(
    pool: asyncpg.Pool, settings: Settings, channel: str
) -> Callable[[Request], Awaitable[WebhookAccepted]]:
    async def receive(request: Request) -> WebhookAccepted:
        body = await request.body()
        secret, header, variable = _secret(settings, channel)
        if secret is None or not secret.get_secret_value():
            raise HTTPException(503, f"{channel} webhooks are off: {variable} is not set")
        if not signature_matches(secret.get_secret_value(), body, request.headers.get(header)):
            log.warning("webhook.bad_signature", channel=channel, size=len(body))
            raise HTTPException(401, f"{header} is missing or does not match the body")
        return await _take(pool, channel, body, _kept(request))

    receive.__name__ = f"receive_{channel}"
    return receive


async def _take(
    pool: asyncpg.Pool, channel: str, body: bytes, headers: dict[str, str]
) -> WebhookAccepted:
    kind = "order"
    try:
        payload = decode(body)
        kind = "update" if adapters.is_update(channel, payload) else "order"
        document = adapters.parse_document(channel, payload)
    except (Refused, adapters.MalformedChannelPayload) as error:
        reason = str(error).replace("\x00", "")
        payload_id = await store.insert_raw(
            pool,
            channel=channel,
            body=body,
            headers=headers,
            status="rejected",
            error=reason,
            kind=kind,
        )
        log.info("webhook.rejected", channel=channel, raw_payload_id=payload_id, error=reason)
        raise HTTPException(422, {"error": reason, "raw_payload_id": payload_id}) from None
    except Exception as error:  # an adapter bug: keep the body, answer honestly
        payload_id = await store.insert_raw(
            pool,
            channel=channel,
            body=body,
            headers=headers,
            status="failed",
            error=repr(error),
            kind=kind,
        )
        log.exception("webhook.adapter_failed", channel=channel, raw_payload_id=payload_id)
        raise HTTPException(
            500, {"error": "adapter failed", "raw_payload_id": payload_id}
        ) from None
    if isinstance(document, adapters.ChannelUpdate):
        return await _take_update(pool, body, headers, document)
    external_id = document.external_id

    def publish_order(uow: Any) -> None:
        operations.publish(uow, channel, external_id, payload)
        _follow_shopify_topic(uow, channel, headers, payload, document)

    payload_id, order_id = await _store_and_publish(
        pool, channel, external_id, body, headers, "order", publish_order
    )
    log.info(
        "webhook.accepted", channel=channel, raw_payload_id=payload_id, order_id=order_id,
        correlation_id=topics.channel_order_key(channel, external_id),
    )  # fmt: skip
    return WebhookAccepted(
        raw_payload_id=payload_id, channel=channel, external_id=external_id, order_id=order_id
    )


async def _store_and_publish(
    pool: asyncpg.Pool,
    channel: str,
    external_id: str,
    body: bytes,
    headers: dict[str, str],
    kind: str,
    publish: Callable[[Any], None],
) -> tuple[int, str]:
    """The raw body stored as accepted and what it says queued on the order's key, in one
    transaction: answered 2xx only once both are durable. Returns (raw payload id, order id)."""
    order_id = order_id_for(channel, external_id)
    with structlog.contextvars.bound_contextvars(
        order_id=order_id, correlation_id=topics.channel_order_key(channel, external_id)
    ):
        async with operations.unit_of_work(pool) as uow:
            payload_id = await store.insert_raw(
                uow.conn,
                channel=channel,
                body=body,
                headers=headers,
                status="accepted",
                external_id=external_id,
                kind=kind,
            )
            publish(uow)
    return payload_id, order_id


async def _take_update(
    pool: asyncpg.Pool, body: bytes, headers: dict[str, str], update: adapters.ChannelUpdate
) -> WebhookAccepted:
    """A channel's own update notification: stored, and its updates queued on the order's key
    behind the order (an update for an order intake has not seen yet is parked there)."""
    channel, external_id = update.channel, update.external_id
    payload_id, order_id = await _store_and_publish(
        pool,
        channel,
        external_id,
        body,
        headers,
        "update",
        lambda uow: operations.publish_update(uow, update),
    )
    log.info(
        "webhook.update_accepted",
        channel=channel,
        raw_payload_id=payload_id,
        order_id=order_id,
        correlation_id=topics.channel_order_key(channel, external_id),
        status=update.status,
        updates=[type(event).__name__ for event in update.events],
    )
    return WebhookAccepted(
        raw_payload_id=payload_id,
        channel=channel,
        external_id=external_id,
        order_id=order_id,
        kind="update",
        update_status=update.status,
    )


def _follow_shopify_topic(
    uow: Any, channel: str, headers: dict[str, str], payload: dict[str, Any], parsed: Any
) -> None:
    """Shopify posts updates as the whole order under another topic: turn them into the
    updates intake understands, after the order itself (same key: same partition, in order)."""
    topic = headers.get("x-shopify-topic", "") if channel == "shopify" else ""
    key = topics.channel_order_key(channel, parsed.external_id)
    if topic == "orders/cancelled":
        reason = str(payload.get("cancel_reason") or "")
        uow.emit(
            topics.MARKETPLACE_ORDERS,
            key,
            MarketplaceOrderCancelled(
                channel=channel, external_id=parsed.external_id, reason=reason
            ),
        )
    elif topic in ("orders/updated", "orders/paid"):
        # Every orders/updated carries the whole order: intake applies its address only where
        # it differs from the last one the channel sent; a body without one changes nothing.
        if topic == "orders/updated" and payload.get("shipping_address"):
            uow.emit(
                topics.MARKETPLACE_ORDERS,
                key,
                MarketplaceAddressChanged(
                    channel=channel, external_id=parsed.external_id, ship_to=parsed.ship_to
                ),
            )
        uow.emit(
            topics.MARKETPLACE_ORDERS,
            key,
            MarketplacePaymentChanged(
                channel=channel,
                external_id=parsed.external_id,
                captured=parsed.payment_captured,
                status=str(payload.get("financial_status") or ""),
            ),
        )
