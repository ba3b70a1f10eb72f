"""What every channel adapter returns, and how it says a payload is malformed."""

import functools
from collections.abc import Callable, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any, TypeVar

from orderflow_contracts.order import Address, Customer, LineProperty, OrderTotals, Value
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic_core import ErrorDetails


class ChannelLine(Value):
    channel_sku: str
    quantity: int
    unit_price: Decimal
    line_total: Decimal | None = None  # where the channel tells it: exact, unlike unit x quantity
    properties: tuple[LineProperty, ...] = ()  # what the buyer asked for it (engraving text)
    channel_item_id: str = Field(
        default="",
        description="a line without a seller SKU: the channel's own id of what it sells (Shopee"
        " `item_id:model_id`), which maps it instead",
    )

    @property
    def amount(self) -> Decimal:
        return self.unit_price * self.quantity if self.line_total is None else self.line_total


class ParsedOrder(Value):
    """A channel's order in our vocabulary, before SKUs are mapped and rules applied."""

    channel: str
    external_id: str
    customer: Customer
    ship_to: Address
    lines: tuple[ChannelLine, ...]
    currency: str = Field(description="ISO 4217; empty when the payload does not tell it")
    placed_at: datetime
    ship_by: datetime | None = None
    deliver_by: datetime | None = Field(
        default=None,
        description="the latest delivery the channel promised the buyer, where it tells one",
    )
    payment_captured: bool = True
    cancelled: str | None = Field(
        default=None,
        description='the document says the channel cancelled the order: why ("" when it does'
        " not say why); None when it is not cancelled",
    )
    order_number: str = ""  # the marketplace's own number the buyer sees, where not the id
    totals: OrderTotals | None = None
    version: datetime | None = Field(
        default=None,
        description="the channel's version of this order document (its update time), when it"
        " tells one: updates apply in version order, not arrival order",
    )


class MalformedChannelPayload(ValueError):
    pass


class PayloadProblem(Exception):
    """A payload that passed field validation but contradicts itself, found by the adapter."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


class ChannelModel(BaseModel):
    """A part of a channel's payload: fields we do not read are ignored, never refused."""

    model_config = ConfigDict(extra="ignore", frozen=True)


Adapter = Callable[[Any], ParsedOrder]
Parser = TypeVar("Parser", bound=Callable[[Any], Any])


def _field_path(loc: Sequence[int | str]) -> str:
    return ".".join(str(part) for part in loc) or "(payload)"


def _holder_of(node: Any, field: str, path: str = "", depth: int = 3) -> str | None:
    """Where, below the top level, an object holding `field` is: "order", "data.orders.0"."""
    if depth == 0:
        return None
    children = (
        node.items()
        if isinstance(node, dict)
        else enumerate(node)
        if isinstance(node, list)
        else ()
    )
    for key, child in children:
        where = f"{path}.{key}" if path else str(key)
        if isinstance(child, dict) and field in child:
            return where
        if found := _holder_of(child, field, where, depth - 1):
            return found
    return None


def how_to_fix(payload: Any, error: ErrorDetails, expected: str) -> str:
    """For a top-level field that is missing: where the payload has it instead (a body wrapped
    in an API response's envelope, `{"order": {...}}`), else what the body should be."""
    loc = error["loc"]
    if error["type"] != "missing" or len(loc) != 1:
        return ""
    holder = _holder_of(payload, str(loc[0]))
    if holder is not None:
        return (
            f" (the body has it at {holder}.{loc[0]}: post the object at {holder} itself,"
            f" not wrapped; expected {expected})"
        )
    return f" (expected {expected})"


def reports_malformed(
    channel: str, document: str = "order", expected: str = "the channel's documented object"
) -> Callable[[Parser], Parser]:
    """Every way a payload can be wrong leaves the parser as MalformedChannelPayload, whose
    message names the channel, the document (an order, an update notification) and the first
    wrong field, and for a missing top-level field how to fix the body (`expected`: what the
    body should be)."""

    def decorate(parser: Parser) -> Parser:
        @functools.wraps(parser)
        def parse(payload: Any) -> Any:
            try:
                return parser(payload)
            except ValidationError as error:
                first = error.errors()[0]
                where = _field_path(first["loc"])
                fix = how_to_fix(payload, first, expected)
                raise MalformedChannelPayload(
                    f"{channel} {document}: {where}: {first['msg']}{fix}"
                ) from error
            except PayloadProblem as problem:
                raise MalformedChannelPayload(f"{channel} {document}: {problem}") from problem

        return parse  # type: ignore[return-value]

    return decorate


def join(*parts: str | None, separator: str = " ") -> str:
    return separator.join(part.strip() for part in parts if part and part.strip())
