"""POST /webhooks/{channel}: a marketplace pushes an order, or one of its own update
notifications (adapters/updates.py). The body is stored exactly as it arrived and taken by
intake (use_cases/documents.py) in one transaction before anything answers 2xx; a body that
cannot be read is refused (422, naming the field) but kept, marked rejected, so it can be
parsed again once its adapter is fixed."""

import base64
import hashlib
import hmac
from collections.abc import Awaitable, Callable

import asyncpg
import structlog
from fastapi import APIRouter, HTTPException, Request, status
from orderflow_contracts import topics
from pydantic import SecretStr

from orderflow_intake import operations, store, use_cases
from orderflow_intake.api.schemas import Problem, WebhookAccepted
from orderflow_intake.config import Settings
from orderflow_intake.domain import order_id_for
from orderflow_intake.screening import ScreeningRules

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


def create_router(pool: asyncpg.Pool, settings: Settings, rules: ScreeningRules) -> APIRouter:
    router = APIRouter(prefix="/webhooks", tags=["webhooks"])
    for channel in CHANNELS:
        router.add_api_route(
            f"/{channel}",
            _endpoint(pool, settings, rules, channel),
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
                413: {
                    "model": Problem,
                    "description": "body larger than INTAKE_MAX_BODY_BYTES; nothing stored",
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
        " base64(HMAC-SHA256(secret, raw body)). 202 once the body is stored and intake took"
        " the order (the answer says whether it is accepted or held); resending the same order"
        " makes no second order."
        + (
            " `X-Shopify-Topic: orders/cancelled` cancels, `orders/paid` marks payment captured,"
            " `orders/updated` applies the payment of the body, and its shipping address when it"
            " is present and differs from the last one Shopify sent; `refunds/create` takes"
            " one refund (the Refund resource): told on once per refund, with its amount."
            if channel == "shopify"
            else f" The channel's own update notifications ({UPDATE_NOTIFICATIONS[channel]}) are"
            " taken here too, told apart by their shape: a cancellation cancels the order, a paid"
            " status captures its payment (`kind: update` in the answer); so are its refund"
            " documents (README: Refund documents), each refund told on once."
        )
    )


def _endpoint(
    pool: asyncpg.Pool, settings: Settings, rules: ScreeningRules, channel: str
) -> Callable[[Request], Awaitable[WebhookAccepted]]:
    async def receive(request: Request) -> WebhookAccepted:
        body = await _body_within(request, settings.max_body_bytes)
        secret, header, variable = _secret(settings, channel)
        if secret is None or not secret.get_secret_value():
            raise HTTPException(503, f"{channel} webhooks are off: {variable} is not set")
        if not signature_matches(secret.get_secret_value(), body, request.headers.get(header)):
            log.warning("webhook.bad_signature", channel=channel, size=len(body))
            raise HTTPException(401, f"{header} is missing or does not match the body")
        return await _take(pool, rules, channel, body, _kept(request))

    receive.__name__ = f"receive_{channel}"
    return receive


async def _body_within(request: Request, limit: int) -> bytes:
    """The body, refused with 413 before it is read whole when it is larger than `limit`."""
    too_large = HTTPException(
        413, f"the body is larger than {limit} bytes (INTAKE_MAX_BODY_BYTES); nothing was stored"
    )
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise too_large
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise too_large
    return bytes(body)


async def _take(
    pool: asyncpg.Pool, rules: ScreeningRules, channel: str, body: bytes, headers: dict[str, str]
) -> WebhookAccepted:
    """The body stored as accepted and taken by intake in one transaction, answered 2xx only
    once both are durable; a body that cannot be read is stored as such and refused."""
    try:
        document = use_cases.read(channel, body, headers.get("x-shopify-topic", ""))
    except use_cases.Unreadable as unreadable:
        payload_id = await use_cases.keep_unreadable(
            pool, channel, body, headers, unreadable, source="webhook"
        )
        if unreadable.status == "failed":
            problem = {"error": "adapter failed", "raw_payload_id": payload_id}
            raise HTTPException(500, problem) from None
        raise HTTPException(
            422, {"error": unreadable.reason, "raw_payload_id": payload_id}
        ) from None
    external_id = document.external_id
    order_id = order_id_for(channel, external_id)
    correlation_id = topics.channel_order_key(channel, external_id)
    with structlog.contextvars.bound_contextvars(order_id=order_id, correlation_id=correlation_id):
        async with operations.unit_of_work(pool, correlation_id) as uow:
            payload_id = await store.insert_raw(
                uow.conn,
                channel=channel,
                body=body,
                headers=headers,
                status="accepted",
                external_id=external_id,
                kind=document.kind,
            )
            set_aside = await use_cases.take(uow, document, rules)
            if set_aside:  # kept, with why it changed nothing
                await store.set_raw_outcome(
                    uow.conn,
                    payload_id,
                    status="accepted",
                    error="; ".join(set_aside),
                    external_id=external_id,
                )
            status = await store.order_status(uow.conn, order_id)
        log.info(
            "webhook.taken",
            channel=channel,
            raw_payload_id=payload_id,
            kind=document.kind,
            order_status=status,
            updates=[type(event).__name__ for event in document.updates],
            set_aside=set_aside,
        )
    return WebhookAccepted(
        raw_payload_id=payload_id,
        channel=channel,
        external_id=external_id,
        order_id=order_id,
        kind=document.kind,
        order_status=status,
        update_status=document.status or None,
    )
