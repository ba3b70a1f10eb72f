import pytest
from orderflow_bench import figures
from orderflow_bench.figures import (
    CaseResult,
    Target,
    latency_summary,
    median,
    number,
    percentile,
    rate_in_window,
    ratio,
    steady_rate,
)


def test_percentile_is_the_nearest_rank():
    values = list(range(1, 101))  # 1..100
    assert percentile(values, 0.50) == 50
    assert percentile(values, 0.99) == 99
    assert percentile(values, 1.0) == 100
    assert percentile(values, 0.0) == 1


def test_percentile_does_not_care_about_order():
    assert percentile([30, 10, 20], 0.5) == 20


def test_percentile_of_nothing_is_an_error():
    with pytest.raises(ValueError):
        percentile([], 0.5)


def test_percentile_share_must_be_a_fraction():
    with pytest.raises(ValueError):
        percentile([1.0], 99)


def test_latency_summary_reports_p50_p95_p99_and_max():
    summary = latency_summary([float(ms) for ms in range(1, 1001)])
    assert summary == {"p50_ms": 500, "p95_ms": 950, "p99_ms": 990, "max_ms": 1000}


def test_median_of_an_even_count_is_the_mean_of_the_middle_two():
    assert median([1.0, 3.0, 2.0, 10.0]) == 2.5


def test_steady_rate_ignores_warm_up_and_tail():
    # 100 events one per 10 ms, plus a straggler far behind: the tail does not drag the rate
    times = [i * 0.01 for i in range(100)] + [60.0]
    assert steady_rate(times) == pytest.approx(100, rel=0.05)


def test_steady_rate_needs_enough_events():
    with pytest.raises(ValueError):
        steady_rate([1.0, 2.0])


def test_rate_in_window_counts_only_events_inside_it():
    times = [0.5, 1.0, 1.5, 2.0, 2.5, 3.0]
    assert rate_in_window(times, 1.0, 3.0) == 2.0  # 1.0, 1.5, 2.0, 2.5 over 2 s


def test_rate_in_an_empty_window_is_an_error():
    with pytest.raises(ValueError):
        rate_in_window([1.0], 2.0, 2.0)


def test_ratio_against_nothing_is_none():
    assert ratio(5.0, 0.0) is None
    assert ratio(3.0, 1.5) == 2.0


def test_a_floor_is_met_at_or_above_it():
    assert figures.ORDERS_TO_PICK_TASK.check(1000).met
    assert not figures.ORDERS_TO_PICK_TASK.check(999.9).met


def test_a_ceiling_is_met_at_or_below_it():
    assert figures.LATENCY_P99.check(50).met
    assert not figures.LATENCY_P99.check(50.1).met


def test_zero_oversold_means_exactly_zero():
    assert figures.OVERSOLD.check(0).met
    assert not figures.OVERSOLD.check(1).met


def test_an_unmeasured_figure_is_not_met():
    verdict = figures.SCALE_OUT.check(None)
    assert not verdict.met
    assert verdict.describe().startswith("NOT MET")
    assert "not measured" in verdict.describe()


def test_a_verdict_states_target_and_figure():
    verdict = Target("orders/s", ">=", 1000, "orders/s").check(412.0)
    assert verdict.describe() == "NOT MET: orders/s >= 1,000 orders/s (is 412)"


def test_the_median_of_repeats_is_reported():
    assert CaseResult("pipeline", "orders/s", [300.0, 100.0, 200.0]).median == 200.0


def test_json_carries_each_verdict_with_its_figure():
    result = CaseResult("flash", "answers/s", [4000.0], verdicts=[figures.FLASH_RATE.check(4000.0)])
    body = result.as_json()
    assert body["median"] == 4000.0
    assert body["verdicts"] == [
        {"target": "reservations/s >= 5,000 /s", "actual": 4000.0, "met": False}
    ]


def test_ratios_keep_their_decimals_and_rates_their_thousands():
    assert number(1.234) == "1.23"
    assert number(12345.6) == "12,346"


def test_the_peer_stands_beside_this_runs_pick_tasks_and_oversell():
    pipeline = CaseResult("order to pick task", "orders/s", [446.0, 500.0, 400.0])
    flash = CaseResult(
        "flash sale: inventory service",
        "answers/s",
        [3000.0],
        {"answers": {"StockReserved": 1000, "ReservationRejected": 9000}},
        [figures.OVERSOLD.check(0)],
    )
    lines = figures.peer_comparison([pipeline, flash])
    assert lines[0].startswith("peer, Saleor's marketplace import: 4.46 orders/s")
    assert "(1,900 oversold)" in lines[0]
    assert lines[1] == "orderflow, order to pick task: 446 orders/s, 100x"
    assert lines[2].endswith("StockReserved 1000, ReservationRejected 9000; oversold units: 0")


def test_the_peer_alone_when_the_run_has_neither_case():
    assert len(figures.peer_comparison([])) == 1
