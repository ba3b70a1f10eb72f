import pytest
from orderflow_intake.adapters import parse_shopify
from orderflow_intake.domain import PostalCodeRules, canonicalise, packaged_postal_code_rules
from orderflow_simulators.payloads import shopify_order

VALID_AND_INVALID = {
    "US": ("94105-1234", "9410"),
    "CA": ("K1A 0B1", "K1A0B"),
    "MX": ("06600", "6600"),
    "BR": ("01310-100", "0131010"),
    "GB": ("SW1A 1AA", "SW1A"),
    "DE": ("10115", "1011"),
    "FR": ("75001", "750011"),
    "ES": ("28013", "99999"),
    "IT": ("00184", "0018"),
    "NL": ("1012 JS", "0123 AB"),
    "PL": ("00-950", "00950"),
    "JP": ("100-0001", "100-01"),
    "KR": ("03187", "031870"),
    "AU": ("2000", "20000"),
    "SG": ("018956", "18956"),
    "MY": ("50088", "5008"),
    "TH": ("10200", "102000"),
    "PH": ("1000", "10000"),
    "ID": ("10110", "1011"),
    "VN": ("100000", "10000"),
    "SA": ("12271", "1227"),
}


@pytest.mark.parametrize("country", sorted(VALID_AND_INVALID))
def test_a_postal_code_of_the_destinations_format_passes(country):
    valid, _ = VALID_AND_INVALID[country]
    assert packaged_postal_code_rules().problem(country, valid.lower()) is None


@pytest.mark.parametrize("country", sorted(VALID_AND_INVALID))
def test_a_postal_code_of_another_format_is_named(country):
    _, invalid = VALID_AND_INVALID[country]
    assert (
        packaged_postal_code_rules().problem(country, invalid)
        == f"{invalid!r} is not a {country} postal code"
    )


def test_a_country_without_postal_codes_needs_none():
    assert packaged_postal_code_rules().problem("AE", "") is None


def test_an_unknown_country_needs_a_postal_code_of_any_format():
    rules = packaged_postal_code_rules()
    assert rules.problem("ZZ", "ANYTHING-1") is None
    assert rules.problem("ZZ", " ") == "missing postal code"


def test_an_order_to_a_bad_postal_code_is_held_with_that_reason():
    parsed = parse_shopify(
        shopify_order(1, [("MUG-RED", 1)], country="US", address_overrides={"zip": "ABCDE"})
    )
    _, reasons = canonicalise(parsed, {"MUG-RED": ("MUG-RED", 1)})
    assert [(r.code, r.detail) for r in reasons] == [
        ("postal_code_format", "'ABCDE' is not a US postal code")
    ]


def test_rules_are_data_an_operator_can_replace(tmp_path):
    rules_file = tmp_path / "rules.json"
    rules_file.write_text('{"US": "^X\\\\d$"}')
    rules = PostalCodeRules.load(str(rules_file))
    assert rules.problem("US", "x1") is None
    assert rules.problem("US", "94105") is not None
    parsed = parse_shopify(shopify_order(1, [("MUG-RED", 1)], country="US"))
    _, reasons = canonicalise(parsed, {"MUG-RED": ("MUG-RED", 1)}, rules)
    assert [r.code for r in reasons] == ["postal_code_format"]
