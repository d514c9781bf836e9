"""The dashboard's own addresses beside the admin index (the page itself is the admin index)."""

from django.urls import path

from console import dashboard

app_name = "console"

urlpatterns = [
    path("dashboard.csv", dashboard.dashboard_export, name="dashboard-export"),
]
