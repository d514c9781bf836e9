from django.urls import path

from returns.api import views

urlpatterns = [
    path("returns/", views.ReturnListApi.as_view(), name="api-returns"),
    path("returns/<str:rma>/", views.ReturnDetailApi.as_view(), name="api-return-detail"),
    path("returns/<str:rma>/status/", views.ReturnStatusApi.as_view(), name="api-return-status"),
    path("returns/<str:rma>/shipment/", views.ReturnShipmentApi.as_view(), name="api-return-shipment"),
]
