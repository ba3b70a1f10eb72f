"""An operator asks what a customer was told, and why some could not be told."""

import httpx
import pytest
from orderflow_contracts import topics
from orderflow_testing.system import TestSystem, eventually

from tests.integration.notifications.test_customer_emails import accepted, shipped

pytestmark = pytest.mark.integration


async def test_the_delivery_log_and_failures_by_reason(system: TestSystem, start, smtp) -> None:
    await system.create_topics([])
    service = await start(system, "notifications", smtp_port=smtp.port)
    bus = await system.bus("partners")
    hidden = accepted("o-hidden", "en")  # Shopee and AliExpress hide the buyer's e-mail
    hidden = hidden.model_copy(
        update={
            "order": hidden.order.model_copy(
                update={"customer": hidden.order.customer.model_copy(update={"email": ""})}
            )
        }
    )
    await bus.publish(topics.ORDERS, "o-1", accepted("o-1", "ko"))  # no Korean templates
    await bus.publish(topics.ORDERS, "o-hidden", hidden)
    await bus.publish(topics.FULFILLMENT_STATUS, "o-1", shipped("o-1"))
    await bus.publish(topics.FULFILLMENT_STATUS, "o-hidden", shipped("o-hidden"))
    await bus.flush()
    db = await system.db("notifications")
    await eventually(
        lambda: db.fetchval(
            "SELECT count(*) = 2 FROM notifications WHERE status IN ('sent', 'unreachable')"
        )
    )

    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=service.api), base_url="http://notifications"
    ) as client:
        [told] = (await client.get("/orders/o-1/notifications")).json()
        [untold] = (await client.get("/notifications", params={"status": "unreachable"})).json()
        summary = (await client.get("/notifications/summary")).json()
        kpis = (await client.get("/kpis")).json()
        metrics = (await client.get("/metrics")).text

    assert (told["kind"], told["status"], told["channel"], told["recipient"]) == (
        "shipped",
        "sent",
        "email",
        "o-1@example.com",
    )
    assert [(e["attempt"], e["outcome"], e["detail"]) for e in told["log"]] == [
        (1, "sent", "sent in en: no 'ko' template")
    ]
    assert untold["order_id"] == "o-hidden"
    assert [(e["attempt"], e["outcome"]) for e in untold["log"]] == [(1, "unreachable")]
    assert "no e-mail address" in untold["log"][-1]["detail"]
    assert "no webhook is configured" in untold["log"][-1]["detail"]
    events = await system.read(topics.NOTIFICATIONS_SENT, until=lambda seen: len(seen) >= 2)
    [unreachable] = [
        m.event for m in events if m.envelope and m.envelope.type == "CustomerUnreachable"
    ]
    assert unreachable.order_id == "o-hidden" and "no e-mail address" in unreachable.reason
    assert summary == {
        "by_status": {"sent": 1, "unreachable": 1},
        "failures_by_reason": {"NoAddress": 1},
    }
    assert (kpis["queued"], kpis["sent"], kpis["unreachable"]) == (2, 1, 1)
    assert (kpis["sent_share"], kpis["unreachable_share"]) == (0.5, 0.5)
    assert kpis["time_to_tell_p50_s"] >= 0
    assert 'orderflow_kpi{kpi="unreachable_share"} 0.5' in metrics
