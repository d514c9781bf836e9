from django.urls import path

from tracking import webhook_views

urlpatterns = [
    path("shopify/<slug:brand_slug>/", webhook_views.shopify, name="webhook-shopify"),
    path("easypost/<slug:brand_slug>/", webhook_views.easypost, name="webhook-easypost"),
    path("aftership/<slug:brand_slug>/", webhook_views.aftership, name="webhook-aftership"),
    path("shippo/<slug:brand_slug>/", webhook_views.shippo, name="webhook-shippo"),
]
