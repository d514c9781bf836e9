"""A brand cannot take a slug whose pages the product's own URLs would shadow."""

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from brands.models import Brand

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "slug", ["api", "admin", "webhooks", "healthz", "readyz", "static", "media", "i18n", "API"]
)
def test_a_slug_the_product_answers_itself_is_refused(slug: str) -> None:
    brand = Brand(slug=slug, name="Shadowed", timezone="Europe/Bucharest")

    with pytest.raises(ValidationError) as refused:
        brand.full_clean()

    assert "slug" in refused.value.message_dict
    assert "used by the product itself" in refused.value.message_dict["slug"][0]


def test_the_admin_refuses_a_reserved_slug_and_writes_nothing(admin_client: Any) -> None:
    response = admin_client.post(
        "/admin/brands/brand/add/", {"slug": "api", "name": "Shadowed", "timezone": "Europe/Bucharest"}
    )

    assert response.status_code == 200  # the form again, with its errors
    assert "used by the product itself" in response.content.decode()
    assert not Brand.objects.filter(slug="api").exists()


def test_an_ordinary_slug_is_accepted() -> None:
    Brand(slug="casa-verde", name="Casa Verde", timezone="Europe/Bucharest").full_clean(
        exclude=["enabled_locales"]
    )
