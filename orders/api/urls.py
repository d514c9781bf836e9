from django.urls import path

from orders.api import views

urlpatterns = [
    path("orders/", views.OrderListCreateApi.as_view(), name="api-orders"),
    path("orders/<int:order_id>/", views.OrderDetailApi.as_view(), name="api-order-detail"),
]
