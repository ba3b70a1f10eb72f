"""Whatever a marketplace sends, an adapter either parses it into a sound order or refuses it
with MalformedChannelPayload: no other exception may reach the consumer."""

import copy
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from orderflow_intake.adapters import CHANNELS, MalformedChannelPayload, ParsedOrder, parse
from orderflow_intake.adapters.iso import COUNTRIES, CURRENCIES, minor_units

FIXTURES = Path(__file__).parent / "fixtures"
DOCUMENTED = {
    "shopify": "shopify_orders_create_eur.json",
    "amazon": "amazon_jp_multi_quantity.json",
    "shopee": "shopee_get_order_detail.json",
    "tiktok": "tiktok_get_order_detail.json",
    "aliexpress": "aliexpress_order_info_get.json",
}
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=-(2**31), max_value=2**33)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=30)
    | st.sampled_from(["", "0", "NaN", "1e400", "-1", "2025-06-19 06:00:00", "USD", "US", "UK"])
)
json_values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=12,
)
# Values at the edges of what money, counts, codes and unix times can hold, and other types.
EXTREMES = [
    None,
    True,
    0,
    -1,
    2**31,
    2**63,
    10**30,
    -(10**30),
    1e300,
    -1e-300,
    0.1,
    float("nan"),
    float("inf"),
    "",
    "1e300",
    "1E+30",
    "-0",
    "99999999999999999999.999",
    "0.000000001",
    "uk",
    "0000-01-01 00:00:00",
    "99991231235959999+1400",
    4102444800,
    [],
    {},
]
replacements = st.sampled_from(EXTREMES) | json_values


def documented(channel: str) -> dict[str, Any]:
    return json.loads((FIXTURES / DOCUMENTED[channel]).read_text())


def _paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    children = (
        node.items()
        if isinstance(node, dict)
        else enumerate(node)
        if isinstance(node, list)
        else []
    )
    found = [prefix] if prefix else []
    for key, child in children:
        found.extend(_paths(child, (*prefix, key)))
    return found


def _parent(payload: Any, path: tuple) -> Any:
    for key in path[:-1]:
        payload = payload[key]
    return payload


@st.composite
def mutated(draw: st.DrawFn, channel: str) -> dict[str, Any]:
    """The documented payload with one to four fields dropped or replaced by any JSON value."""
    payload = documented(channel)
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        paths = _paths(payload)
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent = _parent(payload, path)
        if draw(st.booleans()):
            del parent[path[-1]]
        else:
            parent[path[-1]] = draw(replacements)
    return payload


@st.composite
def shaped_like(draw: st.DrawFn, channel: str) -> dict[str, Any]:
    """An object with the documented top-level keys, each holding any JSON value."""
    keys = list(documented(channel))
    chosen = draw(st.lists(st.sampled_from(keys), unique=True, max_size=len(keys)))
    return {key: draw(json_values) for key in chosen}


def assert_sound(order: ParsedOrder) -> None:
    assert (
        order.placed_at.utcoffset() is not None and order.placed_at.utcoffset().total_seconds() == 0
    )
    assert order.ship_by is None or order.ship_by.utcoffset().total_seconds() == 0
    assert order.version is None or order.version.utcoffset().total_seconds() == 0
    assert order.currency in CURRENCIES
    assert order.ship_to.country == "" or order.ship_to.country in COUNTRIES
    assert order.external_id
    assert order.lines
    exponent = -minor_units(order.currency)
    for line in order.lines:
        assert line.quantity > 0
        assert line.unit_price >= 0 and line.unit_price.is_finite()
        assert line.unit_price == line.unit_price.quantize(Decimal(1).scaleb(exponent))


def parse_or_refuse(channel: str, payload: Any) -> None:
    try:
        order = parse(channel, payload)
    except MalformedChannelPayload as error:
        assert str(error).startswith(f"{channel} order: ")
        return
    assert_sound(order)


@pytest.mark.parametrize("channel", CHANNELS)
def test_documented_payload_parses_soundly(channel):
    assert_sound(parse(channel, documented(channel)))


@pytest.mark.parametrize("channel", CHANNELS)
def test_every_field_dropped_or_set_to_an_edge_value_parses_or_is_malformed(channel):
    for path in _paths(documented(channel)):
        for change in ["drop", *EXTREMES]:
            payload = documented(channel)
            parent = _parent(payload, path)
            if change == "drop":
                del parent[path[-1]]
            else:
                parent[path[-1]] = copy.deepcopy(change)
            parse_or_refuse(channel, payload)


@pytest.mark.parametrize("channel", CHANNELS)
@FUZZ
@given(data=st.data())
def test_mutated_documented_payload_parses_or_is_malformed(channel, data):
    parse_or_refuse(channel, data.draw(mutated(channel)))


@pytest.mark.parametrize("channel", CHANNELS)
@FUZZ
@given(data=st.data())
def test_payload_with_documented_keys_and_any_values_parses_or_is_malformed(channel, data):
    parse_or_refuse(channel, data.draw(shaped_like(channel)))


@pytest.mark.parametrize("channel", CHANNELS)
@FUZZ
@given(payload=json_values)
def test_any_json_value_is_malformed_or_parsed(channel, payload):
    parse_or_refuse(channel, payload)


VERSIONS = {  # each documented order's version, its channel's update time
    "shopify": "2025-06-19T06:00:05+00:00",
    "amazon": "2025-06-19T06:12:40+00:00",
    "shopee": "2025-06-19T06:05:00+00:00",
    "tiktok": "2025-06-19T06:03:20+00:00",
    "aliexpress": "2025-06-19T06:05:12+00:00",  # gmt_modified, US Pacific daylight time
}


@pytest.mark.parametrize("channel", CHANNELS)
def test_documented_order_tells_its_version(channel):
    assert parse(channel, documented(channel)).version.isoformat() == VERSIONS[channel]
