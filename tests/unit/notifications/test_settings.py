"""A webhook is never posted unsigned: its URL without a secret stops the service at start."""

import pytest
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
