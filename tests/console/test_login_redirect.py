"""Signing in from the console's own login page lands on the console."""

from typing import Any


def test_signing_in_without_a_next_address_opens_the_dashboard(
    client: Any, brand: Any, staff_of: Any
) -> None:
    owner = staff_of(brand, "owner")
    owner.set_password("a long staff password 7")
    owner.save()

    response = client.post(
        "/admin/login/", {"username": owner.username, "password": "a long staff password 7"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/admin/"
