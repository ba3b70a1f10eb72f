"""A webhook is never posted unsigned: its URL without a secret stops the service at start. The
consumer fetches in bigger batches than the services on the order's way to its pick task."""

import pytest
from orderflow_intake.config import Settings as IntakeSettings
from orderflow_notifications.config import Settings
from pydantic import ValidationError


def test_a_webhook_url_needs_a_secret_of_16_characters_or_more() -> None:
    with pytest.raises(ValidationError, match="NOTIFICATIONS_WEBHOOK_SECRET must be too"):
        Settings(database_url="postgresql://x/y", webhook_url="https://seller.example/hook")
    with pytest.raises(ValidationError, match="at least 16 characters"):
        Settings(
            database_url="postgresql://x/y",
            webhook_url="https://seller.example/hook",
            webhook_secret="short",
        )
    signed = Settings(
        database_url="postgresql://x/y",
        webhook_url="https://seller.example/hook",
        webhook_secret="s" * 16,
    )
    assert str(signed.webhook_url) == "https://seller.example/hook"


def test_a_webhook_url_must_be_http() -> None:
    with pytest.raises(ValidationError, match="webhook_url"):
        Settings(database_url="postgresql://x/y", webhook_url="ftp://x", webhook_secret="s" * 16)


def test_notifications_fetch_in_bigger_batches_than_the_services_on_the_orders_way(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Off the way to the pick task, a fetch waits for 64 KiB (or fetch_max_wait_ms): the
    customer's message waits the merge window anyway."""
    assert Settings(database_url="postgresql://x/y").fetch_min_bytes == 64 * 1024
    assert IntakeSettings(database_url="postgresql://x/y").fetch_min_bytes == 1
    monkeypatch.setenv("NOTIFICATIONS_FETCH_MIN_BYTES", "1")
    assert Settings(database_url="postgresql://x/y").fetch_min_bytes == 1
