import pytest
from orderflow_devstack.bench.stats import (
    latency_summary,
    median,
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
