"""Fuzzed bodies and headers against every webhook endpoint: never a 5xx, every body answered
2xx (or refused 422) is in the raw store byte for byte, and every accepted order became a
canonical order once the pipeline drained. One order's versions posted in any order end in
version order, nothing stalled and every stale document kept with its reason."""

import asyncio
import copy
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from orderflow_intake.api.webhooks import CHANNELS, sign
from orderflow_simulators import payloads

from tests.integration.intake.conftest import CHANNEL_SECRET, SHOPIFY_SECRET

pytestmark = [
    pytest.mark.integration,
    # The service's own tasks (Kafka client, relay) use `random` on the event loop while
    # hypothesis draws in its thread; hypothesis mistakes that for the strategies' doing.
    pytest.mark.filterwarnings("ignore::hypothesis.errors.HypothesisDeprecationWarning"),
]

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
header_text = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=40)


# A SKU the demo seller lists on each channel; "NOPE" and "" are not listed anywhere.
LISTED_SKU = {
    "shopify": "MUG-RED",
    "amazon": "AMZ-LAMP",
    "shopee": "SHP-MUG-RED",
    "tiktok": "TTS-MUG-RED",
    "aliexpress": "AE-MUG-RED",
}


@st.composite
def order_like(draw: st.DrawFn, channel: str) -> dict[str, Any]:
    """A valid order in the channel's own shape (so its endpoint's accepted path is fuzzed
    too), then maybe broken in one place."""
    number = draw(st.integers(min_value=1, max_value=10**9))
    lines = draw(
        st.lists(
            st.tuples(st.sampled_from([LISTED_SKU[channel], "NOPE", ""]), st.integers(0, 5)),
            min_size=0,
            max_size=3,
        )
    )
    valid_lines = [(sku, quantity + 1) for sku, quantity in lines] or [(LISTED_SKU[channel], 1)]
    chosen = lines if draw(st.integers(0, 4)) == 0 else valid_lines
    order = payloads.BUILDERS[channel](number, chosen)
    if draw(st.booleans()):
        key = draw(st.sampled_from(sorted(order)))
        if draw(st.booleans()):
            del order[key]
        else:
            order[key] = draw(json_values)
    return order


# The fuzzed intake's body limit, low so that oversized bodies stay cheap to post.
MAX_BODY_BYTES = 20_000


@st.composite
def oversized(draw: st.DrawFn, channel: str) -> bytes:
    """A valid order made larger than the limit by one of its own text fields."""
    order = draw(order_like(channel))
    order["padding"] = "x" * (MAX_BODY_BYTES + draw(st.integers(0, 1_000)))
    return json.dumps(order).encode()


@st.composite
def nul_bearing(draw: st.DrawFn, channel: str) -> bytes:
    """A valid order with a NUL in one of its text values (PostgreSQL's text cannot hold it)."""
    order = draw(order_like(channel))
    texts = [key for key, value in order.items() if isinstance(value, str)] or ["note"]
    key = draw(st.sampled_from(sorted(texts)))
    order[key] = f"{order.get(key, '')}\u0000"
    return json.dumps(order).encode()


def bodies(channel: str) -> st.SearchStrategy[bytes]:
    return st.one_of(
        st.binary(max_size=200),
        json_values.map(lambda value: json.dumps(value).encode()),
        oversized(channel),
        nul_bearing(channel),
        # Orders weigh most: every channel's accepted path must be reached in every run.
        *[order_like(channel).map(lambda value: json.dumps(value).encode())] * 4,
    )


async def test_fuzzed_webhooks_never_answer_5xx_and_every_2xx_body_is_stored(start_intake):
    intake = await start_intake(max_body_bytes=MAX_BODY_BYTES)
    loop = asyncio.get_running_loop()
    too_large: list[int] = []
    answered: list[tuple[str, int, int, bytes]] = []
    accepted_orders: dict[str, set[str]] = {}  # order id -> the Shopify topics it was posted with

    def post(channel: str, body: bytes, headers: dict[str, str]) -> httpx.Response:
        request = intake.http.post(f"/webhooks/{channel}", content=body, headers=headers)
        return asyncio.run_coroutine_threadsafe(request, loop).result(timeout=30)

    def a_clean_order(channel: str) -> Any:
        body = json.dumps(payloads.BUILDERS[channel](1, [(LISTED_SKU[channel], 1)])).encode()
        return example(
            channel_and_body=(channel, body),
            signature="right",
            garbage="",
            topic="orders/create",
            extra={},
        )

    # Random draws reach a channel's accepted path only a few times in 200; these make sure.
    @a_clean_order("shopify")
    @a_clean_order("amazon")
    @a_clean_order("shopee")
    @a_clean_order("tiktok")
    @a_clean_order("aliexpress")
    @settings(
        max_examples=200,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(
        channel_and_body=st.sampled_from(CHANNELS).flatmap(
            lambda channel: st.tuples(st.just(channel), bodies(channel))
        ),
        signature=st.sampled_from(["right", "right", "right", "wrong", "missing", "garbage"]),
        garbage=header_text,
        topic=st.sampled_from(["", "orders/create", "orders/updated", "orders/cancelled"])
        | header_text,
        extra=st.dictionaries(
            st.sampled_from(["X-Request-Id", "User-Agent", "X-Shopify-Shop-Domain"]), header_text
        ),
    )
    def fuzz(channel_and_body, signature, garbage, topic, extra) -> None:
        channel, body = channel_and_body
        name = "X-Shopify-Hmac-Sha256" if channel == "shopify" else "X-Orderflow-Hmac-Sha256"
        secret = SHOPIFY_SECRET if channel == "shopify" else CHANNEL_SECRET
        headers = {**extra, "X-Shopify-Topic": topic}
        if signature == "right":
            headers[name] = sign(secret, body)
        elif signature == "wrong":
            headers[name] = sign("another secret", body)
        elif signature == "garbage":
            headers[name] = garbage
        response = post(channel, body, headers)
        assert response.status_code < 500, (response.status_code, response.text, body)
        if response.status_code == 401:
            assert signature != "right"
            return
        if response.status_code == 413:
            assert len(body) > MAX_BODY_BYTES, len(body)
            too_large.append(len(body))
            return
        assert len(body) <= MAX_BODY_BYTES, "a body over the limit was let in"
        assert response.status_code in (202, 422), (response.status_code, response.text)
        answer = response.json()
        payload_id = (
            answer["raw_payload_id"]
            if response.status_code == 202
            else answer["detail"]["raw_payload_id"]
        )
        answered.append((channel, response.status_code, payload_id, body))
        if response.status_code == 202 and answer["kind"] == "order":
            shopify_topic = topic if channel == "shopify" else ""
            accepted_orders.setdefault(answer["order_id"], set()).add(shopify_topic)

    await asyncio.to_thread(fuzz)

    accepted = {channel for channel, status, _, _ in answered if status == 202}
    assert accepted == set(CHANNELS), f"no fuzzed order was accepted on {set(CHANNELS) - accepted}"
    assert any(status == 422 for _, status, _, _ in answered), "no fuzzed order was refused"
    for _, status, payload_id, body in answered:
        row = await intake.db.fetchrow(
            "SELECT status, body FROM raw_payloads WHERE payload_id = $1", payload_id
        )
        assert row is not None and bytes(row["body"]) == body
        assert row["status"] == ("accepted" if status == 202 else "rejected")
    stored = await intake.db.fetchval("SELECT count(*) FROM raw_payloads")
    assert stored == len(answered), "401s and 413s store nothing; everything else once"
    assert too_large, "no oversized body was posted"

    # Nothing stalls: every row the fuzz put in the outbox leaves it (sent, or set aside with
    # its refusal), so the relay still publishes for every channel.
    for _ in range(300):
        unsent = await intake.db.fetchval(
            "SELECT count(*) FROM outbox WHERE sent_at IS NULL AND refused_at IS NULL"
        )
        if unsent == 0:
            break
        await asyncio.sleep(0.1)
    assert unsent == 0, f"{unsent} outbox rows still waiting: the relay stalled"

    # Never lose an accepted payload: each accepted order is a canonical order, accepted or held
    # (cancelled only where Shopify said orders/cancelled), as soon as it was answered 202.
    async def canonical_orders() -> dict[str, str]:
        rows = await intake.db.fetch(
            "SELECT order_id, status FROM orders WHERE order_id = ANY($1::text[])",
            list(accepted_orders),
        )
        return {row["order_id"]: row["status"] for row in rows}

    statuses = await canonical_orders()
    lost = sorted(accepted_orders.keys() - statuses.keys())
    assert not lost, f"accepted with 202 but never became an order: {lost}"
    for order_id, topics_sent in accepted_orders.items():
        status = statuses[order_id]
        cancelled_by_channel = status == "cancelled" and "orders/cancelled" in topics_sent
        assert status in ("accepted", "held") or cancelled_by_channel, (order_id, status)


# --- one order's versions, posted in any order ------------------------------------------------

NOTIFICATION_FIXTURES = Path(__file__).parents[2] / "unit" / "intake" / "fixtures"
PAID_NOTIFICATION = {  # a paid status, in each channel's documented notification
    "amazon": ("amazon_order_change_notification.json", "Unshipped"),
    "shopee": ("shopee_push_order_status.json", "READY_TO_SHIP"),
    "tiktok": ("tiktok_webhook_order_status_change.json", "AWAITING_SHIPMENT"),
    "aliexpress": ("aliexpress_order_status_message.json", "WAIT_SELLER_SEND_GOODS"),
}
SHOPIFY_TOPICS = ("orders/create", "orders/updated", "orders/paid")


def _versioned_order(channel: str, base: dict[str, Any], version: datetime, street: str) -> dict:
    """The channel's order document at `version`, shipping to `street`."""
    order = copy.deepcopy(base)
    if channel == "shopify":
        order["updated_at"] = version.isoformat()
        order["shipping_address"]["address1"] = street
    elif channel == "amazon":
        order["order"]["LastUpdateDate"] = version.strftime("%Y-%m-%dT%H:%M:%SZ")
        order["order"]["ShippingAddress"]["AddressLine1"] = street
    elif channel == "shopee":
        order["update_time"] = int(version.timestamp())
        order["recipient_address"]["full_address"] = street
    elif channel == "tiktok":
        order["update_time"] = int(version.timestamp())
        order["recipient_address"]["address_line1"] = street
    else:
        order["gmt_modified"] = payloads._aliexpress_time(version)
        order["receipt_address"]["address"] = street
    return order


def _paid_notification(channel: str, external_id: str, version: datetime) -> dict:
    """The channel's documented paid-status notification about the order, at `version`."""
    name, status = PAID_NOTIFICATION[channel]
    body = json.loads((NOTIFICATION_FIXTURES / name).read_text())
    unix = int(version.timestamp())
    if channel == "amazon":
        change = body["Payload"]["OrderChangeNotification"]
        change["AmazonOrderId"], change["Summary"]["OrderStatus"] = external_id, status
        change["OrderChangeTrigger"]["TimeOfOrderChange"] = version.strftime("%Y-%m-%dT%H:%M:%SZ")
    elif channel == "shopee":
        body["data"].update(ordersn=external_id, status=status, update_time=unix)
    elif channel == "tiktok":
        body["data"].update(order_id=external_id, order_status=status, update_time=unix)
    else:
        body["data"].update(orderId=int(external_id), orderStatus=status)
        body["timestamp"] = unix
    return body


@dataclass(frozen=True)
class Posted:
    """One document of an order's history: its body, version, street (None: a notification
    without an address) and Shopify topic."""

    body: dict[str, Any]
    version: datetime
    street: str | None
    topic: str = ""


@st.composite
def shuffled_history(draw: st.DrawFn, channel: str, number: int) -> list[Posted]:
    """An order's documents at distinct versions (each order document at its own address; the
    other channels' paid notifications too), in a drawn arrival order, resends included."""
    base = payloads.BUILDERS[channel](number, [(LISTED_SKU[channel], 1)])
    external_id = payloads.external_id(channel, base)
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)
    steps = draw(st.lists(st.integers(1, 600), min_size=2, max_size=6, unique=True))
    history = []
    for index, seconds in enumerate(sorted(steps)):
        version = start + timedelta(seconds=seconds)
        notification = channel != "shopify" and index > 0 and draw(st.booleans())
        if notification:
            history.append(Posted(_paid_notification(channel, external_id, version), version, None))
            continue
        street = f"{index + 1} Version Street"
        topic = draw(st.sampled_from(SHOPIFY_TOPICS)) if channel == "shopify" else ""
        body = _versioned_order(channel, base, version, street)
        addressed = street if topic != "orders/paid" else None
        history.append(Posted(body, version, addressed, topic))
    history += draw(st.lists(st.sampled_from(history), max_size=2))  # channels resend
    return draw(st.permutations(history))


def _expected(history: list[Posted]) -> tuple[str, list[bool]]:
    """Version order, whatever the arrival: the street the order ends at, and which documents
    are set aside as stale (older than one that arrived before them, once the order exists)."""
    street, newest, stale = "", None, []
    exists = False
    for posted in history:
        is_order = posted.street is not None or posted.topic == "orders/paid"
        older = exists and newest is not None and posted.version < newest
        stale.append(older)
        if not older:
            if posted.street is not None and (not exists or posted.topic != "orders/paid"):
                street = posted.street
            elif not exists and is_order:
                street = posted.body["shipping_address"]["address1"]
        exists = exists or is_order
        newest = posted.version if newest is None else max(newest, posted.version)
    return street, stale


async def test_an_orders_versions_posted_in_any_order_end_in_version_order(start_intake):
    """Nothing stalls (every post answered, the outbox drains, nothing stays parked); every 202
    is a canonical order or a kept raw payload with its reason; the order ships to the address
    of its newest version, and each stale document is kept saying so."""
    intake = await start_intake()
    loop = asyncio.get_running_loop()
    numbers = iter(range(5000, 10**6))

    def run(coroutine: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, loop).result(timeout=60)

    @settings(
        max_examples=30, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    @given(data=st.data())
    def fuzz(data: st.DataObject) -> None:
        channel = data.draw(st.sampled_from(CHANNELS))
        history = data.draw(shuffled_history(channel, next(numbers)))
        answers = []
        for posted in history:
            headers = {"X-Shopify-Topic": posted.topic} if posted.topic else {}
            answer = run(intake.post_webhook(channel, posted.body, headers=headers))
            assert answer.status_code == 202, answer.text
            answers.append(answer.json())
        run(intake.settled())
        order_id = answers[0]["order_id"]
        street, stale = _expected(history)
        row = run(intake.db.fetchrow("SELECT canonical FROM orders WHERE order_id = $1", order_id))
        assert row is not None, "every document of the order was answered 202: it is an order"
        assert json.loads(row["canonical"])["ship_to"]["line1"].startswith(street), (
            channel,
            history,
        )
        for answer, set_aside in zip(answers, stale, strict=True):
            kept = run(
                intake.db.fetchrow(
                    "SELECT status, error FROM raw_payloads WHERE payload_id = $1",
                    answer["raw_payload_id"],
                )
            )
            assert kept["status"] == "accepted"
            assert (kept["error"] or "").startswith("stale") == set_aside, (kept, history)
        parked = run(intake.db.fetchval("SELECT count(*) FROM parked_updates"))
        assert parked == 0, "an update waits for an order that arrived"

    await asyncio.to_thread(fuzz)
