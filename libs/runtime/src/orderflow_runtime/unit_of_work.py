"""What a handler gets for one message: the transaction's connection and a way to emit events."""

from dataclasses import dataclass, field

import asyncpg
from orderflow_contracts import Envelope, Event

from orderflow_runtime.outbox import OutgoingMessage


@dataclass
class UnitOfWork:
    """One message's share of the consumer's transaction. Emitted events go to the outbox in
    that same transaction: the effect, the inbox row and the outbox rows commit together."""

    conn: asyncpg.Connection
    source: str
    cause: Envelope | None = None
    outgoing: list[OutgoingMessage] = field(default_factory=list)

    @property
    def correlation_id(self) -> str:
        return self.cause.correlation_id if self.cause else ""

    def emit(self, topic: str, key: str, event: Event, *, correlation_id: str = "") -> Envelope:
        envelope = Envelope.wrap(
            event,
            source=self.source,
            correlation_id=correlation_id or self.correlation_id or key,
            causation_id=self.cause.event_id if self.cause else None,
        )
        self.outgoing.append(OutgoingMessage(topic=topic, key=key, envelope=envelope))
        return envelope
