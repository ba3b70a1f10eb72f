"""The unsubscribe link every message carries: a signed token that names the order, never the
e-mail, and that only this service's secret makes (issue 18)."""

from datetime import UTC, datetime
from typing import Any

import pytest
from orderflow_notifications.config import Settings
from orderflow_notifications.outgoing import build_email, compose, webhook_body
from orderflow_notifications.preferences import Suppression, hold_for
from orderflow_notifications.templates import KINDS, PACKAGED, Catalog
from orderflow_notifications.unsubscribe import (
    DEVELOPMENT_SECRET,
    OPTIONAL_KINDS,
    TRANSACTIONAL_KINDS,
    Links,
)
from pydantic import ValidationError

from tests.unit.notifications.test_preferences import row as preferences_row

LINKS = Links("a-secret-of-sixteen-chars", "https://notify.shop.example")


def test_a_token_names_its_order_and_only_its_secret_makes_it() -> None:
    token = LINKS.token("o-1")
    assert LINKS.order_of(token) == "o-1"
    assert Links("another-secret-of-16", LINKS.base_url).order_of(token) is None
    forged = LINKS.token("o-2").split(".")[0] + "." + token.split(".")[1]
    assert LINKS.order_of(forged) is None  # o-2 with o-1's signature


@pytest.mark.parametrize("token", ["", ".", "o-1", "bm9wZQ.!!!", "bm9wZQ.", "%%.%%"])
def test_a_mangled_token_is_no_order(token: str) -> None:
    assert LINKS.order_of(token) is None


def test_the_link_holds_no_e_mail_address() -> None:
    url = LINKS.url("o-1")
    assert url.startswith("https://notify.shop.example/unsubscribe/") and "@" not in url


def test_every_kind_is_either_optional_or_transactional() -> None:
    assert sorted(OPTIONAL_KINDS + TRANSACTIONAL_KINDS) == sorted(KINDS)
    assert not set(OPTIONAL_KINDS) & set(TRANSACTIONAL_KINDS)


def test_links_default_to_the_development_key_and_the_local_port() -> None:
    settings = Settings(database_url="postgresql://x", http_port=8080)
    assert settings.unsubscribe_links() == Links(DEVELOPMENT_SECRET, "http://127.0.0.1:8080")
    own = Settings(
        database_url="postgresql://x",
        unsubscribe_secret="s" * 16,
        public_url="https://notify.shop.example/",
    )
    assert own.unsubscribe_links() == Links("s" * 16, "https://notify.shop.example")


def test_a_short_unsubscribe_secret_stops_the_service() -> None:
    with pytest.raises(ValidationError, match="UNSUBSCRIBE_SECRET"):
        Settings(database_url="postgresql://x", unsubscribe_secret="short")


def notification(kind: str = "shipped", **more: Any) -> dict[str, Any]:
    return {
        "id": 1,
        "kind": kind,
        "language": "de",
        "name": "Lin",
        "recipient": "lin@example.com",
        "order_id": "o-1",
        "carrier": "dhl",
        "tracking_number": "DHL1",
        "eta_first": None,
        "eta_last": None,
        "country": "DE",
        "time_zone": None,
        "return_url_template": "",
        "sales_channel": "shopify",
        "external_id": "1001",
        "correlation_id": "c-1",
        **more,
    }


def test_a_message_ends_once_with_its_link_in_its_language() -> None:
    rows: Any = [notification("shipped", id=1), notification("delivered", id=2)]
    message = compose(rows, PACKAGED, LINKS.url("o-1"))
    footer = f"Keine Versand-Updates mehr erhalten: {LINKS.url('o-1')}"
    assert message.body.endswith("\n--\n" + footer)
    assert message.body.count("/unsubscribe/") == 1 and not message.fell_back
    email = build_email(rows, message, "shop <a@b.c>", LINKS.url("o-1"))
    assert email["List-Unsubscribe"] == f"<{LINKS.url('o-1')}>"
    assert email["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert webhook_body(rows, message, LINKS.url("o-1"))["unsubscribe_url"] == LINKS.url("o-1")


def test_a_language_without_the_line_says_it_in_english_and_says_so(tmp_path) -> None:
    (tmp_path / "ko.toml").write_text('[shipped]\nsubject = "s"\nbody = "$name"\n')
    rows: Any = [notification("shipped", language="ko")]
    message = compose(rows, Catalog.load(tmp_path), LINKS.url("o-1"))
    assert message.body.endswith(f"Unsubscribe from delivery updates: {LINKS.url('o-1')}")
    assert message.language == "ko" and message.fell_back


NOW = datetime(2026, 12, 5, 3, 0, tzinfo=UTC)


@pytest.mark.parametrize("kind", OPTIONAL_KINDS)
def test_an_unsubscribed_customer_hears_no_optional_kind(kind: str) -> None:
    held = hold_for(preferences_row(kind=kind, unsubscribed_at=NOW), NOW)
    assert held is not None and held.until is None  # suppressed for good
    assert "unsubscribed" in held.reason


@pytest.mark.parametrize("kind", TRANSACTIONAL_KINDS)
def test_an_unsubscribed_customer_still_hears_the_transactional_kinds(kind: str) -> None:
    assert hold_for(preferences_row(kind=kind, unsubscribed_at=NOW), NOW) is None


def test_the_suppression_list_holds_what_it_lists_once_the_preferences_are_gone():
    listed = Suppression(frozenset({"shipped", "delivered"}), NOW)

    held = hold_for(preferences_row(kind="shipped"), NOW, listed)

    assert held is not None and held.until is None
    assert (
        held.reason
        == "the customer turned 'shipped' messages off (2026-12-05, on the suppression list)"
    )
    assert hold_for(preferences_row(kind="lost"), NOW, listed) is None


def test_the_suppression_key_is_the_address_any_case_keyed_by_the_secret():
    links = Links("s" * 16, "https://n.example")
    key = links.email_key(" Lin@Example.com ")

    assert (
        key
        == links.email_key("lin@example.com")
        != Links("t" * 16, "x").email_key("lin@example.com")
    )
    assert "example" not in key and len(key) == 64
