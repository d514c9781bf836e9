"""The staff pages that live beside the admin's own: team, account, and the invitation link."""

from django.contrib import admin
from django.urls import path

from brands import staff_views

urlpatterns = [
    path("team/", admin.site.admin_view(staff_views.team_page), name="staff-team"),
    path("account/", admin.site.admin_view(staff_views.account_page), name="staff-account"),
    path("join/<str:token>/", staff_views.join_page, name="staff-join"),
]
