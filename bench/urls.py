"""The product's URLs behind the bench baselines (bench settings only, never production)."""

from django.urls import path

from bench import views
from postpurchase.urls import urlpatterns as product_urlpatterns

urlpatterns = [
    path("bench/one-row/<slug:slug>/", views.one_row, name="bench-one-row"),
    path("bench/one-insert/", views.one_insert, name="bench-one-insert"),
    *product_urlpatterns,
]
