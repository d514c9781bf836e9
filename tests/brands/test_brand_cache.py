"""Brands are read from each process's memory, and every save reaches the copies."""

from typing import Any

import pytest
from django.core.cache import cache

from brands import cache as brand_cache
from brands import selectors
from brands.models import BrandLookDraft
from brands.services import brand_look_publish

pytestmark = pytest.mark.django_db


def test_a_brand_read_again_costs_no_query_and_callers_get_their_own_copy(
    brand: Any, django_assert_num_queries: Any
) -> None:
    selectors.brand_by_slug(slug=brand.slug)

    with django_assert_num_queries(0):
        first = selectors.brand_by_slug(slug=brand.slug)
        second = selectors.brand_by_slug(slug=brand.slug)

    assert first is not None
    assert second is not None
    assert first is not second
    first.name = "Changed by one request"
    assert second.name == "Casa Verde"


def test_publishing_a_look_is_seen_at_once(brand: Any) -> None:
    selectors.brand_by_slug(slug=brand.slug)
    BrandLookDraft.objects.create(
        brand=brand, primary_colour="#ffe600", accent_colour="#111111", font="serif"
    )

    brand_look_publish(brand_id=brand.id)

    found = selectors.brand_by_slug(slug=brand.slug)
    assert found is not None
    assert found.primary_colour == "#ffe600"


def test_a_save_in_another_process_is_seen_once_the_version_is_checked(brand: Any) -> None:
    selectors.brand_by_slug(slug=brand.slug)
    type(brand).objects.filter(id=brand.id).update(name="Casa Verde Nouă")  # as another process saw it
    cache.set(brand_cache.VERSION_KEY, "replaced-by-another-process", timeout=None)

    within_the_second = selectors.brand_by_slug(slug=brand.slug)
    assert within_the_second is not None
    assert within_the_second.name == "Casa Verde"
    for key, (found, version, _checked, read) in list(brand_cache._entries.items()):
        brand_cache._entries[key] = (found, version, -1e9, read)  # the second has passed

    later = selectors.brand_by_slug(slug=brand.slug)
    assert later is not None
    assert later.name == "Casa Verde Nouă"


def test_a_new_custom_domain_and_an_unknown_slug(brand: Any) -> None:
    assert selectors.brand_by_host(host="track.casaverde.example") is None
    assert selectors.brand_by_slug(slug="nobody") is None

    brand.custom_domain = "track.casaverde.example"
    brand.save()

    found = selectors.brand_by_host(host="Track.CasaVerde.example:443")
    assert found is not None
    assert found.id == brand.id
