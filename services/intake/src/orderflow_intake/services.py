"""intake's use cases."""

import structlog
from orderflow_contracts import topics
from orderflow_contracts.intake import HoldReason, OrderAccepted, OrderCancelled, OrderHeld
from orderflow_contracts.marketplace import MarketplaceOrderCancelled, MarketplaceOrderPublished
from orderflow_contracts.routing import OrderUnroutable
from orderflow_runtime import PoisonMessage, UnitOfWork

from orderflow_intake import adapters, domain, store

log = structlog.get_logger()


async def take_marketplace_order(
    uow: UnitOfWork, event: MarketplaceOrderPublished, postal_codes: domain.PostalCodeRules
) -> None:
    try:
        parsed = adapters.parse(event.channel, event.payload)
    except adapters.MalformedChannelPayload as error:
        raise PoisonMessage(str(error)) from error
    listings = await store.listings_for(
        uow.conn, parsed.channel, [line.channel_sku for line in parsed.lines]
    )
    order, reasons = domain.canonicalise(parsed, listings, postal_codes)
    inserted = await store.insert_order(
        uow.conn,
        order,
        status="held" if reasons else "accepted",
        correlation_id=uow.correlation_id,
        raw_payload=event.payload,
    )
    if not inserted:
        log.info("order.duplicate", channel=order.channel, external_id=order.external_id)
        return
    if reasons:
        await store.hold(uow.conn, order.order_id, reasons)
        uow.emit(
            topics.ORDERS,
            order.order_id,
            OrderHeld(
                order_id=order.order_id,
                channel=order.channel,
                external_id=order.external_id,
                reasons=tuple(reasons),
            ),
        )
        log.info("order.held", order_id=order.order_id, reasons=[reason.code for reason in reasons])
        return
    uow.emit(topics.ORDERS, order.order_id, OrderAccepted(order=order))
    log.info(
        "order.accepted", order_id=order.order_id, channel=order.channel, lines=len(order.lines)
    )


async def hold_unroutable_order(uow: UnitOfWork, event: OrderUnroutable) -> None:
    """Routing gave up: the order joins the exception queue for an operator."""
    reason = HoldReason(code="unroutable", detail=event.reason)
    if await store.hold(uow.conn, event.order_id, [reason]):
        log.info("order.held", order_id=event.order_id, reasons=["unroutable"])


async def cancel_order(uow: UnitOfWork, event: MarketplaceOrderCancelled) -> None:
    order = await store.cancel(uow.conn, event.channel, event.external_id)
    if order is None:
        # Kept in the dead-letter topic with its reason until the order arrives and it is replayed.
        raise PoisonMessage(f"cancellation for unknown order {event.channel}:{event.external_id}")
    uow.emit(
        topics.ORDERS,
        order["order_id"],
        OrderCancelled(
            order_id=order["order_id"],
            channel=event.channel,
            external_id=event.external_id,
            reason=event.reason,
        ),
    )
    log.info("order.cancelled", order_id=order["order_id"], reason=event.reason)
