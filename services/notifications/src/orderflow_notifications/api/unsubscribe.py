"""The customer's own opt-out, from the link every message carries: public (its signed token is
the proof, no operator key), answered with a short page. Opening the link shows a button; the
opt-out is recorded on POST (the button, or a mail client's one-click unsubscribe, RFC 8058),
so that a mail scanner that opens every link unsubscribes nobody."""

from html import escape

import structlog
from fastapi import APIRouter
from fastapi.responses import HTMLResponse
from orderflow_runtime import RunningService

from orderflow_notifications import store
from orderflow_notifications.unsubscribe import OPTIONAL_KINDS, Links

log = structlog.get_logger()

ACTOR = "customer (unsubscribe link)"
KEPT = (
    "We will still tell you when an order is cancelled or refunded, when part of it waits for"
    " stock, and when a parcel could not be delivered, was lost or comes back to us."
)
INVALID = (
    "This unsubscribe link is not valid (it may be cut short): open the whole link from the"
    " message, or reply to the message and we will unsubscribe you."
)


def router(service: RunningService, links: Links) -> APIRouter:
    api = APIRouter(tags=["unsubscribe"])

    @api.get(
        "/unsubscribe/{token}",
        response_class=HTMLResponse,
        summary="The page an unsubscribe link opens: a button that unsubscribes (public)",
    )
    async def confirm(token: str) -> HTMLResponse:
        if links.order_of(token) is None:
            return _page(400, "Unsubscribe", INVALID)
        form = (
            f'<form method="post" action="/unsubscribe/{escape(token)}">'
            '<button type="submit">Unsubscribe</button></form>'
        )
        return _page(200, "Stop delivery updates?", f"{_OPTIONAL_TEXT} {KEPT}", form)

    @api.post(
        "/unsubscribe/{token}",
        response_class=HTMLResponse,
        summary="Unsubscribe the customer of the link's order from optional messages (public)",
        description="One-click (RFC 8058) or the page's button. Optional kinds: "
        + ", ".join(OPTIONAL_KINDS),
    )
    async def unsubscribe(token: str) -> HTMLResponse:
        order_id = links.order_of(token)
        if order_id is None:
            return _page(400, "Unsubscribe", INVALID)
        async with service.pool.acquire() as conn, conn.transaction():
            kinds = list(OPTIONAL_KINDS)
            known, by_email, email = await store.unsubscribe(conn, order_id, kinds, ACTOR)
            if email:
                # Kept after an erasure of the customer's data, without their address.
                await store.suppress(conn, links.email_key(email), list(OPTIONAL_KINDS))
        if not known:
            return _page(404, "Unsubscribe", "We do not know this order (any more).")
        log.info("customer.unsubscribed", order_id=order_id, every_order=by_email)
        return _page(200, "You are unsubscribed", f"{_DONE_TEXT} {KEPT}")

    return api


_OPTIONAL_TEXT = (
    "You would no longer hear that an order was confirmed, shipped, is out for delivery,"
    " delayed or delivered."
)
_DONE_TEXT = (
    "You will no longer hear that an order was confirmed, shipped, is out for delivery,"
    " delayed or delivered."
)


def _page(status: int, title: str, text: str, extra: str = "") -> HTMLResponse:
    return HTMLResponse(
        "<!doctype html><html><head><meta charset=utf-8>"
        '<meta name="viewport" content="width=device-width">'
        f"<title>{escape(title)}</title></head><body><h1>{escape(title)}</h1>"
        f"<p>{escape(text)}</p>{extra}</body></html>",
        status_code=status,
    )
