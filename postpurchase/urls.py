from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from common import health
from common.api import api_not_found
from common.media import serve_media
from loyalty import page as loyalty_page
from loyalty import views as loyalty_views
from notifications.optin import sms_opt_in, sms_opt_in_confirm
from offers import page as offers_page
from returns import views as returns_views

admin.site.site_header = "postpurchase"
admin.site.site_title = "postpurchase admin"
admin.site.index_title = "Orders, shipments, returns and care"
admin.site.site_url = None  # no site root: each brand has its own pages

api_v1 = [
    path("", include("orders.api.urls")),
    path("", include("tracking.api.urls")),
    path("", include("returns.api.urls")),
    path("", include("loyalty.api.urls")),
]

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("admin/connections/", include("console.urls")),
    path("admin/", include("brands.staff_urls")),
    path("admin/console/", include("console.dashboard_urls")),
    path("admin/", admin.site.urls),
    re_path(r"^media/(?P<path>.+)$", serve_media, name="media"),
    path("api/v1/", include(api_v1)),
    path("webhooks/twilio/", include("notifications.urls")),
    path("webhooks/", include("tracking.webhook_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    re_path(r"^api/", api_not_found),
    path("i18n/", include("django.conf.urls.i18n")),
    path("<slug:brand_slug>/track/<str:token>/sms/", sms_opt_in, name="tracking-sms-optin"),
    path("<slug:brand_slug>/track/<str:token>/sms/confirm/", sms_opt_in_confirm, name="tracking-sms-confirm"),
    path("<slug:brand_slug>/track/<str:token>/points/", loyalty_page.redeem, name="loyalty-redeem"),
    path(
        "<slug:brand_slug>/track/<str:token>/points/code/",
        loyalty_page.identity_code_send,
        name="loyalty-identity-code",
    ),
    path(
        "<slug:brand_slug>/track/<str:token>/points/confirm/",
        loyalty_page.identity_code_confirm,
        name="loyalty-identity-confirm",
    ),
    path("<slug:brand_slug>/r/<str:code>/", loyalty_views.referral_landing, name="referral-landing"),
    path("<slug:brand_slug>/go/<int:block_id>/", offers_page.block_redirect, name="offers-go"),
    path("<slug:brand_slug>/go/p/<int:product_id>/", offers_page.product_redirect, name="offers-product"),
    path("<slug:brand_slug>/", include("feedback.urls")),
    path("<slug:brand_slug>/track/", include("tracking.urls")),
    path("<slug:brand_slug>/returns/", include("returns.urls")),
    path("<slug:brand_slug>/help/", include("support.urls")),
    path("<slug:brand_slug>/policy/returns/", returns_views.policy_page, name="returns-policy"),
]
