"""structlog configured once per process: readable in dev, JSON in production. Per-message
context (correlation id, event id, type) is bound by the consumer, not by handlers.

JSON lines are serialised with orjson and written as bytes: at a thousand orders a second every
service writes several lines per order, and the console renderer cost three times as much.

No log line carries a customer's e-mail: log calls name orders by id, and `mask_emails` blanks
any address that still reaches a line through an error's text (a mail server refusing
<ana@example.com>, a database's duplicate key)."""

import functools
import logging
import re
import sys
from collections.abc import MutableMapping
from typing import Any

import orjson
import structlog

# Quotes, brackets and braces end an address: they are how errors quote one.
_EMAIL = re.compile(r"[\w.!#$%&*+/=?^~-]+@[\w-]+(?:\.[\w-]+)+")
MASKED_EMAIL = "<e-mail>"


def mask_emails(_: Any, __: str, event_dict: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    """A structlog processor: every e-mail address in a text value (or a list of texts) of the
    line, exception text included, becomes <e-mail>."""
    for key, value in event_dict.items():
        if isinstance(value, str):
            if "@" in value:
                event_dict[key] = _EMAIL.sub(MASKED_EMAIL, value)
        elif isinstance(value, list | tuple) and any(
            isinstance(item, str) and "@" in item for item in value
        ):
            event_dict[key] = [
                _EMAIL.sub(MASKED_EMAIL, item) if isinstance(item, str) else item for item in value
            ]
    return event_dict


def configure_logging(log_format: str = "console", level: str = "INFO") -> None:
    renderer: structlog.types.Processor
    if log_format == "json":
        # Keys that are not strings (an int-keyed dict in a log line) are written as strings, as
        # the standard json module does, instead of failing the handler that logs them.
        serialize = functools.partial(orjson.dumps, option=orjson.OPT_NON_STR_KEYS)
        renderer = structlog.processors.JSONRenderer(serializer=serialize)
        logger_factory = structlog.BytesLoggerFactory(file=sys.stderr.buffer)
    else:
        renderer = structlog.dev.ConsoleRenderer(colors=sys.stderr.isatty())
        logger_factory = structlog.PrintLoggerFactory(file=sys.stderr)  # type: ignore[assignment]
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,
            mask_emails,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level.upper())),
        logger_factory=logger_factory,
        cache_logger_on_first_use=True,
    )
