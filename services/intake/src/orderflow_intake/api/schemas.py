"""The intake API's request and response bodies: what OpenAPI at /docs describes."""

from datetime import datetime
from typing import Any, Literal

from orderflow_contracts.order import Address, CanonicalOrder
from orderflow_contracts.setup import Dimensions, LeadTime, ListingComponent, Tier
from pydantic import BaseModel, ConfigDict, Field

from orderflow_intake.screening import OperatorWaivable


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class WebhookAccepted(Body):
    raw_payload_id: int
    channel: str
    external_id: str
    order_id: str = Field(description="the canonical order id this payload becomes or updates")
    kind: str = Field(
        default="order", description="order, or update: one of the channel's update notifications"
    )
    order_status: str | None = Field(
        default=None,
        description="the order's status once intake took the body: accepted, held or"
        " cancelled; none for an update to an order intake has not received yet (kept until"
        " it arrives)",
    )
    update_status: str | None = Field(
        default=None, description="for an update: the channel's order status it tells"
    )


class Problem(Body):
    detail: Any


class Hold(Body):
    code: str
    detail: str
    held_at: datetime
    resolved_at: datetime | None = None


class OrderSummary(Body):
    order_id: str
    channel: str
    external_id: str
    status: str = Field(
        description="accepted, held, cancelled, shipped or delivered (every parcel on its way"
        " delivered; a split order with a parcel still out stays shipped)"
    )
    customer_email: str
    placed_at: datetime | None
    received_at: datetime
    updated_at: datetime
    open_holds: list[str] = Field(description="codes of the reasons it is held for now")


ChangeRequest = Literal["cancel", "address_change", "return"]
ChangeAnswer = Literal[
    "pending", "stopped", "return_started", "relabelled", "too_late", "superseded"
]


class AfterPickTask(Body):
    """A change asked after the pick task and the answer fulfillment had for one shipment."""

    shipment_id: str
    location_id: str
    request: ChangeRequest = Field(
        description="cancel: the order was cancelled; address_change: the buyer's address"
        " changed; return: a return an operator started (a refund)"
    )
    answer: ChangeAnswer = Field(
        description="pending: sent to the warehouse, no answer yet; stopped: the warehouse"
        " stopped it in time; return_started: it had left"
        " (or was returned for a refund), its return is under way; relabelled: the warehouse"
        " labelled it for the new address before it left; too_late: it left first, it goes to"
        " the old address; superseded: the shipment ended before an answer (the reason says"
        " how: 'superseded: shipment rejected', '... cancelled', '... delivered')"
    )
    reason: str
    tracking_number: str = Field(description="the parcel's, where it had left; else empty")
    at: datetime


class OrderDetail(OrderSummary):
    correlation_id: str
    accepted_at: datetime | None
    shipped_at: datetime | None
    delivered_at: datetime | None = Field(
        default=None, description="when its last parcel on its way was delivered"
    )
    cancelled_at: datetime | None
    cancel_reason: str
    waived: list[str] = Field(description="hold codes an operator released for good")
    holds: list[Hold]
    after_pick_task: list[AfterPickTask] = Field(
        description="each change after the pick task (cancellation, address change, return)"
        " with the answer for each shipment, oldest first"
    )
    order: CanonicalOrder


class OrderPage(Body):
    items: list[OrderSummary]
    total: int
    limit: int
    offset: int


class ExceptionItem(Body):
    order_id: str
    channel: str
    external_id: str
    customer_email: str
    held_since: datetime
    age_seconds: float
    reasons: list[Hold]


class ExceptionPage(Body):
    items: list[ExceptionItem]
    total: int
    limit: int
    offset: int


class Release(Body):
    note: str = ""


class AddressEdit(Body):
    ship_to: Address


class Cancellation(Body):
    reason: str = Field(min_length=1)


class Waiver(Body):
    code: OperatorWaivable = Field(
        description="the hold to settle. payment_not_captured: the channel only authorized the"
        " payment (Shopify `financial_status: authorized`, manual capture) and the seller ships"
        " on the authorization; incomplete_address, postal_code_format: the operator checked"
        " the address is deliverable as it stands; probable_duplicate: not a duplicate;"
        " totals_do_not_add_up: the seller centre shows what the buyer paid (a charge or"
        " rebate intake does not read) and the order ships as read."
        " Other holds take another action: unknown_sku a listing, unknown_country an address"
        " correction, restricted_goods a product (PUT /products) or address correction or a"
        " cancellation, unknown_currency a cancellation, unroutable a release"
    )
    reason: str = Field(min_length=1, max_length=1000, description="why, kept in the audit")


class ItemListingOut(Body):
    channel: str
    channel_item_id: str = Field(
        description="the channel's id of what a line sells (Shopee `item_id:model_id`)"
    )
    components: list[ListingComponent]


class ActionResult(Body):
    order_id: str
    status: str


class AuditEntry(Body):
    action: str
    actor: str
    at: datetime
    detail: dict[str, Any]


class ListingIn(Body):
    """What one unit of the channel SKU ships, in master SKUs: one component for a single
    product or a multi-pack, several for a bundle."""

    components: list[ListingComponent] = Field(min_length=1)


class ChannelSkuListing(ListingIn):
    channel_sku: str = Field(min_length=1)


class ListingsIn(Body):
    listings: list[ChannelSkuListing] = Field(min_length=1, max_length=500)


class ListingOut(Body):
    channel: str
    channel_sku: str
    components: list[ListingComponent]


class ProductIn(Body):
    """A master SKU: what routing weighs and measures, what screening checks, what inventory
    plans with."""

    weight_grams: int = Field(gt=0, description="packed weight")
    dimensions: Dimensions | None = Field(default=None, description="packed size")
    attributes: list[str] = Field(
        default=[],
        description="restricted-goods flags screening checks against the destination's rules"
        " (rules/restricted_goods.json), e.g. lithium_battery_loose, aerosol, e_cigarette,"
        " liquid_flammable",
    )
    tier: Tier = "regular"
    lead_time: LeadTime = LeadTime(average_days=14, longest_days=21)


class ProductOut(ProductIn):
    sku: str
    source: str = Field(description="setup (the seller setup file) or api (PUT /products)")


class RawPayload(Body):
    payload_id: int
    channel: str
    external_id: str | None
    received_at: datetime
    status: str = Field(description="accepted, rejected (could not be parsed) or failed")
    error: str | None
    headers: dict[str, str]
    body: str = Field(description="the body as received, decoded as UTF-8 with replacement")
    source: str = Field(
        description="webhook, or topic: a marketplace.orders payload no adapter could read"
    )
    kind: str = Field(description="order, or update: one of the channel's update notifications")


class ReparseResult(Body):
    status: str
    external_id: str | None = None
    error: str | None = None


class ChannelHour(Body):
    channel: str
    hour: datetime
    orders: int


class ReasonRate(Body):
    reason: str
    orders: int
    rate: float = Field(description="share of the period's orders held for this reason")


class QueueTime(Body):
    resolved: int = Field(description="holds resolved in the period")
    median_seconds: float | None
    p90_seconds: float | None


class Kpis(Body):
    since: datetime
    until: datetime
    orders: int
    orders_per_channel_per_hour: list[ChannelHour]
    exception_rate: float = Field(description="share of the period's orders ever held")
    exception_rate_by_reason: list[ReasonRate]
    time_in_exception_queue: QueueTime
    open_holds: int
