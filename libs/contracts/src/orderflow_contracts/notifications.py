from orderflow_contracts.envelope import Event


class CustomerNotified(Event):
    order_id: str
    notification: str
    channel: str
    recipient: str
    language: str


class CustomerUnreachable(Event):
    """No channel reaches the customer (no e-mail, no webhook): given up at once, with why."""

    order_id: str
    notification: str
    reason: str
