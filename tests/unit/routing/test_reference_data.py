"""Reference data as data: validated on load, every problem named at once."""

import json
from decimal import Decimal

import pytest
from orderflow_routing.reference import RateCard, ReferenceData, WeightBand
from pydantic import ValidationError

from tests.unit.routing.test_planning import SETUP


def lane(origin: str = "CN", destination: str = "EU", **rates: object) -> dict[str, object]:
    return {
        "origin": origin,
        "destination": destination,
        "rates": {"max_weight_grams": 2000, "bands": [{"up_to_grams": 500, "price": "5"}]} | rates,
        "transit_p50_days": 3,
        "transit_p90_days": 5,
    }


def document(**changes: object) -> dict[str, object]:
    base: dict[str, object] = {
        "version": 1,
        "zones": [{"zone": "EU", "countries": ["DE", "FR"]}],
        "locations": [{"location_id": "cn-shenzhen", "country": "CN", "timezone": "Asia/Shanghai"}],
        "services": [
            {
                "carrier": "dhl",
                "service": "express",
                "locations": ["cn-shenzhen"],
                "lanes": [lane()],
            }
        ],
    }
    return base | changes


def problems(body: dict[str, object]) -> str:
    with pytest.raises(ValidationError) as raised:
        ReferenceData.model_validate(body)
    return str(raised.value)


def test_a_valid_document_loads() -> None:
    data = ReferenceData.model_validate(document())
    assert data.services[0].lanes[0].rates.price(400) == Decimal("5")


def test_every_problem_is_named_at_once() -> None:
    body = document(
        locations=[
            {"location_id": "cn-shenzhen", "country": "CN", "timezone": "Mars/Olympus"},
            {"location_id": "cn-shenzhen", "country": "CN"},
        ],
        services=[
            {"carrier": "dhl", "service": "express", "locations": ["cn-shenzhen", "hk-depot"],
             "lanes": [lane(destination="EUROPA")]},
        ],
        rules={"carriers": [{"carrier": "fedex"}]},
    )  # fmt: skip
    message = problems(body)
    assert "location cn-shenzhen is given 2 times" in message
    assert "location cn-shenzhen: unknown timezone 'Mars/Olympus'" in message
    assert "services[0] dhl/express: location 'hk-depot' is not among the locations" in message
    assert (
        "services[0] dhl/express: lane 0 destination 'EUROPA' is neither a country code nor a zone"
        in message
    )
    assert "carrier rule names 'fedex', which no service has" in message


@pytest.mark.parametrize(
    ("rates", "expected"),
    [
        ({"bands": [{"up_to_grams": 900, "price": "5"}, {"up_to_grams": 500, "price": "4"}]},
         "weight bands must ascend without repeats, got [900, 500]"),
        ({"bands": [{"up_to_grams": 3000, "price": "5"}]}, "band up to 3000 g is above max_weight_grams"),
        ({"bands": [{"up_to_grams": 500, "price": "-1"}]}, "greater than or equal to 0"),
    ],
)  # fmt: skip
def test_a_rate_card_is_checked(rates: dict[str, object], expected: str) -> None:
    body = document()
    services = json.loads(json.dumps(body["services"]))
    services[0]["lanes"][0]["rates"] |= rates
    assert expected in problems(body | {"services": services})


def test_p90_transit_below_p50_is_refused() -> None:
    bad = lane() | {"transit_p50_days": 6, "transit_p90_days": 4}
    body = document(services=[{"carrier": "dhl", "service": "express", "locations": ["cn-shenzhen"], "lanes": [bad]}])  # fmt: skip
    assert "lane CN->EU: p90 transit below p50" in problems(body)


def test_a_zone_holds_country_codes_and_is_named_once() -> None:
    message = problems(document(zones=[{"zone": "EU", "countries": ["DE", "Germany"]}]))
    assert "zone EU: 'Germany' is not a country code" in message
    message = problems(document(zones=[{"zone": "USA", "countries": ["US"]}, {"zone": "USA", "countries": ["CA"]}]))  # fmt: skip
    assert "zone USA is given 2 times" in message


def test_a_service_given_twice_at_one_location_is_refused() -> None:
    service = {"carrier": "dhl", "service": "express", "locations": ["cn-shenzhen"], "lanes": [lane()]}  # fmt: skip
    assert "dhl/express is given 2 times at cn-shenzhen" in problems(
        document(services=[service, service])
    )


def test_the_seller_setup_file_gives_version_one_with_a_lane_per_country() -> None:
    data = ReferenceData.from_setup(SETUP)
    assert data.version == 1
    assert {site.location_id for site in data.locations} == {"cn-shenzhen", "us-ontario", "de-3pl"}
    [usps] = [s for s in data.services if s.carrier == "usps"]
    assert usps.locations == ("us-ontario",)
    assert [(ln.origin, ln.destination) for ln in usps.lanes] == [("US", "US")]
    assert usps.lanes[0].rates.price(450) == Decimal("5.90")  # 4.80 + 1 started kg x 1.10


def test_a_rate_card_prices_by_band_then_per_started_kilogram() -> None:
    card = RateCard(
        bands=(WeightBand(up_to_grams=500, price=Decimal("4")),),
        base=Decimal("6"),
        per_kg=Decimal("2"),
        max_weight_grams=5000,
    )
    assert [card.price(g) for g in (500, 501, 2001, 5000, 5001)] == [
        Decimal("4"), Decimal("8"), Decimal("12"), Decimal("16"), None,
    ]  # fmt: skip
