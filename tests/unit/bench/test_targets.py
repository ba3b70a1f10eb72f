from orderflow_devstack.bench import targets
from orderflow_devstack.bench.targets import Target


def test_a_floor_is_met_at_or_above_it():
    assert targets.ORDERS_TO_PICK_TASK.check(1000).met
    assert not targets.ORDERS_TO_PICK_TASK.check(999.9).met


def test_a_ceiling_is_met_at_or_below_it():
    assert targets.LATENCY_P99.check(50).met
    assert not targets.LATENCY_P99.check(50.1).met


def test_zero_oversold_means_exactly_zero():
    assert targets.OVERSOLD.check(0).met
    assert not targets.OVERSOLD.check(1).met


def test_an_unmeasured_figure_is_not_met():
    verdict = targets.SCALE_OUT.check(None)
    assert not verdict.met
    assert verdict.describe().startswith("NOT MET")
    assert "not measured" in verdict.describe()


def test_a_verdict_states_target_and_figure():
    verdict = Target("orders/s", ">=", 1000, "orders/s").check(412.0)
    assert verdict.describe() == "NOT MET: orders/s >= 1,000 orders/s (is 412)"
