from orderflow_contracts.order import Address, Customer
from orderflow_contracts.privacy import email_digest, erased_address, erased_customer


def test_an_email_digest_ignores_case_and_surrounding_spaces():
    assert email_digest(" Ana.Silva@Example.COM ") == email_digest("ana.silva@example.com")
    assert email_digest("ana.silva@example.com") != email_digest("ana.silva@example.org")
    assert len(email_digest("a@b.c")) == 64


def test_an_erased_address_keeps_country_region_and_postal_area_only():
    address = Address(
        name="Ana Silva",
        line1="Rua Augusta 12",
        line2="3 Esq",
        city="Lisboa",
        region="Lisboa",
        postal_code="1100-048",
        country="PT",
    )
    assert erased_address(address) == Address(region="Lisboa", postal_code="110", country="PT")


def test_an_erased_customer_keeps_only_the_language():
    customer = Customer(name="Ana", email="ana@example.com", language="pt", buyer_id="shopee:1")
    assert erased_customer(customer) == Customer(language="pt")
