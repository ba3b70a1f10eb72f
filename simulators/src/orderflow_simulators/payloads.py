"""Marketplace order payloads shaped like each channel's public API documents: Shopify's
orders/create webhook, Amazon SP-API getOrder + getOrderItems, Shopee v2 get_order_detail,
TikTok Shop 202309 Get Order Detail and AliExpress aliexpress.solution.order.info.get."""

import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

ADDRESSES = {
    "US": {"city": "Austin", "region": "TX", "postal_code": "78701", "line1": "500 Congress Ave"},
    "DE": {"city": "Berlin", "region": "BE", "postal_code": "10115", "line1": "Invalidenstr. 1"},
    "GB": {"city": "London", "region": "LND", "postal_code": "SW1A 1AA", "line1": "10 Downing St"},
    "SG": {"city": "Singapore", "region": "", "postal_code": "018956", "line1": "10 Bayfront Ave"},
    "FR": {"city": "Paris", "region": "IDF", "postal_code": "75001", "line1": "1 Rue de Rivoli"},
    "MY": {
        "city": "Kuala Lumpur",
        "region": "Kuala Lumpur",
        "postal_code": "59100",
        "line1": "12 Jalan Telawi 3",
    },
}
CURRENCIES = {"US": "USD", "DE": "EUR", "GB": "GBP", "SG": "SGD", "FR": "EUR", "MY": "MYR"}
COUNTRY_NAMES = {
    "US": "United States",
    "DE": "Germany",
    "GB": "United Kingdom",
    "SG": "Singapore",
    "FR": "France",
    "MY": "Malaysia",
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
            "LatestDeliveryDate": (now + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M:%SZ"),
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


def _unix(moment: datetime) -> int:
    return int(moment.timestamp())


def shopee_order(
    order_number: int,
    lines: list[tuple[str, int]],
    *,
    country: str = "SG",
    price: str = "24.90",
    status: str = "READY_TO_SHIP",
) -> dict[str, Any]:
    """One order of Shopee v2 get_order_detail's order_list (the fields intake reads)."""
    place = ADDRESSES.get(country, ADDRESSES["SG"])
    now = datetime.now(UTC)
    total = float(sum(Decimal(price) * qty for _, qty in lines))
    return {
        "order_sn": f"SIM{order_number:011d}",
        "region": country,
        "currency": CURRENCIES.get(country, "USD"),
        "cod": False,
        "order_status": status,
        "create_time": _unix(now),
        "pay_time": _unix(now),
        "days_to_ship": 2,
        "ship_by_date": _unix(now + timedelta(days=2)),
        "edt_from": _unix(now + timedelta(days=4)),
        "edt_to": _unix(now + timedelta(days=7)),
        "buyer_username": "ada.lovelace",
        "recipient_address": {
            "name": "Ada Lovelace",
            "phone": "******123",
            "town": "",
            "district": "",
            "city": place["city"],
            "state": place["region"],
            "region": country,
            "zipcode": place["postal_code"],
            "full_address": f"{place['line1']}, {place['postal_code']} {place['city']}",
        },
        "item_list": [
            {
                "item_id": 23145678000 + i,
                "item_name": sku,
                "item_sku": sku,
                "model_id": 0,
                "model_sku": sku,
                "model_quantity_purchased": qty,
                "model_original_price": float(price),
                "model_discounted_price": float(price),
            }
            for i, (sku, qty) in enumerate(lines)
        ],
        # get_escrow_detail's order_income for the order, which the poller attaches: what the
        # buyer paid, itemised (no vouchers, coins or shipping fee here).
        "order_income": {
            "buyer_total_amount": total,
            "original_price": total,
            "seller_discount": 0,
            "voucher_from_seller": 0,
            "coins": 0,
            "buyer_paid_shipping_fee": 0,
        },
    }


def tiktok_order(
    order_number: int,
    lines: list[tuple[str, int]],
    *,
    country: str = "US",
    price: str = "19.90",
    status: str = "AWAITING_SHIPMENT",
) -> dict[str, Any]:
    """One order of TikTok Shop's 202309 Get Order Detail: one line item per unit sold."""
    place = ADDRESSES.get(country, ADDRESSES["US"])
    currency = CURRENCIES.get(country, "USD")
    now = datetime.now(UTC)
    units = [sku for sku, qty in lines for _ in range(qty)]
    total = str(Decimal(price) * len(units))
    return {
        "id": str(576486316948490000 + order_number),
        "status": status,
        "create_time": _unix(now),
        "paid_time": _unix(now),
        "rts_sla_time": _unix(now + timedelta(days=2)),
        "shipping_due_time": _unix(now + timedelta(days=3)),
        "delivery_due_time": _unix(now + timedelta(days=10)),
        "buyer_email": f"buyer{order_number}@scs2.tiktok.com",
        "payment": {"currency": currency, "sub_total": total, "total_amount": total},
        "recipient_address": {
            "name": "Grace Hopper",
            "first_name": "Grace",
            "last_name": "Hopper",
            "address_line1": place["line1"],
            "address_line2": "",
            "postal_code": place["postal_code"],
            "region_code": country,
            "district_info": [
                {
                    "address_level": "L0",
                    "address_level_name": "Country",
                    "address_name": COUNTRY_NAMES.get(country, country),
                },
                {
                    "address_level": "L1",
                    "address_level_name": "State",
                    "address_name": place["region"],
                },
                {
                    "address_level": "L3",
                    "address_level_name": "City",
                    "address_name": place["city"],
                },
            ],
        },
        "line_items": [
            {
                "id": f"{order_number}{i:04d}",
                "seller_sku": sku,
                "original_price": price,
                "sale_price": price,
                "currency": currency,
            }
            for i, sku in enumerate(units)
        ],
    }


@cache
def _us_pacific() -> timezone | ZoneInfo:
    try:
        return ZoneInfo("America/Los_Angeles")
    except ZoneInfoNotFoundError:  # no tz database: standard time is at most an hour off
        return timezone(timedelta(hours=-8))


def _aliexpress_time(moment: datetime) -> str:
    return moment.astimezone(_us_pacific()).strftime("%Y-%m-%d %H:%M:%S")


def aliexpress_order(
    order_number: int,
    lines: list[tuple[str, int]],
    *,
    country: str = "US",
    price: str = "12.50",
    status: str = "WAIT_SELLER_SEND_GOODS",
) -> dict[str, Any]:
    """aliexpress.solution.order.info.get's order detail; times in US Pacific time."""
    place = ADDRESSES.get(country, ADDRESSES["US"])
    now = datetime.now(UTC)
    total = sum(Decimal(price) * qty for _, qty in lines)
    return {
        "id": 8000000000000000 + order_number,
        "gmt_create": _aliexpress_time(now),
        "gmt_pay_success": _aliexpress_time(now),
        "order_status": status,
        "fund_status": "PAY_SUCCESS",
        "buyer_signer_fullname": "Alan Turing",
        "order_amount": {"amount": str(total), "currency_code": "USD"},
        "receipt_address": {
            "contact_person": "Alan Turing",
            "address": place["line1"],
            "address2": "",
            "city": place["city"],
            "province": place["region"],
            "zip": place["postal_code"],
            "country": country,
        },
        "child_order_list": {
            "global_aeop_tp_child_order_dto": [
                {
                    "id": 8000000000000000 + order_number * 100 + i,
                    "sku_code": sku,
                    "product_count": qty,
                    "product_price": {"amount": price, "currency_code": "USD"},
                    "goods_prepare_time": 3,
                }
                for i, (sku, qty) in enumerate(lines)
            ]
        },
    }


Builder = Callable[..., dict[str, Any]]
BUILDERS: dict[str, Builder] = {
    "shopify": shopify_order,
    "amazon": amazon_order,
    "shopee": shopee_order,
    "tiktok": tiktok_order,
    "aliexpress": aliexpress_order,
}
_EXTERNAL_IDS: dict[str, Callable[[dict[str, Any]], str]] = {
    "shopify": lambda payload: str(payload["id"]),
    "amazon": lambda payload: str(payload["order"]["AmazonOrderId"]),
    "shopee": lambda payload: str(payload["order_sn"]),
    "tiktok": lambda payload: str(payload["id"]),
    "aliexpress": lambda payload: str(payload["id"]),
}


def external_id(channel: str, payload: dict[str, Any]) -> str:
    """The marketplace's own id of the order in a payload built here."""
    return _EXTERNAL_IDS[channel](payload)


_SHOPEE_COUNTRIES = ("SG", "SG", "MY")
_OTHER_COUNTRIES = ("US", "US", "US", "DE", "GB", "SG", "FR")


def random_order(
    rng: random.Random, number: int, listings: dict[str, list[str]]
) -> tuple[str, dict[str, Any]]:
    """An order of a random channel among those listed that a payload can be built for."""
    channel = rng.choice(sorted(set(listings) & set(BUILDERS)))
    listed = listings[channel]
    skus = rng.sample(listed, k=min(len(listed), rng.choice((1, 1, 1, 2))))
    lines = [(sku, rng.choice((1, 1, 2))) for sku in skus]
    if channel == "shopee":
        return channel, shopee_order(number, lines, country=rng.choice(_SHOPEE_COUNTRIES))
    country = rng.choice(_OTHER_COUNTRIES)
    if channel == "shopify":  # every buyer is another person: no probable duplicates
        locale = "zh-CN" if rng.random() < 0.3 else "en"
        return channel, shopify_order(
            number, lines, country=country, locale=locale, email=f"buyer{number}@example.com"
        )
    if channel == "amazon":
        return channel, amazon_order(
            number, lines, country=country, email=f"buyer{number}@marketplace.amazon.com"
        )
    return channel, BUILDERS[channel](number, lines, country=country)
