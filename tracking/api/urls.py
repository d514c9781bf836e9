from django.urls import path

from tracking.api import views

urlpatterns = [
    path("shipments/", views.ShipmentListCreateApi.as_view(), name="api-shipments"),
    path("shipments/<int:shipment_id>/", views.ShipmentDetailApi.as_view(), name="api-shipment-detail"),
    path(
        "shipments/<int:shipment_id>/events/", views.ShipmentEventsApi.as_view(), name="api-shipment-events"
    ),
]
