from django.urls import path

from notifications import views

urlpatterns = [
    path("status/", views.twilio_status, name="twilio-status"),
    path("inbound/", views.twilio_inbound, name="twilio-inbound"),
]
