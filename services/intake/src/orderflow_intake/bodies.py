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
    return checked(payload)


def checked(payload: dict[str, Any]) -> dict[str, Any]:
    """The payload, unless a text in it holds what PostgreSQL cannot store (a NUL)."""
    if path := _nul_at(payload, "body"):
        raise Refused(f"{path}: contains a NUL character (\\u0000)")
    return payload


def _nul_at(value: Any, path: str) -> str:
    """Where the first NUL character is (json.dumps writes it escaped, so look in the values)."""
    if isinstance(value, str):
        return path if "\x00" in value else ""
    if isinstance(value, dict):
        for key, item in value.items():
            if "\x00" in key:
                return f"{path}.{key!r}"
            if found := _nul_at(item, f"{path}.{key}"):
                return found
    if isinstance(value, list):
        for index, item in enumerate(value):
            if found := _nul_at(item, f"{path}[{index}]"):
                return found
    return ""
