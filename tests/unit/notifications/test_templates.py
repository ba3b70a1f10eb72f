from datetime import date
from pathlib import Path

import pytest
from orderflow_notifications.templates import (
    KINDS,
    PACKAGED,
    Catalog,
    Message,
    TemplateError,
    render,
)

FIELDS = {
    "name": "Ada Lovelace",
    "order_id": "0f1e2d3c",
    "carrier": "usps",
    "tracking_number": "9400111899223197428490",
    "tracking_url": "https://tools.usps.com/go/TrackConfirmAction?tLabels=9400111899223197428490",
}


def test_english_shipped_message_names_order_carrier_and_tracking():
    message = render("shipped", "en", **FIELDS)
    assert message.subject == "Your order has shipped"
    assert message.body.startswith("Hello Ada Lovelace,")
    assert "your order 0f1e2d3c is on its way with usps." in message.body
    assert "Tracking number: 9400111899223197428490" in message.body


def test_chinese_shipped_message_is_in_chinese():
    message = render("shipped", "zh", **FIELDS)
    assert message.subject == "您的订单已发货"
    assert message.body.startswith("Ada Lovelace 您好：")  # noqa: RUF001 (full-width)
    assert "您的订单 0f1e2d3c 已由 usps 发出。" in message.body
    assert "运单号：9400111899223197428490" in message.body  # noqa: RUF001 (full-width)


def test_english_delivered_message_names_order_and_tracking():
    message = render("delivered", "en", **FIELDS)
    assert message.subject == "Your order has been delivered"
    assert "your order 0f1e2d3c was delivered (tracking 9400111899223197428490)." in message.body


def test_chinese_delivered_message_is_in_chinese():
    message = render("delivered", "zh", **FIELDS)
    assert message.subject == "您的订单已签收"
    assert "您的订单 0f1e2d3c 已送达（运单号 9400111899223197428490）。" in message.body  # noqa: RUF001 (full-width)


@pytest.mark.parametrize("language", ["ko", "", "xx-YY"])
@pytest.mark.parametrize("kind", KINDS)
def test_a_language_without_templates_falls_back_to_english_and_says_so(kind, language):
    message = render(kind, language, **FIELDS)
    english = render(kind, "en", **FIELDS)
    assert (message.subject, message.body, message.language) == (
        english.subject,
        english.body,
        "en",
    )
    assert message.fell_back
    assert not english.fell_back


def test_a_regional_tag_reads_as_its_language():
    assert render("shipped", "pt-BR", **FIELDS).language == "pt"
    assert render("shipped", "zh-CN", **FIELDS).subject == "您的订单已发货"


def test_eleven_languages_are_packaged():
    assert PACKAGED.languages == sorted(
        ["ar", "de", "en", "es", "fr", "id", "ja", "pt", "th", "vi", "zh"]
    )


@pytest.mark.parametrize("language", PACKAGED.languages)
@pytest.mark.parametrize("kind", KINDS)
def test_every_packaged_language_has_every_kind_written_in_it(kind, language):
    message = render(kind, language, **FIELDS)
    assert (message.language, message.fell_back) == (language, False)
    if language != "en":
        assert message.subject != render(kind, "en", **FIELDS).subject


@pytest.mark.parametrize("language", PACKAGED.languages)
@pytest.mark.parametrize("kind", KINDS)
def test_every_placeholder_is_substituted(kind, language):
    message = render(kind, language, **FIELDS)
    assert "$" not in message.subject + message.body
    assert FIELDS["order_id"] in message.body
    if kind in ON_THE_WAY + OFF_THE_WAY:  # the others: before a parcel left, or about money
        assert FIELDS["tracking_number"] in message.body
    if kind in ON_THE_WAY and kind != "delivered":  # still on its way: where to follow it
        assert FIELDS["tracking_url"] in message.body


def test_missing_field_is_left_as_its_placeholder():
    message = render("shipped", "en", name="Ada", order_id="o-1", carrier="usps")
    assert "Tracking number: $tracking_number" in message.body


def test_render_returns_a_message():
    assert isinstance(render("shipped", "en", **FIELDS), Message)


ON_THE_WAY = ("shipped", "out_for_delivery", "delayed", "failed_delivery", "delivered")
OFF_THE_WAY = ("lost", "returned_to_sender")  # the parcel left but never reaches them


def test_kinds_are_the_customer_facing_steps():
    assert KINDS == (
        "confirmed",
        "backordered",
        "shipped",
        "out_for_delivery",
        "delayed",
        "failed_delivery",
        "delivered",
        "cancelled",
        "cancelled_after_shipment",
        "lost",
        "returned_to_sender",
        "return_received",
        "refunded",
        "partially_refunded",
    )


def test_a_sellers_file_overrides_one_message_and_keeps_the_rest(tmp_path: Path):
    (tmp_path / "de.toml").write_text(
        '[shipped]\nsubject = "Unterwegs!"\nbody = "Hallo $name, $order_id ist unterwegs."\n'
    )
    (tmp_path / "ko.toml").write_text(
        '[delivered]\nsubject = "배송 완료"\nbody = "$name 님, 주문 $order_id 배송 완료"\n'
    )
    catalog = Catalog.load(tmp_path)

    assert catalog.render("shipped", "de", **FIELDS).subject == "Unterwegs!"
    assert catalog.render("delivered", "de", **FIELDS).subject == render("delivered", "de").subject
    assert catalog.render("delivered", "ko", **FIELDS).subject == "배송 완료"
    assert catalog.render("shipped", "ko", **FIELDS).fell_back


@pytest.mark.parametrize(
    ("content", "complaint"),
    [
        ('[shipped]\nsubject = "Hi $customer"\nbody = "x"\n', "uses customer"),
        ('[returned]\nsubject = "x"\nbody = "y"\n', "[returned] is not a kind"),
        ('[shipped]\nsubject = "x"\n', "exactly a subject and a body"),
        ("[shipped\n", "not TOML"),
        ('[shipped]\nsubject = ""\nbody = "y"\n', "empty subject or body"),
    ],
)
def test_a_broken_sellers_file_is_refused_at_load_with_its_name(tmp_path, content, complaint):
    (tmp_path / "fr.toml").write_text(content)
    with pytest.raises(TemplateError, match=r"fr\.toml") as refused:
        Catalog.load(tmp_path)
    assert complaint in str(refused.value)


def test_a_missing_folder_is_refused(tmp_path: Path):
    with pytest.raises(TemplateError, match="no such folder"):
        Catalog.load(tmp_path / "nope")


def test_unknown_kind_is_an_error():
    with pytest.raises(KeyError):
        render("returned", "en", **FIELDS)


def test_a_parcel_is_followed_on_its_carriers_page_or_on_a_tracker_that_knows_most():
    from orderflow_notifications.tracking import tracking_url

    assert tracking_url("USPS", "9400 1118") == (
        "https://tools.usps.com/go/TrackConfirmAction?tLabels=9400%201118"
    )
    assert tracking_url("4px", "4PX123") == "https://t.17track.net/en#nums=4PX123"
    assert tracking_url("4px", "") == ""


ETA = (date(2026, 12, 8), date(2026, 12, 10))


@pytest.mark.parametrize("language", PACKAGED.languages)
def test_the_expected_delivery_is_written_in_each_language_and_left_out_when_unknown(language):
    told = render("shipped", language, eta=ETA, **FIELDS)
    silent = render("shipped", language, **FIELDS)
    assert (told.language, told.fell_back) == (language, False)
    assert "$" not in told.body + silent.body
    added = set(told.body.split("\n")) - set(silent.body.split("\n"))
    assert len(added) == 1  # one line more, the rest the same
    assert told.body.count("\n") == silent.body.count("\n") + 1
    assert ("2569" if language == "th" else "2026") in added.pop()  # Thai: the Buddhist year


@pytest.mark.parametrize(
    ("language", "line"),
    [
        ("en", "Expected delivery: December 8, 2026 \u2013 December 10, 2026"),
        ("de", "Voraussichtliche Zustellung: 8. Dezember 2026 \u2013 10. Dezember 2026"),
        ("fr", "Livraison pr\u00e9vue : du 8 d\u00e9cembre 2026 au 10 d\u00e9cembre 2026"),
        (
            "ja",
            "\u304a\u5c4a\u3051\u4e88\u5b9a\uff1a2026\u5e7412\u67088\u65e5\uff5e2026\u5e7412\u670810\u65e5",
        ),
    ],
)
def test_dates_follow_the_languages_own_format(language, line):
    assert line in render("shipped", language, eta=ETA, **FIELDS).body.split("\n")


def test_one_expected_day_is_written_once():
    day = (date(2026, 12, 8), date(2026, 12, 8))
    assert "Expected delivery: December 8, 2026" in render("shipped", "en", eta=day).body.split(
        "\n"
    )


@pytest.mark.parametrize("language", PACKAGED.languages)
def test_the_return_link_shows_on_delivered_only_when_the_seller_gave_one(language):
    told = render("delivered", language, return_url="https://shop.example/r/o-1", **FIELDS)
    silent = render("delivered", language, **FIELDS)
    assert "https://shop.example/r/o-1" in told.body
    assert (told.language, told.fell_back) == (language, False)
    assert "$" not in silent.body and silent.body.count("\n") == told.body.count("\n") - 1


def test_a_language_without_its_lines_says_them_in_english_and_says_so(tmp_path: Path):
    (tmp_path / "ko.toml").write_text(
        '[shipped]\nsubject = "\ubc1c\uc1a1"\nbody = "$name \ub2d8\\n$eta_line"\n'
    )
    catalog = Catalog.load(tmp_path)
    message = catalog.render("shipped", "ko", eta=ETA, **FIELDS)
    assert message.body.endswith("Expected delivery: December 8, 2026 \u2013 December 10, 2026")
    assert message.fell_back
    assert not catalog.render("shipped", "ko", **FIELDS).fell_back  # nothing said in English


def test_a_seller_rewrites_the_lines_and_the_date_format(tmp_path: Path):
    (tmp_path / "en.toml").write_text(
        '[lines]\neta = "Arrives $eta"\n[dates]\nformat = "{day}/{month_number}/{year}"\n'
    )
    message = Catalog.load(tmp_path).render("shipped", "en", eta=ETA, **FIELDS)
    assert "Arrives 8/12/2026 \u2013 10/12/2026" in message.body.split("\n")


@pytest.mark.parametrize(
    ("content", "complaint"),
    [
        ('[lines]\neta = "By $when"\n', "uses when"),
        ('[lines]\nfooter = "x"\n', "[lines] has only eta, return, amount, unsubscribe"),
        ('[dates]\nformat = "{weekday}"\n', "unknown {part}"),
        ('[dates]\nmonths = ["Jan"]\n', "twelve months"),
    ],
)
def test_broken_lines_or_dates_are_refused_at_load(tmp_path, content, complaint):
    (tmp_path / "fr.toml").write_text(content)
    with pytest.raises(TemplateError, match=r"fr\.toml") as refused:
        Catalog.load(tmp_path)
    assert complaint in str(refused.value)


@pytest.mark.parametrize("language", PACKAGED.languages)
@pytest.mark.parametrize("kind", ["refunded", "partially_refunded"])
def test_a_refund_says_what_it_gave_back_in_every_language(kind, language):
    told = render(kind, language, amount="5.00 EUR", **FIELDS)
    unknown = render(kind, language, **FIELDS)

    assert "5.00 EUR" in told.body
    assert not told.fell_back
    assert len(unknown.body.splitlines()) == len(told.body.splitlines()) - 1  # no empty line


@pytest.mark.parametrize("language", PACKAGED.languages)
def test_a_cancellation_after_shipment_is_not_worded_as_never_shipped(language):
    before = render("cancelled", language, **FIELDS)
    after = render("cancelled_after_shipment", language, **FIELDS)

    never_shipped = before.body.splitlines()[2]  # "... cancelled and will not be shipped."
    assert never_shipped not in after.body
    assert after.body != before.body and after.subject != before.subject
