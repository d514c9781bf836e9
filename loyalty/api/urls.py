from django.urls import path

from loyalty.api import views

urlpatterns = [
    path("discount-codes/<str:code>/", views.DiscountCodeDetailApi.as_view(), name="api-discount-code"),
    path(
        "discount-codes/<str:code>/redeem/",
        views.DiscountCodeRedeemApi.as_view(),
        name="api-discount-code-redeem",
    ),
]
