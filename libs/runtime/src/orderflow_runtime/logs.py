"""structlog configured once per process: readable in dev, JSON in production. Per-message
context (correlation id, event id, type) is bound by the consumer, not by handlers.

JSON lines are serialised with orjson and written as bytes: at a thousand orders a second every
service writes several lines per order, and the console renderer cost three times as much."""

import functools
import logging
import sys

import orjson
import structlog


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
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level.upper())),
        logger_factory=logger_factory,
        cache_logger_on_first_use=True,
    )
