"""Marketplace order payloads shaped like each channel's public API documents."""

import random
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

ADDRESSES = {
    "US": {"city": "Austin", "region": "TX", "postal_code": "78701", "line1": "500 Congress Ave"},
    "DE": {"city": "Berlin", "region": "BE", "postal_code": "10115", "line1": "Invalidenstr. 1"},
    "GB": {"city": "London", "region": "LND", "postal_code": "SW1A 1AA", "line1": "10 Downing St"},
    "SG": {"city": "Singapore", "region": "", "postal_code": "018956", "line1": "10 Bayfront Ave"},
    "FR": {"city": "Paris", "region": "IDF", "postal_code": "75001", "line1": "1 Rue de Rivoli"},
}


def shopify_order(
    order_number: int,
    lines: list[tuple[str, int]],
    *,
    country: str = "US",
    email: str = "buyer@example.com",
    locale: str = "en",
    price: str = "19.90",
    address_overrides: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The orders/create webhook body of Shopify's Admin API (the fields intake reads)."""
    place = ADDRESSES.get(country, ADDRESSES["US"])
    address = {
        "first_name": "Ada",
        "last_name": "Lovelace",
        "address1": place["line1"],
        "address2": None,
        "city": place["city"],
        "province_code": place["region"],
        "zip": place["postal_code"],
        "country_code": country,
        **(address_overrides or {}),
    }
    return {
        "id": 820982911946154508 + order_number,
        "name": f"#{1000 + order_number}",
        "email": email,
        "created_at": datetime.now(UTC).isoformat(),
        "currency": "USD",
        "financial_status": "paid",
        "customer_locale": locale,
        "customer": {"first_name": "Ada", "last_name": "Lovelace", "email": email},
        "shipping_address": address,
        "line_items": [
            {"id": 466157049 + i, "sku": sku, "quantity": qty, "price": price, "title": sku}
            for i, (sku, qty) in enumerate(lines)
        ],
    }


def amazon_order(
    order_number: int,
    lines: list[tuple[str, int]],
    *,
    country: str = "US",
    email: str = "buyer@marketplace.amazon.com",
    price: str = "24.99",
) -> dict[str, Any]:
    """SP-API Orders v0: getOrder's Order and getOrderItems' OrderItems, side by side."""
    place = ADDRESSES.get(country, ADDRESSES["US"])
    now = datetime.now(UTC)
    return {
        "order": {
            "AmazonOrderId": f"902-{order_number:07d}-{order_number % 9973:07d}",
            "PurchaseDate": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "LatestShipDate": (now + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "OrderStatus": "Unshipped",
            "FulfillmentChannel": "MFN",
            "MarketplaceId": "ATVPDKIKX0DER",
            "OrderTotal": {
                "CurrencyCode": "USD",
                "Amount": str(sum(Decimal(price) * qty for _, qty in lines)),
            },
            "BuyerInfo": {"BuyerEmail": email, "BuyerName": "Grace Hopper"},
            "ShippingAddress": {
                "Name": "Grace Hopper",
                "AddressLine1": place["line1"],
                "City": place["city"],
                "StateOrRegion": place["region"],
                "PostalCode": place["postal_code"],
                "CountryCode": country,
            },
        },
        "items": [
            {
                "ASIN": f"B0{i:08d}",
                "SellerSKU": sku,
                "OrderItemId": f"{order_number}{i:04d}",
                "QuantityOrdered": qty,
                "ItemPrice": {"CurrencyCode": "USD", "Amount": str(Decimal(price) * qty)},
            }
            for i, (sku, qty) in enumerate(lines)
        ],
    }


def random_order(
    rng: random.Random, number: int, listings: dict[str, list[str]]
) -> tuple[str, dict[str, Any]]:
    channel = rng.choice(sorted(listings))
    skus = rng.sample(listings[channel], k=rng.choice((1, 1, 1, 2)))
    lines = [(sku, rng.choice((1, 1, 2))) for sku in skus]
    country = rng.choice(("US", "US", "US", "DE", "GB", "SG", "FR"))
    if channel == "amazon":
        return channel, amazon_order(number, lines, country=country)
    locale = "zh-CN" if rng.random() < 0.3 else "en"
    return channel, shopify_order(number, lines, country=country, locale=locale)
