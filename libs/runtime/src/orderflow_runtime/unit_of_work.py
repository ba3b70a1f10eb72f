"""What a handler gets for one message: the transaction's connection and a way to emit events."""

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import asyncpg
import structlog
from orderflow_contracts import Envelope, Event
from orderflow_contracts.topics import copies_of

from orderflow_runtime.outbox import OutgoingMessage

_log = structlog.get_logger()


def log_fields(cause: Envelope) -> dict[str, str]:
    """What every log line about a message carries: its correlation id, event id and type."""
    return {
        "correlation_id": cause.correlation_id,
        "event_id": str(cause.event_id),
        "event_type": cause.type,
    }


@dataclass
class UnitOfWork:
    """One message's share of the consumer's transaction. Emitted events go to the outbox in
    that same transaction: the effect, the inbox row and the outbox rows commit together."""

    conn: asyncpg.Connection
    source: str
    cause: Envelope | None = None
    outgoing: list[OutgoingMessage] = field(default_factory=list)
    correlation: str = ""  # for work no message caused, such as an HTTP request

    @property
    def correlation_id(self) -> str:
        return self.cause.correlation_id if self.cause else self.correlation

    @property
    def occurred_at(self) -> datetime:
        """When the message's event happened (not when it is read: behind a backlog, much
        later); for work no message caused, now."""
        return self.cause.occurred_at if self.cause else datetime.now(UTC)

    @property
    def log(self) -> Any:
        """A logger bound to this message's correlation id, event id and type: a batch handler
        logs each message's outcome through its unit, never passing the ids by hand."""
        if self.cause is None:
            return _log.bind(correlation_id=self.correlation) if self.correlation else _log
        return _log.bind(**log_fields(self.cause))

    def emit(self, topic: str, key: str, event: Event, *, correlation_id: str = "") -> Envelope:
        """The event on `topic`, and on the topics the contracts copy it to (`topics.COPIES`):
        one envelope, so a service that reads it on two of them handles it once."""
        envelope = Envelope.wrap(
            event,
            source=self.source,
            correlation_id=correlation_id or self.correlation_id or key,
            causation_id=self.cause.event_id if self.cause else None,
        )
        for each in (topic, *copies_of(topic, event.event_type)):
            self.outgoing.append(OutgoingMessage(topic=each, key=key, envelope=envelope))
        return envelope
