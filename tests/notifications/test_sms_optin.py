"""The SMS opt-in block on the tracking page and the form it posts to."""

from orders.services import consent_record
from tests import factories


def opted_out(customer) -> None:
    consent_record(customer_id=customer.id, channel="sms", granted=False, source="sms_reply")
    customer.refresh_from_db()


def page(client, shipment):
    return client.get(f"/{shipment.brand.slug}/track/{shipment.token}/")


def test_offered_to_shoppers_without_sms_and_a_code_sent_when_valid(client, shipment):
    customer = shipment.order.customer
    opted_out(customer)
    customer.phone = ""
    customer.save(update_fields=["phone"])
    assert "sms-optin" in page(client, shipment).content.decode()
    response = client.post(f"/{shipment.brand.slug}/track/{shipment.token}/sms/", {"phone": "0721 234 567"})
    assert response.status_code == 302
    # A code goes to the number first (see test_phone_verification): nothing is stored yet.
    assert response["Location"].endswith(f"/track/{shipment.token}/?sms=code#sms-optin")
    customer.refresh_from_db()
    assert (customer.phone, customer.sms_consent) == ("", False)


def test_invalid_number_changes_nothing(client, shipment):
    customer = shipment.order.customer
    opted_out(customer)
    for junk in ("555-555-SHIP", "", "x" * 40):
        response = client.post(f"/{shipment.brand.slug}/track/{shipment.token}/sms/", {"phone": junk})
        assert "sms=invalid" in response["Location"]
    customer.refresh_from_db()
    assert not customer.sms_consent


def test_token_of_another_brand_is_404(client, shipment, other_brand):
    customer = shipment.order.customer
    opted_out(customer)
    factories.OrderFactory(brand=other_brand)
    response = client.post(f"/{other_brand.slug}/track/{shipment.token}/sms/", {"phone": "0721234567"})
    assert response.status_code == 404
    customer.refresh_from_db()
    assert not customer.sms_consent


def test_get_is_not_allowed(client, shipment):
    assert client.get(f"/{shipment.brand.slug}/track/{shipment.token}/sms/").status_code == 405


def test_malformed_token_is_404_and_writes_nothing(client, shipment):
    customer = shipment.order.customer
    opted_out(customer)
    for token in ("abc\x00defghij", "x" * 200, "short"):
        response = client.post(f"/{shipment.brand.slug}/track/{token}/sms/", {"phone": "0721234567"})
        assert response.status_code == 404
    customer.refresh_from_db()
    assert not customer.sms_consent
