"""What customers and the seller want to hear, and when: changed at once, without a restart."""

from datetime import datetime
from string import Template
from typing import Annotated, Self

from fastapi import APIRouter, HTTPException, Path
from orderflow_runtime import RunningService
from orderflow_runtime.http import Actor
from pydantic import BaseModel, Field, model_validator

from orderflow_notifications import preferences, store, templates
from orderflow_notifications.outgoing import RETURN_URL_FIELDS
from orderflow_notifications.unsubscribe import Links

Hour = Annotated[int, Field(ge=0, le=23)]
Email = Annotated[str, Path(min_length=3, max_length=320, pattern=r"^[^@\s]+@[^@\s]+$")]


class QuietHoursBoth(BaseModel):
    quiet_from: Hour | None = Field(
        default=None, description="local hour quiet hours begin (with quiet_until; both or none)"
    )
    quiet_until: Hour | None = Field(
        default=None, description="local hour they end; before quiet_from: across midnight"
    )

    @model_validator(mode="after")
    def _both_or_none(self) -> Self:
        if (self.quiet_from is None) != (self.quiet_until is None):
            raise ValueError("quiet_from and quiet_until go together: give both, or neither")
        if self.quiet_from is not None and self.quiet_from == self.quiet_until:
            raise ValueError("quiet_from equals quiet_until: that is no quiet hours; give neither")
        return self


class CustomerPreferences(QuietHoursBoth):
    opted_out: bool = Field(default=False, description="no message at all")
    kinds_off: list[str] = Field(
        default=[], description=f"messages they do not want, of: {', '.join(templates.KINDS)}"
    )
    time_zone: str | None = Field(
        default=None,
        description="IANA zone, e.g. Asia/Tokyo; unset: the zone of the destination country",
    )

    @model_validator(mode="after")
    def _known(self) -> Self:
        if unknown := sorted(set(self.kinds_off) - set(templates.KINDS)):
            raise ValueError(f"kinds_off: {', '.join(unknown)} unknown; kinds: {templates.KINDS}")
        if self.time_zone and preferences.zone_of("", self.time_zone).key != self.time_zone:
            raise ValueError(f"time_zone: {self.time_zone!r} is no IANA zone (e.g. Asia/Tokyo)")
        return self


class SellerPreferences(QuietHoursBoth):
    confirm_channels: list[str] = Field(
        default=[],
        description="sales channels whose buyers hear 'confirmed' (marketplaces confirm orders"
        " themselves: usually only the seller's own store)",
    )
    return_urls: dict[str, str] = Field(
        default={},
        description="the return portal a 'delivered' message links to, by sales channel ('*':"
        ' any other), e.g. {"shopify": "https://shop.example/returns?order=$external_id"};'
        f" placeholders: {', '.join(sorted('$' + f for f in RETURN_URL_FIELDS))}. A channel"
        " with none: the message has no return link",
    )

    @model_validator(mode="after")
    def _return_urls_read(self) -> Self:
        for channel, url in self.return_urls.items():
            template = Template(url)
            unknown = set(template.get_identifiers()) - RETURN_URL_FIELDS
            if not url.startswith(("https://", "http://")) or unknown or not template.is_valid():
                raise ValueError(
                    f"return_urls[{channel!r}]: {url!r} is no http(s) URL with placeholders of"
                    f" {', '.join(sorted('$' + f for f in RETURN_URL_FIELDS))}"
                )
        return self


class Recorded(BaseModel):
    updated_at: datetime
    updated_by: str


class CustomerPreferencesView(CustomerPreferences, Recorded):
    email: str


class SellerPreferencesView(SellerPreferences, Recorded):
    pass


def router(service: RunningService, links: Links) -> APIRouter:
    api = APIRouter(tags=["preferences"])

    @api.get("/customers/{email}/preferences", summary="What one customer wants to hear")
    async def customer(email: Email) -> CustomerPreferencesView:
        async with service.pool.acquire() as conn:
            row = await store.customer_preferences(conn, email)
        if row is None:
            raise HTTPException(404, f"{email} has set no preferences: they hear everything")
        return CustomerPreferencesView.model_validate(dict(row))

    @api.put(
        "/customers/{email}/preferences",
        summary="Set what one customer wants to hear: opt-out, kinds, quiet hours, time zone",
        description="Applies to every message not yet sent, from the next sending round. What"
        " it turns off (everything, when opted out) is also the customer's entry on the"
        " suppression list, which outlives an erasure of their data (a keyed hash, no address).",
    )
    async def set_customer(
        email: Email, wanted: CustomerPreferences, actor: Actor
    ) -> CustomerPreferencesView:
        off = sorted(templates.KINDS if wanted.opted_out else set(wanted.kinds_off))
        async with service.pool.acquire() as conn, conn.transaction():
            row = await store.set_customer_preferences(conn, email, wanted.model_dump(), actor)
            await store.replace_suppression(conn, links.email_key(email), off)
        return CustomerPreferencesView.model_validate(dict(row))

    @api.get(
        "/preferences", summary="The seller's: who hears 'confirmed', quiet hours, return portals"
    )
    async def seller() -> SellerPreferencesView:
        async with service.pool.acquire() as conn:
            row = await store.seller_preferences(conn)
        return SellerPreferencesView.model_validate(row)

    @api.put("/preferences", summary="Set the seller's; a customer's own quiet hours win")
    async def set_seller(wanted: SellerPreferences, actor: Actor) -> SellerPreferencesView:
        async with service.pool.acquire() as conn:
            row = await store.set_seller_preferences(conn, wanted.model_dump(), actor)
        return SellerPreferencesView.model_validate(row)

    return api
