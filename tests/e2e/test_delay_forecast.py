"""Proactive delay measured on a simulated late carrier: four services route, reserve and ship
orders with a promised delivery, the simulated warehouse and carrier move them (a share of the
parcels late, slower than their lane's p90), and notifications, from the lane's own
deliveries, tells the customers of late parcels 'delayed' before the promise passes, and not
those whose parcel keeps it. On the real broker and PostgreSQL."""

import asyncio
import contextlib
from datetime import UTC, datetime, timedelta

import pytest
from orderflow_contracts import topics
from orderflow_simulators.partners import Carrier, Warehouse
from orderflow_testing.system import TestSystem, eventually

from tests.conftest import run_to_pick_tasks, seller_setup
from tests.use_cases.conftest import accepted

pytestmark = pytest.mark.e2e

ORDERS = 100
RATE = 20  # orders a second
PROMISE_S = 15  # each order promised this long after it is placed
# In transit 2 s (two steps of 1 s); a late parcel 20 s more, far past its promise.
CARRIER = {"delay_s": 1.0, "late_share": 0.05, "late_s": 20.0}


def promised(n: int) -> object:
    event = accepted(f"o-{n}", email=f"buyer-{n}@example.com")
    deliver_by = datetime.now(UTC) + timedelta(seconds=PROMISE_S)
    return event.model_copy(
        update={"order": event.order.model_copy(update={"deliver_by": deliver_by})}
    )


async def test_customers_of_late_parcels_hear_of_it_before_the_promise_and_no_one_else(
    system: TestSystem, start, smtp
) -> None:
    await run_to_pick_tasks(system, mug_red_at_ontario=ORDERS)
    await start(
        system, "notifications", smtp_port=smtp.port, delay_check_interval_s=0.5,
        delay_min_samples=10,
    )  # fmt: skip
    warehouse = Warehouse(await system.bus("warehouse"), seller_setup())
    carrier = Carrier(await system.bus("carrier"), **CARRIER)
    partners = [asyncio.create_task(warehouse.run()), asyncio.create_task(carrier.run())]
    bus = await system.bus("partners")
    notifications = await system.db("notifications")
    try:
        for n in range(ORDERS):
            await bus.publish(topics.ORDERS, f"o-{n}", promised(n))
            await asyncio.sleep(1 / RATE)
        await bus.flush()
        await asyncio.sleep(PROMISE_S + 1)  # every promise has passed
        await eventually(  # what was due before then has gone out
            lambda: notifications.fetchval(
                "SELECT count(*) = 0 FROM notifications WHERE status IN ('pending', 'sending')"
                " AND created_at < (SELECT max(deliver_by) FROM contacts)"
            )
        )
    finally:
        for task in partners:
            task.cancel()
        for task in partners:
            with contextlib.suppress(asyncio.CancelledError):
                await task

    parcels = await notifications.fetch(
        "SELECT t.order_id, t.tracking_number,"
        "  t.delivered_at IS NOT NULL AND t.delivered_at <= c.deliver_by AS kept,"
        "  n.status AS told, n.sent_at <= c.deliver_by AS told_in_time"
        " FROM transits t JOIN contacts c USING (order_id)"
        " LEFT JOIN notifications n ON n.shipment_id = t.shipment_id AND n.kind = 'delayed'"
    )
    # NULL when nothing was delivered: printed as nan, and the assertions below say why.
    news_lag_s = (
        await notifications.fetchval(
            "SELECT percentile_cont(ARRAY[0.5, 0.99]) WITHIN GROUP"
            "  (ORDER BY extract(epoch FROM delivery_heard_at - delivered_at))"
            " FROM transits"
        )
        or [float("nan")] * 2
    )
    late = [p for p in parcels if not p["kept"]]
    on_time = [p for p in parcels if p["kept"]]
    told_in_time = [p for p in late if p["told"] == "sent" and p["told_in_time"]]
    on_time_told = [p for p in on_time if p["told"]]
    print(
        f"\n{len(parcels)} parcels shipped, {len(late)} missed their promise"
        f" ({len(carrier.late)} made late by the carrier): {len(told_in_time)} of them told"
        f" 'delayed' before the promise ({len(told_in_time) / max(len(late), 1):.0%});"
        f" {len(on_time_told)} of {len(on_time)} on time told 'delayed'; the carrier's"
        f" 'delivered' heard {news_lag_s[0]:.2f} s after the delivery at the median,"
        f" {news_lag_s[1]:.2f} s at p99"
    )
    assert len(parcels) == ORDERS
    assert carrier.late and {p["tracking_number"] for p in late} >= carrier.late
    assert len(told_in_time) == len(late)
    assert on_time_told == []
    for parcel in told_in_time:
        assert any(m["Subject"] == "Your order is delayed" for m in smtp.to(parcel["order_id"]))
