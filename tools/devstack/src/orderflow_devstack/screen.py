"""The live screen of `orderflow run`."""

from rich.table import Table

from orderflow_devstack.observer import Journey


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:,.0f} ms"


def render(journey: Journey, elapsed_s: float, services: dict[str, str]) -> Table:
    table = Table(title=f"orderflow — live ({elapsed_s:,.0f} s)", show_header=True, min_width=60)
    table.add_column("step")
    table.add_column("count", justify="right")
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
        ("dead-lettered messages", journey.dead_lettered),
    ]
    for name, value in rows:
        table.add_row(name, f"{value:,}")
    table.add_section()
    table.add_row("orders/s (pick tasks, last 5 s)", f"{journey.pick_tasks_per_second():,.1f}")
    table.add_row("received → pick task p50", _ms(journey.percentile(0.50)))
    table.add_row("received → pick task p99", _ms(journey.percentile(0.99)))
    table.add_section()
    for name, state in services.items():
        table.add_row(f"service {name}", state)
    return table


def summary(journey: Journey, elapsed_s: float) -> str:
    return (
        f"orderflow ran {elapsed_s:,.0f} s: {journey.received:,} orders received, "
        f"{journey.pick_tasks:,} pick tasks ({journey.pick_tasks / max(elapsed_s, 1):,.1f}/s), "
        f"{journey.delivered:,} delivered, {journey.notified:,} notifications, "
        f"{journey.held + journey.unroutable:,} held, {journey.dead_lettered:,} dead-lettered; "
        f"received→pick task p50 {_ms(journey.percentile(0.5))}, p99 {_ms(journey.percentile(0.99))}"
    )
