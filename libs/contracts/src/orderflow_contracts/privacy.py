"""A customer's right to erasure, across the services that hold their data.

An operator asks intake to erase one customer's personal data by e-mail; intake erases its own
and announces the request on `privacy.erasures`. Every other service that keeps buyer data
erases what it holds of those orders (or of that e-mail) and says so, with counts, on the same
topic; intake shows each service's progress. The e-mail itself never travels: only its digest
(`email_digest`), which each service compares with the digest of what it stored."""

import hashlib
from datetime import datetime

from pydantic import Field

from orderflow_contracts.envelope import Event
from orderflow_contracts.order import Address, Customer

# The address fields that name or find a person; country, region and the postal area stay, for
# the order's facts (accounting, KPIs, carrier zones) to keep meaning something.
ERASED_ADDRESS_FIELDS = ("name", "line1", "line2", "city", "phone")
ERASED_CUSTOMER_FIELDS = ("name", "email", "buyer_id")
POSTAL_AREA_LENGTH = 3  # what is kept of a postal code: "SW1A 1AA" -> "SW1", "94107" -> "941"

# Services that keep buyer data and answer an erasure with CustomerDataErased.
ERASING_SERVICES = ("intake", "routing", "inventory", "notifications")


def email_digest(email: str) -> str:
    """The hex SHA-256 of the trimmed, lower-cased e-mail: how an erasure names its customer.
    PostgreSQL computes the same: encode(sha256(convert_to(lower(btrim(e)), 'UTF8')), 'hex')."""
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()


def erased_address(address: Address) -> Address:
    """The address without who and where exactly: country, region and postal area kept."""
    kept = address.model_copy(update=dict.fromkeys(ERASED_ADDRESS_FIELDS, ""))
    return kept.model_copy(update={"postal_code": address.postal_code[:POSTAL_AREA_LENGTH]})


def erased_customer(customer: Customer) -> Customer:
    """The customer without name, e-mail and the channel's buyer id: only the language stays."""
    return customer.model_copy(update=dict.fromkeys(ERASED_CUSTOMER_FIELDS, ""))


class CustomerErasureRequested(Event):
    """An operator asked to erase a customer's personal data: every service holding buyer data
    erases what it keeps of `order_ids` and of the e-mail whose digest is `email_digest`."""

    erasure_id: str
    email_digest: str = Field(description="hex SHA-256 of the trimmed, lower-cased e-mail")
    order_ids: tuple[str, ...] = Field(
        default=(), description="the customer's orders intake knows of, erased by order id"
    )
    requested_at: datetime


class CustomerDataErased(Event):
    """A service erased what it held of an erasure's customer: how many records, by kind."""

    erasure_id: str
    service: str
    counts: dict[str, int] = Field(default_factory=dict)
