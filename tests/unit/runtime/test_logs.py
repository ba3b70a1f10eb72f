"""Production logs: one JSON object per line on stderr, with the bound correlation id."""

import json
import subprocess
import sys

LOG_ONE_LINE = """
import structlog
from orderflow_runtime.logs import configure_logging
configure_logging("json")
structlog.contextvars.bind_contextvars(correlation_id="order-7")
structlog.get_logger().info("reservation.reserved", units={1: 2}, skus=["MUG-RED"])
"""


def test_a_json_log_line_carries_the_correlation_id_and_survives_int_keys() -> None:
    done = subprocess.run(
        [sys.executable, "-c", LOG_ONE_LINE], capture_output=True, text=True, check=True
    )
    line = json.loads(done.stderr)
    assert line["event"] == "reservation.reserved"
    assert line["correlation_id"] == "order-7"
    assert line["units"] == {"1": 2}
    assert line["level"] == "info"


LOG_AN_ADDRESS = """
import structlog
from orderflow_runtime.logs import configure_logging
configure_logging("json")
log = structlog.get_logger()
log.error(
    "notification.failed",
    error="SMTPRecipientsRefused({'Ana.Silva+x@mail.example.com': (550, b'no such user')})",
    recipients=["bo@example.org", 3],
    actor="ops",
)
try:
    raise ValueError("duplicate key (email)=(lin@example.com)")
except ValueError:
    log.exception("store.failed")
"""


def test_no_log_line_carries_an_email_address() -> None:
    done = subprocess.run(
        [sys.executable, "-c", LOG_AN_ADDRESS], capture_output=True, text=True, check=True
    )
    failed, raised = (json.loads(line) for line in done.stderr.splitlines())
    assert failed["error"] == "SMTPRecipientsRefused({'<e-mail>': (550, b'no such user')})"
    assert failed["recipients"] == ["<e-mail>", 3]
    assert failed["actor"] == "ops"
    assert "lin@example.com" not in raised["exception"]
    assert "(email)=(<e-mail>)" in raised["exception"]
