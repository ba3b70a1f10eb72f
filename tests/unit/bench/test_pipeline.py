from orderflow_bench.meter import CpuUse
from orderflow_bench.pipeline import Throughput, limit


def test_a_saturated_machine_is_called_cpu_bound_with_the_biggest_spenders():
    cpu = CpuUse(
        by_process={"intake": 10.0, "intake-2": 10.0, "broker": 15.0, "postgres": 5.0},
        machine_busy_share=0.97,
        ours_share=0.9,
    )
    text = limit(cpu, 2)
    assert text.startswith("CPU-bound: the 2 cores were 97% busy (90% this case")
    assert "intake 50%" in text  # both instances together
    assert "broker 38%" in text


def test_an_idle_machine_is_not_called_cpu_bound():
    cpu = CpuUse(by_process={"intake": 1.0}, machine_busy_share=0.4, ours_share=0.4)
    assert limit(cpu, 2).startswith("not CPU-bound")


def test_records_per_order_by_topic_are_the_windows_records_over_orders_done_most_first():
    run = Throughput(
        orders_per_second=10.0,
        done_in_window=100,
        window_s=10.0,
        messages_per_order=3.0,
        cpu=CpuUse(by_process={}, machine_busy_share=0.5, ours_share=0.5),
        rss_mb={},
        records_by_topic={"intake.orders": 100, "inventory.levels": 250, "idle": 0},
    )
    assert run.records_per_order_by_topic == {"inventory.levels": 2.5, "intake.orders": 1.0}
    assert list(run.details()["records_per_order_by_topic"]) == [
        "inventory.levels",
        "intake.orders",
    ]
