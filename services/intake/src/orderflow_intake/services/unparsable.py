"""Channel payloads from the marketplace topic that no adapter can read. They are kept in the raw
store like a refused webhook body, with the reason naming the field, so an operator finds them
in GET /raw-payloads and parses them again once the adapter is fixed: nothing is lost."""

import json

from orderflow_contracts.marketplace import MarketplaceOrderPublished
from orderflow_runtime import UnitOfWork

from orderflow_intake import adapters, store


async def parsed_or_kept(
    unit: UnitOfWork, event: MarketplaceOrderPublished
) -> adapters.ParsedOrder | None:
    """The parsed order, or None once the payload is kept as rejected (malformed) or failed (the
    adapter broke on it)."""
    try:
        return adapters.parse(event.channel, event.payload)
    except adapters.MalformedChannelPayload as error:
        status, reason = "rejected", str(error)
    except Exception as error:  # an adapter bug: keep the payload and say so, as the webhook does
        status, reason = "failed", repr(error)
    payload_id = await store.insert_raw(
        unit.conn,
        channel=event.channel,
        body=json.dumps(event.payload, ensure_ascii=False).encode(),
        headers=_envelope_headers(unit),
        status=status,
        error=reason.replace("\x00", ""),
        source="topic",
    )
    unit.log.warning(
        "order.unparsable",
        channel=event.channel,
        raw_payload_id=payload_id,
        status=status,
        error=reason,
    )
    return None


def _envelope_headers(unit: UnitOfWork) -> dict[str, str]:
    """What the topic told about the message, in place of a webhook's HTTP headers."""
    if unit.cause is None:
        return {}
    told = {
        "x-orderflow-event-id": str(unit.cause.event_id),
        "x-orderflow-source": unit.cause.source,
        "x-orderflow-correlation-id": unit.cause.correlation_id,
    }
    return {name: value.replace("\x00", "") for name, value in told.items()}
