from pathlib import Path

from orderflow_devstack.bench.latency import fetch_waits_of, received_in
from orderflow_devstack.bench.load import Window
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
