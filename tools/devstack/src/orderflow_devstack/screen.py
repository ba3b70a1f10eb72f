"""The live screen of `orderflow run`."""

from rich.table import Table

from orderflow_devstack.observer import Journey


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:,.0f} ms"


# Where an operator looks next for each count: the service and its route (the addresses are
# printed above the screen; every service also serves /docs and /metrics).
WHERE = {
    "orders received": "intake /orders",
    "held (exception queue)": "intake /exceptions, routing /decisions",
    "stock reserved": "inventory /stock/{sku}",
    "reservations rejected": "routing /decisions",
    "pick tasks issued": "fulfillment /shipments",
    "shipped": "fulfillment /shipments/at-risk, /kpis",
    "customer notifications sent": "notifications /notifications/summary",
    "customers no channel reaches": "notifications /notifications?status=unreachable",
    "dead-lettered messages": "<topic>.dlq; intake /raw-payloads",
}

# The console's page for a count, where there is one: shown instead of the route when the
# console runs (its address ends with a slash).
CONSOLE_PAGES = {
    "orders received": "#/orders",
    "held (exception queue)": "#/exceptions",
    "stock reserved": "#/stock",
    "dead-lettered messages": "#/dead-letters",
}


def render(
    journey: Journey,
    elapsed_s: float,
    services: dict[str, str],
    console_url: str = "",
    keys: str = "",
    addresses: dict[str, str] | None = None,
) -> Table:
    """`keys`: where the operators' API keys are (a line under the console's address);
    `addresses`: each service process's base URL, shown on its row."""
    caption = "\n".join(
        line for line in (f"operators' console: {console_url}" if console_url else "", keys) if line
    )
    table = Table(
        title=f"orderflow — live ({elapsed_s:,.0f} s)",
        caption=caption or None,
        show_header=True,
        min_width=60,
    )
    table.add_column("step")
    table.add_column("count", justify="right")
    table.add_column("where to look", style="dim")
    rows = [
        ("orders received", journey.received),
        ("accepted", journey.accepted),
        ("held (exception queue)", journey.held + journey.unroutable),
        ("cancelled by the marketplace", journey.cancelled),
        ("stock reserved", journey.reserved),
        ("reservations rejected", journey.rejected),
        ("pick tasks issued", journey.pick_tasks),
        ("shipped", journey.shipped),
        ("delivered", journey.delivered),
        ("customer notifications sent", journey.notified),
        ("customers no channel reaches", journey.unreachable_customers),
        ("dead-lettered messages", journey.dead_lettered),
    ]
    for name, value in rows:
        page = CONSOLE_PAGES.get(name) if console_url else None
        table.add_row(name, f"{value:,}", f"{console_url}{page}" if page else WHERE.get(name, ""))
    table.add_section()
    table.add_row("orders/s (pick tasks, last 5 s)", f"{journey.pick_tasks_per_second():,.1f}")
    table.add_row("received → pick task p50", _ms(journey.percentile(0.50)))
    table.add_row("received → pick task p99", _ms(journey.percentile(0.99)))
    table.add_section()
    for name, state in services.items():
        where = (addresses or {}).get(name)
        table.add_row(f"service {name}", state, f"{where}/docs" if where else f"{name} /healthz")
    return table


def summary(journey: Journey, elapsed_s: float) -> str:
    return (
        f"orderflow ran {elapsed_s:,.0f} s: {journey.received:,} orders received, "
        f"{journey.pick_tasks:,} pick tasks ({journey.pick_tasks / max(elapsed_s, 1):,.1f}/s), "
        f"{journey.delivered:,} delivered, {journey.notified:,} notifications, "
        f"{journey.held + journey.unroutable:,} held, {journey.dead_lettered:,} dead-lettered; "
        f"received→pick task p50 {_ms(journey.percentile(0.5))}, p99 {_ms(journey.percentile(0.99))}"
    )
