"""A webhook body, bytes to a JSON object, refused with the reason when it cannot be one that
intake can store and parse."""

import json
from typing import Any


class Refused(ValueError):
    """The body cannot become an order; the message names the field."""


def decode(body: bytes) -> dict[str, Any]:
    def no_constants(name: str) -> None:
        raise Refused(f"body: {name} is not JSON")

    try:
        payload = json.loads(body.decode("utf-8"), parse_constant=no_constants)
    except UnicodeDecodeError:
        raise Refused("body: not UTF-8") from None
    except json.JSONDecodeError as error:
        raise Refused(
            f"body: not JSON ({error.msg} at line {error.lineno} column {error.colno})"
        ) from None
    except RecursionError:
        raise Refused("body: nested too deeply") from None
    if not isinstance(payload, dict):
        raise Refused("body: not a JSON object")
    try:
        text = json.dumps(payload, ensure_ascii=False)
        text.encode()
    except (UnicodeEncodeError, RecursionError):
        raise Refused("body: contains text that is not valid Unicode") from None
    if "\x00" in text:
        raise Refused("body: contains a NUL character")  # PostgreSQL text cannot hold it
    return payload
