from django.urls import path

from console import dashboard

app_name = "console"

urlpatterns = [
    path("dashboard.csv", dashboard.dashboard_export, name="dashboard-export"),
]
