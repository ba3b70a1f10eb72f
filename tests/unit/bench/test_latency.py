from pathlib import Path

from orderflow_bench.latency import cost_per_order_ms, fetch_waits_of, received_in, split_hops
from orderflow_bench.load import Window
from orderflow_bench.meter import CpuUse
from orderflow_devstack.processes import ServiceProcesses
from orderflow_devstack.stack import SERVICES, Endpoints
from orderflow_runtime import ServiceSettings


def test_an_order_sent_in_the_windows_first_millisecond_counts_though_stamped_before_it():
    window = Window(start_s=1000.0004, end_s=1060.0, published=2)
    stamped_in_whole_ms = [(1000.000, "first"), (1030.5, "middle")]
    assert received_in(window, stamped_in_whole_ms) == ["first", "middle"]


def test_orders_before_or_after_the_window_do_not_count():
    window = Window(start_s=1000.0004, end_s=1060.0, published=1)
    samples = [(999.999, "before"), (1030.0, "in"), (1060.0, "after")]
    assert received_in(window, samples) == ["in"]


def processes(fetch_max_wait_ms: int | None = None) -> ServiceProcesses:
    endpoints = Endpoints("127.0.0.1:9092", "postgresql://127.0.0.1/x", 25)
    return ServiceProcesses(
        endpoints, Path("setup.yaml"), Path("logs"), fetch_max_wait_ms=fetch_max_wait_ms
    )


def test_the_fetch_wait_reported_is_the_one_services_run_with(monkeypatch):
    for service in SERVICES:
        monkeypatch.delenv(f"{service.upper()}_FETCH_MAX_WAIT_MS", raising=False)
    default = ServiceSettings.model_fields["fetch_max_wait_ms"].default
    assert fetch_waits_of(processes()) == default
    assert fetch_waits_of(processes(fetch_max_wait_ms=20)) == 20

    monkeypatch.setenv("INVENTORY_FETCH_MAX_WAIT_MS", "10")
    assert fetch_waits_of(processes()) == {
        service: 10 if service == "inventory" else default for service in SERVICES
    }
    assert fetch_waits_of(processes(fetch_max_wait_ms=20)) == 20


def test_each_hop_splits_at_the_services_read_into_delivery_and_work():
    window = Window(start_s=1.0, end_s=2.0, published=1)
    ends = {"received": 1000.0, "intake": 1020.0, "routing": 1050.0, "inventory": 1070.0}
    stamps = {"c1": ends | {"fulfillment": 1100.0}, "late": {"received": 5000.0}}
    read = {
        "intake": {"c1": 1005.0},
        "routing": {"c1": 1030.0},
        "inventory": {"c1": 1060.0},
        "fulfillment": {"c1": 1080.0},
    }
    totals, delivery, work = split_hops(window, stamps, read)
    assert totals == [100.0]
    assert delivery == {
        "intake": [5.0],
        "routing": [10.0],
        "inventory": [10.0],
        "fulfillment": [10.0],
    }
    assert work == {"intake": [15.0], "routing": [20.0], "inventory": [10.0], "fulfillment": [20.0]}


def test_an_orders_cost_is_the_cpu_beyond_what_the_system_spends_idle():
    idle = CpuUse({"intake": 0.5, "broker": 2.0, "bench": 1.0}, 0.1, 0.1)  # over 10 s
    loaded = CpuUse({"intake": 2.0, "broker": 7.0, "bench": 9.0}, 0.3, 0.3)  # over 30 s
    cost = cost_per_order_ms(idle, 10.0, loaded, 30.0, orders=150)
    # intake: 2.0 - 1.5 idle = 0.5 s for 150 orders; the broker: 7.0 - 6.0 = 1.0 s
    assert cost == {"system": 10.0, "intake": 3.3, "broker": 6.7}
