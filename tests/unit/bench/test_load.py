import asyncio
import time

from orderflow_bench.load import _unique_buyer, steady


def test_every_email_in_a_payload_becomes_the_buyers_own():
    payload = {
        "email": "buyer@example.com",
        "customer": {"email": "buyer@example.com", "name": "Ada"},
        "items": [{"seller_email_note": "not-an-address"}],
    }
    _unique_buyer(payload, 7)
    assert payload["email"] == "buyer-7@example.com"
    assert payload["customer"] == {"email": "buyer-7@example.com", "name": "Ada"}
    assert payload["items"] == [{"seller_email_note": "not-an-address"}]


class _TickingMarketplace:
    """Publishes one order every 10 ms, as a marketplace at 100 orders/s would."""

    rate = 100.0

    def __init__(self) -> None:
        self.published = 0

    async def run(self, total: int) -> None:
        while self.published < total:
            await asyncio.sleep(0.01)
            self.published += 1


async def test_steady_runs_halfway_through_the_warm_up_and_measures_after_it():
    marketplace = _TickingMarketplace()
    called_at: list[tuple[float, int]] = []

    async def halfway() -> None:
        called_at.append((time.time(), marketplace.published))

    window = await steady(marketplace, warmup_s=0.4, measure_s=0.4, halfway=halfway)

    assert len(called_at) == 1
    at, published_then = called_at[0]
    assert at < window.start_s
    assert 0 < published_then < 80 - window.published  # some of the warm-up's orders, not all
    assert marketplace.published == 80


async def test_a_slow_halfway_step_does_not_eat_the_window():
    """A smoke run's kept system can take longer to analyze than the warm-up has left."""
    marketplace = _TickingMarketplace()

    async def slow() -> None:
        await asyncio.sleep(1.0)

    window = await steady(marketplace, warmup_s=0.4, measure_s=0.4, halfway=slow)

    assert window.published >= 30  # about 40: the orders published after the warm-up
