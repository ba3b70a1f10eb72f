from orderflow_bench.load import _unique_buyer


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
