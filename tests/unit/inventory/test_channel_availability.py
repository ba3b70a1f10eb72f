"""What each channel may show: eligible locations only, less the channel's buffer."""

from orderflow_contracts.setup import ChannelPolicy, Location
from orderflow_inventory.domain import channel_availability

LOCATIONS = {
    "cn": Location(location_id="cn", kind="own", country="CN"),  # serves every channel
    "us": Location(location_id="us", kind="overseas", country="US", channels=("amazon", "shopify")),
    "de": Location(location_id="de", kind="3pl", country="DE", channels=("shopify",)),
}
AVAILABLE = {"cn": 10, "us": 20, "de": 30}


def shown(*policies: ChannelPolicy) -> dict[str, int]:
    return {c.channel: c.available for c in channel_availability(AVAILABLE, LOCATIONS, policies)}


def test_a_location_not_eligible_for_a_channel_does_not_count_for_it() -> None:
    assert shown(
        ChannelPolicy(channel="shopify"),
        ChannelPolicy(channel="amazon"),
        ChannelPolicy(channel="tiktok"),
    ) == {"shopify": 60, "amazon": 30, "tiktok": 10}


def test_a_buffer_in_units_changes_only_that_channel() -> None:
    assert shown(
        ChannelPolicy(channel="shopify", buffer_units=5), ChannelPolicy(channel="amazon")
    ) == {
        "shopify": 55,
        "amazon": 30,
    }


def test_a_buffer_in_percent_rounds_in_the_sellers_favour() -> None:
    assert shown(ChannelPolicy(channel="amazon", buffer_percent=15)) == {"amazon": 25}  # 30 - 4.5↑


def test_a_channel_never_shows_less_than_nothing() -> None:
    assert shown(ChannelPolicy(channel="tiktok", buffer_units=50)) == {"tiktok": 0}


def test_negative_figures_at_a_location_do_not_eat_into_others() -> None:
    levels = channel_availability({"cn": -3, "us": 4}, LOCATIONS, [ChannelPolicy(channel="amazon")])
    assert [(c.channel, c.available) for c in levels] == [("amazon", 4)]
