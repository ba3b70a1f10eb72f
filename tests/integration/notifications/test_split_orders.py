"""A split order's customer hears of each parcel: its own tracking number is news. Parcels that
leave within the merge window are one message; one that leaves after that message went out
(days later, say) gets its own, once (issue 18: the rule in the README's 'Once per what')."""

import pytest
from orderflow_contracts import topics
from orderflow_contracts.fulfillment import ShipmentStatus, ShipmentStatusChanged
from orderflow_testing.system import TestSystem, eventually

from tests.integration.notifications.test_customer_emails import accepted

pytestmark = pytest.mark.integration


def parcel_left(shipment: str, tracking_number: str) -> ShipmentStatusChanged:
    return ShipmentStatusChanged(
        order_id="o-split",
        shipment_id=f"o-split-{shipment}",
        location_id="cn-shenzhen",
        status=ShipmentStatus.SHIPPED,
        carrier="4px",
        tracking_number=tracking_number,
    )


async def test_parcels_shipped_together_are_one_message_a_later_one_its_own(
    system: TestSystem, start, smtp
) -> None:
    await system.create_topics([])
    await start(system, "notifications", smtp_port=smtp.port, merge_window_s=1)
    bus = await system.bus("partners")
    await bus.publish(topics.ORDERS, "o-split", accepted("o-split", "en"))
    await bus.publish(topics.FULFILLMENT_STATUS, "o-split", parcel_left("s1", "4PX-ONE"))
    await bus.publish(topics.FULFILLMENT_STATUS, "o-split", parcel_left("s2", "4PX-TWO"))
    await bus.flush()
    await eventually(lambda: _emails(smtp, 1))

    [together] = smtp.to("o-split")
    body = together.get_content()
    assert body.index("4PX-ONE") < body.index("4PX-TWO")
    assert len(together["X-Orderflow-Notifications"].split()) == 2

    # Long after the first message (the merge window is over): the third parcel's own message,
    # once however often its news comes.
    await bus.publish(topics.FULFILLMENT_STATUS, "o-split", parcel_left("s3", "4PX-THREE"))
    await bus.publish(topics.FULFILLMENT_STATUS, "o-split", parcel_left("s3", "4PX-THREE"))
    await bus.publish(topics.FULFILLMENT_STATUS, "o-split", parcel_left("s1", "4PX-ONE"))
    await bus.flush()
    await eventually(lambda: _emails(smtp, 2))
    await system.read(topics.NOTIFICATIONS_SENT, until=lambda seen: len(seen) >= 3)

    later = smtp.to("o-split")[1]
    assert "4PX-THREE" in later.get_content() and "4PX-ONE" not in later.get_content()
    db = await system.db("notifications")
    assert await db.fetchval("SELECT count(*) FROM notifications WHERE order_id = 'o-split'") == 3
    assert len(smtp.to("o-split")) == 2


async def _emails(smtp, count: int) -> bool:
    return len(smtp.to("o-split")) >= count
