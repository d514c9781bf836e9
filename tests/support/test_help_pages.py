"""The help centre's pages and the tracking page's help block."""

from datetime import timedelta

import pytest
from django.utils import timezone

from support.models import FaqArticle
from tests import factories
from tests.tracking import page_builders as build
from tracking.statuses import ShipmentStatus as S

pytestmark = pytest.mark.usefixtures("help_centre")


@pytest.mark.django_db
def test_the_home_lists_categories_in_the_shoppers_language(client, brand, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        html = client.get("/casa-verde/help/", {"lang": "pl"}).content.decode()
    assert "Dostawa" in html
    assert "Co zrobić, gdy paczka się spóźnia?" in html
    assert "Livrare" not in html


@pytest.mark.django_db
def test_an_article_counts_views_of_people_not_bots(client, brand):
    article = FaqArticle.objects.get(brand=brand, locale="en", slug="late-parcel")
    url = f"/casa-verde/help/a/{article.id}/"
    assert client.get(url, HTTP_USER_AGENT="Mozilla/5.0").status_code == 200
    client.get(url, HTTP_USER_AGENT="Googlebot/2.1")
    client.head(url, HTTP_USER_AGENT="Mozilla/5.0")
    article.refresh_from_db()
    assert article.views == 1


@pytest.mark.django_db
def test_helpfulness_is_counted_once_per_browser(client, brand):
    article = FaqArticle.objects.get(brand=brand, locale="en", slug="late-parcel")
    url = f"/casa-verde/help/a/{article.id}/vote/"
    assert client.post(url, {"helpful": "yes"}).status_code == 302
    client.post(url, {"helpful": "no"})
    client.post(url, {"helpful": "maybe"})
    article.refresh_from_db()
    assert (article.helpful_yes, article.helpful_no) == (1, 0)
    assert "Thank you for telling us." in client.get(f"/casa-verde/help/a/{article.id}/").content.decode()


@pytest.mark.django_db
def test_unpublished_and_other_brands_articles_are_not_found(client, brand, other_brand):
    theirs = FaqArticle.objects.filter(brand=other_brand).first()
    draft = FaqArticle.objects.filter(brand=brand).first()
    FaqArticle.objects.filter(id=draft.id).update(published=False)
    assert client.get(f"/casa-verde/help/a/{theirs.id}/").status_code == 404
    assert client.get(f"/casa-verde/help/a/{draft.id}/").status_code == 404
    assert client.post(f"/casa-verde/help/a/{theirs.id}/vote/", {"helpful": "yes"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.helpful_yes == 0


@pytest.mark.django_db
def test_a_late_parcel_shows_the_answer_about_late_parcels(client, brand, django_assert_max_num_queries):
    order = build.order_with_lines(brand=brand, customer=factories.CustomerFactory(brand=brand, locale="en"))
    shipment = build.parcel(order=order, edd=(timezone.now() - timedelta(days=3)).date())
    shipment.late_since = timezone.now() - timedelta(days=2)
    shipment.save(update_fields=["late_since"])
    html = client.get(f"/casa-verde/track/{shipment.token}/", {"lang": "en"}).content.decode()
    block = html.split('class="card help-answers"')[1]
    assert block.index("What if my parcel is late?") < block.index("When will my order arrive?")
    assert "It says delivered" not in block
    assert f"/casa-verde/help/ask/?t={shipment.token}" in block


@pytest.mark.django_db
def test_a_delivered_parcel_shows_the_answers_for_after_delivery(client, brand):
    order = build.order_with_lines(brand=brand, customer=factories.CustomerFactory(brand=brand, locale="ro"))
    scans = (*build.JOURNEY, (S.DELIVERED, 2, "Delivered", "Ploiești"))
    shipment = build.parcel(order=order, scans=scans)
    html = client.get(f"/casa-verde/track/{shipment.token}/").content.decode()
    block = html.split('class="card help-answers"')[1]
    assert "Apare livrat, dar nu l-am primit" in block
    assert "Produsul a sosit deteriorat" in block
