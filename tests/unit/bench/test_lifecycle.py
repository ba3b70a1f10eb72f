from orderflow_bench.lifecycle import DeliveredOrders


def _reserved(order_id: str, shipments: int) -> dict:
    plan = {"order_id": order_id, "shipments": [{"lines": []}] * shipments}
    return {"type": "StockReserved", "payload": {"plan": plan}}


def _told(order_id: str, kind: str = "delivered") -> dict:
    return {"type": "CustomerNotified", "payload": {"order_id": order_id, "notification": kind}}


def test_an_order_is_done_when_every_shipment_was_told_delivered():
    orders = DeliveredOrders()
    orders.completions.since = 0
    orders.on_record("inventory.reservations", _reserved("o1", 2), 1.0)
    orders.on_record("notifications.sent", _told("o1"), 5.0)
    assert orders.completions.count == 0
    orders.on_record("notifications.sent", _told("o1", "shipped"), 5.5)
    orders.on_record("notifications.sent", _told("o1"), 6.0)
    assert orders.completions.done_at == {"o1": 6.0}


def test_a_notice_read_before_the_plan_still_counts():
    orders = DeliveredOrders()
    orders.completions.since = 0
    orders.on_record("notifications.sent", _told("o2"), 4.0)
    orders.on_record("inventory.reservations", _reserved("o2", 1), 1.0)
    assert orders.completions.done_at == {"o2": 4.0}
