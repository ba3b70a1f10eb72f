"""docs/asyncapi.yaml, the bus as an AsyncAPI 3.0 document: every topic, the events it carries
(each in the envelope, its `type` fixed to the event's name and its `payload` the event's
schema), who sends them and which consumer group reads which of them for which use case.

The document is built by faststream's specification support from a broker that is never
connected: one publisher per (topic, sender) from `CHANNELS` below, one subscriber per
(topic, consumer group) from the services' own `Subscriptions`. The runtime's consumer is not
faststream's (docs/decisions/0001-kafka-consumer.md); only the document is.

    .venv/bin/orderflow-asyncapi            # rewrites docs/asyncapi.yaml

tests/unit/contracts/test_asyncapi.py fails when the file is stale, when an event contract is
on no topic, when a service consumes an event `CHANNELS` does not say its topic carries, or when
docs/journey.md says a service emits an event `CHANNELS` does not list for it."""

import argparse
import functools
import sys
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Literal, Union

import orderflow_contracts  # noqa: F401  registers every event type
import yaml  # type: ignore[import-untyped,unused-ignore]
from faststream.kafka import KafkaBroker
from faststream.specification import AsyncAPI
from orderflow_contracts import Envelope, event_model, topics
from orderflow_runtime import Subscriptions
from orderflow_runtime.kafka import unhurried_group
from pydantic import create_model

ROOT = Path(__file__).resolve().parents[4]
DOCUMENT = ROOT / "docs" / "asyncapi.yaml"
PICK_TASKS = topics.pick_tasks("{location_id}")


@dataclass(frozen=True)
class Channel:
    """A topic: what its key is, which events each sender puts on it, and the readers outside
    the services (partners, whose consumer groups are their own)."""

    topic: str
    key: str
    senders: Mapping[str, tuple[str, ...]]
    partner_readers: tuple[str, ...] = field(default=())


CHANNELS = (
    Channel(
        topics.MARKETPLACE_ORDERS,
        "channel:external_id",
        {
            "marketplace": (
                "MarketplaceOrderPublished",
                "MarketplaceOrderCancelled",
                "MarketplaceAddressChanged",
                "MarketplacePaymentChanged",
                "MarketplaceOrderRefunded",
            )
        },
    ),
    Channel(
        topics.ORDERS,
        "order id",
        {
            "intake": (
                "OrderAccepted",
                "OrderHeld",
                "OrderCancelled",
                "OrderAddressChanged",
                "OrderPaymentCaptured",
                "OrderRefunded",
            )
        },
    ),
    Channel(
        topics.ORDER_CHANGES,
        "order id",
        {"intake": ("OrderCancelled", "OrderAddressChanged")},  # copies of those on orders
    ),
    Channel(topics.ROUTING_PLANS, "order id", {"routing": ("ShipmentsPlanned",)}),
    Channel(topics.ROUTING_UNROUTABLE, "order id", {"routing": ("OrderUnroutable",)}),
    Channel(
        topics.INVENTORY_RESERVATIONS,
        "order id",
        {
            "inventory": (
                "StockReserved",
                "ReservationRejected",
                "ReservationHeld",
                "ReservationExpired",
                "RejectedLinesReleased",
            )
        },
    ),
    Channel(topics.INVENTORY_BACKORDERS, "order id", {"inventory": ("OrderBackordered",)}),
    Channel(topics.INVENTORY_LEVELS, "SKU (compacted)", {"inventory": ("StockLevelChanged",)}),
    Channel(
        topics.INVENTORY_ALERTS,
        "SKU",
        {"inventory": ("ReorderPointReached", "SlowMoverFlagged", "StockDiscrepancyFound")},
    ),
    Channel(
        topics.WAREHOUSE_STOCK,
        "SKU",
        {"warehouse": ("StockReceived", "StockAdjusted", "StockCounted")},
    ),
    Channel(topics.WAREHOUSE_EVENTS, "shipment id", {"warehouse": ("WarehouseReported",)}),
    Channel(
        PICK_TASKS,
        "shipment id",
        {"fulfillment": ("PickTaskIssued", "PickTaskCancelled", "PickTaskAddressChanged")},
        partner_readers=("warehouse",),
    ),
    Channel(topics.CARRIER_TRACKING, "tracking number", {"carrier": ("TrackingUpdated",)}),
    Channel(
        topics.FULFILLMENT_STATUS,
        "order id",
        {
            "fulfillment": (
                "ShipmentStatusChanged",
                "PickTaskRejected",
                "ChangeSentToWarehouse",
                "AddressChangeApplied",
                "AddressChangeTooLate",
            )
        },
    ),
    Channel(topics.FULFILLMENT_ALERTS, "order id", {"fulfillment": ("ShipByEscalated",)}),
    Channel(
        topics.MARKETPLACE_TRACKING,
        "channel:external_id",
        {"fulfillment": ("TrackingNumberAssigned",), "marketplace": ("TrackingUploadAnswered",)},
        partner_readers=("marketplace",),
    ),
    Channel(
        topics.NOTIFICATIONS_SENT,
        "order id",
        {"notifications": ("CustomerNotified", "CustomerUnreachable")},
    ),
    Channel(
        topics.PRIVACY_ERASURES,
        "erasure id",
        {
            "intake": ("CustomerErasureRequested",),
            "routing": ("CustomerDataErased",),
            "inventory": ("CustomerDataErased",),
            "notifications": ("CustomerDataErased",),
        },
    ),
    Channel(topics.CATALOG_PRODUCTS, "SKU (compacted)", {"intake": ("ProductDefined",)}),
)


def service_subscriptions() -> dict[str, Subscriptions]:
    """Each service's subscriptions, as its handlers module registers them. The factories only
    bind their arguments into the handlers; the routes are all that is read."""

    def handlers(service: str) -> Any:
        return import_module(f"orderflow_{service}.handlers").subscriptions

    return {
        "intake": handlers("intake")(rules=None),
        "routing": handlers("routing")(SimpleNamespace(max_plan_attempts=1), network=None),
        "inventory": handlers("inventory"),
        "fulfillment": handlers("fulfillment")(handling=None),
        "notifications": handlers("notifications")(),
    }


def consumer_group(service: str, topic: str) -> str:
    """The group reading `topic` for `service`: its own, or for its unhurried topics (those its
    handlers module names in UNHURRIED) the one of those."""
    unhurried = getattr(import_module(f"orderflow_{service}.handlers"), "UNHURRIED", ())
    return unhurried_group(service) if topic in unhurried else service


@functools.cache
def envelope_of(event_type: str) -> type[Envelope]:
    """The envelope as it travels with this event: `type` is the event's name, `payload` the
    event."""
    model = event_model(event_type)
    if model is None:
        raise ValueError(f"{event_type} is no event contract")
    fixed_type: Any = Literal[event_type]  # built at run time, one per event type
    return create_model(
        f"{event_type}Envelope",
        __base__=Envelope,
        __doc__=f"The envelope of a {event_type}. {model.__doc__ or ''}".strip(),
        type=(fixed_type, ...),
        payload=(model, ...),
    )


def _one_of(event_types: tuple[str, ...] | list[str]) -> Any:
    return Union[tuple(envelope_of(name) for name in event_types)]  # noqa: UP007  built at run time


def _reader(event_types: list[str]) -> Callable[..., Awaitable[None]]:
    """A handler faststream reads the message schema from; it is never called."""

    async def read(envelope: Any) -> None:
        raise NotImplementedError

    read.__annotations__ = {"envelope": _one_of(event_types), "return": None}
    return read


def build_broker(subscriptions: Mapping[str, Subscriptions]) -> KafkaBroker:
    broker = KafkaBroker(
        "127.0.0.1:9092",
        description="Apache Kafka; every record's value is a JSON envelope, its headers repeat"
        " type, version, correlation_id, causation_id, source and a W3C traceparent",
    )
    for channel in CHANNELS:
        for sender, event_types in channel.senders.items():
            broker.publisher(
                channel.topic,
                title=f"{channel.topic}:{sender}:send",
                description=f"{sender} sends {', '.join(event_types)}; key: {channel.key}",
                schema=_one_of(event_types),
            )
        for partner in channel.partner_readers:
            carried = [name for names in channel.senders.values() for name in names]
            broker.subscriber(
                channel.topic,
                group_id=partner,
                title=f"{channel.topic}:{partner}:receive",
                description=f"read by {partner}, a partner outside this repository",
            )(_reader(carried))
    for service in sorted(subscriptions):
        by_topic: dict[str, list[tuple[str, str]]] = {}
        for topic, event_type, use_case in subscriptions[service].routes():
            by_topic.setdefault(topic, []).append((event_type, use_case))
        for topic, routes in sorted(by_topic.items()):
            group = consumer_group(service, topic)
            broker.subscriber(
                topic,
                group_id=group,
                title=f"{topic}:{service}:receive",
                description=f"consumer group {group}: "
                + "; ".join(f"{event_type} by {use_case}" for event_type, use_case in routes)
                + "; other types on the topic are passed over",
            )(_reader([event_type for event_type, _ in routes]))
    return broker


def render(subscriptions: Mapping[str, Subscriptions] | None = None) -> str:
    broker = build_broker(service_subscriptions() if subscriptions is None else subscriptions)
    document = AsyncAPI(
        broker,
        title="orderflow",
        version="1.0.0",
        description="The event bus between orderflow's five services and its partners."
        " Generated by `orderflow-asyncapi` (tools/asyncapi); do not edit by hand.",
        schema_version="3.0.0",
    )
    # faststream lists publishers in an order that varies with the string hash seed: every
    # mapping of names is sorted so that the file is the same on every run.
    spec = document.to_specification().to_jsonable()
    for section in (spec, spec["components"]):
        for name in ("channels", "operations", "messages", "schemas"):
            if name in section:
                section[name] = dict(sorted(section[name].items()))
    text: str = yaml.safe_dump(spec, sort_keys=False, allow_unicode=True, width=100)
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="orderflow-asyncapi", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--check", action="store_true", help="exit 1 if the file is stale")
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        stale = not DOCUMENT.exists() or DOCUMENT.read_text() != text
        print(f"{DOCUMENT}: {'stale' if stale else 'up to date'}")
        return 1 if stale else 0
    DOCUMENT.write_text(text)
    print(f"written {DOCUMENT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
