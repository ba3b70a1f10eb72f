"""The two kinds of failure the runtime tells apart."""

import asyncpg
from aiokafka.errors import KafkaError

# Failures of the infrastructure, not of the message: the batch is read again later instead of
# being dead-lettered.
INFRASTRUCTURE_ERRORS = (
    OSError,
    asyncpg.PostgresConnectionError,
    asyncpg.InterfaceError,
    asyncpg.CannotConnectNowError,
    # A connection the server cut mid-operation can be left in a state where every later call
    # fails with "another operation is in progress".
    asyncpg.InternalClientError,
    KafkaError,
)


class PoisonMessage(Exception):
    """Raised by a handler for a message that can never succeed: dead-lettered at once."""
