from orderflow_devstack.bench.latency import received_in
from orderflow_devstack.bench.load import Window


def test_an_order_sent_in_the_windows_first_millisecond_counts_though_stamped_before_it():
    window = Window(start_s=1000.0004, end_s=1060.0, published=2)
    stamped_in_whole_ms = [(1000.000, "first"), (1030.5, "middle")]
    assert received_in(window, stamped_in_whole_ms) == ["first", "middle"]


def test_orders_before_or_after_the_window_do_not_count():
    window = Window(start_s=1000.0004, end_s=1060.0, published=1)
    samples = [(999.999, "before"), (1030.0, "in"), (1060.0, "after")]
    assert received_in(window, samples) == ["in"]
