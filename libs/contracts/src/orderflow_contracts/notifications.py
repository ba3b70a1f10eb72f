from orderflow_contracts.envelope import Event


class CustomerNotified(Event):
    order_id: str
    notification: str
    channel: str
    recipient: str
    language: str
