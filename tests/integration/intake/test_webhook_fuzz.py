"""Fuzzed bodies and headers against every webhook endpoint: never a 5xx, every body answered
2xx (or refused 422) is in the raw store byte for byte, and every accepted order became a
canonical order once the pipeline drained."""

import asyncio
import json
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


def bodies(channel: str) -> st.SearchStrategy[bytes]:
    return st.one_of(
        st.binary(max_size=200),
        json_values.map(lambda value: json.dumps(value).encode()),
        # Orders weigh most: every channel's accepted path must be reached in every run.
        *[order_like(channel).map(lambda value: json.dumps(value).encode())] * 4,
    )


async def test_fuzzed_webhooks_never_answer_5xx_and_every_2xx_body_is_stored(start_intake):
    intake = await start_intake()
    loop = asyncio.get_running_loop()
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
    assert stored == len(answered), "401s store nothing; everything else is stored once"

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
