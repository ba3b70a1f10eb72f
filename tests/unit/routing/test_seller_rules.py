"""The rules a seller sets on top of cost: location priority, same market first, never split
for a channel, carriers allowed or denied per channel or destination."""

from decimal import Decimal

import pytest
from orderflow_contracts.order import OrderLine
from orderflow_contracts.setup import CarrierRule, RoutingRules
from orderflow_routing.domain import Network

from tests.unit.routing.test_planning import SETUP, plan

MUG = (OrderLine(sku="MUG-RED", quantity=1, unit_price=Decimal("10.00")),)
EVERYWHERE = {("MUG-RED", loc): 5 for loc in ("us-ontario", "cn-shenzhen", "de-3pl")}


def network(rules: RoutingRules, **priorities: int) -> Network:
    setup = SETUP.model_copy(
        update={
            "routing": rules,
            "locations": tuple(
                location.model_copy(
                    update={"priority": priorities.get(location.location_id.replace("-", "_"), 0)}
                )
                for location in SETUP.locations
            ),
        }
    )
    return Network.from_setup(setup)


def decide(net: Network, country: str, stock=EVERYWHERE, channel: str = "shopify", lines=MUG):
    return plan(lines, country, stock, net, channel)


def chosen(decision) -> list[tuple[str, str]]:
    return [(s.location_id, s.quote.service.carrier) for s in decision.shipments]


def test_without_rules_the_cheapest_location_ships():
    # To the US: Ontario by USPS (5.90) beats Shenzhen's cheapest (3.10 + 7.50 = 10.60).
    assert chosen(decide(network(RoutingRules()), "US")) == [("us-ontario", "usps")]


def test_a_preferred_location_ships_although_it_costs_more_and_the_reason_says_so():
    decision = decide(network(RoutingRules(), cn_shenzhen=-1), "US")

    assert chosen(decision) == [("cn-shenzhen", "yunexpress")]
    assert decision.reason == (
        "one shipment from cn-shenzhen: the seller prefers it (priority -1) to us-ontario,"
        " which costs 4.70 less"
    )
    [shenzhen] = [c for c in decision.candidates if c["location_id"] == "cn-shenzhen"]
    assert shenzhen["preference"] == "priority -1"


def test_same_market_first_comes_before_priority():
    # Shenzhen is the seller's first priority; an order to Germany still ships from the German
    # 3PL when the seller ships same-market first, and from Shenzhen when not.
    same_market = decide(network(RoutingRules(same_market_first=True), cn_shenzhen=-5), "DE")
    by_priority = decide(network(RoutingRules(), cn_shenzhen=-5), "DE")

    assert chosen(same_market) == [("de-3pl", "dpd")]
    assert chosen(by_priority) == [("cn-shenzhen", "yunexpress")]


def test_a_channel_that_never_splits_gets_no_split_plan():
    stock = {("MUG-RED", "us-ontario"): 1, ("LAMP-DESK", "cn-shenzhen"): 1}
    lines = (*MUG, OrderLine(sku="LAMP-DESK", quantity=1, unit_price=Decimal("30.00")))
    splitting = decide(network(RoutingRules()), "US", stock, lines=lines)
    whole_only = decide(
        network(RoutingRules(never_split_channels=("shopify",))), "US", stock, lines=lines
    )

    assert len(splitting.shipments) == 2
    assert whole_only.shipments == ()
    assert whole_only.reason == "no single location holds every line, and this channel never splits"


@pytest.mark.parametrize(
    ("rule", "country", "channel", "expected"),
    [
        # denied for every order: the next cheapest service at Ontario
        (CarrierRule(carrier="usps"), "US", "shopify", [("us-ontario", "ups")]),
        # denied only for another channel: no effect
        (CarrierRule(carrier="usps", channel="amazon"), "US", "shopify", [("us-ontario", "usps")]),
        # denied only for one destination
        (CarrierRule(carrier="usps", country="US"), "US", "shopify", [("us-ontario", "ups")]),
        # an allow list for the channel: only UPS may ship its orders
        (
            CarrierRule(carrier="ups", channel="shopify", allow=True),
            "US",
            "shopify",
            [("us-ontario", "ups")],
        ),
        # an allow list for another destination leaves this one alone
        (
            CarrierRule(carrier="ups", country="CA", allow=True),
            "US",
            "shopify",
            [("us-ontario", "usps")],
        ),
    ],
)
def test_carrier_rules(rule, country, channel, expected):
    net = network(RoutingRules(carriers=(rule,)))
    assert chosen(decide(net, country, channel=channel)) == expected


def test_denying_every_service_to_a_destination_makes_the_order_unroutable():
    rules = RoutingRules(
        carriers=(CarrierRule(carrier=c) for c in ("usps", "ups", "yunexpress", "sf-express"))
    )
    decision = decide(network(RoutingRules(carriers=tuple(rules.carriers))), "US")

    assert decision.shipments == ()
    assert decision.reason == "no carrier service to US from any location"
