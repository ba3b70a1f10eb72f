from orderflow_bench.meter import CpuUse
from orderflow_bench.pipeline import limit


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
