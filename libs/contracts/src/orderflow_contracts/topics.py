"""Topic names, in one place. Keys are listed beside each topic: everything about one order
lands on one partition, in order."""

MARKETPLACE_ORDERS = "marketplace.orders"  # key: channel:external_id
ORDERS = "orders"  # key: order id; every order event, the acceptance first
ORDER_CHANGES = "orders.changes"  # key: order id; a copy of orders' cancellations and new addresses
ROUTING_PLANS = "routing.plans"  # key: order id
ROUTING_UNROUTABLE = "routing.unroutable"  # key: order id
INVENTORY_RESERVATIONS = "inventory.reservations"  # key: order id
INVENTORY_BACKORDERS = "inventory.backorders"  # key: order id
INVENTORY_LEVELS = "inventory.levels"  # key: SKU, compacted
INVENTORY_ALERTS = "inventory.alerts"  # key: SKU
WAREHOUSE_STOCK = "warehouse.stock"  # key: SKU
WAREHOUSE_EVENTS = "warehouse.events"  # key: shipment id
CARRIER_TRACKING = "carrier.tracking"  # key: tracking number
FULFILLMENT_STATUS = "fulfillment.status"  # key: order id
FULFILLMENT_ALERTS = "fulfillment.alerts"  # key: order id
MARKETPLACE_TRACKING = "marketplace.tracking"  # key: channel:external_id
NOTIFICATIONS_SENT = "notifications.sent"  # key: order id
PRIVACY_ERASURES = "privacy.erasures"  # key: erasure id
CATALOG_PRODUCTS = "catalog.products"  # key: SKU, compacted

PICK_TASKS_PATTERN = r"warehouse\.[^.]+\.pick-tasks"
COMPACTED = frozenset({INVENTORY_LEVELS, CATALOG_PRODUCTS})

BUS_TOPICS = (
    MARKETPLACE_ORDERS,
    ORDERS,
    ORDER_CHANGES,
    ROUTING_PLANS,
    ROUTING_UNROUTABLE,
    INVENTORY_RESERVATIONS,
    INVENTORY_BACKORDERS,
    INVENTORY_LEVELS,
    INVENTORY_ALERTS,
    WAREHOUSE_STOCK,
    WAREHOUSE_EVENTS,
    CARRIER_TRACKING,
    FULFILLMENT_STATUS,
    FULFILLMENT_ALERTS,
    MARKETPLACE_TRACKING,
    NOTIFICATIONS_SENT,
    PRIVACY_ERASURES,
    CATALOG_PRODUCTS,
)


# Events that go, as the same envelope, on a second topic too: for services that read them and
# nothing else of the first (docs/decisions/0002-topics-by-reader.md). Kept here, by type, so
# that no emitter can forget a copy.
COPIES = {
    (ORDERS, "OrderCancelled"): (ORDER_CHANGES,),
    (ORDERS, "OrderAddressChanged"): (ORDER_CHANGES,),
}


def copies_of(topic: str, event_type: str) -> tuple[str, ...]:
    """The other topics an event of `event_type` emitted on `topic` also goes to."""
    return COPIES.get((topic, event_type), ())


def pick_tasks(location_id: str) -> str:
    """Each warehouse reads only its own pick tasks."""
    return f"warehouse.{location_id}.pick-tasks"


def dead_letters(topic: str) -> str:
    return f"{topic}.dlq"


_DAY_MS = 24 * 3600 * 1000
RETENTION_MS = 7 * _DAY_MS  # every consumer's inbox remembers an event id longer (8 days)
DEAD_LETTER_RETENTION_MS = 30 * _DAY_MS  # a month for an operator to act on a poison message


def topic_config(topic: str) -> dict[str, str]:
    """The configs a topic is created with: the compacted ones keep the latest value per key
    for ever; the rest keep a week, their dead letters a month."""
    if topic in COMPACTED:
        return {"cleanup.policy": "compact"}
    if topic.endswith(".dlq"):
        return {"retention.ms": str(DEAD_LETTER_RETENTION_MS)}
    return {"retention.ms": str(RETENTION_MS)}


def all_topics(location_ids: list[str]) -> list[str]:
    """Every topic the system needs for these locations, dead-letter topics included."""
    sources = [*BUS_TOPICS, *(pick_tasks(location) for location in location_ids)]
    return sources + [dead_letters(topic) for topic in sources]


def channel_order_key(channel: str, external_id: str) -> str:
    return f"{channel}:{external_id}"
