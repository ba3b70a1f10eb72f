from orderflow_devstack.bench import targets
from orderflow_devstack.bench.results import CaseResult, number


def test_the_median_of_repeats_is_reported():
    assert CaseResult("pipeline", "orders/s", [300.0, 100.0, 200.0]).median == 200.0


def test_json_carries_each_verdict_with_its_figure():
    result = CaseResult("flash", "answers/s", [4000.0], verdicts=[targets.FLASH_RATE.check(4000.0)])
    body = result.as_json()
    assert body["median"] == 4000.0
    assert body["verdicts"] == [
        {"target": "reservations/s >= 5,000 /s", "actual": 4000.0, "met": False}
    ]


def test_ratios_keep_their_decimals_and_rates_their_thousands():
    assert number(1.234) == "1.23"
    assert number(12345.6) == "12,346"
